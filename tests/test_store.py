"""The store's contract, run with the same code on fakeredis and on a real Redis."""

from __future__ import annotations

import asyncio
import re

from redis.cluster import key_slot

from bot import keys
from bot.store import SCRIPTS, RedisStore, WarningRef, Windows

DAY = 86_400_000
HOUR = 3_600_000


async def test_an_event_is_claimed_once_under_concurrent_delivery(
    store: RedisStore, ids: str
) -> None:
    results = await asyncio.gather(*(store.claim_event("telegram", ids, "42") for _ in range(20)))
    assert results.count(True) == 1


async def _record(
    store: RedisStore, ids: str, message: str, rules: tuple[str, ...], at: int
) -> tuple[bool, int, bool]:
    ref = WarningRef("telegram", f"u{ids}", f"c{ids}", message, 6)
    result = await store.record(ref, rules, Windows(30 * DAY, HOUR), at)
    return result.new, result.count, result.may_nudge


async def test_the_same_finding_on_an_edited_message_counts_once(
    store: RedisStore, ids: str
) -> None:
    now = 1_800_000_000_000
    assert await _record(store, ids, "m1", ("rude-a",), now) == (True, 1, True)
    assert await _record(store, ids, "m1", ("rude-a",), now + 1000) == (False, 0, False)
    # The edit adds another rule of the same clause: still one warning for the message.
    assert (await _record(store, ids, "m1", ("rude-a", "rude-b"), now + 2000))[:2] == (False, 1)


async def test_concurrent_records_of_one_finding_count_once(store: RedisStore, ids: str) -> None:
    now = 1_800_000_000_000
    results = await asyncio.gather(
        *(_record(store, ids, "m1", ("rude-a",), now) for _ in range(10))
    )
    assert [r[0] for r in results].count(True) == 1


async def test_the_nudge_window_allows_one_nudge_per_clause(store: RedisStore, ids: str) -> None:
    now = 1_800_000_000_000
    assert await _record(store, ids, "m1", ("rude-a",), now) == (True, 1, True)
    assert await _record(store, ids, "m2", ("rude-a",), now + 1000) == (True, 2, False)


async def test_the_nudge_window_expires(store: RedisStore, ids: str) -> None:
    windows = Windows(30 * DAY, 50)
    first_ref = WarningRef("telegram", f"u{ids}", f"c{ids}", "m1", 3)
    result = await store.record(first_ref, ("f-a",), windows)
    assert result.may_nudge
    await asyncio.sleep(0.1)
    second_ref = WarningRef("telegram", f"u{ids}", f"c{ids}", "m2", 3)
    again = await store.record(second_ref, ("f-a",), windows)
    assert again.may_nudge
    assert again.count == 2


async def test_warnings_older_than_the_window_slide_out(store: RedisStore, ids: str) -> None:
    start = 1_800_000_000_000
    for n in range(3):
        await _record(store, ids, f"m{n}", ("rude-a",), start + n * 10 * DAY)
    # 31 days after the first: it has slid out, the other two remain, plus this one.
    assert (await _record(store, ids, "m9", ("rude-a",), start + 31 * DAY))[1] == 3
    assert await store.warning_count("telegram", f"u{ids}", 6, 30 * DAY, start + 31 * DAY) == 3


async def test_every_key_of_a_record_has_a_ttl(store: RedisStore, ids: str) -> None:
    await _record(store, ids, "m1", ("rude-a",), 1_800_000_000_000)
    found = [k async for k in store.redis.scan_iter(match=f"*{ids}*")]
    assert len(found) == 3  # warnings, nudge window, claim
    for key in found:
        assert await store.redis.pttl(key) > 0


async def test_held_nudges_are_taken_once_in_order(store: RedisStore, ids: str) -> None:
    await store.hold_nudge("telegram", ids, {"clause": 6, "words": ["б**ть"]})
    await store.hold_nudge("telegram", ids, {"clause": 3, "words": ["ты"]})
    assert await store.redis.pttl(keys.held("telegram", ids)) > 0
    taken = await store.take_held("telegram", ids)
    assert [n["clause"] for n in taken] == [6, 3]
    assert await store.take_held("telegram", ids) == []


async def test_check_rate_limit(store: RedisStore, ids: str) -> None:
    allowed = [await store.allow_check("slack", ids, 3) for _ in range(5)]
    assert allowed == [True, True, True, False, False]
    assert await store.redis.pttl(keys.check_rate("slack", ids)) > 0


async def test_feedback_counts_once_per_nudge(store: RedisStore, ids: str) -> None:
    await store.remember_nudge(ids, {"rule_id": f"rule-{ids}", "clause": 6})
    assert (await store.record_feedback(ids) or {})["clause"] == 6
    assert await store.record_feedback(ids) is None
    assert (await store.feedback_counts())[f"rule-{ids}"] == 1
    assert await store.redis.ttl(keys.feedback()) > 0


async def test_audit_trail_has_ids_and_a_ttl(store: RedisStore, ids: str) -> None:
    await store.audit({"ts": "1", "chat": ids, "clause": "6", "rules": "rude-a"}, keep_days=90)
    entries = [e for e in await store.audit_entries() if e["chat"] == ids]
    assert entries[0]["clause"] == "6"
    assert await store.redis.ttl(keys.audit()) > 0


async def test_bindings_are_configuration(store: RedisStore, ids: str) -> None:
    await store.bind_chat("telegram", ids, "client", "Ромашка")
    assert await store.binding("telegram", ids) == ("client", "Ромашка")
    assert (await store.redis.ttl(keys.binding("telegram", ids))) == -1
    assert keys.binding("telegram", ids).startswith(keys.CONFIG_PREFIX)


def test_every_script_touches_one_cluster_slot() -> None:
    """Each script's KEYS as the store builds them share a hash tag, hence one slot."""
    built = {
        "record": [
            keys.warnings("telegram", "7", 6), keys.nudge_window("telegram", "7", 6),
            keys.claim("telegram", "7", "-100", "5", "rude-a"),
            keys.claim("telegram", "7", "-100", "5", "rude-b"),
        ],
        "take_held": [keys.held("telegram", "7")],
        "hold": [keys.held("telegram", "7")],
        "rate": [keys.check_rate("slack", "U1")],
    }  # fmt: skip
    assert set(built) == set(SCRIPTS)
    for name, script_keys in built.items():
        slots = {key_slot(k.encode()) for k in script_keys}
        assert len(slots) == 1, name
        assert all(re.search(r"\{[^}]+\}", k) for k in script_keys)
