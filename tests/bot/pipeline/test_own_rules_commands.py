"""The agency's own rules through the bot: `/code` lists its clause, `/check` and passive
monitoring find its phrase (the checker built from agency.toml as `kodeks run` builds it)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core import Core
from bot.domain.config import AgencyConfig, load_config
from bot.domain.models import IncomingMessage, Platform
from bot.domain.rulebook import checker_for
from bot.pipeline.commands import CommandCall
from bot.pipeline.handle import Status
from bot.store.redis_store import RedisStore
from rules import Checker
from tests.support import DATA
from tests.support.bots import agency, core_on
from tests.support.fakes import RecordingCompliance, RecordingNotifier

OWN_AGENCY = DATA / "own_rules" / "agency.toml"  # «Северный ветер»: clause 12 and its phrase
PROMISE = "Сделаем к завтра, не переживайте"


@pytest.fixture(scope="module")
def own_rules() -> AgencyConfig:
    return load_config(OWN_AGENCY)


@pytest.fixture(scope="module")
def own_checker(own_rules: AgencyConfig) -> Checker:
    return checker_for(own_rules)


@pytest.fixture
def bot(
    own_checker: Checker, own_rules: AgencyConfig, store: RedisStore, ids: str
) -> tuple[Core, RecordingNotifier]:
    """The test agency's chats and staff, with «Северный ветер»'s [rules]."""
    config = AgencyConfig.model_validate(agency(ids)).model_copy(update={"rules": own_rules.rules})
    notifier = RecordingNotifier()
    return core_on(own_checker, config, store, notifier, RecordingCompliance()), notifier


async def ask(core: Core, user: str, name: str, argument: str = "") -> str:
    replies = await core.commands.run(CommandCall(Platform.TELEGRAM, user, name, argument))
    return "\n".join(reply.text for reply in replies)


async def test_code_lists_the_agency_clause_after_the_shipped_ones(
    bot: tuple[Core, RecordingNotifier], ids: str
) -> None:
    core, _ = bot
    listing = await ask(core, f"2{ids}", "code")
    assert "11. " in listing
    assert "12. Сроки — только согласованные" in listing
    assert "13. " not in listing
    clause = await ask(core, f"2{ids}", "code", "12")
    assert clause.startswith("П. 12.")
    assert "не согласованные с производством Агентства" in clause


async def test_check_finds_the_agency_phrase_under_its_clause(
    bot: tuple[Core, RecordingNotifier], ids: str
) -> None:
    core, _ = bot
    text = await ask(core, f"2{ids}", "check", PROMISE)
    assert "п. 12" in text.lower()
    assert "«Сделаем к завтра»" in text
    assert "Уточню срок у производства" in text


async def test_a_message_with_the_agency_phrase_is_nudged(
    bot: tuple[Core, RecordingNotifier], ids: str
) -> None:
    core, notifier = bot
    message = IncomingMessage(
        platform=Platform.TELEGRAM, chat_id=f"-100{ids}", user_id=f"2{ids}", message_id="1",
        event_id=f"own{ids}", text=PROMISE, sent_at=datetime(2026, 11, 26, 12, tzinfo=UTC),
    )  # fmt: skip
    outcome = await core.pipeline.handle(message)
    assert outcome.status is Status.RECORDED
    [(nudge, text, _)] = notifier.sent
    assert nudge.clause == 12
    assert "/code 12" in text
