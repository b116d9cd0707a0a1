"""The app manifest asks for exactly the scopes and events the adapter uses, and its commands."""

from __future__ import annotations

import re

from adapters.slack.adapter import COMMANDS
from tests.support import ROOT

MANIFEST = ROOT / "manifest.yml"
# Why each scope: history for the three message events, chat:write for ephemeral nudges, DMs
# and escalations, im:write for conversations.open, commands for /code and /check.
SCOPES = {
    "channels:history",
    "groups:history",
    "mpim:history",
    "chat:write",
    "im:write",
    "commands",
}
EVENTS = {"message.channels", "message.groups", "message.mpim"}


def items_under(key: str) -> set[str]:
    """The `- item` lines of the YAML list under `key:` (comments stripped)."""
    lines = MANIFEST.read_text("utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"{key}:")
    indent = len(lines[start]) - len(lines[start].lstrip())
    found: set[str] = set()
    for line in lines[start + 1 :]:
        if line.strip() and not line.strip().startswith("#"):
            if len(line) - len(line.lstrip()) <= indent:
                break
            if match := re.match(r"\s*- (\S+)", line):
                found.add(match.group(1))
    return found


def test_exactly_the_scopes_and_events_needed() -> None:
    assert items_under("bot") == SCOPES
    assert items_under("bot_events") == EVENTS


def test_the_manifest_declares_the_adapter_commands() -> None:
    declared = set(re.findall(r"- command: (\S+)", MANIFEST.read_text("utf-8")))
    assert declared == set(COMMANDS)


def test_socket_mode_is_the_default_and_buttons_are_on() -> None:
    text = MANIFEST.read_text("utf-8")
    assert re.search(r"^\s+socket_mode_enabled: true", text, re.MULTILINE)
    assert re.search(r"^\s+is_enabled: true", text, re.MULTILINE)
