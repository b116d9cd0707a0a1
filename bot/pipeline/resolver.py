"""Turn a message's platform facts, `agency.toml` and what was learnt into a `Resolution`.

Which kind of chat, whose client, and whether the author is staff: one `Resolver` for the live
bot and for `kodeks scan`. The rules are pure and synchronous (`chat_of`, `author_of`); the live
bot adds what Redis remembers (admins' bindings, people learnt in internal chats, cached so an
outage does not blind it), and the scan stands the export in for Redis: a person seen writing in
an internal chat is staff, and so is whoever exported a Telegram account. A client's message is
never judged, so when in doubt about the author the answer is «not staff».
"""

from __future__ import annotations

import logging
import time
from enum import StrEnum
from typing import NamedTuple, Protocol

from bot.domain.config import AgencyConfig, ChatConfig
from bot.domain.models import IncomingMessage, Resolution
from bot.store.records import Binding
from bot.store.redis_store import RedisError
from rules import ChatKind

log = logging.getLogger("bot.resolver")
_CACHE_SECONDS = 60.0
_IGNORE = "ignore"


class Author(StrEnum):
    """What the config and what was learnt so far say of a message's author."""

    STAFF = "staff"
    NEW_STAFF = "new staff"  # staff, seen in an internal chat: to be remembered
    CLIENT = "client"
    MAYBE = "maybe"  # not known: the live bot asks Redis, the scan waits for the export's end


class ChatAnswer(NamedTuple):
    """A chat's kind (None: the bot stays out), its client, and who answers there."""

    kind: ChatKind | None
    client: str | None = None
    responsible: str | None = None


class Memory(Protocol):
    """What the live bot learns and admins set, kept where every replica sees it (Redis)."""

    async def binding(self, platform: str, chat_id: str) -> Binding | None:
        """An admin's binding of the chat, if any."""

    async def add_staff(self, platform: str, user_id: str) -> None:
        """Remember a member of an internal chat as staff."""

    async def is_staff(self, platform: str, user_id: str) -> bool:
        """Tell whether the person was seen in an internal chat."""


def _kind(value: str) -> ChatKind | None:
    return None if value == _IGNORE else ChatKind(value)


class Resolver:
    """Resolve chats and authors from the config, and from `memory` when there is one."""

    def __init__(self, config: AgencyConfig, memory: Memory | None = None) -> None:
        self.config = config
        self.memory = memory
        self._chats: dict[tuple[str, str], ChatConfig] = {
            (c.platform, c.id): c for c in config.chats
        }
        ids = [
            (s, platform, pid)
            for s in config.staff
            for platform, pid in (("telegram", s.telegram_id), ("slack", s.slack_id))
            if pid
        ]
        self._known = {(platform, pid) for _, platform, pid in ids}  # grows as staff is learnt
        self._admins = {(platform, pid) for s, platform, pid in ids if s.admin}
        self._counterparts = {c.telegram_id: c.client for c in config.business_counterparts}
        self._bindings: dict[tuple[str, str], tuple[float, Binding | None]] = {}
        # Who was seen in internal chats, cached a minute so client chats cost no round trip.
        self._members: dict[tuple[str, str], tuple[float, bool]] = {}

    # --- the rules, pure

    def configured_chat(self, message: IncomingMessage, chat_type: str = "") -> ChatAnswer | None:
        """What the config says of the chat: a Business chat, a listed chat, a counterpart's."""
        if message.business_connection_id is not None:
            # Every Business chat is a client's; its chat id is the counterpart's user id.
            return ChatAnswer(ChatKind.CLIENT, self._counterparts.get(message.chat_id))
        configured = self._chats.get((message.platform.value, message.chat_id))
        if configured is not None:
            return ChatAnswer(configured.kind, configured.client, configured.responsible)
        if chat_type == "personal_chat" and message.chat_id in self._counterparts:
            # An export's one-to-one chat with a Business counterpart.
            return ChatAnswer(ChatKind.CLIENT, self._counterparts[message.chat_id])
        return None

    def default_chat(self, message: IncomingMessage) -> ChatAnswer:
        """A chat nobody configured: Slack Connect is a client's, else the policy's default."""
        if message.channel_shared:
            return ChatAnswer(ChatKind.CLIENT)
        return ChatAnswer(_kind(str(self.config.policy.unknown_chat)))

    def chat_of(self, message: IncomingMessage, chat_type: str = "") -> ChatAnswer:
        """The chat without bindings (what `kodeks scan` knows)."""
        return self.configured_chat(message, chat_type) or self.default_chat(message)

    def author_of(self, message: IncomingMessage, kind: ChatKind | None) -> Author:
        """Whether the author is staff, a client, newly learnt staff, or not known yet."""
        if message.author_external is not None:
            return Author.CLIENT if message.author_external else Author.STAFF
        key = (message.platform.value, message.user_id)
        if key in self._known:
            return Author.STAFF
        if kind is ChatKind.INTERNAL:
            return Author.NEW_STAFF
        return Author.MAYBE

    def learn(self, platform: str, user_id: str) -> None:
        """Count a person as staff from now on (an internal chat's member, an export's owner)."""
        self._known.add((platform, user_id))

    def is_known_staff(self, platform: str, user_id: str) -> bool:
        """Tell whether a person is known as staff by now, without asking Redis."""
        return (platform, user_id) in self._known

    def is_admin(self, platform: str, user_id: str) -> bool:
        """Tell whether the config names this user an admin."""
        return (platform, user_id) in self._admins

    # --- the live bot: the rules plus what Redis remembers

    async def resolve(self, message: IncomingMessage) -> Resolution:
        """Resolve the chat's kind and client and whether the author is staff."""
        chat = (
            self.configured_chat(message)
            or await self._bound(message)
            or self.default_chat(message)
        )
        author = self.author_of(message, chat.kind)
        key = (message.platform.value, message.user_id)
        if author is Author.NEW_STAFF:
            await self._learn_staff(key)
        staff = author in (Author.STAFF, Author.NEW_STAFF)
        if author is Author.MAYBE:
            staff = await self._remembered_staff(key)
        return Resolution(chat.kind, chat.client, staff, chat.responsible)

    async def client_of_chat(self, platform: str, chat_id: str) -> str | None:
        """Return the client whose chat this is, by the config or a binding; None otherwise."""
        configured = self._chats.get((platform, chat_id))
        if configured is not None:
            return configured.client if configured.kind is ChatKind.CLIENT else None
        bound = await self._binding(platform, chat_id)
        if bound is not None and _kind(bound.kind) is ChatKind.CLIENT:
            return bound.client
        return None

    async def is_known_chat(self, platform: str, chat_id: str) -> bool:
        """Tell whether the config lists the chat or an admin has bound it."""
        if (platform, chat_id) in self._chats:
            return True
        return await self._binding(platform, chat_id) is not None

    async def _bound(self, message: IncomingMessage) -> ChatAnswer | None:
        bound = await self._binding(message.platform.value, message.chat_id)
        return ChatAnswer(_kind(bound.kind), bound.client) if bound is not None else None

    async def _binding(self, platform: str, chat_id: str) -> Binding | None:
        if self.memory is None:
            return None
        key = (platform, chat_id)
        cached = self._bindings.get(key)
        if cached is not None and time.monotonic() - cached[0] < _CACHE_SECONDS:
            return cached[1]
        try:
            bound = await self.memory.binding(platform, chat_id)
        except RedisError:
            log.warning("bindings unavailable, using the cache chat=%s:%s", platform, chat_id)
            return cached[1] if cached is not None else None
        self._bindings[key] = (time.monotonic(), bound)
        return bound

    def forget_binding(self, platform: str, chat_id: str) -> None:
        """Drop a cached binding after an admin changed it."""
        self._bindings.pop((platform, chat_id), None)

    async def _remembered_staff(self, key: tuple[str, str]) -> bool:
        cached = self._members.get(key)
        if cached is not None and time.monotonic() - cached[0] < _CACHE_SECONDS:
            return cached[1]
        if self.memory is None:
            return False
        try:
            member = await self.memory.is_staff(*key)
        except RedisError:
            return cached[1] if cached is not None else False
        self._members[key] = (time.monotonic(), member)
        return member

    async def _learn_staff(self, key: tuple[str, str]) -> None:
        """Remember a member of an internal chat as staff (once a minute per person at most)."""
        cached = self._members.get(key)
        if cached is not None and cached[1] and time.monotonic() - cached[0] < _CACHE_SECONDS:
            return
        self._members[key] = (time.monotonic(), True)
        if self.memory is None:
            return
        try:
            await self.memory.add_staff(*key)
        except RedisError:
            log.warning("staff not stored platform=%s user=%s", *key)
