"""One message's way: cheap exits → claim → resolve → check → policy → record → nudge.

`Pipeline.handle` never raises: one bad message is logged with its ids and dropped, and the loop
goes on. When Redis is away, findings wait in a bounded buffer and go through the claims once it
is back, so nudges come late rather than twice; what overflows is counted and logged. Texts past
`max_text_chars` are checked on their first characters only (a megabyte paste must not stall the
loop), with a log line of ids. Every step counts into `Metrics`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from dataclasses import dataclass, field, replace
from enum import StrEnum

from bot.attentiveness.waits import Attentiveness, Clock, system_clock
from bot.domain import policy as rules_policy
from bot.domain.config import AgencyConfig
from bot.domain.models import IncomingMessage, Resolution
from bot.domain.policy import ClauseFindings
from bot.domain.ports import Ports
from bot.ops.metrics import CountingNotifier, Metrics
from bot.pipeline.nudges import Nudger, audit_entry, to_record
from bot.pipeline.resolver import Resolver
from bot.store.redis_store import MessageRef, RecordResult, RedisError, RedisStore, Windows, now_ms
from bot.texts import Texts
from rules import ChatKind, CheckContext, Checker

log = logging.getLogger("bot.pipeline")
DAY_MS = 86_400_000
MAX_TEXT_CHARS = 16_384


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
        metrics: Metrics | None = None,
        max_text_chars: int = MAX_TEXT_CHARS,
    ) -> None:
        self.metrics = metrics or Metrics()
        self.max_text_chars = max_text_chars
        self.checker = checker
        self.config = config
        self.store = store
        self.resolver = Resolver(config, store)
        self.texts = texts
        counted = Ports(CountingNotifier(ports.notifier, self.metrics), ports.compliance)
        self.nudger = Nudger(config, checker.ruleset, store, counted, texts)
        self.attentiveness = Attentiveness(config, store, checker.morph, clock)
        self.buffer: deque[Pending] = deque()
        self.buffer_size = buffer_size
        self.overflowed = 0
        self._down_until = 0.0
        self._flushing = asyncio.Lock()
        self._backoff = outage_backoff_s

    async def handle(self, message: IncomingMessage) -> Outcome:
        """Check one message and act on it; never raises."""
        started = time.perf_counter()
        try:
            return await self._handle(message)
        except Exception as error:
            if isinstance(error, RedisError):  # e.g. the resolver's binding lookup
                self.metrics.redis_errors.inc(step="handle")
            log.exception(
                "message failed platform=%s chat=%s message=%s event=%s",
                message.platform, message.chat_id, message.message_id, message.event_id,
                extra=ids(message),
            )  # fmt: skip
            return Outcome(Status.FAILED)
        finally:
            self.metrics.latency.observe(time.perf_counter() - started)

    async def _handle(self, message: IncomingMessage) -> Outcome:
        if _is_not_ours(message) or rules_policy.is_out_of_scope(message, self.config.policy):
            return Outcome(Status.IGNORED)
        message = self._limit(message)
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

    def _limit(self, message: IncomingMessage) -> IncomingMessage:
        """Keep the first `max_text_chars` characters of an oversized text; say so with ids."""
        size = len(message.text)
        if size <= self.max_text_chars:
            return message
        self.metrics.truncated.inc(platform=message.platform.value)
        log.warning(
            "message too long, checking its first %s of %s characters"
            " platform=%s chat=%s message=%s event=%s",
            self.max_text_chars, size, message.platform, message.chat_id, message.message_id,
            message.event_id, extra=ids(message),
        )  # fmt: skip
        return replace(message, text=message.text[: self.max_text_chars])

    async def _attend(self, message: IncomingMessage, resolution: Resolution) -> None:
        """Open a wait on a client's question, close it on a staff reply; never in the way."""
        if not self._redis_up():
            return
        try:
            await self.attentiveness.observe(message, resolution)
        except RedisError:
            self.metrics.redis_errors.inc(step="attentiveness")
            log.warning(
                "attentiveness unavailable platform=%s chat=%s message=%s",
                message.platform, message.chat_id, message.message_id,
            )  # fmt: skip

    def _check(self, message: IncomingMessage, resolution: Resolution) -> list[ClauseFindings]:
        kind = resolution.chat_kind or ChatKind.CLIENT
        context = CheckContext(kind, resolution.client)
        _, groups = rules_policy.judge(self.checker, message.text, context, self.config.policy)
        self.metrics.messages_checked.inc(platform=message.platform.value)
        for group in groups:
            self.metrics.findings.inc(clause=str(group.clause))
        return groups

    async def _record(self, pending: Pending, *, buffered: bool = False) -> Outcome:
        """Claim the delivery and record every clause's warning in one atomic step, then act.

        A message that fails for want of Redis goes to the buffer, unless it is already there
        (`buffered`: the flush leaves it in place).

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
            return Outcome(Status.BUFFERED) if buffered else self._buffer(pending)
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
            extra=ids(message) | {"clause": group.clause},
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
            self.metrics.redis_errors.inc(step="audit")
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
            self.metrics.redis_errors.inc(step="hold")
            log.warning("nudge not held platform=%s user=%s", message.platform, message.user_id)
            return 0

    def _buffer(self, pending: Pending) -> Outcome:
        if len(self.buffer) >= self.buffer_size:
            self.overflowed += 1
            self.metrics.buffer_overflow.inc()
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
        if self._flushing.locked():
            return 0  # another task is flushing: one at a time, or both would take the head
        done = 0
        async with self._flushing:
            while self.buffer:
                # Taken off the buffer only once recorded: a flush cancelled at shutdown, or
                # one that meets Redis gone again, leaves the message where it was.
                outcome = await self._record(self.buffer[0], buffered=True)
                if outcome.status is Status.BUFFERED:
                    return done
                self.buffer.popleft()
                done += 1
        return done

    def _redis_up(self) -> bool:
        return time.monotonic() >= self._down_until

    def _redis_failed(self, step: str, message: IncomingMessage) -> None:
        self._down_until = time.monotonic() + self._backoff
        self.metrics.redis_errors.inc(step=step)
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


def ids(message: IncomingMessage) -> dict[str, str]:
    """A message's ids as structured log fields (`extra=`); never its text."""
    return {
        "platform": message.platform.value, "chat": message.chat_id,
        "message_id": message.message_id, "user": message.user_id, "event": message.event_id,
    }  # fmt: skip
