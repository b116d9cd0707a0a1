"""One message's way: cheap exits → claim → resolve → check → policy → record → nudge.

`Pipeline.handle` never raises: one bad message is logged with its ids and dropped, and the loop
goes on. When Redis is away, findings wait in the `OutageBuffer` and go through the claims once it
is back; what overflows is counted and logged. Texts past `max_text_chars` are checked on their
first characters only (a megabyte paste must not stall the loop), with a log line of ids. Every
step counts into `Metrics`. The pipeline is handed its collaborators (see `bot.core`); it builds
none of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from bot.attentiveness.waits import Attentiveness
from bot.domain import policy as rules_policy
from bot.domain.clock import DAY_MS, MINUTE_MS
from bot.domain.config import PolicyConfig
from bot.domain.models import IncomingMessage, Nudge, Platform, Resolution
from bot.domain.policy import ClauseFindings, Step
from bot.ops.metrics import Metrics
from bot.pipeline.nudges import Nudger, audit_entry
from bot.pipeline.outage import OutageBuffer, Pending
from bot.pipeline.resolver import Resolver
from bot.store.redis_store import (
    MessageRef,
    RecordResult,
    RedisError,
    RedisStore,
    Windows,
    is_outage,
)
from bot.texts import language_of
from rules import ChatKind, CheckContext, Checker

log = logging.getLogger("bot.pipeline")
MAX_TEXT_CHARS = 16_384
CONCURRENCY = 64  # messages in handle() at once, per process
# Longer texts are checked in a worker thread: the check is linear, but tens of thousands of
# characters take tens of milliseconds, and the loop has other messages and pings to serve.
THREAD_FROM_CHARS = 2_000
# Redis stamps an audit line by its own clock, the message was accepted by ours.
AUDIT_CLOCK_MARGIN_MS = 5 * MINUTE_MS


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
    """What `handle()` did: the warnings it accepted, the nudges it sent, the clauses found."""

    status: Status
    warnings: int = 0
    nudges: int = 0
    clauses: tuple[int, ...] = ()


class Pipeline:
    """The shared async pipeline every adapter feeds."""

    def __init__(  # noqa: PLR0913 - keyword-only collaborators, handed over by the root
        self,
        *,
        checker: Checker,
        policy: PolicyConfig,
        store: RedisStore,
        resolver: Resolver,
        nudger: Nudger,
        attentiveness: Attentiveness,
        metrics: Metrics,
        outage: OutageBuffer,
        max_text_chars: int = MAX_TEXT_CHARS,
        concurrency: int = CONCURRENCY,
    ) -> None:
        self._checker, self._policy, self._store = checker, policy, store
        # However many deliveries Bolt or aiogram start at once, this many are worked on.
        self._slots = asyncio.Semaphore(concurrency)
        # Deliveries the platform has acknowledged and handle() has not finished: shutdown waits
        # for them (Bolt runs each in a task of its own, which the loop's end would cancel).
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._flush_due = asyncio.Event()  # set when Redis looks back and findings wait
        self._resolver, self._nudger, self._attentiveness = resolver, nudger, attentiveness
        self._metrics, self._outage, self._max_text_chars = metrics, outage, max_text_chars
        # The counters every message moves, looked up once per label value, not per message.
        self._checked = {p: metrics.messages_checked.labels(p.value) for p in Platform}
        self._found: dict[int, Any] = {}

    async def handle(self, message: IncomingMessage) -> Outcome:
        """Check one message and act on it; never raises."""
        started = time.perf_counter()
        self._in_flight += 1
        self._idle.clear()
        try:
            async with self._slots:
                return await self._handle(message)
        except Exception as error:
            if isinstance(error, RedisError):  # e.g. the resolver's binding lookup
                self._metrics.redis_errors.labels("handle").inc()
            log.exception(
                "message failed platform=%s chat=%s message=%s event=%s",
                message.platform, message.chat_id, message.message_id, message.event_id,
                extra=ids(message),
            )  # fmt: skip
            return Outcome(Status.FAILED)
        finally:
            self._metrics.latency.observe(time.perf_counter() - started)
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()

    @property
    def in_flight(self) -> int:
        """How many handle() calls are under way."""
        return self._in_flight

    async def flush_due(self, timeout_s: float) -> None:
        """Wait until a message finds Redis back while findings wait, or `timeout_s` passes."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout_s):
                await self._flush_due.wait()
        self._flush_due.clear()

    async def settle(self) -> None:
        """Return once no handle() call is under way (at shutdown, after intake has stopped)."""
        await self._idle.wait()

    async def _handle(self, message: IncomingMessage) -> Outcome:
        if rules_policy.exit_reason(message, self._policy) is not None:
            return Outcome(Status.IGNORED)
        message = self._limit(message)
        if self._outage and self._outage.is_up():
            self._flush_due.set()  # the flusher drains the buffer; this message does not wait
        resolution = await self._resolver.resolve(message)
        await self._attend(message, resolution)
        if resolution.chat_kind is None or not resolution.author_is_staff:
            return Outcome(Status.IGNORED)
        groups = await self._check(message, resolution)
        if not groups:
            return Outcome(Status.CLEAN)
        pending = Pending.of(message, groups, language_of(message.text))
        if not self._outage.is_up():
            return self._buffer(pending)
        return await self._record(pending)

    def _limit(self, message: IncomingMessage) -> IncomingMessage:
        """Keep the first `max_text_chars` characters of an oversized text; say so with ids."""
        size, limit = len(message.text), self._max_text_chars
        if size <= limit:
            return message
        self._metrics.truncated.labels(message.platform.value).inc()
        log.warning(
            "message too long, checking its first %s of %s characters"
            " platform=%s chat=%s message=%s event=%s",
            limit, size, message.platform, message.chat_id, message.message_id,
            message.event_id, extra=ids(message),
        )  # fmt: skip
        return replace(message, text=message.text[:limit])

    async def _attend(self, message: IncomingMessage, resolution: Resolution) -> None:
        """Open a wait on a client's question, close it on a staff reply; never in the way."""
        if not self._outage.is_up():
            return
        try:
            await self._attentiveness.observe(message, resolution)
        except RedisError:
            self._metrics.redis_errors.labels("attentiveness").inc()
            log.warning(
                "attentiveness unavailable platform=%s chat=%s message=%s",
                message.platform, message.chat_id, message.message_id,
            )  # fmt: skip

    async def _check(
        self, message: IncomingMessage, resolution: Resolution
    ) -> list[ClauseFindings]:
        kind = resolution.chat_kind or ChatKind.CLIENT
        context = CheckContext(kind, resolution.client)
        judge = functools.partial(
            rules_policy.judge, self._checker, message.text, context, self._policy
        )
        if len(message.text) >= THREAD_FROM_CHARS:
            _, groups = await asyncio.to_thread(judge)
        else:
            _, groups = judge()
        self._checked[message.platform].inc()
        for group in groups:
            found = self._found.get(group.clause)
            if found is None:
                found = self._found[group.clause] = self._metrics.findings.labels(str(group.clause))
            found.inc()
        return groups

    async def _record(self, pending: Pending, *, buffered: bool = False) -> Outcome:
        """Claim the delivery and record every clause's warning in one atomic step, then act.

        A message that fails for want of Redis goes to the buffer, unless it is already there
        (`buffered`: the flush leaves it in place).

        Delivery claim and finding claims make it idempotent: a re-delivery, a retry after an
        outage or an edit that keeps its findings counts nothing twice and nudges nobody twice.
        """
        message, policy = pending.message, self._policy
        ref = MessageRef(
            message.platform.value, message.user_id, message.chat_id, message.message_id,
            message.event_id,
        )  # fmt: skip
        windows = Windows(
            policy.count_window_days * DAY_MS, policy.nudge_window_minutes * MINUTE_MS
        )
        clauses = [(g.clause, g.rule_ids) for g in pending.groups]
        found = tuple(g.clause for g in pending.groups)
        try:
            results = await self._store.record(
                ref, clauses, windows, pending.accepted_at_ms, pending.attempt
            )
        except RedisError as error:
            if not is_outage(error):  # retrying would fail the same way, and block the rest
                self._data_error("record", message, error)
                return Outcome(Status.FAILED, clauses=found)
            self._redis_failed("record", message)
            return Outcome(Status.BUFFERED, clauses=found) if buffered else self._buffer(pending)
        if results is None:
            return Outcome(Status.DUPLICATE, clauses=found)
        new = [(g, r) for g, r in zip(pending.groups, results, strict=True) if r.new]
        for group, result in new:
            await self._warn(pending, group, result)
        nudge, count = self._nudge_for(pending, [(g, r) for g, r in new if r.may_nudge])
        await self._audit(pending, [g for g, _ in new], nudge)
        nudges = await self._send(pending, nudge, count) if nudge is not None else 0
        status = Status.RECORDED if new else Status.DUPLICATE
        return Outcome(status, len(new), nudges, found)

    async def _warn(self, pending: Pending, group: ClauseFindings, result: RecordResult) -> None:
        """Log a clause's warning, and escalate it past the threshold."""
        message = pending.message
        log.info(
            "warning platform=%s chat=%s message=%s user=%s clause=%s rules=%s count=%s",
            message.platform, message.chat_id, message.message_id, message.user_id,
            group.clause, ",".join(group.rule_ids), result.count,
            extra=ids(message) | {"clause": group.clause},
        )  # fmt: skip
        if rules_policy.should_escalate(result.count, self._policy):
            await self._nudger.escalate(message, group, result.count)

    def _nudge_for(
        self, pending: Pending, nudgeable: list[tuple[ClauseFindings, RecordResult]]
    ) -> tuple[Nudge | None, int]:
        """One nudge for the message, naming every clause the window lets us nudge about.

        It speaks of its first clause with that clause's count; a reminder if any clause is
        past its gentle first nudges.
        """
        if not nudgeable:
            return None, 0
        (first, result), others = nudgeable[0], nudgeable[1:]
        steps = {rules_policy.step_for(r.count, self._policy) for _, r in nudgeable}
        step = Step.REMINDER if Step.REMINDER in steps else Step.GENTLE
        also = tuple(g for g, _ in others)
        nudge = self._nudger.build(pending.message, first, step, also, pending.language)
        return nudge, result.count

    async def _audit(
        self, pending: Pending, groups: list[ClauseFindings], nudge: Nudge | None
    ) -> None:
        """Write the audit trail's line of every new warning, and keep the nudge for its button."""
        message, written = pending.message, 0
        try:
            for group in groups:
                entry = audit_entry(message, group, pending.accepted_at_ms)
                await self._store.audit(
                    entry, self._policy.keep_days, remember=nudge if written == 0 else None
                )
                written += 1
        except RedisError as error:
            if not is_outage(error):
                self._audit_refused(message, error)
                return
            # Counted and nudged, but Redis went before the audit lines: they wait (journalled
            # with the rest) and are written once Redis is back, never the warning again.
            rest = replace(
                pending, groups=groups[written:], row=None, audit_only=True,
                nudge=nudge if written == 0 else None,
            )  # fmt: skip
            self._redis_failed("audit", message)
            if not self._outage.keep(rest):
                self._metrics.buffer_overflow.inc()
                log.error(
                    "outage buffer full, audit lines lost platform=%s message=%s overflowed=%s",
                    message.platform, message.message_id, self._outage.overflowed,
                )  # fmt: skip

    async def _send(self, pending: Pending, nudge: Nudge, count: int) -> int:
        message = pending.message
        try:
            return await self._nudger.send(nudge, count)
        except RedisError:
            self._metrics.redis_errors.labels("hold").inc()
            log.warning("nudge not held platform=%s user=%s", message.platform, message.user_id)
            return 0

    def _buffer(self, pending: Pending) -> Outcome:
        found = tuple(g.clause for g in pending.groups)
        if not self._outage.keep(pending):
            self._metrics.buffer_overflow.inc()
            log.error(
                "outage buffer full, not counted platform=%s chat=%s message=%s overflowed=%s",
                pending.message.platform, pending.message.chat_id, pending.message.message_id,
                self._outage.overflowed,
            )  # fmt: skip
            return Outcome(Status.FAILED, clauses=found)
        return Outcome(Status.BUFFERED, len(pending.groups), clauses=found)

    async def flush(self) -> int:
        """Put buffered findings through the claims; return how many messages went through."""
        return await self._outage.drain(self._recorded)

    async def _recorded(self, pending: Pending) -> bool:
        if pending.audit_only:
            return await self._audited(pending)
        outcome = await self._record(pending, buffered=True)
        return outcome.status is not Status.BUFFERED

    async def _audited(self, pending: Pending) -> bool:
        """Write the audit lines that waited for Redis; False when it failed again.

        A line whose write reached Redis just before it went (the reply lost) is there already:
        the trail since the message was accepted (less a margin for the clocks) is looked at
        first, so it is not written twice.
        """
        message, since_ms = pending.message, pending.accepted_at_ms - AUDIT_CLOCK_MARGIN_MS
        for i, group in enumerate(pending.groups):
            entry = audit_entry(message, group, pending.accepted_at_ms)
            remember = pending.nudge if i == 0 else None
            try:
                if not await self._store.holds_audit_line(entry, since_ms):
                    await self._store.audit(entry, self._policy.keep_days, remember=remember)
                elif remember is not None:
                    await self._store.remember_nudge(remember)
            except RedisError as error:
                if not is_outage(error):
                    self._audit_refused(message, error)
                    return True
                self._redis_failed("audit", message)
                if i:  # the lines written stay written
                    pending.groups, pending.nudge = pending.groups[i:], None
                return False
        return True

    def _audit_refused(self, message: IncomingMessage, error: RedisError) -> None:
        """The warnings are counted and nudged; only these audit lines are lost."""
        self._metrics.redis_errors.labels("audit-data").inc()
        log.error(
            "redis refused the data at audit, audit line lost platform=%s message=%s error=%s",
            message.platform, message.message_id, type(error).__name__,
        )  # fmt: skip

    def _data_error(self, step: str, message: IncomingMessage, error: RedisError) -> None:
        self._metrics.redis_errors.labels(f"{step}-data").inc()
        log.error(
            "redis refused the data at %s, not counted platform=%s chat=%s message=%s error=%s",
            step, message.platform, message.chat_id, message.message_id, type(error).__name__,
        )  # fmt: skip

    def _redis_failed(self, step: str, message: IncomingMessage) -> None:
        self._outage.went_down()
        self._metrics.redis_errors.labels(step).inc()
        log.warning(
            "redis unavailable at %s platform=%s chat=%s message=%s buffered=%s",
            step, message.platform, message.chat_id, message.message_id, len(self._outage),
        )  # fmt: skip


def ids(message: IncomingMessage) -> dict[str, str]:
    """A message's ids as structured log fields (`extra=`); never its text."""
    return {
        "platform": message.platform.value, "chat": message.chat_id,
        "message_id": message.message_id, "user": message.user_id, "event": message.event_id,
    }  # fmt: skip
