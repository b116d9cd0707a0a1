"""Normalisation and tokenisation: disguise undone, spans mapped back exactly."""

from __future__ import annotations

import pytest

from rules.text import (
    blank_markup,
    deobfuscate,
    disguised_words,
    is_sentence_start,
    joined_words,
    normalize,
    skeleton,
    tokenize,
)


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
        ("б\u3164л\u3164я", "бля"),  # Hangul filler, a letter that shows nothing
        ("х\u2800у\u2800й", "хуй"),  # the blank Braille pattern
        ("е\u180eбать", "ебать"),  # the Mongolian vowel separator
    ],
)
def test_normalize_undoes_character_disguise(original: str, expected: str) -> None:
    assert normalize(original).text == expected


@pytest.mark.parametrize("byte", ["\ufffd", "\udc8f"])
def test_an_undecodable_byte_becomes_a_mask(byte: str) -> None:
    # The replacement character, or a lone surrogate kept by surrogateescape, stood for a letter
    # or for nothing: a mask covers both («пи?дец», «пи?здец»).
    assert normalize(f"пи{byte}дец").text == "пи*дец"
    assert normalize(f"пи{byte}здец").text == "пи*здец"


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


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("п|/|здец полный", "пиздец"),  # И drawn as |/|
        ("}{уйня какая-то", "хуйня"),  # Х drawn as }{
        (">|<опа", "жопа"),  # Ж drawn as >|<
        ("3.14здец", "пиздец"),  # π for «пи»
        ("п!здец", "пиздец"),  # a sign for a letter
        ("п..здец", "п***здец"),  # a run of dots leaves a gap, read as a mask
        ("б-дь", "б***дь"),  # a hyphen after one letter likewise
    ],
)
def test_words_drawn_with_signs_become_candidates(text: str, word: str) -> None:
    found = disguised_words(normalize(text))
    assert word in [w.norm for w in found]
    assert all(text[w.start : w.end] == text.split(maxsplit=1)[0] for w in found)


@pytest.mark.parametrize(
    "text", ["(Берёзка) и т.д.", "т.е. ок", "1С бухгалтерия", "сумма: 100 / 3"]
)
def test_ordinary_signs_make_no_candidate(text: str) -> None:
    assert disguised_words(normalize(text)) == []


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("см. https://site.ru/huy-promo. Ок?", "см.                          . ок?"),
        ("<https://x.ru/pizdec|ссылка> тут", " " * 21 + "ссылка  тут"),
        ("<@U024BE7LH>, глянь <#C01|general>", "            , глянь               "),
        ("пишите на pizdec@mail.ru, да", "пишите на               , да"),
        ("код `fuck()` тут", "код          тут"),
        ("н@хуй это", "н@хуй это"),  # no address: a disguise
        ("отзыв: otzovik.ru/review/mudaki-2026.", "отзыв: otzovik.ru" + " " * 19 + "."),
        ("fuck.off/now", "fuck.off/now"),  # no top-level domain in use: words
    ],
)
def test_markup_is_blanked_in_place(text: str, kept: str) -> None:
    assert normalize(text).text == kept
    assert len(normalize(text).text) == len(text)


@pytest.mark.parametrize(
    "text",
    [
        "a" * 200_000 + "@",
        "www." * 50_000,
        "<a" * 100_000,
        "```" + "a" * 200_000,
        "a." * 100_000,
        "a.ru" * 50_000,
        "x.ru/" + "a/" * 100_000,
    ],
)
def test_markup_blanking_is_linear(text: str) -> None:
    assert len(blank_markup(text)) == len(text)


def test_numbers_and_hashtags_are_no_masked_words() -> None:
    # «#1234» numbers a message, «#акция» is a hashtag: a mask opens a word only as «*» or «$»
    # before a letter («*уй», «$ука»), or every number would be looked up as disguised мат.
    tokens = tokenize(normalize("#1234 #акция *уй $ука"))
    assert [(t.norm, t.masked) for t in tokens] == [
        ("1234", False), ("акция", False), ("*уй", True), ("$ука", True),
    ]  # fmt: skip
