"""Lemma and phrase rules: one index from every inflected form to the rules it may start.

Built once, so a message costs one dictionary look-up per word whatever the number of rules. A
lemma rule is a phrase of one slot; a phrase allows `max_gap` other words between its slots, so
small insertions («как я, кажется, уже говорил») still match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rules.model import Rule, RuleKind
from rules.morph import Morph
from rules.scan import Hit, Scan
from rules.text import Token

NUMBER_SLOT = "<number>"
_HAS_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class Slot:
    """One position of a phrase: any form of its lemmas, a word prefix, or any number."""

    forms: frozenset[str]
    prefixes: tuple[str, ...] = ()
    number: bool = False
    optional: bool = False

    def accepts(self, word: str) -> bool:
        """Tell whether a de-obfuscated word fills this slot."""
        if word in self.forms:
            return True
        if self.number and _HAS_DIGIT.search(word):
            return True
        return any(word.startswith(p) for p in self.prefixes)


@dataclass(frozen=True, slots=True)
class Sequence:
    """A lemma rule (one slot) or a phrase (several), with the gap allowed between slots."""

    rule: Rule
    slots: tuple[Slot, ...]


def compile_slot(text: str, morph: Morph) -> Slot:
    """Compile `a|b|c*|<number>` (with `?` at the end for an optional slot) into a Slot."""
    optional = text.endswith("?") and len(text) > 1
    text = text.rstrip("?") if optional else text
    forms: set[str] = set()
    prefixes: list[str] = []
    number = False
    for alt in text.split("|"):
        if alt == NUMBER_SLOT:
            number = True
        elif alt.endswith("*"):
            prefixes.append(alt[:-1].lower().replace("ё", "е"))
        else:
            forms.update(morph.forms(alt))
    return Slot(frozenset(forms), tuple(prefixes), number, optional)


@dataclass(slots=True)
class SequenceIndex:
    """Lemma and phrase rules indexed by the forms and prefixes of their first slot."""

    by_form: dict[str, list[Sequence]] = field(default_factory=dict)
    by_prefix: dict[str, list[tuple[str, Sequence]]] = field(default_factory=dict)
    any_number: list[Sequence] = field(default_factory=list)

    def add(self, sequence: Sequence) -> None:
        """Index a sequence under every word that can fill its first slot."""
        first = sequence.slots[0]
        for form in first.forms:
            self.by_form.setdefault(form, []).append(sequence)
        for prefix in first.prefixes:
            self.by_prefix.setdefault(prefix[:3], []).append((prefix, sequence))
        if first.number:
            self.any_number.append(sequence)

    def starting_at(self, word: str) -> list[Sequence]:
        """Return the sequences whose first slot this word fills."""
        found = list(self.by_form.get(word, ()))
        for prefix, sequence in self.by_prefix.get(word[:3], ()):
            if word.startswith(prefix):
                found.append(sequence)
        if self.any_number and _HAS_DIGIT.search(word):
            found.extend(self.any_number)
        return found


def compile_sequences(rules: list[Rule], morph: Morph) -> SequenceIndex:
    """Index every lemma rule's lemmas and every phrase rule's patterns."""
    index = SequenceIndex()
    for rule in rules:
        for pattern in rule.patterns:
            if rule.kind is RuleKind.LEMMA:
                index.add(Sequence(rule, (compile_slot(pattern, morph),)))
            else:
                slots = tuple(compile_slot(part, morph) for part in pattern.split())
                index.add(Sequence(rule, slots))
    return index


def match_sequences(scan: Scan, index: SequenceIndex) -> list[Hit]:
    """Find every lemma and phrase rule in the message."""
    hits: list[Hit] = []
    tokens = scan.tokens
    for token in tokens:
        if token.quoted:
            continue
        for sequence in index.starting_at(token.norm):
            last = _match_slots(tokens, token.index, sequence)
            if last is not None:
                hits.append((sequence.rule, token.start, tokens[last].end, None))
    return hits


def _match_slots(tokens: list[Token], start: int, sequence: Sequence) -> int | None:
    """Match slots after the first, allowing `max_gap` other words between two slots."""
    position = start
    gap = sequence.rule.max_gap
    for slot in sequence.slots[1:]:
        found = None
        for candidate in range(position + 1, min(len(tokens), position + 2 + gap)):
            if slot.accepts(tokens[candidate].norm):
                found = candidate
                break
        if found is None:
            if slot.optional:
                continue
            return None
        position = found
    return position


