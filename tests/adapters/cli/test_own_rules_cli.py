"""The agency's own rules on the command line: `kodeks rules test` and `list`, `kodeks check`,
`kodeks eval` on a corpus whose agency has rules, and `kodeks run` refusing a broken rule file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.cli.main import main
from rules import load_ruleset
from tests.support import DATA, ROOT
from tests.support.files import line_of, replace_once

OWN = DATA / "own_rules"  # «Северный ветер»: clause 12, its phrase, a word added to a shipped rule
CONFIG = str(OWN / "agency.toml")
PROMISE = "Сделаем к завтра, не переживайте"


@pytest.fixture
def agency(tmp_path: Path) -> Path:
    """A copy of the agency, to break."""
    shutil.copy(OWN / "agency.toml", tmp_path / "agency.toml")
    shutil.copytree(OWN / "rules.d", tmp_path / "rules.d")
    return tmp_path


def test_rules_test_runs_the_agency_examples_too(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["rules", "test", "--config", CONFIG])
    out = capsys.readouterr().out
    assert code == 0
    assert out.endswith(", 2 of the agency's: all hold\n")


def test_rules_test_without_a_config_runs_every_shipped_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no agency.toml here
    rules = load_ruleset().rules
    examples = sum(len(r.examples.match) + len(r.examples.ok) for r in rules)
    assert main(["rules", "test"]) == 0
    assert capsys.readouterr().out == f"{examples} examples of {len(rules)} rules: all hold\n"


def test_rules_test_prints_each_failure_and_exits_1(
    agency: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = agency / "rules.d" / "deadlines.toml"
    replace_once(rules, '"сделаю к утру"', '"сделаю через неделю"')
    replace_once(rules, '"растянул сроки на неделю"', '"ну ты растяпа"')
    code = main(["rules", "test", "--config", str(agency / "agency.toml")])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert lines[0] == (
        f"{rules}:{line_of(rules, 'через неделю')}: sv-promise-by-tomorrow: «сделаю через неделю»"
        " is a `match` example, but the rule does not find it; fix the example or the patterns"
    )
    assert lines[1].startswith(f"{rules}:{line_of(rules, 'ну ты растяпа')}: rude-insult-people:")
    assert "is an `ok` example, but the rule finds it" in lines[1]
    assert lines[2].endswith(": 2 failed")


def test_rules_list_shows_the_agency_clause_and_rule_not_the_switched_off(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules", "list", "--config", CONFIG]) == 0
    out = capsys.readouterr().out
    assert "12. Сроки — только согласованные (no-promised-dates)\n" in out
    assert (
        f"sv-promise-by-tomorrow  condescension  phrase  {OWN / 'rules.d' / 'deadlines.toml'}:"
        in out
    )
    assert "rude-vulgar-ssat" not in out


def test_check_with_the_config_finds_the_agency_phrase(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--config", CONFIG, "--json", PROMISE])
    (finding,) = json.loads(capsys.readouterr().out)
    assert code == 1
    assert (finding["rule"], finding["clause"], finding["excerpt"]) == (
        "sv-promise-by-tomorrow",
        12,
        "Сделаем к завтра",
    )


def _corpus(folder: Path, rules: str) -> Path:
    folder.mkdir()
    (folder / "agency.toml").write_text(f'[[clients]]\nname = "Ромашка"\n{rules}', "utf-8")
    lines = [
        {"id": "p-1", "text": PROMISE, "chat": "client", "client": "Ромашка",
         "expect": ["condescension"]},
        {"id": "p-2", "text": "Макет во вложении.", "chat": "client", "expect": []},
    ]  # fmt: skip
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    (folder / "messages.jsonl").write_text(text, "utf-8")
    return folder


def test_eval_scores_with_the_rules_of_the_corpus_agency(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own = f'[rules]\nfolder = "{(OWN / "rules.d").as_posix()}"\n'
    scores = []
    for name, rules in (("shipped", ""), ("own", own)):
        assert main(["eval", "--json", str(_corpus(tmp_path / name, rules))]) == 0
        scores.append(json.loads(capsys.readouterr().out)["labels"]["condescension"])
    shipped, with_own = scores
    assert (shipped["tp"], shipped["fn"]) == (0, 1)
    assert (with_own["tp"], with_own["fn"]) == (1, 0)


def _kodeks_run(cwd: Path) -> subprocess.CompletedProcess[str]:
    """`kodeks run` in `cwd` with its agency.toml, no platform and the embedded store."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KODEKS_")}
    env |= {"KODEKS_CONFIG": "agency.toml", "KODEKS_JOURNAL": str(cwd / "journal.sqlite3")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", "run"],
        cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


def test_run_refuses_a_broken_rule_file_with_a_fix_it_line(agency: Path) -> None:
    rules = agency / "rules.d" / "deadlines.toml"
    replace_once(rules, 'kind = "phrase"', 'kind = "phrase"\nmax_gaps = 1')
    result = _kodeks_run(agency)
    line = line_of(rules, "max_gaps")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(
        f"kodeks: rules.d/deadlines.toml:{line}: rule #1 (sv-promise-by-tomorrow):"
        " unknown field(s) ['max_gaps']; use only ["
    ), result.stderr
    assert result.stderr.count("\n") == 1


def test_run_refuses_an_example_its_rule_misses(agency: Path) -> None:
    rules = agency / "rules.d" / "deadlines.toml"
    replace_once(rules, '"сделаю к утру"', '"сделаю через неделю"')
    result = _kodeks_run(agency)
    assert result.returncode == 2
    assert result.stderr == (
        f"kodeks: rules.d/deadlines.toml:{line_of(rules, 'через неделю')}: sv-promise-by-tomorrow:"
        " «сделаю через неделю» is a `match` example, but the rule does not find it; fix the"
        " example or the patterns\n"
    )


def test_config_check_says_which_rules_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "check", "--config", CONFIG, "--env-file", "/nonexistent/.env"]) == 0
    out = capsys.readouterr().out
    assert (
        f"rules: the shipped (1 switched off) and the agency's own in {OWN / 'rules.d'}"
        " (kodeks rules test runs their examples)\n"
    ) in out
