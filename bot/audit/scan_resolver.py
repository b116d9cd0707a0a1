"""The resolver's answers for an export, without Redis: chat kind, client, and who is staff.

It follows `bot.resolver.Resolver` rule for rule, with the export standing in for Redis: a person
seen writing in an internal chat is staff (as the bot learns them), and so is whoever exported a
Telegram account. An author not yet known as staff in a client chat is «maybe»: the scan checks
the message and holds its findings until the end of the export decides.
"""

from __future__ import annotations

from enum import StrEnum

from bot.domain.config import AgencyConfig, ChatConfig
from bot.domain.models import IncomingMessage
from rules import ChatKind


class Author(StrEnum):
    """What the config and the export so far say of a message's author."""

    STAFF = "staff"
    CLIENT = "client"
    MAYBE = "maybe"  # decided at the end: staff if seen in an internal chat


class ScanResolver:
    """Resolve an exported message's chat and author from `agency.toml` and the export."""

    def __init__(self, config: AgencyConfig, owner: str | None = None) -> None:
        self.config = config
        self._chats: dict[tuple[str, str], ChatConfig] = {
            (c.platform, c.id): c for c in config.chats
        }
        self.staff: set[tuple[str, str]] = {
            (platform, pid)
            for s in config.staff
            for platform, pid in (("telegram", s.telegram_id), ("slack", s.slack_id))
            if pid
        }
        if owner:
            self.staff.add(("telegram", owner))
        self._counterparts = {c.telegram_id: c.client for c in config.business_counterparts}

    def add_owner(self, platform: str, user_id: str) -> None:
        """Count the person who made the export as staff."""
        self.staff.add((platform, user_id))

    def chat(self, message: IncomingMessage, chat_type: str) -> tuple[ChatKind | None, str | None]:
        """Return the chat's kind (None: the bot stays out) and client."""
        platform = message.platform.value
        configured = self._chats.get((platform, message.chat_id))
        if configured is not None:
            return configured.kind, configured.client
        if chat_type == "personal_chat" and message.chat_id in self._counterparts:
            # One to one with a Business counterpart: the export of a Business chat.
            return ChatKind.CLIENT, self._counterparts[message.chat_id]
        if message.channel_shared:
            return ChatKind.CLIENT, None
        default = self.config.policy.unknown_chat
        return (None if default == "ignore" else ChatKind(default)), None

    def author(self, message: IncomingMessage, kind: ChatKind) -> Author:
        """Tell whether the author is staff, a client, or not known yet."""
        if message.author_external is not None:
            return Author.CLIENT if message.author_external else Author.STAFF
        key = (message.platform.value, message.user_id)
        if key in self.staff:
            return Author.STAFF
        if kind is ChatKind.INTERNAL:
            self.staff.add(key)  # what the bot learns from internal chats
            return Author.STAFF
        return Author.MAYBE

    def is_staff(self, platform: str, user_id: str) -> bool:
        """Tell whether a person is known as staff by now."""
        return (platform, user_id) in self.staff
