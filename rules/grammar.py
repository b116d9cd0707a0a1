"""Matchers that read grammar and shape rather than words: «ты»-forms, address, capitals.

Second person singular is found by pymorphy's tags, not by lists: «скинешь», «подскажи»,
«освободишься». Only words whose ending could carry such a form are analysed. A form that is
also something else («пришли»: «они пришли» or «пришли мне файл») counts as an imperative when
its reading is the likelier one or the context says so: a sentence opens with it and goes on,
or «мне», «пожалуйста» follows. A verb in a generic clause («сук, на котором сидишь») with no
«ты» anywhere speaks of anyone, not of the client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rules.model import Rule
from rules.morph import Morph
from rules.scan import Hit, Scan
from rules.text import Token, is_sentence_start, next_char, prev_char

_SECOND_PERSON_ENDINGS = ("шь", "шься", "и", "й", "ь", "ся", "сь")
_CYRILLIC_WORD = re.compile(r"[а-я]+\Z")
_PLURAL = frozenset({"plur"})
_AFTER_ADDRESS = frozenset(",!?.…)—–-:")
_BEFORE_ADDRESS = frozenset(",(")

# Shouting: at least this many words in capitals, this many capital letters in them, and this
# share of all letters. Acronyms (SMM, ROMI, ТЗ) stay below the first two.
CAPS_MIN_WORDS = 3
CAPS_MIN_LETTERS = 12
CAPS_MIN_SHARE = 0.6
_WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True, slots=True)
class GrammarRule:
    """A grammar rule with its patterns parsed into sets of grammemes."""

    rule: Rule
    tag_sets: tuple[frozenset[str], ...]


def compile_grammar(rules: list[Rule], morph: Morph) -> tuple[GrammarRule, ...]:
    """Parse patterns like "VERB impr sing" into sets of grammemes."""
    del morph  # grammar rules need no word forms
    return tuple(
        GrammarRule(rule, tuple(frozenset(p.split()) for p in rule.patterns)) for rule in rules
    )


def match_grammar(scan: Scan, rules: tuple[GrammarRule, ...]) -> list[Hit]:
    """Find verbs in the second person singular and singular imperatives."""
    hits: list[Hit] = []
    for token in scan.tokens:
        word = token.norm
        if token.quoted or not word.endswith(_SECOND_PERSON_ENDINGS):
            continue
        if not _CYRILLIC_WORD.match(word):
            continue
        readings = scan.morph.parse(word)
        for grammar in rules:
            tags = _reading_for(scan, token, readings, grammar.tag_sets)
            if tags is not None:
                plural = scan.morph.inflect(word, tags, _PLURAL)
                hits.append((grammar.rule, token.start, token.end, plural))
                break
    return hits


def _reading_for(
    scan: Scan,
    token: Token,
    readings: tuple[tuple[str, frozenset[str], float], ...],
    tag_sets: tuple[frozenset[str], ...],
) -> frozenset[str] | None:
    """Return the grammemes of the reading that makes `token` a «ты»-form, if it is one."""
    fitting = [r for r in readings if any(tags <= r[1] for tags in tag_sets)]
    if not fitting:
        return None
    share = sum(score for _, _, score in fitting)
    total = sum(score for _, _, score in readings) or 1.0
    if share < total and share <= total - share and not _imperative_context(scan, token):
        return None
    tags = fitting[0][1]
    if "indc" in tags and _generic_clause(scan, token):
        return None
    return tags


def _imperative_context(scan: Scan, token: Token) -> bool:
    tokens = scan.tokens
    following = tokens[token.index + 1] if token.index + 1 < len(tokens) else None
    if following is not None and following.norm in scan.vocabulary.imperative_cues:
        return True
    text = scan.normalized.text
    return (
        following is not None
        and is_sentence_start(text, token.nstart)
        and next_char(text, token.nend) not in ".!?…"
    )


def _generic_clause(scan: Scan, token: Token) -> bool:
    if scan.addressed:
        return False
    before = scan.tokens[max(0, token.index - 3) : token.index]
    return any(t.norm in scan.vocabulary.relative_words for t in before)


def is_vocative(scan: Scan, token: Token) -> bool:
    """Tell whether a word is set off as an address: «зай, …», «…, mate, …», «hey buddy,»."""
    text = scan.normalized.text
    after = next_char(text, token.nend)
    if after and after not in _AFTER_ADDRESS:
        return False
    if is_sentence_start(text, token.nstart) or prev_char(text, token.nstart) in _BEFORE_ADDRESS:
        return True
    if token.index == 0:
        return False
    opener = scan.tokens[token.index - 1]
    return opener.norm in scan.vocabulary.address_openers and (
        is_sentence_start(text, opener.nstart) or prev_char(text, opener.nstart) in ","
    )


def compile_caps(rules: list[Rule], morph: Morph) -> tuple[Rule, ...]:
    """Caps rules need nothing compiled."""
    del morph
    return tuple(rules)


def match_caps(scan: Scan, rules: tuple[Rule, ...]) -> list[Hit]:
    """Find a message written mostly in capitals (acronyms aside)."""
    if not rules:
        return []
    text = scan.original
    shouted = [m for m in _WORD.finditer(text) if m.group().isupper()]
    if len(shouted) < CAPS_MIN_WORDS:
        return []
    loud = sum(len(m.group()) for m in shouted)
    letters = sum(1 for ch in text if ch.isalpha())
    if loud < CAPS_MIN_LETTERS or loud < CAPS_MIN_SHARE * letters:
        return []
    return [(rules[0], shouted[0].start(), shouted[-1].end(), None)]
