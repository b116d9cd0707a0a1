"""`[rules]` in agency.toml: the folder beside the file, `off` ids checked, and a broken rule file
refused when the config is loaded, with the rule file's own line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.domain.config import ConfigError, load_config
from bot.domain.rulebook import checker_for
from rules import RulesError
from tests.support import DATA
from tests.support.files import line_of, replace_once

OWN = DATA / "own_rules"  # «Северный ветер»: agency.toml and rules.d/


@pytest.fixture
def agency(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the agency in the working directory, loaded as `agency.toml`, as kodeks is."""
    shutil.copy(OWN / "agency.toml", tmp_path / "agency.toml")
    shutil.copytree(OWN / "rules.d", tmp_path / "rules.d")
    monkeypatch.chdir(tmp_path)
    return Path("agency.toml")


def test_the_folder_is_found_beside_agency_toml_wherever_kodeks_runs() -> None:
    rules = load_config(OWN / "agency.toml").rules
    assert rules.folder == OWN / "rules.d"
    assert rules.off == ("rude-vulgar-ssat",)


def test_a_config_without_rules_keeps_the_shipped_ones() -> None:
    assert load_config(DATA / "corpus" / "agency.toml").rules.to_own() is None


def test_a_missing_folder_names_its_line(agency: Path) -> None:
    replace_once(agency, 'folder = "rules.d"', 'folder = "rulez.d"')
    line = line_of(agency, "rulez.d")
    with pytest.raises(ConfigError) as refused:
        load_config(agency)
    assert str(refused.value) == (
        f"agency.toml:{line}: rules.folder: no folder rulez.d; create it, or fix the path"
        " (relative to agency.toml)"
    )


def test_an_unknown_off_id_names_its_line(agency: Path) -> None:
    replace_once(agency, '"rude-vulgar-ssat"', '"rude-vulgar-sat"')
    line = line_of(agency, "off =")
    with pytest.raises(ConfigError) as refused:
        load_config(agency)
    assert str(refused.value) == (
        f"agency.toml:{line}: rules.off: no shipped rule 'rude-vulgar-sat' to switch off;"
        " `kodeks rules list` lists the ids"
    )


def test_an_unknown_key_of_rules_names_its_line(agency: Path) -> None:
    replace_once(agency, "off =", "of =")
    with pytest.raises(ConfigError, match=rf"^agency\.toml:{line_of(agency, 'of =')}: rules\.of:"):
        load_config(agency)


def test_a_broken_rule_file_is_refused_with_its_own_line(agency: Path) -> None:
    rules = Path("rules.d") / "deadlines.toml"
    replace_once(rules, 'severity = "low"', 'severity = "low"\ncolour = "red"')
    line = line_of(rules, "colour =")  # the misspelt field's own line
    with pytest.raises(ConfigError) as refused:
        load_config(agency)
    assert str(refused.value).startswith(
        f"rules.d/deadlines.toml:{line}: rule #1 (sv-promise-by-tomorrow): unknown field(s)"
        " ['colour']"
    )


def test_an_example_its_rule_misses_stops_the_checker(agency: Path) -> None:
    rules = Path("rules.d") / "deadlines.toml"
    replace_once(rules, '"сделаю к утру"', '"сделаю на следующей неделе"')
    config = load_config(agency)  # the files are well formed: only the checker knows
    with pytest.raises(RulesError) as refused:
        checker_for(config, learned=False)
    line = line_of(rules, "сделаю на следующей неделе")
    assert str(refused.value).startswith(f"rules.d/deadlines.toml:{line}: sv-promise-by-tomorrow:")
