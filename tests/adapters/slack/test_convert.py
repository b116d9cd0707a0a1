"""The Slack adapter's pure converters, on payloads shaped as Slack's docs show them."""

from __future__ import annotations

import pytest

from adapters.slack.convert import (
    MalformedEventError,
    escape,
    parse_feedback,
    to_command,
    to_incoming,
)
from bot.domain.models import Platform
from tests.support.slack import TEAM, edited_event, message_event

TS = "1700000000.000100"


def test_a_channel_message_keeps_its_ids_and_facts() -> None:
    body = message_event(event_id="Ev1", channel="C1", user="U1", text="hi", ts=TS, shared=True)
    message = to_incoming(body)
    assert (message.platform, message.chat_id, message.user_id) == (Platform.SLACK, "C1", "U1")
    assert (message.message_id, message.event_id, message.text) == (TS, "Ev1", "hi")
    assert message.channel_shared is True
    assert message.author_external is False
    assert not (message.is_edit or message.is_service or message.author_is_bot)
    assert message.thread_id is None


def test_an_author_of_another_team_is_external() -> None:
    body = message_event(event_id="Ev1", channel="C1", user="U9", text="hi", ts=TS, user_team="T9")
    assert to_incoming(body).author_external is True


def test_without_a_team_the_config_decides() -> None:
    body = message_event(event_id="Ev1", channel="C1", user="U1", text="hi", ts=TS)
    for key in ("team", "user_team"):
        del body["event"][key]
    assert to_incoming(body).author_external is None


def test_an_edit_is_read_from_the_inner_message() -> None:
    body = edited_event(event_id="Ev2", channel="C1", user="U1", ts=TS, old="a", new="b")
    message = to_incoming(body)
    assert (message.is_edit, message.text, message.message_id, message.user_id) == (
        True, "b", TS, "U1",
    )  # fmt: skip


def test_a_reply_in_a_thread_keeps_the_thread_and_a_parent_does_not() -> None:
    reply = message_event(event_id="E", channel="C1", user="U1", text="x", ts=TS, thread_ts="1.0")
    parent = message_event(event_id="E", channel="C1", user="U1", text="x", ts=TS, thread_ts=TS)
    assert to_incoming(reply).thread_id == "1.0"
    assert to_incoming(parent).thread_id is None


@pytest.mark.parametrize(
    ("extra", "bot", "service"),
    [
        ({"subtype": "bot_message", "bot_id": "B1"}, True, True),
        ({"bot_id": "B1"}, True, False),
        ({"subtype": "channel_join"}, False, True),
        ({"subtype": "file_share", "files": [{"id": "F1"}]}, False, False),
        ({"subtype": "thread_broadcast", "thread_ts": "1.0"}, False, False),
    ],
)
def test_subtypes(extra: dict[str, object], bot: bool, service: bool) -> None:
    body = message_event(event_id="E", channel="C1", user="U1", text="x", ts=TS, **extra)
    message = to_incoming(body)
    assert (message.author_is_bot, message.is_service) == (bot, service)


def test_a_dm_with_the_bot_is_private() -> None:
    body = message_event(event_id="E", channel="D1", user="U1", text="x", ts=TS, channel_type="im")
    assert to_incoming(body).is_private is True


@pytest.mark.parametrize(
    "broken",
    [{}, {"event": "x"}, {"event": {"type": "message", "channel": "C1"}, "event_id": "E"}],
)
def test_malformed_events_raise_our_error(broken: dict[str, object]) -> None:
    with pytest.raises(MalformedEventError):
        to_incoming(broken)


def test_a_bad_ts_is_malformed() -> None:
    body = message_event(event_id="E", channel="C1", user="U1", text="x", ts="yesterday")
    with pytest.raises(MalformedEventError):
        to_incoming(body)


@pytest.mark.parametrize(
    ("command", "text", "name", "argument", "language"),
    [
        ("/code", "", "code", "", "ru"),
        ("/code", " 5 ", "code", "5", "ru"),
        ("/code", "stats", "stats", "", "ru"),
        ("/code", "help", "help", "", "ru"),
        ("/check", "please review this", "check", "please review this", "en"),
        ("/check", "посмотрите", "check", "посмотрите", "ru"),
    ],
)
def test_commands(command: str, text: str, name: str, argument: str, language: str) -> None:
    payload = {"command": command, "text": text, "user_id": "U1", "team_id": TEAM}
    parsed = to_command(payload, "ru")
    assert (parsed.name, parsed.argument, parsed.language, parsed.user_id) == (
        name, argument, language, "U1",
    )  # fmt: skip


def test_the_feedback_value_carries_language_and_token() -> None:
    body = {"actions": [{"action_id": "kodeks_feedback", "value": "en:tok-EN_1"}]}
    assert parse_feedback(body) == ("tok-EN_1", "en")
    with pytest.raises(MalformedEventError):
        parse_feedback({"actions": [{"action_id": "kodeks_feedback", "value": "en:"}]})


def test_mrkdwn_is_escaped() -> None:
    assert escape("a < b & c > d") == "a &lt; b &amp; c &gt; d"
