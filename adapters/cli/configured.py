"""`kodeks config check`: agency.toml and the environment validated together, and summed up.

It says what `kodeks run` would start with (platforms and their modes, the store, the chats and
staff) and never a secret: tokens are only said to be set, and a Redis URL loses its password.
What `kodeks run` would refuse although each file is valid (no platform, Socket Mode without an
app token…) is a `warning:` line; a file kodeks refuses is an error, one line per problem.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TypeAlias
from urllib.parse import urlsplit

from bot.domain.config import AgencyConfig, load_config
from bot.ops.settings import Settings, load_settings

# A string: argparse's class cannot be subscripted at run time, only by the type checker.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_config(commands: Commands) -> None:
    """Add `config check`."""
    about = "validate agency.toml and the environment (.env) together"
    config = commands.add_parser("config", help=about, description=about.capitalize() + ".")
    actions = config.add_subparsers(required=True, metavar="ACTION")
    about = "validate agency.toml and the environment, and print what is configured"
    check = actions.add_parser(
        "check",
        help=about,
        description=about.capitalize() + " (platforms, store, chats, staff; never a secret).",
        epilog="Exit status: 0 valid (warnings say what `kodeks run` would still refuse),"
        " 2 refused.",
    )
    check.add_argument("--config", type=Path, help="agency.toml (default: KODEKS_CONFIG)")
    check.add_argument(
        "--env-file", type=Path, default=Path(".env"), help="the .env to read (default: ./.env)"
    )
    check.set_defaults(run=run_config_check)


def run_config_check(args: argparse.Namespace) -> int:
    """Validate both sources, print the summary; errors propagate to the command line."""
    env_file: Path = args.env_file
    settings = load_settings(env_file)
    path = args.config or settings.config
    agency = load_config(path)
    where = f"{env_file} and the process" if env_file.is_file() else f"the process (no {env_file})"
    lines = [f"environment: {where}", f"agency config: {path}", *summary(settings, agency)]
    lines += [f"warning: {text}" for text in warnings(settings, agency)]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def load_agency(path: Path | None) -> AgencyConfig:
    """Load `--config`, else KODEKS_CONFIG or ./agency.toml where it exists, else no registry."""
    return find_agency(path) or AgencyConfig()


def find_agency(path: Path | None) -> AgencyConfig | None:
    """Load `--config`, else KODEKS_CONFIG or ./agency.toml where it exists; None without one."""
    if path is None:
        path = load_settings().config
        if not path.exists():
            return None
    return load_config(path)


def summary(settings: Settings, agency: AgencyConfig) -> list[str]:
    """What is configured, one line a topic, without secrets."""
    return [
        f"platforms: {', '.join(platforms(settings)) or 'none'}",
        f"store: {store(settings)}",
        f"clients: {_listed([c.name for c in agency.clients])}",
        f"chats: {_chats(agency)}; unknown chats are treated as {agency.policy.unknown_chat}",
        f"staff: {_staff(agency)}",
        f"rules: {_rules(agency)}",
    ]


def platforms(settings: Settings) -> list[str]:
    """The platforms `kodeks run` would start, with their modes."""
    found = []
    if settings.telegram.token is not None:
        found.append(f"telegram ({settings.telegram.mode})")
    if settings.slack.bot_token is not None:
        found.append(f"slack ({settings.slack.mode})")
    return found


def store(settings: Settings) -> str:
    """The store, with the Redis URL's password and query left out."""
    if settings.redis_url is None:
        return "embedded (no KODEKS_REDIS_URL: in-process, for trials; nothing survives a restart)"
    kind = "redis cluster from" if settings.redis_cluster else "redis at"
    try:
        url = urlsplit(settings.redis_url.get_secret_value())
        address = f"{url.scheme}://{url.hostname}:{url.port or 6379}{url.path}"
    except ValueError:  # an unreadable port: say where to look, not what it says
        return f"{kind} an address that cannot be read; check KODEKS_REDIS_URL"
    hidden = " (password hidden)" if url.password else ""
    return f"{kind} {address}{hidden}"


def warnings(settings: Settings, agency: AgencyConfig) -> Iterator[str]:
    """What `kodeks run` would refuse, or silently not serve, although both files are valid."""
    telegram, slack = settings.telegram, settings.slack
    if telegram.token is None and slack.bot_token is None:
        yield ("kodeks run needs a platform: set KODEKS_TELEGRAM__TOKEN or KODEKS_SLACK__BOT_TOKEN")
    if telegram.token is not None and telegram.mode == "webhook" and not telegram.webhook_secret:
        yield "Telegram webhook mode needs KODEKS_TELEGRAM__WEBHOOK_SECRET (A-Z a-z 0-9 _ -)"
    if slack.bot_token is not None and slack.mode == "socket" and slack.app_token is None:
        yield "Slack Socket Mode needs KODEKS_SLACK__APP_TOKEN (xapp-…, connections:write)"
    if slack.bot_token is not None and slack.mode == "http" and slack.signing_secret is None:
        yield "Slack HTTP mode needs KODEKS_SLACK__SIGNING_SECRET"
    listed = Counter(chat.platform.value for chat in agency.chats)
    for platform in sorted(set(listed) - {p.split()[0] for p in platforms(settings)}):
        yield f"agency.toml lists {listed[platform]} {platform} chat(s); {platform} has no token"


def _chats(agency: AgencyConfig) -> str:
    kinds = Counter(chat.kind.value for chat in agency.chats)
    per_kind = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    return f"{len(agency.chats)} ({per_kind})" if agency.chats else "0"


def _staff(agency: AgencyConfig) -> str:
    admins = [s.name for s in agency.staff if s.admin]
    return f"{len(agency.staff)}, admins: {_listed(admins)}" if agency.staff else "0"


def _rules(agency: AgencyConfig) -> str:
    rules = agency.rules
    said = "the shipped"
    if rules.off:
        said += f" ({len(rules.off)} switched off)"
    if rules.folder is not None:
        said += f" and the agency's own in {rules.folder} (kodeks rules test runs their examples)"
    return said


def _listed(names: list[str]) -> str:
    return f"{len(names)} ({', '.join(names)})" if names else "none"
