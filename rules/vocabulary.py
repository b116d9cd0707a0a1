"""Small word lists the matchers consult for context, loaded from `data/vocabulary.toml`."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from rules.errors import RulesError
from rules.loader import alternation, compile_regex
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
    "insult_traits",
    "person_nouns",
    "teams",
    "link_words",
    "first_person",
    "latin_names",
    "greetings",
    "client_side",
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
    insult_traits: frozenset[str]
    person_nouns: frozenset[str]
    teams: frozenset[str]
    link_words: frozenset[str]
    first_person: frozenset[str]
    latin_names: frozenset[str]
    greetings: frozenset[str]
    client_side: frozenset[str]
    # class name → every form of its lemmas, and each form → the classes it falls in
    classes: dict[str, frozenset[str]] = field(default_factory=dict)
    class_of: dict[str, tuple[str, ...]] = field(default_factory=dict)
    mitigators: re.Pattern[str] | None = None


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
    classes = _classes(path, data.get("classes", {}), morph)
    return Vocabulary(
        **expanded,
        classes=classes,
        class_of=_class_index(classes),
        mitigators=_phrases(path, data.get("mitigators", [])),
    )


def _phrases(path: Path, phrases: object) -> re.Pattern[str] | None:
    """Compile a list of set phrases (regular expressions over the normalised text) into one."""
    if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
        msg = f"{path}: mitigators must be an array of regular expressions"
        raise RulesError(msg)
    for phrase in phrases:
        compile_regex(f"{path}: mitigators", phrase)
    return alternation(phrases)


def _classes(path: Path, table: object, morph: Morph) -> dict[str, frozenset[str]]:
    if not isinstance(table, dict) or not all(isinstance(v, list) for v in table.values()):
        msg = f"{path}: [classes] must map each class name to an array of lemmas"
        raise RulesError(msg)
    return {
        str(name): frozenset(form for lemma in lemmas for form in morph.forms(str(lemma)))
        for name, lemmas in table.items()
    }


def _class_index(classes: dict[str, frozenset[str]]) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for name, forms in classes.items():
        for form in forms:
            index.setdefault(form, []).append(name)
    return {form: tuple(names) for form, names in index.items()}
