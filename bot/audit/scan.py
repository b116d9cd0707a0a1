"""`kodeks scan`: put an exported chat history through the bot's own judgement, and count.

Each exported message takes the pipeline's way without its side effects: the same cheap exits
(`policy.exit_reason`), the same `Resolver` (the export standing in for Redis), the checker and
`policy.judge`; then it is counted (`tally.ScanTally`) instead of recorded and nudged. People
are named by pseudonyms (P1, P2, …) unless `names` is set. An author not yet known as staff in
a client chat is «maybe»: the scan checks the message and holds its findings until the end of
the export decides.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.audit.tally import CLIENTS_MESSAGE, IGNORED_CHAT, Breach, ScanTally
from bot.domain import policy as rules_policy
from bot.domain.config import AgencyConfig
from bot.domain.exports import Export, ExportedMessage
from bot.pipeline.resolver import Author, Resolver
from rules import CheckContext, Checker

log = logging.getLogger("bot.scan")


@dataclass(slots=True)
class People:
    """Who is who in the report: real names, or pseudonyms (P1, P2, …) given as first named."""

    names: bool = False
    _names: dict[str, str] = field(default_factory=dict)
    _pseudonyms: dict[str, str] = field(default_factory=dict)

    def note(self, user_key: str, name: str) -> None:
        """Remember a person's name the first time they appear."""
        if self.names and user_key not in self._names:
            self._names[user_key] = name or user_key

    def __call__(self, user_key: str) -> str:
        """Return how the report names a person."""
        if self.names:
            return self._names.get(user_key, user_key)
        known = self._pseudonyms.get(user_key)
        if known is None:
            known = self._pseudonyms[user_key] = f"P{len(self._pseudonyms) + 1}"
        return known


@dataclass(slots=True)
class ScanResult:
    """A finished scan: the counts, who is who, and the export's own figures."""

    tally: ScanTally
    people: People
    platform: str
    skipped_reading: dict[str, int]
    notes: dict[str, int] = field(default_factory=dict)
    damaged: dict[str, int] = field(default_factory=dict)  # file → messages with unreadable text


class ExportScan:
    """One scan of one export."""

    def __init__(
        self,
        export: Export,
        config: AgencyConfig,
        checker: Checker,
        *,
        names: bool = False,
        on_breach: Callable[[Breach, People], None] | None = None,
    ) -> None:
        self.export = export
        self.config = config
        self.checker = checker
        self.resolver = Resolver(config)
        self.people = People(names)
        found = (lambda breach: on_breach(breach, self.people)) if on_breach else _no_op
        self.tally = ScanTally(on_breach=found)
        self.platform = ""

    def run(self, tick: Callable[[int], None] = lambda _n: None) -> ScanResult:
        """Read the whole export and count; `tick(n)` is called as messages go by."""
        owner_known = False
        for item in self.export.messages():
            if not owner_known and getattr(self.export, "owner", None):
                self.resolver.learn("telegram", str(getattr(self.export, "owner", "")))
                owner_known = True
            self.one(item)
            tick(self.tally.read)
        self.tally.settle(lambda key: self.resolver.is_known_staff(*key.split(":", 1)))
        log.info(
            "scan done messages=%s judged=%s findings=%s",
            self.tally.read, self.tally.judged, self.tally.findings,
        )  # fmt: skip
        stats = self.export.stats
        return ScanResult(
            self.tally, self.people, self.platform, dict(stats.skipped), dict(stats.notes),
            dict(stats.damaged),
        )  # fmt: skip

    def one(self, item: ExportedMessage) -> None:
        """Take one exported message the pipeline's way, counting instead of acting."""
        message, tally = item.message, self.tally
        self.platform = message.platform.value
        tally.read += 1
        chat = self.resolver.chat_of(message, item.chat_type)
        kind, client = chat.kind, chat.client
        tally.chat(message.chat_key, item.chat_name, kind, client).messages += 1
        reason = rules_policy.exit_reason(message, self.config.policy)
        if reason is None and kind is None:
            reason = IGNORED_CHAT
        if reason is not None:
            tally.skipped[reason] += 1
            return
        assert kind is not None  # an ignored chat has its reason
        author = self.resolver.author_of(message, kind)
        if author is Author.NEW_STAFF:
            self.resolver.learn(message.platform.value, message.user_id)
        if author is Author.CLIENT:
            tally.skipped[CLIENTS_MESSAGE] += 1
            return
        self.people.note(message.user_key, item.author_name)
        tally.seen(message.sent_at)
        context = CheckContext(kind, client)
        kept, groups = rules_policy.judge(self.checker, message.text, context, self.config.policy)
        tally.judge(message, kept, groups, held=author is Author.MAYBE)


def _no_op(_breach: Breach) -> None:
    return None
