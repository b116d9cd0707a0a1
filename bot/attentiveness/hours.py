"""Working-time arithmetic over `[working_hours]`: the agency's time zone, days, hours, holidays.

A client's question waits only while the agency works: a question at 22:00 on Friday is due on
Monday, SLA minutes after opening time. Every instant is an aware `datetime`; days are walked in
the agency's zone and each day's window is turned into absolute instants, so a DST change
inside a window is measured in real minutes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.config import WorkingHoursConfig

MAX_DAYS = 3 * 366  # a calendar with no working day in three years never comes due


class WorkingHours:
    """When the agency works, and how much working time lies between two instants."""

    def __init__(self, config: WorkingHoursConfig) -> None:
        self.zone = ZoneInfo(config.timezone)
        self.days = frozenset(config.days)
        self.start = config.start
        self.end = config.end
        self.holidays = frozenset(date.fromisoformat(d) for d in config.holidays)

    def is_working_day(self, day: date) -> bool:
        """Tell whether the agency works on `day` (a working weekday and no holiday)."""
        return day.isoweekday() in self.days and day not in self.holidays

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The day's working window as absolute instants, or None on a day off."""
        if not self.is_working_day(day) or self.end <= self.start:
            return None
        opens = datetime.combine(day, self.start, tzinfo=self.zone).astimezone(UTC)
        closes = datetime.combine(day, self.end, tzinfo=self.zone).astimezone(UTC)
        return opens, closes

    def _windows_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working windows that end after `moment`, clipped to start no earlier than it."""
        day = moment.astimezone(self.zone).date()
        for offset in range(MAX_DAYS):
            window = self.window(day + timedelta(days=offset))
            if window is None or window[1] <= moment:
                continue
            yield max(window[0], moment), window[1]

    def is_working(self, moment: datetime) -> bool:
        """Tell whether `moment` falls within working hours."""
        window = self.window(moment.astimezone(self.zone).date())
        return window is not None and window[0] <= moment < window[1]

    def add(self, moment: datetime, minutes: float) -> datetime | None:
        """The instant when `minutes` of working time have passed since `moment`.

        None when the calendar has no working time at all (no days, or start ≥ end).
        """
        left = timedelta(minutes=minutes)
        for opens, closes in self._windows_from(moment):
            if opens + left <= closes:
                return opens + left
            left -= closes - opens
        return None

    def between(self, since: datetime, until: datetime) -> timedelta:
        """Working time between two instants (zero when `until` is not after `since`)."""
        total = timedelta()
        if until <= since:
            return total
        for opens, closes in self._windows_from(since):
            if opens >= until:
                break
            total += min(closes, until) - opens
        return total
