"""Prometheus metrics in the text exposition format, from a small registry of our own.

A handful of counters and one histogram do not need a client library; the registry keeps them
in plain dicts (one event loop, no threads) and renders them for `GET /metrics`. Labels are ids
and clause numbers only, never message text.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot.domain.models import Nudge
from bot.domain.ports import Delivery, Notifier

# handle() takes well under a millisecond when Redis is local; seconds mean something is wrong.
LATENCY_BUCKETS_S = (
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
)  # fmt: skip

Labels = tuple[tuple[str, str], ...]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: Labels, extra: Labels = ()) -> str:
    pairs = labels + extra
    if not pairs:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in pairs) + "}"


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


@dataclass(slots=True)
class Counter:
    """A monotonically increasing count, one series per label set."""

    name: str
    help: str
    values: dict[Labels, float] = field(default_factory=dict)

    def inc(self, amount: float = 1.0, **labels: str) -> None:
        """Add `amount` to the series with these labels."""
        key = tuple(sorted(labels.items()))
        self.values[key] = self.values.get(key, 0.0) + amount

    def value(self, **labels: str) -> float:
        """The current value of one series (0 when it never moved)."""
        return self.values.get(tuple(sorted(labels.items())), 0.0)

    def render(self) -> Iterable[str]:
        """The series in the text format."""
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} counter"
        for labels, value in sorted(self.values.items()):
            yield f"{self.name}{_labels(labels)} {_number(value)}"


@dataclass(slots=True)
class Histogram:
    """A latency histogram with fixed buckets, no labels."""

    name: str
    help: str
    buckets: tuple[float, ...] = LATENCY_BUCKETS_S
    counts: list[int] = field(default_factory=list)
    total: float = 0.0
    count: int = 0

    def __post_init__(self) -> None:
        self.counts = [0] * len(self.buckets)

    def observe(self, value: float) -> None:
        """Record one observation (seconds)."""
        index = bisect.bisect_left(self.buckets, value)
        if index < len(self.counts):
            self.counts[index] += 1
        self.total += value
        self.count += 1

    def render(self) -> Iterable[str]:
        """Cumulative buckets, sum and count in the text format."""
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} histogram"
        running = 0
        for bound, hits in zip(self.buckets, self.counts, strict=True):
            running += hits
            yield f"{self.name}_bucket{_labels((('le', _number(bound)),))} {running}"
        yield f'{self.name}_bucket{{le="+Inf"}} {self.count}'
        yield f"{self.name}_sum {_number(self.total)}"
        yield f"{self.name}_count {self.count}"


class Metrics:
    """Everything kodeks exports; one instance per running bot, shared by pipeline and adapters."""

    def __init__(self) -> None:
        self.messages_checked = Counter(
            "kodeks_messages_checked_total", "Messages run through the checker."
        )
        self.findings = Counter(
            "kodeks_findings_total", "Clauses found in checked messages, by clause."
        )
        self.nudges = Counter(
            "kodeks_nudges_total", "Nudges by result: sent, held (until /start) or failed."
        )
        self.malformed = Counter(
            "kodeks_malformed_updates_total", "Updates and events that could not be read, skipped."
        )
        self.redis_errors = Counter(
            "kodeks_redis_errors_total", "Redis operations that failed, by step."
        )
        self.buffer_overflow = Counter(
            "kodeks_outage_buffer_overflow_total",
            "Findings dropped because the Redis-outage buffer was full.",
        )
        self.truncated = Counter(
            "kodeks_messages_truncated_total", "Messages checked on their first characters only."
        )
        self.latency = Histogram(
            "kodeks_handle_seconds", "Time Pipeline.handle() took per message, in seconds."
        )
        # Counts kept elsewhere (an adapter's own malformed tally), read at scrape time.
        self._sources: list[tuple[str, Callable[[], int]]] = []

    def read_malformed_from(self, platform: str, source: Callable[[], int]) -> None:
        """Export a count an adapter keeps itself as this platform's malformed updates."""
        self._sources.append((platform, source))

    def render(self) -> str:
        """The whole registry in the Prometheus text exposition format (0.0.4)."""
        for platform, source in self._sources:
            self.malformed.values[(("platform", platform),)] = float(source())
        metrics = (
            self.messages_checked, self.findings, self.nudges, self.malformed,
            self.redis_errors, self.buffer_overflow, self.truncated, self.latency,
        )  # fmt: skip
        return "\n".join(line for metric in metrics for line in metric.render()) + "\n"


class CountingNotifier:
    """A notifier that counts every nudge's delivery into the metrics, then passes it on."""

    def __init__(self, inner: Notifier, metrics: Metrics) -> None:
        self.inner = inner
        self.metrics = metrics

    async def nudge(self, nudge: Nudge, text: str, button: str) -> Delivery:
        """Deliver through the wrapped notifier and count the result."""
        delivery = await self.inner.nudge(nudge, text, button)
        self.metrics.nudges.inc(platform=nudge.platform.value, result=_RESULT[delivery])
        return delivery


_RESULT = {Delivery.DELIVERED: "sent", Delivery.UNREACHABLE: "held", Delivery.FAILED: "failed"}


__all__ = ["Counter", "CountingNotifier", "Histogram", "Metrics"]
