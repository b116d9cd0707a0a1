"""Recording fakes of the outbound ports, for unit tests of the pipeline and commands."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.models import Escalation, Nudge, Platform
from bot.domain.ports import Delivery, PlainMarkup


@dataclass
class RecordingNotifier:
    """Records every nudge; answers UNREACHABLE for users who never started the bot."""

    unreachable: set[str] = field(default_factory=set)
    sent: list[tuple[Nudge, str, str]] = field(default_factory=list)

    async def nudge(self, nudge: Nudge, text: str, button: str) -> Delivery:
        if nudge.user_id in self.unreachable:
            return Delivery.UNREACHABLE
        self.sent.append((nudge, text, button))
        return Delivery.DELIVERED


@dataclass
class RecordingCompliance:
    """Records every escalation."""

    posted: list[tuple[Escalation, str]] = field(default_factory=list)

    def markup(self, platform: Platform) -> PlainMarkup:
        return PlainMarkup()

    async def escalate(self, escalation: Escalation, text: str) -> Delivery:
        self.posted.append((escalation, text))
        return Delivery.DELIVERED


@dataclass
class RecordingReplier:
    """Records every private reply."""

    replies: list[tuple[Platform, str, str]] = field(default_factory=list)

    async def reply(self, platform: Platform, user_id: str, text: str) -> Delivery:
        self.replies.append((platform, user_id, text))
        return Delivery.DELIVERED
