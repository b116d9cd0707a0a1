"""Small word lists the matchers consult for context, loaded from `data/vocabulary.toml`."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from rules.errors import RulesError
from rules.morph import Morph

_FIELDS = (
    "client_nouns",
    "self_reference",
    "imperative_cues",
    "relative_words",
    "address_openers",
    "second_person_pronouns",
    "person_pointers",
    "particles",
    "person_nouns",
    "teams",
)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Every inflected form of the context words, one set per use."""

    client_nouns: frozenset[str]
    self_reference: frozenset[str]
    imperative_cues: frozenset[str]
    relative_words: frozenset[str]
    address_openers: frozenset[str]
    second_person_pronouns: frozenset[str]
    person_pointers: frozenset[str]
    particles: frozenset[str]
    person_nouns: frozenset[str]
    teams: frozenset[str]


def load_vocabulary(path: Path, morph: Morph) -> Vocabulary:
    """Read the context word lists and expand each lemma to all its forms."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        msg = f"{path}: cannot load the vocabulary ({error}); fix or restore the file"
        raise RulesError(msg) from error
    missing = [name for name in _FIELDS if not isinstance(data.get(name), list)]
    if missing:
        msg = f"{path}: lists {missing} are missing; add them as arrays of words"
        raise RulesError(msg)
    expanded = {
        name: frozenset(form for lemma in data[name] for form in morph.forms(str(lemma)))
        for name in _FIELDS
    }
    return Vocabulary(**expanded)
