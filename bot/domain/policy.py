"""Policy, pure: which findings count where, and the escalation ladder.

The checker reports what it sees; policy decides what the bot does about it. Values in, values
out: no Redis, no platform.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.config import PolicyConfig
from bot.domain.models import IncomingMessage
from rules import ChatKind, CheckContext, Checker, Finding, Label


class Step(StrEnum):
    """A rung of the escalation ladder."""

    GENTLE = "gentle"  # the first time: a kind word and a better wording
    REMINDER = "reminder"  # again: the clause's full text


@dataclass(frozen=True, slots=True)
class ClauseFindings:
    """The findings of one clause on one message: one warning, one nudge at most."""

    clause: int
    label: Label
    rule_ids: tuple[str, ...]
    words: tuple[str, ...]
    suggestion: str | None


def is_out_of_scope(message: IncomingMessage, policy: PolicyConfig) -> bool:
    """Tell whether the policy keeps the bot silent for this chat or author."""
    return message.chat_key in policy.silent_chats or message.user_key in policy.exempt_users


# The cheap exits, in order, each with the reason `kodeks scan` counts it under: what no
# message goes past, live or in an export, before anything costs a round trip or a check.
CHEAP_EXITS: tuple[tuple[str, Callable[[IncomingMessage], bool]], ...] = (
    ("service message", lambda m: m.is_service),
    ("forward", lambda m: m.is_forward),
    ("bot", lambda m: m.author_is_bot),
    ("chat the bot never sees", lambda m: m.is_private),
    ("no text", lambda m: not m.text.strip()),
)
OUT_OF_SCOPE = "silent chat or exempt"


def exit_reason(message: IncomingMessage, policy: PolicyConfig) -> str | None:
    """Why the bot lets a message go before looking at it, or None when it looks."""
    for reason, applies in CHEAP_EXITS:
        if applies(message):
            return reason
    return OUT_OF_SCOPE if is_out_of_scope(message, policy) else None


def applicable(
    findings: tuple[Finding, ...],
    chat_kind: ChatKind,
    policy: PolicyConfig,
    speaks_of_client: Callable[[], bool],
) -> tuple[Finding, ...]:
    """Keep the findings the policy counts in this kind of chat."""
    if chat_kind is ChatKind.CLIENT:
        labels = set(policy.client_chat_labels)
        return tuple(f for f in findings if f.label in labels)
    labels = set(policy.internal_chat_labels)
    kept = tuple(f for f in findings if f.label in labels)
    if policy.internal_mat_about_anyone or not any(f.label is Label.RUDENESS for f in kept):
        return kept
    if speaks_of_client():
        return kept
    return tuple(f for f in kept if f.label is not Label.RUDENESS)


def judge(
    checker: Checker, text: str, context: CheckContext, policy: PolicyConfig
) -> tuple[tuple[Finding, ...], list[ClauseFindings]]:
    """Check a text and keep what the policy counts: the findings, and them by clause."""
    findings = checker.check(text, context)
    if not findings:
        return (), []
    kept = applicable(
        findings, context.chat, policy, lambda: checker.speaks_of_client(text, context)
    )
    return kept, by_clause(kept)


def by_clause(findings: tuple[Finding, ...]) -> list[ClauseFindings]:
    """Group findings by clause, keeping the first better wording of each."""
    groups: dict[int, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.clause, []).append(finding)
    return [
        ClauseFindings(
            clause=clause,
            label=group[0].label,
            rule_ids=tuple(dict.fromkeys(f.rule_id for f in group)),
            words=tuple(dict.fromkeys(f.excerpt for f in group)),
            suggestion=next((f.suggestion for f in group if f.suggestion), None),
        )
        for clause, group in sorted(groups.items())
    ]


def step_for(count: int, policy: PolicyConfig) -> Step:
    """Return the nudge's rung for the author's n-th warning under a clause in the window."""
    return Step.GENTLE if count < policy.reminder_from else Step.REMINDER


def should_escalate(count: int, policy: PolicyConfig) -> bool:
    """Tell the compliance channel at the threshold and at each multiple of it after."""
    return count >= policy.escalate_from and count % policy.escalate_from == 0
