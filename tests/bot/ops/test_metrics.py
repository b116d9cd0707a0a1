"""The metrics on prometheus_client and what the pipeline counts into them: checks, findings,
nudges, errors, oversized texts cut to the limit with a log line of ids (and never the text)."""

from __future__ import annotations

import logging
import time

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.domain.models import Nudge
from bot.domain.ports import Delivery
from bot.ops.metrics import Metrics
from bot.pipeline.handle import Status
from bot.store.redis_store import RedisStore
from rules import Checker
from tests.support.bots import RUDE, core_on, message
from tests.support.fakes import RecordingNotifier
from tests.support.redis_server import free_port


class FailingNotifier:
    async def nudge(self, nudge: Nudge, text: str, button: str) -> Delivery:
        return Delivery.FAILED


NAMES = (
    "kodeks_messages_checked_total", "kodeks_findings_total", "kodeks_nudges_total",
    "kodeks_malformed_updates_total", "kodeks_redis_errors_total",
    "kodeks_outage_buffer_overflow_total", "kodeks_messages_truncated_total",
    "kodeks_handle_seconds", "kodeks_outage_backlog",
)  # fmt: skip


async def test_a_scrape_shows_every_name_with_its_labels(checker: Checker) -> None:
    """The names dashboards and alerts use, as a scraper parses them off `/metrics`."""
    core = core_on(checker, notifier=RecordingNotifier(unreachable={"12"}))
    core.metrics.read_malformed_from("slack", lambda: 3)
    await core.pipeline.handle(message(RUDE, 1, "11"))
    await core.pipeline.handle(message(RUDE, 2, "12"))
    core.metrics.redis_errors.labels("readyz").inc()
    core.metrics.buffer_overflow.inc()
    core.metrics.truncated.labels("telegram").inc()
    families = {f.name: f for f in text_string_to_metric_families(core.metrics.render().decode())}
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value for f in families.values()
               for s in f.samples}  # fmt: skip
    assert samples[("kodeks_messages_checked_total", (("platform", "telegram"),))] == 2
    assert samples[("kodeks_findings_total", (("clause", "6"),))] == 2
    assert samples[("kodeks_nudges_total", (("platform", "telegram"), ("result", "held")))] == 1
    assert samples[("kodeks_nudges_total", (("platform", "telegram"), ("result", "sent")))] == 1
    assert samples[("kodeks_malformed_updates_total", (("platform", "slack"),))] == 3
    assert samples[("kodeks_redis_errors_total", (("step", "readyz"),))] == 1
    assert samples[("kodeks_outage_buffer_overflow_total", ())] == 1
    assert samples[("kodeks_outage_backlog", ())] == 0  # Redis answered every time
    assert samples[("kodeks_messages_truncated_total", (("platform", "telegram"),))] == 1
    assert samples[("kodeks_handle_seconds_count", ())] == 2
    assert samples[("kodeks_handle_seconds_bucket", (("le", "+Inf"),))] == 2
    assert ("process_cpu_seconds_total", ()) in samples  # the client library's, for free
    assert any(name.startswith("python_gc_") for name, _ in samples)


def test_every_metric_is_exported_even_before_it_moves() -> None:
    text = Metrics().render().decode()
    for name in NAMES:
        assert f"# TYPE {name} " in text
    assert text.endswith("\n")


def test_an_adapters_own_malformed_tally_is_read_at_scrape_time() -> None:
    metrics, tally = Metrics(), [0]
    metrics.read_malformed_from("slack", lambda: tally[0])
    tally[0] = 3
    assert 'kodeks_malformed_updates_total{platform="slack"} 3.0' in metrics.render().decode()


async def test_the_pipeline_counts_checks_findings_nudges_and_latency(checker: Checker) -> None:
    notifier = RecordingNotifier(unreachable={"12"})
    core = core_on(checker, notifier=notifier)
    await core.pipeline.handle(message(RUDE, 1, "11"))
    await core.pipeline.handle(message(RUDE, 2, "12"))
    await core.pipeline.handle(message("макет готов, посмотрите", 3))
    await core.pipeline.handle(message(RUDE, 1, "11"))  # a re-delivery: checked, not counted
    metrics = core.metrics
    assert metrics.value("kodeks_messages_checked_total", platform="telegram") == 4
    assert metrics.value("kodeks_findings_total", clause="6") == 3
    assert metrics.value("kodeks_nudges_total", platform="telegram", result="sent") == 1
    assert metrics.value("kodeks_nudges_total", platform="telegram", result="held") == 1
    assert metrics.value("kodeks_handle_seconds_count") == 4
    rendered = metrics.render().decode()
    assert 'kodeks_nudges_total{platform="telegram",result="held"} 1.0' in rendered


async def test_failed_nudges_are_counted(checker: Checker) -> None:
    core = core_on(checker, notifier=FailingNotifier())
    await core.pipeline.handle(message(RUDE))
    assert core.metrics.value("kodeks_nudges_total", platform="telegram", result="failed") == 1


async def test_redis_errors_and_buffer_overflow_are_counted(checker: Checker) -> None:
    store = RedisStore.from_url(f"redis://127.0.0.1:{free_port()}/0")  # nobody listens there
    core = core_on(checker, store=store, buffer_size=1)
    statuses = [(await core.pipeline.handle(message(RUDE, n))).status for n in range(2)]
    assert statuses == [Status.BUFFERED, Status.FAILED]
    metrics = core.metrics
    assert metrics.total("kodeks_redis_errors_total") >= 1
    assert metrics.value("kodeks_outage_buffer_overflow_total") == 1
    await store.close()


async def test_an_oversized_text_is_checked_on_its_first_characters(
    checker: Checker, caplog: pytest.LogCaptureFixture
) -> None:
    core = core_on(checker, max_text_chars=16_384)
    pipeline = core.pipeline
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
    assert core.metrics.value("kodeks_messages_truncated_total", platform="telegram") == 2
    assert "пиздец" not in caplog.text and "аааа" not in caplog.text
