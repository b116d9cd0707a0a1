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


def test_a_client_who_asked_for_ty_is_informal_to_the_checker(tmp_path: Path) -> None:
    path = tmp_path / "agency.toml"
    path.write_text(
        '[[clients]]\nname = "Тёплый дом"\ninformal = true\n[[clients]]\nname = "Норма"\n',
        encoding="utf-8",
    )
    assert [c.informal for c in load_config(path).registry()] == [True, False]
    path.write_text('[[clients]]\nname = "Норма"\ninformal = "да"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"agency\.toml:3: clients\.0\.informal"):
        load_config(path)


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


def _refusal(tmp_path: Path, text: str) -> str:
    path = tmp_path / "agency.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    return str(refused.value)


CLIENT_AND_STAFF = '[[clients]]\nname = "Ромашка"\n\n[[staff]]\nname = "Анна"\n'
TELEGRAM_CHAT = '\n[[chats]]\nplatform = "telegram"\nid = -100\nkind = "client"\n'


def test_an_unknown_key_in_policy_names_its_own_line(tmp_path: Path) -> None:
    message = _refusal(
        tmp_path, '[[clients]]\nname = "А"\n\n[policy]\nkeep_days = 30\nnudge_windw = 5\n'
    )

    assert message == f"{tmp_path / 'agency.toml'}:6: policy.nudge_windw: unknown key; check" \
        " its spelling and table against agency.example.toml"  # fmt: skip


def test_a_bad_key_inside_a_chats_entry_names_the_key_not_the_header(tmp_path: Path) -> None:
    text = (
        f"{CLIENT_AND_STAFF}{TELEGRAM_CHAT}{TELEGRAM_CHAT.replace('-100', '-200')}sla_minutes = 0\n"
    )

    message = _refusal(tmp_path, text)

    assert message.startswith(f"{tmp_path / 'agency.toml'}:16: chats.1.sla_minutes:")
    assert message.count("\n") == 0


def test_an_enum_value_gets_one_line_with_the_allowed_values(tmp_path: Path) -> None:
    message = _refusal(tmp_path, '[policy]\n\nunknown_chat = "clients"\n')

    assert message == (
        f"{tmp_path / 'agency.toml'}:3: policy.unknown_chat: 'clients' is not allowed;"
        " use 'client', 'internal' or 'ignore'"
    )


def test_the_same_chat_twice_is_refused_at_the_second_with_the_first_line(tmp_path: Path) -> None:
    internal = TELEGRAM_CHAT.replace("-100", '"-100"').replace('"client"', '"internal"')

    message = _refusal(tmp_path, f"{CLIENT_AND_STAFF}{TELEGRAM_CHAT}{internal}")

    assert message == (
        f"{tmp_path / 'agency.toml'}:14: chats.1.id: chat telegram:-100 is listed twice;"
        " keep one [[chats]] entry for it (first at line 9)"
    )


def test_an_internal_chat_naming_a_client_is_refused(tmp_path: Path) -> None:
    internal = TELEGRAM_CHAT.replace('"client"', '"internal"') + 'client = "Ромашка"\n'

    message = _refusal(tmp_path, CLIENT_AND_STAFF + internal)

    assert ":11: chats.0.client: an internal chat has no client" in message
    assert 'set kind = "client"' in message


def test_a_responsible_person_must_be_staff(tmp_path: Path) -> None:
    chat = TELEGRAM_CHAT + 'client = "Ромашка"\nresponsible = "Борис"\n'

    message = _refusal(tmp_path, CLIENT_AND_STAFF + chat)

    assert message.endswith(
        ":12: chats.0.responsible: 'Борис' is not staff; add them to [[staff]] or fix the name"
    )
    assert _has_chats(tmp_path, CLIENT_AND_STAFF + chat.replace("Борис", "Анна"))


def test_two_staff_with_one_telegram_id_are_refused(tmp_path: Path) -> None:
    staff = '[[staff]]\nname = "А"\ntelegram_id = 7\n[[staff]]\nname = "Б"\ntelegram_id = 7\n'

    message = _refusal(tmp_path, staff)

    assert message.endswith(
        ":6: staff.1.telegram_id: telegram_id 7 is listed twice; keep one [[staff]] entry for it"
        " (first at line 3)"
    )


def test_every_problem_gets_its_line_in_the_files_order(tmp_path: Path) -> None:
    text = '[policy]\nunknown_chat = "x"\n[working_hours]\ntimezone = "Mars/Base"\n[policy2]\n'

    lines = _refusal(tmp_path, text).splitlines()

    assert [line.split(":")[1] for line in lines] == ["2", "4", "5"]


def _has_chats(tmp_path: Path, text: str) -> bool:
    path = tmp_path / "good.toml"
    path.write_text(text, encoding="utf-8")
    return bool(load_config(path).chats)
