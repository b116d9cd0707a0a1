"""One message's way: cheap exits → claim → resolve → check → policy → record → nudge.

`Pipeline.handle` never raises: one bad message is logged with its ids and dropped, and the loop
goes on. When Redis is away, findings wait in a bounded buffer and go through the claims once it
is back, so nudges come late rather than twice; what overflows is counted and logged.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum

from bot import policy as rules_policy
from bot.attentiveness import Attentiveness, Clock, system_clock
from bot.config import AgencyConfig
from bot.models import IncomingMessage, Resolution
from bot.nudges import Nudger, audit_entry, to_record
from bot.policy import ClauseFindings
from bot.ports import Ports
from bot.resolver import Resolver
from bot.store import MessageRef, RecordResult, RedisError, RedisStore, Windows, now_ms
from bot.texts import Texts
from rules import ChatKind, CheckContext, Checker

log = logging.getLogger("bot.pipeline")
DAY_MS = 86_400_000


class Status(StrEnum):
    """How `handle()` ended for a message."""

    IGNORED = "ignored"  # not ours: bots, forwards, clients, silent chats
    DUPLICATE = "duplicate"  # a re-delivery
    CLEAN = "clean"
    RECORDED = "recorded"
    BUFFERED = "buffered"  # Redis is away: counted once it is back
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What `handle()` did: the warnings it accepted and the nudges it sent."""

    status: Status
    warnings: int = 0
    nudges: int = 0


@dataclass(slots=True)
class Pending:
    """Findings waiting for Redis: ids, clauses, rules and matched words only, never the text."""

    message: IncomingMessage
    groups: list[ClauseFindings]
    accepted_at_ms: int = field(default_factory=now_ms)


class Pipeline:
    """The shared async pipeline every adapter feeds."""

    def __init__(  # noqa: PLR0913 - keyword-only collaborators, each with a default but the core
        self,
        *,
        checker: Checker,
        config: AgencyConfig,
        store: RedisStore,
        ports: Ports,
        texts: Texts,
        buffer_size: int = 10_000,
        outage_backoff_s: float = 1.0,
        clock: Clock = system_clock,
    ) -> None:
        self.checker = checker
        self.config = config
        self.store = store
        self.resolver = Resolver(config, store)
        self.texts = texts
        self.nudger = Nudger(config, checker.ruleset, store, ports, texts)
        self.attentiveness = Attentiveness(config, store, checker.morph, clock)
        self.buffer: deque[Pending] = deque()
        self.buffer_size = buffer_size
        self.overflowed = 0
        self._down_until = 0.0
        self._backoff = outage_backoff_s

    async def handle(self, message: IncomingMessage) -> Outcome:
        """Check one message and act on it; never raises."""
        try:
            return await self._handle(message)
        except Exception:
            log.exception(
                "message failed platform=%s chat=%s message=%s event=%s",
                message.platform, message.chat_id, message.message_id, message.event_id,
            )  # fmt: skip
            return Outcome(Status.FAILED)

    async def _handle(self, message: IncomingMessage) -> Outcome:
        if _is_not_ours(message) or rules_policy.is_out_of_scope(message, self.config.policy):
            return Outcome(Status.IGNORED)
        if self.buffer and self._redis_up():
            await self.flush()
        resolution = await self.resolver.resolve(message)
        await self._attend(message, resolution)
        if resolution.chat_kind is None or not resolution.author_is_staff:
            return Outcome(Status.IGNORED)
        groups = self._check(message, resolution)
        if not groups:
            return Outcome(Status.CLEAN)
        pending = Pending(message, groups)
        if not self._redis_up():
            return self._buffer(pending)
        return await self._record(pending)

    async def _attend(self, message: IncomingMessage, resolution: Resolution) -> None:
        """Open a wait on a client's question, close it on a staff reply; never in the way."""
        if not self._redis_up():
            return
        try:
            await self.attentiveness.observe(message, resolution)
        except RedisError:
            log.warning(
                "attentiveness unavailable platform=%s chat=%s message=%s",
                message.platform, message.chat_id, message.message_id,
            )  # fmt: skip

    def _check(self, message: IncomingMessage, resolution: Resolution) -> list[ClauseFindings]:
        kind = resolution.chat_kind or ChatKind.CLIENT
        context = CheckContext(kind, resolution.client)
        findings = self.checker.check(message.text, context)
        if not findings:
            return []
        kept = rules_policy.applicable(
            findings,
            kind,
            self.config.policy,
            lambda: self.checker.speaks_of_client(message.text, context),
        )
        return rules_policy.by_clause(kept)

    async def _record(self, pending: Pending) -> Outcome:
        """Claim the delivery and record every clause's warning in one atomic step, then act.

        Delivery claim and finding claims make it idempotent: a re-delivery, a retry after an
        outage or an edit that keeps its findings counts nothing twice and nudges nobody twice.
        """
        message, policy = pending.message, self.config.policy
        ref = MessageRef(
            message.platform.value, message.user_id, message.chat_id, message.message_id,
            message.event_id,
        )  # fmt: skip
        windows = Windows(policy.count_window_days * DAY_MS, policy.nudge_window_minutes * 60_000)
        clauses = [(g.clause, g.rule_ids) for g in pending.groups]
        try:
            results = await self.store.record(ref, clauses, windows, pending.accepted_at_ms)
        except RedisError:
            self._redis_failed("record", message)
            return self._buffer(pending)
        if results is None:
            return Outcome(Status.DUPLICATE)
        warnings = nudges = 0
        for group, result in zip(pending.groups, results, strict=True):
            if result.new:
                warnings += 1
                nudges += await self._act(pending, group, result)
        return Outcome(Status.RECORDED if warnings else Status.DUPLICATE, warnings, nudges)

    async def _act(self, pending: Pending, group: ClauseFindings, result: RecordResult) -> int:
        """Log the warning, escalate past the threshold, and nudge if the window allows."""
        message, policy = pending.message, self.config.policy
        log.info(
            "warning platform=%s chat=%s message=%s user=%s clause=%s rules=%s count=%s",
            message.platform, message.chat_id, message.message_id, message.user_id,
            group.clause, ",".join(group.rule_ids), result.count,
        )  # fmt: skip
        step = rules_policy.step_for(result.count, policy)
        nudge = self.nudger.build(message, group, step) if result.may_nudge else None
        try:
            await self.store.audit(
                audit_entry(message, group, pending.accepted_at_ms),
                policy.keep_days,
                remember=(nudge.token, to_record(nudge)) if nudge else None,
            )
        except RedisError:  # the warning is counted; only its audit line and button are lost
            log.warning(
                "audit unavailable platform=%s message=%s", message.platform, message.message_id
            )
        if rules_policy.should_escalate(result.count, policy):
            await self.nudger.escalate(message, group, result.count)
        if nudge is None:
            return 0
        try:
            return await self.nudger.send(nudge, result.count)
        except RedisError:
            log.warning("nudge not held platform=%s user=%s", message.platform, message.user_id)
            return 0

    def _buffer(self, pending: Pending) -> Outcome:
        if len(self.buffer) >= self.buffer_size:
            self.overflowed += 1
            log.error(
                "outage buffer full, not counted platform=%s chat=%s message=%s overflowed=%s",
                pending.message.platform, pending.message.chat_id, pending.message.message_id,
                self.overflowed,
            )  # fmt: skip
            return Outcome(Status.FAILED)
        self.buffer.append(pending)
        return Outcome(Status.BUFFERED, len(pending.groups))

    async def flush(self) -> int:
        """Put buffered findings through the claims; return how many messages went through."""
        done = 0
        while self.buffer:
            outcome = await self._record(self.buffer.popleft())
            if outcome.status is Status.BUFFERED:
                return done  # Redis went away again; _record put the message back
            done += 1
        return done

    def _redis_up(self) -> bool:
        return time.monotonic() >= self._down_until

    def _redis_failed(self, step: str, message: IncomingMessage) -> None:
        self._down_until = time.monotonic() + self._backoff
        log.warning(
            "redis unavailable at %s platform=%s chat=%s message=%s buffered=%s",
            step, message.platform, message.chat_id, message.message_id, len(self.buffer),
        )  # fmt: skip


def _is_not_ours(message: IncomingMessage) -> bool:
    """Cheap exits: bots, forwards, service messages, private chats with the bot, no text."""
    return (
        message.author_is_bot
        or message.is_forward
        or message.is_service
        or message.is_private
        or not message.text.strip()
    )
