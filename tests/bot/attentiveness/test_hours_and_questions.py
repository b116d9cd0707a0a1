"""Attentiveness, the pure parts: which client messages ask something, and working-time sums."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from bot.attentiveness.hours import WorkingHours
from bot.attentiveness.questions import is_question
from bot.domain.config import AgencyConfig, WorkingHoursConfig
from bot.pipeline.commands import percentile
from rules import Checker

QUESTIONS = [
    "Подскажите, когда будет макет",
    "когда будет готово",
    "Макет готов?",
    "Можно ли перенести созвон на завтра",
    "Уточните сроки по баннерам",
    "Согласуйте, пожалуйста, текст",
    "Пришлите счёт",
    "Есть ли новости по запуску",
    "Готово ли",
    "Как там наш баннер",
    "Can you send the file",
    "When is the launch",
    "Please let me know",
    "Спасибо! А когда будет готово?",
]
NOT_QUESTIONS = [
    "Спасибо, понял",
    "спасибо, поняла!",
    "Ок, принято",
    "Отлично, спасибо",
    "Смотрите, всё готово",
    "Как договаривались, макет у вас",
    "Ссылка: https://example.com/?a=1",
    "Thanks, got it",
    "Have a nice weekend",
    "",
]


@pytest.mark.parametrize("text", QUESTIONS)
def test_questions_and_requests_need_an_answer(text: str, checker: Checker) -> None:
    assert is_question(text, checker.morph)


@pytest.mark.parametrize("text", NOT_QUESTIONS)
def test_thanks_and_statements_need_none(text: str, checker: Checker) -> None:
    assert not is_question(text, checker.morph)


def test_a_polite_imperative_is_a_request_only_with_morphology(checker: Checker) -> None:
    assert is_question("Переделайте баннер к пятнице", checker.morph)
    assert not is_question("Переделайте баннер к пятнице")


MSK = timedelta(hours=3)
# The agency's own calendar only (no production calendar): its two holidays, weekends off.
HOURS = WorkingHours(WorkingHoursConfig(calendar="", holidays=("2026-12-31", "2027-01-01")))
RUSSIA = WorkingHours(WorkingHoursConfig())  # the default: Russia's production calendar


def msk(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    """A Moscow wall-clock time as a UTC instant (Moscow is UTC+3 all year)."""
    return datetime(y, mo, d, h, mi, tzinfo=UTC) - MSK


@pytest.mark.parametrize(
    ("start", "minutes", "due"),
    [
        (msk(2026, 11, 26, 12), 60, msk(2026, 11, 26, 13)),  # Thursday, within the day
        (msk(2026, 11, 26, 18, 30), 60, msk(2026, 11, 27, 10, 30)),  # over the night
        (msk(2026, 11, 26, 7), 30, msk(2026, 11, 26, 10, 30)),  # before opening
        (msk(2026, 11, 27, 18, 30), 60, msk(2026, 11, 30, 10, 30)),  # Friday → Monday
        (msk(2026, 11, 28, 12), 60, msk(2026, 11, 30, 11)),  # Saturday → Monday
        (msk(2026, 12, 30, 18), 120, msk(2027, 1, 4, 11)),  # over the New Year holidays
        (msk(2026, 11, 26, 12), 9 * 60 + 60, msk(2026, 11, 27, 13)),  # longer than a day
    ],
)
def test_due_times_count_working_minutes_only(start: datetime, minutes: int, due: datetime) -> None:
    assert HOURS.add(start, minutes) == due


def test_working_time_between_skips_nights_weekends_and_holidays() -> None:
    assert HOURS.between(msk(2026, 11, 27, 18), msk(2026, 11, 30, 11)) == timedelta(hours=2)
    assert HOURS.between(msk(2026, 12, 30, 18), msk(2027, 1, 4, 10)) == timedelta(hours=1)
    assert HOURS.between(msk(2026, 11, 28, 9), msk(2026, 11, 29, 23)) == timedelta()
    assert HOURS.between(msk(2026, 11, 26, 13), msk(2026, 11, 26, 12)) == timedelta()


def test_is_working() -> None:
    assert HOURS.is_working(msk(2026, 11, 26, 10))
    assert not HOURS.is_working(msk(2026, 11, 26, 19))
    assert not HOURS.is_working(msk(2026, 11, 28, 12))  # Saturday
    assert not HOURS.is_working(msk(2026, 12, 31, 12))  # a holiday


def test_the_default_calendar_is_russias_production_calendar() -> None:
    assert not RUSSIA.is_working_day(date(2027, 1, 5))  # the New Year holidays
    assert not RUSSIA.is_working_day(date(2026, 11, 4))  # Unity Day, a Wednesday
    assert not RUSSIA.is_working_day(date(2027, 2, 22))  # a day off moved from a Saturday…
    assert RUSSIA.is_working_day(date(2027, 2, 20))  # …which is worked instead
    assert RUSSIA.is_working_day(date(2026, 11, 26))
    assert RUSSIA.add(msk(2026, 12, 30, 18), 120) == msk(2027, 1, 11, 11)


def test_the_agencys_own_days_go_on_top_of_the_calendar() -> None:
    hours = WorkingHours(WorkingHoursConfig(holidays=("2026-11-27",), workdays=("2027-01-08",)))
    assert not hours.is_working_day(date(2026, 11, 27))  # a Friday the agency takes off
    assert hours.is_working_day(date(2027, 1, 8))  # a holiday the agency works
    assert not hours.is_working_day(date(2027, 1, 7))


def test_an_unknown_calendar_is_refused() -> None:
    with pytest.raises(ValidationError, match="no production calendar"):
        WorkingHoursConfig(calendar="XX")


def test_another_time_zone_and_week() -> None:
    hours = WorkingHours(WorkingHoursConfig(timezone="Asia/Dubai", days=(1, 2, 3, 4, 7)))
    friday_noon = datetime(2026, 11, 27, 8, tzinfo=UTC)  # 12:00 in Dubai, a day off there
    assert hours.add(friday_noon, 30) == datetime(2026, 11, 29, 6, 30, tzinfo=UTC)  # Sunday


@pytest.mark.parametrize(
    "hours",
    [
        {"start": "19:00:00", "end": "10:00:00"},
        {"days": []},
        {"days": [0]},
        {"holidays": ["31.12"]},
    ],
)
def test_working_hours_that_cannot_be_are_refused(hours: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        AgencyConfig.model_validate({"working_hours": hours})


def test_sla_per_chat_and_by_default() -> None:
    config = AgencyConfig.model_validate(
        {
            "chats": [{"platform": "slack", "id": "C1", "kind": "client", "sla_minutes": 15}],
            "policy": {"sla_minutes": 45},
        }
    )
    assert config.chats[0].sla_minutes == 15
    assert config.policy.sla_minutes == 45
    assert AgencyConfig().policy.sla_minutes == 60


def test_percentile() -> None:
    assert percentile([], 50) == 0
    assert percentile([5.0], 90) == 5
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([float(n) for n in range(1, 11)], 90) == pytest.approx(9.1)
