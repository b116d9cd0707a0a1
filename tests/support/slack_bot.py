"""The Slack end-to-end harness: the real adapter wired as `kodeks run` wires it, on the
embedded store, and how the local Slack delivers to it in each mode."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from adapters.slack.adapter import SlackAdapter, build_adapter
from bot.core import build_core
from bot.domain.config import AgencyConfig
from bot.domain.ports import PlatformRouter
from bot.ops.settings import Settings, SlackSettings
from bot.store.redis_store import RedisStore
from bot.texts import load_texts
from rules import Checker
from tests.support.bots import RUDE, embedded_store
from tests.support.slack import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    SignedSender,
    message_event,
)

SECRET_WORD = "пиздец"
CLEAN = "Добрый день! Макет готов, посмотрите, пожалуйста."
SHARED = "CSHARED"  # a Slack Connect channel no config mentions: a client chat by default
TEXTS = load_texts()


def agency(**overrides: Any) -> dict[str, Any]:
    """The agency of these tests: one admin with a Slack id; workspace members are staff."""
    data: dict[str, Any] = {
        "clients": [{"name": "Ромашка"}],
        "staff": [{"name": "Анна", "slack_id": "UADMIN", "admin": True}],
    }
    return data | overrides


async def deliver_event(
    fake: FakeSlack, sender: SignedSender | None, body: dict[str, Any], retry: int = 0
) -> None:
    """Deliver an Events API body: signed over HTTP when there is a sender, else Socket Mode."""
    if sender is not None:
        status, _ = await sender.event(body, retry=retry)
        assert status == 200
    else:
        await fake.push("events_api", body, retry)


@dataclass
class Bot:
    """The running adapter, and how Slack delivers to it in this mode."""

    mode: str
    fake: FakeSlack
    adapter: SlackAdapter
    store: RedisStore
    sender: SignedSender | None = None
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(100))
    _sentinels: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    async def event(self, body: dict[str, Any], retry: int = 0) -> None:
        await deliver_event(self.fake, self.sender, body, retry)

    async def command(self, form: dict[str, str]) -> None:
        if self.sender is not None:
            started = time.monotonic()
            status, _ = await self.sender.command(form)
            assert status == 200
            assert time.monotonic() - started < 3.0  # Slack's deadline for the ack
        else:
            await self.fake.push("slash_commands", form)

    async def action(self, payload: dict[str, Any]) -> None:
        if self.sender is not None:
            status, _ = await self.sender.action(payload)
            assert status == 200
        else:
            await self.fake.push("interactive", payload)

    async def settle(self) -> None:
        """Send a rude message from a fresh colleague elsewhere and wait for its nudge, so that
        every delivery before it has been handled: a bounded wait for «nothing happened»."""
        n = next(self._sentinels)
        before = len(self.fake.sent("chat.postEphemeral"))
        user, event_id = f"USENTINEL{n}", f"EvSentinel{n}"
        body = message_event(
            event_id=event_id, channel="CSENTINEL", user=user, text=RUDE, ts=self.ts()
        )
        await self.event(body)
        calls = await self.fake.wait_for("chat.postEphemeral", before + 1)
        assert calls[-1]["user"] == user
        await asyncio.sleep(0.05)

    def nudges(self, channel: str = SHARED) -> list[dict[str, Any]]:
        return [p for p in self.fake.sent("chat.postEphemeral") if p["channel"] == channel]

    def posts(self, channel: str) -> list[dict[str, Any]]:
        return [p for p in self.fake.sent("chat.postMessage") if p["channel"] == channel]


Start = Callable[..., Awaitable[Bot]]


class SlackBots:
    """Starts adapters on one local Slack in one mode, and stops them all afterwards."""

    def __init__(self, fake: FakeSlack, checker: Checker, mode: str) -> None:
        self.fake, self.checker, self.mode = fake, checker, mode
        self.running: list[Bot] = []

    def settings(self, language: str = "ru") -> Settings:
        """`kodeks run`'s settings for this mode, against the local Slack."""
        return Settings(
            _env_file=None,
            slack=SlackSettings(
                bot_token=BOT_TOKEN, app_token=APP_TOKEN, signing_secret=SIGNING_SECRET,
                mode=self.mode, api_url=f"{self.fake.url}/api/", host="127.0.0.1", port=0,
                language=language,
            ),  # type: ignore[arg-type]
        )  # fmt: skip

    async def start(self, language: str = "ru", **overrides: Any) -> Bot:
        """Start an adapter for an agency with `overrides`, for a workspace in `language`;
        ready once this returns."""
        store = embedded_store()
        router = PlatformRouter()
        config = AgencyConfig.model_validate(agency(**overrides))
        core = build_core(
            config=config, checker=self.checker, store=store, ports=router.as_ports(),
            texts=TEXTS,
        )  # fmt: skip
        adapter = build_adapter(self.settings(language), core)
        router.register(adapter.platform, adapter.ports)
        bot = Bot(self.mode, self.fake, adapter, store)
        self.running.append(bot)
        await asyncio.wait_for(adapter.start(), 5)
        if self.mode == "http":
            bot.sender = SignedSender(f"http://127.0.0.1:{adapter.http_port}/slack/events")
        return bot

    async def stop(self) -> None:
        """Stop every adapter started, and close their stores."""
        for bot in self.running:
            await bot.adapter.stop()
            await bot.store.close()
