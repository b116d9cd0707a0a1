"""`agency.toml`: read, validated, and refused with errors that name the line of the key.

The schema is `bot.domain.agency`'s (re-exported here, where callers have always found it).
Every error is one line, `agency.toml:N: where: what to do`, with N the offending key's own line
(inside `[policy]` or the n-th `[[chats]]` alike; a missing key names its table's header).
Beyond the schema, contradictions between tables are refused: a client, a responsible person or
a counterpart's client that is not defined, an internal chat with a client, a chat listed twice,
a name or an id shared by two clients or two staff members.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from bot.domain.agency import (
    ALL_LABELS,
    AgencyConfig,
    ChatConfig,
    ClientConfig,
    ComplianceConfig,
    CounterpartConfig,
    PolicyConfig,
    RulesConfig,
    StaffConfig,
    TextId,
    WorkingHoursConfig,
)
from bot.domain.toml_lines import Location, line_of
from rules import ChatKind, RulesError, load_ruleset
from rules.own import with_own

__all__ = [
    "ALL_LABELS",
    "AgencyConfig",
    "ChatConfig",
    "ClientConfig",
    "ComplianceConfig",
    "ConfigError",
    "CounterpartConfig",
    "PolicyConfig",
    "RulesConfig",
    "StaffConfig",
    "TextId",
    "WorkingHoursConfig",
    "load_config",
]


class ConfigError(Exception):
    """`agency.toml` is missing or wrong; the message says where and what to fix."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the file: where (a pydantic-style location) and what to do."""

    location: Location
    message: str
    first: Location | None = None  # for a repeat: where the first one is written


def load_config(path: Path) -> AgencyConfig:
    """Read and validate `agency.toml`; raise `ConfigError` naming each offending line."""
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as error:
        msg = f"{path}: cannot read the agency config ({error.strerror}); check KODEKS_CONFIG"
        msg += " (kodeks init writes a new one)"
        raise ConfigError(msg) from error
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        msg = f"{path}: not valid TOML ({error}); fix the syntax there"
        raise ConfigError(msg) from error
    try:
        config = AgencyConfig.model_validate(data)
    except ValidationError as error:
        raise ConfigError(_report(path, source, map(_problem, error.errors()))) from None
    config = _rules_beside(config, path)
    problems = [*contradictions(config), *rules_problems(config.rules)]
    if problems:
        raise ConfigError(_report(path, source, problems))
    _load_own_rules(config.rules)
    return config


def _rules_beside(config: AgencyConfig, path: Path) -> AgencyConfig:
    """Resolve `[rules] folder` against agency.toml's own folder, wherever kodeks runs from."""
    folder = config.rules.folder
    if folder is None or folder.is_absolute():
        return config
    rules = config.rules.model_copy(update={"folder": path.parent / folder})
    return config.model_copy(update={"rules": rules})


def rules_problems(rules: RulesConfig) -> Iterator[Problem]:
    """Refuse a rules folder that is not there and an `off` id no shipped rule has."""
    if rules.folder is not None and not rules.folder.is_dir():
        msg = f"no folder {rules.folder}; create it, or fix the path (relative to agency.toml)"
        yield Problem(("rules", "folder"), msg)
    if not rules.off:
        return
    shipped = {rule.id for rule in load_ruleset().rules}
    for rule_id in rules.off:
        if rule_id not in shipped:
            msg = f"no shipped rule '{rule_id}' to switch off; `kodeks rules list` lists the ids"
            yield Problem(("rules", "off"), msg)


def _load_own_rules(rules: RulesConfig) -> None:
    """Read the agency's rule files now, so a broken one is refused with the config, by its line.

    Lemmas and examples need the dictionary and the compiled checker: `rulebook.checker_for`.
    """
    own = rules.to_own()
    if own is None or own.folder is None:
        return
    try:
        with_own(load_ruleset(), own)
    except RulesError as error:
        raise ConfigError(str(error)) from None


def _report(path: Path, source: str, problems: Iterable[Problem]) -> str:
    lines = []
    for problem in problems:
        where = ".".join(str(part) for part in problem.location)
        message = problem.message
        if problem.first is not None:
            message = f"{message} (first at line {line_of(source, problem.first)})"
        lines.append((line_of(source, problem.location), f"{where}: {message}"))
    # In the file's order: the reader fixes them from the top down.
    return "\n".join(f"{path}:{line}: {text}" for line, text in sorted(lines))


def _problem(error: ErrorDetails) -> Problem:
    """Say pydantic's complaint in the file's terms: a key, a value, the allowed values."""
    location, kind, context = tuple(error["loc"]), error["type"], error.get("ctx", {})
    if kind == "extra_forbidden":
        message = "unknown key; check its spelling and table against agency.example.toml"
    elif kind in ("enum", "literal_error"):
        message = f"{_shown(error['input'])} is not allowed; use {context['expected']}"
    else:
        message = error["msg"].removeprefix("Value error, ")
    return Problem(location, message)


def _shown(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else repr(value)


def contradictions(config: AgencyConfig) -> Iterator[Problem]:
    """Find what each table allows but the tables together contradict."""
    yield from _shared_client_names(config.clients)
    yield from _chat_problems(config)
    yield from _repeats("chats", config.chats, "id", lambda c: f"chat {c.platform}:{c.id}")
    yield from _repeats("staff", config.staff, "name", lambda s: f"'{s.name}'")
    for key in ("telegram_id", "slack_id"):
        yield from _repeats("staff", config.staff, key, partial(_staff_id, key))
    known = {c.name for c in config.clients}
    for number, counterpart in enumerate(config.business_counterparts):
        if counterpart.client not in known:
            msg = f"unknown client '{counterpart.client}'; add it to [[clients]] or fix the name"
            yield Problem(("business_counterparts", number, "client"), msg)


def _chat_problems(config: AgencyConfig) -> Iterator[Problem]:
    known = {c.name for c in config.clients}
    staff = {s.name for s in config.staff}
    for number, chat in enumerate(config.chats):
        if chat.client is not None and chat.kind is ChatKind.INTERNAL:
            msg = 'an internal chat has no client; remove client, or set kind = "client"'
            yield Problem(("chats", number, "client"), msg)
        elif chat.client is not None and chat.client not in known:
            msg = f"names client '{chat.client}'; add it to [[clients]] or fix the name"
            yield Problem(("chats", number, "client"), msg)
        if chat.responsible is not None and chat.responsible not in staff:
            msg = f"'{chat.responsible}' is not staff; add them to [[staff]] or fix the name"
            yield Problem(("chats", number, "responsible"), msg)


def _staff_id(key: str, staff: StaffConfig) -> str | None:
    value = getattr(staff, key)
    return None if value is None else f"{key} {value}"


def _repeats(
    table: str, entries: Iterable[Any], key: str, identity: Callable[[Any], str | None]
) -> Iterator[Problem]:
    """Refuse a second entry of `table` with the identity of an earlier one."""
    first: dict[str, int] = {}
    for number, entry in enumerate(entries):
        value = identity(entry)
        if value is None:
            continue
        earlier = first.setdefault(value, number)
        if earlier != number:
            msg = f"{value} is listed twice; keep one [[{table}]] entry for it"
            yield Problem((table, number, key), msg, first=(table, earlier, key))


def _shared_client_names(clients: Iterable[ClientConfig]) -> Iterator[Problem]:
    owners: dict[str, tuple[str, int]] = {}
    for number, client in enumerate(clients):
        for name in (client.name, *client.aliases):
            owner, first = owners.setdefault(name.casefold(), (client.name, number))
            if owner != client.name:
                key = "name" if name == client.name else "aliases"
                msg = f"the name '{name}' belongs to both '{owner}' and '{client.name}'"
                yield Problem(("clients", number, key), msg, first=("clients", first))
