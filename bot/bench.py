"""Measure the checker: the cold first pass, steady-state throughput and p99 latency.

Speed is measured here, not asserted in unit tests. The cold pass runs on a checker whose
analyzer caches are empty; the steady state repeats the corpus after one warm-up pass.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from bot.evaluate import CorpusLine, corpus_checker, read_corpus
from rules import ChatKind, CheckContext, Checker

DEFAULT_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class CheckerFigures:
    """What `kodeks bench` reports of the checker."""

    messages: int
    messages_per_second: float
    cold_messages_per_second: float
    p50_ms: float
    p99_ms: float

    def as_dict(self) -> dict[str, float | int]:
        """Return the `checker` object of DESIGN.md's CLI contract."""
        return {
            "messages": self.messages,
            "messages_per_second": round(self.messages_per_second, 1),
            "cold_messages_per_second": round(self.cold_messages_per_second, 1),
            "p50_ms": round(self.p50_ms, 4),
            "p99_ms": round(self.p99_ms, 4),
        }


def default_corpus() -> Path:
    """Return the corpus that ships with the project, so the bench runs anywhere."""
    return Path(str(resources.files("bot") / "data" / "bench"))


def bench_checker(
    checker: Checker, folder: Path, chat: ChatKind | None, seconds: float = DEFAULT_SECONDS
) -> CheckerFigures:
    """Time the checker over a corpus: one cold pass, then passes for `seconds`."""
    checker = corpus_checker(checker, folder)
    jobs = [(line.text, _context(line, chat)) for line in read_corpus(folder)]
    if not jobs:
        msg = f"{folder}: the corpus has no messages to time"
        raise ValueError(msg)
    started = time.perf_counter()
    for text, context in jobs:
        checker.check(text, context)
    cold = len(jobs) / (time.perf_counter() - started)
    latencies: list[int] = []
    total = 0.0
    while total < seconds:
        for text, context in jobs:
            t0 = time.perf_counter_ns()
            checker.check(text, context)
            latencies.append(time.perf_counter_ns() - t0)
            total += latencies[-1] / 1e9
    latencies.sort()
    return CheckerFigures(
        messages=len(jobs),
        messages_per_second=len(latencies) / total,
        cold_messages_per_second=cold,
        p50_ms=latencies[len(latencies) // 2] / 1e6,
        p99_ms=latencies[int(len(latencies) * 0.99)] / 1e6,
    )


def _context(line: CorpusLine, chat: ChatKind | None) -> CheckContext:
    if chat is None:
        return CheckContext(line.chat, line.client)
    return CheckContext(chat, line.client if chat is ChatKind.CLIENT else None)
