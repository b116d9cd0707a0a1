"""The platform-free object graph of a running bot, wired in one place.

`build_core` hands every collaborator to the one that needs it (the pipeline builds nothing and
nobody reaches through it); the composition root in `adapters/cli/compose.py`, the benchmark, the
load test and the tests all build the bot this way, with ports of their own.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import ClassVar

from bot.attentiveness.scheduler import Scheduler
from bot.attentiveness.waits import Attentiveness
from bot.domain.clock import Clock, system_clock
from bot.domain.config import AgencyConfig
from bot.domain.ports import Ports
from bot.ops.metrics import CountingNotifier, Metrics
from bot.pipeline.commands import Commands
from bot.pipeline.handle import CONCURRENCY, MAX_TEXT_CHARS, Pipeline
from bot.pipeline.nudges import Nudger
from bot.pipeline.outage import BACKOFF_S, BUFFER_SIZE, OutageBuffer
from bot.pipeline.resolver import Resolver
from bot.store.journal import Journal
from bot.store.redis_store import RedisError, RedisStore
from bot.texts import Texts, load_texts
from rules import Checker


@dataclass(frozen=True, slots=True)
class Core:
    """Everything platform-neutral a running bot holds."""

    PING_TIMEOUT_S: ClassVar[float] = 1.0  # a readiness probe answers in time, or says why not
    config: AgencyConfig
    checker: Checker
    store: RedisStore
    texts: Texts
    metrics: Metrics
    resolver: Resolver
    attentiveness: Attentiveness
    outage: OutageBuffer
    pipeline: Pipeline
    commands: Commands
    scheduler: Scheduler

    async def problems(self) -> list[str]:
        """What keeps the bot from being ready (for `/readyz`); empty when it is."""
        problems: list[str] = []
        ruleset = self.checker.ruleset
        if not ruleset.clauses or not ruleset.rules:
            problems.append("no rules loaded")
        try:
            async with asyncio.timeout(self.PING_TIMEOUT_S):
                await self.store.ping()
        except (RedisError, OSError, TimeoutError) as error:
            self.metrics.redis_errors.labels("readyz").inc()
            held = (
                f"; {len(self.outage)} findings held in memory until it does" if self.outage else ""
            )
            problems.append(f"redis does not answer ({type(error).__name__}){held}")
        return problems


def build_core(  # noqa: PLR0913 - keyword-only, every one but the first four has a default
    *,
    config: AgencyConfig,
    checker: Checker,
    store: RedisStore,
    ports: Ports,
    texts: Texts | None = None,
    metrics: Metrics | None = None,
    clock: Clock = system_clock,
    max_text_chars: int = MAX_TEXT_CHARS,
    concurrency: int = CONCURRENCY,
    buffer_size: int = BUFFER_SIZE,
    outage_backoff_s: float = BACKOFF_S,
    journal: Journal | None = None,
) -> Core:
    """Wire the bot: resolver, nudger, attentiveness and outage buffer into the pipeline."""
    texts = texts or load_texts()
    metrics = metrics or Metrics()
    resolver = Resolver(config, store)
    counted = Ports(CountingNotifier(ports.notifier, metrics), ports.compliance)
    nudger = Nudger(config, checker.ruleset, store, counted, texts)
    attentiveness = Attentiveness(config, store, checker.morph, clock)
    outage = OutageBuffer(buffer_size, outage_backoff_s, journal)
    metrics.backlog.set_function(outage.__len__)
    pipeline = Pipeline(
        checker=checker, policy=config.policy, store=store, resolver=resolver, nudger=nudger,
        attentiveness=attentiveness, metrics=metrics, outage=outage,
        max_text_chars=max_text_chars, concurrency=concurrency,
    )  # fmt: skip
    commands = Commands(
        checker=checker, config=config, store=store, resolver=resolver, nudger=nudger,
        texts=texts,
    )  # fmt: skip
    # Beside the adapters: every replica polls; the store's claims keep reminders single.
    scheduler = Scheduler(attentiveness, store, ports, texts, checker.ruleset)
    return Core(
        config, checker, store, texts, metrics, resolver, attentiveness, outage, pipeline,
        commands, scheduler,
    )  # fmt: skip
