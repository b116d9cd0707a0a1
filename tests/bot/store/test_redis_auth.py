"""Redis with a password (AUTH) and over TLS (rediss://), alone and as a 3-master Redis Cluster:
the store works through both, wrong credentials are refused at once, and secrets never reach the
logs or `repr(Settings())`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis
from redis.asyncio.cluster import RedisCluster

from adapters.cli import compose
from bot.domain.ports import PlatformRouter
from bot.ops.logs import JsonFormatter
from bot.ops.settings import Settings
from bot.pipeline.handle import Status
from bot.store.redis_store import ClusterUnavailableError, MessageRef, RedisStore, Windows
from rules import Checker
from tests.support import own_keys
from tests.support.bots import RUDE, core_on, message
from tests.support.redis_server import RedisClusterServers, RedisServer

PASSWORD = "Tr0ub4dor-and-3-horses"
TOKENS = {
    "KODEKS_TELEGRAM__TOKEN": "123456:AAE-telegram-secret-token",
    "KODEKS_TELEGRAM__WEBHOOK_SECRET": "webhook-secret-value",
    "KODEKS_SLACK__BOT_TOKEN": "xoxb-slack-bot-secret",
    "KODEKS_SLACK__APP_TOKEN": "xapp-slack-app-secret",
    "KODEKS_SLACK__SIGNING_SECRET": "slack-signing-secret",
}


async def _records_once(store: RedisStore, checker: Checker) -> None:
    """A message is recorded once through the store, and a re-delivery of it is a duplicate."""
    assert await store.ping()
    pipeline = core_on(checker, store=store).pipeline
    assert (await pipeline.handle(message(RUDE))).status is Status.RECORDED
    assert (await pipeline.handle(message(RUDE))).status is Status.DUPLICATE
    assert await store.warning_count("telegram", "11", 6, 30 * 86_400_000) == 1


@pytest.fixture(params=["auth", "auth+tls"])
async def server(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[RedisServer]:
    server = RedisServer(tmp_path, password=PASSWORD, tls=request.param == "auth+tls")
    server.start()
    yield server
    server.stop()


async def test_the_store_works_through_auth_and_tls(server: RedisServer, checker: Checker) -> None:
    store = RedisStore.from_url(server.url)
    try:
        await _records_once(store, checker)
    finally:
        await store.redis.flushall()
        await store.close()


async def test_wrong_or_missing_credentials_are_refused(server: RedisServer) -> None:
    for url in (
        server.url.replace(PASSWORD, "wrong"),
        server.url.replace(f":{PASSWORD}@", ""),
        f"redis://:{PASSWORD}@127.0.0.1:{server.port}/0",  # plain TCP to the TLS port (TLS case)
    ):
        if url == server.url:
            continue
        store = RedisStore.from_url(url)
        with pytest.raises((redis.RedisError, OSError)):
            await store.ping()
        await store.close()


async def test_secrets_never_reach_the_logs(
    server: RedisServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("KODEKS_CONFIG", str(Path("agency.example.toml").resolve()))
    monkeypatch.setenv("KODEKS_REDIS_URL", server.url.replace(PASSWORD, PASSWORD + "-wrong"))
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError) as refused:
        await compose.connect_core(Settings(), PlatformRouter())
    monkeypatch.setenv("KODEKS_REDIS_URL", server.url)
    core = await compose.connect_core(Settings(), PlatformRouter())
    await core.pipeline.handle(message(RUDE))
    await core.store.close()
    secrets = [PASSWORD, *TOKENS.values()]
    lines = [JsonFormatter().format(r) for r in caplog.records] + [caplog.text, str(refused.value)]
    assert "redis refused the credentials" in caplog.text  # the refusal is logged, at once
    assert not [s for s in secrets for line in lines if s in line]


def test_secrets_never_reach_the_settings_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KODEKS_REDIS_URL", f"rediss://:{PASSWORD}@redis.example:6380/0")
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    shown = [repr(settings), str(settings), repr(settings.telegram), repr(settings.slack)]
    shown += [settings.model_dump_json(), str(settings.model_dump())]
    assert not [s for s in (PASSWORD, *TOKENS.values()) for text in shown if s in text]
    assert settings.telegram.token is not None
    assert settings.telegram.token.get_secret_value() == TOKENS["KODEKS_TELEGRAM__TOKEN"]


# --- Redis Cluster with a password, and over TLS ----------------------------------------------


@pytest.fixture(scope="module", params=["auth", "auth+tls"])
def cluster(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RedisClusterServers]:
    """Three masters of the test's own, each with `requirepass` and `masterauth` (and TLS only,
    the cluster bus included, in the second case)."""
    tls = request.param == "auth+tls"
    cluster = RedisClusterServers(tmp_path_factory.mktemp("cluster"), password=PASSWORD, tls=tls)
    cluster.start()
    yield cluster
    cluster.stop()


def _on_cluster(monkeypatch: pytest.MonkeyPatch, url: str) -> Settings:
    monkeypatch.setenv("KODEKS_REDIS_URL", url)
    monkeypatch.setenv("KODEKS_REDIS_CLUSTER", "true")
    return Settings()


async def test_the_store_works_on_a_cluster_through_auth_and_tls(
    cluster: RedisClusterServers, checker: Checker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The password in KODEKS_REDIS_URL reaches every node the cluster client learns, not only the
    one the URL names: the findings of forty authors land on all three masters."""
    assert cluster.url.startswith("rediss://" if cluster.certificate else "redis://")
    assert f":{PASSWORD}@127.0.0.1:" in cluster.url
    keys = own_keys()
    store = RedisStore.from_settings(_on_cluster(monkeypatch, cluster.url), keys=keys)
    assert isinstance(store.redis, RedisCluster)
    try:
        await _records_once(store, checker)
        windows = Windows(count_ms=86_400_000, nudge_ms=0)
        for n in range(40):
            ref = MessageRef("slack", f"U{n}", "C1", f"1.{n}", f"ev{n}")
            assert await store.record(ref, [(6, ("rude-test",))], windows) is not None
        for node in cluster.masters():
            mine = list(node.scan_iter(match=f"{keys.prefix}:*", count=1000))
            assert mine, f"no key on {node.connection_pool.connection_kwargs['port']}"
            assert all(node.ttl(key) > 0 for key in mine)
    finally:
        await store.close()


async def test_a_cluster_refuses_a_wrong_or_missing_password_at_once(
    cluster: RedisClusterServers, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A refused password is an `AuthenticationError`, as on a single server (not a cluster that
    cannot be reached), and `kodeks run` stops on it at once, saying so, without retrying. Plain
    TCP to a TLS-only cluster is refused at once too, as an outage."""
    caplog.set_level(logging.DEBUG)
    for url in (cluster.url.replace(PASSWORD, "wrong"), cluster.url.replace(f":{PASSWORD}@", "")):
        store = RedisStore.from_url(url, cluster=True)
        async with asyncio.timeout(10):  # a clear error, not a hang
            with pytest.raises(redis.AuthenticationError):
                await store.ping()
        await store.close()
    if cluster.certificate is not None:  # plain TCP to a TLS port: nothing there to talk to
        plain = f"redis://:{PASSWORD}@127.0.0.1:{cluster.nodes[0].port}/0"
        store = RedisStore.from_url(plain, cluster=True)
        async with asyncio.timeout(10):
            with pytest.raises(ClusterUnavailableError):
                await store.ping()
        await store.close()
    monkeypatch.setenv("KODEKS_CONFIG", str(Path("agency.example.toml").resolve()))
    settings = _on_cluster(monkeypatch, cluster.url.replace(PASSWORD, PASSWORD + "-wrong"))
    async with asyncio.timeout(10):
        with pytest.raises(RuntimeError, match="Redis refused the credentials") as refused:
            await compose.connect_core(settings, PlatformRouter())
    assert "invalid username-password pair" in str(refused.value)
    assert "not answering" not in caplog.text  # refused at the first try: no retries
    lines = [caplog.text, str(refused.value)]
    assert not [line for line in lines if PASSWORD in line]
