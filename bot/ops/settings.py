"""Settings from the environment (and `.env`): secrets and wiring, prefix `KODEKS_`.

The only module that reads the environment. Policy and the agency's facts live in `agency.toml`.
Tokens are `SecretStr`, unwrapped only at the adapter boundary. An empty value is the same as an
unset one (`.env.example` leaves every secret empty, so it works when copied as is); the old
`change-me` placeholder is still refused, so a half-edited file never runs as if configured.
`load_settings` turns pydantic's report into one line per variable, by its environment name.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings import SettingsError as SourceError

ENV_PREFIX, ENV_NESTING = "KODEKS_", "__"

PLACEHOLDER = "change-me"
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
# A refused value is never echoed: pydantic quotes the input (`input_value='…'`) in its errors,
# and the input may be a token, a signing secret or a Redis URL with its password.
_NO_ECHO = ConfigDict(hide_input_in_errors=True)


def _refuse_placeholder(value: SecretStr | None) -> SecretStr | None:
    if value is not None and PLACEHOLDER in value.get_secret_value():
        msg = f"still the placeholder '{PLACEHOLDER}'; set the real value, or leave it empty"
        raise ValueError(msg)
    return value


def default_journal() -> Path:
    """Where the outage journal lives: systemd's StateDirectory, else the XDG state folder."""
    state = os.environ.get("STATE_DIRECTORY") or os.environ.get("XDG_STATE_HOME")
    folder = Path(state.split(":")[0]) if state else Path.home() / ".local" / "state"
    return (folder if os.environ.get("STATE_DIRECTORY") else folder / "kodeks") / "outage.sqlite3"


class TelegramSettings(BaseModel):
    """Telegram wiring: the bot token, polling or webhook, and a custom Bot API server.

    In webhook mode the bot listens on `webhook_host:webhook_port` at `webhook_path` (behind a
    reverse proxy that terminates HTTPS); `webhook_url` is the public address Telegram calls.
    Without one, the local listening address is registered, which only a self-hosted Bot API
    server on the same network can reach.
    """

    model_config = _NO_ECHO

    token: SecretStr | None = None
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=0, le=65535)
    webhook_path: str = "/telegram/webhook"
    api_server: str | None = None

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram accepts 1–256 characters A-Z, a-z, 0-9, _ and - in the secret token.
        if value is not None and not _WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            msg = "use 1–256 characters A-Z, a-z, 0-9, _ and - (Telegram refuses others)"
            raise ValueError(msg)
        return value

    _placeholders = field_validator("token", "webhook_secret")(_refuse_placeholder)


class SlackSettings(BaseModel):
    """Slack wiring: tokens, the signing secret, Socket Mode or HTTP, and the Web API address."""

    model_config = _NO_ECHO

    bot_token: SecretStr | None = None  # xoxb-…
    app_token: SecretStr | None = None  # xapp-…, Socket Mode only
    signing_secret: SecretStr | None = None  # HTTP mode only
    mode: Literal["socket", "http"] = "socket"
    api_url: str | None = None  # e.g. http://127.0.0.1:8080/api/ (a proxy or a test server)
    host: str = "127.0.0.1"  # HTTP mode: behind a reverse proxy; 0.0.0.0 in a container
    port: int = Field(default=3000, ge=0, le=65535)  # 0: any free port
    path: str = "/slack/events"  # events, slash commands and buttons all arrive here
    language: Literal["ru", "en"] = "ru"  # command replies with no text to go by; escalations

    _placeholders = field_validator("bot_token", "app_token", "signing_secret")(_refuse_placeholder)


class MetricsSettings(BaseModel):
    """The operator's endpoints: `/metrics` (Prometheus), `/healthz` (alive), `/readyz` (ready).

    Loopback by default: metrics name chats and users by id, so expose them only to the scraper.
    """

    model_config = _NO_ECHO

    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(default=9108, ge=0, le=65535)  # 0: any free port


class Settings(BaseSettings):
    """Everything kodeks reads from the environment."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=ENV_NESTING,
        env_ignore_empty=True,
        env_file=".env",
        extra="ignore",
        hide_input_in_errors=True,  # never echo a refused secret
    )

    redis_url: SecretStr | None = None
    # True: KODEKS_REDIS_URL names any node of a Redis Cluster, and the client finds the rest.
    redis_cluster: bool = False
    config: Path = Path("agency.toml")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    # Longer texts are checked on their first characters only, with a log line of ids.
    # Slack allows 40,000 characters a message, Telegram 4,096: beyond 65,536 is a mistake.
    max_text_chars: int = Field(default=16_384, ge=256, le=65_536)
    # auto: uvloop when installed (the `fast` extra), else asyncio's loop.
    event_loop: Literal["auto", "asyncio", "uvloop"] = "auto"
    # Messages worked on at once per process (a pipeline semaphore, aiogram's polling tasks).
    concurrency: int = Field(default=64, ge=1, le=4_096)
    # Findings that wait for Redis, on disk, so that a restart during an outage keeps them.
    journal: Path = Field(default_factory=default_journal)
    # On SIGTERM or SIGINT: how long stopping may take (flush, close) before the process exits.
    shutdown_timeout: float = Field(default=10.0, gt=0, le=300)
    metrics: MetricsSettings = MetricsSettings()
    telegram: TelegramSettings = TelegramSettings()
    slack: SlackSettings = SlackSettings()


class SettingsError(Exception):
    """The environment (or `.env`) holds a value kodeks refuses; the message names the variable."""


def load_settings(env_file: Path | None = Path(".env")) -> Settings:
    """Read the settings from the environment and `env_file`, refusing bad values by name."""
    try:
        return Settings(_env_file=env_file)  # type: ignore[call-arg]
    except ValidationError as error:
        raise SettingsError(explain_settings(error)) from None
    except SourceError as error:  # a nested setting given as JSON that is not JSON
        raise SettingsError(_explain_source(error)) from None


def env_name(location: tuple[int | str, ...]) -> str:
    """Name the variable a field is read from: ("telegram", "token") → KODEKS_TELEGRAM__TOKEN."""
    return ENV_PREFIX + ENV_NESTING.join(str(part).upper() for part in location)


def explain_settings(error: ValidationError) -> str:
    """One line per refused variable; pydantic's messages without its links and input echo."""
    lines = []
    for problem in error.errors(include_url=False, include_input=False):
        message = problem["msg"].removeprefix("Value error, ")
        lines.append(f"{env_name(tuple(problem['loc']))}: {message}")
    return "\n".join(lines)


def _explain_source(error: SourceError) -> str:
    # pydantic-settings says `error parsing value for field "telegram" from source "…"`.
    field = re.search(r'field "([^"]+)"', str(error))
    name = env_name((field.group(1),)) if field else f"a {ENV_PREFIX} variable"
    return f"{name}: not valid JSON; set its parts one by one instead ({name}{ENV_NESTING}…)"
