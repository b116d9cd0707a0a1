"""Every rule's own examples: `match` must be found by that rule, `ok` must not be."""

from __future__ import annotations

import pytest

from rules import ChatKind, CheckContext, Checker, Rule, RuleKind, load_ruleset

RULES = load_ruleset().rules


# Examples are written for a client chat of Ромашка (see conftest.REGISTRY); rules that apply
# only inside the agency are run in an internal chat.
def _context(rule: Rule) -> CheckContext:
    if ChatKind.CLIENT in rule.chat_kinds:
        return CheckContext(ChatKind.CLIENT, "Ромашка")
    return CheckContext(ChatKind.INTERNAL)


def _cases(field: str) -> list[object]:
    cases: list[object] = []
    for rule in RULES:
        for text in getattr(rule.examples, field):
            marks = [pytest.mark.xfail(strict=True)] if field == "todo_match" else []
            cases.append(pytest.param(rule, text, id=f"{rule.id}:{text[:30]}", marks=marks))
    return cases


def _rule_ids(checker: Checker, rule: Rule, text: str) -> set[str]:
    if rule.kind is RuleKind.LEARNED:  # the learned layer, likely findings included
        findings = checker.check(text, _context(rule), tentative=True)
        return {f.rule_id for f in findings}
    return set(checker.rules_fired(text, _context(rule)))


@pytest.mark.parametrize(("rule", "text"), _cases("match") + _cases("todo_match"))
def test_rule_matches_its_examples(checker: Checker, rule: Rule, text: str) -> None:
    assert rule.id in _rule_ids(checker, rule, text)


@pytest.mark.parametrize(("rule", "text"), _cases("ok"))
def test_rule_leaves_its_ok_examples_alone(checker: Checker, rule: Rule, text: str) -> None:
    assert rule.id not in _rule_ids(checker, rule, text)


def test_every_rule_has_examples_both_ways() -> None:
    lacking = [r.id for r in RULES if not r.examples.match or not r.examples.ok]
    assert not lacking, f"rules without match and ok examples: {lacking}"
