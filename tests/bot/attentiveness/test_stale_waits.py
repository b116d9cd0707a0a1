"""A chat taken out of agency.toml (or listed, or bound, as no longer a client's) loses its open
waits when the bot starts: on the embedded store, a real Redis and a real Redis Cluster (the
shared `store` fixture)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.cli import compose
from bot.attentiveness.waits import Attentiveness
from bot.domain.config import AgencyConfig
from bot.domain.models import IncomingMessage, Platform, Resolution
from bot.store import keys
from bot.store.records import Binding
from bot.store.redis_store import RedisError, RedisStore
from rules import ChatKind

THURSDAY_NOON = datetime(2026, 11, 26, 9, tzinfo=UTC)  # 12:00 in Moscow, a working day
KEPT, REMOVED, NOW_INTERNAL = "-100501", "-100502", "-100503"
BOUND, UNBOUND, DEFAULT = "-100504", "-100505", "-100506"


def _agency(chats: list[dict[str, Any]]) -> AgencyConfig:
    return AgencyConfig.model_validate(
        {"clients": [{"name": "Ромашка"}], "chats": chats, "working_hours": {"calendar": ""}}
    )


def _client(chat: str) -> dict[str, Any]:
    return {"platform": "telegram", "id": chat, "kind": "client", "client": "Ромашка"}


BEFORE = _agency([_client(KEPT), _client(REMOVED), _client(NOW_INTERNAL)])
AFTER = _agency([_client(KEPT), {"platform": "telegram", "id": NOW_INTERNAL, "kind": "internal"}])


def _attentiveness(config: AgencyConfig, store: RedisStore) -> Attentiveness:
    return Attentiveness(config, store, None, lambda: THURSDAY_NOON)


async def _ask(attentiveness: Attentiveness, chat: str) -> str:
    message = IncomingMessage(
        platform=Platform.TELEGRAM, chat_id=chat, user_id="2001", message_id="7",
        event_id=f"{chat}:7", text="Подскажите, когда будет макет?", sent_at=THURSDAY_NOON,
    )  # fmt: skip
    await attentiveness.observe(message, Resolution(ChatKind.CLIENT, "Ромашка", False))
    return keys.wait_id("telegram", chat, None)


async def test_waits_of_chats_no_longer_a_clients_are_cancelled_at_start(
    store: RedisStore, caplog: pytest.LogCaptureFixture
) -> None:
    before = _attentiveness(BEFORE, store)
    await store.bind_chat("telegram", BOUND, Binding("client", "Ромашка"))
    await store.bind_chat("telegram", UNBOUND, Binding("client", "Ромашка"))
    wids = {chat: await _ask(before, chat)
            for chat in (KEPT, REMOVED, NOW_INTERNAL, BOUND, UNBOUND, DEFAULT)}  # fmt: skip
    assert set(await store.open_waits()) == set(wids.values())
    await store.bind_chat("telegram", UNBOUND, Binding("ignore", None))  # an admin's /bind

    with caplog.at_level(logging.INFO, logger="bot.attentiveness"):
        cancelled = await _attentiveness(AFTER, store).cancel_stale()

    gone = {wids[REMOVED], wids[NOW_INTERNAL], wids[UNBOUND]}
    assert set(cancelled) == gone
    assert set(await store.open_waits()) == {wids[KEPT], wids[BOUND], wids[DEFAULT]}
    for wid in gone:
        assert await store.load_wait(wid, *keys.chat_of_wait(wid)) == (None, None)
    due_later = THURSDAY_NOON + timedelta(days=7)
    assert set(await store.claim_due(int(due_later.timestamp() * 1000), 1000, 50)) == {
        wids[KEPT],
        wids[BOUND],
        wids[DEFAULT],
    }
    line = next(r.getMessage() for r in caplog.records if "waits cancelled" in r.getMessage())
    assert "count=3" in line and all(wid in line for wid in gone)
    assert "макет" not in caplog.text  # ids, never the client's words


async def test_a_start_with_the_same_config_cancels_nothing(store: RedisStore) -> None:
    attentiveness = _attentiveness(BEFORE, store)
    wid = await _ask(attentiveness, REMOVED)
    assert await attentiveness.cancel_stale() == []
    assert await store.open_waits() == [wid]


async def test_a_wait_answered_meanwhile_is_not_counted(store: RedisStore) -> None:
    wid = await _ask(_attentiveness(BEFORE, store), REMOVED)
    await store.close_wait(wid, "telegram", REMOVED, "1001", 60_000)
    assert await store.cancel_waits([wid]) == 0
    assert await store.cancel_waits([]) == 0


class _FailingAttentiveness:
    async def cancel_stale(self) -> list[str]:
        raise RedisError("down")


class _Core:
    attentiveness = _FailingAttentiveness()


async def test_redis_failing_at_start_costs_only_the_clean_up(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="adapters.cli"):
        await compose._cancel_stale_waits(_Core())  # type: ignore[arg-type]
    assert "stale waits not cancelled: redis unavailable (RedisError)" in caplog.text
