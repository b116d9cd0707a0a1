"""The table of forms (`rules/data/forms.json`) says what the dictionary says, for every rule."""

from __future__ import annotations

import json

import pytest

from rules import build_checker
from rules.morph import FORMS_PATH, Morph, dictionary_version


@pytest.fixture(scope="module")
def table() -> dict[str, list[str]]:
    data = json.loads(FORMS_PATH.read_text(encoding="utf-8"))
    assert data["dictionary"] == dictionary_version(), "run: python scripts/make_forms.py"
    forms: dict[str, list[str]] = data["forms"]
    return forms


class _Counting(Morph):
    """A Morph that counts the lemmas it had to work out for want of the table."""

    def __init__(self) -> None:
        super().__init__()
        self.worked_out: list[str] = []

    def work_out_forms(self, lemma: str) -> frozenset[str]:
        self.worked_out.append(lemma)
        return super().work_out_forms(lemma)


def test_the_table_covers_every_lemma_of_the_shipped_rules(table: dict[str, list[str]]) -> None:
    morph = _Counting()
    build_checker(morph=morph)
    assert morph.worked_out == [], "the table is behind the rules: python scripts/make_forms.py"
    assert len(table) > 1000


def test_the_table_says_what_the_dictionary_says(table: dict[str, list[str]]) -> None:
    morph = Morph()
    for lemma in sorted(table)[::37]:  # a spread of the table, every letter of the alphabet
        assert frozenset(table[lemma]) == morph.work_out_forms(lemma), lemma


def test_a_lemma_outside_the_table_is_worked_out(table: dict[str, list[str]]) -> None:
    lemma = "растяпа"  # an agency's own word (tests/data/own_rules), not a shipped one
    assert lemma not in table
    assert {"растяпы", "растяпой"} <= Morph().forms(lemma)
