"""The outage journal: what waits for Redis outlives the process, without the message's text."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.policy import ClauseFindings
from bot.pipeline.outage import OutageBuffer, Pending, decode_pending, encode_pending
from bot.store.journal import Journal, JournalError
from rules import Label
from tests.support.bots import RUDE, message

GROUP = ClauseFindings(6, Label.RUDENESS, ("rude-mat-pizd",), ("пиздец",), "Скажите прямо")


def _pending(n: int) -> Pending:
    return Pending.of(message(RUDE, n, "11"), [GROUP], "ru")


def test_a_pending_message_keeps_every_field_but_the_text() -> None:
    pending = _pending(1)
    record = encode_pending(pending)

    back = decode_pending(record, row=7)

    assert "а не макет" not in record  # the text is gone; the matched word stays
    assert back.message.text == ""
    assert (back.message, back.groups, back.language) == (
        pending.message, pending.groups, pending.language,
    )  # fmt: skip
    assert back.accepted_at_ms == pending.accepted_at_ms and back.row == 7


async def test_a_new_buffer_on_the_same_journal_starts_with_what_was_left(tmp_path: Path) -> None:
    path = tmp_path / "state" / "outage.sqlite3"
    first = OutageBuffer(journal=Journal(path))
    for n in range(3):
        assert first.keep(_pending(n))
    await first.drain(lambda p: _true())  # Redis took them all…
    for n in range(3, 6):
        first.keep(_pending(n))  # …then went away again: these three wait
    assert first.journal is not None
    first.journal.close()  # the process stops

    second = OutageBuffer(journal=Journal(path))

    assert [p.message.message_id for p in second.items] == ["3", "4", "5"]
    recorded: list[str] = []

    async def record(pending: Pending) -> bool:
        recorded.append(pending.message.message_id)
        return True

    assert await second.drain(record) == 3
    assert recorded == ["3", "4", "5"]
    assert second.journal is not None and second.journal.rows() == []


async def _true() -> bool:
    return True


def test_an_unreadable_record_is_dropped_with_a_line_of_its_row(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    journal = Journal(tmp_path / "outage.sqlite3")
    journal.append('{"not": "a pending message"}')
    journal.append(encode_pending(_pending(1)))

    buffer = OutageBuffer(journal=journal)

    assert len(buffer) == 1
    assert "unreadable journal record dropped row=1" in caplog.text
    assert len(journal.rows()) == 1


def test_a_journal_that_cannot_be_opened_says_where_and_what_to_set(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")

    with pytest.raises(JournalError, match="KODEKS_JOURNAL") as refused:
        Journal(blocker / "outage.sqlite3")  # a folder that is a file

    assert str(blocker) in str(refused.value)
