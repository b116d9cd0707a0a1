"""The store on a real Redis Cluster under the two conditions that broke it through redis-py's
cluster client: more commands at once than its default connections per node, and every master
stopped and started again mid-traffic."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest

from bot.store.records import AuditEntry
from bot.store.redis_store import RedisStore, is_outage
from tests.support import own_keys
from tests.support.redis_server import RedisClusterServers


def _entry(n: int) -> AuditEntry:
    return AuditEntry(
        at_ms=1_700_000_000_000 + n, platform="slack", chat="C1", user=f"U{n}",
        message=f"1.{n:06}", clause=6, label="rudeness", rules=("rude.animal",),
    )  # fmt: skip


@pytest.mark.parametrize("first_use", ["together", "after-a-ping"])
async def test_many_commands_at_once_all_work(
    redis_cluster: RedisClusterServers, first_use: str
) -> None:
    """Two ways redis-py's cluster client closed connections in use, so that some of these failed
    (AttributeError on a closed writer) or went twice (two audit lines for one warning): many first
    uses at once, each learning the cluster anew; and past its default 100 connections per node,
    a MaxConnectionsError taken for a failed node."""
    store = RedisStore.from_url(redis_cluster.url, cluster=True, keys=own_keys())
    try:
        if first_use == "after-a-ping":
            assert await store.ping()

        async def one(n: int) -> None:  # as handle() does: a lookup, then the audit line
            await store.binding("slack", f"C{n % 40}")
            await store.audit(_entry(n), keep_days=1)

        results = await asyncio.gather(*(one(n) for n in range(500)), return_exceptions=True)
        assert [r for r in results if r is not None] == []
        assert len(await store.audit_entries()) == 500
    finally:
        await store.close()


async def test_a_cluster_restart_mid_traffic_raises_only_outages(tmp_path: Path) -> None:
    """Every error the store raises while the whole cluster restarts is an outage (buffered and
    retried by the pipeline), never an error that would fail a message and lose its findings."""
    cluster = RedisClusterServers(tmp_path)
    cluster.start()
    store = RedisStore.from_url(cluster.url, cluster=True, keys=own_keys())
    errors: Counter[tuple[str, bool]] = Counter()

    async def one(n: int) -> None:
        try:
            await store.binding("slack", f"C{n}")
            await store.is_staff("slack", f"U{n}")
        except Exception as error:  # counted by kind: the assertion below is about them
            errors[type(error).__name__, is_outage(error)] += 1

    async def restart() -> None:
        await asyncio.sleep(0.3)
        await asyncio.to_thread(cluster.stop)
        await asyncio.sleep(0.5)
        await asyncio.to_thread(cluster.start)

    try:
        restarting = asyncio.create_task(restart())
        for batch in range(30):
            await asyncio.gather(*(one(n) for n in range(batch * 300, (batch + 1) * 300)))
        await restarting
        assert errors, "the restart should have been felt"
        assert all(outage for _, outage in errors), errors
        assert await store.ping()  # and the store works again afterwards
    finally:
        await store.close()
        cluster.stop()
