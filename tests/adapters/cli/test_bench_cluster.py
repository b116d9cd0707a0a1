"""`kodeks bench` on a real 3-master Redis Cluster (`KODEKS_REDIS_CLUSTER=true`): pipeline figures
and no Redis error; the keys it writes spread over every master, each with a TTL, and go at its end.
"""

from __future__ import annotations

import json
import logging

import pytest

from adapters.cli.main import main
from bot.measure.bench import bench_pipeline, remove_bench_keys
from bot.store.keys import Keys
from bot.store.redis_store import RedisStore
from rules import Checker
from tests.support import DATA, own_keys
from tests.support.redis_server import RedisClusterServers

CORPUS = DATA / "corpus"


def test_bench_on_a_cluster_reports_the_pipeline_without_a_redis_error(
    redis_cluster: RedisClusterServers,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("KODEKS_REDIS_URL", redis_cluster.url)  # one node names the cluster
    monkeypatch.setenv("KODEKS_REDIS_CLUSTER", "true")
    bench = ["bench", "--corpus", str(CORPUS), "--seconds", "0.05", "--messages", "500"]
    with caplog.at_level(logging.INFO):
        assert main([*bench, "--json", "--allow-dirty"]) == 0
    printed = capsys.readouterr()
    assert not printed.err, printed.err  # nothing printed past logging either
    pipeline = json.loads(printed.out)["pipeline"]
    assert pipeline["messages"] == 500
    assert pipeline["messages_per_second"] > 0
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    for node in redis_cluster.masters():  # the bench removed what it wrote, on every master
        assert not list(node.scan_iter(match="kodeks-bench:*"))


async def test_a_cluster_holds_the_findings_on_every_master_each_with_a_ttl(
    redis_cluster: RedisClusterServers, checker: Checker
) -> None:
    keys: Keys = own_keys()
    store = RedisStore.from_url(redis_cluster.url, cluster=True, keys=keys)
    try:
        await bench_pipeline(checker, store, CORPUS, count=300, in_flight=32)
        per_master = [
            [(key, node.pttl(key)) for key in node.scan_iter(match=f"{keys.prefix}:*")]
            for node in redis_cluster.masters()
        ]
        assert all(per_master), [len(found) for found in per_master]  # every master holds some
        eternal = [key for found in per_master for key, ttl in found if ttl < 0]
        assert not eternal, eternal[:5]
        assert await remove_bench_keys(store) == sum(len(found) for found in per_master)
    finally:
        await store.close()
