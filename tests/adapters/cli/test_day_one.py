"""Day one for a new agency: the copied .env.example, `--version`, help that explains itself,
`kodeks config check` and `kodeks init`.

The first test runs the real `kodeks` process in a fresh folder, the way a newcomer does:
settings find `.env` in the working directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from adapters.cli.main import main
from adapters.cli.scaffold import Answers, ask
from tests.support import ROOT

SECRET = "7777:very-secret-token"


def _kodeks(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m adapters.cli` in `cwd`, with no KODEKS_ variable from the test's process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KODEKS_")}
    env["KODEKS_JOURNAL"] = str(cwd / "journal.sqlite3")
    env["PYTHONPATH"] = str(ROOT)  # this tree, whatever is installed
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *argv],
        cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


def test_a_copied_env_example_checks_a_draft_with_a_finding(tmp_path: Path) -> None:
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")

    result = _kodeks(tmp_path, "check", "ты дурак")

    assert result.returncode == 1, result.stderr
    assert "rude-insult" in result.stdout
    assert result.stderr == ""


def test_a_bad_value_in_env_is_named_by_its_variable_in_one_line(tmp_path: Path) -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    broken = example.replace(
        "KODEKS_TELEGRAM__TOKEN=\n", f"KODEKS_TELEGRAM__TOKEN=change-me{SECRET}\n"
    )
    (tmp_path / ".env").write_text(broken, encoding="utf-8")

    result = _kodeks(tmp_path, "config", "check")

    assert result.returncode == 2
    assert result.stderr.startswith("kodeks: KODEKS_TELEGRAM__TOKEN: still the placeholder")
    assert result.stderr.count("\n") == 1
    assert "very-secret" not in result.stderr + result.stdout


def test_version_comes_from_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])

    assert stop.value.code == 0
    assert capsys.readouterr().out == f"kodeks {version('kodeks')}\n"


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    return capsys.readouterr().out


def test_run_help_names_the_environment_it_reads(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(capsys, "run")

    for name in ("KODEKS_CONFIG", "KODEKS_REDIS_URL", "KODEKS_TELEGRAM__TOKEN"):
        assert name in text
    assert "KODEKS_SLACK__BOT_TOKEN" in text
    assert "agency.toml" in text


@pytest.mark.parametrize(
    "argv",
    [(), ("check",), ("eval",), ("train",), ("bench",), ("scan",), ("run",), ("audit",),
     ("audit", "export"), ("config",), ("config", "check"), ("init",)],
    ids=lambda argv: " ".join(argv) or "kodeks",
)  # fmt: skip
def test_every_help_explains_the_command_without_internal_notes(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    text = _help(capsys, *argv)
    description = text.split("\n\n")[1]  # after the usage: what the command does

    assert description.strip() and not description.lstrip().startswith(("options", "positional"))
    for note in ("DESIGN.md", "lazy", "contract", "composition root"):
        assert note not in text


AGENCY = """\
[[clients]]
name = "Ромашка"

[[chats]]
platform = "slack"
id = "C1"
kind = "client"
client = "Ромашка"

[[staff]]
name = "Анна"
telegram_id = 1
admin = true
"""


def test_config_check_prints_what_is_configured_without_secrets(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "agency.toml").write_text(AGENCY, encoding="utf-8")
    env = f"KODEKS_TELEGRAM__TOKEN={SECRET}\nKODEKS_REDIS_URL=redis://:{SECRET}@db:6380/2\n"
    (tmp_path / ".env").write_text(env, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    code = main(["config", "check"])
    out = capsys.readouterr().out

    assert code == 0
    assert "platforms: telegram (polling)\n" in out
    assert "store: redis at redis://db:6380/2 (password hidden)\n" in out
    assert "clients: 1 (Ромашка)\n" in out
    assert "chats: 1 (1 client); unknown chats are treated as client\n" in out
    assert "staff: 1, admins: 1 (Анна)\n" in out
    assert "warning: agency.toml lists 1 slack chat(s); slack has no token\n" in out
    assert "very-secret" not in out


def test_config_check_on_a_fresh_copy_warns_that_run_needs_a_platform(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    (tmp_path / "agency.toml").write_text('[[clients]]\nname = "А"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    assert main(["config", "check"]) == 0
    out = capsys.readouterr().out

    assert "platforms: none\n" in out
    assert "store: embedded" in out
    assert "warning: kodeks run needs a platform: set KODEKS_TELEGRAM__TOKEN" in out


def test_config_check_refuses_a_broken_agency_toml_by_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "agency.toml").write_text("[policy]\n\nescalate_for = 3\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    assert main(["config", "check"]) == 2
    assert capsys.readouterr().err == (
        "kodeks: agency.toml:3: policy.escalate_for: unknown key; check its spelling and table"
        " against agency.example.toml\n"
    )


def _init(tmp_path: Path, *flags: str) -> int:
    return main(["init", "--no-input", "--dir", str(tmp_path), *flags])


def test_init_writes_files_that_config_check_accepts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flags = ["--client", "Ромашка", "--client", 'ГК "Лисичкин"', "--admin", "Анна"]
    assert _init(tmp_path, *flags, "--admin-telegram-id", "42", "--telegram-token", SECRET) == 0
    capsys.readouterr()
    monkeypatch.chdir(tmp_path)

    assert main(["config", "check"]) == 0
    out = capsys.readouterr().out

    assert 'clients: 2 (Ромашка, ГК "Лисичкин")\n' in out
    assert "platforms: telegram (polling)\n" in out
    assert "staff: 1, admins: 1 (Анна)\n" in out
    assert (tmp_path / ".env").stat().st_mode & 0o777 == 0o600
    assert "# [[chats]]" in (tmp_path / "agency.toml").read_text(encoding="utf-8")


def test_init_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".env").write_text("KODEKS_TELEGRAM__TOKEN=mine\n", encoding="utf-8")

    assert _init(tmp_path, "--client", "А") == 2
    assert "already exists; pass --force" in capsys.readouterr().err
    assert not (tmp_path / "agency.toml").exists()  # neither file written
    assert (tmp_path / ".env").read_text(encoding="utf-8") == "KODEKS_TELEGRAM__TOKEN=mine\n"

    assert _init(tmp_path, "--client", "А", "--force") == 0
    assert "KODEKS_TELEGRAM__TOKEN=\n" in (tmp_path / ".env").read_text(encoding="utf-8")


def test_init_refuses_answers_kodeks_would_refuse_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _init(tmp_path, "--client", "А", "--client", "а") == 2
    assert "belongs to both" in capsys.readouterr().err
    assert _init(tmp_path, "--telegram-token", "12 34") == 2
    assert "--telegram-token: the value holds a space" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_init_asks_only_what_the_flags_left_out_and_tokens_unseen() -> None:
    asked: list[str] = []
    unseen: list[str] = []
    replies = iter(["Ромашка, Лисичкин", "Анна", "42", "redis://db/0"])

    def question(prompt: str) -> str:
        asked.append(prompt)
        return next(replies)

    def secret(prompt: str) -> str:
        unseen.append(prompt)
        return "" if "Slack" in prompt else SECRET

    answers = ask(Answers(), question, secret)

    assert answers.clients == ["Ромашка", "Лисичкин"]
    assert (answers.admin, answers.admin_telegram_id) == ("Анна", "42")
    assert (answers.telegram_token, answers.slack_bot_token) == (SECRET, "")
    assert answers.redis_url == "redis://db/0"
    assert len(unseen) == 2  # Telegram and Slack tokens; no app token without a bot token
    assert not [prompt for prompt in asked if "token" in prompt]
    assert ask(Answers(clients=["X"], admin="Y", admin_telegram_id="1", telegram_token="t",
                       slack_bot_token="b", slack_app_token="a", redis_url="r"),
               question, secret).clients == ["X"]  # fmt: skip
    assert len(asked) == 4  # the second call asked nothing
