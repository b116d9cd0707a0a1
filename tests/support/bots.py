"""Bots the unit tests build: the core wired as `kodeks run` wires it, with recording ports.

Also the agencies and messages several test modules share, so no test module imports another.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import fakeredis

from bot.core import Core, build_core
from bot.domain.config import AgencyConfig
from bot.domain.models import IncomingMessage, Platform
from bot.domain.ports import Notifier, Ports
from bot.store.redis_store import RedisStore
from rules import Checker
from tests.support.fakes import RecordingCompliance, RecordingNotifier

RUDE = "ну это пиздец, а не макет"


def agency(ids: str) -> dict[str, Any]:
    """An agency whose ids get the test's suffix, so tests never share keys."""
    return {
        "clients": [{"name": "Ромашка"}, {"name": "Лисичкин"}],
        "chats": [
            {"platform": "telegram", "id": f"-100{ids}", "kind": "client", "client": "Ромашка"},
            {"platform": "telegram", "id": f"-200{ids}", "kind": "internal"},
        ],
        "staff": [
            {"name": "Анна", "telegram_id": f"1{ids}", "admin": True},
            {"name": "Борис", "telegram_id": f"2{ids}"},
            {"name": "Вера", "telegram_id": f"3{ids}"},
        ],
        "policy": {"nudge_window_minutes": 0},
    }


# One client chat -100 with three staff members 11, 12, 13; escalations out of the way.
SMALL_AGENCY = AgencyConfig.model_validate(
    {
        "clients": [{"name": "Ромашка"}],
        "chats": [{"platform": "telegram", "id": "-100", "kind": "client", "client": "Ромашка"}],
        "staff": [{"name": f"s{u}", "telegram_id": u} for u in ("11", "12", "13")],
        "policy": {"nudge_window_minutes": 0, "escalate_from": 1000},
    }
)


def message(text: str, n: int = 1, user: str = "11") -> IncomingMessage:
    """Message `n` of `user` in SMALL_AGENCY's client chat."""
    return IncomingMessage(
        platform=Platform.TELEGRAM, chat_id="-100", user_id=user, message_id=str(n),
        event_id=f"u{n}", text=text, sent_at=datetime(2026, 11, 26, tzinfo=UTC),
    )  # fmt: skip


def embedded_store() -> RedisStore:
    """A store on a fakeredis server of its own."""
    return RedisStore(fakeredis.FakeAsyncRedis(server=fakeredis.FakeServer()), embedded=True)


def core_on(
    checker: Checker,
    config: AgencyConfig = SMALL_AGENCY,
    store: RedisStore | None = None,
    notifier: Notifier | None = None,
    compliance: RecordingCompliance | None = None,
    **options: Any,
) -> Core:
    """The bot on `store` (a fresh embedded one by default), nudging through recording ports."""
    ports = Ports(notifier or RecordingNotifier(), compliance or RecordingCompliance())
    return build_core(
        config=config, checker=checker, store=store or embedded_store(), ports=ports, **options
    )
