"""Commands, platform-neutral, always answered privately: /start /help /code /check /stats.

Adapters parse their platform's command into `Command` and send back the replies this returns;
nothing here knows Telegram or Slack.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.domain.models import Platform
from bot.pipeline.handle import Pipeline
from bot.pipeline.nudges import from_record
from bot.store.redis_store import RedisError
from bot.texts import language_of
from rules import ChatKind, CheckContext

log = logging.getLogger("bot.commands")
STATS_WEEKS = 4
_BIND_KINDS = ("client", "internal", "ignore")


@dataclass(frozen=True, slots=True)
class Command:
    """A command as a user gave it: who, which, the text after it, and the language to answer."""

    platform: Platform
    user_id: str
    name: str  # without the slash: "code", "check", …
    argument: str = ""
    language: str = "ru"


class Commands:
    """Answer commands with the pipeline's checker, store and words."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.texts = pipeline.texts
        self.ruleset = pipeline.checker.ruleset

    async def run(self, command: Command) -> list[str]:
        """Return the private replies to a command (several for /start with held nudges)."""
        handlers = {
            "start": self.start,
            "help": self.help,
            "code": self.code,
            "check": self.check,
            "stats": self.stats,
            "bind": self.bind,
        }
        handler = handlers.get(command.name, self.help)
        try:
            return await handler(command)
        except RedisError:
            log.warning("command without store name=%s user=%s", command.name, command.user_id)
            return [self.texts.render(command.language, "unavailable")]

    async def start(self, command: Command) -> list[str]:
        """Greet, and deliver the nudges held while the bot could not write to the user."""
        greeting = self.texts.render(command.language, "start")
        held = await self.pipeline.store.take_held(command.platform.value, command.user_id)
        if not held:
            return [greeting]
        replies = [greeting, self.texts.render(command.language, "held-intro", count=len(held))]
        for record in held:
            count = record.get("count", 1)
            replies.append(self.pipeline.nudger.render(from_record(record), int(count)))
        return replies

    async def help(self, command: Command) -> list[str]:
        """List the commands."""
        return [self.texts.render(command.language, "help")]

    async def code(self, command: Command) -> list[str]:
        """List the clauses, or print one in full."""
        lang, arg = command.language, command.argument.strip()
        if not arg:
            lines = [self.texts.render(lang, "code-list-header")]
            lines += [
                self.texts.render(lang, "code-line", number=c.number, title=c.title)
                for c in self.ruleset.clauses
            ]
            return ["\n".join(lines)]
        clause = self.ruleset.clause(int(arg)) if arg.isdigit() else None
        if clause is None:
            last = len(self.ruleset.clauses)
            return [self.texts.render(lang, "code-unknown", arg=arg[:20], last=last)]
        return [
            self.texts.render(
                lang, "code-clause", number=clause.number, title=clause.title, text=clause.text
            )
        ]

    async def check(self, command: Command) -> list[str]:
        """Check a draft as if it were sent to a client; rate-limited per user."""
        text = command.argument.strip()
        lang = language_of(text) if text else command.language
        if not text:
            return [self.texts.render(lang, "check-empty")]
        per_minute = self.pipeline.config.policy.check_per_minute
        if not await self.pipeline.store.allow_check(
            command.platform.value, command.user_id, per_minute
        ):
            return [self.texts.render(lang, "check-limited")]
        findings = self.pipeline.checker.check(text, CheckContext(ChatKind.CLIENT, None))
        if not findings:
            return [self.texts.render(lang, "check-clean")]
        lines = [self.texts.render(lang, "check-header", count=len(findings))]
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
                    "check-line",
                    clause=f.clause,
                    title=clause.title if clause else "",
                    excerpt=f.excerpt,
                    start=f.start,
                    end=f.end,
                    better=better,
                )
            )
        return ["\n".join(lines)]

    async def stats(self, command: Command) -> list[str]:
        """Counts per clause, chat and week, and false-alarm feedback; admins only, no texts."""
        lang = command.language
        if not self.pipeline.resolver.is_admin(command.platform.value, command.user_id):
            return [self.texts.render(lang, "stats-refused")]
        since = datetime.now(UTC) - timedelta(weeks=STATS_WEEKS)
        entries = await self.pipeline.store.audit_entries(int(since.timestamp() * 1000))
        feedback = await self.pipeline.store.feedback_counts()
        lines = [self.texts.render(lang, "stats-header", weeks=STATS_WEEKS)]
        if not entries:
            lines.append(self.texts.render(lang, "stats-empty"))
        lines += self._stats_lines(lang, entries)
        lines += await self._response_lines(lang, int(since.timestamp() * 1000))
        lines += [
            self.texts.render(lang, "stats-feedback", rule=rule, count=count)
            for rule, count in sorted(feedback.items())
        ]
        return ["\n".join(lines)]

    def _stats_lines(self, lang: str, entries: list[dict[str, str]]) -> list[str]:
        fields = ("clause", "platform", "chat", "ts")
        entries = [e for e in entries if all(k in e for k in fields)]  # older formats: skip
        clauses = Counter(int(e["clause"]) for e in entries)
        chats = Counter(f"{e['platform']}:{e['chat']}" for e in entries)
        weeks = Counter(_week_of(int(e["ts"])) for e in entries)
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
        for row in await self.pipeline.store.answers(since_ms):
            _, platform, chat, seconds, within = row
            by_chat.setdefault(f"{platform}:{chat}", []).append((int(seconds), bool(within)))
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

    async def bind(self, command: Command) -> list[str]:
        """Bind a chat to a kind and a client: `/bind CHAT_ID client|internal|ignore [CLIENT]`.

        Admins only. Kept in Redis (configuration, no TTL); `agency.toml` still wins for the
        chats it lists.
        """
        lang = command.language
        if not self.pipeline.resolver.is_admin(command.platform.value, command.user_id):
            return [self.texts.render(lang, "admin-only")]
        parts = command.argument.split(maxsplit=2)
        if len(parts) < 2 or parts[1] not in _BIND_KINDS:
            return [self.texts.render(lang, "bind-usage")]
        chat, kind = parts[0], parts[1]
        client = None
        if len(parts) == 3 and kind == "client":
            known = self.pipeline.config.client_named(parts[2].strip())
            if known is None:
                return [self.texts.render(lang, "bind-unknown-client", client=parts[2][:60])]
            client = known.name
        platform = command.platform.value
        await self.pipeline.store.bind_chat(platform, chat, kind, client)
        self.pipeline.resolver.forget_binding(platform, chat)
        log.info(
            "chat bound platform=%s chat=%s kind=%s by=%s", platform, chat, kind, command.user_id
        )
        return [self.texts.render(lang, "bind-done", chat=chat, kind=kind, client=client or "—")]

    async def feedback(self, token: str, language: str) -> str:
        """Record «это не нарушение» on a nudge, once."""
        nudge = await self.pipeline.store.record_feedback(token)
        if nudge is None:
            return self.texts.render(language, "feedback-unknown")
        log.info("feedback rule=%s clause=%s", nudge["rule_id"], nudge["clause"])
        return self.texts.render(language, "feedback-thanks", rule=nudge["rule_id"])


def percentile(ordered: list[float], p: float) -> float:
    """The p-th percentile of sorted values, interpolating between neighbours."""
    if not ordered:
        return 0.0
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _week_of(ms: int) -> str:
    day = datetime.fromtimestamp(ms / 1000, UTC).date()
    return (day - timedelta(days=day.weekday())).isoformat()
