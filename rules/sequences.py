"""Lemma and phrase rules: one index from every inflected form to the rules it may start.

Built once, so a message costs one dictionary look-up per word whatever the number of rules. A
lemma rule is a phrase of one slot; a phrase allows `max_gap` other words between its slots, so
small insertions («как я, кажется, уже говорил») still match.

A phrase pattern is a space-separated list of slots:

* `a|b|c*|@k|<number>`: any form of the lemmas `a` or `b`, a word starting with `c`, any word of
  the class `k` of vocabulary.toml, any figure;
  a trailing `?` makes the slot optional.
* `!a|b`: a word that must NOT stand next to the neighbouring slot. Before a slot it looks at the
  word right before that slot's match (`!не понимать` leaves «не понимаю» alone); at the end of
  a pattern it looks at the word right after the last match (`элементарный !гигиена`).
* `^` as the first item: the phrase must open a sentence («На пальцах: …», not «сыпь на пальцах»).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from rules.errors import RulesError
from rules.model import Rule, RuleKind
from rules.morph import Morph
from rules.scan import Hit, Scan
from rules.text import Token, is_sentence_start
from rules.vocabulary import Vocabulary

NUMBER_SLOT = "<number>"
CLASS_SIGN = "@"
Classes = Mapping[str, frozenset[str]]
_NO_CLASSES: Classes = {}
SENTENCE_START = "^"
_HAS_DIGIT = re.compile(r"\d")
_NONE: list[Sequence] = []  # shared and never changed: the look-up of a word no rule starts with
_ENTRIES_CACHE_SIZE = 50_000


@dataclass(frozen=True, slots=True)
class Slot:
    """One position of a phrase: any form of its lemmas, a word prefix, or any number."""

    forms: frozenset[str]
    prefixes: tuple[str, ...] = ()
    number: bool = False
    optional: bool = False
    not_before: Slot | None = None  # the word right before this slot's match must not fill it
    not_after: Slot | None = None  # the word right after this slot's match must not fill it

    def accepts(self, word: str) -> bool:
        """Tell whether a de-obfuscated word fills this slot."""
        if word in self.forms:
            return True
        if self.number and _HAS_DIGIT.search(word):
            return True
        return any(word.startswith(p) for p in self.prefixes)

    def fits(self, tokens: list[Token], index: int) -> bool:
        """Tell whether the token at `index` fills this slot with its neighbours allowed."""
        if not self.accepts(tokens[index].norm):
            return False
        return self.neighbours_allowed(tokens, index)

    def neighbours_allowed(self, tokens: list[Token], index: int) -> bool:
        """Tell whether the words around a match are none of the forbidden ones."""
        before, after = self.not_before, self.not_after
        if before is not None and index > 0 and before.accepts(tokens[index - 1].norm):
            return False
        return not (
            after is not None and index + 1 < len(tokens) and after.accepts(tokens[index + 1].norm)
        )


@dataclass(frozen=True, slots=True)
class Sequence:
    """A lemma rule (one slot) or a phrase (several), with the gap allowed between slots."""

    rule: Rule
    slots: tuple[Slot, ...]
    sentence_start: bool = False  # the first slot must open a sentence
    # The forms of the most telling later slot: when none is in the message, the phrase cannot
    # match, so frequent first words («это», «как», «для») cost one set test, not a slot walk.
    key: frozenset[str] | None = None


def compile_slot(text: str, morph: Morph, classes: Classes = _NO_CLASSES) -> Slot:
    """Compile `a|b|c*|@class|<number>` (`?` at the end: optional) into a Slot."""
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
        elif alt.startswith(CLASS_SIGN) and len(alt) > 1:
            forms.update(_class_forms(alt[1:], classes))
        else:
            forms.update(morph.forms(alt))
    return Slot(frozenset(forms), tuple(prefixes), number, optional)


def _class_forms(name: str, classes: Classes) -> frozenset[str]:
    try:
        return classes[name]
    except KeyError:
        known = ", ".join(sorted(classes)) or "none"
        msg = f"'@{name}' names no class of vocabulary.toml [classes]; known: {known}"
        raise RulesError(msg) from None


def compile_phrase(
    rule: Rule, pattern: str, morph: Morph, classes: Classes = _NO_CLASSES
) -> Sequence:
    """Compile a phrase pattern (slots, `!` negative slots, a leading `^`) into a Sequence."""
    parts = pattern.split()
    sentence_start = bool(parts) and parts[0] == SENTENCE_START
    if sentence_start:
        parts = parts[1:]
    slots: list[Slot] = []
    pending: Slot | None = None  # a negative slot waiting for the slot it stands before
    for part in parts:
        if part.startswith("!") and len(part) > 1:
            if pending is not None:
                msg = f"{rule.id}: '{pattern}' has two negative slots in a row; join them with |"
                raise RulesError(msg)
            pending = compile_slot(part[1:], morph, classes)
            continue
        slot = compile_slot(part, morph, classes)
        if pending is not None:
            slot = replace(slot, not_before=pending)
            pending = None
        slots.append(slot)
    if not slots or (slots[0].optional and len(slots) == 1):
        msg = f"{rule.id}: '{pattern}' has no word slot to match; add one"
        raise RulesError(msg)
    if slots[0].optional:
        msg = f"{rule.id}: '{pattern}' starts with an optional slot; make the first slot required"
        raise RulesError(msg)
    if pending is not None:
        slots[-1] = replace(slots[-1], not_after=pending)
    return Sequence(rule, tuple(slots), sentence_start, _key(slots))


def _key(slots: list[Slot]) -> frozenset[str] | None:
    """Pick the required later slot of plain words whose shortest form is longest."""
    plain = [s for s in slots[1:] if not s.optional and not s.prefixes and not s.number and s.forms]
    if not plain:
        return None
    best = max(plain, key=lambda s: (min(len(f) for f in s.forms), -len(s.forms)))
    return best.forms


# The sequences a word may start, and the gate that lets them all be passed over (or None).
Entry = tuple[list[Sequence], frozenset[str] | None]


@dataclass(slots=True)
class SequenceIndex:
    """Lemma and phrase rules indexed by the forms and prefixes of their first slot."""

    by_form: dict[str, list[Sequence]] = field(default_factory=dict)
    by_prefix: dict[str, list[tuple[str, Sequence]]] = field(default_factory=dict)
    any_number: list[Sequence] = field(default_factory=list)
    # For a word that starts several sequences, all with key words: the union of their keys.
    # When none of it is in the message, the whole list is passed over with one set test:
    # frequent words («мне», «вы», «не») start many phrases, and most messages have none.
    gates: dict[str, frozenset[str]] = field(default_factory=dict)
    # word → what `starting_at` finds for it before the message is looked at: the sequences it
    # may start and, where it applies, their gate. Shared by every check, threads included: one
    # dict read or store is atomic in CPython and a lost race computes an entry twice. Cleared
    # when full, so endless distinct words cannot grow it.
    entries: dict[str, Entry] = field(default_factory=dict)
    _starters: frozenset[str] = frozenset()

    def add(self, sequence: Sequence) -> None:
        """Index a sequence under every word that can fill its first slot."""
        first = sequence.slots[0]
        for form in first.forms:
            self.by_form.setdefault(form, []).append(sequence)
        for prefix in first.prefixes:
            self.by_prefix.setdefault(prefix[:3], []).append((prefix, sequence))
        if first.number:
            self.any_number.append(sequence)

    @property
    def starters(self) -> frozenset[str]:
        """Every word form that fills the first slot of some sequence."""
        return self._starters

    def build_gates(self) -> None:
        """Work out the gate of every word that starts several keyed sequences."""
        self._starters = frozenset(self.by_form)
        # Every form of a lemma starts the same sequences: build each union once and share it
        # (one copy per form took tens of megabytes).
        unions: dict[tuple[int, ...], frozenset[str]] = {}
        self.gates = {}
        for form, sequences in self.by_form.items():
            if len(sequences) > 1 and all(s.key is not None for s in sequences):
                ids = tuple(id(s) for s in sequences)
                if ids not in unions:
                    unions[ids] = frozenset().union(*(s.key or () for s in sequences))
                self.gates[form] = unions[ids]

    def entry(self, word: str) -> Entry:
        """Work out and keep a word's entry (see `entries`)."""
        by_form = self.by_form.get(word, _NONE)
        pure = word[:3] not in self.by_prefix and not (self.any_number and _HAS_DIGIT.search(word))
        found = (by_form, self.gates.get(word)) if pure else (self.starting_at(word), None)
        if len(self.entries) >= _ENTRIES_CACHE_SIZE:
            self.entries.clear()
        self.entries[word] = found
        return found

    def starting_at(self, word: str, scan: Scan | None = None) -> list[Sequence]:
        """Return the sequences whose first slot this word fills.

        With the message's `scan`, a word's sequences whose key words are all missing from the
        message are left out at once (see `gates`).
        """
        by_form = self.by_form.get(word, _NONE)
        by_prefix = self.by_prefix.get(word[:3])
        number = bool(self.any_number) and _HAS_DIGIT.search(word) is not None
        if by_prefix is None and not number:
            if scan is not None and by_form:
                gate = self.gates.get(word)
                if gate is not None and gate.isdisjoint(scan.words):
                    return _NONE
            return by_form  # the common case: no copy
        found = list(by_form)
        for prefix, sequence in by_prefix or ():
            if word.startswith(prefix):
                found.append(sequence)
        if number:
            found.extend(self.any_number)
        return found


def compile_sequences(rules: list[Rule], morph: Morph, vocabulary: Vocabulary) -> SequenceIndex:
    """Index every lemma rule's lemmas and every phrase rule's patterns."""
    classes = vocabulary.classes
    index = SequenceIndex()
    for rule in rules:
        for pattern in rule.patterns:
            if rule.kind is RuleKind.LEMMA:
                index.add(Sequence(rule, (compile_slot(pattern, morph, classes),)))
            else:
                index.add(compile_phrase(rule, pattern, morph, classes))
    index.build_gates()
    return index


def match_sequences(scan: Scan, index: SequenceIndex) -> list[Hit]:
    """Find every lemma and phrase rule in the message."""
    hits: list[Hit] = []
    tokens = scan.tokens
    words = scan.words
    if (
        not index.by_prefix
        and words.isdisjoint(index.starters)
        and not (index.any_number and _HAS_DIGIT.search(scan.normalized.text))
    ):
        return hits  # no word of the message can start anything: one set test
    entries = index.entries
    # One look-up per word: most words start nothing, and frequent ones whose phrases all need
    # a word the message lacks are passed over by their gate.
    for token in tokens:
        if token.quoted:
            continue
        word = token.norm
        sequences, gate = entries.get(word) or index.entry(word)
        if not sequences or (gate is not None and gate.isdisjoint(words)):
            continue
        for sequence in sequences:
            if sequence.key is not None and sequence.key.isdisjoint(words):
                continue
            last = match_at(scan, token.index, sequence)
            if last is not None:
                hits.append((sequence.rule, token.start, tokens[last].end, None))
    return hits


def match_at(scan: Scan, start: int, sequence: Sequence) -> int | None:
    """Match a sequence whose first slot the token at `start` fills; return its last token."""
    tokens = scan.tokens
    first = sequence.slots[0]
    if not first.neighbours_allowed(tokens, start):
        return None
    if sequence.sentence_start and not is_sentence_start(
        scan.normalized.text, tokens[start].nstart
    ):
        return None
    return _match_slots(tokens, start, sequence)


def _match_slots(tokens: list[Token], start: int, sequence: Sequence) -> int | None:
    """Match slots after the first, allowing `max_gap` other words between two slots."""
    position = start
    gap = sequence.rule.max_gap
    for slot in sequence.slots[1:]:
        found = None
        for candidate in range(position + 1, min(len(tokens), position + 2 + gap)):
            if slot.fits(tokens, candidate):
                found = candidate
                break
        if found is None:
            if slot.optional:
                continue
            return None
        position = found
    return position
