"""`kodeks scan` and `kodeks audit export` from the command line, on the exports people hand
over and the mistakes they make: one line on stderr and exit 2, never a traceback."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from adapters.cli.main import main
from tests.support import EXAMPLES, TEST_REDIS_URL, redis_or_fail

CONFIG = EXAMPLES / "agency.toml"


def _zip_folder(folder: Path, target: Path) -> Path:
    """Zip a folder the way people do: the folder itself inside the zip."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return target


def _scan(*args: str | Path) -> int:
    return main(["scan", *map(str, args)])


def test_a_slack_export_zipped_with_its_folder_scans(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = _zip_folder(EXAMPLES / "slack", tmp_path / "slack-export.zip")
    folder_json, zip_json = tmp_path / "folder.json", tmp_path / "zip.json"
    assert _scan(EXAMPLES / "slack", "--config", CONFIG, "--out", tmp_path / "a.html",
                 "--json", folder_json) == 0  # fmt: skip
    assert _scan(archive, "--config", CONFIG, "--out", tmp_path / "b.html",
                 "--json", zip_json) == 0  # fmt: skip
    assert "slack-export.zip:" in capsys.readouterr().out
    from_folder, from_zip = (json.loads(p.read_text("utf-8")) for p in (folder_json, zip_json))
    assert from_zip["totals"] == from_folder["totals"] and from_zip["totals"]["findings"] > 0


def test_a_damaged_zip_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = _zip_folder(EXAMPLES / "slack", tmp_path / "slack.zip")
    archive.write_bytes(archive.read_bytes()[:500])
    assert _scan(archive, "--config", CONFIG, "--out", tmp_path / "r.html") == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"kodeks: {archive}: a damaged zip file (")
    assert "\n" not in err and "Traceback" not in err and "not an export" not in err


def test_without_agency_toml_the_scan_says_what_that_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./agency.toml here
    assert _scan(EXAMPLES / "telegram", "--out", tmp_path / "r.html") == 0
    err = capsys.readouterr().err
    notice = next(line for line in err.splitlines() if line.startswith("kodeks: notice:"))
    assert "no agency.toml" in notice and "client's chat" in notice
    assert "(14 of 26 here)" in notice and "--config agency.toml" in notice


def test_with_agency_toml_there_is_no_notice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _scan(EXAMPLES / "telegram", "--config", CONFIG, "--out", tmp_path / "r.html") == 0
    assert "notice" not in capsys.readouterr().err


def test_an_unwritable_report_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "missing" / "r.html"
    assert _scan(EXAMPLES / "telegram", "--config", CONFIG, "--out", out) == 2
    err = capsys.readouterr().err
    assert f"kodeks: {out}: cannot write" in err and "Traceback" not in err


def test_audit_export_without_redis_refuses_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["audit", "export"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # not an empty CSV that looks like "no findings"
    assert captured.err.count("\n") == 1 and "KODEKS_REDIS_URL is not set" in captured.err


def test_audit_export_with_redis_down_explains_in_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KODEKS_REDIS_URL", "redis://:s3cret@127.0.0.1:1/0")  # nothing listens
    assert main(["audit", "export"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kodeks: Redis at KODEKS_REDIS_URL cannot be read (ConnectionError")
    assert err.count("\n") == 1 and "Traceback" not in err and "s3cret" not in err


def test_audit_export_reads_a_running_redis(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    redis_or_fail()
    monkeypatch.setenv("KODEKS_REDIS_URL", TEST_REDIS_URL)
    assert main(["audit", "export", "--days", "1"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("id,ts,platform,chat,user,")
