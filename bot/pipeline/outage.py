"""Findings that wait for Redis: a bounded buffer, and whether Redis is thought to be up.

When Redis is away, `Pipeline.handle` keeps a message's findings here (ids, clauses, rules and
matched words, never the text) and goes on; once Redis is back they go through the claims, so
nudges come late rather than twice. A message leaves the buffer only once it is recorded: a
flush cancelled at shutdown, or one that meets Redis gone again, leaves it where it was.

With a journal (`bot/store/journal.py`, what `kodeks run` uses) every kept message is also on
disk until it is recorded, and a new buffer on the same journal starts with what the last
process left: a restart during an outage loses nothing.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace

from pydantic import TypeAdapter, ValidationError

from bot.domain.clock import now_ms
from bot.domain.models import IncomingMessage, Nudge
from bot.domain.policy import ClauseFindings
from bot.store.journal import Journal

log = logging.getLogger("bot.outage")

BUFFER_SIZE = 10_000
BACKOFF_S = 1.0


@dataclass(slots=True)
class Pending:
    """Findings waiting for Redis: ids, clauses, rules and matched words only, never the text.

    `language` is what the nudge will be written in, worked out from the text before it goes.
    """

    message: IncomingMessage
    groups: list[ClauseFindings]
    language: str
    accepted_at_ms: int = field(default_factory=now_ms)
    # Names this accepted delivery in Redis, so that recording it again (its reply lost, then a
    # flush) gives back the first results, nudge and all; journalled with it.
    attempt: str = field(default_factory=lambda: secrets.token_hex(8))
    row: int | None = None  # its row in the journal, if it has one
    # Counted and nudged already, Redis gone before its audit lines were written: only those
    # (`groups`) and what its nudge was about, for the nudge's button, wait.
    audit_only: bool = False
    nudge: Nudge | None = None

    @classmethod
    def of(cls, message: IncomingMessage, groups: list[ClauseFindings], language: str) -> Pending:
        """The findings of `message`, kept without its text."""
        return cls(replace(message, text=""), groups, language)


_PENDING: TypeAdapter[Pending] = TypeAdapter(Pending)


def encode_pending(pending: Pending) -> str:
    """A pending message as the journal keeps it (JSON, no text)."""
    return _PENDING.dump_json(pending, exclude={"row"}).decode()


def decode_pending(record: str, row: int) -> Pending:
    """Rebuild a pending message from its journal record."""
    return replace(_PENDING.validate_json(record), row=row)


class OutageBuffer:
    """At most `size` pending messages; Redis counts as down for `backoff_s` after a failure."""

    def __init__(
        self, size: int = BUFFER_SIZE, backoff_s: float = BACKOFF_S, journal: Journal | None = None
    ) -> None:
        self.size = size
        self.backoff_s = backoff_s
        self.journal = journal
        self.items: deque[Pending] = deque(self._restored())
        self.overflowed = 0
        self._down_until = 0.0
        self._flushing = asyncio.Lock()

    def _restored(self) -> list[Pending]:
        """What the last process left in the journal, oldest first."""
        if self.journal is None:
            return []
        restored = []
        for row, record in self.journal.rows():
            try:
                restored.append(decode_pending(record, row))
            except ValidationError:  # a record no version of kodeks can read: say so, drop it
                log.error("unreadable journal record dropped row=%s", row)
                self.journal.remove(row)
        if restored:
            log.warning("restored from the journal, waiting for redis: %s", len(restored))
        return restored

    def __len__(self) -> int:
        return len(self.items)

    def is_up(self) -> bool:
        """Tell whether Redis is worth trying (no failure within the backoff)."""
        return time.monotonic() >= self._down_until

    def went_down(self) -> None:
        """Note a failure: Redis is not tried again for the backoff."""
        self._down_until = time.monotonic() + self.backoff_s

    def keep(self, pending: Pending) -> bool:
        """Keep a message's findings; False (and counted) when the buffer is full."""
        if len(self.items) >= self.size:
            self.overflowed += 1
            return False
        if self.journal is not None and pending.row is None:
            pending.row = self.journal.append(encode_pending(pending))
        self.items.append(pending)
        return True

    async def drain(self, record: Callable[[Pending], Awaitable[bool]]) -> int:
        """Record the buffered messages oldest first, until `record` says Redis failed again.

        One drain at a time: a second caller returns 0 at once, or both would take the head.
        """
        if self._flushing.locked():
            return 0
        done = 0
        async with self._flushing:
            while self.items:
                head = self.items[0]
                if not await record(head):
                    return done
                self.items.popleft()
                if self.journal is not None and head.row is not None:
                    self.journal.remove(head.row)
                done += 1
        return done
