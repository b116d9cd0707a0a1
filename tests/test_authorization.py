"""Authorization: `/stats` and chat binding are for admins only, over every path.

The platform-neutral `Commands`, the Telegram adapter (the real aiogram stack against the Bot API
emulator) and the Slack adapter (the real Bolt app against the local Slack, over HTTP and Socket
Mode) are each asked by a client (an external user), by a non-admin staff member, and by people
whose id only looks like an admin's; each refuses, binds nothing and shows no statistics.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.domain.config import AgencyConfig
from bot.domain.models import Platform
from bot.domain.ports import Ports
from bot.pipeline.commands import Command, Commands
from bot.pipeline.handle import Pipeline
from bot.store.redis_store import RedisStore
from bot.texts import load_texts
from rules import Checker
from tests.e2e import test_slack as slack_e2e
from tests.e2e.slack_fake import slash_command
from tests.e2e.telegram_support import Emulator, node_or_fail, private
from tests.e2e.test_slack import Start
from tests.e2e.test_telegram import (
    ANNA,
    BORIS,
    CLIENT,
    CLIENT_GROUP,
    COUNTERPART,
    INTERNAL_GROUP,
    Running,
    assert_nothing_public,
    start_bot,
)
from tests.fakes import RecordingCompliance, RecordingNotifier

TEXTS = load_texts()
STATS_REFUSED = TEXTS.render("ru", "stats-refused")
ADMIN_ONLY = TEXTS.render("ru", "admin-only")
STATS_HEADER = TEXTS.render("ru", "stats-header", weeks=4)


def agency(ids: str) -> AgencyConfig:
    return AgencyConfig.model_validate(
        {
            "clients": [{"name": "Ромашка"}],
            "chats": [
                {"platform": "telegram", "id": f"-100{ids}", "kind": "client", "client": "Ромашка"}
            ],
            "staff": [
                {
                    "name": "Анна",
                    "telegram_id": f"1{ids}",
                    "slack_id": f"UADMIN{ids}",
                    "admin": True,
                },
                {"name": "Борис", "telegram_id": f"2{ids}", "slack_id": f"USTAFF{ids}"},
            ],
        }
    )


@pytest.fixture
def commands(checker: Checker, store: RedisStore, ids: str) -> Commands:
    pipeline = Pipeline(
        checker=checker, config=agency(ids), store=store,
        ports=Ports(RecordingNotifier(), RecordingCompliance()), texts=load_texts(),
    )  # fmt: skip
    return Commands(pipeline)


def askers(ids: str) -> list[tuple[Platform, str]]:
    """Everyone who is not an admin on the platform they ask from."""
    return [
        (Platform.TELEGRAM, f"2{ids}"),  # staff, not an admin
        (Platform.SLACK, f"USTAFF{ids}"),
        (Platform.TELEGRAM, f"3{ids}"),  # a client: in no staff list
        (Platform.SLACK, f"UCLIENT{ids}"),
        (Platform.SLACK, f"1{ids}"),  # the admin's Telegram id, asked from Slack
        (Platform.TELEGRAM, f"UADMIN{ids}"),  # the admin's Slack id, asked from Telegram
        (Platform.TELEGRAM, ""),  # no id at all
        (Platform.SLACK, ""),
        (Platform.TELEGRAM, f" 1{ids}"),  # look-alikes of the admin's id
        (Platform.SLACK, f"uadmin{ids}"),
    ]


async def test_commands_refuse_stats_and_bind_to_everyone_but_admins(
    commands: Commands, ids: str
) -> None:
    chat = f"-100{ids}"
    for platform, user in askers(ids):
        stats = await commands.run(Command(platform, user, "stats"))
        assert stats == [STATS_REFUSED], (platform, user)
        for argument in (f"{chat} ignore", f"-200{ids} internal", f"{chat} client Ромашка"):
            bound = await commands.run(Command(platform, user, "bind", argument))
            assert bound == [ADMIN_ONLY], (platform, user, argument)
    for platform in Platform:
        for chat_id in (chat, f"-200{ids}"):
            assert await commands.pipeline.store.binding(platform.value, chat_id) is None


async def test_the_admin_may_on_either_platform(commands: Commands, ids: str) -> None:
    for platform, user in ((Platform.TELEGRAM, f"1{ids}"), (Platform.SLACK, f"UADMIN{ids}")):
        (stats,) = await commands.run(Command(platform, user, "stats"))
        assert stats.startswith(STATS_HEADER)
        await commands.run(Command(platform, user, "bind", f"-300{ids} ignore"))
        assert await commands.pipeline.store.binding(platform.value, f"-300{ids}") == (
            "ignore",
            None,
        )


# --- Telegram, end to end -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    emu = Emulator(node_or_fail()).start()
    yield emu
    emu.stop()


@pytest.fixture
async def bot(emulator: Emulator, checker: Checker, tmp_path: Path) -> AsyncIterator[Running]:
    async for running in start_bot(emulator, checker, tmp_path, "polling"):
        yield running


async def test_telegram_refuses_stats_and_bind_to_a_client_and_to_staff(bot: Running) -> None:
    face = bot.face
    await face.command(CLIENT, CLIENT_GROUP, "/stats")
    await face.command(CLIENT, CLIENT_GROUP, "/bind -100777 ignore")
    await face.command(CLIENT, private(CLIENT), "/bind -100888 client Ромашка")
    await face.command(BORIS, private(BORIS), "/stats")
    await face.command(BORIS, INTERNAL_GROUP, "/bind -100777 internal")
    await face.command(BORIS, private(BORIS), "/bind -100999 ignore")
    to_boris = await face.wait_for(BORIS["id"], count=3)  # sent after the client's: all handled
    to_client = await face.sent_to(CLIENT["id"])
    # In a group a client is not answered at all, not even privately; in private, refused.
    assert len(to_client) == 1
    for reply in to_client + to_boris:
        assert reply["text"] in (STATS_REFUSED, ADMIN_ONLY)
        assert "-100777" not in reply["text"]
    for chat in ("-100777", "-100888", "-100999"):
        assert await bot.core.store.binding("telegram", chat) is None
    await assert_nothing_public(face)


async def test_telegram_commands_in_a_business_chat_are_not_commands(bot: Running) -> None:
    """The client writes `/bind` into Boris's Business chat: a message to judge, never a bind."""
    chat = private(COUNTERPART)
    await face_say_business(bot, COUNTERPART, chat, "/bind 3001 ignore")
    await face_say_business(bot, COUNTERPART, chat, "/stats")
    await bot.face.command(ANNA, private(ANNA), "/help")  # the admin's answer marks «handled»
    await bot.face.wait_for(ANNA["id"])
    assert await bot.core.store.binding("telegram", "3001") is None
    assert not await bot.face.sent_to(COUNTERPART["id"])
    await assert_nothing_public(bot.face)


async def face_say_business(
    bot: Running, author: dict[str, Any], chat: dict[str, Any], text: str
) -> None:
    entity = {"type": "bot_command", "offset": 0, "length": len(text.split(maxsplit=1)[0])}
    await bot.face.say(
        author, chat, text, kind="business_message", business_connection_id="bc-boris",
        entities=[entity],
    )  # fmt: skip


# --- Slack, end to end (HTTP and Socket Mode) ---------------------------------------------------

# The Slack e2e fixtures: a fresh local Slack, both delivery modes, the adapter as `kodeks run`
# wires it.
fake = slack_e2e.fake
mode = slack_e2e.mode
start = slack_e2e.start


async def test_slack_refuses_stats_to_a_client_and_to_staff_and_has_no_bind(start: Start) -> None:
    bot = await start()
    asks = [
        ("UCLIENT", "stats"),  # an external user in the shared channel
        ("UANNA", "stats"),  # staff (a workspace member), not an admin
        ("UANNA", "  STATS  "),
        ("UCLIENT", "bind CSHARED ignore"),
        ("UADMIN", "bind CSHARED ignore"),  # Slack has no /bind: not even an admin binds here
    ]
    for n, (user, text) in enumerate(asks):
        await bot.command(slash_command(bot.fake, "/code", text, user, f"r{n}"))
    replies = await bot.fake.wait_for_responses(len(asks))
    by_id = {r["id"]: r for r in replies}
    for n in range(3):
        assert by_id[f"r{n}"]["text"] == STATS_REFUSED
    for n in (3, 4):
        assert not by_id[f"r{n}"]["text"].startswith(STATS_HEADER)
    for reply in replies:
        assert reply["response_type"] == "ephemeral"
    assert await bot.store.binding("slack", "CSHARED") is None
    assert bot.fake.sent("chat.postMessage") == []
