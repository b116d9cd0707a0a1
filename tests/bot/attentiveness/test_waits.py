"""Attentiveness on the store (a real Redis, and the embedded fakeredis) with a controllable clock:
waits opened by questions and closed by replies, reminders within working hours, escalation after
a second SLA, two schedulers sharing one Redis, and a restart in the middle of a wait."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import fakeredis
import pytest
import redis.asyncio as aioredis

from bot.attentiveness.scheduler import Scheduler
from bot.core import Core, build_core
from bot.domain.config import AgencyConfig
from bot.domain.models import IncomingMessage, Platform
from bot.domain.ports import Ports
from bot.pipeline.commands import CommandCall
from bot.pipeline.handle import Status
from bot.store import keys
from bot.store.redis_store import RedisStore
from rules import Checker
from tests.support import TEST_REDIS_URL, own_keys, redis_or_fail
from tests.support.fakes import RecordingCompliance, RecordingNotifier

MSK = timedelta(hours=3)
THURSDAY_NOON = datetime(2026, 11, 26, 12, tzinfo=UTC) - MSK
CHAT, OTHER_CHAT = "-100500", "-100600"
ANNA, BORIS, CLIENT = "1001", "1002", "2001"


@dataclass
class Clock:
    """Time that moves only when a test says so."""

    now: datetime = THURSDAY_NOON

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


AGENCY: dict[str, Any] = {
    "clients": [{"name": "Ромашка"}],
    "chats": [
        {"platform": "telegram", "id": CHAT, "kind": "client", "client": "Ромашка",
         "responsible": "Анна", "sla_minutes": 30},
        {"platform": "telegram", "id": OTHER_CHAT, "kind": "client"},
    ],
    "staff": [
        {"name": "Анна", "telegram_id": ANNA, "admin": True},
        {"name": "Борис", "telegram_id": BORIS},
    ],
    "policy": {"sla_minutes": 60},
    # The agency's own calendar (no production calendar): 31 December off, 1 January worked.
    "working_hours": {"calendar": "", "holidays": ["2026-12-31"]},
}  # fmt: skip


@pytest.fixture(params=["redis", "cluster", "embedded"])
async def server(request: pytest.FixtureRequest) -> AsyncIterator[Callable[[], RedisStore]]:
    """Connect stores to one Redis, one Redis Cluster or one fakeredis (each call: a new
    connection, as a new process would).

    Waits share one due set per key prefix: each test has a prefix of its own, so it never sees
    another test's waits.
    """
    made: list[RedisStore] = []
    fake = fakeredis.FakeServer()
    keys = own_keys()
    cluster = request.getfixturevalue("redis_cluster") if request.param == "cluster" else None

    def connect() -> RedisStore:
        if request.param == "redis":
            store = RedisStore(aioredis.Redis.from_url(TEST_REDIS_URL), keys=keys)
        elif cluster is not None:
            store = RedisStore.from_url(cluster.url, cluster=True, keys=keys)
        else:
            store = RedisStore(fakeredis.FakeAsyncRedis(server=fake), embedded=True, keys=keys)
        made.append(store)
        return store

    if request.param == "redis":
        redis_or_fail()
    yield connect
    for store in made:
        await store.close()


@dataclass
class World:
    """A pipeline and a scheduler on one store, with recording ports and a shared clock."""

    checker: Checker
    connect: Callable[[], RedisStore]
    clock: Clock = field(default_factory=Clock)
    notifier: RecordingNotifier = field(default_factory=RecordingNotifier)
    compliance: RecordingCompliance = field(default_factory=RecordingCompliance)
    config: dict[str, Any] = field(default_factory=lambda: AGENCY)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.core = self.new_core()
        self.pipeline = self.core.pipeline

    def new_core(self) -> Core:
        return build_core(
            config=AgencyConfig.model_validate(self.config), checker=self.checker,
            store=self.connect(), ports=Ports(self.notifier, self.compliance), clock=self.clock,
        )  # fmt: skip

    def scheduler(self) -> Scheduler:
        """A scheduler of a process of its own: a new connection to the same Redis."""
        return self.new_core().scheduler

    async def say(
        self, user: str, text: str, chat: str = CHAT, thread: str | None = None
    ) -> Status:
        n = next(self._ids)
        message = IncomingMessage(
            platform=Platform.TELEGRAM, chat_id=chat, user_id=user, message_id=str(n),
            event_id=f"ev{n}-{id(self)}", text=text, sent_at=self.clock.now, thread_id=thread,
        )  # fmt: skip
        return (await self.pipeline.handle(message)).status

    def reminders(self) -> list[str]:
        return [n.user_id for n, _, _ in self.notifier.sent if n.clause == 7]


@pytest.fixture
def world(checker: Checker, server: Callable[[], RedisStore]) -> World:
    return World(checker, server)


async def test_a_question_unanswered_past_the_sla_reminds_the_responsible(world: World) -> None:
    assert await world.say(CLIENT, "Подскажите, когда будет макет") is Status.IGNORED
    scheduler = world.scheduler()
    world.clock.advance(minutes=29)
    assert await scheduler.run_once() == 0
    world.clock.advance(minutes=2)
    assert await scheduler.run_once() == 1
    [(nudge, text, button)] = world.notifier.sent
    assert (nudge.user_id, nudge.chat_id, nudge.clause, nudge.words) == (ANNA, CHAT, 7, ())
    assert nudge.direct and nudge.token
    assert "Внимательность" in text and "П. 7" in text and "31 мин" in text
    assert "макет" not in text  # the client's words never travel
    assert button == "Это не нарушение"
    assert world.compliance.posted == []
    assert await scheduler.run_once() == 0  # reminded once


async def test_after_a_second_sla_the_compliance_channel_hears(world: World) -> None:
    await world.say(CLIENT, "Когда будет счёт?")
    scheduler = world.scheduler()
    world.clock.advance(minutes=31)
    await scheduler.run_once()
    world.clock.advance(minutes=20)
    assert await scheduler.run_once() == 0
    world.clock.advance(minutes=10)
    assert await scheduler.run_once() == 1
    [(escalation, text)] = world.compliance.posted
    assert (escalation.clause, escalation.chat_id, escalation.user_id) == (7, CHAT, ANNA)
    assert "Ромашка" in text and "61 мин" in text
    world.clock.advance(hours=5)
    assert await scheduler.run_once() == 0
    assert len(world.reminders()) == 1 and len(world.compliance.posted) == 1


async def test_a_staff_reply_closes_the_wait(world: World) -> None:
    await world.say(CLIENT, "Пришлите, пожалуйста, счёт")
    world.clock.advance(minutes=10)
    await world.say(BORIS, "Добрый день! Счёт отправили на почту.")
    world.clock.advance(hours=3)
    assert await world.scheduler().run_once() == 0
    assert world.notifier.sent == [] and world.compliance.posted == []


async def test_thanks_open_no_wait_and_a_reply_elsewhere_closes_nothing(world: World) -> None:
    await world.say(CLIENT, "Спасибо, понял")
    await world.say(CLIENT, "Когда созвон?", chat=OTHER_CHAT)
    await world.say(BORIS, "Здравствуйте!", chat=CHAT)  # another chat's reply
    world.clock.advance(minutes=61)
    await world.scheduler().run_once()
    # No one is configured in the other chat and no staff spoke there: compliance hears later.
    assert world.reminders() == []
    world.clock.advance(minutes=60)
    await world.scheduler().run_once()
    assert [e.chat_id for e, _ in world.compliance.posted] == [OTHER_CHAT]


async def test_without_a_configured_person_the_last_staff_speaker_is_reminded(world: World) -> None:
    await world.say(BORIS, "Добрый день, макет во вложении", chat=OTHER_CHAT)
    await world.say(CLIENT, "А баннер когда будет", chat=OTHER_CHAT)
    world.clock.advance(minutes=61)
    await world.scheduler().run_once()
    assert world.reminders() == [BORIS]


async def test_threads_wait_separately(world: World) -> None:
    await world.say(CLIENT, "Что с баннером?", thread="t1")
    await world.say(CLIENT, "Что с макетом?", thread="t2")
    await world.say(BORIS, "Баннер готов", thread="t1")
    world.clock.advance(minutes=31)
    assert await world.scheduler().run_once() == 1
    [(nudge, _, _)] = world.notifier.sent
    assert nudge.thread_id == "t2"


async def test_a_second_question_keeps_the_first_ones_clock(world: World) -> None:
    await world.say(CLIENT, "Когда будет макет?")
    world.clock.advance(minutes=20)
    await world.say(CLIENT, "Ау, когда будет?")
    world.clock.advance(minutes=11)
    assert await world.scheduler().run_once() == 1


async def test_nothing_is_sent_at_night_or_at_the_weekend(world: World) -> None:
    world.clock.now = datetime(2026, 11, 27, 18, 45, tzinfo=UTC) - MSK  # Friday 18:45
    await world.say(CLIENT, "Подскажите, успеем к понедельнику?")
    scheduler = world.scheduler()
    for hours in (1, 3, 24, 24):  # Friday night, Saturday, Sunday
        world.clock.advance(hours=hours)
        assert await scheduler.run_once() == 0
    world.clock.now = datetime(2026, 11, 30, 10, 14, tzinfo=UTC) - MSK  # Monday 10:14
    assert await scheduler.run_once() == 0
    world.clock.advance(minutes=2)  # 15 working minutes on Friday, 15 on Monday
    assert await scheduler.run_once() == 1


async def test_a_holiday_is_not_working_time(world: World) -> None:
    world.clock.now = datetime(2026, 12, 30, 18, 50, tzinfo=UTC) - MSK
    await world.say(CLIENT, "Когда пришлёте отчёт?")
    world.clock.now = datetime(2026, 12, 31, 15, tzinfo=UTC) - MSK  # a holiday
    assert await world.scheduler().run_once() == 0
    world.clock.now = datetime(2027, 1, 1, 10, 25, tzinfo=UTC) - MSK  # Friday, a working day
    assert await world.scheduler().run_once() == 1


async def test_two_schedulers_on_one_redis_send_exactly_one_reminder(world: World) -> None:
    for n in range(5):
        await world.say(CLIENT, f"Вопрос {n}: когда будет?", thread=f"t{n}")
    world.clock.advance(minutes=31)
    first, second = world.scheduler(), world.scheduler()
    for _ in range(3):
        await asyncio.gather(first.run_once(), second.run_once(), first.run_once())
    assert sorted(n.thread_id or "" for n, _, _ in world.notifier.sent) == [
        f"t{n}" for n in range(5)
    ]


async def test_a_restart_mid_wait_still_brings_the_reminder(world: World) -> None:
    await world.say(CLIENT, "Подскажите по срокам")
    await world.core.store.close()  # the process goes away
    world.clock.advance(minutes=40)
    restarted = world.scheduler()  # a new process: new connection, new pipeline, same Redis
    assert await restarted.run_once() == 1
    assert world.reminders() == [ANNA]


async def test_a_scheduler_dying_after_its_claim_loses_nothing(world: World) -> None:
    await world.say(CLIENT, "Подскажите по срокам")
    world.clock.advance(minutes=31)
    store = world.connect()
    now_ms = int(world.clock.now.timestamp() * 1000)
    assert await store.claim_due(now_ms, 60_000, 10) == [keys.wait_id("telegram", CHAT, None)]
    other = world.scheduler()
    assert await other.run_once() == 0  # claimed by the one that died
    world.clock.advance(minutes=2)  # the lease runs out
    assert await other.run_once() == 1


async def test_stats_show_first_response_times(world: World) -> None:
    for minutes in (5, 10, 50):
        await world.say(CLIENT, "Когда будет?")
        world.clock.advance(minutes=minutes)
        await world.say(BORIS, "Сегодня")
    [stats] = await world.core.commands.run(CommandCall(Platform.TELEGRAM, ANNA, "stats"))
    line = f"telegram:{CHAT}: медиана 10 мин., 90% — до 42 мин., в норму — 67% из 3 ответов"
    assert line in stats.text


async def test_every_key_has_a_ttl(world: World) -> None:
    await world.say(BORIS, "Здравствуйте")
    await world.say(CLIENT, "Когда будет?")
    world.clock.advance(minutes=31)
    await world.scheduler().run_once()
    await world.say(BORIS, "Сейчас")
    await world.say(CLIENT, "А ещё вопрос?")
    store = world.core.store
    found = [k async for k in store.redis.scan_iter(match=f"{store.keys.prefix}:{{attn}}:*")]
    assert found
    for key in found:
        assert await store.redis.pttl(key) > 0, key
