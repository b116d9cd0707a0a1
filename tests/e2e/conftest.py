"""The end-to-end fixtures: one Bot API emulator for the session, a local Slack per test, and
bots built through `kodeks run`'s wiring (Telegram in polling or webhook mode; Slack over HTTP
and in Socket Mode)."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.ops.logs import log_handler
from rules import Checker
from tests.support.redis_server import RedisServer
from tests.support.said import SAID, WRITTEN
from tests.support.slack import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, FakeSlack
from tests.support.slack_bot import SlackBots, Start
from tests.support.telegram import Emulator, node_or_fail
from tests.support.telegram_bot import SECRET, Running, start_bot

SECRETS = (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET, SECRET, ":TEST-token")


@pytest.fixture(autouse=True)
def no_text_or_secret_in_the_logs(capfd: pytest.CaptureFixture[str]) -> Iterator[None]:
    """Every end-to-end test logs, at INFO, through the handler `kodeks run` logs through, in text
    and in JSON, warnings included; afterwards no text anyone said in a chat, and no token or
    secret, may be in either, nor in what the test's process wrote to its standard error and
    output (a library printing past logging), nor in what a `kodeks run` process of the test
    wrote."""
    streams = {"text": io.StringIO(), "json": io.StringIO()}
    handlers = [log_handler(fmt, stream) for fmt, stream in streams.items()]  # type: ignore[arg-type]
    root = logging.getLogger()
    level = root.level
    for handler in handlers:
        handler.setLevel(logging.INFO)
        root.addHandler(handler)
    root.setLevel(min(level, logging.INFO) if level else logging.INFO)
    logging.captureWarnings(True)
    SAID.clear()
    WRITTEN.clear()
    try:
        yield
    finally:
        logging.captureWarnings(False)
        root.setLevel(level)
        for handler in handlers:
            root.removeHandler(handler)
    printed = capfd.readouterr()
    sys.stdout.write(printed.out)  # still shown with a failure's report
    sys.stderr.write(printed.err)
    written = {
        **{f"{fmt} logs": stream.getvalue() for fmt, stream in streams.items()},
        "standard error": printed.err, "standard output": printed.out,
        "the output of the test's processes": "\n".join(WRITTEN),
    }  # fmt: skip
    for where, logged in written.items():
        leaked = [t for t in (*SAID, *SECRETS) if t in logged]
        assert not leaked, f"{where} holds {leaked[:3]}"
    for line in streams["json"].getvalue().splitlines():  # one object a line, whatever logged it
        assert isinstance(json.loads(line), dict), line


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """One emulator for the session; each test has its own bot token, hence its own queues."""
    emu = Emulator(node_or_fail()).start()
    yield emu
    emu.stop()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A `redis-server` of the test's own, started, for tests that stop and start it; stopped
    afterwards even when the test fails half-way (a server left running would outlive the test
    and fail a later one with its ResourceWarning)."""
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def bot(emulator: Emulator, checker: Checker, tmp_path: Path) -> AsyncIterator[Running]:
    """The Telegram bot in long-polling mode."""
    async for running in start_bot(emulator, checker, tmp_path, "polling"):
        yield running


@pytest.fixture
async def hooked(emulator: Emulator, checker: Checker, tmp_path: Path) -> AsyncIterator[Running]:
    """The Telegram bot in webhook mode: the emulator POSTs updates to aiogram's aiohttp server."""
    async for running in start_bot(emulator, checker, tmp_path, "webhook"):
        yield running


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    """A local Slack: Web API, Socket Mode and response URLs, recording every call."""
    slack = await FakeSlack().start()
    yield slack
    await slack.stop()


@pytest.fixture(params=["http", "socket"])
def mode(request: pytest.FixtureRequest) -> str:
    """Slack's delivery mode: signed HTTP requests, or Socket Mode."""
    return str(request.param)


@pytest.fixture
async def start(fake: FakeSlack, checker: Checker, mode: str) -> AsyncIterator[Start]:
    """Start the real Slack adapter, wired as `kodeks run` wires it, on the embedded store."""
    bots = SlackBots(fake, checker, mode)
    yield bots.start
    await bots.stop()
