"""Redis errors told apart: an outage is buffered and retried; an error in the data is not.

A key of the wrong type (a hand-made key, a migration gone wrong) makes Redis refuse the record
script for that author only. Treated as an outage, it would park the message at the head of the
buffer, where every later message waits behind it, and `/readyz` would still say ready. It is
logged by ids, counted, and the next message goes through. The script checks every key before
its first write, so a refused message leaves no claim behind and is counted once the key is
repaired.
"""

from __future__ import annotations

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from bot.pipeline.handle import Status
from bot.store.redis_store import RedisStore, is_outage
from rules import Checker
from tests.support.bots import RUDE, core_on, message


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
