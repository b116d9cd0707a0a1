"""Together rules: two phrases in one message, in any order and at any distance.

Some breaches are two facts meeting rather than one phrase: another client, unnamed («the other
bank we work with»), and its affairs («is switching agencies»); the agency and its troubles. A
pattern is `phrase & phrase`, each side in the syntax of `sequences.py` (classes included:
`@agency_self … & @trouble`). The finding's span is the first side's match.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.errors import RulesError
from rules.model import Rule
from rules.morph import Morph
from rules.scan import Hit, Scan
from rules.sequences import SequenceIndex, compile_phrase, match_sequences
from rules.vocabulary import Vocabulary

SEPARATOR = " & "  # between the two phrases of a pattern


@dataclass(frozen=True, slots=True)
class Together:
    """One rule's two sides, each an index of phrases; both must match one message."""

    rule: Rule
    first: SequenceIndex  # its first match is the finding's span
    second: SequenceIndex


def compile_together(
    rules: list[Rule], morph: Morph, vocabulary: Vocabulary
) -> tuple[Together, ...]:
    """Compile both sides of every pattern of every rule."""
    compiled = []
    for rule in rules:
        first, second = SequenceIndex(), SequenceIndex()
        for pattern in rule.patterns:
            sides = pattern.split(SEPARATOR)
            if len(sides) != 2 or not all(side.strip() for side in sides):
                msg = f"{rule.id}: '{pattern}' must be two phrases joined by '{SEPARATOR.strip()}'"
                raise RulesError(msg)
            first.add(compile_phrase(rule, sides[0].strip(), morph, vocabulary.classes))
            second.add(compile_phrase(rule, sides[1].strip(), morph, vocabulary.classes))
        first.build_gates()
        second.build_gates()
        compiled.append(Together(rule, first, second))
    return tuple(compiled)


def match_together(scan: Scan, rules: tuple[Together, ...]) -> list[Hit]:
    """Report the first side of a rule wherever its second side is in the message too."""
    hits: list[Hit] = []
    for together in rules:
        found = match_sequences(scan, together.first)
        if found and match_sequences(scan, together.second):
            hits.append(found[0])
    return hits
