"""The composition root: settings → store → checker → pipeline → the platforms that have tokens.

`kodeks run` calls `run()`. Each platform adapter module exposes
`build_adapter(settings, pipeline, commands) -> PlatformAdapter`; the pipeline reaches them
through a `Router`, which sends each nudge back through the platform its message came from.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from bot.attentiveness.scheduler import Scheduler
from bot.domain.config import AgencyConfig, load_config
from bot.domain.models import Escalation, Nudge, Platform
from bot.domain.ports import Delivery, Ports
from bot.ops.health import HealthServer
from bot.ops.metrics import Metrics
from bot.ops.settings import Settings
from bot.pipeline.commands import Commands
from bot.pipeline.handle import Pipeline
from bot.store.redis_store import RedisError, RedisStore
from bot.texts import load_texts
from rules import build_checker

log = logging.getLogger("bot.app")
_PING_TRIES = 5


class PlatformAdapter(Protocol):
    """One messenger: its outbound ports, and a loop that feeds the pipeline until cancelled."""

    platform: Platform
    ports: Ports

    async def run(self) -> None:
        """Receive events (polling, webhook, Socket Mode, …) until cancelled."""


class Router:
    """Notifier and compliance channel that dispatch by platform."""

    def __init__(self) -> None:
        self._ports: dict[Platform, Ports] = {}

    def register(self, platform: Platform, ports: Ports) -> None:
        """Route this platform's nudges and escalations through `ports`."""
        self._ports[platform] = ports

    async def nudge(self, nudge: Nudge, text: str, button: str) -> Delivery:
        """Send a nudge through the platform its message came from."""
        ports = self._ports.get(nudge.platform)
        if ports is None:
            return Delivery.FAILED
        return await ports.notifier.nudge(nudge, text, button)

    async def escalate(self, escalation: Escalation, text: str) -> Delivery:
        """Post an escalation through the platform of the message that crossed the threshold."""
        ports = self._ports.get(escalation.platform)
        if ports is None:
            return Delivery.FAILED
        return await ports.compliance.escalate(escalation, text)


@dataclass(frozen=True, slots=True)
class Core:
    """Everything platform-neutral a running bot holds."""

    config: AgencyConfig
    store: RedisStore
    pipeline: Pipeline
    commands: Commands
    router: Router


async def build_core(settings: Settings) -> Core:
    """Load and check the config and rules, connect the store, build the pipeline."""
    config = load_config(settings.config)
    url = settings.redis_url.get_secret_value() if settings.redis_url else None
    store = RedisStore.from_url(url)
    await _wait_for_redis(store)
    router = Router()
    pipeline = Pipeline(
        checker=build_checker(config.registry()),
        config=config,
        store=store,
        ports=Ports(router, router),
        texts=load_texts(),
        metrics=Metrics(),
        max_text_chars=settings.max_text_chars,
    )
    return Core(config, store, pipeline, Commands(pipeline), router)


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


def platform_adapters(settings: Settings, core: Core) -> list[PlatformAdapter]:
    """Build an adapter for every platform whose credentials are set."""
    adapters: list[PlatformAdapter] = []
    if settings.telegram.token is not None:
        from adapters.telegram import adapter as telegram  # noqa: PLC0415 - aiogram loads slowly; only when used

        adapters.append(telegram.build_adapter(settings, core.pipeline, core.commands))
    if settings.slack.bot_token is not None:
        from adapters.slack import adapter as slack  # noqa: PLC0415

        adapters.append(slack.build_adapter(settings, core.pipeline, core.commands))
    for adapter in adapters:
        core.router.register(adapter.platform, adapter.ports)
    return adapters


async def run(settings: Settings) -> None:
    """Run the bot on every configured platform until cancelled."""
    core = await build_core(settings)
    adapters = platform_adapters(settings, core)
    if not adapters:
        await core.store.close()
        msg = "no platform is configured: set KODEKS_TELEGRAM__TOKEN or KODEKS_SLACK__BOT_TOKEN"
        raise RuntimeError(msg)
    health: HealthServer | None = None
    flusher = asyncio.create_task(_flush_forever(core.pipeline))
    # Beside the adapters: every replica polls; the store's claims keep reminders single.
    scheduler = asyncio.create_task(build_scheduler(core).run())
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
    metrics = core.pipeline.metrics
    for adapter in adapters:
        malformed = getattr(adapter, "malformed", None)
        if isinstance(malformed, int):  # an adapter that tallies unreadable updates itself
            metrics.read_malformed_from(adapter.platform.value, _reader(adapter))
    if not settings.metrics.enabled:
        return None
    where = settings.metrics
    health = HealthServer(core.pipeline, metrics, where.host, where.port)
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


def build_scheduler(core: Core) -> Scheduler:
    """The attentiveness scheduler, sending through the same router as every nudge."""
    pipeline = core.pipeline
    return Scheduler(
        pipeline.attentiveness, Ports(core.router, core.router), pipeline.texts,
        pipeline.checker.ruleset,
    )  # fmt: skip


async def _flush_forever(pipeline: Pipeline, every_s: float = 5.0) -> None:
    """Put findings buffered during a Redis outage through, even when no message arrives."""
    while True:
        await asyncio.sleep(every_s)
        if pipeline.buffer:
            try:
                await pipeline.flush()
            except Exception:  # the flusher must outlive any one failure
                log.exception("flush failed, buffered=%s", len(pipeline.buffer))
