"""The metrics registry and what the pipeline counts into it: checks, findings, nudges, errors,
oversized texts cut to the limit with a log line of ids (and never the text)."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

import fakeredis
import pytest

from bot.domain.config import AgencyConfig
from bot.domain.models import IncomingMessage, Nudge, Platform
from bot.domain.ports import Delivery, Ports
from bot.ops.metrics import Counter, Histogram, Metrics
from bot.pipeline.handle import Pipeline, Status
from bot.store.redis_store import RedisStore
from bot.texts import load_texts
from rules import Checker
from tests.fakes import RecordingCompliance, RecordingNotifier
from tests.redis_server import free_port

RUDE = "ну это пиздец, а не макет"
CONFIG = AgencyConfig.model_validate(
    {
        "clients": [{"name": "Ромашка"}],
        "chats": [{"platform": "telegram", "id": "-100", "kind": "client", "client": "Ромашка"}],
        "staff": [{"name": f"s{u}", "telegram_id": u} for u in ("11", "12", "13")],
        "policy": {"nudge_window_minutes": 0, "escalate_from": 1000},
    }
)


def message(text: str, n: int = 1, user: str = "11") -> IncomingMessage:
    return IncomingMessage(
        platform=Platform.TELEGRAM, chat_id="-100", user_id=user, message_id=str(n),
        event_id=f"u{n}", text=text, sent_at=datetime(2026, 11, 26, tzinfo=UTC),
    )  # fmt: skip


class FailingNotifier:
    async def nudge(self, nudge: Nudge, text: str, button: str) -> Delivery:
        return Delivery.FAILED


def pipeline_on(
    checker: Checker, notifier: Any, store: RedisStore | None = None, **kw: Any
) -> Pipeline:
    store = store or RedisStore(fakeredis.FakeAsyncRedis(server=fakeredis.FakeServer()))
    return Pipeline(
        checker=checker, config=CONFIG, store=store, ports=Ports(notifier, RecordingCompliance()),
        texts=load_texts(), **kw,
    )  # fmt: skip


def test_the_text_format() -> None:
    counter = Counter("kodeks_x_total", "An example.")
    counter.inc(clause="6")
    counter.inc(2, clause='a"b\\c')
    histogram = Histogram("kodeks_t_seconds", "Times.", buckets=(0.1, 1.0))
    for value in (0.05, 0.5, 5.0):
        histogram.observe(value)
    lines = [*counter.render(), *histogram.render()]
    assert lines == [
        "# HELP kodeks_x_total An example.",
        "# TYPE kodeks_x_total counter",
        'kodeks_x_total{clause="6"} 1',
        'kodeks_x_total{clause="a\\"b\\\\c"} 2',
        "# HELP kodeks_t_seconds Times.",
        "# TYPE kodeks_t_seconds histogram",
        'kodeks_t_seconds_bucket{le="0.1"} 1',
        'kodeks_t_seconds_bucket{le="1"} 2',
        'kodeks_t_seconds_bucket{le="+Inf"} 3',
        "kodeks_t_seconds_sum 5.55",
        "kodeks_t_seconds_count 3",
    ]


def test_every_metric_is_exported_even_before_it_moves() -> None:
    text = Metrics().render()
    for name in (
        "kodeks_messages_checked_total", "kodeks_findings_total", "kodeks_nudges_total",
        "kodeks_malformed_updates_total", "kodeks_redis_errors_total",
        "kodeks_outage_buffer_overflow_total", "kodeks_handle_seconds",
    ):  # fmt: skip
        assert f"# TYPE {name} " in text
    assert text.endswith("\n")


def test_an_adapters_own_malformed_tally_is_read_at_scrape_time() -> None:
    metrics, tally = Metrics(), [0]
    metrics.read_malformed_from("slack", lambda: tally[0])
    tally[0] = 3
    assert 'kodeks_malformed_updates_total{platform="slack"} 3' in metrics.render()


async def test_the_pipeline_counts_checks_findings_nudges_and_latency(checker: Checker) -> None:
    notifier = RecordingNotifier(unreachable={"12"})
    pipeline = pipeline_on(checker, notifier)
    await pipeline.handle(message(RUDE, 1, "11"))
    await pipeline.handle(message(RUDE, 2, "12"))
    await pipeline.handle(message("макет готов, посмотрите", 3))
    await pipeline.handle(message(RUDE, 1, "11"))  # a re-delivery: no second check of the claim
    metrics = pipeline.metrics
    assert metrics.messages_checked.value(platform="telegram") == 4
    assert metrics.findings.value(clause="6") == 3
    assert metrics.nudges.value(platform="telegram", result="sent") == 1
    assert metrics.nudges.value(platform="telegram", result="held") == 1
    assert metrics.latency.count == 4
    assert 'kodeks_nudges_total{platform="telegram",result="held"} 1' in metrics.render()


async def test_failed_nudges_are_counted(checker: Checker) -> None:
    pipeline = pipeline_on(checker, FailingNotifier())
    await pipeline.handle(message(RUDE))
    assert pipeline.metrics.nudges.value(platform="telegram", result="failed") == 1


async def test_redis_errors_and_buffer_overflow_are_counted(checker: Checker) -> None:
    store = RedisStore.from_url(f"redis://127.0.0.1:{free_port()}/0")  # nobody listens there
    pipeline = pipeline_on(checker, RecordingNotifier(), store, buffer_size=1)
    statuses = [(await pipeline.handle(message(RUDE, n))).status for n in range(2)]
    assert statuses == [Status.BUFFERED, Status.FAILED]
    metrics = pipeline.metrics
    assert sum(metrics.redis_errors.values.values()) >= 1
    assert metrics.buffer_overflow.value() == 1
    await store.close()


async def test_an_oversized_text_is_checked_on_its_first_characters(
    checker: Checker, caplog: pytest.LogCaptureFixture
) -> None:
    pipeline = pipeline_on(checker, RecordingNotifier(), max_text_chars=16_384)
    caplog.set_level(logging.DEBUG)
    huge = RUDE + " " + "а" * 1_000_000
    started = time.perf_counter()
    outcome = await pipeline.handle(message(huge, 1))
    assert time.perf_counter() - started < 5
    assert outcome.status is Status.RECORDED  # the rude word is within the first characters
    late = "а " * 20_000 + RUDE  # the rude word only past the limit: not seen, no crash
    assert (await pipeline.handle(message(late, 2))).status is Status.CLEAN
    cut = [r.getMessage() for r in caplog.records if "too long" in r.getMessage()]
    assert len(cut) == 2
    assert "platform=telegram chat=-100 message=1 event=u1" in cut[0]
    assert "16384 of 1000026" in cut[0]
    assert pipeline.metrics.truncated.value(platform="telegram") == 2
    assert "пиздец" not in caplog.text and "аааа" not in caplog.text
