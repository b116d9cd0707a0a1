"""Load and faults: two replicas on one Redis, fed over Slack's HTTP mode, Redis restarted midway.

    .venv/bin/python -m scripts.loadtest --messages 50000 [--cluster]

The harness starts its own `redis-server` on a free port (`--appendonly yes --appendfsync always`,
as production should run), a local Slack Web API (`tests/support/slack.py`) that records every
nudge, and two replicas, each a separate process with its own pipeline, `RedisStore` and the real
Bolt app in HTTP mode. It posts the messages signed as Slack signs them: staff and client authors,
a share of them rude, a share delivered twice (to both replicas, some as Slack's retries). Midway
it stops Redis with SIGTERM and starts it again on the same port and folder. Then each replica
drains and reports the (message, clause) warnings its `handle()` accepted, and the harness
compares them with the warnings counted in Redis and with the nudges the fake Slack received.

With `--cluster` the replicas run on a Redis Cluster of three masters instead
(`KODEKS_REDIS_CLUSTER=true`), and the whole cluster is stopped and started again midway. With
`--restart-bot`, replica 0 is stopped with SIGTERM while Redis is away (what waited goes to its
journal) and started again on the same journal; deliveries it refused meanwhile are sent again,
as Slack retries them.

Exit status 0 only when no accepted warning is missing from Redis, no nudge was sent twice, and
every counted warning has exactly one line in the audit trail.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import redis
from aiohttp import web

from tests.support.redis_server import RedisClusterServers, RedisServer
from tests.support.slack import TEAM, FakeSlack, message_event, sign

ROOT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-1-kodeks-test"
RUDE = (
    "ну это пиздец, а не макет",
    "Вы что, тупые? Сколько можно объяснять",
    "Этот клиент опять ноет, задолбал",
)
CLEAN = (
    "Добрый день! Макет готов, посмотрите, пожалуйста.",
    "Отправили счёт, подтвердите получение, пожалуйста.",
    "Созвонимся завтра в 11?",
)
CLIENT_TEXTS = ("Когда будет готово?", "ну это пиздец, а не макет", "Спасибо, всё отлично")
# Slack Connect channels no config mentions: client chats, where staff are judged.
CHANNELS = [f"CLOAD{i:02d}" for i in range(16)]
AGENCY: dict[str, Any] = {
    "clients": [{"name": "Ромашка"}],
    "staff": [{"name": "Анна", "slack_id": "UADMIN", "admin": True}],
    # Every new warning nudges, so a doubled nudge cannot hide behind the nudge window.
    "policy": {"nudge_window_minutes": 0},
}
_WARN_KEY = re.compile(r"^kodeks:\{slack:(?P<user>[^}]*)\}:warn:(?P<clause>\d+)$")


# --- one replica (a process of its own)


class Recording:
    """Stands in for the pipeline the adapter feeds: passes each message on, and notes which
    (message, clause) warnings `handle()` accepted, its latency and the statuses."""

    def __init__(self, pipeline: Any, outage: Any) -> None:
        self.pipeline = pipeline
        self.outage = outage
        self.accepted: set[tuple[str, int]] = set()
        self.statuses: Counter[str] = Counter()
        self.latencies: list[float] = []
        self.inflight = 0

    async def flush(self) -> int:
        # Counted as in flight: a flush pops a message before it records and nudges it.
        self.inflight += 1
        try:
            return int(await self.pipeline.flush())
        finally:
            self.inflight -= 1

    async def handle(self, message: Any) -> Any:
        self.inflight += 1
        started = time.perf_counter()
        try:
            outcome = await self.pipeline.handle(message)
        finally:
            self.inflight -= 1
        self.latencies.append(time.perf_counter() - started)
        self.statuses[outcome.status.value] += 1
        if outcome.warnings:
            member = f"{message.chat_id}:{message.message_id}"
            self.accepted.update((member, c) for c in outcome.clauses)
        return outcome


async def replica(redis_url: str, api_url: str, cluster: bool, journal_path: str) -> None:
    """Run one bot replica: the Slack adapter in HTTP mode, plus a control port for `/done`."""
    from adapters.slack.adapter import SlackAdapter, build_client  # noqa: PLC0415 - Bolt here only
    from bot.core import build_core  # noqa: PLC0415
    from bot.domain.config import AgencyConfig  # noqa: PLC0415
    from bot.domain.ports import PlatformRouter  # noqa: PLC0415
    from bot.ops.settings import SlackSettings  # noqa: PLC0415
    from bot.store.journal import Journal  # noqa: PLC0415
    from bot.store.redis_store import RedisStore  # noqa: PLC0415
    from rules import build_checker  # noqa: PLC0415

    config = AgencyConfig.model_validate(AGENCY)
    store = RedisStore.from_url(redis_url, cluster=cluster)
    router = PlatformRouter()
    journal = Journal(Path(journal_path))  # as `kodeks run` keeps what waits for Redis
    core = build_core(
        config=config, checker=build_checker(config.registry()), store=store,
        ports=router.as_ports(), journal=journal,
    )  # fmt: skip
    pipeline = Recording(core.pipeline, core.outage)
    slack = SlackSettings(
        bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET, mode="http", api_url=api_url,
        host="127.0.0.1", port=0,
    )  # fmt: skip
    adapter = SlackAdapter(slack, pipeline, core.commands, build_client(slack), config)  # type: ignore[arg-type]
    router.register(adapter.platform, adapter.ports)
    await adapter.start()
    done, stopped = asyncio.Event(), asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopped.set)
    control = await _serve_control(pipeline, done)
    flusher = asyncio.create_task(_flush_forever(pipeline))
    print(f"READY {adapter.http_port} {control[1]}", flush=True)  # noqa: T201 - the handshake
    await asyncio.wait(
        [asyncio.create_task(done.wait()), asyncio.create_task(stopped.wait())],
        return_when=asyncio.FIRST_COMPLETED,
    )
    flusher.cancel()
    await adapter.stop()
    if stopped.is_set():  # as `kodeks run` stops: finish what is in hand, keep what waits
        report = await _drain(pipeline, timeout_s=5.0)
        print(f"REPORT {json.dumps(report)}", flush=True)  # noqa: T201 - the handshake
    await control[0].cleanup()
    await store.close()
    journal.close()


async def _flush_forever(pipeline: Any) -> None:
    """As `kodeks run` does: buffered findings go through once Redis is back."""
    while True:
        await asyncio.sleep(0.5)
        if pipeline.outage:
            with contextlib.suppress(Exception):
                await pipeline.flush()


async def _serve_control(pipeline: Any, done: asyncio.Event) -> tuple[web.AppRunner, int]:
    async def finish(_: web.Request) -> web.Response:
        report = await _drain(pipeline)
        done.set()
        return web.json_response(report)

    app = web.Application()
    app.router.add_post("/done", finish)
    runner = web.AppRunner(app)
    await runner.setup()
    sock = socket.create_server(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    return runner, int(sock.getsockname()[1])


async def _drain(pipeline: Any, timeout_s: float = 60.0) -> dict[str, Any]:
    """Wait for handlers still running (Bolt acks before it handles), then flush the buffer."""
    deadline = time.monotonic() + timeout_s
    while (pipeline.inflight or pipeline.outage) and time.monotonic() < deadline:
        if pipeline.outage:
            with contextlib.suppress(Exception):
                await pipeline.flush()
        await asyncio.sleep(0.05)
    return {
        "accepted": sorted(pipeline.accepted),
        "statuses": dict(pipeline.statuses),
        "latencies": pipeline.latencies,
        "buffered_left": len(pipeline.outage),
        "inflight_left": pipeline.inflight,
        "overflowed": pipeline.outage.overflowed,
    }


# --- the load


@dataclass(frozen=True, slots=True)
class Delivery:
    """One HTTP delivery: which replica, the body, Slack's retry number."""

    replica: int
    body: str
    retry: int = 0


@dataclass(frozen=True, slots=True)
class Plan:
    """What to send: how many messages, which share is rude, from clients, delivered twice."""

    messages: int = 2_000
    rude_share: float = 0.2
    client_share: float = 0.25
    duplicate_share: float = 0.1
    concurrency: int = 32
    outage_s: float = 1.0
    seed: int = 8
    cluster: bool = False  # a 3-master Redis Cluster instead of one server, all restarted
    restart_bot: bool = False  # replica 0 stopped (SIGTERM) and started again during the outage


def deliveries(plan: Plan) -> Iterator[Delivery]:
    """The messages in order; a duplicate goes to both replicas, half of them as a retry."""
    rnd = random.Random(plan.seed)
    for n in range(plan.messages):
        body = json.dumps(_message(n, plan, rnd), ensure_ascii=False)
        first = n % 2
        yield Delivery(first, body)
        if rnd.random() < plan.duplicate_share:
            yield Delivery(1 - first, body, retry=rnd.choice((0, 1)))


def _message(n: int, plan: Plan, rnd: random.Random) -> dict[str, Any]:
    channel = rnd.choice(CHANNELS)
    ts, event_id = f"1700000000.{n:06d}", f"EvLoad{n:07d}"
    if rnd.random() < plan.client_share:
        return message_event(
            event_id=event_id, channel=channel, user=f"UCLIENT{n % 50}",
            text=rnd.choice(CLIENT_TEXTS), ts=ts, user_team="TCLIENT", shared=True,
        )  # fmt: skip
    if rnd.random() < plan.rude_share:
        # A rude message's author is its own, so each nudge names the message it is about.
        user, text = f"URUDE{n:07d}", rnd.choice(RUDE)
    else:
        user, text = f"USTAFF{n % 40}", rnd.choice(CLEAN)
    return message_event(
        event_id=event_id, channel=channel, user=user, text=text, ts=ts, user_team=TEAM,
        shared=True,
    )  # fmt: skip


@dataclass
class Replica:
    """A replica process and its ports."""

    process: subprocess.Popen[str]
    port: int
    control: int
    spawned_with: tuple[Any, ...] = ()  # what `_spawn` was given, to start it again


@dataclass
class Run:
    """What the harness measured."""

    messages: int
    deliveries: int = 0
    duplicates: int = 0
    seconds: float = 0.0
    http_latencies: list[float] = field(default_factory=list)
    http_errors: int = 0
    restarted_at: int = -1
    reports: list[dict[str, Any]] = field(default_factory=list)
    # What a replica stopped mid-run reported on its way out (what waited went to its journal).
    stopped_reports: list[dict[str, Any]] = field(default_factory=list)
    redelivered: int = 0  # deliveries sent again after a refused one, as Slack retries them
    counted: set[tuple[str, int]] = field(default_factory=set)
    nudges: Counter[str] = field(default_factory=Counter)
    # The messages Redis counted a warning of, per author: one nudge each (the window is 0, and
    # a message that breaks two clauses brings one nudge naming both).
    warned: dict[str, set[str]] = field(default_factory=dict)
    audited: Counter[tuple[str, int]] = field(default_factory=Counter)  # audit lines per warning

    @property
    def accepted(self) -> set[tuple[str, int]]:
        every = self.reports + self.stopped_reports
        return {(m, int(c)) for r in every for m, c in r["accepted"]}

    @property
    def lost(self) -> int:
        return len(self.accepted - self.counted)

    @property
    def doubled(self) -> int:
        return sum(max(0, n - len(self.warned.get(u, ()))) for u, n in self.nudges.items())

    def figures(self) -> dict[str, Any]:
        handle = sorted(x for r in self.reports + self.stopped_reports for x in r["latencies"])
        statuses: Counter[str] = Counter()
        for r in self.reports + self.stopped_reports:
            statuses.update(r["statuses"])
        return {
            "messages": self.messages,
            "deliveries": self.deliveries,
            "duplicate_deliveries": self.duplicates,
            "seconds": round(self.seconds, 2),
            "messages_per_s": round(self.messages / self.seconds, 1) if self.seconds else 0,
            "http_p50_ms": _ms(_pct(sorted(self.http_latencies), 0.50)),
            "http_p99_ms": _ms(_pct(sorted(self.http_latencies), 0.99)),
            "handle_p50_ms": _ms(_pct(handle, 0.50)),
            "handle_p99_ms": _ms(_pct(handle, 0.99)),
            "http_errors": self.http_errors,
            "redelivered": self.redelivered,
            "bot_restarts": len(self.stopped_reports),
            "journaled_at_stop": sum(r["buffered_left"] for r in self.stopped_reports),
            "redis_restarted_after_delivery": self.restarted_at,
            "handle_statuses": dict(sorted(statuses.items())),
            "warnings_accepted": len(self.accepted),
            "warnings_counted": len(self.counted),
            "warnings_lost": self.lost,
            "nudges": sum(self.nudges.values()),
            "nudges_doubled": self.doubled,
            "warnings_without_nudge": len({u for u in self.warned if not self.nudges[u]}),
            "left_buffered": sum(r["buffered_left"] for r in self.reports),
            "audit_lines": sum(self.audited.values()),
            "audit_lines_missing": len(self.counted - set(self.audited)),
            "audit_lines_doubled": sum(n - 1 for n in self.audited.values() if n > 1),
        }


def _pct(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))] if values else 0.0


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


async def run(plan: Plan, folder: Path, log: Path | None = None) -> Run:
    """Start Redis, the fake Slack and two replicas; feed them; restart Redis; measure."""
    binary = shutil.which("redis-server")
    if binary is None:
        msg = "redis-server is not on PATH"
        raise RuntimeError(msg)
    # Durable (appendfsync always), stopped with SIGTERM; a cluster's every master at once.
    server = RedisClusterServers(folder) if plan.cluster else RedisServer(folder)
    server.start()
    fake = await FakeSlack().start()
    result, log = Run(plan.messages), log or folder / "replicas.log"
    try:
        async with _replicas(server.url, f"{fake.url}/api/", log, plan.cluster, folder) as reps:
            await _feed(plan, reps, server, result)
            result.reports = [await _finish(r) for r in reps]
        _count(server.url, plan.cluster, fake, result)
    finally:
        await fake.stop()
        server.stop()
    return result


@contextlib.asynccontextmanager
async def _replicas(
    redis_url: str, api_url: str, log: Path, cluster: bool, folder: Path
) -> AsyncIterator[list[Replica]]:
    started: list[Replica] = []
    with log.open("a") as errors:
        try:
            for _ in range(2):
                journal = folder / f"replica-{len(started)}.sqlite3"
                started.append(await _spawn(redis_url, api_url, errors, cluster, journal))
            yield started
        finally:
            for r in started:
                if r.process.poll() is None:
                    r.process.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    r.process.wait(timeout=10)
                if r.process.stdout is not None:
                    r.process.stdout.close()


async def _spawn(
    redis_url: str, api_url: str, errors: Any, cluster: bool, journal: Path
) -> Replica:
    command = [sys.executable, "-m", "scripts.loadtest", "replica", redis_url, api_url]
    command += [str(journal), "cluster" if cluster else "single"]
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=errors, text=True, env=env
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(asyncio.to_thread(process.stdout.readline), 60)
    if not line.startswith("READY"):
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
        msg = f"replica did not start (see the replicas' log): {line!r}"
        raise RuntimeError(msg)
    _, port, control = line.split()
    return Replica(process, int(port), int(control), (redis_url, api_url, errors, cluster, journal))


async def _feed(
    plan: Plan, reps: list[Replica], server: RedisServer | RedisClusterServers, result: Run
) -> None:
    """Post every delivery with bounded concurrency; restart Redis once, halfway through."""
    todo = list(deliveries(plan))
    result.deliveries = len(todo)
    result.duplicates = len(todo) - plan.messages
    gate = asyncio.Semaphore(plan.concurrency)
    half = len(todo) // 2
    restart: asyncio.Task[None] | None = None
    connector = aiohttp.TCPConnector(limit=plan.concurrency * 2)
    timeout = aiohttp.ClientTimeout(total=30)
    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        tasks = []
        for i, delivery in enumerate(todo):
            if i == half:
                result.restarted_at = i
                restart = asyncio.create_task(_restart(server, plan, reps, result))
            await gate.acquire()
            tasks.append(asyncio.create_task(_post(http, reps, delivery, gate, result)))
        await asyncio.gather(*tasks)
        if restart is not None:
            await restart
    result.seconds = time.perf_counter() - started


async def _restart(
    server: RedisServer | RedisClusterServers, plan: Plan, reps: list[Replica], result: Run
) -> None:
    """Stop Redis; with `restart_bot`, stop replica 0 with SIGTERM and start it again (same
    journal) while Redis is still away; then start Redis."""
    await asyncio.to_thread(server.stop)
    await asyncio.sleep(plan.outage_s)
    if plan.restart_bot:
        result.stopped_reports.append(await asyncio.to_thread(_stop_for_report, reps[0]))
        reps[0] = await _spawn(*reps[0].spawned_with)
    await asyncio.to_thread(server.start)


def _stop_for_report(rep: Replica) -> dict[str, Any]:
    """SIGTERM a replica and read the report it prints on its way out."""
    rep.process.send_signal(signal.SIGTERM)
    assert rep.process.stdout is not None
    report: dict[str, Any] = {}
    for line in rep.process.stdout:
        if line.startswith("REPORT "):
            report = json.loads(line.removeprefix("REPORT "))
    rep.process.wait(timeout=30)
    rep.process.stdout.close()
    if not report:
        msg = "a stopped replica printed no report (see the replicas' log)"
        raise RuntimeError(msg)
    return report


async def _post(
    http: aiohttp.ClientSession,
    reps: list[Replica],
    d: Delivery,
    gate: asyncio.Semaphore,
    result: Run,
) -> None:
    """Deliver as Slack does: a delivery not answered 200 (the replica restarting) is sent again,
    as a retry, to whichever process serves that replica by then."""
    started = time.perf_counter()
    try:
        for attempt in range(_ATTEMPTS):
            if await _post_once(http, reps[d.replica].port, d, d.retry + attempt):
                return
            result.redelivered += 1
            await asyncio.sleep(0.25)
        result.http_errors += 1
    finally:
        result.http_latencies.append(time.perf_counter() - started)
        gate.release()


_ATTEMPTS = 60  # 15 s of retries: longer than a replica takes to start again


async def _post_once(http: aiohttp.ClientSession, port: int, d: Delivery, retry: int) -> bool:
    headers = {"Content-Type": "application/json", **sign(SIGNING_SECRET, d.body)}
    if retry:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    url = f"http://127.0.0.1:{port}/slack/events"
    try:
        async with http.post(url, data=d.body.encode(), headers=headers) as response:
            await response.read()
            return response.status == 200
    except (aiohttp.ClientError, TimeoutError):
        return False


async def _finish(rep: Replica) -> dict[str, Any]:
    timeout = aiohttp.ClientTimeout(total=90)
    async with (
        aiohttp.ClientSession(timeout=timeout) as http,
        http.post(f"http://127.0.0.1:{rep.control}/done") as response,
    ):
        report: dict[str, Any] = await response.json()
    await asyncio.to_thread(rep.process.wait, 30)
    return report


def _count(redis_url: str, cluster: bool, fake: FakeSlack, result: Run) -> None:
    """The warnings Redis counted at the end, and the nudges Slack received per author."""
    client: redis.Redis | redis.RedisCluster = (
        redis.RedisCluster.from_url(redis_url, decode_responses=True)
        if cluster
        else redis.Redis.from_url(redis_url, decode_responses=True)
    )
    for key in client.scan_iter(match="kodeks:{slack:*}:warn:*", count=1000):
        found = _WARN_KEY.match(key)
        if found is None:
            continue
        members = client.zrange(key, 0, -1)
        result.warned.setdefault(found["user"], set()).update(members)
        result.counted.update((m, int(found["clause"])) for m in members)
    for _, fields in client.xrange("kodeks:audit"):
        result.audited[(f"{fields['chat']}:{fields['message']}", int(fields["clause"]))] += 1
    client.close()
    for params in fake.sent("chat.postEphemeral"):
        result.nudges[str(params["user"])] += 1
    for params in fake.sent("conversations.open"):  # a DM fallback is a nudge too
        result.nudges[str(params["users"])] += 1


# --- command line


def main(argv: list[str] | None = None) -> int:
    """Run the harness (or, internally, one replica); print the figures as JSON."""
    parser = argparse.ArgumentParser(prog="loadtest", description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--outage", type=float, default=1.0, help="seconds Redis stays down")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--log", type=Path, help="keep the replicas' warnings in this file")
    parser.add_argument("--cluster", action="store_true", help="on a 3-master Redis Cluster")
    parser.add_argument(
        "--restart-bot", action="store_true", help="restart a replica during the outage"
    )
    args, rest = parser.parse_known_args(argv)
    if rest[:1] == ["replica"]:
        asyncio.run(replica(rest[1], rest[2], rest[4] == "cluster", rest[3]))
        return 0
    plan = Plan(
        args.messages, concurrency=args.concurrency, outage_s=args.outage, seed=args.seed,
        cluster=args.cluster, restart_bot=args.restart_bot,
    )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="kodeks-load-") as folder:
        result = asyncio.run(run(plan, Path(folder), args.log))
    figures = result.figures()
    print(json.dumps(figures, indent=2, ensure_ascii=False))  # noqa: T201 - the harness's output
    audit_ok = figures["audit_lines_missing"] == figures["audit_lines_doubled"] == 0
    return 0 if result.lost == 0 and result.doubled == 0 and audit_ok else 1


if __name__ == "__main__":
    sys.exit(main())
