"""A malformed Telegram update through the real aiogram stack: skipped, counted, its text unlogged.

aiogram parses updates before any handler of ours runs, so a payload it refuses never reaches
`adapters/telegram/convert.py`. These tests send such payloads through the emulator and look at
what the bot logged.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from rules import Checker
from tests.support.bots import RUDE
from tests.support.telegram import Emulator
from tests.support.telegram_bot import BORIS, CLIENT_GROUP, Running, start_bot

SECRET_TEXT = "секрет42"  # short: pydantic cuts long values in the middle
MALFORMED = [
    {"message": {"message_id": 5, "text": SECRET_TEXT}},  # no chat, no date
    {"message": {"message_id": 5, "date": 1, "chat": "nope", "text": SECRET_TEXT}},
]


LONE_ID = 880003


@pytest.fixture(params=["polling", "webhook"])
async def any_bot(
    emulator: Emulator,
    checker: Checker,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> AsyncIterator[Running]:
    async for running in start_bot(emulator, checker, tmp_path, request.param):
        yield running


def logged(caplog: pytest.LogCaptureFixture) -> str:
    """Everything the records say, tracebacks included."""
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        if record.exc_info and record.exc_info[1] is not None:
            parts += traceback.format_exception(record.exc_info[1])
    return "\n".join(parts)


@pytest.mark.parametrize("bad", MALFORMED[:1])
async def test_a_malformed_update_does_not_stop_the_bot(
    any_bot: Running, bad: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await any_bot.face.post("/_test/rawUpdate", update=bad)
    await any_bot.face.say(BORIS, CLIENT_GROUP, RUDE)
    await any_bot.face.wait_for(BORIS["id"])  # the next good update is handled


async def test_a_malformed_updates_text_is_not_logged_in_polling(
    emulator: Emulator,
    checker: Checker,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from adapters.telegram import logs as telegram_logs

    caplog.set_level(logging.INFO)
    unreadable = telegram_logs.install()  # the filter the adapter shares
    before = unreadable.count
    async for bot in start_bot(emulator, checker, tmp_path, "polling"):
        await bot.face.post("/_test/rawUpdate", update=MALFORMED[0])
        await bot.face.say(BORIS, CLIENT_GROUP, RUDE)
        await bot.face.wait_for(BORIS["id"])
    assert SECRET_TEXT not in logged(caplog)
    assert unreadable.count > before  # counted as an unreadable update
    assert "unreadable telegram update skipped - ValidationError (update_id=" in logged(caplog)


async def test_a_poisoned_polling_batch_moves_on(
    emulator: Emulator, checker: Checker, tmp_path: Path
) -> None:
    """One unreadable update in a batch: the good one beside it is nudged, the bad one counted
    once, and the offset moves past it, as Telegram needs before it serves anything newer."""
    from adapters.telegram import logs as telegram_logs

    unreadable = telegram_logs.install()
    async for bot in start_bot(emulator, checker, tmp_path, "polling"):
        before = unreadable.count
        bad = {"update_id": 880001, **MALFORMED[0]}
        good = {"update_id": 880002, "message": bot.face.message(BORIS, CLIENT_GROUP, RUDE)}
        await bot.face.post("/_test/rawUpdates", updates=[bad, good])
        await bot.face.wait_for(BORIS["id"])
        lone = {"update_id": LONE_ID, **MALFORMED[1]}  # the last of its batch: nothing after it
        await bot.face.post("/_test/rawUpdate", update=lone)
        await bot.face.wait_until(
            lambda calls: [c for c in calls if int(c.get("offset") or 0) > LONE_ID],
            method="getUpdates",
        )
        await bot.face.say(BORIS, CLIENT_GROUP, RUDE + " ещё раз")
        await bot.face.wait_for(BORIS["id"], 2)
        assert unreadable.count - before == 2  # each bad update once: none was served again
        polls = await bot.face.calls("getUpdates")
        assert max(int(p.get("offset") or 0) for p in polls) > LONE_ID
