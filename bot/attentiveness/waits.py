"""Attentiveness (clause 7): a client's question left unanswered nudges the responsible employee.

The pipeline calls `Attentiveness.observe` for every message in a client chat once it knows who
wrote it. A client's question opens a wait in that chat (or thread), due when the chat's SLA in
working minutes has passed; a staff message there closes it and records the first-response
time for `/stats`. All state is in Redis (`store.open_wait` …), so any replica, or a new process
after a restart, carries on; `scheduler.Scheduler` sends what falls due. The clock is injected:
tests move time, production reads the system clock.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.attentiveness.hours import WorkingHours
from bot.attentiveness.questions import is_question
from bot.domain.clock import DAY_MS, Clock, to_ms
from bot.domain.config import AgencyConfig, ChatConfig
from bot.domain.models import IncomingMessage, Platform, Resolution
from bot.store import keys
from bot.store.records import Answer, Wait
from bot.store.redis_store import RedisStore
from bot.texts import language_of
from rules import ChatKind
from rules.morph import Morph

log = logging.getLogger("bot.attentiveness")
CLAUSE = 7  # «Внимательность» in rules/data/clauses.toml
RULE_ID = "attentiveness-sla"
WAIT_TTL_MS = 30 * DAY_MS  # an unanswered wait is forgotten a month after its last step
LAST_STAFF_TTL_MS = 90 * DAY_MS


class Attentiveness:
    """Open and close waits as client chats go on; knows SLAs and who answers where."""

    def __init__(
        self, config: AgencyConfig, store: RedisStore, morph: Morph | None, clock: Clock
    ) -> None:
        self.config = config
        self.store = store
        self.morph = morph
        self.clock = clock
        self.hours = WorkingHours(config.working_hours)
        self._chats: dict[tuple[str, str], ChatConfig] = {
            (c.platform, c.id): c for c in config.chats
        }
        self._staff = {s.name: s for s in config.staff}

    @property
    def enabled(self) -> bool:
        """Whether the agency's policy has attentiveness switched on."""
        return self.config.policy.attentiveness

    def sla_minutes(self, platform: str, chat_id: str) -> int:
        """The chat's SLA in working minutes: its own, else the policy's default."""
        chat = self._chats.get((platform, chat_id))
        if chat is not None and chat.sla_minutes is not None:
            return chat.sla_minutes
        return self.config.policy.sla_minutes

    def responsible(self, platform: str, chat_id: str, last_speaker: str | None) -> str | None:
        """Who answers here: the chat's configured employee (their id on this platform), else
        the staff member who last spoke in the chat."""
        chat = self._chats.get((platform, chat_id))
        person = self._staff.get(chat.responsible) if chat and chat.responsible else None
        if person is not None:
            configured = person.telegram_id if platform == "telegram" else person.slack_id
            if configured:
                return configured
        return last_speaker

    def deadline(self, wait: Wait, stage: int) -> datetime | None:
        """When stage `stage` (1: reminder, 2: escalation) falls due: stage × SLA of work."""
        return self.hours.add(wait.opened, wait.sla_minutes * stage)

    async def observe(self, message: IncomingMessage, resolution: Resolution) -> None:
        """Open a wait on a client's question; close the wait on a staff reply (may raise
        RedisError: the pipeline logs and goes on)."""
        if not self.enabled or resolution.chat_kind is not ChatKind.CLIENT or message.is_edit:
            return
        if resolution.author_is_staff:
            await self._close(message)
        elif is_question(message.text, self.morph):
            await self._open(message, resolution)

    async def _open(self, message: IncomingMessage, resolution: Resolution) -> None:
        platform = message.platform.value
        now = self.clock()
        sla = self.sla_minutes(platform, message.chat_id)
        due = self.hours.add(now, sla)
        if due is None:
            return  # a calendar without working time: nothing ever falls due
        wait = Wait(
            wid=keys.wait_id(platform, message.chat_id, message.thread_id),
            platform=Platform(platform), chat_id=message.chat_id, thread_id=message.thread_id,
            message_id=message.message_id, client=resolution.client, opened=now,
            sla_minutes=sla, language=language_of(message.text),
            listed=(platform, message.chat_id) in self._chats,
        )  # fmt: skip
        if await self.store.open_wait(wait, to_ms(due), self.wait_ttl_ms(now, due)):
            log.info(
                "wait opened platform=%s chat=%s message=%s due=%s",
                platform, message.chat_id, message.message_id, due.isoformat(),
            )  # fmt: skip

    async def _close(self, message: IncomingMessage) -> None:
        platform = message.platform.value
        wid = keys.wait_id(platform, message.chat_id, message.thread_id)
        wait = await self.store.close_wait(
            wid, platform, message.chat_id, message.user_id, LAST_STAFF_TTL_MS
        )
        if wait is None:
            return
        now = self.clock()
        waited = self.hours.between(wait.opened, now)
        within = waited <= timedelta(minutes=wait.sla_minutes)
        keep_ms = self.config.policy.keep_days * DAY_MS
        answer = Answer(to_ms(now), platform, wait.chat_id, int(waited.total_seconds()), within)
        await self.store.record_answer(answer, keep_ms)
        log.info(
            "wait closed platform=%s chat=%s by=%s working_s=%s within=%s",
            platform, wait.chat_id, message.user_id, int(waited.total_seconds()), within,
        )  # fmt: skip

    async def cancel_stale(self) -> list[str]:
        """At start-up, cancel the waits of chats that are no longer a client's; return their ids.

        Stale: the chat is now listed (or bound by an admin) as internal or ignored, or it was
        listed when the wait opened and is now neither listed nor bound. A wait in a chat that is
        a client's by default (policy.unknown_chat, Slack Connect, Telegram Business) stays: the
        config never named it, so no edit of the config can have meant it. May raise RedisError.
        """
        stale = [wid for wid in await self.store.open_waits() if await self._is_stale(wid)]
        cancelled = await self.store.cancel_waits(stale)
        if stale:
            log.info(
                "waits cancelled, their chats no longer a client's: count=%s ids=%s",
                cancelled, ",".join(stale),
            )  # fmt: skip
        return stale

    async def _is_stale(self, wid: str) -> bool:
        platform, chat_id = keys.chat_of_wait(wid)
        listed = self._chats.get((platform, chat_id))
        if listed is not None:
            return listed.kind is not ChatKind.CLIENT
        bound = await self.store.binding(platform, chat_id)
        if bound is not None:
            return bound.kind != ChatKind.CLIENT.value
        wait, _ = await self.store.load_wait(wid, platform, chat_id)
        return wait is not None and wait.listed

    @staticmethod
    def wait_ttl_ms(now: datetime, due: datetime) -> int:
        """Keep a wait a month past its next step (a long holiday may push that far ahead)."""
        return max(0, to_ms(due) - to_ms(now)) + WAIT_TTL_MS
