"""`agency.toml`: validated, with errors that name the line to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.config import ConfigError, load_config
from tests.support import DATA, ROOT

CORPUS = DATA / "corpus"


def test_a_registry_with_only_clients_is_valid() -> None:
    config = load_config(CORPUS / "agency.toml")
    assert [c.name for c in config.clients] == ["Ромашка", "Лисичкин"]
    assert config.client_named("romashka") is not None
    assert config.registry()[1].aliases == ("ГК «Лисичкин»", "Lisichkin")


def test_an_error_names_the_line_of_the_broken_client(tmp_path: Path) -> None:
    path = tmp_path / "agency.toml"
    path.write_text(
        '[[clients]]\nname = "Ромашка"\n\n[[clients]]\nnaem = "Лисичкин"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"agency\.toml:4: clients\.1\.name: Field required"):
        load_config(path)


def test_a_name_shared_by_two_clients_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "agency.toml"
    path.write_text(
        '[[clients]]\nname = "А"\naliases = ["X"]\n[[clients]]\nname = "Б"\naliases = ["x"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="belongs to both"):
        load_config(path)


def test_broken_toml_and_missing_files_say_so(tmp_path: Path) -> None:
    path = tmp_path / "agency.toml"
    path.write_text("[[clients]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.toml")


def test_the_commented_example_is_valid() -> None:
    example = ROOT / "agency.example.toml"
    config = load_config(example)
    assert config.chats[0].id == "-1001234567890"
    assert config.staff[0].admin
    assert config.policy.escalate_from == 5
    assert config.working_hours.start.hour == 10


def test_a_chat_naming_an_unknown_client_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "agency.toml"
    path.write_text(
        '[[clients]]\nname = "А"\n[[chats]]\nplatform = "telegram"\nid = 1\nkind = "client"\n'
        'client = "Б"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="names client 'Б'"):
        load_config(path)
