"""Commands, platform-neutral: /code, /check, /stats, /start and the feedback button."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.audit.trail import export_audit
from bot.core import Core
from bot.domain.config import AgencyConfig
from bot.domain.models import IncomingMessage, Nudge, Platform
from bot.pipeline.commands import CommandCall, Commands
from bot.store.records import Binding
from bot.store.redis_store import RedisStore
from rules import Checker, Label
from rules.learned import LabelModel, LearnedModel
from tests.support.bots import RUDE, agency, core_on


@pytest.fixture
def core(checker: Checker, store: RedisStore, ids: str) -> Core:
    return core_on(checker, AgencyConfig.model_validate(agency(ids)), store)


@pytest.fixture
def commands(core: Core) -> Commands:
    return core.commands


async def ask(commands: Commands, user: str, name: str, argument: str = "", **more: Any) -> str:
    replies = await commands.run(CommandCall(Platform.TELEGRAM, user, name, argument, **more))
    return "\n".join(r.text for r in replies)


async def test_code_lists_eleven_clauses(commands: Commands, ids: str) -> None:
    text = await ask(commands, f"2{ids}", "code")
    assert "1. Вежливость и учтивость" in text
    assert "11. " in text
    assert "12. " not in text


async def test_code_n_prints_the_clause_in_full(commands: Commands, ids: str) -> None:
    text = await ask(commands, f"2{ids}", "code", "5")
    assert text.startswith("П. 5.")
    assert "снисходительного тона" in text
    assert "Нет пункта" in await ask(commands, f"2{ids}", "code", "99")
    assert "Нет пункта" in await ask(commands, f"2{ids}", "code", "пять")


async def test_check_gives_findings_with_spans_and_better_wording(
    commands: Commands, ids: str
) -> None:
    text = await ask(commands, f"2{ids}", "check", "ты скинешь макет?")
    assert "«ты» (символы 0–2)" in text
    assert "Вы" in text
    assert "скинете" in text
    assert "не нашлось" in await ask(commands, f"2{ids}", "check", "Пришлите, пожалуйста, макет.")


async def test_check_answers_in_english_for_english_drafts(commands: Commands, ids: str) -> None:
    text = await ask(commands, f"2{ids}", "check", "as I already said, the file is attached")
    assert text.startswith("Found 1 issue:")


async def test_check_is_rate_limited(commands: Commands, ids: str) -> None:
    answers = [await ask(commands, f"2{ids}", "check", "текст") for _ in range(21)]
    assert "Слишком много проверок" not in answers[19]
    assert "Слишком много проверок" in answers[20]


async def test_stats_for_admins_only_and_without_texts(
    commands: Commands, core: Core, ids: str
) -> None:
    assert "только администраторам" in await ask(commands, f"2{ids}", "stats")

    message = IncomingMessage(
        platform=Platform.TELEGRAM, chat_id=f"-100{ids}", user_id=f"2{ids}", message_id="1",
        event_id=f"s{ids}", text=RUDE, sent_at=datetime.now(UTC),
    )  # fmt: skip
    await core.store.redis.delete(core.store.keys.audit)  # other tests' entries
    await core.pipeline.handle(message)
    text = await ask(commands, f"1{ids}", "stats")
    assert "п. 6:" in text
    assert f"telegram:-100{ids}" in text
    assert "пиздец" not in text


async def test_feedback_is_counted_once_per_nudge(commands: Commands, core: Core, ids: str) -> None:
    await core.store.remember_nudge(nudge(f"t{ids}", f"r-{ids}"))
    assert f"r-{ids}" in await commands.feedback(f"t{ids}", "ru")
    assert "устарела" in await commands.feedback(f"t{ids}", "ru")
    text = await ask(commands, f"1{ids}", "stats")
    assert f"по правилу r-{ids}: 1" in text


async def test_start_without_held_nudges_just_greets(commands: Commands, ids: str) -> None:
    replies = await commands.run(CommandCall(Platform.TELEGRAM, f"2{ids}", "start"))
    assert len(replies) == 1
    assert "kodeks" in replies[0].text


async def test_audit_export_has_ids_and_no_text(core: Core, ids: str) -> None:
    message = IncomingMessage(
        platform=Platform.TELEGRAM, chat_id=f"-100{ids}", user_id=f"2{ids}", message_id="7",
        event_id=f"x{ids}", text=RUDE, sent_at=datetime.now(UTC),
    )  # fmt: skip
    await core.pipeline.handle(message)
    out = io.StringIO()
    await export_audit("json", 1, out, core.store)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    mine = [r for r in rows if r["chat"] == f"-100{ids}"]
    assert mine[0]["clause"] == "6"
    assert mine[0]["user"] == f"2{ids}"
    assert "пиздец" not in out.getvalue()
    csv_out = io.StringIO()
    await export_audit("csv", 1, csv_out, core.store)
    assert csv_out.getvalue().startswith("id,ts,platform,chat,user,message,clause,label,rules")


async def test_admins_bind_chats_and_the_resolver_follows(
    commands: Commands, core: Core, ids: str
) -> None:
    chat = f"-777{ids}"
    refused = await ask(commands, f"2{ids}", "bind", f"{chat} internal")
    assert "только для администраторов" in refused
    assert "Формат" in await ask(commands, f"1{ids}", "bind", f"{chat} public")
    assert "нет в agency.toml" in await ask(
        commands, f"1{ids}", "bind", f"{chat} client Нет Такого"
    )
    assert "теперь client" in await ask(commands, f"1{ids}", "bind", f"{chat} client ромашка")
    assert await core.store.binding("telegram", chat) == Binding("client", "Ромашка")
    message = IncomingMessage(
        platform=Platform.TELEGRAM, chat_id=chat, user_id=f"2{ids}", message_id="1",
        event_id=f"b{ids}", text="у Лисичкина бюджет 5 млн " + RUDE, sent_at=datetime.now(UTC),
    )  # fmt: skip
    outcome = await core.pipeline.handle(message)
    assert outcome.warnings == 2  # bound to Ромашка: Лисичкин's budget is another client's
    await ask(commands, f"1{ids}", "bind", f"{chat} ignore")
    again = await core.pipeline.handle(
        IncomingMessage(
            platform=Platform.TELEGRAM,
            chat_id=chat,
            user_id=f"2{ids}",
            message_id="2",
            event_id=f"c{ids}",
            text=RUDE,
            sent_at=datetime.now(UTC),
        )
    )
    assert again.status.value == "ignored"


def nudge(token: str, rule_id: str) -> Nudge:
    """A nudge about clause 6, as a feedback button refers to it."""
    return Nudge(
        platform=Platform.TELEGRAM, user_id="2", chat_id="-100", message_id="1", clause=6,
        rule_id=rule_id, label="rudeness", words=("пиздец",), suggestion=None, step="gentle",
        token=token,
    )  # fmt: skip


async def test_issue_11_check_knows_the_chat_it_was_typed_in(commands: Commands, ids: str) -> None:
    leak = "Лисичкин в этом году урезал бюджет вдвое"
    assert "не нашлось" in await ask(commands, f"2{ids}", "check", leak)  # whose chat? unknown
    in_chat = await ask(commands, f"2{ids}", "check", leak, chat_id=f"-100{ids}")
    assert "п. 4" in in_chat and "Ромашка" in in_chat
    named = await ask(commands, f"2{ids}", "check", f"Ромашка: {leak}")
    assert "п. 4" in named
    internal = await ask(commands, f"2{ids}", "check", leak, chat_id=f"-200{ids}")
    assert "не нашлось" in internal  # an internal chat has no client of its own


async def test_check_shows_likely_findings_as_possible(commands: Commands, ids: str) -> None:
    # A learned layer of one weight: likely, not sure, so `/check` says «возможно» and a nudge
    # would not be sent.
    weights = {"w:больничный": 0.5}
    model = LearnedModel({Label.CONFIDENTIALITY: LabelModel(0.0, weights, sure=0.99, maybe=0.5)})
    checker = commands.checker.with_clients(commands.checker.clients.clients)
    checker.learned = model
    text = await ask(
        dataclasses.replace(commands, checker=checker), f"2{ids}", "check", "Денис на больничном"
    )
    assert "возможно, п. 4" in text and "«больничном»" in text


async def test_english_replies_give_the_english_clause_titles(commands: Commands, ids: str) -> None:
    listing = await ask(commands, f"2{ids}", "code", language="en")
    assert "6. No rudeness" in listing
    assert "Без грубости" not in listing
    clause = await ask(commands, f"2{ids}", "code", "6", language="en")
    assert clause.startswith("Clause 6. No rudeness")
    assert "грубости" in clause  # the agency's own text, as it wrote it
    checked = await ask(commands, f"2{ids}", "check", "you are an idiot, send the brief")
    assert "clause 6 (No rudeness)" in checked
    russian = await ask(commands, f"2{ids}", "code")
    assert "6. Без грубости" in russian


async def test_a_command_a_client_saw_is_answered_with_one_line_saying_so(
    commands: Commands, ids: str
) -> None:
    seen = CommandCall(
        Platform.TELEGRAM, f"2{ids}", "code", "5", "en", f"-100{ids}", seen_by_client=True
    )
    note, clause = await commands.run(seen)
    assert note.text.startswith("The whole client chat saw that command: ")
    assert note.text.count("\n") == 0  # one short line
    assert clause.text.startswith("Clause 5.")
    unseen = await commands.run(CommandCall(Platform.TELEGRAM, f"2{ids}", "code", "5"))
    assert [r.text.split(".")[0] for r in unseen] == ["П"]


async def test_slack_help_is_slacks_and_telegram_help_is_telegrams(commands: Commands) -> None:
    slack = await commands.run(CommandCall(Platform.SLACK, "U1", "help"))
    telegram = await commands.run(CommandCall(Platform.TELEGRAM, "1", "help"))
    assert "/code stats" in slack[0].text and "/bind" not in slack[0].text
    assert "/stats" in telegram[0].text and "/bind" in telegram[0].text
