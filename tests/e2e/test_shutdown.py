"""`kodeks run` as a service manager runs it: a process of its own, stopped with SIGTERM.

Systemd, Docker and Kubernetes stop a service with SIGTERM. The bot must stop taking messages,
flush, close its connections and exit 0 within `KODEKS_SHUTDOWN_TIMEOUT`, with every warning it
accepted counted in Redis (our own `redis-server`, `appendfsync always`).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

import pytest
import redis

from tests.support.bots import RUDE
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


@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_sigterm_stops_the_bot_cleanly_and_keeps_what_it_counted(
    fake: FakeSlack, tmp_path: Path, log_format: str
) -> None:
    server = RedisServer(tmp_path)
    server.start()
    config = tmp_path / "agency.toml"
    config.write_text(
        '[[clients]]\nname = "Ромашка"\n[[chats]]\nplatform = "slack"\nid = "C1"\n'
        'kind = "client"\nclient = "Ромашка"\n',
        encoding="utf-8",
    )
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KODEKS_")} | {
        "KODEKS_CONFIG": str(config), "KODEKS_REDIS_URL": server.url,
        "KODEKS_SLACK__BOT_TOKEN": BOT_TOKEN, "KODEKS_SLACK__APP_TOKEN": APP_TOKEN,
        "KODEKS_SLACK__SIGNING_SECRET": SIGNING_SECRET, "KODEKS_SLACK__MODE": "http",
        "KODEKS_SLACK__API_URL": f"{fake.url}/api", "KODEKS_SLACK__HOST": "127.0.0.1",
        "KODEKS_SLACK__PORT": str(port), "KODEKS_METRICS__ENABLED": "false",
        "KODEKS_SHUTDOWN_TIMEOUT": "5", "KODEKS_LOG_FORMAT": log_format,
    }  # fmt: skip
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "adapters.cli", "run", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        await _serving(port, process)
        sender = SignedSender(f"http://127.0.0.1:{port}/slack/events")
        event = message_event(event_id="Ev1", channel="C1", user="U2", text=RUDE, ts="1.000100")
        status, _ = await sender.event(event)
        assert status == 200
        forged = message_event(event_id="Ev2", channel="C1", user="U2", text=FORGED, ts="1.0002")
        status, _ = await sender.post(
            json.dumps(forged, ensure_ascii=False), "application/json", secret="not-the-secret"
        )
        assert status == 401  # Bolt logs the body of such a request, at INFO
        await fake.wait_for("chat.postEphemeral")
        process.send_signal(signal.SIGTERM)
        returncode = await asyncio.wait_for(process.wait(), STOP_WITHIN_S)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    output = (await process.stdout.read()).decode() if process.stdout else ""
    assert returncode == 0, output
    assert "stopping: a signal arrived" in output
    assert "Invalid request signature detected" in output
    for private in (RUDE, FORGED, BOT_TOKEN, APP_TOKEN, SIGNING_SECRET):
        assert private not in output
    client = redis.Redis.from_url(server.url)
    warnings = list(client.scan_iter(match="kodeks:*warn*"))
    assert warnings, "the warning was not counted"
    server.stop()
