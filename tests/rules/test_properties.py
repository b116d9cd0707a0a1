"""Properties of the checker over any text: it never raises and its spans are honest."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules import ChatKind, CheckContext, Checker, Label, RuleKind, load_ruleset
from rules.text import normalize

# In CI the machine is shared: time per example is not what these tests are about.
settings.register_profile(
    "kodeks", deadline=None if os.environ.get("CI") else 2000, max_examples=300,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)  # fmt: skip
settings.load_profile("kodeks")

DISGUISE = st.sampled_from(
    list('*#@$%.-_ 0369xyaeopc\u200b\u200c\u200d\u2060\u00ad\u0301\u0306ёЁ«»"')
)
CYRILLIC = st.characters(min_codepoint=0x0400, max_codepoint=0x045F)
ANY_TEXT = st.text(st.one_of(CYRILLIC, DISGUISE, st.characters()), max_size=200)
CONTEXTS = st.sampled_from(
    [
        CheckContext(ChatKind.CLIENT, "Ромашка"),
        CheckContext(ChatKind.CLIENT, None),
        CheckContext(ChatKind.INTERNAL, None),
    ]
)


@given(text=ANY_TEXT, context=CONTEXTS)
def test_check_never_raises_and_spans_lie_within_the_text(
    checker: Checker, text: str, context: CheckContext
) -> None:
    for finding in checker.check(text, context):
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.excerpt == text[finding.start : finding.end]
        assert finding.suggestion


@given(text=ANY_TEXT)
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalize(text).text
    assert normalize(once).text == once


@given(text=ANY_TEXT)
def test_normalised_positions_map_into_the_original(text: str) -> None:
    normalized = normalize(text)
    for i in range(len(normalized.text)):
        start, end = normalized.span(i, i + 1)
        assert 0 <= start < end <= len(text)


def test_lone_surrogates_do_not_break_the_checker(checker: Checker) -> None:
    text = "привет \ud800 ты \udfff б**ть"
    findings = checker.check(text, CheckContext(ChatKind.CLIENT, "Ромашка"))
    assert all(text[f.start : f.end] == f.excerpt for f in findings)


# ---------------------------------------------------------------- seeded with the rules' examples
# Every `match` example of a root rule (мат) is a message the checker must find; disguised in
# ways the normaliser undoes, it must still be found, with a span that lies on the disguised
# text and covers the word. The examples come from the rules themselves, so the spans asserted
# here are real findings, not empty lists.

ROOT_EXAMPLES = sorted(
    {
        text
        for rule in load_ruleset().rules
        if rule.kind is RuleKind.ROOT
        for text in rule.examples.match
    }
)
INVISIBLE = st.sampled_from(["\u200b", "\u200d", "\u00ad", "\u2060", "\u3164", "\u2800"])


@st.composite
def disguised(draw: st.DrawFn) -> tuple[str, str]:
    """Draw a root rule's example and disguise its letters; return (original, disguised)."""
    text = draw(st.sampled_from(ROOT_EXAMPLES))
    out = []
    for ch in text:
        kind = draw(st.integers(0, 9)) if ch.isalpha() else 0
        if kind == 1:
            out.append(ch + draw(INVISIBLE))  # an invisible character after the letter
        elif kind == 2:
            out.append(ch.upper())  # shouting a letter
        elif kind == 3 and ch.lower() in "аеоу":
            out.append(ch * 3)  # a stretched vowel
        else:
            out.append(ch)
    return text, "".join(out)


@given(pair=disguised())
def test_a_disguised_example_is_still_found_where_it_stands(
    checker: Checker, pair: tuple[str, str]
) -> None:
    plain, text = pair
    context = CheckContext(ChatKind.INTERNAL)
    assert any(f.label is Label.RUDENESS for f in checker.check(plain, context))
    found = [f for f in checker.check(text, context) if f.label is Label.RUDENESS]
    assert found, text
    for finding in found:
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.excerpt == text[finding.start : finding.end]
        assert any(ch.isalpha() for ch in finding.excerpt)
