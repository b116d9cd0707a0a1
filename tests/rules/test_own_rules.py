"""An agency's own folder of rules: clauses numbered on, phrases and words added, rules switched
off, and every broken file refused with its file and line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from rules import Checker, OwnRules, RulesError, build_checker, load_ruleset, verified
from rules.examples import run
from rules.morph import shared_morph
from rules.own import with_own
from tests.support import DATA
from tests.support.files import line_of, replace_once

OWN = DATA / "own_rules" / "rules.d"  # «Северный ветер», an invented agency
PROMISE = "Сделаем к завтра, не переживайте"


@pytest.fixture(scope="module")
def own_checker() -> Checker:
    return build_checker(own=OwnRules(OWN, ("rude-vulgar-ssat",)))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the agency's folder, to break."""
    return Path(shutil.copytree(OWN, tmp_path / "rules.d"))


def _load(folder: Path, off: tuple[str, ...] = ()) -> None:
    with_own(load_ruleset(), OwnRules(folder, off), shared_morph().is_lemma)


def test_the_agency_clause_comes_after_the_shipped_eleven(own_checker: Checker) -> None:
    clauses = own_checker.ruleset.clauses
    assert [c.number for c in clauses] == list(range(1, 13))
    assert clauses[-1].id == "no-promised-dates"
    assert clauses[-1].title == "Сроки — только согласованные"


def test_the_agency_phrase_is_found_and_cites_its_clause(own_checker: Checker) -> None:
    (finding,) = own_checker.check(PROMISE)
    assert (finding.rule_id, finding.clause, finding.excerpt) == (
        "sv-promise-by-tomorrow",
        12,
        "Сделаем к завтра",
    )
    assert finding.suggestion == "Уточню срок у производства и вернусь с датой"


def test_a_word_added_to_a_shipped_rule_is_found_by_that_rule(own_checker: Checker) -> None:
    assert "rude-insult-people" in own_checker.rules_fired("ну и растяпа же он")
    assert "rude-insult-people" not in build_checker().rules_fired("ну и растяпа же он")


def test_a_rule_switched_off_fires_no_more(own_checker: Checker) -> None:
    assert "rude-vulgar-ssat" in build_checker().rules_fired("он зассал звонить")
    assert "rude-vulgar-ssat" not in own_checker.rules_fired("он зассал звонить")
    assert all(r.id != "rude-vulgar-ssat" for r in own_checker.ruleset.rules)


def test_the_agency_examples_all_hold(own_checker: Checker) -> None:
    assert own_checker.ruleset.own == {"sv-promise-by-tomorrow", "rude-insult-people"}
    ran, failures = run(own_checker, own_checker.ruleset.own)
    assert failures == []
    shipped_people = load_ruleset().rules
    people = next(r for r in shipped_people if r.id == "rude-insult-people").examples
    # the own rule's 3, the extension's 2, and the extended rule's shipped examples
    assert ran == 3 + 2 + len(people.match) + len(people.ok)
    assert verified(own_checker) is own_checker


def test_an_example_its_rule_misses_stops_the_checker(folder: Path) -> None:
    path = folder / "deadlines.toml"
    replace_once(path, '"сделаю к утру"', '"сделаю через неделю"')
    checker = build_checker(own=OwnRules(folder))
    line = line_of(path, "сделаю через неделю")
    with pytest.raises(RulesError) as refused:
        verified(checker)
    assert str(refused.value) == (
        f"{path}:{line}: sv-promise-by-tomorrow: «сделаю через неделю» is a `match` example,"
        " but the rule does not find it; fix the example or the patterns"
    )


def test_an_ok_example_the_extended_rule_finds_is_reported(folder: Path) -> None:
    path = folder / "deadlines.toml"
    replace_once(path, '"растянул сроки на неделю"', '"он растяпа"')
    _, failures = run(build_checker(own=OwnRules(folder)))
    (failure,) = failures
    assert failure.case.rule.id == "rude-insult-people"
    assert failure.describe().startswith(f"{path}:{line_of(path, 'он растяпа')}: ")
    assert "is an `ok` example, but the rule finds it" in failure.describe()


def test_without_an_agency_folder_the_shipped_rules_are_untouched() -> None:
    shipped = load_ruleset()
    assert with_own(shipped, OwnRules()) == shipped
    assert shipped.own == frozenset()
    assert shipped.extensions == ()


@pytest.mark.parametrize(
    ("file", "old", "new", "where", "advice"),
    [
        ("clauses.toml", "number = 12", "number = 13", "[[clause]]", "write number = 12"),
        ("clauses.toml", 'id = "no-promised-dates"', 'id = "tone"', "[[clause]]", "is taken"),
        ("clauses.toml", "number = 12", 'number = 12\nlabels = ["rudeness"]', "[[clause]]",
         'cite it from its rules with clause = "no-promised-dates"'),
        ("deadlines.toml", 'clause = "no-promised-dates"', 'clause = "no-such"',
         '"sv-promise-by-tomorrow"', "names no clause"),
        ("deadlines.toml", 'severity = "low"', 'severity = "low"\ncolour = "red"', "colour =",
         "unknown field(s) ['colour']"),
        ("deadlines.toml", 'kind = "phrase"', 'kind = "phrasal"', '"sv-promise-by-tomorrow"',
         "'phrasal' is not known"),
        ("deadlines.toml", 'rule = "rude-insult-people"', 'rule = "rude-no-such"', "[[extend]]",
         "no shipped rule has this id"),
        ("deadlines.toml", 'patterns = ["растяпа"]', 'patterns = ["дурак"]', "[[extend]]",
         "the rule has ['дурак'] already"),
        ("deadlines.toml", 'patterns = ["растяпа"]', 'patterns = ["растяпы"]', "[[extend]]",
         "'растяпы' is not in normal form"),
        ("deadlines.toml", 'ok = ["растянул сроки на неделю"]', "", "[[extend]]",
         "add examples"),
        ("deadlines.toml", 'id = "sv-promise-by-tomorrow"', 'id = "rude-promise"',
         '"rude-promise"', "'rude-' is a prefix of the shipped rules"),
    ],
)  # fmt: skip
def test_a_broken_agency_file_is_refused_with_its_file_and_line(
    folder: Path, file: str, old: str, new: str, where: str, advice: str
) -> None:
    path = folder / file
    replace_once(path, old, new)
    with pytest.raises(RulesError) as refused:
        _load(folder)
    message = str(refused.value)
    assert message.startswith(f"{path}:{line_of(path, where)}: "), message
    assert advice in message


def test_bad_toml_names_the_line_tomllib_found(folder: Path) -> None:
    path = folder / "deadlines.toml"
    replace_once(path, 'label = "condescension"', "label = condescension")
    with pytest.raises(RulesError, match=rf"^{re.escape(str(path))}:{line_of(path, 'label')}: "):
        _load(folder)


def test_an_unknown_table_and_an_unknown_off_id_are_refused(folder: Path) -> None:
    (folder / "extra.toml").write_text("[[rules]]\nid = 1\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"extra\.toml: unknown table\(s\) \['rules'\]"):
        _load(folder)
    (folder / "extra.toml").unlink()
    with pytest.raises(RulesError, match="off names no shipped rule: rude-no-such"):
        _load(folder, ("rude-no-such",))
    with pytest.raises(RulesError, match="no such folder"):
        _load(folder / "missing")


def test_an_id_used_in_two_agency_files_is_refused(folder: Path) -> None:
    source = (folder / "deadlines.toml").read_text(encoding="utf-8")
    (folder / "more.toml").write_text(source.split("[[extend]]")[0], encoding="utf-8")
    more = folder / "more.toml"
    with pytest.raises(RulesError) as refused:
        _load(folder)
    assert str(refused.value).startswith(f"{more}:{line_of(more, 'sv-promise-by-tomorrow')}: ")
    assert "rule id 'sv-promise-by-tomorrow' is used twice" in str(refused.value)
