"""Write `rules/data/forms.json`: every inflected form of the lemmas the shipped rules use.

The checker works these out from pymorphy's dictionaries at start-up; the table saves it the half
second (`rules/morph.py`). Run after adding a word or a phrase to the shipped rules or the
vocabulary (a test says when the table is behind): python scripts/make_forms.py
"""

from __future__ import annotations

import json
import sys

from rules import build_checker
from rules.morph import FORMS_PATH, Morph, dictionary_version


class _Recording(Morph):
    """A Morph that works out every form itself and keeps what it was asked for."""

    def __init__(self) -> None:
        super().__init__()
        self._known_forms = {}
        self.asked: dict[str, list[str]] = {}

    def work_out_forms(self, lemma: str) -> frozenset[str]:
        found = super().work_out_forms(lemma)
        self.asked[lemma] = sorted(found)
        return found


def main() -> None:
    morph = _Recording()
    build_checker(morph=morph)  # compiles both chats' rules and the vocabulary
    table = {"dictionary": dictionary_version(), "forms": dict(sorted(morph.asked.items()))}
    FORMS_PATH.write_text(
        json.dumps(table, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    sys.stdout.write(f"{len(morph.asked)} lemmas → {FORMS_PATH}\n")


if __name__ == "__main__":
    main()
