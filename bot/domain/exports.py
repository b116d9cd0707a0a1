"""The export reader's contract: what `kodeks scan` reads, one message at a time.

Adapters implement `Export` (Telegram Desktop's `result.json`, a Slack export); the scan in
`bot.audit` only ever sees `ExportedMessage`s and `ReadStats`. Readers are pure: no Redis, no
network, no config. What they cannot read is counted in `stats.skipped` by reason; what makes the
whole export unreadable raises `ExportError` with a message saying what to do about it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bot.domain.models import IncomingMessage

# Why a reader skipped something: the keys of `ReadStats.skipped` and `notes`. The report
# translates them (`bot/audit/templates/words.*.toml`), so every reason a reader gives is here.
MALFORMED_MESSAGE = "malformed message"
UNREADABLE_TEXT = "unreadable text"  # bad UTF-8 bytes or a lone surrogate escape in the file
CHAT_WITHOUT_ID = "chat without id or type"
MALFORMED_CONVERSATION = "malformed conversation"
BROKEN_DAY_FILE = "broken day file"
AUTHOR_MISSING = "author missing from users.json"
READ_REASONS = (
    MALFORMED_MESSAGE, UNREADABLE_TEXT, CHAT_WITHOUT_ID, MALFORMED_CONVERSATION, BROKEN_DAY_FILE,
)  # fmt: skip
READ_NOTES = (AUTHOR_MISSING,)
# What a reader puts in place of what it could not decode; a noncharacter, so never real text.
UNREADABLE = "\ufdd0"


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
    damaged: Counter[str] = field(default_factory=Counter)  # file → messages with unreadable text
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
