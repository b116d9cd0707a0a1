"""Redis errors told apart: an outage is buffered and retried; an error in the data is not.

A key of the wrong type (a hand-made key, a migration gone wrong) makes Redis refuse the record
script for that author only. Treated as an outage, it would park the message at the head of the
buffer, where every later message waits behind it, and `/readyz` would still say ready. It is
logged by ids, counted, and the next message goes through. The script checks every key before
its first write, so a refused message leaves no claim behind and is counted once the key is
repaired.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from bot.pipeline.handle import Status
from bot.store.journal import Journal
from bot.store.redis_store import RedisStore, is_outage
from rules import Checker
from tests.support.bots import RUDE, core_on, message
from tests.support.fakes import RecordingNotifier


async def test_a_key_of_the_wrong_type_fails_that_message_only(
    store: RedisStore, checker: Checker, caplog: pytest.LogCaptureFixture
) -> None:
    core = core_on(checker, store=store)
    broken = store.keys.warnings("telegram", "11", 6)
    await store.redis.set(broken, "not a sorted set", px=60_000)

    refused = await core.pipeline.handle(message(RUDE, 1, "11"))
    other = await core.pipeline.handle(message(RUDE, 2, "12"))

    assert refused.status is Status.FAILED
    assert other.status is Status.RECORDED  # not stuck behind the refused one
    assert not core.outage and core.outage.is_up()  # no outage: nothing buffered
    assert await core.problems() == []
    assert core.metrics.value("kodeks_redis_errors_total", step="record-data") == 1
    assert "redis refused the data at record" in caplog.text
    assert "пиздец" not in caplog.text


async def test_a_refused_record_writes_nothing_so_it_counts_once_repaired(
    store: RedisStore, checker: Checker
) -> None:
    core = core_on(checker, store=store)
    broken = store.keys.nudge_window("telegram", "11", 6)
    await store.redis.hset(broken, "x", "1")
    await store.redis.pexpire(broken, 60_000)

    assert (await core.pipeline.handle(message(RUDE, 1, "11"))).status is Status.FAILED
    await store.redis.delete(broken)
    again = await core.pipeline.handle(message(RUDE, 1, "11"))  # the platform's retry

    assert again.status is Status.RECORDED  # no delivery or finding claim was left behind
    assert await store.warning_count("telegram", "11", 6, 86_400_000) == 1


def test_an_outage_is_told_from_an_error_in_the_data() -> None:
    assert is_outage(RedisConnectionError("Error 111 connecting"))
    assert is_outage(TimeoutError())
    assert not is_outage(ResponseError("WRONGTYPE Operation against a key"))


async def test_audit_lines_redis_could_not_take_wait_and_are_written_once_it_is_back(
    store: RedisStore, checker: Checker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Redis goes between the record (counted, nudged) and the audit line: the line waits in the
    buffer and the journal, and the flush writes it and the nudge's button, never the warning or
    the nudge again."""
    notifier = RecordingNotifier()
    journal = Journal(tmp_path / "outage.sqlite3")
    core = core_on(checker, store=store, notifier=notifier, journal=journal)
    audit = store.audit

    async def gone(*args: Any, **kwargs: Any) -> None:
        raise RedisConnectionError("Connection closed by server.")

    monkeypatch.setattr(store, "audit", gone)
    outcome = await core.pipeline.handle(message(RUDE, 1, "11"))
    assert outcome.status is Status.RECORDED and outcome.nudges == 1
    assert len(core.outage) == 1 and len(journal.rows()) == 1  # on disk too
    assert "пиздец, а не макет" not in journal.rows()[0][1]
    assert core.metrics.value("kodeks_redis_errors_total", step="audit") == 1

    monkeypatch.setattr(store, "audit", audit)  # Redis is back
    assert await core.pipeline.flush() == 1

    assert [(e.message, e.clause) for e in await store.audit_entries()] == [("1", 6)]
    assert len(notifier.sent) == 1  # not nudged again
    assert await store.warning_count("telegram", "11", 6, 86_400_000) == 1
    nudge = notifier.sent[0][0]
    assert await store.record_feedback(nudge.token) == nudge  # the button works
    assert not core.outage and journal.rows() == []


async def test_an_audit_line_redis_refuses_is_logged_and_not_kept(
    store: RedisStore,
    checker: Checker,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    core = core_on(checker, store=store)

    async def refused(*args: Any, **kwargs: Any) -> None:
        raise ResponseError("WRONGTYPE Operation against a key")

    monkeypatch.setattr(store, "audit", refused)
    outcome = await core.pipeline.handle(message(RUDE, 1, "11"))

    assert outcome.status is Status.RECORDED and outcome.nudges == 1
    assert not core.outage and core.outage.is_up()  # an error in the data is no outage
    assert core.metrics.value("kodeks_redis_errors_total", step="audit-data") == 1
    assert "redis refused the data at audit, audit line lost" in caplog.text


async def test_an_audit_line_whose_reply_was_lost_is_not_written_twice(
    store: RedisStore, checker: Checker, monkeypatch: pytest.MonkeyPatch
) -> None:
    core = core_on(checker, store=store)
    audit = store.audit

    async def written_then_gone(*args: Any, **kwargs: Any) -> None:
        await audit(*args, **kwargs)  # Redis took it; the connection dropped before the reply
        raise RedisConnectionError("Connection closed by server.")

    monkeypatch.setattr(store, "audit", written_then_gone)
    await core.pipeline.handle(message(RUDE, 1, "11"))
    assert len(core.outage) == 1
    monkeypatch.setattr(store, "audit", audit)
    assert await core.pipeline.flush() == 1

    assert [(e.message, e.clause) for e in await store.audit_entries()] == [("1", 6)]
