"""`kodeks run` on Telegram (long polling and webhook) as a service manager runs it: a restart
during a Redis outage loses no warning and doubles no nudge.

Polling has moved its offset past an update, and a webhook has answered 200, by the time the bot
finds Redis away; what it could not count waits in the journal for the next start.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import redis

from tests.support.bots import RUDE
from tests.support.processes import sigterm
from tests.support.redis_server import RedisServer, free_port
from tests.support.telegram import Emulator, Face
from tests.support.telegram_bot import AGENCY, BORIS, CLIENT_GROUP, SECRET

MESSAGES = 200
STOP_WITHIN_S = 20
NUDGES_WITHIN_S = 30  # 200 nudges from a process just started, on a busy machine
_tokens = itertools.count(790001)


class TelegramService:
    """`kodeks run` in a process of its own against the Bot API emulator."""

    def __init__(
        self, face: Face, emulator: Emulator, server: RedisServer, tmp_path: Path, mode: str
    ) -> None:
        self.face, self.mode = face, mode
        agency = tmp_path / "agency.toml"
        agency.write_text(AGENCY, encoding="utf-8")
        port = free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("KODEKS_")} | {
            "KODEKS_CONFIG": str(agency), "KODEKS_REDIS_URL": server.url,
            "KODEKS_TELEGRAM__TOKEN": face.token, "KODEKS_TELEGRAM__API_SERVER": emulator.url,
            "KODEKS_TELEGRAM__MODE": mode, "KODEKS_TELEGRAM__WEBHOOK_SECRET": SECRET,
            "KODEKS_TELEGRAM__WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/webhook",
            "KODEKS_TELEGRAM__WEBHOOK_PORT": str(port), "KODEKS_METRICS__ENABLED": "false",
            "KODEKS_SHUTDOWN_TIMEOUT": "10", "KODEKS_JOURNAL": str(tmp_path / "outage.sqlite3"),
        }  # fmt: skip
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start and wait until the bot takes updates (a new poll, or a new webhook)."""
        method = "getUpdates" if self.mode == "polling" else "setWebhook"
        before = len(await self.face.calls(method))
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "adapters.cli", "run", env=self.env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        # A whole process starts here (aiogram, the dictionaries, the rules): longer than the
        # emulator helpers' usual wait.
        for _ in range(300):
            if self.process.returncode is not None:
                raise AssertionError(f"kodeks run exited early with {self.process.returncode}")
            if (await self.face.calls(method))[before:]:
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"kodeks run made no {method} call")

    async def stop(self) -> tuple[int, str]:
        """SIGTERM, then the exit code and everything the process wrote."""
        assert self.process is not None
        return await sigterm(self.process, STOP_WITHIN_S)


@pytest.fixture
async def face(emulator: Emulator) -> AsyncIterator[Face]:
    """The people talking to a bot of this test's own token."""
    async with aiohttp.ClientSession() as http:
        yield Face(http, emulator.url, f"{next(_tokens)}:TEST-token")


async def _taken(face: Face, mode: str) -> None:
    """Wait until the bot has taken what was queued: in polling, two polls after the last update
    (the second one's offset acknowledges everything the first returned); a webhook is pushed
    each update as it is queued."""
    if mode == "polling":
        polls = len(await face.calls("getUpdates"))
        await face.wait_until(
            lambda calls: calls[polls:], count=2, method="getUpdates", timeout=NUDGES_WITHIN_S
        )
    await asyncio.sleep(1.0)  # the handlers' first steps, before the signal


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_a_restart_during_an_outage_loses_no_warning_and_doubles_no_nudge(
    face: Face, emulator: Emulator, tmp_path: Path, own_redis: RedisServer, mode: str
) -> None:
    service = TelegramService(face, emulator, own_redis, tmp_path, mode)
    await service.start()
    own_redis.stop()
    messages = [face.message(BORIS, CLIENT_GROUP, f"{RUDE} {n}") for n in range(MESSAGES)]
    for message in messages + messages[::4]:  # a quarter delivered again, as a new update
        await face.update({"message": message})
    deliveries = MESSAGES + len(messages[::4])
    await _taken(face, mode)
    returncode, output = await service.stop()
    assert returncode == 0, output
    assert f"stopping with {deliveries} findings waiting for redis" in output
    assert not await face.sent_to(BORIS["id"])  # nothing could be counted, so nobody nudged

    own_redis.start()
    await service.start()
    nudged = await face.wait_for(BORIS["id"], MESSAGES, timeout=NUDGES_WITHIN_S)
    await asyncio.sleep(0.5)  # a doubled nudge would arrive now
    returncode, output = await service.stop()
    assert returncode == 0, output
    assert f"restored from the journal, waiting for redis: {deliveries}" in output
    assert len(await face.sent_to(BORIS["id"])) == len(nudged) == MESSAGES
    client = redis.Redis.from_url(own_redis.url)
    counted = sum(client.zcard(key) for key in client.scan_iter(match="kodeks:*warn*"))
    assert counted == MESSAGES


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_sigterm_during_steady_traffic_loses_nothing(
    face: Face, emulator: Emulator, tmp_path: Path, own_redis: RedisServer, mode: str
) -> None:
    """Updates keep coming when SIGTERM lands: what the bot had taken (polled, or answered 200)
    it finishes or journals; what it had not, Telegram still holds (queued for the next poll, or
    sent again to the webhook, as the emulator does like Telegram), so the next start takes it.
    Every message is counted and nudged exactly once."""
    service = TelegramService(face, emulator, own_redis, tmp_path, mode)
    await service.start()

    async def traffic() -> None:
        for n in range(MESSAGES):
            await face.update({"message": face.message(BORIS, CLIENT_GROUP, f"{RUDE} {n}")})
            await asyncio.sleep(0.01)

    feeding = asyncio.create_task(traffic())
    await asyncio.sleep(0.8)
    returncode, output = await service.stop()
    assert returncode == 0, output
    assert not feeding.done(), "the signal should land mid-traffic"
    await feeding
    await service.start()
    await face.wait_for(BORIS["id"], MESSAGES, timeout=NUDGES_WITHIN_S)
    await asyncio.sleep(0.5)  # a doubled nudge would arrive now
    returncode, output = await service.stop()
    assert returncode == 0, output
    assert len(await face.sent_to(BORIS["id"])) == MESSAGES
    client = redis.Redis.from_url(own_redis.url)
    counted = sum(client.zcard(key) for key in client.scan_iter(match="kodeks:*warn*"))
    assert counted == MESSAGES
