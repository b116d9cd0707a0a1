"""Mention rules: another client of the registry named together with a commercial detail.

«Пчёлка на Новый год выделила 6 млн на ТВ» in Калина's chat gives away Пчёлка's plans;
«в портфолио у нас есть соки Калина» names a client and tells nothing. So a mention counts only
with one of the rule's cues (budgets, prices, terms, results, plans, or any figure) in the same
message. The finding's span is the other client's name.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.model import Rule
from rules.morph import Morph
from rules.scan import Hit, Scan
from rules.sequences import Slot, compile_slot


@dataclass(frozen=True, slots=True)
class MentionRule:
    """A mention rule with its cues compiled into slots."""

    rule: Rule
    cues: tuple[Slot, ...]


def compile_mentions(rules: list[Rule], morph: Morph) -> tuple[MentionRule, ...]:
    """Compile each rule's cue patterns."""
    return tuple(MentionRule(r, tuple(compile_slot(p, morph) for p in r.patterns)) for r in rules)


def match_mentions(scan: Scan, rules: tuple[MentionRule, ...]) -> list[Hit]:
    """Report another client's name when a cue of the rule stands in the same message."""
    if not rules or not scan.other_clients:
        return []
    hits: list[Hit] = []
    tokens = scan.tokens
    for mention_rule in rules:
        if any(cue.accepts(t.norm) for t in tokens for cue in mention_rule.cues):
            for mention in scan.other_clients:
                start, end = tokens[mention.first].start, tokens[mention.last].end
                hits.append((mention_rule.rule, start, end, None))
    return hits
