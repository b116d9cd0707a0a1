"""Settings from the environment (and `.env`): secrets and wiring, prefix `KODEKS_`.

The only module that reads the environment. Policy and the agency's facts live in `agency.toml`.
Tokens are `SecretStr`, unwrapped only at the adapter boundary; the placeholders of `.env.example`
are refused, so a copied example file never runs as if it were configured.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER = "change-me"


def _refuse_placeholder(value: SecretStr | None) -> SecretStr | None:
    if value is not None and PLACEHOLDER in value.get_secret_value():
        msg = f"still the .env.example placeholder '{PLACEHOLDER}'; set the real secret or unset it"
        raise ValueError(msg)
    return value


class TelegramSettings(BaseModel):
    """Telegram wiring: the bot token, polling or webhook, and a custom Bot API server."""

    token: SecretStr | None = None
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    api_server: str | None = None

    _placeholders = field_validator("token", "webhook_secret")(_refuse_placeholder)


class SlackSettings(BaseModel):
    """Slack wiring: tokens, the signing secret, Socket Mode or HTTP, and the Web API address."""

    bot_token: SecretStr | None = None  # xoxb-…
    app_token: SecretStr | None = None  # xapp-…, Socket Mode only
    signing_secret: SecretStr | None = None  # HTTP mode only
    mode: Literal["socket", "http"] = "socket"
    api_url: str | None = None  # e.g. http://127.0.0.1:8080/api/ (a proxy or a test server)
    host: str = "127.0.0.1"  # HTTP mode: behind a reverse proxy; 0.0.0.0 in a container
    port: int = Field(default=3000, ge=0, le=65535)  # 0: any free port
    path: str = "/slack/events"  # events, slash commands and buttons all arrive here
    language: Literal["ru", "en"] = "ru"  # for command replies that have no text to go by

    _placeholders = field_validator("bot_token", "app_token", "signing_secret")(_refuse_placeholder)


class Settings(BaseSettings):
    """Everything kodeks reads from the environment."""

    model_config = SettingsConfigDict(
        env_prefix="KODEKS_",
        env_nested_delimiter="__",
        env_ignore_empty=True,
        env_file=".env",
        extra="ignore",
    )

    redis_url: SecretStr | None = None
    config: Path = Path("agency.toml")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    telegram: TelegramSettings = TelegramSettings()
    slack: SlackSettings = SlackSettings()
