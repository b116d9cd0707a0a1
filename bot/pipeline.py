"""One message's way: cheap exits → claim → resolve → check → policy → record → nudge.

`Pipeline.handle` never raises: one bad message is logged with its ids and dropped, and the loop
goes on. When Redis is away, findings wait in a bounded buffer and go through the claims once it
is back, so nudges come late rather than twice; what overflows is counted and logged.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import deque
from dataclasses import dataclass, field, replace
from enum import StrEnum

from bot import policy as rules_policy
from bot.config import AgencyConfig
from bot.models import Escalation, IncomingMessage, Nudge, Resolution
from bot.policy import ClauseFindings, Step
from bot.ports import ComplianceChannel, Delivery, Notifier, Ports
from bot.resolver import Resolver
from bot.store import RedisError, RedisStore, WarningRef, Windows, now_ms
from bot.texts import Texts, language_of
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
    event_claimed: bool = False
    accepted_at_ms: int = field(default_factory=now_ms)


class Pipeline:
    """The shared async pipeline every adapter feeds."""

    def __init__(
        self,
        *,
        checker: Checker,
        config: AgencyConfig,
        store: RedisStore,
        ports: Ports,
        texts: Texts,
        buffer_size: int = 10_000,
        outage_backoff_s: float = 1.0,
    ) -> None:
        self.checker = checker
        self.config = config
        self.store = store
        self.resolver = Resolver(config, store)
        self.notifier: Notifier = ports.notifier
        self.compliance: ComplianceChannel = ports.compliance
        self.texts = texts
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
        claimed = await self._claim_event(message)
        if claimed is False:
            return Outcome(Status.DUPLICATE)
        resolution = await self.resolver.resolve(message)
        if resolution.chat_kind is None or not resolution.author_is_staff:
            return Outcome(Status.IGNORED)
        groups = self._check(message, resolution)
        if not groups:
            return Outcome(Status.CLEAN)
        pending = Pending(message, groups, event_claimed=claimed is True)
        if claimed is None:
            return self._buffer(pending)
        return await self._record(pending)

    async def _claim_event(self, message: IncomingMessage) -> bool | None:
        """Claim the delivery; None when Redis is away (the claim waits in the buffer)."""
        if not self._redis_up():
            return None
        try:
            return await self.store.claim_event(
                message.platform.value, message.chat_id, message.event_id
            )
        except RedisError:
            self._redis_failed("claim", message)
            return None

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
        """Record each clause's warning atomically, then nudge and escalate as policy says."""
        warnings = nudges = 0
        while pending.groups:
            group = pending.groups[0]
            try:
                result = await self._record_group(pending, group)
            except RedisError:
                self._redis_failed("record", pending.message)
                self._buffer(pending)
                return Outcome(Status.BUFFERED, warnings + len(pending.groups), nudges)
            pending.groups.pop(0)
            if result is None:
                continue
            warnings += 1
            count, may_nudge = result
            nudges += await self._act(pending.message, group, count, may_nudge)
        return Outcome(Status.RECORDED if warnings else Status.DUPLICATE, warnings, nudges)

    async def _record_group(
        self, pending: Pending, group: ClauseFindings
    ) -> tuple[int, bool] | None:
        message, policy = pending.message, self.config.policy
        ref = WarningRef(
            message.platform.value,
            message.user_id,
            message.chat_id,
            message.message_id,
            group.clause,
        )
        windows = Windows(policy.count_window_days * DAY_MS, policy.nudge_window_minutes * 60_000)
        result = await self.store.record(ref, group.rule_ids, windows, pending.accepted_at_ms)
        if not result.new:
            return None
        await self._audit(message, group, pending.accepted_at_ms)
        return result.count, result.may_nudge

    async def _audit(self, message: IncomingMessage, group: ClauseFindings, at_ms: int) -> None:
        entry = {
            "ts": str(at_ms),
            "platform": message.platform.value,
            "chat": message.chat_id,
            "user": message.user_id,
            "message": message.message_id,
            "clause": str(group.clause),
            "label": group.label.value,
            "rules": ",".join(group.rule_ids),
        }
        await self.store.audit(entry, self.config.policy.keep_days)

    async def _act(
        self, message: IncomingMessage, group: ClauseFindings, count: int, may_nudge: bool
    ) -> int:
        """Nudge the author (if the window allows) and escalate past the threshold."""
        policy = self.config.policy
        log.info(
            "warning platform=%s chat=%s message=%s user=%s clause=%s rules=%s count=%s",
            message.platform, message.chat_id, message.message_id, message.user_id,
            group.clause, ",".join(group.rule_ids), count,
        )  # fmt: skip
        if rules_policy.should_escalate(count, policy):
            await self._escalate(message, group, count)
        if not may_nudge:
            return 0
        nudge = self._nudge(message, group, rules_policy.step_for(count, policy))
        return await self.deliver(nudge, count)

    def _nudge(self, message: IncomingMessage, group: ClauseFindings, step: Step) -> Nudge:
        return Nudge(
            platform=message.platform,
            user_id=message.user_id,
            chat_id=message.chat_id,
            message_id=message.message_id,
            clause=group.clause,
            rule_id=group.rule_ids[0],
            label=group.label.value,
            words=group.words,
            suggestion=group.suggestion,
            step=step.value,
            language=language_of(message.text),
            thread_id=message.thread_id,
            business_connection_id=message.business_connection_id,
            token=secrets.token_urlsafe(9),
        )

    async def deliver(self, nudge: Nudge, count: int = 1) -> int:
        """Send a nudge privately; hold it when the platform will not let us write first."""
        text = self.render_nudge(nudge, count)
        button = self.texts.render(nudge.language, "feedback-button")
        await self.store.remember_nudge(nudge.token, _nudge_record(nudge))
        delivery = await self.notifier.nudge(nudge, text, button)
        if delivery is Delivery.UNREACHABLE:
            await self.store.hold_nudge(
                nudge.platform.value, nudge.user_id, _nudge_record(nudge) | {"count": count}
            )
            log.info(
                "nudge held platform=%s user=%s clause=%s",
                nudge.platform,
                nudge.user_id,
                nudge.clause,
            )
            return 0
        if delivery is Delivery.FAILED:
            log.warning(
                "nudge failed platform=%s user=%s clause=%s",
                nudge.platform,
                nudge.user_id,
                nudge.clause,
            )
            return 0
        return 1

    def render_nudge(self, nudge: Nudge, count: int) -> str:
        """Word a nudge from the data files: kind, specific, pointing to `/code N`."""
        clause = self.checker.ruleset.clause(nudge.clause)
        lang = nudge.language
        better = (
            self.texts.render(lang, "better-wording", suggestion=nudge.suggestion)
            if nudge.suggestion
            else ""
        )
        return self.texts.render(
            lang,
            "nudge-gentle" if nudge.step == Step.GENTLE else "nudge-reminder",
            clause=nudge.clause,
            title=clause.title if clause else "",
            clause_text=clause.text if clause else "",
            words=", ".join(f"«{w}»" for w in nudge.words),
            better=better,
            count=count,
            days=self.config.policy.count_window_days,
        )

    async def _escalate(self, message: IncomingMessage, group: ClauseFindings, count: int) -> None:
        policy, compliance = self.config.policy, self.config.compliance
        clause = self.checker.ruleset.clause(group.clause)
        words = group.words if compliance.include_text else ()
        escalation = Escalation(
            message.platform, message.user_id, message.chat_id, group.clause, count,
            policy.count_window_days, words,
        )  # fmt: skip
        text = self.texts.render(
            "ru", "escalation", user=message.user_id, platform=message.platform.value,
            count=count, clause=group.clause, title=clause.title if clause else "",
            days=policy.count_window_days, chat=message.chat_id,
        )  # fmt: skip
        if words:
            text += "\n" + self.texts.render("ru", "escalation-words", words=", ".join(words))
        await self.compliance.escalate(escalation, text)

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
            pending = self.buffer[0]
            try:
                if not pending.event_claimed:
                    message = pending.message
                    fresh = await self.store.claim_event(
                        message.platform.value, message.chat_id, message.event_id
                    )
                    if not fresh:
                        self.buffer.popleft()
                        continue
                    pending.event_claimed = True
                self.buffer.popleft()
                outcome = await self._record(pending)
            except RedisError:
                self._redis_failed("flush", pending.message)
                return done
            if outcome.status is Status.BUFFERED:
                return done  # _record put it back at the end; Redis went away again
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


def _nudge_record(nudge: Nudge) -> dict[str, object]:
    """What Redis keeps of a nudge: ids, the clause, the rule and the matched words only."""
    return {
        "platform": nudge.platform.value,
        "user_id": nudge.user_id,
        "chat_id": nudge.chat_id,
        "message_id": nudge.message_id,
        "clause": nudge.clause,
        "rule_id": nudge.rule_id,
        "label": nudge.label,
        "words": list(nudge.words),
        "suggestion": nudge.suggestion,
        "step": nudge.step,
        "language": nudge.language,
        "token": nudge.token,
    }


def nudge_from_record(record: dict[str, object]) -> Nudge:
    """Rebuild a held nudge from what Redis kept of it."""
    from bot.models import Platform  # noqa: PLC0415

    base = Nudge(
        platform=Platform(str(record["platform"])),
        user_id=str(record["user_id"]),
        chat_id=str(record["chat_id"]),
        message_id=str(record["message_id"]),
        clause=int(str(record["clause"])),
        rule_id=str(record["rule_id"]),
        label=str(record["label"]),
        words=tuple(str(w) for w in record.get("words", []) or []),  # type: ignore[attr-defined]
        suggestion=str(record["suggestion"]) if record.get("suggestion") else None,
        step=str(record["step"]),
        language=str(record.get("language", "ru")),
    )
    return replace(base, token=str(record.get("token", "")))
