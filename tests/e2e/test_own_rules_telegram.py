"""The agency's own rules end to end on Telegram: the real aiogram stack against the Bot API
emulator, the checker built from agency.toml's [rules] as `kodeks run` builds it; `/code` lists
the agency's clause, `/check` and a message in a client group find its phrase."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.domain.config import load_config
from bot.domain.rulebook import checker_for
from tests.support import DATA
from tests.support.telegram import Emulator, private
from tests.support.telegram_bot import (
    AGENCY,
    BORIS,
    CLIENT_GROUP,
    Running,
    assert_nothing_public,
    start_bot,
)

OWN = DATA / "own_rules" / "rules.d"  # «Северный ветер»: clause 12 and its phrase
PROMISE = "Сделаем к завтра, не переживайте"
WITH_RULES = AGENCY + '\n[rules]\nfolder = "rules.d"\n'


@pytest.fixture
async def own_bot(emulator: Emulator, tmp_path: Path) -> AsyncIterator[Running]:
    """The Telegram bot in long polling, with the agency's rules folder beside agency.toml."""
    shutil.copytree(OWN, tmp_path / "rules.d")
    (tmp_path / "agency.toml").write_text(WITH_RULES, encoding="utf-8")
    checker = checker_for(load_config(tmp_path / "agency.toml"))
    async for running in start_bot(emulator, checker, tmp_path, "polling", WITH_RULES):
        yield running


async def test_code_lists_and_prints_the_agency_clause(own_bot: Running) -> None:
    face, chat = own_bot.face, private(BORIS)
    await face.command(BORIS, chat, "/code")
    (listing,) = await face.wait_for(BORIS["id"])
    assert "12. Сроки — только согласованные" in listing["text"]
    await face.command(BORIS, chat, "/code 12")
    clause = (await face.wait_for(BORIS["id"], count=2))[1]
    assert clause["text"].startswith("П. 12.")


async def test_check_finds_the_agency_phrase(own_bot: Running) -> None:
    await own_bot.face.command(BORIS, private(BORIS), f"/check {PROMISE}")
    (reply,) = await own_bot.face.wait_for(BORIS["id"])
    assert "п. 12" in reply["text"].lower()
    assert "«Сделаем к завтра»" in reply["text"]


async def test_the_agency_phrase_in_a_client_group_is_nudged_in_private(
    own_bot: Running,
) -> None:
    await own_bot.face.say(BORIS, CLIENT_GROUP, PROMISE)
    (nudge,) = await own_bot.face.wait_for(BORIS["id"])
    assert "п. 12" in nudge["text"]
    assert "«Сделаем к завтра»" in nudge["text"]
    await assert_nothing_public(own_bot.face)
