"""The Slack adapter end to end: the real Bolt app, in HTTP mode and in Socket Mode, against a
local Slack (`slack_fake.py`), asserting on what Slack's Web API received."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from pathlib import Path

import pytest

from adapters.cli.compose import connect_core, platform_adapters
from adapters.slack.adapter import SlackAdapter
from bot.domain.ports import PlatformRouter
from bot.ops.settings import Settings, SlackSettings
from tests.support.bots import RUDE
from tests.support.slack import (
    APP_TOKEN,
    BOT_ID,
    BOT_TOKEN,
    BOT_USER,
    SIGNING_SECRET,
    FakeSlack,
    SignedSender,
    button_press,
    edited_event,
    message_event,
    slash_command,
)
from tests.support.slack_bot import CLEAN, SECRET_WORD, SHARED, TEXTS, Bot, Start


async def test_rude_message_in_slack_connect_channel_nudges_only_its_author(
    start: Start, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    bot = await start()
    body = message_event(
        event_id="Ev1", channel=SHARED, user="UANNA", text=RUDE, ts=bot.ts(), shared=True
    )
    await bot.event(body)
    [nudge] = await bot.fake.wait_for("chat.postEphemeral")
    assert nudge["user"] == "UANNA"
    assert nudge["channel"] == SHARED
    assert "thread_ts" not in nudge
    [button] = nudge["blocks"][1]["elements"]
    assert button["action_id"] == "kodeks_feedback"
    assert button["text"]["text"] == TEXTS.render("ru", "feedback-button")
    await bot.settle()
    assert len(bot.nudges()) == 1
    assert bot.posts(SHARED) == []
    info = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert info, "the adapter and pipeline log ids at INFO"
    assert not [line for line in info if SECRET_WORD in line or "макет" in line]


async def test_the_same_words_from_a_client_bots_or_itself_are_never_judged(start: Start) -> None:
    bot = await start()
    external = message_event(
        event_id="Ev1", channel=SHARED, user="UCLIENT", text=RUDE, ts=bot.ts(),
        user_team="TCLIENT", shared=True,
    )  # fmt: skip
    other_bot = message_event(
        event_id="Ev2", channel=SHARED, user="UOTHERBOT", text=RUDE, ts=bot.ts(), shared=True,
        subtype="bot_message", bot_id="BOTHER",
    )  # fmt: skip
    itself = message_event(
        event_id="Ev3", channel=SHARED, user=BOT_USER, text=RUDE, ts=bot.ts(), bot_id=BOT_ID
    )
    for body in (external, other_bot, itself):
        await bot.event(body)
    await bot.settle()
    assert bot.nudges() == []
    assert bot.fake.sent("chat.postMessage") == []
    assert bot.fake.sent("conversations.open") == []


async def test_an_edit_that_makes_a_message_rude_is_checked_again_once(start: Start) -> None:
    bot = await start()
    ts = bot.ts()
    original = message_event(
        event_id="Ev1", channel=SHARED, user="UANNA", text=CLEAN, ts=ts, shared=True
    )
    await bot.event(original)
    edit = edited_event(
        event_id="Ev2", channel=SHARED, user="UANNA", ts=ts, old=CLEAN, new=RUDE, shared=True
    )
    await bot.event(edit)
    [nudge] = await bot.fake.wait_for("chat.postEphemeral")
    assert nudge["user"] == "UANNA"
    # Slack sends message_changed again for unfurls: same words, new event id, no new nudge.
    again = edited_event(
        event_id="Ev3", channel=SHARED, user="UANNA", ts=ts, old=RUDE, new=RUDE, shared=True
    )
    await bot.event(again)
    await bot.settle()
    assert len(bot.nudges()) == 1


async def test_a_retried_delivery_nudges_once(start: Start) -> None:
    bot = await start()
    body = message_event(
        event_id="Ev1", channel=SHARED, user="UANNA", text=RUDE, ts=bot.ts(), shared=True
    )
    await bot.event(body)
    await bot.event(body, retry=1)
    await bot.event(body, retry=2)
    await bot.fake.wait_for("chat.postEphemeral")
    await bot.settle()
    assert len(bot.nudges()) == 1


async def test_a_message_in_a_thread_is_nudged_in_that_thread(start: Start) -> None:
    bot = await start()
    parent = bot.ts()
    body = message_event(
        event_id="Ev1", channel=SHARED, user="UANNA", text=RUDE, ts=bot.ts(), shared=True,
        thread_ts=parent, subtype="file_share", files=[{"id": "F1", "name": "mockup.png"}],
    )  # fmt: skip
    await bot.event(body)
    [nudge] = await bot.fake.wait_for("chat.postEphemeral")
    assert nudge["thread_ts"] == parent
    assert nudge["user"] == "UANNA"


async def test_a_refused_ephemeral_falls_back_to_a_dm(start: Start) -> None:
    bot = await start()
    bot.fake.script("chat.postEphemeral", {"ok": False, "error": "user_not_in_channel"})
    body = message_event(
        event_id="Ev1", channel=SHARED, user="UANNA", text=RUDE, ts=bot.ts(), shared=True
    )
    await bot.event(body)
    [opened] = await bot.fake.wait_for("conversations.open")
    assert opened["users"] == "UANNA"
    [dm] = await bot.fake.wait_for("chat.postMessage")
    assert dm["channel"] == "DUANNA"
    assert dm["blocks"][1]["elements"][0]["action_id"] == "kodeks_feedback"
    assert bot.posts(SHARED) == []


async def test_slash_code_lists_the_clauses_and_prints_one(start: Start) -> None:
    bot = await start()
    await bot.command(slash_command(bot.fake, "/code", "", "UANNA", "r1"))
    [listing] = await bot.fake.wait_for_responses(1)
    assert listing["response_type"] == "ephemeral"
    assert listing["text"].startswith(TEXTS.render("ru", "code-list-header"))
    await bot.command(slash_command(bot.fake, "/code", "5", "UANNA", "r2"))
    clause = (await bot.fake.wait_for_responses(2))[1]
    assert clause["id"] == "r2"
    assert clause["response_type"] == "ephemeral"
    five = bot.adapter.commands.ruleset.clause(5)
    assert five is not None
    expected = TEXTS.render("ru", "code-clause", number=5, title=five.title, text=five.text)
    assert clause["text"] == expected
    assert bot.fake.sent("chat.postMessage") == []


async def test_code_help_lists_slacks_own_commands_only(start: Start) -> None:
    bot = await start()
    await bot.command(slash_command(bot.fake, "/code", "help", "UANNA", "r1"))
    [help_] = await bot.fake.wait_for_responses(1)
    assert help_["response_type"] == "ephemeral"
    lines = help_["text"].splitlines()
    assert [line.split(" — ")[0] for line in lines] == [
        "/code", "/code N", "/check ТЕКСТ", "/code stats", "/code help",
    ]  # fmt: skip
    assert "/stats" not in help_["text"].replace("/code stats", "")
    assert "/bind" not in help_["text"] and "/start" not in help_["text"]
    await bot.command(slash_command(bot.fake, "/check", "", "UANNA", "r2"))
    empty = (await bot.fake.wait_for_responses(2))[1]
    assert empty["text"] == "Пришлите текст: /check ТЕКСТ."  # no replies to reply /check to


async def test_an_english_workspace_reads_english_titles_and_help(start: Start) -> None:
    bot = await start(language="en")
    await bot.command(slash_command(bot.fake, "/code", "", "UANNA", "r1"))
    await bot.command(slash_command(bot.fake, "/code", "help", "UANNA", "r2"))
    listing, help_ = sorted(await bot.fake.wait_for_responses(2), key=lambda r: r["id"])
    assert "6. No rudeness" in listing["text"]
    assert not re.search("[а-яё]", listing["text"], re.IGNORECASE)
    assert "/code stats shows statistics (admins)" in help_["text"]
    assert "/bind" not in help_["text"]


async def test_slash_check_answers_privately_and_logs_no_text(
    start: Start, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    bot = await start()
    await bot.command(slash_command(bot.fake, "/check", RUDE, "UANNA", "r1"))
    [answer] = await bot.fake.wait_for_responses(1)
    assert answer["response_type"] == "ephemeral"
    assert SECRET_WORD in answer["text"]
    assert answer["text"] != TEXTS.render("ru", "check-clean")
    assert not [
        r for r in caplog.records if r.levelno >= logging.INFO and SECRET_WORD in r.getMessage()
    ]


async def test_stats_are_for_admins_only(start: Start) -> None:
    bot = await start()
    await bot.command(slash_command(bot.fake, "/code", "stats", "UANNA", "r1"))
    await bot.command(slash_command(bot.fake, "/code", "stats", "UADMIN", "r2"))
    refused, stats = await bot.fake.wait_for_responses(2)
    assert refused["text"] == TEXTS.render("ru", "stats-refused")
    assert stats["text"].startswith(TEXTS.render("ru", "stats-header", weeks=4))


async def test_the_feedback_button_records_once(start: Start) -> None:
    bot = await start()
    body = message_event(
        event_id="Ev1", channel=SHARED, user="UANNA", text=RUDE, ts=bot.ts(), shared=True
    )
    await bot.event(body)
    [nudge] = await bot.fake.wait_for("chat.postEphemeral")
    value = nudge["blocks"][1]["elements"][0]["value"]
    await bot.action(button_press(bot.fake, "UANNA", value, "r1"))
    [thanks] = await bot.fake.wait_for_responses(1)
    assert thanks["response_type"] == "ephemeral"
    assert thanks["text"].startswith(TEXTS.render("ru", "feedback-thanks", rule="X").split("X")[0])
    assert sum((await bot.store.feedback_counts()).values()) == 1
    await bot.action(button_press(bot.fake, "UANNA", value, "r2"))
    again = (await bot.fake.wait_for_responses(2))[1]
    assert again["text"] == TEXTS.render("ru", "feedback-unknown")
    assert sum((await bot.store.feedback_counts()).values()) == 1


async def test_escalations_go_to_the_compliance_channel(start: Start) -> None:
    bot = await start(policy={"escalate_from": 1}, compliance={"slack_channel": "CCOMPLIANCE"})
    body = message_event(
        event_id="Ev1", channel=SHARED, user="UANNA", text=RUDE, ts=bot.ts(), shared=True
    )
    await bot.event(body)
    [summary] = await bot.fake.wait_for("chat.postMessage")
    assert summary["channel"] == "CCOMPLIANCE"
    assert "сотрудник <@UANNA> (slack)" in summary["text"]
    assert "Последнее — в чате <#CSHARED>." in summary["text"]
    assert "п. 6 «Без грубости»" in summary["text"]
    assert SECRET_WORD not in summary["text"]
    assert bot.posts(SHARED) == []


async def test_an_english_workspace_escalates_in_english_with_mentions(start: Start) -> None:
    bot = await start(
        language="en", policy={"escalate_from": 1},
        compliance={"slack_channel": "CCOMPLIANCE", "include_text": True},
    )  # fmt: skip
    body = message_event(
        event_id="Ev1", channel=SHARED, user="UANNA", text="you are an idiot, send the brief",
        ts=bot.ts(), shared=True,
    )  # fmt: skip
    await bot.event(body)
    [summary] = await bot.fake.wait_for("chat.postMessage")
    assert summary["text"].startswith("Code of conduct escalation: <@UANNA> (slack) has 1 warning")
    assert "clause 6 (No rudeness)" in summary["text"]
    assert "in chat <#CSHARED>." in summary["text"]
    assert "Words: " in summary["text"] and "idiot" in summary["text"]


async def test_escalations_without_a_channel_go_to_each_admin(start: Start) -> None:
    bot = await start(policy={"escalate_from": 1})
    body = message_event(
        event_id="Ev1", channel=SHARED, user="UANNA", text=RUDE, ts=bot.ts(), shared=True
    )
    await bot.event(body)
    [summary] = await bot.fake.wait_for("chat.postMessage")
    assert summary["channel"] == "DUADMIN"
    assert [p["users"] for p in bot.fake.sent("conversations.open")] == ["UADMIN"]


async def test_a_malformed_event_is_counted_and_skipped(start: Start) -> None:
    bot = await start()
    body = message_event(
        event_id="Ev1", channel=SHARED, user="UANNA", text=RUDE, ts="", shared=True
    )
    await bot.event(body)
    await bot.settle()
    assert bot.adapter.malformed == 1
    assert bot.nudges() == []


@pytest.mark.parametrize("mode", ["http"], indirect=True)
async def test_a_bad_signature_is_refused_with_401(start: Start) -> None:
    bot = await start()
    assert bot.sender is not None
    body = message_event(
        event_id="Ev1", channel=SHARED, user="UANNA", text=RUDE, ts=bot.ts(), shared=True
    )
    status, _ = await bot.sender.event(body, secret="not-the-signing-secret")
    assert status == 401
    status, _ = await bot.sender.event(body, ts=int(time.time()) - 600)  # replayed later
    assert status == 401
    await bot.settle()
    assert bot.nudges() == []


@pytest.mark.parametrize("mode", ["socket"], indirect=True)
async def test_429_is_retried_after_retry_after(start: Start) -> None:
    bot = await start()
    bot.fake.script(
        "chat.postEphemeral", {"ok": False, "error": "ratelimited"}, 429, **{"Retry-After": "0"}
    )
    body = message_event(
        event_id="Ev1", channel=SHARED, user="UANNA", text=RUDE, ts=bot.ts(), shared=True
    )
    await bot.event(body)
    calls = await bot.fake.wait_for("chat.postEphemeral", 2)
    assert [c["user"] for c in calls] == ["UANNA", "UANNA"]
    assert bot.fake.sent("conversations.open") == []


@pytest.mark.parametrize("mode", ["http"], indirect=True)
async def test_url_verification_answers_the_challenge(start: Start) -> None:
    bot = await start()
    assert bot.sender is not None
    body = {"token": "legacy", "challenge": "chal-123", "type": "url_verification"}
    status, text = await bot.sender.event(body)
    assert (status, json.loads(text)) == (200, {"challenge": "chal-123"})


async def test_kodeks_run_wires_slack_and_stops_when_cancelled(
    fake: FakeSlack, mode: str, tmp_path: Path
) -> None:
    config = tmp_path / "agency.toml"
    config.write_text('[[clients]]\nname = "Ромашка"\n', encoding="utf-8")
    settings = Settings(
        _env_file=None, config=config,
        slack=SlackSettings(
            bot_token=BOT_TOKEN, app_token=APP_TOKEN, signing_secret=SIGNING_SECRET, mode=mode,
            api_url=f"{fake.url}/api", host="127.0.0.1", port=0,
        ),
    )  # fmt: skip
    router = PlatformRouter()
    core = await connect_core(settings, router)
    [adapter] = platform_adapters(settings, core, router)
    assert isinstance(adapter, SlackAdapter)
    task = asyncio.create_task(adapter.run())
    try:
        bot = Bot(mode, fake, adapter, core.store)
        if mode == "http":
            for _ in range(100):
                if adapter.http_port:
                    break
                await asyncio.sleep(0.02)
            bot.sender = SignedSender(f"http://127.0.0.1:{adapter.http_port}/slack/events")
        body = message_event(
            event_id="Ev1", channel=SHARED, user="UANNA", text=RUDE, ts=bot.ts(), shared=True
        )
        await bot.event(body)
        [nudge] = await fake.wait_for("chat.postEphemeral")
        assert nudge["user"] == "UANNA"
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 5)
        await core.store.close()
