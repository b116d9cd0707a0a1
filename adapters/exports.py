"""Chat exports as a stream of messages: what every reader shares, and which reader to use.

`open_export(path)` tells a Telegram Desktop export (`result.json`, or the folder holding it) from
a Slack export (the zip or its folder) and returns a reader whose `messages()` yields
`ExportedMessage`s one at a time, so memory stays flat in the size of the export. Readers are
pure: no Redis, no network, no config. What they cannot read is counted in `stats.skipped` by
reason; what makes the whole export unreadable raises `ExportError` with a message saying what to
do about it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bot.models import IncomingMessage


class ExportError(Exception):
    """The export cannot be read at all; the message says which file and what to do."""


@dataclass(frozen=True, slots=True)
class ExportedMessage:
    """One message of an export: the platform facts, and the names an export carries."""

    message: IncomingMessage
    chat_name: str
    author_name: str
    chat_type: str = ""  # the export's own word for the chat (Telegram `type`, Slack kind)


@dataclass(slots=True)
class ReadStats:
    """What a reader has got through: messages, skips by reason, and how far it is."""

    messages: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)  # read, but worth telling
    done: int = 0  # bytes (Telegram) or files (Slack) read so far
    total: int = 0  # of `done`'s unit; 0 when unknown

    @property
    def fraction(self) -> float:
        """Return how much of the export has been read, from 0 to 1."""
        return min(1.0, self.done / self.total) if self.total else 0.0


class Export(Protocol):
    """A readable export."""

    path: Path
    stats: ReadStats

    def messages(self) -> Iterator[ExportedMessage]:
        """Yield the export's messages in file order."""
        ...


def open_export(path: Path) -> Export:
    """Return the reader for the export at `path`."""
    from adapters.exports_slack import SlackExport, is_slack_export  # noqa: PLC0415
    from adapters.exports_telegram import TelegramExport  # noqa: PLC0415

    if not path.exists():
        msg = f"{path}: no such file or folder; give a Telegram result.json or a Slack export"
        raise ExportError(msg)
    if path.is_dir() and (path / "result.json").is_file():
        return TelegramExport(path / "result.json")
    if is_slack_export(path):
        return SlackExport(path)
    if path.is_file() and path.suffix.lower() == ".json":
        return TelegramExport(path)
    msg = (
        f"{path}: not an export kodeks reads; give Telegram Desktop's result.json (JSON format)"
        " or a Slack export (the zip, or its folder with users.json and channels.json)"
    )
    raise ExportError(msg)
