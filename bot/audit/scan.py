"""`kodeks scan`: put an exported chat history through the bot's own judgement, and count.

Each exported message takes the pipeline's way without its side effects: the same cheap exits,
the resolver's answers (`bot.scan_resolver`), the checker, and policy's `applicable` and
`by_clause`; then it is counted (`bot.scan_tally`) instead of recorded and nudged. People are
named by pseudonyms (P1, P2, …) unless `names` is set.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.audit.scan_resolver import Author, ScanResolver
from bot.audit.tally import Hit, Tally
from bot.domain import policy as rules_policy
from bot.domain.config import AgencyConfig
from bot.domain.exports import Export, ExportedMessage
from bot.domain.models import IncomingMessage
from rules import ChatKind, CheckContext, Checker

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

    tally: Tally
    people: People
    platform: str
    skipped_reading: dict[str, int]
    notes: dict[str, int] = field(default_factory=dict)


class Scan:
    """One scan of one export."""

    def __init__(
        self,
        export: Export,
        config: AgencyConfig,
        checker: Checker,
        *,
        names: bool = False,
        on_hit: Callable[[Hit, People], None] | None = None,
    ) -> None:
        self.export = export
        self.config = config
        self.checker = checker
        self.resolver = ScanResolver(config)
        self.people = People(names)
        self.tally = Tally(on_hit=(lambda hit: on_hit(hit, self.people)) if on_hit else _no_op)
        self.platform = ""

    def run(self, tick: Callable[[int], None] = lambda _n: None) -> ScanResult:
        """Read the whole export and count; `tick(n)` is called as messages go by."""
        owner_known = False
        for item in self.export.messages():
            if not owner_known and getattr(self.export, "owner", None):
                self.resolver.add_owner("telegram", str(getattr(self.export, "owner", "")))
                owner_known = True
            self.one(item)
            tick(self.tally.read)
        self.tally.settle(lambda key: self.resolver.is_staff(*key.split(":", 1)))
        log.info(
            "scan done messages=%s judged=%s findings=%s",
            self.tally.read, self.tally.judged, self.tally.findings,
        )  # fmt: skip
        stats = self.export.stats
        return ScanResult(
            self.tally, self.people, self.platform, dict(stats.skipped), dict(stats.notes)
        )

    def one(self, item: ExportedMessage) -> None:
        """Take one exported message the pipeline's way, counting instead of acting."""
        message, tally = item.message, self.tally
        self.platform = message.platform.value
        tally.read += 1
        kind, client = self.resolver.chat(message, item.chat_type)
        tally.chat(message.chat_key, item.chat_name, kind, client).messages += 1
        reason = self._skip_reason(message, kind)
        if reason:
            tally.skipped[reason] += 1
            return
        assert kind is not None  # _skip_reason returned a reason for ignored chats
        author = self.resolver.author(message, kind)
        if author is Author.CLIENT:
            tally.skipped["client's message"] += 1
            return
        self.people.note(message.user_key, item.author_name)
        tally.seen(message.sent_at)
        context = CheckContext(kind, client)
        kept, groups = rules_policy.judge(self.checker, message.text, context, self.config.policy)
        tally.judge(message, kept, groups, held=author is Author.MAYBE)

    def _skip_reason(self, message: IncomingMessage, kind: ChatKind | None) -> str | None:
        """The pipeline's cheap exits and out-of-scope chats, as a reason to count."""
        reasons = (
            (message.is_service, "service message"),
            (message.is_forward, "forward"),
            (message.author_is_bot, "bot"),
            (message.is_private, "chat the bot never sees"),
            (not message.text.strip(), "no text"),
            (rules_policy.is_out_of_scope(message, self.config.policy), "silent chat or exempt"),
            (kind is None, "chat ignored by policy"),
        )
        return next((reason for hit, reason in reasons if hit), None)


def _no_op(_hit: Hit) -> None:
    return None
