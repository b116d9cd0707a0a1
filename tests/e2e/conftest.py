"""The end-to-end fixtures: one Bot API emulator for the session, a local Slack per test, and
bots built through `kodeks run`'s wiring (Telegram in polling or webhook mode; Slack over HTTP
and in Socket Mode)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from rules import Checker
from tests.support.slack import FakeSlack
from tests.support.slack_bot import SlackBots, Start
from tests.support.telegram import Emulator, node_or_fail
from tests.support.telegram_bot import Running, start_bot


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """One emulator for the session; each test has its own bot token, hence its own queues."""
    emu = Emulator(node_or_fail()).start()
    yield emu
    emu.stop()


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
