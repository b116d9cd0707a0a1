"""/metrics, /healthz and /readyz over real local HTTP; the server beside the adapters."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import aiohttp
import fakeredis
import pytest

from adapters.cli.compose import start_health
from bot.core import Core
from bot.domain.models import Platform
from bot.ops.health import HealthServer
from bot.ops.settings import MetricsSettings, Settings
from bot.store.redis_store import RedisStore
from rules import Checker
from tests.support.bots import RUDE, core_on, message

TIMEOUT = aiohttp.ClientTimeout(total=5)


def build(checker: Checker) -> tuple[Core, fakeredis.FakeServer]:
    server = fakeredis.FakeServer()
    store = RedisStore(fakeredis.FakeAsyncRedis(server=server))
    return core_on(checker, store=store), server


async def get(port: int, path: str) -> tuple[int, str, str]:
    async with (
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
        session.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, response.headers["Content-Type"], await response.text()


async def test_metrics_health_and_readiness_over_http(checker: Checker) -> None:
    core, redis_server = build(checker)
    health = HealthServer(core.problems, core.metrics, "127.0.0.1", 0)
    await health.start()
    try:
        assert health.port > 0
        await core.pipeline.handle(message(RUDE))
        status, kind, body = await get(health.port, "/metrics")
        assert status == 200 and kind.startswith("text/plain; version=0.0.4")
        assert 'kodeks_findings_total{clause="6"} 1.0' in body
        assert "kodeks_handle_seconds_count 1.0" in body
        assert RUDE not in body
        assert (await get(health.port, "/healthz"))[0] == 200
        assert (await get(health.port, "/readyz"))[::2] == (200, "ready\n")
        redis_server.connected = False  # Redis goes away: alive, but not ready
        status, _, body = await get(health.port, "/readyz")
        assert status == 503 and "redis does not answer" in body
        assert (await get(health.port, "/healthz"))[0] == 200
        assert core.metrics.value("kodeks_redis_errors_total", step="readyz") == 1
    finally:
        await health.stop()
        await core.store.close()


class TallyingAdapter:
    platform = Platform.SLACK
    ports: Any = None
    malformed = 0

    async def run(self) -> None:
        await asyncio.Event().wait()


async def test_the_bot_serves_metrics_beside_its_adapters(checker: Checker) -> None:
    core, _ = build(checker)
    settings = Settings(metrics=MetricsSettings(port=0))
    adapter = TallyingAdapter()
    health = await start_health(settings, core, [adapter])
    assert health is not None
    try:
        adapter.malformed = 2
        _, _, body = await get(health.port, "/metrics")
        assert 'kodeks_malformed_updates_total{platform="slack"} 2.0' in body
    finally:
        await health.stop()
        await core.store.close()
    assert await start_health(Settings(metrics=MetricsSettings(enabled=False)), core, []) is None


async def test_a_taken_port_is_a_clear_start_up_error(checker: Checker) -> None:
    core, _ = build(checker)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = Settings(metrics=MetricsSettings(port=port))
        with pytest.raises(RuntimeError, match="KODEKS_METRICS__PORT"):
            await start_health(settings, core, [])
    await core.store.close()
