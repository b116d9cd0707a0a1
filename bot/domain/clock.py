"""Time, one set of helpers: milliseconds since the epoch, days, weeks, and the injected clock.

Redis scores and TTLs are milliseconds; warning windows are days long, so they run on the wall
clock, not on a process-local monotonic one. Tests inject a `Clock` that moves when they say so.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

MINUTE_MS = 60_000
DAY_MS = 86_400_000
DAY_S = 86_400

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Now, as an aware UTC instant."""
    return datetime.now(UTC)


def now_ms() -> int:
    """Wall-clock milliseconds since the epoch."""
    return int(time.time() * 1000)


def to_ms(moment: datetime) -> int:
    """Milliseconds since the epoch of an aware instant."""
    return int(moment.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    """The instant `ms` milliseconds after the epoch, in UTC."""
    return datetime.fromtimestamp(ms / 1000, UTC)


def monday_of(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


def week_of(when: datetime) -> str:
    """The ISO date of the Monday of `when`'s week (in `when`'s own time zone)."""
    return monday_of(when.date()).isoformat()
