"""Phrase slots: negative neighbours, the sentence-start anchor, the key-word pre-check, cues."""

from __future__ import annotations

import pytest

from rules import ChatKind, CheckContext, Checker, Client, Label, Rule, RuleKind, RulesError
from rules.mention import compile_mentions, match_mentions
from rules.scan import Scan
from rules.sequences import compile_phrase, compile_sequences, match_sequences
from rules.together import compile_together, match_together


def _rule(*patterns: str, max_gap: int = 1, kind: RuleKind = RuleKind.PHRASE) -> Rule:
    return Rule(
        id="test-phrase",
        label=Label.CONDESCENSION,
        kind=kind,
        patterns=patterns,
        suggest=("x",),
        max_gap=max_gap,
    )


def _matches(checker: Checker, rule: Rule, text: str, client: str | None = None) -> list[str]:
    scan = Scan(
        text,
        CheckContext(ChatKind.CLIENT, client),
        checker.clients,
        checker.vocabulary,
        checker.morph,
    )
    if rule.kind is RuleKind.MENTION:
        hits = match_mentions(scan, compile_mentions([rule], checker.morph, checker.vocabulary))
    else:
        hits = match_sequences(scan, compile_sequences([rule], checker.morph, checker.vocabulary))
    return [text[start:end] for _, start, end, _ in hits]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("я понимаю задачу", True),
        ("я не понимаю задачу", False),  # the word right before the slot is forbidden
        ("не я понимаю", True),
    ],
)
def test_negative_slot_before(checker: Checker, text: str, found: bool) -> None:
    rule = _rule("!не понимать")
    assert bool(_matches(checker, rule, text)) is found


def test_negative_slot_before_a_later_slot_skips_to_the_next_candidate(checker: Checker) -> None:
    rule = _rule("работать !не без договор", max_gap=3)
    assert _matches(checker, rule, "работаем без договора") == ["работаем без договора"]
    assert _matches(checker, rule, "работаем не без договора") == []


def test_negative_slot_at_the_end_looks_after_the_last_match(checker: Checker) -> None:
    rule = _rule("элементарный вещь !о")
    assert _matches(checker, rule, "это элементарные вещи, поймите")
    assert not _matches(checker, rule, "элементарные вещи о гигиене")


def test_sentence_start_anchor(checker: Checker) -> None:
    rule = _rule("^ на пальцах")
    assert _matches(checker, rule, "На пальцах: нет фида — нет рекламы")
    assert _matches(checker, rule, "Ок. На пальцах: так")
    assert not _matches(checker, rule, "сыпь на пальцах прошла")


def test_key_word_check_keeps_optional_and_gapped_matches(checker: Checker) -> None:
    rule = _rule("как я уже|и говорить|писать", max_gap=2)
    assert _matches(checker, rule, "как я, кажется, уже писала")
    assert not _matches(checker, rule, "как я и думала")


@pytest.mark.parametrize("pattern", ["!не", "!не !вы понимать", "знать? понимать", "^"])
def test_bad_phrases_are_rejected(checker: Checker, pattern: str) -> None:
    with pytest.raises(RulesError):
        compile_phrase(_rule(pattern), pattern, checker.morph)


def test_mention_cues_may_be_phrases(checker: Checker) -> None:
    other = checker.with_clients([Client("Ромашка"), Client("Ласточка")])
    rule = Rule(
        id="test-mention",
        label=Label.CONFIDENTIALITY,
        kind=RuleKind.MENTION,
        patterns=("в следующий год", "бюджет"),
        suggest=("x",),
        max_gap=1,
    )
    assert _matches(other, rule, "Ласточка в следующем году уходит в регионы", "Ромашка") == [
        "Ласточка"
    ]
    assert _matches(other, rule, "у Ласточки бюджет больше", "Ромашка") == ["Ласточки"]
    assert _matches(other, rule, "Ласточка уходит в регионы", "Ромашка") == []
    assert _matches(other, rule, "у Ромашки бюджет больше", "Ромашка") == []


def test_a_gate_passes_over_a_word_whose_phrases_all_lack_their_key(checker: Checker) -> None:
    rule = _rule("мне все равно какой", "мне без разница", "мне то что")
    index = compile_sequences([rule], checker.morph, checker.vocabulary)
    assert "мне" in index.gates
    assert _matches(checker, rule, "мне всё равно, какой шрифт")
    assert _matches(checker, rule, "а мне-то что")
    assert not _matches(checker, rule, "мне нужно два файла")


def test_no_gate_when_a_phrase_of_the_word_has_no_key(checker: Checker) -> None:
    rule = _rule("мне", "мне все равно какой", kind=RuleKind.PHRASE)
    index = compile_sequences([rule], checker.morph, checker.vocabulary)
    assert "мне" not in index.gates
    assert _matches(checker, rule, "мне нужно два файла") == ["мне"]


def _mention_rule(*patterns: str, exceptions: tuple[str, ...] = ()) -> Rule:
    return Rule(
        id="test-mention",
        label=Label.CONFIDENTIALITY,
        kind=RuleKind.MENTION,
        patterns=patterns,
        suggest=("x",),
        exceptions=exceptions,
    )


def test_a_year_is_not_a_figure_of_business(checker: Checker) -> None:
    other = checker.with_clients([Client("Ромашка"), Client("Ласточка")])
    rule = _mention_rule("<number>")
    assert _matches(other, rule, "работаем с Ласточкой с 2019 года", "Ромашка") == []
    assert _matches(other, rule, "у Ласточки CPL 380", "Ромашка") == ["Ласточки"]


def test_mention_exceptions_cancel_the_rule(checker: Checker) -> None:
    other = checker.with_clients([Client("Ромашка"), Client("Ласточка")])
    rule = _mention_rule("ребренд*", exceptions=(r"\bкейс", r"(?<!не )\bпубличн"))
    assert _matches(other, rule, "для Ласточки делали ребрендинг, кейс на сайте", "Ромашка") == []
    assert _matches(other, rule, "Ласточка готовит ребрендинг", "Ромашка") == ["Ласточка"]
    assert _matches(other, rule, "Ласточка готовит ребрендинг, это не публично", "Ромашка") == [
        "Ласточка"
    ]


def test_a_class_slot_takes_every_form_of_its_lemmas(checker: Checker) -> None:
    rule = _rule("@agency_self @trouble", max_gap=2)
    assert _matches(checker, rule, "у нас сокращения") == ["нас сокращения"]
    assert _matches(checker, rule, "our layoffs are over") == ["our layoffs"]
    assert _matches(checker, rule, "у вас сокращения") == []


def test_an_unknown_class_is_a_fix_it_error(checker: Checker) -> None:
    with pytest.raises(RulesError, match=r"@nosuchclass.*names no class"):
        compile_phrase(_rule("@nosuchclass x"), "@nosuchclass x", checker.morph, {})


def test_two_phrases_together_anywhere_in_the_message(checker: Checker) -> None:
    rule = _rule("другой наш клиент & @commercial", kind=RuleKind.TOGETHER)
    compiled = compile_together([rule], checker.morph, checker.vocabulary)
    for text, found in [
        ("у другого нашего клиента бюджет меньше", ["другого нашего клиента"]),
        ("бюджет меньше у другого нашего клиента", ["другого нашего клиента"]),
        ("у другого нашего клиента всё хорошо", []),
    ]:
        scan = Scan(text, CheckContext(), checker.clients, checker.vocabulary, checker.morph)
        assert [text[s:e] for _, s, e, _ in match_together(scan, compiled)] == found


def test_together_needs_two_sides(checker: Checker) -> None:
    with pytest.raises(RulesError, match="two phrases joined by '&'"):
        compile_together(
            [_rule("a & b & c", kind=RuleKind.TOGETHER)], checker.morph, checker.vocabulary
        )
