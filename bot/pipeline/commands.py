"""Commands, platform-neutral, always answered privately: /start /help /code /check /stats.

Adapters parse their platform's command into a `CommandCall` and send back the replies this
returns; nothing here knows Telegram or Slack.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.domain.clock import from_ms, to_ms, week_of
from bot.domain.config import AgencyConfig
from bot.domain.models import Nudge, Platform
from bot.pipeline.nudges import Nudger
from bot.pipeline.resolver import Resolver
from bot.store.records import AuditEntry, Binding
from bot.store.redis_store import RedisError, RedisStore
from bot.texts import Texts, language_of
from rules import ChatKind, CheckContext, Checker, RuleSet

log = logging.getLogger("bot.commands")
STATS_WEEKS = 4
_BIND_KINDS = ("client", "internal", "ignore")
_LONGEST_NAME = 60  # «/check Ромашка: …» names a client before the colon
# Slack has only `/code` (with `N`, `stats`, `help`) and `/check`, and no replies to reply
# `/check` to: these texts name what Slack has instead of Telegram's commands.
_SLACK_TEXTS = {"help": "help-slack", "check-empty": "check-empty-slack"}


@dataclass(frozen=True, slots=True)
class CommandCall:
    """A command as a user gave it: who, which, the text after it, and the language to answer."""

    platform: Platform
    user_id: str
    name: str  # without the slash: "code", "check", …
    argument: str = ""
    language: str = "ru"
    chat_id: str | None = None  # the chat the command was typed in, when not the bot's own
    # Typed where a client read it (a Telegram client group; Slack never shows a slash command):
    # the sender is told so, privately, beside the answer.
    seen_by_client: bool = False


@dataclass(frozen=True, slots=True)
class Reply:
    """One private reply. A nudge held until /start comes as one, with the nudge it is: its
    token is what the «Это не нарушение» button needs, and `button` the button's label."""

    text: str
    nudge: Nudge | None = None
    button: str = ""


@dataclass(kw_only=True, slots=True)
class Commands:
    """Answer commands with the checker, the store, the resolver's roster and the bot's words.

    Handed its collaborators by the root (`bot.core`), as the pipeline is.
    """

    checker: Checker
    config: AgencyConfig
    store: RedisStore
    resolver: Resolver
    nudger: Nudger  # words held nudges as they were worded when sent
    texts: Texts

    @property
    def ruleset(self) -> RuleSet:
        """The clauses and rules `/code` prints: the checker's own."""
        return self.checker.ruleset

    async def run(self, command: CommandCall) -> list[Reply]:
        """Return the private replies to a command (several for /start with held nudges)."""
        handlers: dict[str, Callable[[CommandCall], Awaitable[Sequence[str | Reply]]]] = {
            "start": self.start,
            "help": self.help,
            "code": self.code,
            "check": self.check,
            "stats": self.stats,
            "bind": self.bind,
        }
        handler = handlers.get(command.name, self.help)
        try:
            replies = await handler(command)
        except RedisError:
            log.warning("command without store name=%s user=%s", command.name, command.user_id)
            return [Reply(self.texts.render(command.language, "unavailable"))]
        seen = (
            [self.texts.render(command.language, "command-seen")] if command.seen_by_client else []
        )
        return [r if isinstance(r, Reply) else Reply(r) for r in (*seen, *replies)]

    async def start(self, command: CommandCall) -> list[Reply]:
        """Greet, and deliver the nudges held while the bot could not write to the user, each
        with its feedback button, as it would have come."""
        greeting = self.texts.render(command.language, "start")
        held = await self.store.take_held(command.platform.value, command.user_id)
        if not held:
            return [Reply(greeting)]
        intro = self.texts.render(command.language, "held-intro", count=len(held))
        return [Reply(greeting), Reply(intro)] + [
            Reply(
                self.nudger.render(h.nudge, h.count),
                h.nudge,
                self.texts.render(h.nudge.language, "feedback-button"),
            )
            for h in held
        ]

    async def help(self, command: CommandCall) -> list[str]:
        """List the commands the user's platform has."""
        return [self.texts.render(command.language, own_text(command.platform, "help"))]

    async def code(self, command: CommandCall) -> list[str]:
        """List the clauses, or print one in full."""
        lang, arg = command.language, command.argument.strip()
        if not arg:
            lines = [self.texts.render(lang, "code-list-header")]
            lines += [
                self.texts.render(lang, "code-line", number=c.number, title=c.title_in(lang))
                for c in self.ruleset.clauses
            ]
            return ["\n".join(lines)]
        clause = self.ruleset.clause(int(arg)) if arg.isdigit() else None
        if clause is None:
            last = len(self.ruleset.clauses)
            return [self.texts.render(lang, "code-unknown", arg=arg[:20], last=last)]
        return [
            self.texts.render(
                lang,
                "code-clause",
                number=clause.number,
                title=clause.title_in(lang),
                text=clause.text,
            )
        ]

    async def check(self, command: CommandCall) -> list[str]:
        """Check a draft as if it were sent to a client; rate-limited per user.

        The draft is checked for the client whose chat the command was typed in, or for the
        client it names first («/check Ромашка: …»), so another client's details are found too.
        Likely findings of the learned layer come marked «возможно».
        """
        client, text = await self._client_of_check(command)
        lang = language_of(text) if text else command.language
        if not text:
            return [self.texts.render(lang, own_text(command.platform, "check-empty"))]
        per_minute = self.config.policy.check_per_minute
        if not await self.store.allow_check(command.platform.value, command.user_id, per_minute):
            return [self.texts.render(lang, "check-limited")]
        context = CheckContext(ChatKind.CLIENT, client)
        findings = self.checker.check(text, context, tentative=True)
        if not findings:
            return [self.texts.render(lang, "check-clean")]
        lines = [self.texts.render(lang, "check-header", count=len(findings))]
        if client is not None:
            lines.append(self.texts.render(lang, "check-for-client", client=client))
        for f in findings:
            clause = self.ruleset.clause(f.clause)
            better = (
                self.texts.render(lang, "better-wording", suggestion=f.suggestion)
                if f.suggestion
                else ""
            )
            lines.append(
                self.texts.render(
                    lang,
                    "check-line-maybe" if f.tentative else "check-line",
                    clause=f.clause,
                    title=clause.title_in(lang) if clause else "",
                    excerpt=f.excerpt,
                    start=f.start,
                    end=f.end,
                    better=better,
                )
            )
        return ["\n".join(lines)]

    async def _client_of_check(self, command: CommandCall) -> tuple[str | None, str]:
        """Return the client a draft is for, and the draft without the client's name."""
        text = command.argument.strip()
        named, colon, rest = text.partition(":")
        if colon and len(named) <= _LONGEST_NAME:
            client = self.config.client_named(named.strip())
            if client is not None:
                return client.name, rest.strip()
        if command.chat_id is None:
            return None, text
        return await self.resolver.client_of_chat(command.platform.value, command.chat_id), text

    async def stats(self, command: CommandCall) -> list[str]:
        """Counts per clause, chat and week, and false-alarm feedback; admins only, no texts."""
        lang = command.language
        if not self.resolver.is_admin(command.platform.value, command.user_id):
            return [self.texts.render(lang, "stats-refused")]
        since_ms = to_ms(datetime.now(UTC) - timedelta(weeks=STATS_WEEKS))
        entries = await self.store.audit_entries(since_ms)
        feedback = await self.store.feedback_counts()
        lines = [self.texts.render(lang, "stats-header", weeks=STATS_WEEKS)]
        if not entries:
            lines.append(self.texts.render(lang, "stats-empty"))
        lines += self._stats_lines(lang, entries)
        lines += await self._response_lines(lang, since_ms)
        lines += [
            self.texts.render(lang, "stats-feedback", rule=rule, count=count)
            for rule, count in sorted(feedback.items())
        ]
        return ["\n".join(lines)]

    def _stats_lines(self, lang: str, entries: list[AuditEntry]) -> list[str]:
        clauses = Counter(e.clause for e in entries)
        chats = Counter(f"{e.platform}:{e.chat}" for e in entries)
        weeks = Counter(week_of(from_ms(e.at_ms)) for e in entries)
        return (
            [
                self.texts.render(lang, "stats-clause", clause=c, count=n)
                for c, n in sorted(clauses.items())
            ]
            + [
                self.texts.render(lang, "stats-chat", chat=c, count=n)
                for c, n in chats.most_common(10)
            ]
            + [
                self.texts.render(lang, "stats-week", week=w, count=n)
                for w, n in sorted(weeks.items())
            ]
        )

    async def _response_lines(self, lang: str, since_ms: int) -> list[str]:
        """First-response times per chat (working minutes): median, p90, share within SLA."""
        by_chat: dict[str, list[tuple[int, bool]]] = {}
        for answer in await self.store.answers(since_ms):
            chat = f"{answer.platform}:{answer.chat_id}"
            by_chat.setdefault(chat, []).append((answer.seconds, answer.within))
        lines = []
        for chat, rows in sorted(by_chat.items(), key=lambda item: -len(item[1]))[:10]:
            minutes = sorted(s / 60 for s, _ in rows)
            lines.append(
                self.texts.render(
                    lang,
                    "stats-response",
                    chat=chat,
                    count=len(rows),
                    median=round(percentile(minutes, 50)),
                    p90=round(percentile(minutes, 90)),
                    within=round(100 * sum(w for _, w in rows) / len(rows)),
                )
            )
        return lines

    async def bind(self, command: CommandCall) -> list[str]:
        """Bind a chat to a kind and a client: `/bind CHAT_ID client|internal|ignore [CLIENT]`.

        Admins only. Kept in Redis (configuration, no TTL); `agency.toml` still wins for the
        chats it lists.
        """
        lang = command.language
        if not self.resolver.is_admin(command.platform.value, command.user_id):
            return [self.texts.render(lang, "admin-only")]
        parts = command.argument.split(maxsplit=2)
        if len(parts) < 2 or parts[1] not in _BIND_KINDS:
            return [self.texts.render(lang, "bind-usage")]
        chat, kind = parts[0], parts[1]
        client = None
        if len(parts) == 3 and kind == "client":
            known = self.config.client_named(parts[2].strip())
            if known is None:
                return [self.texts.render(lang, "bind-unknown-client", client=parts[2][:60])]
            client = known.name
        platform = command.platform.value
        await self.store.bind_chat(platform, chat, Binding(kind, client))
        self.resolver.forget_binding(platform, chat)
        log.info(
            "chat bound platform=%s chat=%s kind=%s by=%s", platform, chat, kind, command.user_id
        )
        return [self.texts.render(lang, "bind-done", chat=chat, kind=kind, client=client or "—")]

    async def feedback(self, token: str, language: str) -> str:
        """Record «это не нарушение» on a nudge, once."""
        nudge = await self.store.record_feedback(token)
        if nudge is None:
            return self.texts.render(language, "feedback-unknown")
        rules = ", ".join(nudge.rule_ids)
        log.info("feedback rules=%s clause=%s", rules, nudge.clause)
        return self.texts.render(language, "feedback-thanks", rule=rules)


def own_text(platform: Platform, key: str) -> str:
    """The key of a text worded for the platform's own commands, where it has its own."""
    return _SLACK_TEXTS.get(key, key) if platform is Platform.SLACK else key


def percentile(ordered: list[float], p: float) -> float:
    """The p-th percentile of sorted values, interpolating between neighbours."""
    if not ordered:
        return 0.0
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
