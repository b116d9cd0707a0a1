"""Send what attentiveness has due: a private reminder after one SLA, an escalation after two.

Any number of schedulers may poll one Redis: `claim_due` hands each due wait to exactly one of
them (it moves the wait a lease ahead in the same atomic step), and `advance_wait` marks each
stage done once. A scheduler that dies between claim and send loses nothing: the lease runs out
and another one (or the same process, restarted) takes the wait again. Reminders go out only
within working hours, plus a short grace after closing so a wait due at 19:00 is not held
overnight by a poll at 19:00:05.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.attentiveness.waits import CLAUSE, RULE_ID, Attentiveness
from bot.domain.clock import MINUTE_MS, to_ms
from bot.domain.models import Escalation, Nudge
from bot.domain.ports import Delivery, Ports
from bot.store.keys import chat_of_wait
from bot.store.records import Wait
from bot.store.redis_store import RedisError, RedisStore
from bot.texts import Texts
from rules import RuleSet

log = logging.getLogger("bot.attentiveness")
LEASE_MS = 5 * MINUTE_MS  # longer than any send may take (flood waits are capped at 30 s × 3)
BATCH = 50
GRACE = timedelta(minutes=15)


@dataclass(slots=True)
class Scheduler:
    """Poll the due set and act on what falls due.

    `lease_ms` is how long a claimed wait stays this scheduler's before another may take it.
    """

    attentiveness: Attentiveness
    store: RedisStore
    ports: Ports
    texts: Texts
    ruleset: RuleSet
    lease_ms: int = LEASE_MS

    def _sending_hours(self, now: datetime) -> bool:
        hours = self.attentiveness.hours
        return hours.is_working(now) or hours.is_working(now - GRACE)

    async def run_once(self) -> int:
        """Claim what is due now and act on it; return how many messages went out."""
        now = self.attentiveness.clock()
        if not self.attentiveness.enabled or not self._sending_hours(now):
            return 0
        sent = 0
        for wid in await self.store.claim_due(to_ms(now), self.lease_ms, BATCH):
            try:
                sent += await self._act(wid, now)
            except RedisError:
                raise
            except Exception:  # one wait's failure must not starve the others; the lease retries
                log.exception("attentiveness step failed wait=%s", wid)
        return sent

    async def run(self, every_s: float = 30.0) -> None:
        """Poll forever (until cancelled), surviving Redis outages."""
        while True:
            try:
                await self.run_once()
            except RedisError as error:
                log.warning("attentiveness: redis unavailable (%r)", error)
            except Exception:  # the scheduler must outlive any one failure
                log.exception("attentiveness poll failed")
            await asyncio.sleep(every_s)

    async def _act(self, wid: str, now: datetime) -> int:
        platform, chat_id = chat_of_wait(wid)
        wait, last = await self.store.load_wait(wid, platform, chat_id)
        if wait is None:  # answered (or expired) after it was claimed
            await self.store.advance_wait(wid, 1, None, 0)
            return 0
        responsible = self.attentiveness.responsible(platform, wait.chat_id, last)
        stage = wait.stage + 1
        if stage > 2:
            await self.store.advance_wait(wid, stage, None, 0)
            return 0
        sent = await (
            self._remind(wait, responsible, now)
            if stage == 1
            else self._escalate(wait, responsible, now)
        )
        following = self.attentiveness.deadline(wait, stage + 1) if stage == 1 else None
        ttl = self.attentiveness.wait_ttl_ms(now, following or now)
        await self.store.advance_wait(wid, stage, to_ms(following) if following else None, ttl)
        return sent

    def _chat_name(self, wait: Wait) -> str:
        where = f"{wait.platform.value}:{wait.chat_id}"
        return f"{wait.client} ({where})" if wait.client else where

    def _words(self, wait: Wait, now: datetime, language: str) -> dict[str, object]:
        clause = self.ruleset.clause(CLAUSE)
        waited = self.attentiveness.hours.between(wait.opened, now)
        return {
            "chat": self._chat_name(wait),
            "minutes": int(waited.total_seconds() // 60),
            "sla": wait.sla_minutes,
            "clause": CLAUSE,
            "title": clause.title_in(language) if clause else "",
            "clause_text": clause.text if clause else "",
        }

    async def _remind(self, wait: Wait, responsible: str | None, now: datetime) -> int:
        """The private nudge to the employee who answers in the chat."""
        if responsible is None:
            log.warning("nobody to remind platform=%s chat=%s", wait.platform, wait.chat_id)
            return 0
        nudge = Nudge(
            platform=wait.platform, user_id=responsible, chat_id=wait.chat_id,
            message_id=wait.message_id, clause=CLAUSE, rule_id=RULE_ID, label="attentiveness",
            words=(), suggestion=None, step="gentle", language=wait.language,
            thread_id=wait.thread_id, token=secrets.token_urlsafe(9), direct=True,
        )  # fmt: skip
        await self.store.remember_nudge(nudge)
        text = self.texts.render(
            wait.language, "attentiveness-reminder", **self._words(wait, now, wait.language)
        )
        button = self.texts.render(wait.language, "feedback-button")
        delivery = await self.ports.notifier.nudge(nudge, text, button)
        log.info(
            "attentiveness reminder platform=%s chat=%s user=%s delivery=%s",
            wait.platform, wait.chat_id, responsible, delivery,
        )  # fmt: skip
        return 1 if delivery is Delivery.DELIVERED else 0

    async def _escalate(self, wait: Wait, responsible: str | None, now: datetime) -> int:
        """Tell the compliance channel: which chat, how long, who answers there; no text."""
        text = self._escalation_text(wait, responsible, now)
        escalation = Escalation(wait.platform, responsible or "", wait.chat_id, CLAUSE, 1, 0)
        delivery = await self.ports.compliance.escalate(escalation, text)
        log.info(
            "attentiveness escalation platform=%s chat=%s delivery=%s",
            wait.platform, wait.chat_id, delivery,
        )  # fmt: skip
        return 1 if delivery is Delivery.DELIVERED else 0

    def _escalation_text(self, wait: Wait, responsible: str | None, now: datetime) -> str:
        """The escalation in its platform's markup, the person and the chat as mentions, the chat
        after its client's name (a wait keeps no chat title)."""
        markup = self.ports.compliance.markup(wait.platform)
        lang = markup.language
        if responsible is None:
            user = markup.escape(self.texts.render(lang, "attentiveness-nobody"))
        else:
            name = self.attentiveness.config.staff_name(wait.platform.value, responsible)
            user = markup.person(responsible, name)
        words = self._words(wait, now, lang) | {"platform": wait.platform.value}
        chat = markup.chat(wait.chat_id, None)
        if wait.client:
            chat = f"{markup.escape(wait.client)} ({chat})"
        marked = {"user": user, "chat": chat}
        return self.texts.render_marked(
            lang, "attentiveness-escalation", markup.escape, marked,
            **{k: v for k, v in words.items() if k not in marked},
        )  # fmt: skip
