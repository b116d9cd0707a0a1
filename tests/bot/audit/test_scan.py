"""`kodeks scan`: the pipeline's judgement on exports, counts, pseudonyms, outputs and errors."""

from __future__ import annotations

import csv
import io
import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from adapters.cli.main import main
from adapters.exports.reader import open_export
from bot.audit.progress import Progress
from bot.audit.report import render_html, report_data
from bot.audit.scan import ExportScan
from bot.audit.tally import excerpt
from bot.domain.config import load_config
from bot.domain.exports import ReadStats
from rules import Checker, build_checker
from scripts.make_telegram_export import write_export
from tests.support import EXAMPLES, ROOT

CONFIG = EXAMPLES / "agency.toml"


@pytest.fixture(scope="module")
def agency_checker() -> Checker:
    return build_checker(load_config(CONFIG).registry())


def _scan(path: Path, checker: Checker, names: bool = False) -> Any:
    config = load_config(CONFIG)
    return ExportScan(open_export(path), config, checker, names=names).run()


def test_the_telegram_example_is_judged_the_pipelines_way(agency_checker: Checker) -> None:
    result = _scan(EXAMPLES / "telegram", agency_checker)
    tally = result.tally
    assert (tally.read, tally.judged, tally.findings, tally.with_findings) == (26, 17, 10, 9)
    assert tally.skipped == {
        "client's message": 5, "service message": 1, "no text": 1, "forward": 1,
        "chat the bot never sees": 1,
    }  # fmt: skip
    # Internal chat: мат about a client counts; the Business-like personal chat is a client's.
    assert tally.chats["telegram:-1001555000111"].findings == 3
    assert tally.chats["telegram:333333333"].kind == "client"
    assert tally.chats["telegram:333333333"].client == "Лисичкин"
    assert sum(tally.weekly.values()) == tally.findings
    assert tally.rules["rude-insult-tupoy"] == 2


def test_the_slack_example_knows_outsiders(agency_checker: Checker) -> None:
    result = _scan(EXAMPLES / "slack", agency_checker)
    tally = result.tally
    assert (tally.read, tally.judged, tally.findings) == (15, 10, 7)
    assert tally.skipped["client's message"] == 3  # Ольга, Игорь and the unknown ghost
    assert result.notes == {"author missing from users.json": 2}
    assert tally.chats["slack:C03LISICH01"].kind == "client"  # unknown_chat = client


def test_held_authors_count_once_the_export_shows_they_are_staff(
    tmp_path: Path, agency_checker: Checker
) -> None:
    # Глеб writes in a client chat first, in the internal chat only later in the file.
    def message(id_: int, who: str, text: str) -> dict[str, Any]:
        return {"id": id_, "type": "message", "date_unixtime": "1740996000",
                "from_id": f"user{who}", "text": text}  # fmt: skip

    export = {"chats": {"list": [
        {"name": "Колос", "type": "private_supergroup", "id": 1777, "messages": [
            message(1, "666", "ты чё, тупой?"), message(2, "121", "Сами вы тупой")]},
        {"name": "Команда", "type": "private_supergroup", "id": 1555000111, "messages": [
            message(1, "666", "Добрый день")]},
    ]}}  # fmt: skip
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    tally = _scan(path, agency_checker).tally
    assert tally.authors == {"telegram:666": 2}  # two clauses of one message
    assert tally.skipped["client's message"] == 1
    assert tally.judged == 2


def test_people_are_pseudonymised_unless_names(agency_checker: Checker) -> None:
    def report(names: bool) -> str:
        result = _scan(EXAMPLES / "telegram", agency_checker, names=names)
        return json.dumps(
            report_data(result, agency_checker.ruleset, "t", None), ensure_ascii=False
        )

    hidden, shown = report(names=False), report(names=True)
    assert "Борис Петров" not in hidden and '"P1"' in hidden
    assert "Борис Петров" in shown


def test_an_example_marks_the_matched_words() -> None:
    checker = build_checker()
    text = "Коллеги, добрый день. " * 10 + "ты чё, тупой? скинь бриф"
    findings = checker.check(text)
    segments = excerpt(text, findings, 3)
    assert [t for t, marked in segments if marked] == ["ты", "чё", "скинь"]
    assert segments[0] == ("…", False)
    assert "".join(t for t, _ in segments[1:]) in text


def test_cli_writes_html_json_and_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, data, rows = tmp_path / "r.html", tmp_path / "r.json", tmp_path / "r.csv"
    code = main(["scan", str(EXAMPLES / "telegram"), "--config", str(CONFIG), "--out", str(out),
                 "--json", str(data), "--csv", str(rows)])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "26 messages" in printed and "10 findings" in printed
    report = json.loads(data.read_text(encoding="utf-8"))
    assert report["totals"]["findings"] == 10
    assert sum(p["count"] for p in report["weekly"]["points"]) == 10
    with rows.open(encoding="utf-8") as file:
        table = list(csv.DictReader(file))
    assert len(table) == 10 and {r["author"] for r in table} <= {"P1", "P2", "P3", "P4"}
    page = out.read_text(encoding="utf-8")
    assert "<script" in page and 'id="kodeks-data"' in page


def test_the_report_fetches_nothing_and_cannot_be_broken_by_a_message(
    agency_checker: Checker,
) -> None:
    data = report_data(_scan(EXAMPLES / "telegram", agency_checker), agency_checker.ruleset,
                       "</script><script>alert(1)</script>", {"fam-you-pronoun": 3})  # fmt: skip
    page = render_html(data)
    assert page.count("</script>") == 2  # the data's own tag and the script's
    for fetch in ("<link", " src=", "@import", "url(", "fetch(", "XMLHttpRequest", "//cdn"):
        assert fetch not in page
    assert "default-src 'none'" in page
    assert next(r for r in data["rules"] if r["rule"] == "fam-you-pronoun")["false_alarms"] == 3


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda text: text[: len(text) // 2], "broken JSON"),
        (lambda text: "[1, 2", "broken JSON"),
        (lambda text: "", "broken JSON"),
    ],
)
def test_malformed_exports_exit_2_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: Any, expected: str
) -> None:
    path = tmp_path / "result.json"
    source = (EXAMPLES / "telegram" / "result.json").read_text(encoding="utf-8")
    path.write_text(damage(source), encoding="utf-8")
    code = main(["scan", str(path), "--config", str(CONFIG), "--out", str(tmp_path / "r.html")])
    err = capsys.readouterr().err
    assert code == 2
    assert expected in err and "Traceback" not in err
    assert not (tmp_path / "r.html").exists()


def test_a_generated_export_scans_consistently(tmp_path: Path, agency_checker: Checker) -> None:
    path = tmp_path / "result.json"
    with path.open("w", encoding="utf-8") as out:
        write_export(out, 1500, seed=3)
    result = _scan(path, agency_checker)
    tally = result.tally
    assert tally.read == 1500
    assert sum(tally.skipped.values()) + tally.judged == tally.read
    assert sum(tally.weekly.values()) == tally.findings > 0
    assert sum(r.findings for r in tally.chats.values()) == tally.findings
    assert {"forward", "service message"} <= set(tally.skipped)


def test_the_generator_is_seeded(tmp_path: Path) -> None:
    first, second = io.StringIO(), io.StringIO()
    write_export(first, 300, seed=11)
    write_export(second, 300, seed=11)
    assert first.getvalue() == second.getvalue()
    data = json.loads(first.getvalue())
    messages = [m for chat in data["chats"]["list"] for m in chat["messages"]]
    assert len(messages) == 300
    assert any(isinstance(m["text"], list) for m in messages)


def test_progress_is_a_bar_on_a_terminal_and_log_lines_otherwise(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stats = ReadStats(done=50, total=100)
    terminal = io.StringIO()
    bar = Progress(stats, terminal, tty=True, every_s=0)
    bar.every_s = 0
    bar.tick(256)
    bar.done(300)
    assert terminal.getvalue().startswith("\r") and "50%" in terminal.getvalue()
    assert "100%" in terminal.getvalue()
    plain = io.StringIO()
    with caplog.at_level(logging.INFO, logger="bot.scan"):
        lines = Progress(ReadStats(done=1, total=4), plain, tty=False, every_s=0)
        lines.tick(512)
    assert plain.getvalue() == ""
    assert any("progress=25%" in r.getMessage() for r in caplog.records)


def test_scan_imports_neither_aiogram_nor_slack(tmp_path: Path) -> None:
    code = (
        "import sys; from adapters.cli.main import main; "
        f"main(['scan', {str(EXAMPLES / 'slack')!r}, '--config', {str(CONFIG)!r}, "
        f"'--out', {str(tmp_path / 'r.html')!r}]); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('aiogram', 'slack_bolt', 'slack_sdk')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
