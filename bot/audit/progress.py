"""How far a scan is: a bar on a terminal, a plain log line now and then otherwise."""

from __future__ import annotations

import logging
import time
from typing import TextIO

from bot.domain.exports import ReadStats

log = logging.getLogger("bot.scan")
_WIDTH = 30


class Progress:
    """Report progress to `stream`: redrawn in place on a terminal, logged every few seconds."""

    def __init__(
        self, stats: ReadStats, stream: TextIO, *, every_s: float = 5.0, tty: bool | None = None
    ) -> None:
        self.stats = stats
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.every_s = min(every_s, 0.1) if self.tty else every_s
        self.started = time.monotonic()
        self._next = self.started + self.every_s

    def tick(self, messages: int) -> None:
        """Show progress if it is time to (cheap to call for every message)."""
        if messages & 255:
            return  # look at the clock once per 256 messages only
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + self.every_s
        self._show(messages, now)

    def _show(self, messages: int, now: float) -> None:
        fraction = self.stats.fraction
        rate = messages / max(now - self.started, 1e-9)
        if self.tty:
            filled = int(fraction * _WIDTH)
            bar = "█" * filled + "·" * (_WIDTH - filled)
            self.stream.write(f"\r{bar} {fraction:4.0%}  {messages:,} messages  {rate:,.0f}/s ")
            self.stream.flush()
        else:
            log.info("scan progress=%.0f%% messages=%s rate=%.0f/s", fraction * 100, messages, rate)

    def done(self, messages: int) -> None:
        """Finish the bar (or log the last line)."""
        now = time.monotonic()
        self.stats.done = self.stats.total or self.stats.done
        self._show(messages, now)
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
