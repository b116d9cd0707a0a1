"""Turn a message's platform facts, `agency.toml` and the bindings in Redis into a `Resolution`.

Which kind of chat, whose client, and whether the author is staff. A client's message is never
judged, so when in doubt about the author the answer is «not staff».
"""

from __future__ import annotations

import logging
import time

from bot.domain.config import AgencyConfig, ChatConfig
from bot.domain.models import IncomingMessage, Resolution
from bot.store.redis_store import RedisError, RedisStore
from rules import ChatKind

log = logging.getLogger("bot.resolver")
_CACHE_SECONDS = 60.0


class Resolver:
    """Resolve chats and authors; bindings are cached so an outage does not blind the bot."""

    def __init__(self, config: AgencyConfig, store: RedisStore) -> None:
        self.config = config
        self.store = store
        self._chats: dict[tuple[str, str], ChatConfig] = {
            (c.platform, c.id): c for c in config.chats
        }
        self._staff = {
            (platform, pid)
            for s in config.staff
            for platform, pid in (("telegram", s.telegram_id), ("slack", s.slack_id))
            if pid
        }
        self._admins = {
            (platform, pid)
            for s in config.staff
            if s.admin
            for platform, pid in (("telegram", s.telegram_id), ("slack", s.slack_id))
            if pid
        }
        self._counterparts = {c.telegram_id: c.client for c in config.business_counterparts}
        self._bindings: dict[tuple[str, str], tuple[float, tuple[str, str | None] | None]] = {}
        # Who was seen in internal chats, cached a minute so client chats cost no round trip.
        self._members: dict[tuple[str, str], tuple[float, bool]] = {}

    def is_admin(self, platform: str, user_id: str) -> bool:
        """Tell whether the config names this user an admin."""
        return (platform, user_id) in self._admins

    async def resolve(self, message: IncomingMessage) -> Resolution:
        """Resolve the chat's kind and client and whether the author is staff."""
        kind, client, responsible = await self._chat(message)
        staff = await self._is_staff(message, kind)
        return Resolution(kind, client, staff, responsible)

    async def _chat(
        self, message: IncomingMessage
    ) -> tuple[ChatKind | None, str | None, str | None]:
        platform = message.platform.value
        if message.business_connection_id is not None:
            # Every Business chat is a client's; its chat id is the counterpart's user id.
            return ChatKind.CLIENT, self._counterparts.get(message.chat_id), None
        configured: ChatConfig | None = self._chats.get((platform, message.chat_id))
        if configured is not None:
            return configured.kind, configured.client, configured.responsible
        bound = await self._binding(platform, message.chat_id)
        if bound is not None:
            kind, client = bound
            return (None if kind == "ignore" else ChatKind(kind)), client, None
        if message.channel_shared:
            return ChatKind.CLIENT, None, None
        default = self.config.policy.unknown_chat
        return (None if default == "ignore" else ChatKind(default)), None, None

    async def _binding(self, platform: str, chat_id: str) -> tuple[str, str | None] | None:
        key = (platform, chat_id)
        cached = self._bindings.get(key)
        if cached is not None and time.monotonic() - cached[0] < _CACHE_SECONDS:
            return cached[1]
        try:
            bound = await self.store.binding(platform, chat_id)
        except RedisError:
            log.warning("bindings unavailable, using the cache chat=%s:%s", platform, chat_id)
            return cached[1] if cached is not None else None
        self._bindings[key] = (time.monotonic(), bound)
        return bound

    def forget_binding(self, platform: str, chat_id: str) -> None:
        """Drop a cached binding after an admin changed it."""
        self._bindings.pop((platform, chat_id), None)

    async def _is_staff(self, message: IncomingMessage, kind: ChatKind | None) -> bool:
        platform = message.platform.value
        if message.author_external is not None:
            return not message.author_external
        key = (platform, message.user_id)
        if key in self._staff:
            return True
        if kind is ChatKind.INTERNAL:
            await self._learn_staff(key)
            return True
        cached = self._members.get(key)
        if cached is not None and time.monotonic() - cached[0] < _CACHE_SECONDS:
            return cached[1]
        try:
            member = await self.store.is_staff(platform, message.user_id)
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
        try:
            await self.store.add_staff(*key)
        except RedisError:
            log.warning("staff not stored platform=%s user=%s", *key)
