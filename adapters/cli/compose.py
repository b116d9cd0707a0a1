"""The composition root of `kodeks run`: settings → store → checker → the bot → its platforms.

Each platform adapter module exposes `build_adapter(settings, core) -> PlatformAdapter`; the
bot's nudges reach them through a `PlatformRouter`, which sends each back through the platform
its message came from. Beside the adapters run the outage flusher, the attentiveness scheduler
and the operator's HTTP endpoints.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Callable

from bot.core import Core, build_core
from bot.domain.config import load_config
from bot.domain.ports import PlatformAdapter, PlatformRouter
from bot.domain.rulebook import checker_for
from bot.ops.health import HealthServer
from bot.ops.settings import Settings
from bot.store.journal import Journal
from bot.store.redis_store import AuthenticationError, RedisError, RedisStore

log = logging.getLogger("adapters.cli")
_PING_TRIES = 5


async def connect_core(settings: Settings, router: PlatformRouter) -> Core:
    """Load and check the config and rules (the agency's own too), connect the store, wire the
    bot to `router`."""
    config = load_config(settings.config)
    checker = checker_for(config)  # a broken rule stops start-up before any wait for Redis
    store = RedisStore.from_settings(settings)
    await _wait_for_redis(store)
    journal = None if store.embedded else Journal(settings.journal)  # embedded: no outage
    core = build_core(
        config=config, checker=checker, store=store,
        ports=router.as_ports(), max_text_chars=settings.max_text_chars, journal=journal,
        concurrency=settings.concurrency,
    )  # fmt: skip
    await _cancel_stale_waits(core)
    # What start-up built (rules, dictionaries, the learned layer's table) lives as long as the
    # process: out of the collector's sight, it is not walked again on every full collection.
    gc.freeze()
    return core


async def _cancel_stale_waits(core: Core) -> None:
    """A chat taken out of agency.toml takes its unanswered questions with it: no reminder
    about a chat the agency stopped watching. Redis failing here costs only the clean-up."""
    try:
        await core.attentiveness.cancel_stale()
    except RedisError as error:
        log.warning("stale waits not cancelled: redis unavailable (%s)", type(error).__name__)


async def _wait_for_redis(store: RedisStore) -> None:
    """Ping with bounded retries, so a bot started beside Redis does not die of a race; a refused
    password or user stops start-up at once: waiting would not change it."""
    for attempt in range(1, _PING_TRIES + 1):
        try:
            await store.ping()
            return
        except AuthenticationError as error:
            log.error("redis refused the credentials of KODEKS_REDIS_URL")
            msg = f"Redis refused the credentials ({error}); check the password in KODEKS_REDIS_URL"
            raise RuntimeError(msg) from error
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


class Stopped(Exception):
    """SIGTERM or SIGINT arrived: the task group stops every platform and background task."""


async def run(settings: Settings) -> None:
    """Run the bot on every configured platform until SIGTERM or SIGINT, then stop cleanly.

    Systemd, Docker and Kubernetes stop a service with SIGTERM. The platforms, the flusher and
    the scheduler run in one `asyncio.TaskGroup`: a signal, or any of them failing, cancels the
    rest (an adapter's own `finally` stops its intake), and no exception is lost. Then what waited
    for Redis is flushed and the connections are closed, within `KODEKS_SHUTDOWN_TIMEOUT`.
    """
    router = PlatformRouter()
    core = await connect_core(settings, router)
    adapters = platform_adapters(settings, core, router)
    if not adapters:
        await core.store.close()
        msg = "no platform is configured: set KODEKS_TELEGRAM__TOKEN or KODEKS_SLACK__BOT_TOKEN"
        raise RuntimeError(msg)
    stop = _stop_on_signals()
    health = None
    try:
        health = await start_health(settings, core, adapters)
        async with asyncio.TaskGroup() as group:
            for adapter in adapters:
                group.create_task(adapter.run(), name=f"platform-{adapter.platform.value}")
            group.create_task(flush_forever(core), name="flusher")
            group.create_task(core.scheduler.run(), name="scheduler")
            group.create_task(_until(stop), name="signals")
    except* Stopped:
        log.info("stopping: a signal arrived")
    finally:
        await _close(core, health, settings.shutdown_timeout)


def _stop_on_signals() -> asyncio.Event:
    """Set an event on SIGTERM and SIGINT (where the platform lets the loop handle signals)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread
            loop.add_signal_handler(signum, stop.set)
    return stop


async def _until(stop: asyncio.Event) -> None:
    await stop.wait()
    raise Stopped


async def _close(core: Core, health: HealthServer | None, timeout: float) -> None:
    """Let the messages in hand finish, flush what waited for Redis, stop serving health, close
    Redis: bounded in time."""
    try:
        async with asyncio.timeout(timeout):
            if core.pipeline.in_flight:
                log.info("finishing %s messages in hand", core.pipeline.in_flight)
            await core.pipeline.settle()
            if health is not None:
                await health.stop()
            await core.pipeline.flush()
    except TimeoutError:
        log.error(
            "shutdown took longer than %ss; messages still in hand: %s, findings still waiting: %s",
            timeout, core.pipeline.in_flight, len(core.outage),
        )  # fmt: skip
    finally:
        await core.store.close()
        _close_journal(core)


def _close_journal(core: Core) -> None:
    journal = core.outage.journal
    if journal is None:
        if core.outage:
            log.error("stopping with %s findings never counted (no journal)", len(core.outage))
        return
    if core.outage:
        log.warning(
            "stopping with %s findings waiting for redis, kept in %s for the next start",
            len(core.outage), journal.path,
        )  # fmt: skip
    journal.close()


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
    """Put findings buffered during a Redis outage through: every `every_s`, and at once when a
    message finds Redis back (it wakes the flusher rather than draining the buffer itself).

    First at once: what the journal gave back at start-up goes through as soon as Redis answers.
    """
    while True:
        if core.outage:
            try:
                await core.pipeline.flush()
            except Exception:  # the flusher must outlive any one failure
                log.exception("flush failed, buffered=%s", len(core.outage))
        await core.pipeline.flush_due(every_s)  # or sooner, when a message finds Redis back
