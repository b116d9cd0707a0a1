"""The bot's words: both languages load with the same keys, and numbers agree with their words."""

from __future__ import annotations

import string

import pytest

from bot.texts import Texts, TextsError, _check_plurals, load_texts, plural_category

TEXTS = load_texts()


@pytest.mark.parametrize(
    ("days", "said"),
    [(1, "за 1 день"), (3, "за 3 дня"), (5, "за 5 дней"), (11, "за 11 дней"), (21, "за 21 день")],
)
def test_russian_numbers_agree_with_their_words(days: int, said: str) -> None:
    text = TEXTS.render(
        "ru", "escalation", user="7", platform="telegram", count=days, clause=6, title="Грубость",
        days=days, chat="-100",
    )  # fmt: skip
    assert said in text


RUSSIAN_WARNINGS = [
    (1, "1 замечание"),
    (3, "3 замечания"),
    (5, "5 замечаний"),
    (21, "21 замечание"),
    (11, "11 замечаний"),
    (2, "2 замечания"),
    (14, "14 замечаний"),
    (22, "22 замечания"),
    (111, "111 замечаний"),
    (0, "0 замечаний"),
]


@pytest.mark.parametrize(("count", "said"), RUSSIAN_WARNINGS)
def test_russian_warnings_take_one_few_or_many(count: int, said: str) -> None:
    assert TEXTS.render("ru", "stats-clause", clause=6, count=count) == f"п. 6: {said}"


@pytest.mark.parametrize(
    ("number", "category"),
    [(1, "one"), (3, "few"), (5, "many"), (21, "one"), (11, "many"), (12, "many"), (104, "few")],
)
def test_the_plural_helper_follows_cldr_for_russian(number: int, category: str) -> None:
    assert plural_category("ru", number) == category


@pytest.mark.parametrize(
    ("number", "category"), [(0, "other"), (1, "one"), (2, "other"), (21, "other")]
)
def test_the_plural_helper_has_two_forms_in_english(number: int, category: str) -> None:
    assert plural_category("en", number) == category


@pytest.mark.parametrize(
    ("count", "ru", "en"),
    [
        (1, "сохранили для Вас 1 подсказку:", "1 hint waited"),
        (3, "сохранили для Вас 3 подсказки:", "3 hints waited"),
        (5, "сохранили для Вас 5 подсказок:", "5 hints waited"),
        (21, "сохранили для Вас 21 подсказку:", "21 hints waited"),
    ],
)
def test_held_hints_are_counted_with_their_word(count: int, ru: str, en: str) -> None:
    assert ru in TEXTS.render("ru", "held-intro", count=count)
    assert TEXTS.render("en", "held-intro", count=count).startswith(en)


@pytest.mark.parametrize(
    ("count", "ru", "en"),
    [(1, "Найдено 1 замечание:", "Found 1 issue:"), (3, "Найдено 3 замечания:", "Found 3 issues:")],
)
def test_check_counts_its_findings_with_their_word(count: int, ru: str, en: str) -> None:
    assert TEXTS.render("ru", "check-header", count=count) == ru
    assert TEXTS.render("en", "check-header", count=count) == en


def test_a_norm_in_minutes_is_in_the_nominative_and_a_wait_in_the_accusative() -> None:
    words = {"clause": 7, "title": "T", "chat": "c", "platform": "telegram", "user": "u"}
    text = TEXTS.render("ru", "attentiveness-escalation", minutes=21, sla=1, **words)
    assert "без ответа 21 минуту рабочего времени при норме 1 минута" in text
    text = TEXTS.render("ru", "attentiveness-reminder", minutes=3, sla=5, clause_text="x", **words)
    assert "уже 3 минуты рабочего времени (норма — 5 минут)" in text
    english = TEXTS.render("en", "attentiveness-escalation", minutes=1, sla=30, **words)
    assert "for 1 working minute against a norm of 30 minutes" in english


@pytest.mark.parametrize(
    ("count", "ru", "en"),
    [
        (1, "из 1 ответа", "of 1 answer"),
        (3, "из 3 ответов", "of 3 answers"),
        (21, "из 21 ответа", "of 21 answers"),
    ],
)
def test_response_times_count_their_answers(count: int, ru: str, en: str) -> None:
    words = {"chat": "c", "median": 1, "p90": 2, "within": 50, "count": count}
    assert TEXTS.render("ru", "stats-response", **words).endswith(ru)
    assert en in TEXTS.render("en", "stats-response", **words)


@pytest.mark.parametrize(
    ("count", "ru"), [(1, "1 раз"), (2, "2 раза"), (5, "5 раз"), (22, "22 раза")]
)
def test_false_alarms_are_counted_in_times(count: int, ru: str) -> None:
    assert TEXTS.render("ru", "stats-feedback", rule="r", count=count).endswith(ru)


def test_english_numbers_agree_too() -> None:
    assert TEXTS.render("en", "stats-header", weeks=1).startswith("Statistics for 1 week ")
    assert TEXTS.render("en", "stats-header", weeks=4).startswith("Statistics for 4 weeks ")
    assert TEXTS.render("ru", "stats-header", weeks=4).startswith("Статистика за 4 недели ")
    assert TEXTS.render("en", "stats-clause", clause=6, count=1) == "clause 6: 1 warning"
    assert TEXTS.render("en", "stats-clause", clause=6, count=21) == "clause 6: 21 warnings"


def test_an_unknown_language_falls_back_to_russian() -> None:
    assert TEXTS.render("de", "feedback-button") == TEXTS.render("ru", "feedback-button")


def test_a_plural_without_every_form_is_refused_at_load() -> None:
    with pytest.raises(TextsError, match=r"\[plural.days\] with \['few', 'many'"):
        _check_plurals("ru", "k", "{n} {n:plural:days}", {"days": {"one": "день", "other": "дня"}})
    with pytest.raises(TextsError, match=r"\[plural.hours\]"):
        _check_plurals("en", "k", "{n} {n:plural:hours}", {})


def test_texts_without_plural_tables_still_render() -> None:
    texts = Texts({"ru": {"k": "{a} и {b}"}})
    assert texts.render("en", "k", a=1, b=2) == "1 и 2"


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("number", [1, 3, 5, 11, 21])
def test_every_text_renders_with_any_number_in_every_field(language: str, number: int) -> None:
    for key, template in TEXTS.templates[language].items():
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        text = TEXTS.render(language, key, **dict.fromkeys(fields, number))
        assert text.strip(), key
        assert "{" not in text, key
