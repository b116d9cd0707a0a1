"""Attentiveness through the real Telegram stack: a client's question in a client group, no staff
reply, the clock moved past the SLA, the scheduler of `kodeks run` polls → the responsible
employee gets a private message at the wire, and nothing reaches the group."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import keys
from bot.store.redis_store import RedisStore
from rules import Checker
from tests.support.telegram import WAIT_S, Emulator
from tests.support.telegram_bot import (
    AGENCY,
    ANNA,
    BORIS,
    CLIENT,
    CLIENT_GROUP,
    Running,
    assert_nothing_public,
    no_text_logged,
    start_bot,
)

QUESTION = "Подскажите, когда будет готов макет баннера"
THURSDAY_NOON_MSK = datetime(2026, 11, 26, 9, tzinfo=UTC)
RESPONSIBLE = AGENCY.replace(
    'client = "Ромашка"\n', 'client = "Ромашка"\nresponsible = "Анна"\nsla_minutes = 30\n', 1
)


class Clock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = THURSDAY_NOON_MSK

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def bot(emulator: Emulator, checker: Checker, tmp_path: Path) -> AsyncIterator[Running]:
    async for running in start_bot(emulator, checker, tmp_path, "polling", RESPONSIBLE):
        yield running


async def wait_opened(store: RedisStore, chat_id: int) -> None:
    """Wait (bounded) until the pipeline has opened the chat's wait."""
    key = store.keys.wait(keys.wait_id("telegram", str(chat_id), None))
    deadline = time.monotonic() + WAIT_S
    while not await store.redis.exists(key):
        assert time.monotonic() < deadline, "the client's question opened no wait"
        await asyncio.sleep(0.02)


async def test_an_unanswered_question_reminds_the_responsible_in_private(
    bot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    clock = Clock()
    bot.core.attentiveness.clock = clock
    scheduler = bot.core.scheduler  # kodeks run's own wiring, through the router
    await bot.face.say(CLIENT, CLIENT_GROUP, QUESTION)
    await wait_opened(bot.core.store, CLIENT_GROUP["id"])
    clock.now += timedelta(minutes=20)
    assert await scheduler.run_once() == 0
    clock.now += timedelta(minutes=11)
    assert await scheduler.run_once() == 1
    (reminder,) = await bot.face.wait_for(ANNA["id"])
    assert "П. 7" in reminder["text"] and "Внимательность" in reminder["text"]
    assert "31 мин" in reminder["text"]
    assert "макет" not in reminder["text"]
    (button,) = reminder["reply_markup"]["inline_keyboard"][0]
    assert button["callback_data"].startswith("nf:")
    assert await bot.face.sent_to(BORIS["id"]) == []
    assert await bot.face.sent_to(CLIENT["id"]) == []
    await assert_nothing_public(bot.face)
    no_text_logged(caplog, QUESTION, "макет")


async def test_a_staff_reply_in_the_group_means_no_reminder(bot: Running) -> None:
    clock = Clock()
    bot.core.attentiveness.clock = clock
    scheduler = bot.core.scheduler
    await bot.face.say(CLIENT, CLIENT_GROUP, QUESTION)
    await wait_opened(bot.core.store, CLIENT_GROUP["id"])
    await bot.face.say(BORIS, CLIENT_GROUP, "Добрый день! Макет будет сегодня к шести.")
    key = bot.core.store.keys.wait(keys.wait_id("telegram", str(CLIENT_GROUP["id"]), None))
    deadline = time.monotonic() + WAIT_S
    while await bot.core.store.redis.exists(key):
        assert time.monotonic() < deadline, "the staff reply closed no wait"
        await asyncio.sleep(0.02)
    clock.now += timedelta(hours=2)
    assert await scheduler.run_once() == 0
    assert await bot.face.sent() == []
