"""The values the pipeline works with: one platform-neutral message, and what it becomes.

Adapters turn platform events into `IncomingMessage` (platform facts only); the resolver adds
what the agency's config says (`Resolution`); policy turns findings into `Nudge`s and
`Escalation`s. Everything here is frozen: a message never changes on its way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from rules import ChatKind


class Platform(StrEnum):
    """A messenger kodeks works in; the value prefixes ids and Redis keys."""

    TELEGRAM = "telegram"
    SLACK = "slack"


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """A message as the platform reported it, with platform facts only."""

    platform: Platform
    chat_id: str
    user_id: str
    message_id: str
    event_id: str  # the platform's delivery id (Telegram update id, Slack event id)
    text: str
    sent_at: datetime
    is_edit: bool = False
    reply_to: str | None = None
    thread_id: str | None = None
    author_is_bot: bool = False
    is_forward: bool = False
    is_service: bool = False
    author_external: bool | None = None  # Slack: the author's team is not the agency's
    channel_shared: bool = False  # Slack Connect
    business_connection_id: str | None = None  # Telegram Business
    is_private: bool = False  # a one-to-one chat with the bot itself
    chat_title: str | None = None  # Telegram groups: what escalations call the chat

    @property
    def user_key(self) -> str:
        """The author as `platform:id`, the form policy lists and keys use."""
        return f"{self.platform.value}:{self.user_id}"

    @property
    def chat_key(self) -> str:
        """The chat as `platform:id`."""
        return f"{self.platform.value}:{self.chat_id}"


@dataclass(frozen=True, slots=True)
class Resolution:
    """What the agency's config makes of a message's chat and author."""

    chat_kind: ChatKind | None  # None: a chat the bot stays out of
    client: str | None
    author_is_staff: bool
    responsible: str | None = None


@dataclass(frozen=True, slots=True)
class NudgePart:
    """Another clause the same message breaks, named in the same nudge."""

    clause: int
    rule_id: str
    label: str
    words: tuple[str, ...]  # the matched words only
    suggestion: str | None = None


@dataclass(frozen=True, slots=True)
class Nudge:
    """A private word to the author about a message, in the message's language.

    One nudge per message: `clause` (with its words and wording) is the first clause it breaks,
    `also` the others, so a message that breaks two clauses brings one private message.

    What Redis keeps of it (`bot.store.records`): every field, ids and matched words only.
    """

    platform: Platform
    user_id: str
    chat_id: str
    message_id: str
    words: tuple[str, ...]  # the matched words only, never the whole message
    clause: int
    suggestion: str | None
    rule_id: str
    label: str
    step: str  # "gentle" | "reminder"
    language: str = "ru"
    thread_id: str | None = None
    business_connection_id: str | None = None
    token: str = field(default="", compare=False)  # identifies the nudge for feedback
    # Straight to the person's private chat with the bot, never beside a message in the chat
    # (Slack: a DM, not an ephemeral): an attentiveness reminder is about a chat, not a message.
    direct: bool = False
    also: tuple[NudgePart, ...] = ()

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The rule of every clause the nudge names, its own first."""
        return (self.rule_id, *(part.rule_id for part in self.also))


@dataclass(frozen=True, slots=True)
class Escalation:
    """A summary for the compliance channel: who, which clause, how often; no text by default."""

    platform: Platform
    user_id: str
    chat_id: str
    clause: int
    count: int
    window_days: int
    words: tuple[str, ...] = ()
