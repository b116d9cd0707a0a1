"""The Telegram adapter end to end: the real aiogram stack (HTTP session, long polling or the
webhook server, parsing, filters, handlers) against the Bot API emulator, built through the
composition root, asserting at the wire on every call the emulator received."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest

from bot.texts import load_texts
from rules import Checker
from tests.support.bots import RUDE
from tests.support.telegram import QUIET_S, Emulator, group, private, user
from tests.support.telegram_bot import (
    AGENCY,
    ANNA,
    BORIS,
    CLIENT,
    CLIENT_GROUP,
    COUNTERPART,
    INTERNAL_GROUP,
    RUDE_WORD,
    SECRET,
    Running,
    assert_nothing_public,
    no_text_logged,
    start_bot,
)

TEXTS = load_texts()


def texts(calls: list[dict[str, Any]]) -> list[str]:
    return [c["text"] for c in calls]


# --- Groups ------------------------------------------------------------------------------------


async def test_rude_message_in_a_client_group_is_nudged_in_private(
    bot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await bot.face.say(BORIS, CLIENT_GROUP, RUDE)
    (nudge,) = await bot.face.wait_for(BORIS["id"])
    assert "п. 6" in nudge["text"]
    assert f"«{RUDE_WORD}»" in nudge["text"]
    (button,) = nudge["reply_markup"]["inline_keyboard"][0]
    assert button["text"] == "Это не нарушение"
    assert button["callback_data"].startswith("nf:")
    await assert_nothing_public(bot.face)
    no_text_logged(caplog, RUDE, "макет")


async def test_the_same_words_from_a_client_are_not_judged(bot: Running) -> None:
    await bot.face.say(CLIENT, CLIENT_GROUP, RUDE)
    await bot.face.say(BORIS, CLIENT_GROUP, RUDE)  # a marker: handled after the client's
    await bot.face.wait_for(BORIS["id"])
    await asyncio.sleep(QUIET_S)
    assert await bot.face.sent_to(CLIENT["id"]) == []
    assert len(await bot.face.sent()) == 1


async def test_an_edited_message_is_checked_again(bot: Running) -> None:
    sent = await bot.face.say(BORIS, CLIENT_GROUP, "Добрый день, макет готов")
    edited = sent["message"] | {"text": RUDE, "edit_date": sent["message"]["date"] + 5}
    await bot.face.update({"edited_message": edited})
    (nudge,) = await bot.face.wait_for(BORIS["id"])
    assert "п. 6" in nudge["text"]
    await assert_nothing_public(bot.face)


async def test_a_caption_is_checked(bot: Running) -> None:
    photo = [{"file_id": "f1", "file_unique_id": "u1", "width": 10, "height": 10}]
    message = bot.face.message(BORIS, CLIENT_GROUP, "", photo=photo, caption=RUDE)
    del message["text"]
    await bot.face.update({"message": message})
    await bot.face.wait_for(BORIS["id"])


async def test_the_same_update_delivered_twice_nudges_once(bot: Running) -> None:
    update = {"update_id": 990001, "message": bot.face.message(BORIS, CLIENT_GROUP, RUDE)}
    await bot.face.update(update)
    await bot.face.update(update)
    await bot.face.wait_for(BORIS["id"])
    await asyncio.sleep(QUIET_S)
    assert len(await bot.face.sent_to(BORIS["id"])) == 1


# --- Telegram Business ------------------------------------------------------------------------


async def test_a_business_message_is_nudged_in_the_employees_private_chat(bot: Running) -> None:
    chat = private(COUNTERPART)
    await bot.face.update({
        "business_connection": {
            "id": "bc-1", "user": BORIS, "user_chat_id": BORIS["id"], "date": 1, "is_enabled": True,
        }
    })  # fmt: skip
    await bot.face.say(COUNTERPART, chat, RUDE, "business_message", business_connection_id="bc-1")
    await bot.face.say(BORIS, chat, RUDE, "business_message", business_connection_id="bc-1")
    (nudge,) = await bot.face.wait_for(BORIS["id"])
    assert "п. 6" in nudge["text"]
    await bot.face.say(
        BORIS, chat, "Ты че, совсем?", "edited_business_message", business_connection_id="bc-1"
    )
    await bot.face.wait_for(BORIS["id"], count=2)
    await asyncio.sleep(QUIET_S)
    assert len(await bot.face.sent()) == 2  # nothing for the counterpart's own words
    await assert_nothing_public(bot.face)


# --- Delivery ---------------------------------------------------------------------------------


async def test_a_nudge_held_after_403_arrives_on_start(bot: Running) -> None:
    face = bot.face
    await face.post("/_test/block", chatId=BORIS["id"])
    await face.say(BORIS, CLIENT_GROUP, RUDE)
    await face.wait_until(
        lambda calls: [c for c in calls if c.get("chat_id") == str(BORIS["id"])]
    )  # the attempt reached the wire and was refused
    await asyncio.sleep(QUIET_S)
    assert await face.sent_to(CLIENT_GROUP["id"]) == []
    await face.post("/_test/unblock", chatId=BORIS["id"])
    await face.command(BORIS, private(BORIS), "/start")
    replies = await face.wait_for(BORIS["id"], count=4)  # the refused one, then three replies
    assert "kodeks" in replies[1]["text"]
    assert "1 подсказку" in replies[2]["text"]
    assert "п. 6" in replies[3]["text"]
    (button,) = replies[3]["reply_markup"]["inline_keyboard"][0]
    assert button["text"] == "Это не нарушение"
    assert (
        button["callback_data"]
        == replies[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    )  # the refused nudge's own token, kept with it
    assert all("reply_markup" not in r for r in replies[1:3])  # greeting and intro: no button
    query = {
        "id": "cb-held", "from": BORIS, "chat_instance": "ci-1", "data": button["callback_data"],
        "message": face.message(user(700000, "Bot"), private(BORIS), replies[3]["text"]),
    }  # fmt: skip
    await face.update({"callback_query": query})
    (answer,) = await face.wait_until(lambda c: c, method="answerCallbackQuery")
    assert "rude-mat-pizd" in answer["text"]
    assert await bot.core.store.feedback_counts() == {"rude-mat-pizd": 1}
    await assert_nothing_public(face)


async def test_retry_after_is_honoured(bot: Running) -> None:
    await bot.face.post("/_test/retryAfter", chatId=BORIS["id"], seconds=1, times=1)
    await bot.face.say(BORIS, CLIENT_GROUP, RUDE)
    calls = await bot.face.wait_for(BORIS["id"], count=2)  # the 429, then the retry
    assert calls[0]["text"] == calls[1]["text"]


async def test_the_feedback_button_records_feedback(bot: Running) -> None:
    await bot.face.say(BORIS, CLIENT_GROUP, RUDE)
    (nudge,) = await bot.face.wait_for(BORIS["id"])
    data = nudge["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    shown = bot.face.message(user(700000, "Bot"), private(BORIS), nudge["text"])
    shown["from"]["is_bot"] = True
    query = {"id": "cb-1", "from": BORIS, "chat_instance": "ci-1", "data": data, "message": shown}
    await bot.face.update({"callback_query": query})
    (answer,) = await bot.face.wait_until(lambda c: c, method="answerCallbackQuery")
    assert answer["callback_query_id"] == "cb-1"
    assert "rude-mat-pizd" in answer["text"]
    assert await bot.core.store.feedback_counts() == {"rude-mat-pizd": 1}


@pytest.mark.parametrize("compliance_chat", [None, -100555])
async def test_escalations_go_to_the_compliance_chat_or_else_to_the_admins(
    emulator: Emulator, checker: Checker, tmp_path: Path, compliance_chat: int | None
) -> None:
    policy = "nudge_window_minutes = 0\nreminder_from = 1\nescalate_from = 1"
    agency = AGENCY.replace("nudge_window_minutes = 0", policy)
    if compliance_chat is not None:
        agency += f"[compliance]\ntelegram_chat = {compliance_chat}\n"
    async for bot in start_bot(emulator, checker, tmp_path, "polling", agency):
        await bot.face.say(BORIS, CLIENT_GROUP, RUDE)
        await bot.face.wait_for(BORIS["id"])
        (escalation,) = await bot.face.wait_for(compliance_chat or ANNA["id"])
        assert escalation["parse_mode"] == "HTML"
        assert '<a href="tg://user?id=1002">Борис</a>' in escalation["text"]
        assert "в чате <b>Ромашка × агентство</b> (<code>-100777</code>)" in escalation["text"]
        assert "п. 6 «Без грубости»" in escalation["text"]
        assert RUDE_WORD not in escalation["text"]  # words only when include_text is set
        await asyncio.sleep(QUIET_S)
        assert len(await bot.face.sent()) == 2


async def test_an_escalation_escapes_the_chat_title_for_telegrams_html(
    emulator: Emulator, checker: Checker, tmp_path: Path
) -> None:
    agency = AGENCY.replace(
        "nudge_window_minutes = 0", "nudge_window_minutes = 0\nescalate_from = 1"
    )
    async for bot in start_bot(emulator, checker, tmp_path, "polling", agency):
        renamed = group(-100777, "<i>Ромашка</i> & Co")
        await bot.face.say(BORIS, renamed, RUDE)
        (escalation,) = await bot.face.wait_for(ANNA["id"])
        assert "<b>&lt;i&gt;Ромашка&lt;/i&gt; &amp; Co</b>" in escalation["text"]
        assert "<i>" not in escalation["text"]
        assert RUDE not in escalation["text"]


# --- Commands ---------------------------------------------------------------------------------


async def test_code_and_check_in_private(bot: Running) -> None:
    face, chat = bot.face, private(BORIS)
    await face.command(BORIS, chat, "/code")
    (listing,) = await face.wait_for(BORIS["id"])
    assert "1." in listing["text"]
    await face.command(BORIS, chat, "/code 5")
    clause = (await face.wait_for(BORIS["id"], count=2))[1]
    assert clause["text"].startswith("П. 5.")
    await face.command(BORIS, chat, f"/check {RUDE}")
    check = (await face.wait_for(BORIS["id"], count=3))[2]
    assert "п. 6" in check["text"].lower()
    draft = await face.say(BORIS, chat, "клиент тупой")
    await face.command(BORIS, chat, "/check", reply_to_message=draft["message"])
    replied = (await face.wait_for(BORIS["id"], count=4))[3]
    assert "п. 6" in replied["text"].lower()


async def test_a_command_in_a_group_is_answered_in_private(bot: Running) -> None:
    await bot.face.command(BORIS, CLIENT_GROUP, "/code@compliance_test_bot 5")
    seen, reply = await bot.face.wait_for(BORIS["id"], count=2)
    assert seen["text"] == TEXTS.render("ru", "command-seen")
    assert reply["text"].startswith("П. 5.")
    await assert_nothing_public(bot.face)


async def test_a_command_the_client_saw_is_judged_like_any_message(bot: Running) -> None:
    await bot.face.command(BORIS, CLIENT_GROUP, "/check ты чё, скинь макет")
    nudge, seen, checked = await bot.face.wait_for(BORIS["id"], count=3)
    assert "п. 3" in nudge["text"] and "«ты»" in nudge["text"]  # the nudge, with its button
    assert nudge["reply_markup"]["inline_keyboard"][0][0]["text"] == "Это не нарушение"
    assert seen["text"] == TEXTS.render("ru", "command-seen")
    assert checked["text"].startswith("Найдено ")
    assert (await bot.core.store.audit_entries(0))[0].clause == 3  # counted as a warning
    await assert_nothing_public(bot.face)


async def test_a_command_in_an_internal_group_brings_no_note_and_a_clients_none_at_all(
    bot: Running,
) -> None:
    await bot.face.command(CLIENT, CLIENT_GROUP, "/code 5")
    english = user(BORIS["id"], "Boris", "en")
    await bot.face.command(english, INTERNAL_GROUP, "/code 6")
    await bot.face.command(english, CLIENT_GROUP, "/code 6")
    replies = await bot.face.wait_for(BORIS["id"], count=3)
    # Handled concurrently, so in any order: two clauses, one note (the client chat's), in English.
    assert sorted(r["text"].split(".")[0] for r in replies) == [
        "Clause 6", "Clause 6",
        "The whole client chat saw that command: it went there as an ordinary message",
    ]  # fmt: skip
    assert all(r["text"].startswith("Clause 6. No rudeness\n") for r in replies if "6" in r["text"])
    await asyncio.sleep(QUIET_S)
    assert await bot.face.sent_to(CLIENT["id"]) == []
    await assert_nothing_public(bot.face)


async def test_stats_for_an_admin_and_a_refusal_for_anyone_else(bot: Running) -> None:
    await bot.face.say(BORIS, CLIENT_GROUP, RUDE)
    await bot.face.wait_for(BORIS["id"])
    await bot.face.command(ANNA, private(ANNA), "/stats")
    (stats,) = await bot.face.wait_for(ANNA["id"])
    assert "-100777" in stats["text"]
    await bot.face.command(BORIS, private(BORIS), "/stats")
    refusal = (await bot.face.wait_for(BORIS["id"], count=2))[1]
    assert refusal["text"] == "Статистика доступна только администраторам."


async def test_the_menu_is_for_private_chats_only_in_russian_and_english(bot: Running) -> None:
    calls = await bot.face.wait_until(lambda c: c, count=3, method="setMyCommands")
    assert {c.get("language_code") for c in calls} == {"ru", "en", None}
    for call in calls:
        assert '"all_private_chats"' in call["scope"]
        assert '"check"' in call["commands"]


# --- Chats and startup ------------------------------------------------------------------------


async def test_added_to_an_unknown_group_the_admins_are_told(bot: Running) -> None:
    unknown = group(-100999, "Новый чат")
    me = {"id": int(bot.face.token.split(":")[0]), "is_bot": True, "first_name": "Bot"}
    event = {
        "chat": unknown, "from": BORIS, "date": 1,
        "old_chat_member": {"status": "left", "user": me},
        "new_chat_member": {"status": "member", "user": me},
    }  # fmt: skip
    await bot.face.update({"my_chat_member": event})
    (note,) = await bot.face.wait_for(ANNA["id"])
    assert "-100999" in note["text"]
    await asyncio.sleep(QUIET_S)
    assert len(await bot.face.sent()) == 1  # nobody else, and nothing in the group


async def test_privacy_mode_is_reported_at_startup(
    emulator: Emulator, checker: Checker, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async for _ in start_bot(
        emulator, checker, tmp_path, "polling", can_read_all_group_messages=False
    ):
        errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
        assert any("privacy mode is on" in e and "@BotFather" in e for e in errors), errors


async def test_no_privacy_warning_when_the_bot_reads_groups(
    bot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    assert not [r for r in caplog.records if "privacy" in r.getMessage()]


# --- Webhook mode -----------------------------------------------------------------------------


async def test_webhook_mode_nudges_in_private(
    hooked: Running, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    (hook,) = await hooked.face.calls("setWebhook")
    assert hook["secret_token"] == SECRET
    await hooked.face.say(BORIS, CLIENT_GROUP, RUDE)
    (nudge,) = await hooked.face.wait_for(BORIS["id"])
    assert "п. 6" in nudge["text"]
    await hooked.face.command(BORIS, private(BORIS), "/code 5")
    await hooked.face.wait_for(BORIS["id"], count=2)
    await assert_nothing_public(hooked.face)
    no_text_logged(caplog, RUDE, "макет")


async def test_webhook_refuses_a_request_without_the_secret(hooked: Running) -> None:
    (hook,) = await hooked.face.calls("setWebhook")
    update = {"update_id": 1, "message": hooked.face.message(BORIS, CLIENT_GROUP, RUDE)}
    wrong = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
    async with hooked.face.http.post(hook["url"], json=update, headers=wrong) as response:
        assert response.status == 401
    async with hooked.face.http.post(hook["url"], json=update) as response:
        assert response.status == 401
    await asyncio.sleep(QUIET_S)
    assert await hooked.face.sent() == []
