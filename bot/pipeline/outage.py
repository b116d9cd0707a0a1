"""Findings that wait for Redis: a bounded buffer, and whether Redis is thought to be up.

When Redis is away, `Pipeline.handle` keeps a message's findings here (ids, clauses, rules and
matched words, never the text) and goes on; once Redis is back they go through the claims, so
nudges come late rather than twice. A message leaves the buffer only once it is recorded: a
flush cancelled at shutdown, or one that meets Redis gone again, leaves it where it was.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.domain.clock import now_ms
from bot.domain.models import IncomingMessage
from bot.domain.policy import ClauseFindings

BUFFER_SIZE = 10_000
BACKOFF_S = 1.0


@dataclass(slots=True)
class Pending:
    """Findings waiting for Redis: ids, clauses, rules and matched words only, never the text."""

    message: IncomingMessage
    groups: list[ClauseFindings]
    accepted_at_ms: int = field(default_factory=now_ms)


class OutageBuffer:
    """At most `size` pending messages; Redis counts as down for `backoff_s` after a failure."""

    def __init__(self, size: int = BUFFER_SIZE, backoff_s: float = BACKOFF_S) -> None:
        self.size = size
        self.backoff_s = backoff_s
        self.items: deque[Pending] = deque()
        self.overflowed = 0
        self._down_until = 0.0
        self._flushing = asyncio.Lock()

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
                if not await record(self.items[0]):
                    return done
                self.items.popleft()
                done += 1
        return done
