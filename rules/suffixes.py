"""Suffix rules: a word that ends in one of the rule's endings, with at least two letters before.

For word shapes no lemma list holds, such as the affectionate forms of first names («Юлечка»,
«Танюша», «Серёга»): one `str.endswith` per word, so a message with no such word costs
nothing more. The rule's conditions (address, capital letter, a name) then decide.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.model import Rule
from rules.morph import Morph
from rules.scan import Hit, Scan
from rules.vocabulary import Vocabulary

_STEM = 2  # letters that must come before the ending: «Юля» is a name, «Машуля» a pet name


@dataclass(frozen=True, slots=True)
class SuffixRule:
    """A rule with its endings, ё written as е (words are normalised so)."""

    rule: Rule
    endings: tuple[str, ...]
    shortest: int


def compile_suffixes(
    rules: list[Rule], morph: Morph, vocabulary: Vocabulary
) -> tuple[SuffixRule, ...]:
    """Normalise each rule's endings."""
    del morph, vocabulary
    compiled = []
    for rule in rules:
        endings = tuple(p.lower().replace("ё", "е") for p in rule.patterns)
        compiled.append(SuffixRule(rule, endings, _STEM + min(len(e) for e in endings)))
    return tuple(compiled)


def match_suffixes(scan: Scan, rules: tuple[SuffixRule, ...]) -> list[Hit]:
    """Find the words that end in a rule's endings after a stem of two letters or more."""
    hits: list[Hit] = []
    for suffix in rules:
        endings = suffix.endings
        for token in scan.tokens:
            word = token.norm
            if len(word) < suffix.shortest or token.quoted or not word.endswith(endings):
                continue
            if any(word.endswith(e) and len(word) - len(e) >= _STEM for e in endings):
                hits.append((suffix.rule, token.start, token.end, None))
    return hits
