"""The Telegram adapter's pure parts (converters) and the e2e harness's fail-in-CI rule.

Payloads are checked by aiogram's own models, so a fixture Telegram would never send fails here.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.types import ChatMemberUpdated, Update

from adapters.telegram.convert import (
    extract_check_text,
    extract_feedback_token,
    language_of_user,
    to_chat_join,
    to_incoming,
)
from bot.domain.models import Platform
from tests.support import telegram as telegram_support

BORIS = {"id": 1002, "is_bot": False, "first_name": "Борис"}
COUNTERPART = {"id": 3001, "is_bot": False, "first_name": "Клиент"}
GROUP = {"id": -100777, "type": "supergroup", "title": "G"}


def update(kind: str = "message", **message: Any) -> Update:
    body = {"message_id": 5, "date": 1_700_000_000, "from": BORIS, "chat": GROUP, "text": "hi"}
    return Update.model_validate({"update_id": 42, kind: body | message})


def test_a_group_message_carries_ids_and_text() -> None:
    msg = to_incoming(update(reply_to_message={"message_id": 4, "date": 1, "chat": GROUP}))
    assert msg is not None
    assert (msg.platform, msg.chat_id, msg.user_id) == (Platform.TELEGRAM, "-100777", "1002")
    assert (msg.message_id, msg.event_id, msg.text, msg.reply_to) == ("5", "42", "hi", "4")
    assert not (msg.is_edit or msg.is_private or msg.is_forward or msg.author_is_bot)
    assert msg.business_connection_id is None
    assert msg.author_external is None


def test_a_caption_is_the_text_and_an_edit_is_marked() -> None:
    msg = to_incoming(update("edited_message", text=None, caption="подпись", edit_date=2))
    assert msg is not None
    assert (msg.text, msg.is_edit, msg.is_service) == ("подпись", True, False)


def test_a_message_without_text_is_a_service_message() -> None:
    msg = to_incoming(update(text=None, new_chat_members=[COUNTERPART]))
    assert msg is not None
    assert msg.is_service


def test_a_forward_and_a_bot_are_marked() -> None:
    origin = {"type": "hidden_user", "date": 1, "sender_user_name": "X"}
    forwarded = to_incoming(update(forward_origin=origin))
    assert forwarded is not None
    assert forwarded.is_forward
    bot = to_incoming(update(**{"from": BORIS | {"is_bot": True}}))
    assert bot is not None
    assert bot.author_is_bot


def test_business_messages_tell_the_employee_from_the_counterpart() -> None:
    chat = {"id": 3001, "type": "private", "first_name": "Клиент"}
    employee = to_incoming(update("business_message", chat=chat, business_connection_id="bc"))
    client = to_incoming(
        update("business_message", chat=chat, business_connection_id="bc", **{"from": COUNTERPART})
    )
    assert employee is not None
    assert client is not None
    assert (employee.author_external, employee.is_private) == (False, False)
    assert employee.chat_id == "3001"
    assert employee.business_connection_id == "bc"
    assert client.author_external is True


def test_a_private_chat_with_the_bot_is_private_and_other_updates_are_not_ours() -> None:
    chat = {"id": 1002, "type": "private", "first_name": "Борис"}
    msg = to_incoming(update(chat=chat))
    assert msg is not None
    assert msg.is_private
    query = {"id": "1", "from": BORIS, "chat_instance": "c", "data": "nf:x"}
    assert to_incoming(Update.model_validate({"update_id": 1, "callback_query": query})) is None
    assert to_incoming(update(**{"from": None, "sender_chat": GROUP})) is None


def member_update(old: str, new: str, chat: dict[str, Any] = GROUP) -> ChatMemberUpdated:
    me = {"id": 7, "is_bot": True, "first_name": "Bot"}
    return ChatMemberUpdated.model_validate({
        "chat": chat, "from": BORIS, "date": 1,
        "old_chat_member": {"status": old, "user": me} | (
            {"until_date": 0} if old == "kicked" else {}
        ),
        "new_chat_member": {"status": new, "user": me} | (
            _ADMIN_RIGHTS if new == "administrator" else {}
        ),
    })  # fmt: skip


_ADMIN_RIGHTS = dict.fromkeys(
    [
        "can_be_edited",
        "can_manage_chat",
        "can_delete_messages",
        "can_manage_video_chats",
        "can_restrict_members",
        "can_promote_members",
        "can_change_info",
        "can_invite_users",
        "can_post_stories",
        "can_edit_stories",
        "can_delete_stories",
        "is_anonymous",
        "can_send_welcome_messages",
    ],
    False,
)


def test_a_join_is_recognised_only_when_the_bot_enters_a_group() -> None:
    join = to_chat_join(member_update("left", "member"))
    assert join is not None
    assert (join.chat_id, join.title, join.added_by) == ("-100777", "G", "1002")
    assert to_chat_join(member_update("kicked", "administrator")) is not None
    assert to_chat_join(member_update("left", "administrator")) is not None
    assert to_chat_join(member_update("member", "left")) is None
    assert to_chat_join(member_update("member", "administrator")) is None
    dm = {"id": 1002, "type": "private", "first_name": "Борис"}
    assert to_chat_join(member_update("kicked", "member", dm)) is None


def test_small_extractors() -> None:
    assert extract_feedback_token("nf:abc") == "abc"
    assert extract_feedback_token("nf:") is None
    assert extract_feedback_token("other") is None
    assert extract_feedback_token(None) is None
    assert language_of_user("en-US") == "en"
    assert language_of_user("uk") == "ru"
    assert language_of_user(None) == "ru"
    replied = update(reply_to_message={"message_id": 4, "date": 1, "chat": GROUP, "text": "draft"})
    assert replied.message is not None
    assert extract_check_text("  ", replied.message) == "draft"
    assert extract_check_text("own text", replied.message) == "own text"
    plain = update().message
    assert plain is not None
    assert extract_check_text(None, plain) == ""


def test_missing_node_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(telegram_support.shutil, "which", lambda _name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI needs the Telegram emulator"):
        telegram_support.node_or_fail()
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception):
        telegram_support.node_or_fail()
