"""Export readers: Telegram Desktop and Slack shapes, and malformed exports counted or refused."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from adapters.exports.reader import open_export
from adapters.exports.slack import SlackExport
from adapters.exports.telegram import (
    TelegramExport,
    extract_text,
    to_bot_api_id,
    to_exported,
)
from adapters.slack.markup import to_plain
from bot.domain.exports import ExportError
from tests.support import EXAMPLES


def _single_chat(messages: list[Any], **chat: Any) -> dict[str, Any]:
    return {"name": "Группа", "type": "private_supergroup", "id": 42, **chat, "messages": messages}


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _message(id_: int = 1, text: Any = "Добрый день", **extra: Any) -> dict[str, Any]:
    return {"id": id_, "type": "message", "date": "2025-03-03T10:00:00",
            "date_unixtime": "1740996000", "from": "Анна", "from_id": "user111",
            "text": text, **extra}  # fmt: skip


def test_text_as_a_string_or_a_list_of_entities() -> None:
    assert extract_text("привет") == "привет"
    assert (
        extract_text(["Ольга, ", {"type": "bold", "text": "извините"}, "!"]) == "Ольга, извините!"
    )
    assert extract_text(42) is None
    assert extract_text(["ok", {"type": "bold"}]) is None


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("private_supergroup", 1987654321, "-1001987654321"),
        ("public_channel", 5, "-1005"),
        ("private_group", 4500300, "-4500300"),
        ("personal_chat", 333, "333"),
    ],
)
def test_chat_ids_are_the_bot_api_ids(kind: str, raw: int, expected: str) -> None:
    assert to_bot_api_id(kind, raw) == expected


def test_service_forward_caption_and_reply_facts() -> None:
    chat = {"id": 42, "type": "private_supergroup", "name": "Группа"}
    raw_service = {**_message(), "type": "service", "actor_id": "user9", "action": "pin_message"}
    del raw_service["from_id"]  # service messages name an actor, not an author
    service = to_exported(chat, raw_service)
    forward = to_exported(chat, _message(forwarded_from="Новости"))
    caption = to_exported(chat, _message(text="подпись к фото", photo="photos/1.jpg"))
    reply = to_exported(chat, _message(reply_to_message_id=7, unknown_field={"x": 1}))
    assert not isinstance(service, str) and service.message.is_service
    assert service.message.user_id == "9"
    assert not isinstance(forward, str) and forward.message.is_forward
    assert not isinstance(caption, str) and caption.message.text == "подпись к фото"
    assert not isinstance(reply, str) and reply.message.reply_to == "7"
    assert reply.message.chat_id == "-10042" and reply.message.user_id == "111"
    assert reply.message.sent_at.isoformat() == "2025-03-03T10:00:00+00:00"


def test_the_example_account_export_streams_every_chat() -> None:
    export = open_export(EXAMPLES / "telegram")
    assert isinstance(export, TelegramExport)
    items = list(export.messages())
    assert export.owner == "111111111"
    assert {i.message.chat_id for i in items} == {
        "-1001987654321", "-1001555000111", "333333333", "111111111",
    }  # fmt: skip
    assert export.stats.messages == len(items) == 26
    assert export.stats.done == export.stats.total
    saved = [i for i in items if i.chat_type == "saved_messages"]
    assert saved and all(i.message.is_private for i in saved)


def test_a_single_chat_export_and_its_unknown_fields(tmp_path: Path) -> None:
    data = _single_chat([_message(1), _message(2, ["a ", {"type": "code", "text": "b"}])])
    data["new_field_from_a_newer_telegram"] = {"messages": [_message(99)]}
    items = list(open_export(_write(tmp_path / "result.json", data)).messages())
    assert [i.message.text for i in items] == ["Добрый день", "a b"]
    assert items[0].chat_name == "Группа"


def test_malformed_messages_are_counted_and_skipped(tmp_path: Path) -> None:
    bad = [_message(1, text=42), {"no": "id"}, {**_message(3), "date_unixtime": "soon"}, "x"]
    export = open_export(_write(tmp_path / "result.json", _single_chat([*bad, _message(5)])))
    items = list(export.messages())
    assert [i.message.message_id for i in items] == ["5"]
    assert export.stats.skipped["malformed message"] == 3  # "x" is no message object at all


def test_truncated_json_is_a_clear_error(tmp_path: Path) -> None:
    whole = json.dumps(_single_chat([_message(i) for i in range(1, 50)]), ensure_ascii=False)
    path = tmp_path / "result.json"
    path.write_text(whole[: len(whole) // 2], encoding="utf-8")
    export = open_export(path)
    with pytest.raises(ExportError, match=r"broken JSON after .* messages.*export it again"):
        list(export.messages())


def test_not_an_export_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(ExportError, match="not an export"):
        open_export(tmp_path / "notes.txt")
    with pytest.raises(ExportError, match="no such file"):
        open_export(tmp_path / "missing.json")


def test_slack_markup_becomes_plain_text() -> None:
    assert to_plain("<@U1> смотри <https://x.example|баннер> &amp; <#C1|general>") == (
        "@U1 смотри баннер & #general"
    )


def _slack_items(path: Path) -> tuple[SlackExport, list[Any]]:
    export = open_export(path)
    assert isinstance(export, SlackExport)
    return export, list(export.messages())


def test_slack_folder_external_users_and_missing_users() -> None:
    export, items = _slack_items(EXAMPLES / "slack")
    assert export.team == "T01AGENCY"
    by_text = {i.message.text: i.message for i in items}
    olga = by_text["Добрый день! Когда будет макет?"]
    assert olga.author_external is True and olga.channel_shared
    boris = by_text["ты чё, тупой? скинь бриф & референсы"]
    assert boris.author_external is False and boris.channel_shared
    assert by_text["Сборка 42 готова"].author_is_bot
    assert export.stats.notes["author missing from users.json"] == 2
    assert export.stats.done == export.stats.total == 6


def test_slack_zip_reads_like_the_folder(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in (EXAMPLES / "slack").rglob("*.json"):
            zf.write(file, file.relative_to(EXAMPLES / "slack").as_posix())
    _, from_zip = _slack_items(archive)
    _, from_folder = _slack_items(EXAMPLES / "slack")
    assert [i.message for i in from_zip] == [i.message for i in from_folder]


def test_a_broken_slack_day_costs_that_day_only(tmp_path: Path) -> None:
    folder = tmp_path / "slack"
    shutil.copytree(EXAMPLES / "slack", folder)
    day = folder / "team" / "2025-03-03.json"
    day.write_text(day.read_text(encoding="utf-8")[:40], encoding="utf-8")
    export, items = _slack_items(folder)
    assert export.stats.skipped["broken day file"] == 1
    assert len(items) == 13


def test_slack_users_that_are_not_a_list_are_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "slack"
    shutil.copytree(EXAMPLES / "slack", folder)
    (folder / "users.json").write_text('{"users": ', encoding="utf-8")
    with pytest.raises(ExportError, match=r"users.json is not valid JSON"):
        list(open_export(folder).messages())
