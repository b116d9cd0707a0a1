"""Redis with a password (AUTH) and over TLS (rediss://): the store works through both, wrong
credentials are refused, and secrets never reach the logs or `repr(Settings())`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis

from adapters.cli import compose
from bot.domain.ports import PlatformRouter
from bot.ops.logs import JsonFormatter
from bot.ops.settings import Settings
from bot.pipeline.handle import Status
from bot.store.redis_store import RedisStore
from rules import Checker
from tests.support.bots import RUDE, core_on, message
from tests.support.redis_server import RedisServer

PASSWORD = "Tr0ub4dor-and-3-horses"
TOKENS = {
    "KODEKS_TELEGRAM__TOKEN": "123456:AAE-telegram-secret-token",
    "KODEKS_TELEGRAM__WEBHOOK_SECRET": "webhook-secret-value",
    "KODEKS_SLACK__BOT_TOKEN": "xoxb-slack-bot-secret",
    "KODEKS_SLACK__APP_TOKEN": "xapp-slack-app-secret",
    "KODEKS_SLACK__SIGNING_SECRET": "slack-signing-secret",
}


@pytest.fixture(params=["auth", "auth+tls"])
async def server(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[RedisServer]:
    server = RedisServer(tmp_path, password=PASSWORD, tls=request.param == "auth+tls")
    server.start()
    yield server
    server.stop()


async def test_the_store_works_through_auth_and_tls(server: RedisServer, checker: Checker) -> None:
    store = RedisStore.from_url(server.url)
    try:
        assert await store.ping()
        pipeline = core_on(checker, store=store).pipeline
        assert (await pipeline.handle(message(RUDE))).status is Status.RECORDED
        assert (await pipeline.handle(message(RUDE))).status is Status.DUPLICATE
        assert await store.warning_count("telegram", "11", 6, 30 * 86_400_000) == 1
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
