"""Authorization in `Commands`: `/stats` and chat binding are for admins only.

Asked by a client (an external user), by a non-admin staff member, and by people whose id only
looks like an admin's, `Commands` refuses, binds nothing and shows no statistics. The same asks
over the real Telegram and Slack stacks are in `tests/e2e/test_authorization.py`.
"""

from __future__ import annotations

import pytest

from bot.core import Core
from bot.domain.config import AgencyConfig
from bot.domain.models import Platform
from bot.pipeline.commands import CommandCall, Commands
from bot.store.records import Binding
from bot.store.redis_store import RedisStore
from bot.texts import load_texts
from rules import Checker
from tests.support.bots import core_on

TEXTS = load_texts()
STATS_REFUSED = TEXTS.render("ru", "stats-refused")
ADMIN_ONLY = TEXTS.render("ru", "admin-only")
STATS_HEADER = TEXTS.render("ru", "stats-header", weeks=4)


def agency(ids: str) -> AgencyConfig:
    return AgencyConfig.model_validate(
        {
            "clients": [{"name": "Ромашка"}],
            "chats": [
                {"platform": "telegram", "id": f"-100{ids}", "kind": "client", "client": "Ромашка"}
            ],
            "staff": [
                {
                    "name": "Анна",
                    "telegram_id": f"1{ids}",
                    "slack_id": f"UADMIN{ids}",
                    "admin": True,
                },
                {"name": "Борис", "telegram_id": f"2{ids}", "slack_id": f"USTAFF{ids}"},
            ],
        }
    )


@pytest.fixture
def core(checker: Checker, store: RedisStore, ids: str) -> Core:
    return core_on(checker, agency(ids), store)


@pytest.fixture
def commands(core: Core) -> Commands:
    return core.commands


def askers(ids: str) -> list[tuple[Platform, str]]:
    """Everyone who is not an admin on the platform they ask from."""
    return [
        (Platform.TELEGRAM, f"2{ids}"),  # staff, not an admin
        (Platform.SLACK, f"USTAFF{ids}"),
        (Platform.TELEGRAM, f"3{ids}"),  # a client: in no staff list
        (Platform.SLACK, f"UCLIENT{ids}"),
        (Platform.SLACK, f"1{ids}"),  # the admin's Telegram id, asked from Slack
        (Platform.TELEGRAM, f"UADMIN{ids}"),  # the admin's Slack id, asked from Telegram
        (Platform.TELEGRAM, ""),  # no id at all
        (Platform.SLACK, ""),
        (Platform.TELEGRAM, f" 1{ids}"),  # look-alikes of the admin's id
        (Platform.SLACK, f"uadmin{ids}"),
    ]


async def test_commands_refuse_stats_and_bind_to_everyone_but_admins(
    commands: Commands, core: Core, ids: str
) -> None:
    chat = f"-100{ids}"
    for platform, user in askers(ids):
        stats = await commands.run(CommandCall(platform, user, "stats"))
        assert [r.text for r in stats] == [STATS_REFUSED], (platform, user)
        for argument in (f"{chat} ignore", f"-200{ids} internal", f"{chat} client Ромашка"):
            bound = await commands.run(CommandCall(platform, user, "bind", argument))
            assert [r.text for r in bound] == [ADMIN_ONLY], (platform, user, argument)
    for platform in Platform:
        for chat_id in (chat, f"-200{ids}"):
            assert await core.store.binding(platform.value, chat_id) is None


async def test_the_admin_may_on_either_platform(commands: Commands, core: Core, ids: str) -> None:
    for platform, user in ((Platform.TELEGRAM, f"1{ids}"), (Platform.SLACK, f"UADMIN{ids}")):
        (stats,) = await commands.run(CommandCall(platform, user, "stats"))
        assert stats.text.startswith(STATS_HEADER)
        await commands.run(CommandCall(platform, user, "bind", f"-300{ids} ignore"))
        assert await core.store.binding(platform.value, f"-300{ids}") == Binding("ignore")
