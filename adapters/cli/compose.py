"""The composition root of `kodeks run`: settings → store → checker → the bot → its platforms.

Each platform adapter module exposes `build_adapter(settings, core) -> PlatformAdapter`; the
bot's nudges reach them through a `PlatformRouter`, which sends each back through the platform
its message came from. Beside the adapters run the outage flusher, the attentiveness scheduler
and the operator's HTTP endpoints.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable

from bot.core import Core, build_core
from bot.domain.config import load_config
from bot.domain.ports import PlatformAdapter, PlatformRouter
from bot.ops.health import HealthServer
from bot.ops.settings import Settings
from bot.store.redis_store import RedisError, RedisStore
from rules import build_checker

log = logging.getLogger("adapters.cli")
_PING_TRIES = 5


async def connect_core(settings: Settings, router: PlatformRouter) -> Core:
    """Load and check the config and rules, connect the store, wire the bot to `router`."""
    config = load_config(settings.config)
    url = settings.redis_url.get_secret_value() if settings.redis_url else None
    store = RedisStore.from_url(url)
    await _wait_for_redis(store)
    core = build_core(
        config=config, checker=build_checker(config.registry()), store=store,
        ports=router.as_ports(), max_text_chars=settings.max_text_chars,
    )  # fmt: skip
    # What start-up built (rules, dictionaries, the learned layer's table) lives as long as the
    # process: out of the collector's sight, it is not walked again on every full collection.
    gc.freeze()
    return core


async def _wait_for_redis(store: RedisStore) -> None:
    """Ping with bounded retries, so a bot started beside Redis does not die of a race."""
    for attempt in range(1, _PING_TRIES + 1):
        try:
            await store.ping()
            return
        except (RedisError, OSError) as error:
            if attempt == _PING_TRIES:
                msg = f"Redis does not answer ({error}); check KODEKS_REDIS_URL"
                raise RuntimeError(msg) from error
            log.warning("redis not answering, attempt %s of %s", attempt, _PING_TRIES)
            await asyncio.sleep(attempt)


def platform_adapters(
    settings: Settings, core: Core, router: PlatformRouter
) -> list[PlatformAdapter]:
    """Build an adapter for every platform whose credentials are set, routed through `router`."""
    adapters: list[PlatformAdapter] = []
    if settings.telegram.token is not None:
        from adapters.telegram import adapter as telegram  # noqa: PLC0415 - aiogram loads slowly

        adapters.append(telegram.build_adapter(settings, core))
    if settings.slack.bot_token is not None:
        from adapters.slack import adapter as slack  # noqa: PLC0415

        adapters.append(slack.build_adapter(settings, core))
    for adapter in adapters:
        router.register(adapter.platform, adapter.ports)
    return adapters


async def run(settings: Settings) -> None:
    """Run the bot on every configured platform until cancelled."""
    router = PlatformRouter()
    core = await connect_core(settings, router)
    adapters = platform_adapters(settings, core, router)
    if not adapters:
        await core.store.close()
        msg = "no platform is configured: set KODEKS_TELEGRAM__TOKEN or KODEKS_SLACK__BOT_TOKEN"
        raise RuntimeError(msg)
    flusher = asyncio.create_task(flush_forever(core))
    scheduler = asyncio.create_task(core.scheduler.run())
    health = None
    try:
        health = await start_health(settings, core, adapters)
        await asyncio.gather(*(adapter.run() for adapter in adapters))
    finally:
        flusher.cancel()
        scheduler.cancel()
        if health is not None:
            await health.stop()
        await core.pipeline.flush()
        await core.store.close()


async def start_health(
    settings: Settings, core: Core, adapters: list[PlatformAdapter]
) -> HealthServer | None:
    """Serve /metrics, /healthz and /readyz beside the adapters, unless switched off."""
    for adapter in adapters:
        malformed = getattr(adapter, "malformed", None)
        if isinstance(malformed, int):  # an adapter that tallies unreadable updates itself
            core.metrics.read_malformed_from(adapter.platform.value, _reader(adapter))
    if not settings.metrics.enabled:
        return None
    where = settings.metrics
    health = HealthServer(core.problems, core.metrics, where.host, where.port)
    try:
        await health.start()
    except OSError as error:
        await health.stop()
        msg = (
            f"cannot serve metrics on {where.host}:{where.port} ({error}); set"
            " KODEKS_METRICS__PORT, or KODEKS_METRICS__ENABLED=false"
        )
        raise RuntimeError(msg) from error
    return health


def _reader(adapter: PlatformAdapter) -> Callable[[], int]:
    return lambda: int(getattr(adapter, "malformed", 0))


async def flush_forever(core: Core, every_s: float = 5.0) -> None:
    """Put findings buffered during a Redis outage through, even when no message arrives."""
    while True:
        await asyncio.sleep(every_s)
        if core.outage:
            try:
                await core.pipeline.flush()
            except Exception:  # the flusher must outlive any one failure
                log.exception("flush failed, buffered=%s", len(core.outage))
