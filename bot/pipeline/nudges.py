"""Nudges and escalations: worded from the data files, sent through the ports, held when the
platform will not let the bot write first, and remembered for the feedback button."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from bot.domain.config import AgencyConfig
from bot.domain.models import Escalation, IncomingMessage, Nudge, NudgePart
from bot.domain.policy import ClauseFindings, Step
from bot.domain.ports import Delivery, Ports
from bot.store.records import AuditEntry, HeldNudge
from bot.store.redis_store import RedisStore
from bot.texts import Texts, language_of
from rules import RuleSet

log = logging.getLogger("bot.nudges")


@dataclass(slots=True)
class Nudger:
    """Word and deliver the bot's private messages."""

    config: AgencyConfig
    ruleset: RuleSet
    store: RedisStore
    ports: Ports
    texts: Texts

    def build(
        self,
        message: IncomingMessage,
        group: ClauseFindings,
        step: Step,
        also: tuple[ClauseFindings, ...] = (),
        language: str | None = None,
    ) -> Nudge:
        """Make the one nudge of a message: its first clause, and every other one it breaks.

        In `language`, else in the message's own (a message that waited for Redis has no text).
        """
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
            language=language or language_of(message.text),
            thread_id=message.thread_id,
            business_connection_id=message.business_connection_id,
            token=secrets.token_urlsafe(9),
            also=tuple(
                NudgePart(g.clause, g.rule_ids[0], g.label.value, g.words, g.suggestion)
                for g in also
            ),
        )

    def render(self, nudge: Nudge, count: int) -> str:
        """Word a nudge: kind, specific (clause, words, a better wording), pointing to /code N."""
        clause = self.ruleset.clause(nudge.clause)
        lang = nudge.language
        better = (
            self.texts.render(lang, "better-wording", suggestion=nudge.suggestion)
            if nudge.suggestion
            else ""
        )
        text = self.texts.render(
            lang,
            "nudge-gentle" if nudge.step == Step.GENTLE else "nudge-reminder",
            clause=nudge.clause,
            title=clause.title_in(lang) if clause else "",
            clause_text=clause.text if clause else "",
            words=", ".join(f"«{w}»" for w in nudge.words),
            better=better,
            count=count,
            days=self.config.policy.count_window_days,
        )
        return "\n".join([text, *(self._also(lang, part) for part in nudge.also)])

    def _also(self, lang: str, part: NudgePart) -> str:
        clause = self.ruleset.clause(part.clause)
        better = (
            self.texts.render(lang, "better-wording", suggestion=part.suggestion)
            if part.suggestion
            else ""
        )
        return self.texts.render(
            lang,
            "nudge-also",
            clause=part.clause,
            title=clause.title_in(lang) if clause else "",
            words=", ".join(f"«{w}»" for w in part.words),
            better=better,
        )

    async def send(self, nudge: Nudge, count: int) -> int:
        """Send a nudge to its author only; hold it when the platform will not let us write."""
        text = self.render(nudge, count)
        button = self.texts.render(nudge.language, "feedback-button")
        delivery = await self.ports.notifier.nudge(nudge, text, button)
        ids = (nudge.platform, nudge.user_id, nudge.clause)
        if delivery is Delivery.UNREACHABLE:
            await self.store.hold_nudge(HeldNudge(nudge, count))
            log.info("nudge held platform=%s user=%s clause=%s", *ids)
            return 0
        if delivery is Delivery.FAILED:
            log.warning("nudge failed platform=%s user=%s clause=%s", *ids)
            return 0
        return 1

    async def escalate(self, message: IncomingMessage, group: ClauseFindings, count: int) -> None:
        """Tell the compliance channel: who, which clause, how often; words only if configured."""
        policy, compliance = self.config.policy, self.config.compliance
        words = group.words if compliance.include_text else ()
        escalation = Escalation(
            message.platform, message.user_id, message.chat_id, group.clause, count,
            policy.count_window_days, words,
        )  # fmt: skip
        try:
            await self.ports.compliance.escalate(
                escalation, self._escalation_text(message, group, count, words)
            )
        except Exception:  # a platform error must not undo the recorded warning
            log.exception(
                "escalation failed platform=%s user=%s", message.platform, message.user_id
            )

    def _escalation_text(
        self, message: IncomingMessage, group: ClauseFindings, count: int, words: tuple[str, ...]
    ) -> str:
        """The escalation in its platform's markup: the person and the chat as mentions."""
        markup = self.ports.compliance.markup(message.platform)
        lang, clause = markup.language, self.ruleset.clause(group.clause)
        name = self.config.staff_name(message.platform.value, message.user_id)
        marked = {
            "user": markup.person(message.user_id, name),
            "chat": markup.chat(message.chat_id, message.chat_title),
        }
        text = self.texts.render_marked(
            lang, "escalation", markup.escape, marked, platform=message.platform.value,
            count=count, clause=group.clause, title=clause.title_in(lang) if clause else "",
            days=self.config.policy.count_window_days,
        )  # fmt: skip
        if words:
            said = self.texts.render(lang, "escalation-words", words=", ".join(words))
            text += "\n" + markup.escape(said)
        return text


def audit_entry(message: IncomingMessage, group: ClauseFindings, at_ms: int) -> AuditEntry:
    """The audit trail's line for one warning: ids, clause, rules and time, no text."""
    return AuditEntry(
        at_ms=at_ms, platform=message.platform.value, chat=message.chat_id,
        user=message.user_id, message=message.message_id, clause=group.clause,
        label=group.label.value, rules=group.rule_ids,
    )  # fmt: skip
