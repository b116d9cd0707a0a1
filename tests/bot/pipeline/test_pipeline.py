"""The pipeline end to end on the store (fakeredis and a real Redis), with recording ports."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.core import Core
from bot.domain.config import AgencyConfig
from bot.domain.models import IncomingMessage, Platform
from bot.pipeline.commands import CommandCall
from bot.pipeline.handle import Status
from bot.store.redis_store import RedisStore
from rules import Checker
from tests.support.bots import RUDE, agency, core_on
from tests.support.fakes import RecordingCompliance, RecordingNotifier

Say = Callable[..., IncomingMessage]
Build = Callable[..., tuple[Core, RecordingNotifier, RecordingCompliance]]


@pytest.fixture
def say(ids: str) -> Say:
    """Make a message from user 2 in the client chat -100 unless told otherwise."""

    def make(
        text: str, *, event: str, chat: str = "-100", user: str = "2", **facts: Any
    ) -> IncomingMessage:
        return IncomingMessage(
            platform=Platform.TELEGRAM, chat_id=f"{chat}{ids}", user_id=f"{user}{ids}",
            message_id=facts.pop("mid", event), event_id=event, text=text,
            sent_at=datetime(2026, 11, 26, 12, tzinfo=UTC), **facts,
        )  # fmt: skip

    return make


@pytest.fixture
def build(checker: Checker, store: RedisStore, ids: str) -> Build:
    """Build the bot on the test store with recording ports."""

    def make(
        policy: dict[str, Any] | None = None,
    ) -> tuple[Core, RecordingNotifier, RecordingCompliance]:
        data = agency(ids)
        data["policy"] |= policy or {}
        notifier, compliance = RecordingNotifier(), RecordingCompliance()
        config = AgencyConfig.model_validate(data)
        return core_on(checker, config, store, notifier, compliance), notifier, compliance

    return make


async def test_a_rude_message_nudges_its_author_privately(build: Build, say: Say, ids: str) -> None:
    core, notifier, compliance = build()
    outcome = await core.pipeline.handle(say(RUDE, event=f"e{ids}"))
    assert outcome.status is Status.RECORDED
    assert outcome.warnings == 1
    [(nudge, text, button)] = notifier.sent
    assert (nudge.user_id, nudge.clause) == (f"2{ids}", 6)
    assert "«пиздец»" in text and "/code 6" in text
    assert RUDE not in text
    assert button == "Это не нарушение"
    assert compliance.posted == []


async def test_a_clients_message_is_never_judged(build: Build, say: Say, ids: str) -> None:
    core, notifier, _ = build()
    outcome = await core.pipeline.handle(say(RUDE, event=f"e{ids}", user="999"))
    assert outcome.status is Status.IGNORED
    external = say(RUDE, event=f"f{ids}", user="2", author_external=True)
    assert (await core.pipeline.handle(external)).status is Status.IGNORED
    assert notifier.sent == []


@pytest.mark.parametrize(
    "facts",
    [{"author_is_bot": True}, {"is_forward": True}, {"is_service": True}, {"is_private": True}],
)
async def test_cheap_exits(build: Build, say: Say, ids: str, facts: dict[str, bool]) -> None:
    core, notifier, _ = build()
    assert (
        await core.pipeline.handle(say(RUDE, event=f"e{ids}", **facts))
    ).status is Status.IGNORED
    assert notifier.sent == []


async def test_a_redelivered_event_nudges_once(build: Build, say: Say, ids: str) -> None:
    core, notifier, _ = build()
    first = await core.pipeline.handle(say(RUDE, event=f"e{ids}"))
    again = await core.pipeline.handle(say(RUDE, event=f"e{ids}"))
    assert (first.status, again.status) == (Status.RECORDED, Status.DUPLICATE)
    assert len(notifier.sent) == 1


async def test_an_edit_is_checked_again_but_the_same_finding_nudges_once(
    build: Build, say: Say, ids: str
) -> None:
    core, notifier, _ = build()
    await core.pipeline.handle(say(RUDE, event=f"e1{ids}", mid=f"m{ids}"))
    same = await core.pipeline.handle(
        say(RUDE + "!", event=f"e2{ids}", mid=f"m{ids}", is_edit=True)
    )
    assert same.status is Status.DUPLICATE
    added = await core.pipeline.handle(
        say(RUDE + ", скинь исходники", event=f"e3{ids}", mid=f"m{ids}", is_edit=True)
    )
    assert added.status is Status.RECORDED
    assert [n.clause for n, _, _ in notifier.sent] == [6, 3]


async def test_two_pipelines_fed_the_same_events_send_one_nudge_each(
    build: Build, say: Say, ids: str
) -> None:
    (first, n1, _), (second, n2, _) = build(), build()
    events = [say(f"{RUDE} {n}", event=f"e{n}-{ids}") for n in range(10)]
    await asyncio.gather(*(p.pipeline.handle(m) for m in events for p in (first, second)))
    sent = [(n.message_id, n.clause) for n, _, _ in n1.sent + n2.sent]
    assert sorted(sent) == sorted((m.message_id, 6) for m in events)


async def test_internal_chats_use_the_internal_policy(build: Build, say: Say, ids: str) -> None:
    core, notifier, _ = build()
    internal = {"chat": "-200"}
    assert (
        await core.pipeline.handle(say("скинь мне бриф", event=f"a{ids}", **internal))
    ).status is Status.CLEAN
    # мат among colleagues that is not about a client is left alone by default…
    assert (
        await core.pipeline.handle(say("пиздец пробки", event=f"b{ids}", **internal))
    ).status is Status.CLEAN
    # …and counts when it is about a client.
    about = await core.pipeline.handle(
        say("Ромашка опять пиздец тянет", event=f"c{ids}", **internal)
    )
    assert about.status is Status.RECORDED
    assert [n.clause for n, _, _ in notifier.sent] == [6]


async def test_the_ladder_gentle_then_reminder_then_escalation(
    build: Build, say: Say, ids: str
) -> None:
    user = "3"
    core, notifier, compliance = build()
    for n in range(5):
        await core.pipeline.handle(say(f"{RUDE} {n}", event=f"e{n}{ids}", user=user))
    steps = [n.step for n, _, _ in notifier.sent]
    assert steps == ["gentle", "reminder", "reminder", "reminder", "reminder"]
    assert "Не допускается проявления грубости" in notifier.sent[1][1]
    [(escalation, text)] = compliance.posted
    assert (escalation.user_id, escalation.clause, escalation.count) == (f"3{ids}", 6, 5)
    assert escalation.words == ()
    assert "пиздец" not in text


async def test_the_nudge_window_counts_but_does_not_nudge_again(
    build: Build, say: Say, ids: str
) -> None:
    user = "3"
    core, notifier, _ = build(policy={"nudge_window_minutes": 60})
    outcomes = [
        await core.pipeline.handle(say(f"{RUDE} {n}", event=f"e{n}{ids}", user=user))
        for n in range(3)
    ]
    assert [o.warnings for o in outcomes] == [1, 1, 1]
    assert len(notifier.sent) == 1


async def test_exempt_users_and_silent_chats(build: Build, say: Say, ids: str) -> None:
    core, notifier, _ = build(
        policy={"exempt_users": [f"telegram:2{ids}"], "silent_chats": [f"telegram:-300{ids}"]}
    )
    assert (await core.pipeline.handle(say(RUDE, event=f"a{ids}"))).status is Status.IGNORED
    other = say(RUDE, event=f"b{ids}", chat="-300", user="1")
    assert (await core.pipeline.handle(other)).status is Status.IGNORED
    assert notifier.sent == []


async def test_an_unreachable_author_gets_the_nudge_on_start(
    build: Build, say: Say, ids: str
) -> None:
    user = "3"
    core, notifier, _ = build()
    notifier.unreachable.add(f"3{ids}")
    outcome = await core.pipeline.handle(say(RUDE, event=f"e{ids}", user=user))
    assert (outcome.warnings, outcome.nudges, notifier.sent) == (1, 0, [])
    replies = await core.commands.run(CommandCall(Platform.TELEGRAM, f"3{ids}", "start"))
    assert len(replies) == 3
    assert "«пиздец»" in replies[2].text
    held = replies[2].nudge
    assert held is not None and held.token and replies[2].button == "Это не нарушение"
    assert await core.store.record_feedback(held.token) is not None  # the button still works
    assert [r.nudge for r in replies[:2]] == [None, None]
    assert (
        await core.commands.run(CommandCall(Platform.TELEGRAM, f"3{ids}", "start")) == replies[:1]
    )


async def test_a_broken_message_never_escapes_handle(
    build: Build, say: Say, ids: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    core, _, _ = build()

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(core.checker, "check", explode)
    assert (await core.pipeline.handle(say(RUDE, event=f"e{ids}"))).status is Status.FAILED


async def test_no_message_text_in_logs_or_redis(
    build: Build, say: Say, ids: str, caplog: pytest.LogCaptureFixture
) -> None:
    secret = f"ну это пиздец, секретный текст {ids}"
    core, notifier, _ = build()
    with caplog.at_level(logging.INFO):
        await core.pipeline.handle(say(secret, event=f"e{ids}"))
    assert notifier.sent
    assert "секретный" not in caplog.text
    async for key in core.store.redis.scan_iter():
        kind = (await core.store.redis.type(key)).decode()
        dump = str(await _value(core.store, key, kind))
        assert "секретный" not in dump


async def _value(store: RedisStore, key: bytes, kind: str) -> object:
    redis = store.redis
    readers = {
        "string": lambda: redis.get(key), "hash": lambda: redis.hgetall(key),
        "list": lambda: redis.lrange(key, 0, -1), "set": lambda: redis.smembers(key),
        "zset": lambda: redis.zrange(key, 0, -1), "stream": lambda: redis.xrange(key),
    }  # fmt: skip
    return await readers[kind]()


async def test_unknown_business_client_keeps_only_internal_affairs(
    build: Build, say: Say, ids: str
) -> None:
    core, notifier, _ = build()
    business = {"business_connection_id": "bc1", "author_external": False, "chat": "77"}
    leak = say("у Лисичкина бюджет 5 млн на квартал", event=f"a{ids}", **business)
    assert (await core.pipeline.handle(leak)).status is Status.CLEAN
    rude = say(RUDE, event=f"b{ids}", **business)
    assert (await core.pipeline.handle(rude)).status is Status.RECORDED
    assert [n.clause for n, _, _ in notifier.sent] == [6]
    assert replace(notifier.sent[0][0], token="").business_connection_id == "bc1"


async def test_only_the_author_hears_of_a_message(build: Build, say: Say, ids: str) -> None:
    """Every nudge on every path goes to the message's author; escalations carry no words."""
    core, notifier, compliance = build(policy={"escalate_from": 2})
    notifier.unreachable.add(f"3{ids}")
    batch = [
        say(RUDE, event="a", user="2"),
        say("ты скинешь макет?", event="b", user="2"),
        say(RUDE, event="c", user="3"),  # held: never started the bot
        say(RUDE, event="d", user="999"),  # a client: never judged
        say("Ромашка опять пиздец тянет", event="e", user="1", chat="-200"),
        say(RUDE, event="f", user="2", business_connection_id="bc", author_external=False),
        say("как я уже писал, макет в почте", event="g", user="1"),
    ]
    for message in batch:
        await core.pipeline.handle(message)
    authors = {m.message_id: m.user_id for m in batch}
    assert notifier.sent
    for nudge, _, _ in notifier.sent:
        assert nudge.user_id == authors[nudge.message_id]
    assert f"999{ids}" not in {n.user_id for n, _, _ in notifier.sent}
    assert compliance.posted
    assert all(escalation.words == () for escalation, _ in compliance.posted)
    held = await core.store.take_held("telegram", f"3{ids}")
    assert [h.nudge.message_id for h in held] == ["c"]


async def test_members_of_internal_chats_are_staff_on_every_replica(
    build: Build, say: Say, ids: str
) -> None:
    first, _, _ = build()
    second, notifier, _ = build()
    newcomer = "55"  # in no roster
    assert (
        await second.pipeline.handle(say(RUDE, event="a", user=newcomer))
    ).status is Status.IGNORED
    await first.pipeline.handle(
        say("всем привет, я новенький", event="b", user=newcomer, chat="-200")
    )
    second.resolver._members.clear()  # the other replica's cache has expired
    assert (
        await second.pipeline.handle(say(RUDE, event="c", user=newcomer))
    ).status is Status.RECORDED
    assert [n.user_id for n, _, _ in notifier.sent] == [f"55{ids}"]


async def test_a_flush_cancelled_midway_keeps_the_message(
    build: Build, say: Say, monkeypatch: pytest.MonkeyPatch
) -> None:
    core, notifier, _ = build()
    core.outage._down_until = float("inf")  # Redis known to be away: the finding is buffered
    assert (await core.pipeline.handle(say(RUDE, event="a"))).status is Status.BUFFERED
    core.outage._down_until = 0.0
    record = core.store.record

    async def stalled(*args: object, **kwargs: object) -> None:
        await asyncio.sleep(60)

    monkeypatch.setattr(core.store, "record", stalled)
    flushing = asyncio.create_task(core.pipeline.flush())
    await asyncio.sleep(0.05)
    assert await core.pipeline.flush() == 0  # one flush at a time
    flushing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await flushing
    assert len(core.outage) == 1  # cancelled at shutdown: nothing lost
    monkeypatch.setattr(core.store, "record", record)
    assert await core.pipeline.flush() == 1
    assert not core.outage
    assert len(notifier.sent) == 1


async def test_issue_11_a_message_breaking_two_clauses_brings_one_nudge_naming_both(
    build: Build, say: Say, ids: str, store: RedisStore
) -> None:
    core, notifier, _ = build()
    outcome = await core.pipeline.handle(say("ты чё, пиздец же, скинь макет", event=f"e{ids}"))
    assert outcome.warnings == 2  # counted per clause
    assert outcome.nudges == 1
    [(nudge, text, button)] = notifier.sent  # one private message, one button
    assert {nudge.clause, *(part.clause for part in nudge.also)} == {3, 6}
    assert "/code 3" in text and "/code 6" in text
    assert "«пиздец»" in text and "«ты»" in text
    assert button == "Это не нарушение"
    await core.commands.feedback(nudge.token, "ru")
    assert set(await store.feedback_counts()) >= set(nudge.rule_ids)


async def test_an_english_message_is_nudged_with_the_english_clause_title(
    build: Build, say: Say, ids: str
) -> None:
    core, notifier, _ = build()
    await core.pipeline.handle(say("you are an idiot, fuck off", event=f"e{ids}"))
    [(nudge, text, button)] = notifier.sent
    assert nudge.language == "en"
    assert "(No rudeness)" in text
    assert "грубост" not in text.lower()
    assert button == "Not a violation"
