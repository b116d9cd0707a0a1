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


class Markup(Protocol):
    """How a platform writes what its compliance readers see: escaped text, and mentions.

    Escalations name people and chats the platform's own way (Slack `<@U…>` and `<#C…>`, a
    Telegram link to the person), so the reader can open them; everything else is escaped.
    """

    @property
    def language(self) -> str:
        """The language escalations on this platform are written in."""

    def escape(self, text: str) -> str:
        """Make plain text safe in the platform's markup."""

    def person(self, user_id: str, name: str | None) -> str:
        """A mention of a person, by the agency's name for them where it has one."""

    def chat(self, chat_id: str, title: str | None) -> str:
        """A mention of a chat, by its title where known (never by a message's text)."""


@dataclass(frozen=True, slots=True)
class PlainMarkup:
    """No markup at all: names and ids as they are, for ports that send plain text."""

    language: str = "ru"

    def escape(self, text: str) -> str:
        """Plain text needs no escaping."""
        return text

    def person(self, user_id: str, name: str | None) -> str:
        """The name and the id."""
        return f"{name} ({user_id})" if name else user_id

    def chat(self, chat_id: str, title: str | None) -> str:
        """The title and the id."""
        return f"{title} ({chat_id})" if title else chat_id


class ComplianceChannel(Protocol):
    """Posts escalations where the compliance lead reads them."""

    def markup(self, platform: Platform) -> Markup:
        """How escalations from `platform` are to be written."""

    async def escalate(self, escalation: Escalation, text: str) -> Delivery:
        """Post an escalation summary (already in `markup`) to the compliance channel or admins."""


class Replier(Protocol):
    """Answers a command privately."""

    async def reply(self, platform: Platform, user_id: str, text: str) -> Delivery:
        """Send `text` to the user who gave the command, privately."""


@dataclass(frozen=True, slots=True)
class Ports:
    """The ways out of the pipeline, as one platform (or a test) provides them."""

    notifier: Notifier
    compliance: ComplianceChannel


class PlatformAdapter(Protocol):
    """One messenger: its outbound ports, and a loop that feeds the pipeline until cancelled."""

    platform: Platform
    ports: Ports

    async def run(self) -> None:
        """Receive events (polling, webhook, Socket Mode, …) until cancelled."""


class PlatformRouter:
    """Notifier and compliance channel that dispatch by platform: the pipeline's one way out.

    The root registers each platform's ports once its adapter is built; a nudge or escalation
    goes back through the platform its message came from.
    """

    def __init__(self) -> None:
        self._ports: dict[Platform, Ports] = {}

    def register(self, platform: Platform, ports: Ports) -> None:
        """Route this platform's nudges and escalations through `ports`."""
        self._ports[platform] = ports

    async def nudge(self, nudge: Nudge, text: str, button: str) -> Delivery:
        """Send a nudge through the platform its message came from."""
        ports = self._ports.get(nudge.platform)
        if ports is None:
            return Delivery.FAILED
        return await ports.notifier.nudge(nudge, text, button)

    def markup(self, platform: Platform) -> Markup:
        """The markup of the platform escalations from `platform` go through."""
        ports = self._ports.get(platform)
        return ports.compliance.markup(platform) if ports is not None else PlainMarkup()

    async def escalate(self, escalation: Escalation, text: str) -> Delivery:
        """Post an escalation through the platform of the message that crossed the threshold."""
        ports = self._ports.get(escalation.platform)
        if ports is None:
            return Delivery.FAILED
        return await ports.compliance.escalate(escalation, text)

    def as_ports(self) -> Ports:
        """The router as both ways out."""
        return Ports(self, self)
