"""`kodeks run` as a service manager runs it: a process of its own, stopped with SIGTERM.

Systemd, Docker and Kubernetes stop a service with SIGTERM. The bot must stop taking messages,
flush, close its connections and exit 0 within `KODEKS_SHUTDOWN_TIMEOUT`, with every warning it
accepted counted in Redis (our own `redis-server`, `appendfsync always`).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import redis

from tests.support.bots import RUDE
from tests.support.processes import sigterm
from tests.support.redis_server import RedisServer, free_port
from tests.support.slack import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    SignedSender,
    message_event,
)

STOP_WITHIN_S = 15
FORGED = "Подделка: этот клиент вообще ничего не понимает в рекламе"


async def _serving(port: int, process: asyncio.subprocess.Process) -> None:
    for _ in range(300):
        if process.returncode is not None:
            raise AssertionError(f"kodeks run exited early with {process.returncode}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        return
    raise AssertionError("kodeks run never listened")


def _config(tmp_path: Path) -> Path:
    config = tmp_path / "agency.toml"
    config.write_text(
        '[[clients]]\nname = "Ромашка"\n[[chats]]\nplatform = "slack"\nid = "C1"\n'
        'kind = "client"\nclient = "Ромашка"\n[policy]\nnudge_window_minutes = 0\n',
        encoding="utf-8",
    )
    return config


class Service:
    """`kodeks run` in a process of its own, on Slack's HTTP mode or Socket Mode, as a service
    manager runs it."""

    def __init__(
        self, fake: FakeSlack, server: RedisServer, tmp_path: Path, mode: str = "http", **env: str
    ) -> None:
        self.fake, self.mode = fake, mode
        self.port = free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("KODEKS_")} | {
            "KODEKS_CONFIG": str(_config(tmp_path)), "KODEKS_REDIS_URL": server.url,
            "KODEKS_SLACK__BOT_TOKEN": BOT_TOKEN, "KODEKS_SLACK__APP_TOKEN": APP_TOKEN,
            "KODEKS_SLACK__SIGNING_SECRET": SIGNING_SECRET, "KODEKS_SLACK__MODE": mode,
            "KODEKS_SLACK__API_URL": f"{fake.url}/api", "KODEKS_SLACK__HOST": "127.0.0.1",
            "KODEKS_SLACK__PORT": str(self.port), "KODEKS_METRICS__ENABLED": "false",
            "KODEKS_SHUTDOWN_TIMEOUT": "5", "KODEKS_JOURNAL": str(tmp_path / "outage.sqlite3"),
        } | env  # fmt: skip
        self.sender = SignedSender(f"http://127.0.0.1:{self.port}/slack/events")
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "adapters.cli", "run", env=self.env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        if self.mode == "http":
            await _serving(self.port, self.process)
        else:
            await self.fake.wait_connected(timeout=30)  # a whole process starts first

    async def deliver(self, event: dict[str, Any]) -> bool:
        """Deliver one event as Slack does in this mode; True when the app acknowledged it."""
        if self.mode == "http":
            status, _ = await self.sender.event(event)
            return status == 200
        ack = await self.fake.push("events_api", event)
        return bool(ack.get("envelope_id"))

    async def stop(self) -> tuple[int, str]:
        """SIGTERM, then the exit code and everything the process wrote."""
        assert self.process is not None
        return await sigterm(self.process, STOP_WITHIN_S)


@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_sigterm_stops_the_bot_cleanly_and_keeps_what_it_counted(
    fake: FakeSlack, tmp_path: Path, own_redis: RedisServer, log_format: str
) -> None:
    service = Service(fake, own_redis, tmp_path, KODEKS_LOG_FORMAT=log_format)
    await service.start()
    sender = service.sender
    event = message_event(event_id="Ev1", channel="C1", user="U2", text=RUDE, ts="1.000100")
    status, _ = await sender.event(event)
    assert status == 200
    forged = message_event(event_id="Ev2", channel="C1", user="U2", text=FORGED, ts="1.0002")
    status, _ = await sender.post(
        json.dumps(forged, ensure_ascii=False), "application/json", secret="not-the-secret"
    )
    assert status == 401  # Bolt logs the body of such a request, at INFO
    await fake.wait_for("chat.postEphemeral")
    returncode, output = await service.stop()
    assert returncode == 0, output
    assert "stopping: a signal arrived" in output
    assert "Invalid request signature detected" in output
    for private in (RUDE, FORGED, BOT_TOKEN, APP_TOKEN, SIGNING_SECRET):
        assert private not in output
    client = redis.Redis.from_url(own_redis.url)
    warnings = list(client.scan_iter(match="kodeks:*warn*"))
    assert warnings, "the warning was not counted"


MESSAGES = 200


@pytest.mark.parametrize("mode", ["http", "socket"])
async def test_a_restart_during_an_outage_loses_no_warning_and_doubles_no_nudge(
    fake: FakeSlack, tmp_path: Path, own_redis: RedisServer, mode: str
) -> None:
    """Redis stops; the bot takes messages (Slack has its acks, it will not resend), some of
    them twice; the bot is stopped with SIGTERM before Redis is back. Redis and the bot start
    again: every warning is counted once, every author nudged once, from the journal."""
    service = Service(fake, own_redis, tmp_path, mode)
    await service.start()
    own_redis.stop()
    events = [
        message_event(event_id=f"Ev{n}", channel="C1", user=f"U{n}", text=RUDE, ts=f"1.{n:06}")
        for n in range(MESSAGES)
    ]
    deliveries = events + events[::4]  # a quarter delivered twice
    for event in deliveries:
        assert await service.deliver(event)
    returncode, output = await service.stop()
    assert returncode == 0, output
    # Every delivery waits, re-deliveries too: only Redis's claims can tell them apart.
    assert f"stopping with {len(deliveries)} findings waiting for redis" in output
    assert not fake.sent("chat.postEphemeral")  # nothing could be counted, so nobody nudged

    own_redis.start()
    await service.start()
    await fake.wait_for("chat.postEphemeral", MESSAGES, timeout=30)  # a new process
    await asyncio.sleep(0.5)  # a doubled nudge would arrive now
    returncode, output = await service.stop()
    assert returncode == 0, output
    assert f"restored from the journal, waiting for redis: {len(deliveries)}" in output
    nudged = fake.sent("chat.postEphemeral")
    assert sorted(n["user"] for n in nudged) == sorted(f"U{n}" for n in range(MESSAGES))
    client = redis.Redis.from_url(own_redis.url)
    counted = sum(client.zcard(key) for key in client.scan_iter(match="kodeks:*warn*"))
    assert counted == MESSAGES


@pytest.mark.parametrize("mode", ["http", "socket"])
async def test_sigterm_during_steady_traffic_loses_nothing_acknowledged(
    fake: FakeSlack, tmp_path: Path, own_redis: RedisServer, mode: str
) -> None:
    """Messages keep arriving when SIGTERM lands: the bot exits 0, and every message it
    acknowledged is counted and its author nudged once (what it did not acknowledge, Slack
    delivers again)."""
    service = Service(fake, own_redis, tmp_path, mode)
    await service.start()
    acknowledged: list[str] = []

    async def traffic() -> None:
        for n in range(10_000):
            ts = f"2.{n:06}"
            event = message_event(event_id=f"Es{n}", channel="C1", user=f"U{n}", text=RUDE, ts=ts)
            try:
                if await asyncio.wait_for(service.deliver(event), 2):
                    acknowledged.append(ts)
            # The bot has gone, or closed the connection under the request: not acknowledged.
            except (OSError, aiohttp.ClientError, AssertionError, TimeoutError):
                return
            await asyncio.sleep(0.005)

    feeding = asyncio.create_task(traffic())
    await asyncio.sleep(1.0)
    returncode, output = await service.stop()
    await feeding
    assert returncode == 0, output
    assert len(acknowledged) > 20, "the traffic should have been steady before the signal"
    client = redis.Redis.from_url(own_redis.url)
    counted = {
        member.decode().partition(":")[2]
        for key in client.scan_iter(match="kodeks:*warn*")
        for member in client.zrange(key, 0, -1)
    }
    assert set(acknowledged) <= counted
    nudged = Counter(str(n["user"]) for n in fake.sent("chat.postEphemeral"))
    assert {f"U{int(ts.partition('.')[2])}" for ts in acknowledged} <= set(nudged)
    assert set(nudged.values()) == {1}, nudged.most_common(3)
