"""The `kodeks` command line: exit codes and output of check, eval and bench."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from adapters.cli.main import main
from tests.support import DATA
from tests.support.redis_server import RedisServer

CORPUS = DATA / "corpus"
CONFIG = str(CORPUS / "agency.toml")


def test_check_reports_findings_with_spans_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    text = "ты чё, тупой? скинь бриф"
    code = main(
        ["check", "--chat", "client", "--client", "Ромашка", "--config", CONFIG, "--json", text]
    )
    findings = json.loads(capsys.readouterr().out)
    assert code == 1
    labels = {f["label"] for f in findings}
    assert {"rudeness", "familiarity"} <= labels
    for finding in findings:
        assert text[finding["start"] : finding["end"]] == finding["excerpt"]
        assert finding["suggestion"]
    you = next(f for f in findings if f["excerpt"] == "ты")
    assert you["suggestion"] == "Вы"
    assert you["clause"] == 3


def test_check_of_a_clean_draft_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["check", "--config", CONFIG, "Добрый день! Макет во вложении, посмотрите, пожалуйста."]
    )
    assert code == 0
    assert "не найдено" in capsys.readouterr().out


def test_check_reads_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("б**ть, опять"))
    assert main(["check", "--config", CONFIG, "-"]) == 1


def test_an_unknown_client_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--config", CONFIG, "--client", "Нет Такого", "текст"]) == 2
    assert "not in the registry" in capsys.readouterr().err


def test_bad_usage_exits_2() -> None:
    with pytest.raises(SystemExit) as stop:
        main(["check", "--chat", "public", "текст"])
    assert stop.value.code == 2


def test_eval_prints_the_contract_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    predictions = tmp_path / "predictions.jsonl"
    assert main(["eval", str(CORPUS), "--json", "--predictions", str(predictions)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {
        "labels",
        "clean_false_alarm",
        "messages",
        "scored",
        "seconds",
        "messages_per_second",
    }
    assert result["messages"] == 10
    assert result["scored"] == 9  # one line is marked ambiguous
    assert set(result["labels"]["rudeness"]) == {"precision", "recall", "f1", "tp", "fp", "fn"}
    rows = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in rows][:2] == ["t-01", "t-02"]
    assert "rudeness" in rows[1]["labels"]
    assert rows[1]["findings"][0]["rule"]


def test_bench_prints_checker_figures(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["bench", "--corpus", str(CORPUS), "--json", "--seconds", "0.2"]
    assert main([*argv, "--messages", "300", "--rate", "1000"]) == 0
    result = json.loads(capsys.readouterr().out)
    checker, pipeline = result["checker"], result["pipeline"]
    assert checker["messages"] == 10
    assert checker["messages_per_second"] > 0
    assert checker["cold_messages_per_second"] > 0
    assert checker["p99_ms"] >= checker["p50_ms"] > 0
    assert pipeline["messages"] == 300
    assert pipeline["messages_per_second"] > 0
    assert pipeline["rate"] == 1000
    assert pipeline["p99_ms"] >= pipeline["p50_ms"] > 0


def test_check_does_not_import_the_platforms() -> None:
    code = (
        "import sys; from adapters.cli.main import main; main(['check', 'привет']);"
        "assert not [m for m in sys.modules if m.startswith(('aiogram', 'slack'))]"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_issue_13_bench_never_touches_a_bots_data(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:

    server = RedisServer(tmp_path)
    server.start()
    try:
        client = redis.Redis.from_url(server.url)
        client.set("kodeks:{telegram:1}:warn:6", "a bot's count")
        monkeypatch.setenv("KODEKS_REDIS_URL", server.url)
        bench = ["bench", "--corpus", str(CORPUS), "--seconds", "0.05", "--messages", "200"]
        assert main([*bench, "--json"]) == 2
        assert "already holds kodeks data" in capsys.readouterr().err
        assert main([*bench, "--json", "--allow-dirty"]) == 0
        assert json.loads(capsys.readouterr().out)["pipeline"]["messages"] == 200
        assert [k.decode() for k in client.scan_iter()] == ["kodeks:{telegram:1}:warn:6"]
    finally:
        server.stop()
