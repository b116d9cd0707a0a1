"""The Telegram end-to-end harness: a bot built through `kodeks run`'s wiring on the embedded
store, the people who talk to it, and what the tests assert at the wire."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from adapters.cli.compose import platform_adapters
from bot.core import Core, build_core
from bot.domain.config import load_config
from bot.domain.ports import PlatformRouter
from bot.ops.settings import Settings, TelegramSettings
from rules import Checker
from tests.support.bots import embedded_store
from tests.support.telegram import Emulator, Face, group, user

RUDE_WORD = "пиздец"
CLIENT_GROUP = group(-100777, "Ромашка × агентство")
INTERNAL_GROUP = group(-100888, "Агентство")
ANNA = user(1001, "Анна")  # admin
BORIS = user(1002, "Борис")  # staff
CLIENT = user(2001, "Клиент")
COUNTERPART = user(3001, "Лисичкин")  # talks to Boris through Telegram Business
SECRET = "s3cret-token_1"

AGENCY = """
[[clients]]
name = "Ромашка"
[[clients]]
name = "Лисичкин"
[[chats]]
platform = "telegram"
id = -100777
kind = "client"
client = "Ромашка"
[[chats]]
platform = "telegram"
id = -100888
kind = "internal"
[[staff]]
name = "Анна"
telegram_id = 1001
admin = true
[[staff]]
name = "Борис"
telegram_id = 1002
[[business_counterparts]]
telegram_id = 3001
client = "Лисичкин"
[policy]
nudge_window_minutes = 0
"""

_bot_ids = itertools.count(700001)


@dataclass
class Running:
    """A bot running through `kodeks run`'s wiring, and the people talking to it."""

    face: Face
    core: Core
    task: asyncio.Task[None]


async def start_bot(
    emulator: Emulator, checker: Checker, tmp_path: Path, mode: str, agency_toml: str = AGENCY,
    **me: Any,
) -> AsyncIterator[Running]:  # fmt: skip
    """Build the core on the embedded store and the Telegram adapter from settings; run it."""
    token = f"{next(_bot_ids)}:TEST-token"
    agency = tmp_path / "agency.toml"
    agency.write_text(agency_toml, encoding="utf-8")
    tg = TelegramSettings(
        token=token, mode=mode, api_server=emulator.url, webhook_secret=SECRET, webhook_port=0
    )  # type: ignore[arg-type]
    settings = Settings(config=agency, telegram=tg)
    config = load_config(settings.config)
    store = embedded_store()
    router = PlatformRouter()
    core = build_core(config=config, checker=checker, store=store, ports=router.as_ports())
    async with aiohttp.ClientSession() as http:
        face = Face(http, emulator.url, token)
        if me:
            await face.post("/_test/getMe", **me)
        (adapter,) = platform_adapters(settings, core, router)
        task = asyncio.create_task(adapter.run())
        ready = asyncio.create_task(adapter.ready.wait())  # type: ignore[attr-defined]
        await asyncio.wait({task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            ready.cancel()
            task.cancel()
            raise AssertionError(f"the bot did not start: {task}")
        try:
            if mode == "polling":
                # `ready` is set just before aiogram starts polling (getMe, then the first
                # getUpdates): a test's first two updates reached the bot in one answer when both
                # were posted before that poll, else one by one, as the two raced. Once the first
                # long poll waits, the first update posted is answered at once, on its own; a
                # test that wants several in one answer posts them together (/_test/rawUpdates).
                await face.wait_until(lambda calls: calls, method="getUpdates", timeout=10)
            yield Running(face, core, task)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, 5)
            await store.close()


async def assert_nothing_public(face: Face) -> None:
    """Nothing went to a group or a Business chat, and no call used a Business connection."""
    for call in await face.calls():
        assert "business_connection_id" not in call, call
        chat = call.get("chat_id")
        if chat is not None:
            assert int(chat) > 0, f"the bot wrote to a group: {call}"
            assert int(chat) != COUNTERPART["id"], f"the bot wrote into a Business chat: {call}"


def no_text_logged(caplog: pytest.LogCaptureFixture, *words: str) -> None:
    """No record at INFO or above carries a message's words."""
    for record in caplog.records:
        if record.levelno >= logging.INFO:
            line = record.getMessage()
            assert not any(w in line for w in words), line
