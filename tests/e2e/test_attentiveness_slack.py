"""Attentiveness through the real Slack stack (HTTP and Socket Mode): a client's question in a
Slack Connect channel, no staff reply, the clock moved past the SLA, the scheduler of `kodeks
run` polls → the responsible employee gets a DM at the wire; nothing reaches the channel, not
even an ephemeral."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.slack.adapter import SlackAdapter, build_adapter
from bot.core import Core, build_core
from bot.domain.config import AgencyConfig
from bot.domain.ports import PlatformRouter
from bot.ops.settings import Settings, SlackSettings
from bot.store import keys
from rules import Checker
from tests.support.bots import embedded_store
from tests.support.slack import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    WAIT_S,
    FakeSlack,
    SignedSender,
    message_event,
)
from tests.support.slack_bot import deliver_event

SHARED = "CSHARED"
CLIENT_TEAM = "TCLIENT"
QUESTION = "Подскажите, когда будет готов макет баннера"
THURSDAY_NOON_MSK = datetime(2026, 11, 26, 9, tzinfo=UTC)
AGENCY: dict[str, Any] = {
    "clients": [{"name": "Ромашка"}],
    "chats": [
        {"platform": "slack", "id": SHARED, "kind": "client", "client": "Ромашка",
         "responsible": "Анна", "sla_minutes": 30},
    ],
    "staff": [{"name": "Анна", "slack_id": "UANNA", "admin": True}],
    "compliance": {"slack_channel": "CCOMPLIANCE"},
}  # fmt: skip


class Clock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = THURSDAY_NOON_MSK

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Bot:
    fake: FakeSlack
    adapter: SlackAdapter
    core: Core
    clock: Clock
    sender: SignedSender | None

    async def event(self, body: dict[str, Any]) -> None:
        await deliver_event(self.fake, self.sender, body)

    async def wait_key(self, present: bool) -> None:
        key = self.core.store.keys.wait(keys.wait_id("slack", SHARED, None))
        deadline = time.monotonic() + WAIT_S
        while bool(await self.core.store.redis.exists(key)) is not present:
            assert time.monotonic() < deadline, f"the wait did not become present={present}"
            await asyncio.sleep(0.02)


@pytest.fixture(params=["http", "socket"])
async def bot(
    request: pytest.FixtureRequest, fake: FakeSlack, checker: Checker
) -> AsyncIterator[Bot]:
    """The real adapter wired as `kodeks run` wires it, on the embedded store, with a clock."""
    mode = str(request.param)
    settings = Settings(
        _env_file=None,
        slack=SlackSettings(
            bot_token=BOT_TOKEN, app_token=APP_TOKEN, signing_secret=SIGNING_SECRET, mode=mode,
            api_url=f"{fake.url}/api/", host="127.0.0.1", port=0,
        ),
    )  # fmt: skip
    store = embedded_store()
    router, clock = PlatformRouter(), Clock()
    config = AgencyConfig.model_validate(AGENCY)
    core = build_core(
        config=config, checker=checker, store=store, ports=router.as_ports(), clock=clock
    )
    adapter = build_adapter(settings, core)
    router.register(adapter.platform, adapter.ports)
    await asyncio.wait_for(adapter.start(), 5)
    sender = None
    if mode == "http":
        sender = SignedSender(f"http://127.0.0.1:{adapter.http_port}/slack/events")
    yield Bot(fake, adapter, core, clock, sender)
    await adapter.stop()
    await store.close()


def question(event_id: str, text: str = QUESTION, user: str = "UCLIENT") -> dict[str, Any]:
    team = CLIENT_TEAM if user == "UCLIENT" else "TAGENCY"
    return message_event(
        event_id=event_id, channel=SHARED, user=user, text=text, ts=f"{time.time():.6f}",
        user_team=team, shared=True,
    )  # fmt: skip


async def test_an_unanswered_question_reminds_the_responsible_by_dm(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    scheduler = bot.core.scheduler
    await bot.event(question("EvQ1"))
    await bot.wait_key(present=True)
    bot.clock.now += timedelta(minutes=29)
    assert await scheduler.run_once() == 0
    bot.clock.now += timedelta(minutes=2)
    assert await scheduler.run_once() == 1
    [opened] = await bot.fake.wait_for("conversations.open")
    assert opened["users"] == "UANNA"
    [dm] = [p for p in bot.fake.sent("chat.postMessage") if p["channel"] == "DUANNA"]
    assert "П. 7" in dm["text"] and "Внимательность" in dm["text"] and "31 мин" in dm["text"]
    assert "макет" not in dm["text"]
    assert bot.fake.sent("chat.postEphemeral") == []
    assert [p for p in bot.fake.sent("chat.postMessage") if p["channel"] == SHARED] == []
    # A second SLA later the compliance channel hears of it, and still nothing in the channel.
    bot.clock.now += timedelta(minutes=30)
    assert await scheduler.run_once() == 1
    [escalation] = [p for p in bot.fake.sent("chat.postMessage") if p["channel"] == "CCOMPLIANCE"]
    assert "Ромашка" in escalation["text"] and "UANNA" in escalation["text"]
    assert [p for p in bot.fake.sent("chat.postMessage") if p["channel"] == SHARED] == []
    for record in caplog.records:
        if record.levelno >= logging.INFO:
            assert "макет" not in record.getMessage()


async def test_a_colleagues_reply_in_the_channel_means_no_reminder(bot: Bot) -> None:
    scheduler = bot.core.scheduler
    await bot.event(question("EvQ2"))
    await bot.wait_key(present=True)
    await bot.event(question("EvR2", "Добрый день! Сегодня к шести.", user="UBORIS"))
    await bot.wait_key(present=False)
    bot.clock.now += timedelta(hours=3)
    assert await scheduler.run_once() == 0
    assert bot.fake.sent("chat.postMessage") == []
