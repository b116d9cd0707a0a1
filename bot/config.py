"""`agency.toml`: the agency's own facts, validated with errors that name the line to fix.

This issue's part of the schema is the client registry (`[[clients]] name, aliases`), the format
the corpora use; chats, staff and policy join it later, and a file with only `clients` stays valid.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from rules import Client


class ConfigError(Exception):
    """`agency.toml` is missing or wrong; the message says where and what to fix."""


class ClientConfig(BaseModel):
    """A client of the agency and the other names it goes by."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()

    @field_validator("name", "aliases")
    @classmethod
    def _not_blank(cls, value: Any) -> Any:
        values = (value,) if isinstance(value, str) else value
        if any(not v.strip() for v in values):
            msg = "names and aliases must not be blank"
            raise ValueError(msg)
        return value

    def to_client(self) -> Client:
        """Return the checker's view of this client."""
        return Client(self.name, self.aliases)


class AgencyConfig(BaseModel):
    """Everything `agency.toml` holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    clients: tuple[ClientConfig, ...] = ()

    def registry(self) -> tuple[Client, ...]:
        """Return the client registry for the checker."""
        return tuple(c.to_client() for c in self.clients)

    def client_named(self, name: str) -> ClientConfig | None:
        """Find a client by its name or any alias, ignoring case."""
        wanted = name.casefold()
        for client in self.clients:
            if wanted in (n.casefold() for n in (client.name, *client.aliases)):
                return client
        return None


def load_config(path: Path) -> AgencyConfig:
    """Read and validate `agency.toml`."""
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as error:
        msg = f"{path}: cannot read the agency config ({error.strerror}); check KODEKS_CONFIG"
        raise ConfigError(msg) from error
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        msg = f"{path}: not valid TOML ({error}); fix the syntax there"
        raise ConfigError(msg) from error
    try:
        config = AgencyConfig.model_validate(data)
    except ValidationError as error:
        raise ConfigError(_explain(path, source, error)) from None
    _check_unique_names(path, config)
    return config


def _explain(path: Path, source: str, error: ValidationError) -> str:
    lines = []
    for problem in error.errors():
        location = problem["loc"]
        line = _line_of(source, location)
        where = ".".join(str(part) for part in location)
        lines.append(f"{path}:{line}: {where}: {problem['msg']}")
    return "\n".join(lines)


def _line_of(source: str, location: tuple[int | str, ...]) -> int:
    """Find the line of the n-th `[[table]]` a validation error points into."""
    if len(location) < 2 or not isinstance(location[1], int):
        return 1
    header = f"[[{location[0]}]]"
    seen = -1
    for number, text in enumerate(source.splitlines(), 1):
        if text.strip() == header:
            seen += 1
            if seen == location[1]:
                return number
    return 1


def _check_unique_names(path: Path, config: AgencyConfig) -> None:
    seen: dict[str, str] = {}
    for client in config.clients:
        for name in (client.name, *client.aliases):
            owner = seen.setdefault(name.casefold(), client.name)
            if owner != client.name:
                msg = f"{path}: the name '{name}' belongs to both '{owner}' and '{client.name}'"
                raise ConfigError(msg)
