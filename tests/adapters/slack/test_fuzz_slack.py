"""Fuzzing the Slack converters: any payload is converted or refused as malformed, never a crash.

Bolt hands the adapter whatever JSON Slack (or anyone who has the signing secret) sends; a
converter that raised anything but `MalformedEventError` would bubble up into Bolt, which answers
500 and makes Slack retry the same poison event.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.slack.adapter import SlackAdapter
from adapters.slack.convert import (
    MalformedEventError,
    escape,
    nudge_blocks,
    parse_feedback,
    to_command,
    to_incoming,
)
from bot.domain.config import AgencyConfig
from bot.domain.models import IncomingMessage
from bot.ops.settings import SlackSettings
from bot.pipeline.commands import CommandCall
from tests.support.nasty import (
    FUZZ,
    HOSTILE_TEXT,
    JSON_VALUES,
    MEGABYTE,
    case_ids,
    corpus,
    generated_texts,
    mutated,
)

EVENTS = corpus("slack_events")
COMMANDS = corpus("slack_commands")
ACTIONS = corpus("slack_actions")
VALID = EVENTS[0]["body"]


def convert(body: Any) -> IncomingMessage | None:
    """What the adapter does with a delivery: a message, or a counted skip."""
    try:
        message = to_incoming(body)
    except MalformedEventError:
        return None
    assert isinstance(message, IncomingMessage)
    assert isinstance(message.text, str)
    assert isinstance(message.chat_id, str)
    assert isinstance(message.event_id, str)
    assert isinstance(message.user_id, str)
    return message


def generated_events() -> dict[str, dict[str, Any]]:
    """Events too big to keep as files."""
    events = {
        name: VALID | {"event": VALID["event"] | {"text": text}}
        for name, text in generated_texts().items()
    }
    wide = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3000}}] * 5000
    events["absurd-blocks-15mb"] = VALID | {"event": VALID["event"] | {"blocks": wide}}
    return events


def test_the_valid_corpus_case_converts() -> None:
    message = convert(VALID)
    assert message is not None
    assert message.text == "ну это пиздец"


@pytest.mark.parametrize("case", EVENTS, ids=case_ids(EVENTS))
def test_kept_events_convert_or_are_refused(case: dict[str, Any]) -> None:
    convert(case["body"])


@pytest.mark.parametrize("name", list(generated_events()))
def test_generated_huge_events_convert(name: str) -> None:
    body = generated_events()[name]
    message = convert(body)
    assert message is not None
    assert message.text == body["event"]["text"]


@pytest.mark.parametrize("case", COMMANDS, ids=case_ids(COMMANDS))
def test_kept_commands_convert(case: dict[str, Any]) -> None:
    command = to_command(case["payload"], "ru")
    assert isinstance(command, CommandCall)
    assert isinstance(command.argument, str)


def test_only_the_word_stats_itself_asks_for_stats() -> None:
    names = {c["name"]: to_command(c["payload"], "ru").name for c in COMMANDS}
    assert names["valid-stats"] == "stats"
    assert names["zero-width-stats"] == "code"
    assert names["rtl-stats"] == "code"


@pytest.mark.parametrize("case", ACTIONS, ids=case_ids(ACTIONS))
def test_kept_actions_parse_or_are_refused(case: dict[str, Any]) -> None:
    try:
        token, language = parse_feedback(case["body"])
    except MalformedEventError:
        return
    assert token
    assert isinstance(language, str)


@FUZZ
@given(body=mutated(VALID, rounds=4))
def test_mutated_events_convert_or_are_refused(body: Any) -> None:
    convert(body)


@FUZZ
@given(body=st.dictionaries(st.sampled_from(["event", "event_id", "team_id"]), JSON_VALUES))
def test_random_envelopes_convert_or_are_refused(body: dict[str, Any]) -> None:
    convert(body)


@FUZZ
@given(payload=mutated(COMMANDS[0]["payload"], rounds=3))
def test_mutated_commands_convert(payload: Any) -> None:
    if isinstance(payload, dict):
        assert isinstance(to_command(payload, "en"), CommandCall)


@FUZZ
@given(body=mutated(ACTIONS[0]["body"], rounds=3))
def test_mutated_actions_parse_or_are_refused(body: Any) -> None:
    if not isinstance(body, dict):
        return
    with contextlib.suppress(MalformedEventError):
        parse_feedback(body)


@FUZZ
@given(text=HOSTILE_TEXT, button=HOSTILE_TEXT, value=HOSTILE_TEXT)
def test_nudge_blocks_stay_within_slack_limits(text: str, button: str, value: str) -> None:
    section, actions = nudge_blocks(text, button, value)
    assert len(section["text"]["text"]) <= 3000
    assert len(actions["elements"][0]["text"]["text"]) <= 75
    assert "<" not in escape(text)
    assert ">" not in escape(text)


class _Pipeline:
    """Just enough of the pipeline for the adapter's handlers: it records what it is handed."""

    def __init__(self) -> None:
        self.handled: list[IncomingMessage] = []

    async def handle(self, message: IncomingMessage) -> None:
        self.handled.append(message)


async def test_the_adapter_counts_and_skips_malformed_events_without_text_in_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from slack_sdk.web.async_client import AsyncWebClient

    pipeline = _Pipeline()
    settings = SlackSettings(bot_token="xoxb-1", signing_secret="s")  # type: ignore[arg-type]
    client = AsyncWebClient(token="xoxb-1")
    adapter = SlackAdapter(settings, pipeline, None, client, AgencyConfig())  # type: ignore[arg-type]
    caplog.set_level(logging.INFO)
    bodies = [c["body"] for c in EVENTS] + [generated_events()["megabyte-of-rudeness"]]
    for body in bodies:
        try:  # as Bolt runs a listener: what it raises goes to the app's error handler
            await adapter.on_message(body)
        except Exception as error:
            await adapter.on_error(error, body)
    assert adapter.malformed + len(pipeline.handled) == len(bodies)
    assert adapter.malformed >= 10
    assert all(r.levelno == logging.WARNING for r in caplog.records if "malformed" in r.message)
    assert not [r for r in caplog.records if "пиздец" in r.getMessage()]
    assert len(pipeline.handled[-1].text) == MEGABYTE
