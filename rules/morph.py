"""One pymorphy3 analyzer for the process, wrapped with caches keyed by word.

The rules are indexed by every inflected form of their lemmas once, at load time (`forms`), so
checking a message needs no analysis for lemma and phrase rules; only the grammar rule asks for
tags, and only of words whose ending could be a second-person singular form.

Working out the forms of the shipped rules' 2,800 lemmas is most of the checker's start-up (half a
second, which `kodeks check` pays on every call); `data/forms.json` holds them, written by
`scripts/make_forms.py` for one version of the dictionaries. A lemma it lacks (an agency's own
word, a client's alias) or another dictionary's version is worked out as before: the table makes
start-up faster, never the answer different.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

_CYRILLIC_WORD = re.compile(r"[а-яё-]+\Z")


class Morph:
    """Lemmas, inflected forms and tags of Russian words, cached."""

    def __init__(self) -> None:
        import pymorphy3  # noqa: PLC0415 - loading the dictionaries is the slow part; do it once

        self._analyzer: Any = pymorphy3.MorphAnalyzer()
        self._known_forms = _load_forms(FORMS_PATH)
        self.parse = lru_cache(maxsize=200_000)(self._parse)
        self.forms = lru_cache(maxsize=20_000)(self._forms)
        self.is_known = lru_cache(maxsize=100_000)(self._is_known)

    def _parse(self, word: str) -> tuple[tuple[str, frozenset[str], float], ...]:
        """Return (lemma, grammemes, score) for every reading of `word`."""
        return tuple(
            (p.normal_form.replace("ё", "е"), frozenset(p.tag.grammemes), p.score)
            for p in self._analyzer.parse(word)
        )

    def _forms(self, lemma: str) -> frozenset[str]:
        """Return every inflected form of `lemma` (ё as е); non-Cyrillic words stand alone.

        Archaic forms are left out: «те» as a dative of «ты» would make every «те» a «ты».
        """
        lemma = lemma.lower().replace("ё", "е")
        if not _CYRILLIC_WORD.match(lemma):
            return frozenset({lemma})
        known = self._known_forms.get(lemma)
        if known is not None:
            return frozenset(known)
        return self.work_out_forms(lemma)

    def work_out_forms(self, lemma: str) -> frozenset[str]:
        """Return every inflected form of a lower-case Cyrillic lemma, from the dictionary."""
        found = {lemma}
        for parse in self._analyzer.parse(lemma):
            if parse.normal_form.replace("ё", "е") == lemma:
                found.update(f.word.replace("ё", "е") for f in parse.lexeme if "Arch" not in f.tag)
        return frozenset(found)

    def _is_known(self, word: str) -> bool:
        """Tell whether the dictionary has the word (rather than pymorphy guessing it)."""
        return bool(self._analyzer.word_is_known(word))

    def lemmas(self, word: str) -> frozenset[str]:
        """Return the normal forms of every reading of `word`."""
        return frozenset(lemma for lemma, _, _ in self.parse(word))

    def is_lemma(self, word: str) -> bool:
        """Tell whether `word` is a normal form of one of its own readings."""
        word = word.lower().replace("ё", "е")
        if not _CYRILLIC_WORD.match(word):
            return True
        return word in self.lemmas(word)

    def plural(self, word: str, grammemes: frozenset[str]) -> str | None:
        """Return the plural of a «ты»-form: «скинь» → «скиньте», «можешь» → «можете».

        Regular endings first, confirmed by one look-up (pymorphy's `inflect` builds the whole
        lexeme, some 25 times slower); irregular verbs («хочешь» → «хотите») fall back to it.
        """
        lemma = next((lemma for lemma, tags, _ in self.parse(word) if grammemes <= tags), None)
        for guess in _regular_plurals(word, grammemes):
            readings = self.parse(guess) if self._analyzer.word_is_known(guess) else ()
            if any(
                norm == lemma and "plur" in tags and not _NONSTANDARD & tags
                for norm, tags, _ in readings
            ):
                return guess
        return self.inflect(word, grammemes, frozenset({"plur"}))

    def inflect(self, word: str, grammemes: frozenset[str], want: frozenset[str]) -> str | None:
        """Inflect `word`, read with `grammemes`, into the form that has `want`."""
        for parse in self._analyzer.parse(word):
            if grammemes <= parse.tag.grammemes:
                inflected = parse.inflect(set(want))
                return str(inflected.word) if inflected is not None else None
        return None


FORMS_PATH = Path(__file__).resolve().parent / "data" / "forms.json"


def dictionary_version() -> str:
    """Return the version of the Russian dictionaries the forms come from."""
    return metadata.version("pymorphy3-dicts-ru")


def _load_forms(path: Path) -> dict[str, list[str]]:
    """Read the table of forms, if it was made from the dictionaries installed here."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("dictionary") != dictionary_version():
        return {}
    forms = data.get("forms")
    return forms if isinstance(forms, dict) else {}


_NONSTANDARD = frozenset({"Erro", "Dist", "Arch"})  # «хочете» is in the dictionary, as an error
_PRESENT_PLURALS = (
    ("ешься", "етесь"), ("ишься", "итесь"),
    ("ешь", "ете"), ("ишь", "ите"),
)  # fmt: skip


def _regular_plurals(word: str, grammemes: frozenset[str]) -> list[str]:
    """Guess the plural of a second person singular by its ending."""
    if "impr" in grammemes:
        if word.endswith(("ся", "сь")):
            return [word[:-2] + "тесь"]  # займись → займитесь, не волнуйся → волнуйтесь
        return [word + "те"]  # скинь → скиньте, пиши → пишите
    return [word[: -len(old)] + new for old, new in _PRESENT_PLURALS if word.endswith(old)]


@lru_cache(maxsize=1)
def shared_morph() -> Morph:
    """Return the process-wide analyzer (pymorphy's docs: build one and reuse it)."""
    return Morph()
