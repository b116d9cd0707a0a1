"""All Redis access: claims, warning counts, rate limits, held nudges, audit trail, bindings.

One implementation over `redis.asyncio`; with no `KODEKS_REDIS_URL` it runs on fakeredis with Lua,
in-process (the embedded default). Multi-step updates are Lua scripts or MULTI/EXEC, and every
script's keys share one hash tag (see `keys.py`). What is stored is encoded and decoded by the
codecs of `records.py`, the only place that knows a record's stored shape.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import secrets
import traceback
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, TypeVar

import redis.asyncio as aioredis
import redis.asyncio.connection as aioconnection
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import (
    AuthenticationError,
    BusyLoadingError,
    ClusterDownError,
    ReadOnlyError,
    RedisClusterException,
    RedisError,
    TryAgainError,
)
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.domain.clock import DAY_MS, DAY_S, MINUTE_MS, now_ms
from bot.domain.models import Nudge
from bot.ops.settings import Settings
from bot.store.batching import Client, ScriptBatcher
from bot.store.keys import Keys
from bot.store.records import (
    Answer,
    AuditEntry,
    Binding,
    HeldNudge,
    Wait,
    decode_answer,
    decode_audit,
    decode_binding,
    decode_held,
    decode_nudge,
    decode_wait,
    encode_answer,
    encode_audit,
    encode_binding,
    encode_held,
    encode_nudge,
    encode_wait,
    text,
)
from bot.store.scripts import SCRIPTS

P = ParamSpec("P")
T = TypeVar("T")
C = TypeVar("C")

__all__ = [
    "AuthenticationError", "Client", "ClusterUnavailableError", "MessageRef", "RecordResult",
    "RedisError", "RedisStore", "Windows", "is_outage",
]  # fmt: skip

# Errors that say Redis is away or not yet serving (lost connection, time-out, loading, a
# failover under way; on a cluster, `ClusterUnavailableError`): worth buffering and retrying.
# Any other error is about the data or the command (WRONGTYPE, a script error) and would fail
# again on retry. MOVED and ASK never get here: the cluster client follows them.
_OUTAGE: tuple[type[Exception], ...] = (
    RedisConnectionError, RedisTimeoutError, BusyLoadingError, ClusterDownError, TryAgainError,
    ReadOnlyError, OSError,
)  # fmt: skip
# A lost connection or a time-out is tried again twice (after up to 0.1 s, then up to 0.2 s) before
# the error reaches the pipeline, which then buffers: a blip costs nothing, an outage little.
_RETRIES = 2
# Connections per cluster node. redis-py's cluster client allows 100 and, past them, raises
# MaxConnectionsError, a ConnectionError: it then takes the node for failed, rebuilds its view of
# the cluster and closes connections still in use, failing or re-sending their commands. Each
# handle() holds one connection at a time, so KODEKS_CONCURRENCY (at most 4096) plus the
# background tasks never reach this; Redis itself allows 10,000 clients.
_CLUSTER_CONNECTIONS = 8192
# A reply within 2 s or the command counts as failed: a stalled Redis must not stall intake.
_TIMEOUT_S = 2.0


class ClusterUnavailableError(RedisConnectionError):
    """The cluster cannot say where keys live: no node answers, or not every slot is served.

    redis-py raises these as `RedisClusterException`, which is not a `RedisError`; the store
    raises them as a lost connection, which is what they are to the pipeline (an outage)."""


def _cluster_safe(
    method: Callable[Concatenate[RedisStore, P], Awaitable[T]],
) -> Callable[Concatenate[RedisStore, P], Awaitable[T]]:
    """Run a store method on a cluster client that has learnt the cluster, and raise what redis-py
    raises for a cluster it cannot reach as the outage it is; a node that refuses the password
    raises what a single server raises for it, `AuthenticationError`."""

    @functools.wraps(method)
    async def guarded(store: RedisStore, /, *args: P.args, **kwargs: P.kwargs) -> T:
        try:
            await store.learn_the_cluster()
            return await method(store, *args, **kwargs)
        except RedisClusterException as error:
            if isinstance(error.__cause__, AuthenticationError):
                raise AuthenticationError(str(error.__cause__)) from error
            raise ClusterUnavailableError(str(error)) from error
        except AttributeError as error:
            if not _connection_closed_under_us(error):
                raise
            raise ClusterUnavailableError("a connection closed while in use") from error

    return guarded


def _connection_closed_under_us(error: AttributeError) -> bool:
    """Tell redis-py's cluster race from a bug of ours: when a node goes away, the cluster client
    rebuilds its topology and closes the old nodes' connections, some of them mid-handshake, and
    the next write on one fails on its missing socket writer (`'NoneType' object has no attribute
    'writelines'`) instead of raising a ConnectionError. Seen here on every restart of a cluster."""
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and frames[-1].filename == aioconnection.__file__


_UNGUARDED = ("close", "learn_the_cluster")  # no cluster needed, or the guard itself


def _every_coroutine(decorator: Callable[[Any], Any]) -> Callable[[type[C]], type[C]]:
    """A class decorator that applies `decorator` to every public coroutine of the class."""

    def apply(cls: type[C]) -> type[C]:
        for name, method in list(vars(cls).items()):
            public = not name.startswith("_") and name not in _UNGUARDED
            if public and inspect.iscoroutinefunction(method):
                setattr(cls, name, decorator(method))
        return cls

    return apply


def is_outage(error: BaseException) -> bool:
    """Tell an outage (buffer and retry) from an error in the data (log, count, move on)."""
    return isinstance(error, _OUTAGE)


EVENT_TTL_MS = 7 * DAY_MS
CLAIM_TTL_MS = 30 * DAY_MS
HELD_TTL_MS = 14 * DAY_MS
HELD_MAX = 50
AUDIT_MAX = 100_000
STATE_TTL_S = 400 * DAY_S
NUDGE_TTL_S = 30 * DAY_S


def connect(url: str, *, cluster: bool = False) -> Client:
    """A client for `url`: one server, or (`cluster`) the cluster that server belongs to, which
    learns the other nodes from it and follows MOVED and ASK on its own."""
    retry = Retry(ExponentialWithJitterBackoff(cap=0.5, base=0.05), _RETRIES)
    if cluster:
        return RedisCluster.from_url(
            url, retry=retry, max_connections=_CLUSTER_CONNECTIONS, socket_timeout=_TIMEOUT_S,
            socket_connect_timeout=_TIMEOUT_S,
        )  # fmt: skip
    return aioredis.Redis.from_url(
        url, retry=retry, socket_timeout=_TIMEOUT_S, socket_connect_timeout=_TIMEOUT_S,
        health_check_interval=15,
    )  # fmt: skip


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


def _fields(raw: Mapping[bytes | str, bytes | str] | None) -> dict[str, str]:
    return {text(k): text(v) for k, v in (raw or {}).items()}


@_every_coroutine(_cluster_safe)
class RedisStore:
    """kodeks's state in Redis (or the embedded fakeredis)."""

    def __init__(self, redis: Client, *, embedded: bool = False, keys: Keys | None = None) -> None:
        self.redis = redis
        self.embedded = embedded  # in-process fakeredis: nothing outlives the process
        self.keys = keys or Keys()
        self._scripts = {name: redis.register_script(body) for name, body in SCRIPTS.items()}
        # The two scripts every busy pipeline runs per message go out in batches.
        self._record = ScriptBatcher(redis, self._scripts["record"])
        self._close_wait = ScriptBatcher(redis, self._scripts["close_wait"])
        # A cluster client learns the cluster on first use; many first uses at once each start
        # learning it and close each other's connections, so the first one learns it alone.
        self._cluster_unknown = isinstance(redis, RedisCluster)
        self._learning = asyncio.Lock()

    async def learn_the_cluster(self) -> None:
        """On a cluster, learn its nodes and slots once, before any command (a no-op after)."""
        if not self._cluster_unknown:
            return
        async with self._learning:
            if self._cluster_unknown and isinstance(self.redis, RedisCluster):
                await self.redis.initialize()
                self._cluster_unknown = False

    @classmethod
    def from_url(
        cls, url: str | None, *, cluster: bool = False, keys: Keys | None = None
    ) -> RedisStore:
        """Connect to `url` (with `cluster`, to the Redis Cluster that node belongs to), or run
        embedded on fakeredis when there is none."""
        if url is None:
            import fakeredis  # noqa: PLC0415 - only the embedded default needs it

            return cls(fakeredis.FakeAsyncRedis(), embedded=True, keys=keys)
        return cls(connect(url, cluster=cluster), keys=keys)

    @classmethod
    def from_settings(cls, settings: Settings, *, keys: Keys | None = None) -> RedisStore:
        """The store `KODEKS_REDIS_URL` and `KODEKS_REDIS_CLUSTER` name (embedded without a URL)."""
        url = settings.redis_url.get_secret_value() if settings.redis_url else None
        return cls.from_url(url, cluster=settings.redis_cluster, keys=keys)

    async def close(self) -> None:
        """Close the connections."""
        if isinstance(self.redis, RedisCluster):
            await self.redis.aclose()  # every node's connections
        else:
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
        attempt: str | None = None,
    ) -> list[RecordResult] | None:
        """Claim a delivery and the findings of each clause, and count warnings, atomically.

        Returns None for a re-delivery (the delivery was claimed before), else one result per
        clause, in order. An edit that keeps a finding claims nothing new and counts nothing.
        `attempt` names this accepted delivery: recorded again under the same attempt (its reply
        was lost, and it is retried or flushed from the buffer), it returns the first results.
        """
        p, u, k = ref.platform, ref.user_id, self.keys
        script_keys = [k.event(p, u, ref.chat_id, ref.event_id)]
        for clause, rule_ids in clauses:
            script_keys += [k.warnings(p, u, clause), k.nudge_window(p, u, clause)]
            script_keys += [k.claim(p, u, ref.chat_id, ref.message_id, r) for r in rule_ids]
        args: list[int | str] = [
            at_ms or now_ms(), windows.count_ms, CLAIM_TTL_MS, windows.nudge_ms,
            f"{ref.chat_id}:{ref.message_id}", EVENT_TTL_MS, attempt or secrets.token_hex(8),
            *(len(r) for _, r in clauses),
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
        key = self.keys.warnings(platform, user_id, clause)
        return int(await self.redis.zcount(key, now - window_ms, now))

    async def hold_nudge(self, held: HeldNudge) -> None:
        """Keep a nudge the platform would not deliver until the author starts the bot."""
        key = self.keys.held(held.nudge.platform.value, held.nudge.user_id)
        await self._scripts["hold"](keys=[key], args=[encode_held(held), HELD_TTL_MS, HELD_MAX])

    async def take_held(self, platform: str, user_id: str) -> list[HeldNudge]:
        """Remove and return the author's held nudges, oldest first."""
        items = await self._scripts["take_held"](keys=[self.keys.held(platform, user_id)], args=[])
        return [decode_held(item) for item in items]

    async def allow_check(self, platform: str, user_id: str, per_minute: int) -> bool:
        """Count a `/check` call; False past the per-minute limit."""
        key = self.keys.check_rate(platform, user_id)
        count = await self._scripts["rate"](keys=[key], args=[MINUTE_MS])
        return int(count) <= per_minute

    async def remember_nudge(self, nudge: Nudge) -> None:
        """Keep what a nudge was about, under its token, for its feedback button."""
        key = self.keys.nudge_token(nudge.token)
        await self.redis.set(key, encode_nudge(nudge), ex=NUDGE_TTL_S)

    async def record_feedback(self, token: str) -> Nudge | None:
        """Count «это не нарушение» against the nudge's rules, once per nudge."""
        raw = await self.redis.getdel(self.keys.nudge_token(token))
        if raw is None:
            return None
        nudge = decode_nudge(raw)
        async with self.redis.pipeline(transaction=True) as pipe:
            for rule_id in nudge.rule_ids:  # one button for every clause the nudge named
                pipe.hincrby(self.keys.feedback, rule_id, 1)
            pipe.expire(self.keys.feedback, STATE_TTL_S)
            await pipe.execute()
        return nudge

    async def feedback_counts(self) -> dict[str, int]:
        """Return, per rule, how often it was called a false alarm."""
        raw = await self.redis.hgetall(self.keys.feedback)
        return {text(k): int(v) for k, v in raw.items()}

    async def audit(self, entry: AuditEntry, keep_days: int, remember: Nudge | None = None) -> None:
        """Append a warning to the audit trail (ids, clause, rule, time; never text).

        With `remember`, also keep what that nudge was about for its feedback button, in the
        same round trip; not a transaction: the keys live in different Cluster slots.
        """
        fields = encode_audit(entry)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.xadd(self.keys.audit, fields, maxlen=AUDIT_MAX, approximate=True)  # type: ignore[arg-type]
            pipe.expire(self.keys.audit, keep_days * DAY_S)
            if remember is not None:
                key = self.keys.nudge_token(remember.token)
                pipe.set(key, encode_nudge(remember), ex=NUDGE_TTL_S)
            await pipe.execute()

    async def holds_audit_line(self, entry: AuditEntry, since_ms: int) -> bool:
        """Whether the trail already holds `entry`'s line, written since `since_ms` (a write
        that reached Redis while its reply was lost, before Redis went)."""
        fields = encode_audit(entry)
        rows = await self.redis.xrange(self.keys.audit, min=f"{since_ms}-0")
        return any(_fields(found) == fields for _, found in rows or [])

    async def audit_entries(self, since_ms: int = 0) -> list[AuditEntry]:
        """Return the audit trail from `since_ms` on, oldest first (older formats skipped)."""
        rows = await self.redis.xrange(self.keys.audit, min=f"{since_ms}-0")
        decoded = (decode_audit(text(rid), _fields(fields)) for rid, fields in rows or [])
        return [entry for entry in decoded if entry is not None]

    async def bind_chat(self, platform: str, chat_id: str, binding: Binding) -> None:
        """Bind a chat to a kind (and a client), as an admin asked."""
        key = self.keys.binding(platform, chat_id)
        await self.redis.hset(key, mapping=encode_binding(binding))  # type: ignore[arg-type]

    async def binding(self, platform: str, chat_id: str) -> Binding | None:
        """Return a chat's binding, if an admin made one."""
        raw = await self.redis.hgetall(self.keys.binding(platform, chat_id))
        return decode_binding(_fields(raw))

    async def open_wait(self, wait: Wait, due_ms: int, ttl_ms: int) -> bool:
        """Open a wait due at `due_ms` unless one is open there already; True when opened."""
        pairs = [x for item in encode_wait(wait).items() for x in item]
        args: list[int | str] = [wait.wid, due_ms, ttl_ms, *pairs]
        script_keys = [self.keys.waits_due, self.keys.wait(wait.wid)]
        return bool(await self._scripts["open_wait"](keys=script_keys, args=args))

    async def close_wait(
        self, wid: str, platform: str, chat_id: str, staff_id: str, last_ttl_ms: int
    ) -> Wait | None:
        """Note who spoke for the agency and close the chat's wait; return it, if one was open."""
        k = self.keys
        script_keys = [k.waits_due, k.wait(wid), k.last_staff(platform, chat_id)]
        flat = await self._close_wait(script_keys, [wid, staff_id, last_ttl_ms])
        if not flat:
            return None
        texts = [text(x) for x in flat]
        return decode_wait(wid, dict(zip(texts[::2], texts[1::2], strict=True)))

    async def claim_due(self, now_ms: int, lease_ms: int, limit: int) -> list[str]:
        """Claim up to `limit` waits due by `now_ms`, for `lease_ms`; nobody else gets them."""
        ids = await self._scripts["claim_due"](
            keys=[self.keys.waits_due], args=[now_ms, lease_ms, limit]
        )
        return [text(i) for i in ids]

    async def load_wait(
        self, wid: str, platform: str, chat_id: str
    ) -> tuple[Wait | None, str | None]:
        """A wait (None when it is gone) and the chat's last staff speaker."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(self.keys.wait(wid))
            pipe.get(self.keys.last_staff(platform, chat_id))
            raw, last = await pipe.execute()
        fields = _fields(raw)
        wait = decode_wait(wid, fields) if fields else None
        return wait, text(last) if last is not None else None

    async def advance_wait(
        self, wid: str, stage: int, next_due_ms: int | None, ttl_ms: int
    ) -> bool:
        """Mark a wait's stage done and schedule the next (None: no next); False if done before."""
        args: list[int | str] = [wid, stage, -1 if next_due_ms is None else next_due_ms, ttl_ms]
        done = await self._scripts["advance_wait"](
            keys=[self.keys.waits_due, self.keys.wait(wid)], args=args
        )
        return bool(done)

    async def open_waits(self) -> list[str]:
        """The ids of every wait with a step still to come (reminder or escalation)."""
        return [text(wid) for wid in await self.redis.zrange(self.keys.waits_due, 0, -1)]

    async def cancel_waits(self, wids: Sequence[str]) -> int:
        """Cancel these waits (nothing more is sent for them); return how many were open."""
        if not wids:
            return 0
        script_keys = [self.keys.waits_due, *(self.keys.wait(wid) for wid in wids)]
        return int(await self._scripts["cancel_waits"](keys=script_keys, args=list(wids)))

    async def record_answer(self, answer: Answer, keep_ms: int) -> None:
        """Keep one answered question's first-response time for `/stats`, for `keep_ms`."""
        key = self.keys.answered
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zadd(key, {encode_answer(answer): answer.at_ms})
            pipe.zremrangebyscore(key, "-inf", answer.at_ms - keep_ms)
            pipe.pexpire(key, keep_ms)
            await pipe.execute()

    async def answers(self, since_ms: int) -> list[Answer]:
        """Answered questions from `since_ms` on."""
        rows = await self.redis.zrangebyscore(self.keys.answered, since_ms, "+inf")
        return [decode_answer(r) for r in rows]

    async def add_staff(self, platform: str, user_id: str) -> None:
        """Remember a member of an internal chat as staff."""
        await self.redis.sadd(self.keys.staff(platform), user_id)

    async def is_staff(self, platform: str, user_id: str) -> bool:
        """Tell whether the user was seen in an internal chat."""
        return bool(await self.redis.sismember(self.keys.staff(platform), user_id))
