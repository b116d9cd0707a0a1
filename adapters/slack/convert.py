"""Pure conversions between Slack payloads and kodeks' values; no I/O, no Bolt.

The text is read as a person sees it (`markup.to_plain`, the export reader's too).

Payload shapes (Events API, the same inside a Socket Mode envelope's `payload`):
`{"team_id", "event_id", "is_ext_shared_channel", "event": {"type": "message", "channel",
"channel_type", "user", "user_team"?, "team"?, "text", "ts", "thread_ts"?, "subtype"?, "bot_id"?}}`;
an edit is `subtype: "message_changed"` with the new message under `event["message"]`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from adapters.slack.markup import BOT_SUBTYPES, EDIT, escape, is_written, to_plain
from bot.domain.models import IncomingMessage, Nudge, Platform
from bot.pipeline.commands import CommandCall
from bot.texts import language_of

FEEDBACK_ACTION = "kodeks_feedback"


class MalformedEventError(ValueError):
    """A payload lacks what every message event has; it is counted and skipped."""


def to_incoming(body: Mapping[str, Any]) -> IncomingMessage:
    """Turn an Events API `message` callback into an `IncomingMessage`."""
    event = body.get("event") if isinstance(body, Mapping) else None
    if not isinstance(event, Mapping):
        msg = "no event"
        raise MalformedEventError(msg)
    subtype = scalar(event, "subtype")
    inner = event.get("message") if subtype == EDIT else event
    channel, event_id = scalar(event, "channel"), scalar(body, "event_id")
    if not isinstance(inner, Mapping) or not channel or not event_id or not scalar(inner, "ts"):
        msg = "a message event needs channel, ts and event_id"
        raise MalformedEventError(msg)
    ts = str(inner["ts"])
    thread = scalar(inner, "thread_ts")
    thread_id = thread if thread and thread != ts else None
    user = scalar(inner, "user")
    return IncomingMessage(
        platform=Platform.SLACK,
        chat_id=channel,
        user_id=user or "",
        message_id=ts,
        event_id=event_id,
        text=to_plain(scalar(inner, "text") or ""),
        sent_at=_time_of(ts),
        is_edit=subtype == EDIT,
        reply_to=thread_id,
        thread_id=thread_id,
        author_is_bot=is_bot(event, inner),
        is_service=not (subtype == EDIT or is_written(subtype)) or not user,
        author_external=is_external(body, inner),
        channel_shared=bool(body.get("is_ext_shared_channel")),
        is_private=event.get("channel_type") == "im",
    )


def scalar(payload: Mapping[str, Any], key: str) -> str | None:
    """A field as text, None when absent; a list or object where Slack sends text is malformed."""
    value = payload.get(key)
    if value is None:
        return None
    if isinstance(value, Mapping | list | tuple | set):
        msg = f"{key} is not a scalar"
        raise MalformedEventError(msg)
    return str(value)


def is_bot(event: Mapping[str, Any], inner: Mapping[str, Any]) -> bool:
    """Tell whether a bot wrote the message (bot users carry `bot_id`, integrations a subtype)."""
    return bool(inner.get("bot_id") or event.get("bot_id")) or (
        scalar(event, "subtype") in BOT_SUBTYPES or scalar(inner, "subtype") in BOT_SUBTYPES
    )


def is_external(body: Mapping[str, Any], inner: Mapping[str, Any]) -> bool | None:
    """Tell whether the author belongs to another team than the agency's workspace.

    Slack puts the author's team in `user_team` (Slack Connect) or `team`; the workspace that
    installed the app is the envelope's `team_id` and the teams in `authorizations`. None when
    the payload does not say (or says it in a shape Slack never sends), so the config and store
    decide.
    """
    author_team = _team(inner.get("user_team")) or _team(inner.get("team"))
    authorizations = body.get("authorizations")
    if not isinstance(authorizations, list):
        authorizations = []
    ours = {_team(body.get("team_id"))} | {
        _team(a.get("team_id")) for a in authorizations if isinstance(a, Mapping)
    }
    ours.discard(None)
    if not author_team or not ours:
        return None
    return author_team not in ours


def _team(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _time_of(ts: str) -> datetime:
    try:
        return datetime.fromtimestamp(float(ts), UTC)
    except (ValueError, OverflowError, OSError) as error:  # nan, inf, years past 9999
        msg = "ts is not a Slack timestamp"
        raise MalformedEventError(msg) from error


def to_command(payload: Mapping[str, Any], default_language: str) -> CommandCall:
    """Turn a slash command (`/code`, `/code 5`, `/code stats`, `/check TEXT`) into a call."""
    name = str(payload.get("command") or "").lstrip("/")
    argument = str(payload.get("text") or "").strip()
    first = argument.split(maxsplit=1)[0].lower() if argument else ""
    if name == "code" and first in {"stats", "help"}:
        name, argument = first, ""
    language = language_of(argument) if any(c.isalpha() for c in argument) else default_language
    # A command typed in a channel carries it (a DM's id starts with D): /check knows whose it is.
    channel = str(payload.get("channel_id") or "")
    chat_id = channel if channel and not channel.startswith("D") else None
    return CommandCall(
        Platform.SLACK, str(payload.get("user_id") or ""), name, argument, language, chat_id
    )


def feedback_value(nudge: Nudge) -> str:
    """The feedback button's value: the reply's language and the nudge's token."""
    return f"{nudge.language}:{nudge.token}"


def parse_feedback(body: Mapping[str, Any]) -> tuple[str, str]:
    """Return (token, language) from a `block_actions` payload of the feedback button."""
    actions = body.get("actions")
    pressed = [
        a
        for a in (actions if isinstance(actions, list) else ())
        if isinstance(a, Mapping) and a.get("action_id") == FEEDBACK_ACTION
    ]
    value = scalar(pressed[0], "value") or "" if pressed else ""
    language, _, token = value.partition(":")
    if not token:
        msg = "the feedback button carries no token"
        raise MalformedEventError(msg)
    return token, language


def nudge_blocks(text: str, button: str, value: str) -> list[dict[str, Any]]:
    """The nudge as Block Kit: the text, then the «Not a violation» button."""
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": escape(text)[:3000]}},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": FEEDBACK_ACTION,
                    "text": {"type": "plain_text", "text": button[:75]},
                    "value": value,
                }
            ],
        },
    ]
