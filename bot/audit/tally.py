"""What a scan counts: findings per clause and week, per chat, per rule and person, and examples.

Memory grows with the number of chats, people, weeks and rules, never with the number of
messages: every message is counted and let go. Findings of authors not known as staff yet wait
in `held` (ids, clause, rules and words only) until the end of the export decides.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.clock import week_of
from bot.domain.models import IncomingMessage
from bot.domain.policy import ClauseFindings
from rules import ChatKind, Finding

EXAMPLES_PER_CLAUSE = 4
# The scan's own reasons for not judging, beside the pipeline's cheap exits (`policy`) and the
# readers' (`domain.exports`); the report translates each of them.
CLIENTS_MESSAGE = "client's message"
IGNORED_CHAT = "chat ignored by policy"
SCAN_REASONS = (CLIENTS_MESSAGE, IGNORED_CHAT)
_CONTEXT = 90  # characters of the message kept on each side of a finding in an example


@dataclass(slots=True)
class ChatRow:
    """One chat's figures."""

    name: str
    kind: str
    client: str | None
    messages: int = 0
    judged: int = 0
    findings: int = 0


@dataclass(frozen=True, slots=True)
class Breach:
    """One clause breached by one message: what the bot would count as one warning."""

    when: datetime
    chat: str
    author: str
    message_id: str
    clause: int
    label: str
    rules: tuple[str, ...]
    words: tuple[str, ...]

    @property
    def week(self) -> str:
        """Return the Monday of the breach's week."""
        return week_of(self.when)


@dataclass(frozen=True, slots=True)
class Example:
    """A message excerpt with the matched words marked, for the report."""

    breach: Breach
    segments: tuple[tuple[str, bool], ...]  # (text, highlighted)


@dataclass(slots=True)
class ScanTally:
    """Every count the report shows."""

    on_breach: Callable[[Breach], None] = lambda _breach: None  # e.g. a CSV row, as found
    read: int = 0
    judged: int = 0
    with_findings: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    weekly: Counter[tuple[str, int]] = field(default_factory=Counter)
    clauses: Counter[int] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)
    authors: Counter[str] = field(default_factory=Counter)
    chats: dict[str, ChatRow] = field(default_factory=dict)
    examples: dict[int, list[Example]] = field(default_factory=dict)
    first: datetime | None = None
    last: datetime | None = None
    held: dict[str, list[tuple[list[Breach], Example | None]]] = field(default_factory=dict)
    held_clean: Counter[tuple[str, str]] = field(default_factory=Counter)

    def chat(self, key: str, name: str, kind: ChatKind | None, client: str | None) -> ChatRow:
        """Return the row of a chat, adding it the first time."""
        row = self.chats.get(key)
        if row is None:
            row = self.chats[key] = ChatRow(name, kind.value if kind else "ignored", client)
        return row

    def seen(self, when: datetime) -> None:
        """Widen the period the export covers."""
        if self.first is None or when < self.first:
            self.first = when
        if self.last is None or when > self.last:
            self.last = when

    def judge(
        self, message: IncomingMessage, findings: tuple[Finding, ...],
        groups: list[ClauseFindings], *, held: bool,
    ) -> None:  # fmt: skip
        """Count a checked staff message, or hold it while its author is undecided."""
        chat, author = message.chat_key, message.user_key
        if not groups:
            if held:
                self.held_clean[(author, chat)] += 1
            else:
                self._count_judged(chat)
            return
        breaches = [_breach(message, g) for g in groups]
        example = None
        clause = groups[0].clause
        if len(self.examples.get(clause, ())) < EXAMPLES_PER_CLAUSE:
            example = Example(breaches[0], excerpt(message.text, findings, clause))
        if held:
            self.held.setdefault(author, []).append((breaches, example))
        else:
            self._count(breaches, example)

    def settle(self, is_staff: Callable[[str], bool]) -> None:
        """Count the held messages of authors the export showed to be staff; skip the rest."""
        for author, items in self.held.items():
            for breaches, example in items:
                if is_staff(author):
                    self._count(breaches, example)
                else:
                    self.skipped[CLIENTS_MESSAGE] += 1
        for (author, chat), count in self.held_clean.items():
            if is_staff(author):
                for _ in range(count):
                    self._count_judged(chat)
            else:
                self.skipped[CLIENTS_MESSAGE] += count
        self.held.clear()
        self.held_clean.clear()

    def _count_judged(self, chat: str) -> None:
        self.judged += 1
        self.chats[chat].judged += 1

    def _count(self, breaches: list[Breach], example: Example | None) -> None:
        self._count_judged(breaches[0].chat)
        self.with_findings += 1
        for breach in breaches:
            self.weekly[(breach.week, breach.clause)] += 1
            self.clauses[breach.clause] += 1
            self.rules.update(breach.rules)
            self.authors[breach.author] += 1
            self.chats[breach.chat].findings += 1
            self.on_breach(breach)
        if example is not None:
            kept = self.examples.setdefault(example.breach.clause, [])
            if len(kept) < EXAMPLES_PER_CLAUSE:
                kept.append(example)

    @property
    def findings(self) -> int:
        """Return the number of warnings: one per message and clause."""
        return sum(self.clauses.values())


def _breach(message: IncomingMessage, group: ClauseFindings) -> Breach:
    return Breach(
        message.sent_at, message.chat_key, message.user_key, message.message_id,
        group.clause, group.label.value, group.rule_ids, group.words,
    )  # fmt: skip


def excerpt(text: str, findings: tuple[Finding, ...], clause: int) -> tuple[tuple[str, bool], ...]:
    """Cut the message around a clause's findings, marking the matched words."""
    spans = sorted((f.start, f.end) for f in findings if f.clause == clause)
    start = max(0, spans[0][0] - _CONTEXT)
    end = min(len(text), spans[-1][1] + _CONTEXT)
    segments: list[tuple[str, bool]] = [("…", False)] if start else []
    at = start
    for s, e in spans:
        if s < at:
            continue  # overlapping spans: the first one marks it
        if s > at:
            segments.append((text[at:s], False))
        segments.append((text[s:e], True))
        at = e
    if at < end:
        segments.append((text[at:end], False))
    if end < len(text):
        segments.append(("…", False))
    return tuple(segments)
