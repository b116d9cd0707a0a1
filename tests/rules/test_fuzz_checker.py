"""Fuzzing the checker: on any text, in any context, `check` returns findings with honest spans.

`tests/test_properties.py` states the properties over ordinary text; here the text is hostile
(lone surrogates, bidi overrides, zero-width and combining floods, megabytes) and so are the
client names the registry and the context carry.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules import ChatKind, CheckContext, Checker, Client, build_checker
from tests.support.nasty import FUZZ, HOSTILE_TEXT, LONG, case_ids, corpus, generated_texts

TEXTS = corpus("checker_texts")
CONTEXTS = [
    None,
    CheckContext(ChatKind.CLIENT, "Ромашка"),
    CheckContext(ChatKind.CLIENT, None),
    CheckContext(ChatKind.INTERNAL, None),
    CheckContext(ChatKind.CLIENT, "\ud800 нет такого \u202e"),
]


def assert_honest(checker: Checker, text: str, context: CheckContext | None) -> None:
    findings = checker.check(text, context)
    assert isinstance(findings, tuple)
    last = -1
    for finding in findings:
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.excerpt == text[finding.start : finding.end]
        assert finding.suggestion
        assert finding.start >= last, "findings come in order of position"
        last = finding.start


@pytest.mark.parametrize("case", TEXTS, ids=case_ids(TEXTS))
def test_kept_texts_in_every_context(checker: Checker, case: dict[str, Any]) -> None:
    for context in CONTEXTS:
        assert_honest(checker, case["text"], context)


@pytest.mark.parametrize("name", list(generated_texts()))
def test_generated_megabyte_texts(checker: Checker, name: str) -> None:
    # The pipeline caps message size, and tests/test_pathological.py times whole megabytes;
    # the suite checks the first 64 KB of each flood, a long run the whole of it.
    text = generated_texts()[name]
    assert_honest(checker, text if LONG else text[: 64 * 1024], CONTEXTS[1])


def test_rudeness_hidden_behind_a_lone_surrogate_is_still_found(checker: Checker) -> None:
    text = "\ud800 ну это пиздец \udfff"
    assert checker.check(text, CONTEXTS[1])


@FUZZ
@given(text=HOSTILE_TEXT, context=st.sampled_from(CONTEXTS))
def test_hostile_text_never_breaks_the_checker(
    checker: Checker, text: str, context: CheckContext | None
) -> None:
    assert_honest(checker, text, context)


@FUZZ
@given(
    prefix=HOSTILE_TEXT, suffix=HOSTILE_TEXT,
    word=st.sampled_from(["пиздец", "ты", "б**ть", "скинь", "Ромашка", "х.у.й"]),
)  # fmt: skip
def test_rude_words_inside_hostile_text(
    checker: Checker, prefix: str, suffix: str, word: str
) -> None:
    assert_honest(checker, f"{prefix} {word} {suffix}", CONTEXTS[1])


HOSTILE_REGISTRY = build_checker(
    (
        Client("\ud800\u202eРомашка\u202c", ("\u200b", "*", "x" * 300, "Ромашка")),
        Client("ты", ("пиздец", "\u0301", "ё\u0306")),
        Client("", ("",)),
    )
)


@FUZZ
@given(text=HOSTILE_TEXT, client=st.sampled_from(["ты", "", "\ud800\u202eРомашка\u202c", None]))
def test_a_registry_of_hostile_client_names_never_breaks_the_checker(
    text: str, client: str | None
) -> None:
    assert_honest(
        HOSTILE_REGISTRY, f"{text} Ромашка ты {text}", CheckContext(ChatKind.CLIENT, client)
    )
