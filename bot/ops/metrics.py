"""Prometheus metrics on `prometheus_client`: one registry per running bot, served at `/metrics`.

The pipeline and adapters count into the collectors here; the registry also carries the process
and garbage-collector metrics the client library collects for free. Labels are ids and clause
numbers only, never message text. The names are part of the operator's contract (dashboards and
alerts use them): `tests/bot/ops/test_metrics.py` scrapes every one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.domain.models import Nudge
from bot.domain.ports import Delivery, Notifier

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4  # the text format generate_latest writes
# handle() takes well under a millisecond when Redis is local; seconds mean something is wrong.
LATENCY_BUCKETS_S = (
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
)  # fmt: skip
MALFORMED = "kodeks_malformed_updates"
MALFORMED_HELP = "Updates and events that could not be read, skipped."


class _Tallies(Collector):
    """Counts an adapter keeps itself (its malformed updates), read at scrape time."""

    def __init__(self) -> None:
        self.sources: list[tuple[str, Callable[[], int]]] = []

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(MALFORMED, MALFORMED_HELP, labels=["platform"])
        for platform, source in self.sources:
            family.add_metric([platform], float(source()))
        yield family

    def describe(self) -> Iterator[Metric]:
        yield CounterMetricFamily(MALFORMED, MALFORMED_HELP, labels=["platform"])


class Metrics:
    """Everything kodeks exports; one instance per running bot, shared by pipeline and adapters."""

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        for free in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            registry.register(free)
        counter = partial(Counter, registry=registry)
        self.messages_checked = counter(
            "kodeks_messages_checked", "Messages run through the checker.", ["platform"]
        )
        self.findings = counter(
            "kodeks_findings", "Clauses found in checked messages, by clause.", ["clause"]
        )
        self.nudges = counter(
            "kodeks_nudges", "Nudges by result: sent, held (until /start) or failed.",
            ["platform", "result"],
        )  # fmt: skip
        self.redis_errors = counter(
            "kodeks_redis_errors", "Redis operations that failed, by step.", ["step"]
        )
        self.buffer_overflow = counter(
            "kodeks_outage_buffer_overflow", "Findings dropped: the Redis-outage buffer was full."
        )
        # Read at scrape time from the buffer itself (`build_core` points it there).
        self.backlog = Gauge(
            "kodeks_outage_backlog", "Findings held in memory until Redis answers again.",
            registry=registry,
        )  # fmt: skip
        self.truncated = counter(
            "kodeks_messages_truncated", "Messages checked on their first characters only.",
            ["platform"],
        )  # fmt: skip
        self.latency = Histogram(
            "kodeks_handle_seconds", "Time Pipeline.handle() took per message, in seconds.",
            buckets=LATENCY_BUCKETS_S, registry=registry,
        )  # fmt: skip
        self._tallies = _Tallies()
        registry.register(self._tallies)

    def read_malformed_from(self, platform: str, source: Callable[[], int]) -> None:
        """Export a count an adapter keeps itself as this platform's malformed updates."""
        self._tallies.sources.append((platform, source))

    def render(self) -> bytes:
        """The whole registry in the Prometheus text exposition format (0.0.4)."""
        return generate_latest(self.registry)

    def value(self, sample: str, **labels: str) -> float:
        """One sample's current value, by its exposed name (0 when it never moved)."""
        return self.registry.get_sample_value(sample, labels) or 0.0

    def total(self, sample: str) -> float:
        """A sample summed over every label set (e.g. Redis errors of any step)."""
        return sum(s.value for m in self.registry.collect() for s in m.samples if s.name == sample)


class CountingNotifier:
    """A notifier that counts every nudge's delivery into the metrics, then passes it on."""

    def __init__(self, inner: Notifier, metrics: Metrics) -> None:
        self.inner = inner
        self.metrics = metrics

    async def nudge(self, nudge: Nudge, text: str, button: str) -> Delivery:
        """Deliver through the wrapped notifier and count the result."""
        delivery = await self.inner.nudge(nudge, text, button)
        self.metrics.nudges.labels(nudge.platform.value, _RESULT[delivery]).inc()
        return delivery


_RESULT = {Delivery.DELIVERED: "sent", Delivery.UNREACHABLE: "held", Delivery.FAILED: "failed"}


__all__ = ["CONTENT_TYPE", "CountingNotifier", "Metrics"]
