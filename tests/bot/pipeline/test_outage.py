"""Redis goes away mid-run and comes back: nothing escapes handle(), nothing is lost or doubled."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis

from bot.domain.config import AgencyConfig
from bot.domain.models import IncomingMessage, Platform
from bot.pipeline.handle import Status
from bot.store.redis_store import RedisStore
from rules import Checker
from tests.support.bots import core_on
from tests.support.fakes import RecordingNotifier
from tests.support.redis_server import RedisClusterServers, RedisServer, free_port

USERS = ("11", "12", "13")
CONFIG = AgencyConfig.model_validate(
    {
        "clients": [{"name": "Ромашка"}],
        "chats": [{"platform": "telegram", "id": "-100", "kind": "client", "client": "Ромашка"}],
        "staff": [{"name": f"s{u}", "telegram_id": u} for u in USERS],
        "policy": {"nudge_window_minutes": 0, "escalate_from": 1000},
    }
)


@pytest.fixture(params=["redis", "cluster"])
def server(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[RedisServer | RedisClusterServers]:
    """Our own Redis, or our own 3-master cluster, that the test may stop and start."""
    server = RedisServer(tmp_path) if request.param == "redis" else RedisClusterServers(tmp_path)
    server.start()
    yield server
    server.stop()


def _message(n: int) -> IncomingMessage:
    return IncomingMessage(
        platform=Platform.TELEGRAM, chat_id="-100", user_id=USERS[n % len(USERS)],
        message_id=str(n), event_id=f"u{n}", text=f"б**ть, опять макет {n}",
        sent_at=datetime(2026, 11, 26, tzinfo=UTC),
    )  # fmt: skip


async def test_redis_restart_loses_no_warning_and_doubles_no_nudge(
    server: RedisServer | RedisClusterServers, checker: Checker
) -> None:
    cluster = isinstance(server, RedisClusterServers)
    store = RedisStore.from_url(server.url, cluster=cluster)
    notifier = RecordingNotifier()
    core = core_on(checker, CONFIG, store, notifier, outage_backoff_s=0.05)
    pipeline = core.pipeline
    accepted: set[str] = set()

    async def feed(numbers: range) -> None:
        for n in numbers:
            outcome = await pipeline.handle(_message(n))  # must never raise
            if outcome.warnings:
                accepted.add(str(n))

    await feed(range(30))
    server.stop()
    await feed(range(30, 60))
    await feed(range(20, 40))  # re-deliveries, some of them while Redis is down
    assert core.outage, "the outage should have buffered findings"
    assert core.metrics.value("kodeks_outage_backlog") == len(core.outage)
    [problem] = await core.problems()
    assert f"{len(core.outage)} findings held in memory" in problem
    server.start()
    await asyncio.sleep(0.1)  # past the backoff: Redis is worth trying again
    waiting = len(core.outage)
    await feed(range(60, 90))
    # The messages went on without draining the buffer themselves; they woke the flusher.
    assert len(core.outage) == waiting
    await asyncio.wait_for(pipeline.flush_due(60), 5)
    await pipeline.flush()
    assert not core.outage
    assert core.outage.overflowed == 0
    assert core.metrics.value("kodeks_outage_backlog") == 0
    assert await core.problems() == []

    counted = 0
    client = (
        redis.RedisCluster.from_url(server.url) if cluster else redis.Redis.from_url(server.url)
    )
    for user in USERS:
        counted += client.zcard(store.keys.warnings("telegram", user, 6))
    assert counted == len(accepted) == 90
    nudged = [(n.message_id, n.clause) for n, _, _ in notifier.sent]
    assert len(nudged) == len(set(nudged)) == 90
    await store.close()


async def test_a_full_buffer_counts_and_logs_what_it_cannot_keep(
    checker: Checker, caplog: pytest.LogCaptureFixture
) -> None:
    store = RedisStore.from_url(f"redis://127.0.0.1:{free_port()}/0")  # nobody listens there
    core = core_on(checker, CONFIG, store, buffer_size=2)
    statuses = [(await core.pipeline.handle(_message(n))).status for n in range(3)]
    assert statuses == [Status.BUFFERED, Status.BUFFERED, Status.FAILED]
    assert core.outage.overflowed == 1
    assert "outage buffer full" in caplog.text
    await store.close()
