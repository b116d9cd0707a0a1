"""Normalisation and tokenisation: disguise undone, spans mapped back exactly."""

from __future__ import annotations

import pytest

from rules.text import deobfuscate, is_sentence_start, joined_words, normalize, skeleton, tokenize


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("ПрИвЕт", "привет"),
        ("Ёлка", "елка"),
        ("и\u0306од", "йод"),  # и + combining breve composes to й
        ("б\u200cля", "бля"),  # zero-width non-joiner dropped
        ("ху\u200bета", "хуета"),  # zero-width space dropped
        ("ебa\u2060нутые", "ебaнутые"),  # word joiner dropped (look-alikes are per word)
        ("о\u0301чень", "очень"),  # stress mark dropped
        ("\ufb01le", "file"),  # NFKC ligature
        ("\uff28\uff25\uff2c\uff2c\uff2f", "hello"),  # full-width letters
    ],
)
def test_normalize_undoes_character_disguise(original: str, expected: str) -> None:
    assert normalize(original).text == expected


def test_plain_text_keeps_positions() -> None:
    normalized = normalize("Добрый день, Anna!")
    assert normalized.starts is None
    assert normalized.span(7, 11) == (7, 11)


@pytest.mark.parametrize(
    ("original", "word"),
    [
        ("это ху\u200bета какая-то", "ху\u200bета"),
        ("ой, б\u200cля!", "б\u200cля"),
        ("\ufb01le x", "\ufb01le"),
    ],
)
def test_token_spans_map_back_to_the_original(original: str, word: str) -> None:
    normalized = normalize(original)
    spans = [original[t.start : t.end] for t in tokenize(normalized)]
    assert word in spans


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("xyй", "хуй"),
        ("зае6ись", "заебись"),
        ("г0ндон", "гондон"),
        ("н@хуй", "нахуй"),
        ("дееебил", "дебил"),
        ("hello", "hello"),  # an English word stays English
        ("2025", "2025"),
    ],
)
def test_deobfuscate_maps_lookalikes_only_inside_cyrillic_words(word: str, expected: str) -> None:
    assert deobfuscate(word) == expected


def test_skeleton_collapses_repeated_letters() -> None:
    assert skeleton("ссука") == "сука"
    assert skeleton("касса") == "каса"


def test_masked_words_are_one_token() -> None:
    tokens = tokenize(normalize("ну б**ть, х*й знает"))
    assert [t.norm for t in tokens] == ["ну", "б**ть", "х*й", "знает"]
    assert [t.masked for t in tokens] == [False, True, True, False]


@pytest.mark.parametrize(
    ("text", "joined"),
    [("х.у.й", "хуй"), ("ху ё вая идея", "хуевая"), ("f.u.c.k this", "fuck"), ("б л я", "бля")],
)
def test_letters_written_apart_are_joined(text: str, joined: str) -> None:
    words = joined_words(normalize(text))
    assert joined in [w.norm for w in words]
    first = words[0]
    assert text[first.start : first.end].replace(" ", "").replace(".", "").startswith(joined[0])


def test_words_inside_quotes_are_marked() -> None:
    tokens = tokenize(normalize("слоган: «Ты — то, что ты пьёшь», ок?"))
    quoted = {t.norm for t in tokens if t.quoted}
    assert quoted == {"ты", "то", "что", "пьешь"}
    assert not next(t for t in tokens if t.norm == "ок").quoted


def test_sentence_start() -> None:
    text = "готово. пришли файл"
    assert is_sentence_start(text, 0)
    assert is_sentence_start(text, text.index("пришли"))
    assert not is_sentence_start(text, text.index("файл"))
