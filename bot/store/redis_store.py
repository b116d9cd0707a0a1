"""All Redis access: claims, warning counts, rate limits, held nudges, audit trail, bindings.

One implementation over `redis.asyncio`; with no `KODEKS_REDIS_URL` it runs on fakeredis with Lua,
in-process (the embedded default). Multi-step updates are Lua scripts or MULTI/EXEC, and every
script's keys share one hash tag (see `keys.py`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from bot.store import keys
from bot.store.batching import ScriptBatcher
from bot.store.scripts import SCRIPTS

__all__ = ["MessageRef", "RecordResult", "RedisError", "RedisStore", "Windows"]

DAY_MS = 86_400_000
EVENT_TTL_MS = 7 * DAY_MS
CLAIM_TTL_MS = 30 * DAY_MS
HELD_TTL_MS = 14 * DAY_MS
HELD_MAX = 50
AUDIT_MAX = 100_000
STATE_TTL_S = 400 * 86_400
NUDGE_TTL_S = 30 * 86_400


@dataclass(frozen=True, slots=True)
class MessageRef:
    """One delivery of one message by one author."""

    platform: str
    user_id: str
    chat_id: str
    message_id: str
    event_id: str


@dataclass(frozen=True, slots=True)
class Windows:
    """How long warnings count and how long after a nudge the next one waits."""

    count_ms: int
    nudge_ms: int


@dataclass(frozen=True, slots=True)
class RecordResult:
    """What recording one clause's findings on one message did."""

    new: bool  # False: this message was already counted under the clause (an edit)
    count: int  # the author's warnings under the clause within the window
    may_nudge: bool  # False: nudged about the clause within the nudge window


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def now_ms() -> int:
    """Wall-clock milliseconds: warning windows are days long, not process-local."""
    return int(time.time() * 1000)


class RedisStore:
    """kodeks's state in Redis (or the embedded fakeredis)."""

    def __init__(self, redis: aioredis.Redis, *, embedded: bool = False) -> None:
        self.redis = redis
        self.embedded = embedded  # in-process fakeredis: nothing outlives the process
        self._scripts = {name: redis.register_script(body) for name, body in SCRIPTS.items()}
        # The two scripts every busy pipeline runs per message go out in batches.
        self._record = ScriptBatcher(redis, self._scripts["record"])
        self._close_wait = ScriptBatcher(redis, self._scripts["close_wait"])

    @classmethod
    def from_url(cls, url: str | None) -> RedisStore:
        """Connect to `url`, or run embedded on fakeredis when there is none."""
        if url is None:
            import fakeredis  # noqa: PLC0415 - only the embedded default needs it

            return cls(fakeredis.FakeAsyncRedis(), embedded=True)
        client = aioredis.Redis.from_url(
            url, socket_timeout=2.0, socket_connect_timeout=2.0, health_check_interval=15
        )
        return cls(client)

    async def close(self) -> None:
        """Close the connections."""
        await self.redis.aclose(close_connection_pool=True)

    async def ping(self) -> bool:
        """Tell whether Redis answers."""
        return bool(await self.redis.ping())

    async def record(
        self,
        ref: MessageRef,
        clauses: Sequence[tuple[int, tuple[str, ...]]],
        windows: Windows,
        at_ms: int | None = None,
    ) -> list[RecordResult] | None:
        """Claim a delivery and the findings of each clause, and count warnings, atomically.

        Returns None for a re-delivery (the delivery was claimed before), else one result per
        clause, in order. An edit that keeps a finding claims nothing new and counts nothing.
        """
        p, u = ref.platform, ref.user_id
        script_keys = [keys.event(p, u, ref.chat_id, ref.event_id)]
        for clause, rule_ids in clauses:
            script_keys += [keys.warnings(p, u, clause), keys.nudge_window(p, u, clause)]
            script_keys += [keys.claim(p, u, ref.chat_id, ref.message_id, r) for r in rule_ids]
        args: list[int | str] = [
            at_ms or now_ms(), windows.count_ms, CLAIM_TTL_MS, windows.nudge_ms,
            f"{ref.chat_id}:{ref.message_id}", EVENT_TTL_MS, *(len(r) for _, r in clauses),
        ]  # fmt: skip
        flat = [int(x) for x in await self._record(script_keys, args)]
        if flat == [-1]:
            return None
        return [
            RecordResult(bool(flat[i]), flat[i + 1], bool(flat[i + 2]))
            for i in range(0, len(flat), 3)
        ]

    async def warning_count(
        self, platform: str, user_id: str, clause: int, window_ms: int, at_ms: int | None = None
    ) -> int:
        """Count the author's warnings under a clause within the window."""
        now = at_ms or now_ms()
        return int(
            await self.redis.zcount(keys.warnings(platform, user_id, clause), now - window_ms, now)
        )

    async def hold_nudge(self, platform: str, user_id: str, nudge: dict[str, Any]) -> None:
        """Keep a nudge the platform would not deliver until the author starts the bot."""
        payload = json.dumps(nudge, ensure_ascii=False)
        await self._scripts["hold"](
            keys=[keys.held(platform, user_id)], args=[payload, HELD_TTL_MS, HELD_MAX]
        )

    async def take_held(self, platform: str, user_id: str) -> list[dict[str, Any]]:
        """Remove and return the author's held nudges, oldest first."""
        items = await self._scripts["take_held"](keys=[keys.held(platform, user_id)], args=[])
        return [json.loads(item) for item in items]

    async def allow_check(self, platform: str, user_id: str, per_minute: int) -> bool:
        """Count a `/check` call; False past the per-minute limit."""
        count = await self._scripts["rate"](
            keys=[keys.check_rate(platform, user_id)], args=[60_000]
        )
        return int(count) <= per_minute

    async def remember_nudge(self, token: str, nudge: dict[str, Any]) -> None:
        """Keep what a nudge was about, for its feedback button."""
        await self.redis.set(keys.nudge_token(token), json.dumps(nudge), ex=NUDGE_TTL_S)

    async def record_feedback(self, token: str) -> dict[str, Any] | None:
        """Count «это не нарушение» against the nudge's rule, once per nudge."""
        raw = await self.redis.getdel(keys.nudge_token(token))
        if raw is None:
            return None
        nudge: dict[str, Any] = json.loads(raw)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(keys.feedback(), nudge["rule_id"], 1)
            pipe.expire(keys.feedback(), STATE_TTL_S)
            await pipe.execute()
        return nudge

    async def feedback_counts(self) -> dict[str, int]:
        """Return, per rule, how often it was called a false alarm."""
        raw = await self.redis.hgetall(keys.feedback())
        return {_text(k): int(v) for k, v in raw.items()}

    async def audit(
        self,
        entry: dict[str, str],
        keep_days: int,
        remember: tuple[str, dict[str, Any]] | None = None,
    ) -> None:
        """Append a warning to the audit trail (ids, clause, rule, time; never text).

        With `remember`, also keep what a nudge was about for its feedback button, in the same
        round trip; not a transaction: the keys live in different Cluster slots.
        """
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.xadd(keys.audit(), entry, maxlen=AUDIT_MAX, approximate=True)  # type: ignore[arg-type]
            pipe.expire(keys.audit(), keep_days * 86_400)
            if remember is not None:
                token, nudge = remember
                pipe.set(keys.nudge_token(token), json.dumps(nudge), ex=NUDGE_TTL_S)
            await pipe.execute()

    async def audit_entries(self, since_ms: int = 0) -> list[dict[str, str]]:
        """Return the audit trail from `since_ms` on, oldest first."""
        rows = await self.redis.xrange(keys.audit(), min=f"{since_ms}-0")
        return [
            {_text(k): _text(v) for k, v in (fields or {}).items()} | {"id": _text(rid)}
            for rid, fields in rows or []
        ]

    async def bind_chat(self, platform: str, chat_id: str, kind: str, client: str | None) -> None:
        """Bind a chat to a kind (and a client), as an admin asked."""
        mapping = {"kind": kind, "client": client or ""}
        await self.redis.hset(keys.binding(platform, chat_id), mapping=mapping)  # type: ignore[arg-type]

    async def binding(self, platform: str, chat_id: str) -> tuple[str, str | None] | None:
        """Return a chat's binding (kind, client), if an admin made one."""
        raw = await self.redis.hgetall(keys.binding(platform, chat_id))
        if not raw:
            return None
        fields = {_text(k): _text(v) for k, v in raw.items()}
        return fields["kind"], fields.get("client") or None

    async def open_wait(self, wid: str, due_ms: int, ttl_ms: int, fields: dict[str, str]) -> bool:
        """Open a wait due at `due_ms` unless one is open there already; True when opened."""
        pairs = [x for item in fields.items() for x in item]
        args: list[int | str] = [wid, due_ms, ttl_ms, *pairs]
        opened = await self._scripts["open_wait"](
            keys=[keys.waits_due(), keys.wait(wid)], args=args
        )
        return bool(opened)

    async def close_wait(
        self, wid: str, platform: str, chat_id: str, staff_id: str, last_ttl_ms: int
    ) -> dict[str, str] | None:
        """Note who spoke for the agency and close the chat's wait; return it, if one was open."""
        script_keys = [keys.waits_due(), keys.wait(wid), keys.last_staff(platform, chat_id)]
        flat = await self._close_wait(script_keys, [wid, staff_id, last_ttl_ms])
        if not flat:
            return None
        texts = [_text(x) for x in flat]
        return dict(zip(texts[::2], texts[1::2], strict=True))

    async def claim_due(self, now_ms: int, lease_ms: int, limit: int) -> list[str]:
        """Claim up to `limit` waits due by `now_ms`, for `lease_ms`; nobody else gets them."""
        ids = await self._scripts["claim_due"](
            keys=[keys.waits_due()], args=[now_ms, lease_ms, limit]
        )
        return [_text(i) for i in ids]

    async def load_wait(
        self, wid: str, platform: str, chat_id: str
    ) -> tuple[dict[str, str], str | None]:
        """A wait's fields (empty when it is gone) and the chat's last staff speaker."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(keys.wait(wid))
            pipe.get(keys.last_staff(platform, chat_id))
            raw, last = await pipe.execute()
        fields = {_text(k): _text(v) for k, v in (raw or {}).items()}
        return fields, _text(last) if last is not None else None

    async def advance_wait(
        self, wid: str, stage: int, next_due_ms: int | None, ttl_ms: int
    ) -> bool:
        """Mark a wait's stage done and schedule the next (None: no next); False if done before."""
        args: list[int | str] = [wid, stage, -1 if next_due_ms is None else next_due_ms, ttl_ms]
        done = await self._scripts["advance_wait"](
            keys=[keys.waits_due(), keys.wait(wid)], args=args
        )
        return bool(done)

    async def record_answer(self, at_ms: int, entry: list[object], keep_ms: int) -> None:
        """Keep one answered question's first-response time for `/stats`, for `keep_ms`."""
        member = json.dumps([at_ms, *entry], ensure_ascii=False)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zadd(keys.answered(), {member: at_ms})
            pipe.zremrangebyscore(keys.answered(), "-inf", at_ms - keep_ms)
            pipe.pexpire(keys.answered(), keep_ms)
            await pipe.execute()

    async def answers(self, since_ms: int) -> list[list[Any]]:
        """Answered questions from `since_ms` on: [at ms, platform, chat, seconds, within SLA]."""
        rows = await self.redis.zrangebyscore(keys.answered(), since_ms, "+inf")
        return [json.loads(_text(r)) for r in rows]

    async def add_staff(self, platform: str, user_id: str) -> None:
        """Remember a member of an internal chat as staff."""
        await self.redis.sadd(keys.staff(platform), user_id)

    async def is_staff(self, platform: str, user_id: str) -> bool:
        """Tell whether the user was seen in an internal chat."""
        return bool(await self.redis.sismember(keys.staff(platform), user_id))
