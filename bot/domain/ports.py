"""The outbound side: small protocols each adapter implements, one method each.

Nothing the bot sends is visible to anyone but the author, except what the escalation policy
sends to the compliance channel. These ports are the only way out, so tests check every call.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from bot.domain.models import Escalation, Nudge, Platform


class Delivery(StrEnum):
    """What became of a private message."""

    DELIVERED = "delivered"
    UNREACHABLE = "unreachable"  # the platform will not let the bot write first (Telegram 403)
    FAILED = "failed"


class Notifier(Protocol):
    """Sends a private nudge to a message's author."""

    async def nudge(self, nudge: Nudge, text: str, button: str) -> Delivery:
        """Send `text` to the author only, with a feedback button labelled `button`."""


class ComplianceChannel(Protocol):
    """Posts escalations where the compliance lead reads them."""

    async def escalate(self, escalation: Escalation, text: str) -> Delivery:
        """Post an escalation summary to the compliance channel or the admins."""


class Replier(Protocol):
    """Answers a command privately."""

    async def reply(self, platform: Platform, user_id: str, text: str) -> Delivery:
        """Send `text` to the user who gave the command, privately."""


@dataclass(frozen=True, slots=True)
class Ports:
    """The ways out of the pipeline, as one platform (or a test) provides them."""

    notifier: Notifier
    compliance: ComplianceChannel
