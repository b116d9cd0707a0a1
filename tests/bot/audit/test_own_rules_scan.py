"""`kodeks scan --config` with an agency's own rules: the audit finds the agency's phrase under
its own clause, as the bot would."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from adapters.cli.main import main
from tests.support import DATA, EXAMPLES

OWN = DATA / "own_rules" / "rules.d"  # «Северный ветер»: clause 12 and its phrase
PROMISE = "Сделаем к завтра, не переживайте"


def _export_with_a_promise(folder: Path) -> Path:
    """The shipped example export, with one more message of Анна's in the client chat."""
    data = json.loads((EXAMPLES / "telegram" / "result.json").read_text(encoding="utf-8"))
    messages = data["chats"]["list"][0]["messages"]
    said = next(m for m in messages if m["type"] == "message" and m["from"] == "Анна Смирнова")
    extra = said | {
        "id": 9001,
        "text": PROMISE,
        "text_entities": [{"type": "plain", "text": PROMISE}],
    }
    messages.append(extra)
    folder.mkdir()
    (folder / "result.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder


def _scan(tmp_path: Path, config: Path, name: str) -> list[dict[str, str]]:
    rows = tmp_path / f"{name}.csv"
    out = tmp_path / f"{name}.html"
    export = tmp_path / "export"
    argv = ["scan", str(export), "--config", str(config), "--out", str(out), "--csv", str(rows)]
    assert main(argv) == 0
    with rows.open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_scan_finds_the_agency_phrase_under_its_clause(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _export_with_a_promise(tmp_path / "export")
    shipped = tmp_path / "shipped.toml"
    shipped.write_text((EXAMPLES / "agency.toml").read_text(encoding="utf-8"), encoding="utf-8")
    own = tmp_path / "own.toml"
    own.write_text(
        shipped.read_text(encoding="utf-8") + f'\n[rules]\nfolder = "{OWN.as_posix()}"\n',
        encoding="utf-8",
    )
    without = _scan(tmp_path, shipped, "shipped")
    with_own = _scan(tmp_path, own, "own")
    capsys.readouterr()
    added = [row for row in with_own if row not in without]
    assert len(with_own) == len(without) + 1
    (row,) = added
    assert row["rules"] == "sv-promise-by-tomorrow"
    assert row["clause"] == "12"
