"""Measure the checker (cold first pass, steady state, p99) and the whole pipeline on Redis.

Speed is measured here, not asserted in unit tests. The cold pass runs on a checker whose
analyzer caches are empty; the steady state repeats the corpus after one warm-up pass. The
pipeline part feeds staff messages through `Pipeline.handle` with many in flight, against the
configured Redis (or the embedded store), with ports that only count.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from bot.core import build_core
from bot.domain.config import AgencyConfig, load_config
from bot.domain.models import Escalation, IncomingMessage, Nudge, Platform
from bot.domain.ports import Delivery, PlainMarkup, Ports
from bot.measure.evaluate import CorpusLine, corpus_checker, read_corpus
from bot.store.keys import PREFIX
from bot.store.redis_store import RedisStore
from rules import ChatKind, CheckContext, Checker

DEFAULT_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class CheckerFigures:
    """What `kodeks bench` reports of the checker."""

    messages: int
    messages_per_second: float
    cold_messages_per_second: float
    p50_ms: float
    p99_ms: float

    def as_dict(self) -> dict[str, float | int]:
        """Return the `checker` object of DESIGN.md's CLI contract."""
        return {
            "messages": self.messages,
            "messages_per_second": round(self.messages_per_second, 1),
            "cold_messages_per_second": round(self.cold_messages_per_second, 1),
            "p50_ms": round(self.p50_ms, 4),
            "p99_ms": round(self.p99_ms, 4),
        }


def default_corpus() -> Path:
    """Return the corpus that ships with the project, so the bench runs anywhere."""
    return Path(str(resources.files("bot.measure") / "bench_corpus"))


def bench_checker(
    checker: Checker, folder: Path, chat: ChatKind | None, seconds: float = DEFAULT_SECONDS
) -> CheckerFigures:
    """Time the checker over a corpus: one cold pass, then passes for `seconds`."""
    checker = corpus_checker(checker, folder)
    jobs = [(line.text, _context(line, chat)) for line in read_corpus(folder)]
    if not jobs:
        msg = f"{folder}: the corpus has no messages to time"
        raise ValueError(msg)
    started = time.perf_counter()
    for text, context in jobs:
        checker.check(text, context)
    cold = len(jobs) / (time.perf_counter() - started)
    gc.freeze()  # as `kodeks run` does after start-up: what is built stays out of the collector
    latencies: list[int] = []
    total = 0.0
    while total < seconds:
        for text, context in jobs:
            t0 = time.perf_counter_ns()
            checker.check(text, context)
            latencies.append(time.perf_counter_ns() - t0)
            total += latencies[-1] / 1e9
    latencies.sort()
    return CheckerFigures(
        messages=len(jobs),
        messages_per_second=len(latencies) / total,
        cold_messages_per_second=cold,
        p50_ms=latencies[len(latencies) // 2] / 1e6,
        p99_ms=latencies[int(len(latencies) * 0.99)] / 1e6,
    )


PEER = "python-obscene-words-filter"
BENCH_PREFIX = "kodeks-bench"  # the bench's keys, never the bot's (`kodeks:`)


async def holds_kodeks_data(store: RedisStore) -> bool:
    """Tell whether the store's database already holds a bot's keys."""
    async for _ in store.redis.scan_iter(match=f"{PREFIX}:*", count=100):
        return True
    return False


async def remove_bench_keys(store: RedisStore) -> int:
    """Remove every key the bench wrote (its own prefix); return how many."""
    removed = 0
    async for key in store.redis.scan_iter(match=f"{store.keys.prefix}:*", count=500):
        removed += await store.redis.delete(key)
    return removed


def bench_peer(folder: Path, seconds: float = DEFAULT_SECONDS) -> float | None:
    """Time the PyPI peer, python-obscene-words-filter, on the same corpus, in steady state.

    Its documented use, `mask_bad_words`, after one warm-up pass. None when it is not installed
    (it is a development dependency, for this comparison only).
    """
    try:
        from obscene_words_filter.default import get_default_filter  # noqa: PLC0415
    except ImportError:
        return None
    peer = get_default_filter()
    texts = [line.text for line in read_corpus(folder)]
    for text in texts:
        peer.mask_bad_words(text)
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for text in texts:
            peer.mask_bad_words(text)
        done += len(texts)
    return done / (time.perf_counter() - started)


def _context(line: CorpusLine, chat: ChatKind | None) -> CheckContext:
    if chat is None:
        return CheckContext(line.chat, line.client)
    return CheckContext(chat, line.client if chat is ChatKind.CLIENT else None)


@dataclass(frozen=True, slots=True)
class PipelineFigures:
    """One pipeline run: throughput and handle() latency."""

    messages: int
    in_flight: int
    messages_per_second: float
    p50_ms: float
    p99_ms: float


def pipeline_report(
    capacity: PipelineFigures, paced: PipelineFigures, rate: float
) -> dict[str, float | int]:
    """Return the `pipeline` object of DESIGN.md's CLI contract.

    `messages_per_second` is the capacity (closed loop, `in_flight` at once); `p50_ms` and
    `p99_ms` are handle() latencies with messages arriving at `rate` per second (at most
    `in_flight` at once), as a platform delivers them. A closed loop's latency is only
    `in_flight` / throughput (Little's law), so it is reported too, as `closed_p99_ms`.
    """
    return {
        "messages": capacity.messages,
        "in_flight": capacity.in_flight,
        "messages_per_second": round(capacity.messages_per_second, 1),
        "rate": rate,
        "p50_ms": round(paced.p50_ms, 3),
        "p99_ms": round(paced.p99_ms, 3),
        "closed_p50_ms": round(capacity.p50_ms, 3),
        "closed_p99_ms": round(capacity.p99_ms, 3),
    }


class _CountingPorts:
    """Outbound ports that only count: the bench measures kodeks, not a platform."""

    def __init__(self) -> None:
        self.sent = 0

    async def nudge(self, nudge: Nudge, text: str, button: str) -> Delivery:
        self.sent += 1
        return Delivery.DELIVERED

    def markup(self, platform: Platform) -> PlainMarkup:
        return PlainMarkup()

    async def escalate(self, escalation: Escalation, text: str) -> Delivery:
        self.sent += 1
        return Delivery.DELIVERED


def bench_messages(
    folder: Path, count: int, run: str
) -> tuple[AgencyConfig, list[IncomingMessage]]:
    """Turn a corpus into `count` staff messages in configured chats, ids unique to this run."""
    lines = list(read_corpus(folder))
    registry = folder / "agency.toml"
    clients = load_config(registry).clients if registry.exists() else ()
    chats = [{"platform": "telegram", "id": f"-1{run}0", "kind": "internal"}]
    chat_of: dict[str | None, str] = {None: f"-1{run}0"}
    for n, client in enumerate(clients, 1):
        chat_of[client.name] = f"-1{run}{n}"
        chats.append(
            {
                "platform": "telegram",
                "id": chat_of[client.name],
                "kind": "client",
                "client": client.name,
            }
        )
    staff = [{"name": f"staff {n}", "telegram_id": f"{run}{n}"} for n in range(50)]
    config = AgencyConfig.model_validate(
        {"clients": [c.model_dump() for c in clients], "chats": chats, "staff": staff}
    )
    sent_at = datetime.now(UTC)
    messages = [
        IncomingMessage(
            platform=Platform.TELEGRAM,
            chat_id=chat_of.get(line.client, chat_of[None]),
            user_id=f"{run}{n % 50}",
            message_id=str(n),
            event_id=f"{run}-{n}",
            text=line.text,
            sent_at=sent_at,
        )
        for n, line in zip(range(count), itertools.cycle(lines), strict=False)
    ]
    return config, messages


async def bench_pipeline(
    checker: Checker,
    store: RedisStore,
    folder: Path,
    count: int = 20_000,
    in_flight: int = 64,
    rate: float = 0.0,
) -> PipelineFigures:
    """Feed `count` messages through `Pipeline.handle`, at most `in_flight` at once.

    With `rate` 0 the load is closed: a new message starts as soon as one ends, which measures
    capacity. With a rate, messages arrive on that schedule (as a platform delivers them), at
    most `in_flight` at once, which measures latency at that load.
    """
    run = secrets.token_hex(4)
    config, messages = bench_messages(folder, count, run)
    ports = _CountingPorts()
    core = build_core(
        config=config, checker=corpus_checker(checker, folder), store=store,
        ports=Ports(ports, ports),
    )  # fmt: skip
    pipeline = core.pipeline
    latencies: list[int] = []
    slots = asyncio.Semaphore(in_flight)

    async def one(message: IncomingMessage) -> None:
        # Each delivery is its own task, as the adapters run them.
        started = time.perf_counter_ns()
        await pipeline.handle(message)
        latencies.append(time.perf_counter_ns() - started)
        slots.release()

    tasks = []
    started = time.perf_counter()
    for n, message in enumerate(messages):
        if rate:
            delay = started + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        await slots.acquire()
        tasks.append(asyncio.create_task(one(message)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    latencies.sort()
    return PipelineFigures(
        messages=len(messages),
        in_flight=in_flight,
        messages_per_second=len(messages) / elapsed,
        p50_ms=latencies[len(latencies) // 2] / 1e6,
        p99_ms=latencies[int(len(latencies) * 0.99)] / 1e6,
    )
