"""`kodeks init`: a commented agency.toml and a short .env for a new agency, from flags or answers.

What it writes is checked the way `kodeks run` reads it before it says it is done, and it never
overwrites a file without `--force` (it checks both files before writing either). The .env gets
mode 600: it may hold tokens. Tokens are asked for without echo; given as flags they end up in
the shell's history, which the help says.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

from bot.domain.config import ConfigError, load_config
from bot.ops.settings import load_settings

# A string: argparse's class cannot be subscripted at run time, only by the type checker.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Ask = Callable[[str], str]

_EPILOG = """\
Without flags, on a terminal, it asks; --no-input takes the flags as they are. Tokens given as
flags stay in the shell's history: leave them out and answer the questions (typed unseen), or
put them in .env afterwards. Then: kodeks config check, and kodeks run (from DIR).
"""


@dataclass
class Answers:
    """What the new agency's files say; empty means "not configured"."""

    clients: list[str] = field(default_factory=list)
    admin: str = ""
    admin_telegram_id: str = ""
    admin_slack_id: str = ""
    telegram_token: str = ""
    slack_bot_token: str = ""
    slack_app_token: str = ""
    redis_url: str = ""


def add_init(commands: Commands) -> None:
    """Add `init`."""
    about = "write a commented agency.toml and .env for a new agency"
    init = commands.add_parser(
        "init",
        help=about,
        description=about.capitalize() + ".",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    init.add_argument("--dir", type=Path, default=Path(), help="where to write (default: here)")
    init.add_argument(
        "--client", action="append", default=[], help="a client's name (repeat for each)"
    )
    init.add_argument("--admin", default="", help="the compliance lead's name (an admin)")
    init.add_argument("--admin-telegram-id", default="", help="their numeric Telegram id")
    init.add_argument("--admin-slack-id", default="", help="their Slack member id (U…)")
    init.add_argument("--telegram-token", default="", help="the bot token from @BotFather")
    init.add_argument("--slack-bot-token", default="", help="the Slack bot token (xoxb-…)")
    init.add_argument("--slack-app-token", default="", help="the Slack app token (xapp-…)")
    init.add_argument("--redis-url", default="", help="Redis (default: the embedded store)")
    init.add_argument("--force", action="store_true", help="overwrite existing files")
    init.add_argument("--no-input", action="store_true", help="ask nothing; use the flags")
    init.set_defaults(run=run_init)


def run_init(args: argparse.Namespace) -> int:
    """Write both files (asking for what the flags leave out, on a terminal), then check them."""
    folder: Path = args.dir
    agency, env = folder / "agency.toml", folder / ".env"
    existing = [str(p) for p in (agency, env) if p.exists()]
    if existing and not args.force:
        verb = "exist" if len(existing) > 1 else "exists"
        msg = f"{' and '.join(existing)} already {verb}; pass --force to overwrite"
        raise ConfigError(msg)
    answers = _from_flags(args)
    if not args.no_input and sys.stdin.isatty():
        answers = ask(answers, input, getpass.getpass)
    _refuse_blanks_inside(answers)
    folder.mkdir(parents=True, exist_ok=True)
    _write_checked(agency, env, answers)
    sys.stdout.write(f"wrote {agency} and {env}; next: kodeks config check\n")
    return 0


def _write_checked(agency: Path, env: Path, answers: Answers) -> None:
    """Write both files beside their places, check them as `kodeks run` reads them, then move
    them in: a refused answer leaves no half-written file behind."""
    staged = agency.with_name(".agency.toml.new"), env.with_name(".env.new")
    try:
        staged[0].write_text(agency_toml(answers), encoding="utf-8")
        _write_private(staged[1], dot_env(answers))
        load_config(staged[0])
        load_settings(staged[1])
        staged[0].replace(agency)
        staged[1].replace(env)
    finally:
        for path in staged:
            path.unlink(missing_ok=True)


def _from_flags(args: argparse.Namespace) -> Answers:
    return Answers(
        clients=[name.strip() for name in args.client if name.strip()],
        admin=args.admin.strip(),
        admin_telegram_id=args.admin_telegram_id.strip(),
        admin_slack_id=args.admin_slack_id.strip(),
        telegram_token=args.telegram_token.strip(),
        slack_bot_token=args.slack_bot_token.strip(),
        slack_app_token=args.slack_app_token.strip(),
        redis_url=args.redis_url.strip(),
    )


def ask(answers: Answers, question: Ask, secret: Ask) -> Answers:
    """Ask for what the flags left out; an empty answer keeps "not configured"."""
    if not answers.clients:
        names = question("Clients, separated by commas (empty: none yet): ")
        answers.clients = [name.strip() for name in names.split(",") if name.strip()]
    answers.admin = answers.admin or question("The compliance lead's name (empty: later): ")
    if answers.admin and not answers.admin_telegram_id:
        answers.admin_telegram_id = question(f"{answers.admin}'s Telegram id (empty: none): ")
    if not answers.telegram_token:
        answers.telegram_token = secret("Telegram bot token (empty: no Telegram): ")
    if not answers.slack_bot_token:
        answers.slack_bot_token = secret("Slack bot token xoxb-… (empty: no Slack): ")
    if answers.slack_bot_token and not answers.slack_app_token:
        answers.slack_app_token = secret("Slack app token xapp-… for Socket Mode: ")
    answers.redis_url = answers.redis_url or question("Redis URL (empty: the embedded store): ")
    return answers


def _refuse_blanks_inside(answers: Answers) -> None:
    """A .env value cannot hold a space or a line break; a pasted token sometimes does."""
    values = {
        "--telegram-token": answers.telegram_token,
        "--slack-bot-token": answers.slack_bot_token,
        "--slack-app-token": answers.slack_app_token,
        "--redis-url": answers.redis_url,
        "--admin-telegram-id": answers.admin_telegram_id,
    }
    for flag, value in values.items():
        if any(char.isspace() for char in value.strip()):
            msg = f"{flag}: the value holds a space or a line break; paste it again"
            raise ConfigError(msg)
    if answers.admin_telegram_id and not answers.admin_telegram_id.lstrip("-").isdigit():
        msg = "--admin-telegram-id: a Telegram id is a number (ask @userinfobot)"
        raise ConfigError(msg)


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner may read: it may hold tokens."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    path.chmod(0o600)  # O_CREAT's mode applies only to a new file


def _toml(text: str) -> str:
    # A JSON string is a valid TOML basic string: quotes, backslashes and controls escaped.
    return json.dumps(text, ensure_ascii=False)


def agency_toml(answers: Answers) -> str:
    """The commented agency.toml for these answers."""
    parts = [_AGENCY_HEAD, _clients(answers.clients), _staff(answers), _AGENCY_TAIL]
    return "\n".join(parts)


def _clients(names: list[str]) -> str:
    text = _CLIENTS_HEAD
    if not names:
        return (
            text + '# [[clients]]\n# name = "Ромашка"\n# aliases = ["ТМ «Ромашка»", "Romashka"]\n'
        )
    entries = [
        f'[[clients]]\nname = {_toml(n)}\n# aliases = ["other names it goes by"]\n' for n in names
    ]
    return text + "\n".join(entries)


def _staff(answers: Answers) -> str:
    text = _STAFF_HEAD
    if not answers.admin:
        return text + '# [[staff]]\n# name = "Анна Смирнова"\n# telegram_id = 111111111\n'
    text += f"[[staff]]\nname = {_toml(answers.admin)}\n"
    telegram = answers.admin_telegram_id
    text += f"telegram_id = {telegram}\n" if telegram else "# telegram_id = 111111111\n"
    slack = answers.admin_slack_id
    text += f"slack_id = {_toml(slack)}\n" if slack else '# slack_id = "U0123456789"\n'
    return text + "admin = true\n"


def dot_env(answers: Answers) -> str:
    """The .env for these answers: the variables a new agency sets, the rest left to defaults."""
    return _ENV.format(
        redis=answers.redis_url,
        telegram=answers.telegram_token,
        slack_bot=answers.slack_bot_token,
        slack_app=answers.slack_app_token,
    )


_AGENCY_HEAD = """\
# agency.toml, written by `kodeks init`: the agency's own facts and policy. Every table is
# optional. agency.example.toml (beside kodeks' README) shows every table and key with comments;
# `kodeks config check` validates this file together with .env, and names the line to fix.
"""

_CLIENTS_HEAD = """\
# --- Clients: names and every other name they go by (naming one client's affairs in another's
# chat breaks clause 4). Forms of a name are found by morphology.
"""

_STAFF_HEAD = """\
# --- Staff: who works at the agency, with the ids each platform knows them by. Admins may use
# /stats and bind chats; the bot knows a person only by an id.
"""

_AGENCY_TAIL = """\
# --- Chats: which chats are a client's and whose, and which are internal. Telegram ids are
# numbers (groups are negative); Slack ids are channel ids. A chat listed nowhere follows
# policy.unknown_chat; an admin can also bind one from a private chat with the bot (/bind).
# [[chats]]
# platform = "telegram"
# id = -1001234567890
# kind = "client"            # client | internal (an internal chat has no client)
# client = "Ромашка"
# responsible = "Анна Смирнова"   # a staff name: who answers the client here

# --- Policy: the defaults are what a compliance lead would pick; uncomment to change.
[policy]
# unknown_chat = "client"    # client | internal | ignore: chats not listed above
# nudge_window_minutes = 60  # one nudge per person and clause in this window
# count_window_days = 30     # warnings count over this sliding window
# escalate_from = 5          # at the 5th warning (10th, 15th…): the compliance channel hears
# sla_minutes = 60           # a client's question waits at most this long, in working minutes

# --- Working hours: attentiveness counts only working minutes.
[working_hours]
# timezone = "Europe/Moscow"
# days = [1, 2, 3, 4, 5]     # ISO weekdays, Monday = 1
# start = 10:00:00
# end = 19:00:00
"""

_ENV = """\
# .env, written by `kodeks init`. An empty value means "not set". .env.example (beside kodeks'
# README) lists every KODEKS_ variable with its default; `kodeks config check` shows the result.

# The agency's facts and policy, read from the folder kodeks runs in.
KODEKS_CONFIG=agency.toml
# Redis, e.g. redis://127.0.0.1:6379/0; empty: the embedded store (trials only).
KODEKS_REDIS_URL={redis}

# Telegram: the token from @BotFather; empty: no Telegram.
KODEKS_TELEGRAM__TOKEN={telegram}
KODEKS_TELEGRAM__MODE=polling

# Slack: the bot token (xoxb-…) and the app-level token for Socket Mode (xapp-…); empty: no Slack.
KODEKS_SLACK__BOT_TOKEN={slack_bot}
KODEKS_SLACK__APP_TOKEN={slack_app}
KODEKS_SLACK__MODE=socket
"""
