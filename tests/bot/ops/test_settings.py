"""Settings: what the environment may hold, and that a refused value is never echoed back.

A refused setting's error goes to standard error and into the journal of whatever runs the
service; pydantic quotes the input by default, and the input may be a secret.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.ops.settings import Settings, SettingsError, env_name, load_settings
from tests.support import ROOT

SECRET = "xoxb-4242-very-secret-token-value"


def _refused(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> str:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None)  # type: ignore[call-arg]
    return str(refused.value)


@pytest.mark.parametrize(
    "env",
    [
        {"KODEKS_TELEGRAM__WEBHOOK_SECRET": f"{SECRET} with spaces"},
        {"KODEKS_TELEGRAM__TOKEN": f"change-me-{SECRET}"},
        {"KODEKS_SLACK__SIGNING_SECRET": f"change-me-{SECRET}"},
        {"KODEKS_SLACK__BOT_TOKEN": f"{SECRET}", "KODEKS_SLACK__PORT": f"{SECRET}"},
        {"KODEKS_TELEGRAM": f'{{"token": "{SECRET}", "webhook_port": "{SECRET}"}}'},
        {"KODEKS_REDIS_URL": f"redis://:{SECRET}@host/0", "KODEKS_MAX_TEXT_CHARS": SECRET},
    ],
    ids=["webhook-secret", "telegram-token", "signing-secret", "slack-port", "nested-json", "url"],
)
def test_a_refused_setting_names_the_field_but_never_its_value(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    message = _refused(monkeypatch, env)

    assert "very-secret" not in message
    assert "validation error" in message  # still says what is wrong, and where


def test_the_field_in_error_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    message = _refused(monkeypatch, {"KODEKS_SLACK__PORT": "not-a-port"})

    assert "slack.port" in message
    assert "not-a-port" not in message


def test_good_settings_keep_their_secrets_wrapped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KODEKS_SLACK__BOT_TOKEN", SECRET)

    settings = Settings(_env_file=None)  # type: ignore[call-arg]

    assert settings.slack.bot_token is not None
    assert settings.slack.bot_token.get_secret_value() == SECRET
    assert SECRET not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value"),
    [("KODEKS_MAX_TEXT_CHARS", "10000000"), ("KODEKS_CONCURRENCY", "0")],
)
def test_limits_out_of_their_range_are_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    message = _refused(monkeypatch, {name: value})

    assert name.removeprefix("KODEKS_").lower() in message


def _explained(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> str:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        load_settings(env_file=None)
    return str(refused.value)


def test_a_refusal_names_the_environment_variable_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    message = _explained(monkeypatch, {"KODEKS_TELEGRAM__TOKEN": f"change-me-{SECRET}"})

    assert message == (
        "KODEKS_TELEGRAM__TOKEN: still the placeholder 'change-me'; set the real value,"
        " or leave it empty"
    )


def test_each_refused_variable_gets_its_own_line_without_its_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = {"KODEKS_SLACK__PORT": SECRET, "KODEKS_TELEGRAM__MODE": SECRET}

    lines = _explained(monkeypatch, env).splitlines()

    assert [line.split(":")[0] for line in lines] == sorted(env, reverse=True)
    assert "'polling' or 'webhook'" in lines[0]
    assert not [line for line in lines if "very-secret" in line or "pydantic.dev" in line]


def test_a_nested_setting_that_is_not_json_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    message = _explained(monkeypatch, {"KODEKS_TELEGRAM": f'{{"token": "{SECRET}"'})

    assert message.startswith("KODEKS_TELEGRAM: not valid JSON")
    assert "very-secret" not in message


def test_the_example_env_file_copied_as_is_configures_nothing() -> None:
    settings = load_settings(env_file=ROOT / ".env.example")

    assert settings.telegram.token is None
    assert settings.slack.bot_token is None
    assert settings.redis_url is None  # the embedded store
    assert settings.config == Path("agency.toml")
    assert settings.redis_cluster is False


@pytest.mark.parametrize(
    ("location", "name"),
    [(("redis_url",), "KODEKS_REDIS_URL"), (("telegram", "token"), "KODEKS_TELEGRAM__TOKEN")],
)
def test_env_name_follows_the_prefix_and_the_nesting(location: tuple[str, ...], name: str) -> None:
    assert env_name(location) == name
