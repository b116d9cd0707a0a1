"""All Redis access: claims, warning counts, rate limits, held nudges, audit trail, bindings.

One implementation over `redis.asyncio`; with no `KODEKS_REDIS_URL` it runs on fakeredis with Lua,
in-process (the embedded default). Multi-step updates are Lua scripts or MULTI/EXEC, and every
script's keys share one hash tag (see `keys.py`).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from bot import keys

__all__ = ["RecordResult", "RedisError", "RedisStore", "WarningRef", "Windows"]

_RECORD = """
-- KEYS[1] the author's warnings under the clause, KEYS[2] the nudge window,
-- KEYS[3..] one claim per rule of the clause that fired on this message.
-- ARGV: now ms, count window ms, claim ttl ms, nudge window ms, warning member.
local fresh = 0
for i = 3, #KEYS do
  if redis.call('SET', KEYS[i], '1', 'NX', 'PX', ARGV[3]) then fresh = 1 end
end
if fresh == 0 then return {0, 0, 0} end
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
local added = redis.call('ZADD', KEYS[1], now, ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local count = redis.call('ZCARD', KEYS[1])
if added == 0 then return {0, count, 0} end
local nudge = 1
if tonumber(ARGV[4]) > 0 then
  if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[4]) then nudge = 0 end
end
return {1, count, nudge}
"""

_TAKE_HELD = """
local items = redis.call('LRANGE', KEYS[1], 0, -1)
redis.call('DEL', KEYS[1])
return items
"""

_HOLD = """
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"""

_RATE = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
"""

SCRIPTS = {"record": _RECORD, "take_held": _TAKE_HELD, "hold": _HOLD, "rate": _RATE}
DAY_MS = 86_400_000
EVENT_TTL_S = 7 * 86_400
CLAIM_TTL_MS = 30 * DAY_MS
HELD_TTL_MS = 14 * DAY_MS
HELD_MAX = 50
AUDIT_MAX = 100_000
STATE_TTL_S = 400 * 86_400


@dataclass(frozen=True, slots=True)
class WarningRef:
    """Whose warning, where, and under which clause."""

    platform: str
    user_id: str
    chat_id: str
    message_id: str
    clause: int


@dataclass(frozen=True, slots=True)
class Windows:
    """How long warnings count and how long after a nudge the next one waits."""

    count_ms: int
    nudge_ms: int


@dataclass(frozen=True, slots=True)
class RecordResult:
    """What recording one clause's findings on one message did."""

    new: bool  # False: this message was already counted under the clause
    count: int  # the author's warnings under the clause within the window
    may_nudge: bool  # False: nudged about the clause within the nudge window


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def now_ms() -> int:
    """Wall-clock milliseconds: warning windows are days long, not process-local."""
    return int(time.time() * 1000)


class RedisStore:
    """kodeks's state in Redis (or the embedded fakeredis)."""

    def __init__(self, redis: aioredis.Redis) -> None:
        self.redis = redis
        self._scripts = {name: redis.register_script(body) for name, body in SCRIPTS.items()}

    @classmethod
    def from_url(cls, url: str | None) -> RedisStore:
        """Connect to `url`, or run embedded on fakeredis when there is none."""
        if url is None:
            import fakeredis  # noqa: PLC0415 - only the embedded default needs it

            return cls(fakeredis.FakeAsyncRedis())
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

    async def claim_event(self, platform: str, chat_id: str, event_id: str) -> bool:
        """Claim a delivery; False when it was claimed before (a re-delivery)."""
        key = keys.event(platform, chat_id, event_id)
        return bool(await self.redis.set(key, "1", nx=True, ex=EVENT_TTL_S))

    async def record(
        self, ref: WarningRef, rule_ids: tuple[str, ...], windows: Windows, at_ms: int | None = None
    ) -> RecordResult:
        """Claim the findings of one clause on one message and count a warning, atomically."""
        script_keys = [
            keys.warnings(ref.platform, ref.user_id, ref.clause),
            keys.nudge_window(ref.platform, ref.user_id, ref.clause),
            *(
                keys.claim(ref.platform, ref.user_id, ref.chat_id, ref.message_id, r)
                for r in rule_ids
            ),
        ]
        args = [at_ms or now_ms(), windows.count_ms, CLAIM_TTL_MS, windows.nudge_ms]
        member = f"{ref.chat_id}:{ref.message_id}"
        new, count, nudge = await self._scripts["record"](keys=script_keys, args=[*args, member])
        return RecordResult(bool(new), int(count), bool(nudge))

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
        await self.redis.set(keys.nudge_token(token), json.dumps(nudge), ex=30 * 86_400)

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

    async def audit(self, entry: dict[str, str], keep_days: int) -> None:
        """Append a finding to the audit trail (ids, clause, rule, time; never text)."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xadd(keys.audit(), entry, maxlen=AUDIT_MAX, approximate=True)  # type: ignore[arg-type]
            pipe.expire(keys.audit(), keep_days * 86_400)
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

    async def add_staff(self, platform: str, user_id: str) -> None:
        """Remember a member of an internal chat as staff."""
        await self.redis.sadd(keys.staff(platform), user_id)

    async def is_staff(self, platform: str, user_id: str) -> bool:
        """Tell whether the user was seen in an internal chat."""
        return bool(await self.redis.sismember(keys.staff(platform), user_id))
