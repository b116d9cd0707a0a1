"""Mention rules: another client of the registry named together with a commercial detail.

«Пчёлка на Новый год выделила 6 млн на ТВ» in Калина's chat gives away Пчёлка's plans;
«в портфолио у нас есть соки Калина» names a client and tells nothing. So a mention counts only
with one of the rule's cues (budgets, prices, terms, results, plans, or any figure) in the same
message. A cue is a phrase pattern as in `sequences.py` (one slot, or several such as
«в следующем году» with the rule's `max_gap`); words of the client's own name are not cues, and a
year («работаем с Волной с 2019 года») is not a figure of business. A rule's `exceptions` are
regexes over the normalised text that cancel it: a public case («кейс есть на сайте») tells no
secret. The finding's span is the other client's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rules.loader import alternation
from rules.model import Rule
from rules.morph import Morph
from rules.scan import Hit, Scan
from rules.sequences import SequenceIndex, compile_phrase, match_at
from rules.vocabulary import Vocabulary


@dataclass(frozen=True, slots=True)
class MentionRule:
    """A mention rule with its cues compiled into an index of phrases."""

    rule: Rule
    cues: SequenceIndex
    exceptions: re.Pattern[str] | None = None


_YEAR = re.compile(r"(?:19|20)\d\d\Z")


def compile_mentions(
    rules: list[Rule], morph: Morph, vocabulary: Vocabulary
) -> tuple[MentionRule, ...]:
    """Compile each rule's cue patterns and its exceptions."""
    compiled = []
    for rule in rules:
        index = SequenceIndex()
        for pattern in rule.patterns:
            index.add(compile_phrase(rule, pattern, morph, vocabulary.classes))
        compiled.append(MentionRule(rule, index, alternation(rule.exceptions)))
    return tuple(compiled)


def match_mentions(scan: Scan, rules: tuple[MentionRule, ...]) -> list[Hit]:
    """Report another client's name when a cue of the rule stands in the same message."""
    if not rules or not scan.other_clients:
        return []
    hits: list[Hit] = []
    tokens = scan.tokens
    names = {i for m in scan.mentions for i in range(m.first, m.last + 1)}
    for mention_rule in rules:
        exceptions = mention_rule.exceptions
        if exceptions is not None and exceptions.search(scan.normalized.text):
            continue
        if _has_cue(scan, mention_rule.cues, names):
            for mention in scan.other_clients:
                start, end = tokens[mention.first].start, tokens[mention.last].end
                hits.append((mention_rule.rule, start, end, None))
    return hits


def _has_cue(scan: Scan, cues: SequenceIndex, names: set[int]) -> bool:
    for token in scan.tokens:
        if token.index in names or _YEAR.match(token.norm):
            continue
        for sequence in cues.starting_at(token.norm):
            if match_at(scan, token.index, sequence) is not None:
                return True
    return False
