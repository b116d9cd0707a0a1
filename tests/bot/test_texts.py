"""The bot's words: both languages load with the same keys, and numbers agree with their words."""

from __future__ import annotations

import pytest

from bot.texts import Texts, TextsError, _check_plurals, load_texts

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


def test_english_numbers_agree_too() -> None:
    assert TEXTS.render("en", "stats-header", weeks=1).startswith("Statistics for 1 week ")
    assert TEXTS.render("en", "stats-header", weeks=4).startswith("Statistics for 4 weeks ")
    assert TEXTS.render("ru", "stats-header", weeks=4).startswith("Статистика за 4 недели ")


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
