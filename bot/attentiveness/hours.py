"""Working-time arithmetic over `[working_hours]`: time zone, days, hours, and the calendar.

A client's question waits only while the agency works: a question at 22:00 on Friday is due on
Monday, SLA minutes after opening time. Every instant is an aware `datetime`; days are walked in
the agency's zone and each day's window is turned into absolute instants, so a DST change
inside a window is measured in real minutes. Which days are worked comes from the production
calendar of the `holidays` package (Russia's by default: public holidays, and the Saturdays
worked when a day off moves), with the agency's own days off and working days on top.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.domain.config import WorkingHoursConfig

if TYPE_CHECKING:
    from holidays import HolidayBase

MAX_DAYS = 3 * 366  # a calendar with no working day in three years never comes due


class WorkingHours:
    """When the agency works, and how much working time lies between two instants."""

    def __init__(self, config: WorkingHoursConfig) -> None:
        self.zone = ZoneInfo(config.timezone)
        self.days = frozenset(config.days)
        self.start = config.start
        self.end = config.end
        self.holidays = frozenset(date.fromisoformat(d) for d in config.holidays)
        self.workdays = frozenset(date.fromisoformat(d) for d in config.workdays)
        self.country = config.calendar
        self._calendar: HolidayBase | None = None  # loaded on the first day asked about
        self._worked: dict[date, bool] = {}

    @property
    def calendar(self) -> HolidayBase | None:
        """The production calendar, None when the agency has none."""
        if self._calendar is None and self.country:
            import holidays  # noqa: PLC0415 - a hundred modules; most runs of the bot never ask

            self._calendar = holidays.country_holidays(self.country)
        return self._calendar

    def is_working_day(self, day: date) -> bool:
        """Tell whether the agency works on `day`: its own lists first, then the calendar."""
        worked = self._worked.get(day)
        if worked is None:
            worked = self._worked[day] = self._is_working_day(day)
        return worked

    def _is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        calendar = self.calendar
        if calendar is not None:
            if day in calendar:  # a public holiday, or a day off moved there
                return False
            if day in calendar.weekend_workdays:  # a Saturday worked instead
                return True
        return day.isoweekday() in self.days

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
