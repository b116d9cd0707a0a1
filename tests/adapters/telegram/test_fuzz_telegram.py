"""Fuzzing Telegram update parsing: aiogram's models, then our pure converters.

Whatever JSON arrives, aiogram either refuses it (a `ValidationError`, which the dispatcher
reports and the handlers never see) or builds an `Update`; from any `Update` the converters
return a message or None, and never raise.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.types import ChatMemberUpdated, Message, Update
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from adapters.telegram.convert import (
    extract_check_text,
    extract_feedback_token,
    language_of_user,
    to_chat_join,
    to_incoming,
)
from bot.domain.models import IncomingMessage
from tests.support.nasty import (
    FUZZ,
    HOSTILE_TEXT,
    MEGABYTE,
    case_ids,
    corpus,
    generated_texts,
    mutated,
)

UPDATES = corpus("telegram_updates")
VALID = UPDATES[0]["update"]
KINDS = ("message", "edited_message", "business_message", "edited_business_message")


def parse(raw: Any) -> Update | None:
    """aiogram's own parsing, as the webhook handler and long polling do it."""
    try:
        return Update.model_validate(raw)
    except ValidationError:
        return None


def convert(update: Update) -> IncomingMessage | None:
    """Every converter the handlers call on an update; the message, if it is one of ours."""
    message = to_incoming(update)
    if update.my_chat_member is not None:
        to_chat_join(update.my_chat_member)
    if update.callback_query is not None:
        extract_feedback_token(update.callback_query.data)
    for kind in KINDS:
        found = getattr(update, kind)
        if isinstance(found, Message):
            assert isinstance(extract_check_text(found.text, found), str)
    if message is not None:
        assert isinstance(message.text, str)
        assert message.event_id == str(update.update_id)
        assert message.user_id
        assert message.chat_id
    return message


def test_the_valid_corpus_case_converts() -> None:
    update = parse(VALID)
    assert update is not None
    message = convert(update)
    assert message is not None
    assert message.text == "ну это пиздец"


@pytest.mark.parametrize("case", UPDATES, ids=case_ids(UPDATES))
def test_kept_updates_parse_and_convert(case: dict[str, Any]) -> None:
    update = parse(case["update"])
    assert update is not None, "the kept updates are all valid for aiogram"
    convert(update)


@pytest.mark.parametrize("name", list(generated_texts()))
@pytest.mark.parametrize("kind", ["text", "caption"])
def test_generated_huge_messages_convert(name: str, kind: str) -> None:
    text = generated_texts()[name]
    message = {k: v for k, v in VALID["message"].items() if k != "text"} | {kind: text}
    update = parse({"update_id": 9, "message": message})
    assert update is not None
    converted = convert(update)
    assert converted is not None
    assert converted.text == text


def test_ten_thousand_entities_convert() -> None:
    text = "п" * MEGABYTE
    entities = [{"type": "bold", "offset": i * 100, "length": 100} for i in range(10_000)]
    update = parse(
        {"update_id": 9, "message": VALID["message"] | {"text": text, "entities": entities}}
    )
    assert update is not None
    assert convert(update) is not None


def test_a_reply_chain_deeper_than_pydantic_allows_is_refused_by_aiogram_not_by_us() -> None:
    message = VALID["message"]
    for i in range(600):
        message = VALID["message"] | {"message_id": i + 2, "reply_to_message": message}
    assert parse({"update_id": 9, "message": message}) is None


@FUZZ
@given(raw=mutated(VALID, rounds=4))
def test_mutated_updates_are_refused_or_converted(raw: Any) -> None:
    update = parse(raw)
    if update is not None:
        convert(update)


@FUZZ
@given(kind=st.sampled_from(KINDS), raw=mutated(VALID["message"], rounds=4))
def test_mutated_messages_of_every_kind_are_refused_or_converted(kind: str, raw: Any) -> None:
    update = parse({"update_id": 7, kind: raw})
    if update is not None:
        convert(update)


@FUZZ
@given(raw=mutated(next(c["update"] for c in UPDATES if c["name"] == "my-chat-member-odd")))
def test_mutated_chat_member_updates_are_refused_or_converted(raw: Any) -> None:
    try:
        event = ChatMemberUpdated.model_validate(
            raw.get("my_chat_member") if isinstance(raw, dict) else raw
        )
    except ValidationError:
        return
    to_chat_join(event)


@FUZZ
@given(data=st.one_of(st.none(), HOSTILE_TEXT, HOSTILE_TEXT.map(lambda t: "nf:" + t)))
def test_feedback_tokens_are_read_from_any_callback_data(data: str | None) -> None:
    token = extract_feedback_token(data)
    assert token is None or (data is not None and data == "nf:" + token)


@FUZZ
@given(code=st.one_of(st.none(), HOSTILE_TEXT))
def test_any_language_code_gives_a_language_we_have(code: str | None) -> None:
    assert language_of_user(code) in {"ru", "en"}
