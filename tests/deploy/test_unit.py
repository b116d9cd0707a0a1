"""The systemd unit in deploy/: what docs/deploy.md promises is what the unit says, and systemd
itself accepts the unit."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.ops.settings import Settings, default_journal
from tests.support import ROOT

UNIT = ROOT / "deploy" / "kodeks.service"
DOCS = ROOT / "docs" / "deploy.md"
INSTALLED_VENV = "/opt/kodeks/.venv"


def _unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(UNIT.read_text(encoding="utf-8"))
    return parser


def _seconds(value: str) -> float:
    return float(value.removesuffix("s"))


def test_the_unit_runs_the_venvs_kodeks_with_the_documented_files() -> None:
    service = _unit()["Service"]
    docs = DOCS.read_text(encoding="utf-8")
    assert service["ExecStart"] == f"{INSTALLED_VENV}/bin/kodeks run"
    assert service["WorkingDirectory"] == str(Path(INSTALLED_VENV).parent)
    assert service["EnvironmentFile"] == "/etc/kodeks/.env"
    assert service["StateDirectory"] == "kodeks"
    for key in ("ExecStart", "EnvironmentFile", "StateDirectory", "WorkingDirectory"):
        assert f"{key}={service[key]}" in docs, f"docs/deploy.md does not show {key}"
    # The install steps build the venv where ExecStart looks for it.
    assert f"cd {service['WorkingDirectory']}\npython3 -m venv .venv" in docs


def test_the_journal_lands_in_the_state_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATE_DIRECTORY", f"/var/lib/{_unit()['Service']['StateDirectory']}")
    assert default_journal() == Path("/var/lib/kodeks/outage.sqlite3")
    assert str(default_journal()) in DOCS.read_text(encoding="utf-8")


def test_systemd_waits_longer_than_the_bot_takes_to_stop() -> None:
    service = _unit()["Service"]
    shutdown = Settings.model_fields["shutdown_timeout"].default
    assert _seconds(service["TimeoutStopSec"]) > shutdown
    assert service["KillSignal"] == "SIGTERM"
    assert service["Type"] == "exec" and service["Restart"] == "on-failure"
    assert service["User"] == "kodeks"


def test_the_unit_is_hardened() -> None:
    service = _unit()["Service"]
    expected = {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
                "PrivateTmp": "yes"}  # fmt: skip
    assert {key: service.get(key) for key in expected} == expected


def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    """`systemd-analyze verify` on the unit, its ExecStart pointed at this venv's kodeks.

    systemd-analyze is an optional OS tool, not one of the project's test dependencies, so
    this skips wherever it is absent, under CI=true too.
    """
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (an optional OS tool)")
    unit = tmp_path / "kodeks.service"
    unit.write_text(UNIT.read_text(encoding="utf-8").replace(INSTALLED_VENV, sys.prefix))
    done = subprocess.run(
        [analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60, check=False
    )
    ours = [line for line in done.stderr.splitlines() if "kodeks.service" in line]
    assert done.returncode == 0, done.stderr
    assert ours == []  # systemd only warns of a bad value, and goes on: no warning either
