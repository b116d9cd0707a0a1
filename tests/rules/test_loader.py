"""A broken rules file fails at load, with a message that says how to fix it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from rules import Label, RulesError, load_ruleset
from rules.loader import data_dir
from rules.morph import shared_morph

GOOD_RULE = """
[[rule]]
id = "test-good-rule"
label = "rudeness"
kind = "lemma"
patterns = ["негодяй"]
suggest = ["мягче"]
[rule.examples]
match = ["негодяи"]
ok = ["герой"]
"""


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    for name in ("clauses.toml", "vocabulary.toml"):
        shutil.copy(data_dir() / name, tmp_path / name)
    return tmp_path


def _load_with(folder: Path, text: str) -> None:
    (folder / "extra.toml").write_text(text, encoding="utf-8")
    load_ruleset(folder, is_lemma=shared_morph().is_lemma)


def test_the_shipped_rules_load_with_clauses_1_to_11() -> None:
    ruleset = load_ruleset(is_lemma=shared_morph().is_lemma)
    assert [c.number for c in ruleset.clauses] == list(range(1, 12))
    assert ruleset.clause_for(Label.RUDENESS).number == 6
    assert ruleset.clause_for(Label.FAMILIARITY).number == 3
    assert ruleset.clause_for(Label.CONDESCENSION).number == 5
    assert ruleset.clause_for(Label.CONFIDENTIALITY).number == 4


def test_the_clauses_keep_the_agency_wording() -> None:
    ruleset = load_ruleset()
    fifth = ruleset.clause(5)
    assert fifth is not None
    assert fifth.text.startswith("Сотрудник обязан не допускать снисходительного тона")


def test_every_clause_has_an_english_title_beside_the_agency_russian() -> None:
    for clause in load_ruleset().clauses:
        assert clause.title_en, f"clause {clause.number} has no title_en"
        assert not re.search("[а-яё]", clause.title_en, re.IGNORECASE), clause.title_en
        assert re.search("[а-яё]", clause.title + clause.text, re.IGNORECASE)
        assert clause.title_in("en") == clause.title_en
        assert clause.title_in("ru") == clause.title


def test_a_clause_without_an_english_title_keeps_its_own(rules_dir: Path) -> None:
    clauses = rules_dir / "clauses.toml"
    kept = [line for line in clauses.read_text("utf-8").splitlines() if "title_en" not in line]
    clauses.write_text("\n".join(kept), encoding="utf-8")
    sixth = load_ruleset(rules_dir).clause(6)
    assert sixth is not None
    assert sixth.title_in("en") == "Без грубости"


def test_a_good_extra_file_loads(rules_dir: Path) -> None:
    _load_with(rules_dir, GOOD_RULE)


@pytest.mark.parametrize(
    ("change", "advice"),
    [
        (('kind = "lemma"', 'kind = "lema"'), "use one of: lemma, phrase"),
        (('label = "rudeness"', 'label = "rude"'), "use one of: rudeness"),
        (('patterns = ["негодяй"]', 'patterns = ["негодяи"]'), "write the dictionary form"),
        (('suggest = ["мягче"]', "suggest = []"), "'suggest' is missing or empty"),
        (('id = "test-good-rule"', 'id = "Bad Id"'), "must be kebab-case"),
        (("[rule.examples]", 'colour = "red"\n[rule.examples]'), "unknown field(s) ['colour']"),
        (('patterns = ["негодяй"]', 'patterns = "негодяй"\npatterns = "x"'), "not valid TOML"),
    ],
)
def test_a_broken_rule_says_what_to_fix(
    rules_dir: Path, change: tuple[str, str], advice: str
) -> None:
    with pytest.raises(RulesError, match=r"extra\.toml") as error:
        _load_with(rules_dir, GOOD_RULE.replace(*change))
    assert advice in str(error.value)


def test_a_bad_regex_is_named(rules_dir: Path) -> None:
    rule = GOOD_RULE.replace('kind = "lemma"', 'kind = "root"').replace("негодяй", "(негод")
    with pytest.raises(RulesError, match=r"regex '\(негод' does not compile"):
        _load_with(rules_dir, rule)


def test_a_reused_id_is_refused(rules_dir: Path) -> None:
    twice = GOOD_RULE + GOOD_RULE.replace("негодяй", "мерзавец")
    with pytest.raises(RulesError, match="used twice"):
        _load_with(rules_dir, twice)


def test_the_line_of_the_broken_rule_is_given(rules_dir: Path) -> None:
    with pytest.raises(RulesError, match=r"extra\.toml:3: rule #1"):
        _load_with(rules_dir, GOOD_RULE.replace('kind = "lemma"', 'kind = "nope"'))
