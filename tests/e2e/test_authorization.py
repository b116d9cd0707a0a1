"""Authorization over every path: `/stats` and chat binding are for admins only.

The Telegram adapter (the real aiogram stack against the Bot API emulator) and the Slack adapter
(the real Bolt app against the local Slack, over HTTP and Socket Mode) are each asked by a
client, by a non-admin staff member and by look-alikes; each refuses, binds nothing and shows no
statistics. `Commands` on its own: `tests/bot/pipeline/test_authorization.py`.
"""

from __future__ import annotations

from typing import Any

from bot.texts import load_texts
from tests.support.slack import slash_command
from tests.support.slack_bot import Start
from tests.support.telegram import private
from tests.support.telegram_bot import (
    ANNA,
    BORIS,
    CLIENT,
    CLIENT_GROUP,
    COUNTERPART,
    INTERNAL_GROUP,
    Running,
    assert_nothing_public,
)

TEXTS = load_texts()
STATS_REFUSED = TEXTS.render("ru", "stats-refused")
ADMIN_ONLY = TEXTS.render("ru", "admin-only")
STATS_HEADER = TEXTS.render("ru", "stats-header", weeks=4)


# --- Telegram, end to end -----------------------------------------------------------------------


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
