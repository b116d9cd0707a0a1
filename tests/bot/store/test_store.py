"""The store's contract, run with the same code on fakeredis and on a real Redis."""

from __future__ import annotations

import asyncio
import re

from redis.cluster import key_slot

from bot.domain.models import Nudge, Platform
from bot.store.keys import Keys, wait_id
from bot.store.records import AuditEntry, Binding, HeldNudge
from bot.store.redis_store import MessageRef, RedisStore, Windows
from bot.store.scripts import SCRIPTS

DAY = 86_400_000
HOUR = 3_600_000


async def _record(
    store: RedisStore, ids: str, message: str, rules: tuple[str, ...], at: int, event: str = ""
) -> tuple[bool, int, bool] | None:
    ref = MessageRef("telegram", f"u{ids}", f"c{ids}", message, event or f"e-{message}-{at}")
    results = await store.record(ref, [(6, rules)], Windows(30 * DAY, HOUR), at)
    if results is None:
        return None
    [result] = results
    return result.new, result.count, result.may_nudge


async def test_a_delivery_is_recorded_once_under_concurrent_delivery(
    store: RedisStore, ids: str
) -> None:
    now = 1_800_000_000_000
    results = await asyncio.gather(
        *(_record(store, ids, "m1", ("rude-a",), now, event="e1") for _ in range(20))
    )
    assert results.count(None) == 19
    assert [r for r in results if r is not None] == [(True, 1, True)]


async def test_several_clauses_of_one_message_in_one_step(store: RedisStore, ids: str) -> None:
    ref = MessageRef("telegram", f"u{ids}", f"c{ids}", "m1", "e1")
    clauses = [(3, ("fam-you",)), (6, ("rude-a", "rude-b"))]
    results = await store.record(ref, clauses, Windows(30 * DAY, HOUR))
    assert results is not None
    assert [(r.new, r.count, r.may_nudge) for r in results] == [(True, 1, True), (True, 1, True)]


async def test_recording_one_delivery_again_gives_back_its_first_results(
    store: RedisStore, ids: str
) -> None:
    """Its reply lost with the connection, a delivery is recorded again (redis-py's retry, or a
    flush of the buffer): under the same attempt it gets its first results, so its nudge still
    goes; another delivery of the same event is a re-delivery; the warning counts once."""
    ref = MessageRef("telegram", f"u{ids}", f"c{ids}", "m1", "e1")
    clauses = [(3, ("fam-you",)), (6, ("rude-a", "rude-b"))]
    windows = Windows(30 * DAY, HOUR)
    first = await store.record(ref, clauses, windows, attempt="a1")
    again = await store.record(ref, clauses, windows, attempt="a1")
    assert first == again
    assert first is not None
    assert [(r.new, r.count, r.may_nudge) for r in first] == [(True, 1, True), (True, 1, True)]
    assert await store.record(ref, clauses, windows, attempt="a2") is None
    assert await store.warning_count("telegram", f"u{ids}", 6, 30 * DAY) == 1


async def test_the_same_finding_on_an_edited_message_counts_once(
    store: RedisStore, ids: str
) -> None:
    now = 1_800_000_000_000
    assert await _record(store, ids, "m1", ("rude-a",), now) == (True, 1, True)
    assert await _record(store, ids, "m1", ("rude-a",), now + 1000) == (False, 0, False)
    # The edit adds another rule of the same clause: still one warning for the message.
    assert await _record(store, ids, "m1", ("rude-a", "rude-b"), now + 2000) == (False, 1, False)


async def test_concurrent_records_of_one_finding_count_once(store: RedisStore, ids: str) -> None:
    now = 1_800_000_000_000
    # Ten deliveries of one message (say, edits racing each other) with the same finding.
    results = await asyncio.gather(
        *(_record(store, ids, "m1", ("rude-a",), now, event=f"e{n}") for n in range(10))
    )
    assert [r and r[0] for r in results].count(True) == 1


async def test_the_nudge_window_allows_one_nudge_per_clause(store: RedisStore, ids: str) -> None:
    now = 1_800_000_000_000
    assert await _record(store, ids, "m1", ("rude-a",), now) == (True, 1, True)
    assert await _record(store, ids, "m2", ("rude-a",), now + 1000) == (True, 2, False)


async def test_the_nudge_window_expires(store: RedisStore, ids: str) -> None:
    windows = Windows(30 * DAY, 50)
    first_ref = MessageRef("telegram", f"u{ids}", f"c{ids}", "m1", "e1")
    [result] = await store.record(first_ref, [(3, ("f-a",))], windows) or []
    assert result.may_nudge
    await asyncio.sleep(0.1)
    second_ref = MessageRef("telegram", f"u{ids}", f"c{ids}", "m2", "e2")
    [again] = await store.record(second_ref, [(3, ("f-a",))], windows) or []
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
    assert len(found) == 4  # delivery claim, warnings, nudge window, finding claim
    for key in found:
        assert await store.redis.pttl(key) > 0


async def test_held_nudges_are_taken_once_in_order(store: RedisStore, ids: str) -> None:
    await store.hold_nudge(HeldNudge(nudge(ids, clause=6, words=("б**ть",)), 1))
    await store.hold_nudge(HeldNudge(nudge(ids, clause=3, words=("ты",)), 2))
    assert await store.redis.pttl(store.keys.held("telegram", ids)) > 0
    taken = await store.take_held("telegram", ids)
    assert [(h.nudge.clause, h.count) for h in taken] == [(6, 1), (3, 2)]
    assert await store.take_held("telegram", ids) == []


async def test_check_rate_limit(store: RedisStore, ids: str) -> None:
    allowed = [await store.allow_check("slack", ids, 3) for _ in range(5)]
    assert allowed == [True, True, True, False, False]
    assert await store.redis.pttl(store.keys.check_rate("slack", ids)) > 0


async def test_feedback_counts_once_per_nudge(store: RedisStore, ids: str) -> None:
    await store.remember_nudge(nudge(ids, rule_id=f"rule-{ids}", token=ids))
    remembered = await store.record_feedback(ids)
    assert remembered is not None and remembered.clause == 6
    assert await store.record_feedback(ids) is None
    assert (await store.feedback_counts())[f"rule-{ids}"] == 1
    assert await store.redis.ttl(store.keys.feedback) > 0


async def test_audit_trail_has_ids_and_a_ttl(store: RedisStore, ids: str) -> None:
    entry = AuditEntry(1, "slack", ids, "U1", "1.0", 6, "rudeness", ("rude-a",))
    await store.audit(entry, keep_days=90)
    entries = [e for e in await store.audit_entries() if e.chat == ids]
    assert entries[0].clause == 6
    assert entries[0].id  # the stream entry's id, as Redis gave it
    assert await store.redis.ttl(store.keys.audit) > 0


async def test_bindings_are_configuration(store: RedisStore, ids: str) -> None:
    await store.bind_chat("telegram", ids, Binding("client", "Ромашка"))
    assert await store.binding("telegram", ids) == Binding("client", "Ромашка")
    assert (await store.redis.ttl(store.keys.binding("telegram", ids))) == -1
    assert store.keys.binding("telegram", ids).startswith(store.keys.config_prefix)


def test_every_script_touches_one_cluster_slot() -> None:
    """Each script's KEYS as the store builds them share a hash tag, hence one slot."""
    keys = Keys()
    built = {
        "record": [
            keys.event("telegram", "7", "-100", "update-1"),
            keys.warnings("telegram", "7", 6), keys.nudge_window("telegram", "7", 6),
            keys.claim("telegram", "7", "-100", "5", "rude-a"),
            keys.claim("telegram", "7", "-100", "5", "rude-b"),
        ],
        "take_held": [keys.held("telegram", "7")],
        "hold": [keys.held("telegram", "7")],
        "rate": [keys.check_rate("slack", "U1")],
        "open_wait": [keys.waits_due, keys.wait(wait_id("slack", "C1", "1.2"))],
        "close_wait": [
            keys.waits_due, keys.wait(wait_id("slack", "C1", None)),
            keys.last_staff("slack", "C1"),
        ],
        "claim_due": [keys.waits_due],
        "advance_wait": [keys.waits_due, keys.wait(wait_id("telegram", "-100", None))],
        "cancel_waits": [
            keys.waits_due, keys.wait(wait_id("telegram", "-100", None)),
            keys.wait(wait_id("slack", "C1", "1.2")),
        ],
    }  # fmt: skip
    assert set(built) == set(SCRIPTS)
    for name, script_keys in built.items():
        slots = {key_slot(k.encode()) for k in script_keys}
        assert len(slots) == 1, name
        assert all(re.search(r"\{[^}]+\}", k) for k in script_keys)


def nudge(ids: str, clause: int = 6, words: tuple[str, ...] = (), **fields: str) -> Nudge:
    """A nudge to user `ids` in Telegram chat -100."""
    defaults = {"rule_id": "rude-a", "token": ""} | fields
    return Nudge(
        platform=Platform.TELEGRAM, user_id=ids, chat_id="-100", message_id="1", clause=clause,
        label="rudeness", words=words, suggestion=None, step="gentle", **defaults,
    )  # fmt: skip
