"""Bounded work on the event loop: so many messages at once, and long texts off the loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest

from bot.domain import policy as rules_policy
from bot.domain.models import Nudge
from bot.domain.ports import Delivery
from bot.pipeline.handle import THREAD_FROM_CHARS, Status
from rules import Checker
from tests.support.bots import RUDE, core_on, message


async def _until(condition: Callable[[], bool]) -> None:
    while not condition():
        await asyncio.sleep(0)


class GatedNotifier:
    """Holds every nudge until released, and remembers how many were held at once."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.holding = 0
        self.most = 0

    async def nudge(self, nudge: Nudge, text: str, button: str) -> Delivery:
        del nudge, text, button
        self.holding += 1
        self.most = max(self.most, self.holding)
        await self.release.wait()
        self.holding -= 1
        return Delivery.DELIVERED


async def test_no_more_messages_are_worked_on_at_once_than_the_limit(checker: Checker) -> None:
    notifier = GatedNotifier()
    core = core_on(checker, notifier=notifier, concurrency=2)
    staff = ("11", "12", "13")
    handling = [
        asyncio.create_task(core.pipeline.handle(message(RUDE, n, staff[n % 3]))) for n in range(6)
    ]
    await asyncio.wait_for(_until(lambda: notifier.holding >= 2), timeout=5)
    for _ in range(50):  # the others had every chance to start
        await asyncio.sleep(0)

    assert notifier.most == 2
    notifier.release.set()
    outcomes = await asyncio.gather(*handling)
    assert [o.status for o in outcomes] == [Status.RECORDED] * 6


async def test_a_long_text_is_checked_off_the_loop_and_a_short_one_on_it(
    checker: Checker, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[int] = []
    judge = rules_policy.judge

    def spy(*args: Any) -> Any:
        threads.append(threading.get_ident())
        return judge(*args)

    monkeypatch.setattr(rules_policy, "judge", spy)
    core = core_on(checker)
    long = RUDE + " " + "и снова про макет, " * (THREAD_FROM_CHARS // 10)

    short_outcome = await core.pipeline.handle(message(RUDE, 1, "11"))
    long_outcome = await core.pipeline.handle(message(long, 2, "12"))

    loop = threading.get_ident()
    assert threads[0] == loop and threads[1] != loop
    assert short_outcome.status is long_outcome.status is Status.RECORDED


async def test_settle_waits_for_every_message_in_hand(checker: Checker) -> None:
    notifier = GatedNotifier()
    core = core_on(checker, notifier=notifier)
    handling = [
        asyncio.create_task(core.pipeline.handle(message(RUDE, n, "11" if n else "12")))
        for n in range(2)
    ]
    await asyncio.wait_for(_until(lambda: notifier.holding == 2), timeout=5)
    settled = asyncio.create_task(core.pipeline.settle())
    for _ in range(50):
        await asyncio.sleep(0)

    assert core.pipeline.in_flight == 2
    assert not settled.done()  # shutdown would wait here, not drop the two
    notifier.release.set()
    await asyncio.wait_for(settled, timeout=5)
    assert core.pipeline.in_flight == 0
    assert all(task.done() for task in handling)
