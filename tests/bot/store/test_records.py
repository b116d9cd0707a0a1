"""Every stored record's codec round-trips: a value in, its stored form out, the same value back,
no field dropped; and what older versions stored still reads."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pytest

from bot.domain.models import Nudge, NudgePart, Platform
from bot.store import records
from bot.store.records import Answer, AuditEntry, Binding, HeldNudge, Wait

NUDGE = Nudge(
    platform=Platform.SLACK, user_id="U1", chat_id="C1", message_id="1700000000.000100",
    clause=3, rule_id="fam-you", label="familiarity", words=("ты", "скинь"),
    suggestion="Вы", step="reminder", language="en", thread_id="1699999999.000001",
    business_connection_id="bc-1", token="tok-1", direct=True,
    also=(NudgePart(6, "rude-mat-khuy", "rudeness", ("х*й",), "без мата"),),
)  # fmt: skip
WAIT = Wait(
    wid="telegram:-100:7", platform=Platform.TELEGRAM, chat_id="-100", thread_id="7",
    message_id="42", client="Ромашка", opened=datetime(2026, 11, 26, 9, 30, tzinfo=UTC),
    sla_minutes=30, stage=1, language="en", listed=True,
)  # fmt: skip


def _every_field_differs_from_its_default(value: object) -> None:
    """Guard the fixtures: a dropped field would come back as its default and go unseen."""
    for f in dataclasses.fields(value):  # type: ignore[arg-type]
        if f.default is not dataclasses.MISSING:
            assert getattr(value, f.name) != f.default, f.name


@pytest.mark.parametrize("value", [NUDGE, WAIT])
def test_the_fixtures_set_every_field(value: object) -> None:
    _every_field_differs_from_its_default(value)


def test_a_nudge_round_trips_with_its_token() -> None:
    back = records.decode_nudge(records.encode_nudge(NUDGE))
    assert back == NUDGE
    assert back.token == NUDGE.token  # not part of equality, kept all the same


def test_a_held_nudge_round_trips_with_its_count() -> None:
    held = HeldNudge(NUDGE, 4)
    back = records.decode_held(records.encode_held(held))
    assert back == held and back.nudge.token == NUDGE.token


def test_a_nudge_stored_by_an_older_version_still_reads() -> None:
    old = {
        "platform": "telegram", "user_id": "2", "chat_id": "-100", "message_id": "5",
        "clause": 6, "rule_id": "rude-mat-pizd", "label": "rudeness", "words": ["пиздец"],
        "suggestion": None, "step": "gentle", "count": 2,
    }  # fmt: skip
    held = records.decode_held(json.dumps(old))
    assert (held.count, held.nudge.language, held.nudge.direct) == (2, "ru", False)


def test_an_audit_entry_round_trips_and_carries_no_text() -> None:
    entry = AuditEntry(1_800_000_000_000, "telegram", "-100", "2", "5", 6, "rudeness",
                       ("rude-a", "rude-b"), id="1800000000000-0")  # fmt: skip
    fields = records.encode_audit(entry)
    assert records.decode_audit(entry.id, fields) == entry
    assert set(records.audit_row(entry)) == set(records.AUDIT_FIELDS)


def test_an_audit_entry_without_time_or_clause_is_skipped() -> None:
    assert records.decode_audit("1-0", {"platform": "slack", "chat": "C1"}) is None


@pytest.mark.parametrize("binding", [Binding("client", "Ромашка"), Binding("ignore")])
def test_a_binding_round_trips(binding: Binding) -> None:
    assert records.decode_binding(records.encode_binding(binding)) == binding


def test_no_binding_is_none() -> None:
    assert records.decode_binding({}) is None


def test_a_wait_round_trips() -> None:
    assert records.decode_wait(WAIT.wid, records.encode_wait(WAIT)) == WAIT


def test_an_answer_round_trips_in_the_stored_order() -> None:
    answer = Answer(1_800_000_000_000, "slack", "C1", 1260, True)
    raw = records.encode_answer(answer)
    assert json.loads(raw) == [1_800_000_000_000, "slack", "C1", 1260, True]
    assert records.decode_answer(raw.encode()) == answer


def test_a_wait_stored_by_an_older_version_reads_as_not_listed() -> None:
    fields = records.encode_wait(WAIT)
    assert records.decode_wait(WAIT.wid, fields).listed is True
    del fields["listed"]  # a wait opened before the mark existed
    assert records.decode_wait(WAIT.wid, fields).listed is False
