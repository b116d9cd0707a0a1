"""Shared fixtures: one checker per session, and the store on fakeredis, on a real Redis and on a
real 3-master Redis Cluster the suite starts itself.

Tests that share the test Redis give each store a key prefix of its own (`own_keys`), so they
could run in parallel without seeing each other's keys.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import fakeredis
import pytest
import redis
import redis.asyncio as aioredis
from redis.asyncio.cluster import RedisCluster

from bot.store.redis_store import Client as StoreClient
from bot.store.redis_store import RedisStore
from rules import Checker, build_checker
from rules.examples import EXAMPLE_CLIENTS
from tests.support import TEST_REDIS_URL, own_keys, redis_or_fail
from tests.support.redis_server import RedisClusterServers

# The registry the rules' own examples are written for (`kodeks rules test` runs them with it).
REGISTRY = EXAMPLE_CLIENTS


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the developer's KODEKS_ settings out of the tests, and their journal out of $HOME."""
    for name in list(os.environ):
        if name.startswith("KODEKS_") and name != "KODEKS_TEST_REDIS_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("KODEKS_JOURNAL", str(tmp_path / "journal" / "outage.sqlite3"))


@pytest.fixture(scope="session")
def checker() -> Checker:
    """The shipped rules with a small client registry of the tests' own."""
    return build_checker(REGISTRY)


@pytest.fixture(scope="session", autouse=True)
def no_key_without_ttl() -> Iterator[None]:
    """After every test has run, fail on any key outside kodeks:cfg: that has no TTL."""
    yield
    try:
        client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
        keys = list(client.scan_iter(count=1000))
    except redis.RedisError:
        return  # no Redis: the tests that needed it have failed (CI) or skipped already
    eternal = [k for k in keys if b":cfg:" not in k and client.ttl(k) == -1]
    assert not eternal, f"keys without a TTL: {eternal[:10]}"


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisClusterServers]:
    """A real Redis Cluster of three masters, for the whole session; at its end, like the shared
    Redis, no key outside kodeks:cfg: may be without a TTL on any master."""
    cluster = RedisClusterServers(tmp_path_factory.mktemp("cluster"))
    cluster.start()
    yield cluster
    try:
        eternal = [
            key
            for node in cluster.masters()
            for key in node.scan_iter(count=1000)
            if b":cfg:" not in key and node.ttl(key) == -1
        ]
    finally:
        cluster.stop()
    assert not eternal, f"keys without a TTL on the cluster: {eternal[:10]}"


@pytest.fixture(params=["embedded", "redis", "cluster"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[RedisStore]:
    """The same store code on fakeredis (the embedded default), on a real Redis, and on a real
    Redis Cluster (keys spread over three masters, MOVED and all)."""
    client: StoreClient
    if request.param == "embedded":
        client = fakeredis.FakeAsyncRedis(server=fakeredis.FakeServer())
    elif request.param == "redis":
        redis_or_fail()
        client = aioredis.Redis.from_url(TEST_REDIS_URL)
    else:
        cluster = request.getfixturevalue("redis_cluster")
        client = RedisCluster.from_url(cluster.url)
    store = RedisStore(client, keys=own_keys())
    yield store
    await store.close()


@pytest.fixture
def ids() -> str:
    """A fresh suffix, so tests sharing the Redis database never share keys."""
    return uuid.uuid4().hex[:10]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run tests/rules first: the pure bottom layer fails fast, and its linear-time guards run in
    a process not yet grown by the end-to-end suites (a stable sort keeps every other order)."""
    items.sort(key=lambda item: not item.nodeid.startswith("tests/rules/"))
