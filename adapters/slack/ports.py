"""Slack's ways out: nudges to the author only, escalations to the compliance channel or admins.

A nudge is a `chat.postEphemeral` in the message's channel (in its thread when it had one), which
only the author sees. When Slack refuses (the author left the channel, a channel the bot cannot
post in…), the nudge goes to the author's DM with the bot instead: never into the channel.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.convert import feedback_value, nudge_blocks
from adapters.slack.markup import escape
from bot.domain.config import AgencyConfig
from bot.domain.models import Escalation, Nudge, Platform
from bot.domain.ports import Delivery

log = logging.getLogger("adapters.slack")
# What a Web API call can raise besides Slack's own refusal: transport failures and timeouts.
_TRANSPORT = (SlackClientError, aiohttp.ClientError, asyncio.TimeoutError)
_SLACK_ID = re.compile(r"[A-Z0-9]+")  # user (U…, W…) and channel (C…, G…) ids


class SlackNotifier:
    """Nudge the author ephemerally, falling back to a DM."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def nudge(self, nudge: Nudge, text: str, button: str) -> Delivery:
        """Send the nudge where only its author sees it."""
        blocks = nudge_blocks(text, button, feedback_value(nudge))
        if nudge.direct:
            return await direct_message(self.client, nudge.user_id, escape(text), blocks)
        try:
            await self.client.chat_postEphemeral(
                channel=nudge.chat_id,
                user=nudge.user_id,
                text=escape(text),
                blocks=blocks,
                thread_ts=nudge.thread_id,
            )
        except SlackApiError as error:
            log.info(
                "ephemeral refused, trying a DM error=%s user=%s chat=%s",
                error.response.get("error"), nudge.user_id, nudge.chat_id,
            )  # fmt: skip
        except _TRANSPORT as error:
            log.warning("ephemeral failed error=%r user=%s", error, nudge.user_id)
            return Delivery.FAILED
        else:
            return Delivery.DELIVERED
        return await direct_message(self.client, nudge.user_id, escape(text), blocks)


async def direct_message(
    client: AsyncWebClient, user_id: str, text: str, blocks: list[dict[str, object]] | None = None
) -> Delivery:
    """Open (or find) the bot's DM with a user and post there."""
    try:
        opened = await client.conversations_open(users=user_id)
        channel = opened["channel"]["id"]
        await client.chat_postMessage(channel=channel, text=text, blocks=blocks)
    except SlackApiError as error:
        log.warning("DM refused error=%s user=%s", error.response.get("error"), user_id)
        return Delivery.FAILED
    except (*_TRANSPORT, KeyError, TypeError) as error:
        log.warning("DM failed error=%r user=%s", error, user_id)
        return Delivery.FAILED
    return Delivery.DELIVERED


@dataclass(frozen=True, slots=True)
class SlackMarkup:
    """Escalations in Slack's mrkdwn: `<@U…>` for people and `<#C…>` for channels, which Slack
    shows by their current names; everything else escaped."""

    language: str = "ru"  # the workspace's (`KODEKS_SLACK__LANGUAGE`)

    def escape(self, text: str) -> str:
        """Escape the three characters mrkdwn reserves."""
        return escape(text)

    def person(self, user_id: str, name: str | None) -> str:
        """`<@U…>`: Slack names the person itself, so the agency's name is not needed."""
        return f"<@{user_id}>" if _SLACK_ID.fullmatch(user_id) else escape(name or user_id)

    def chat(self, chat_id: str, title: str | None) -> str:
        """`<#C…>`: Slack names the channel itself."""
        return f"<#{chat_id}>" if _SLACK_ID.fullmatch(chat_id) else escape(title or chat_id)


class SlackCompliance:
    """Post escalations to `compliance.slack_channel`, or privately to each admin."""

    def __init__(self, client: AsyncWebClient, config: AgencyConfig, language: str = "ru") -> None:
        self.client = client
        self.channel = config.compliance.slack_channel
        self.admins = tuple(s.slack_id for s in config.staff if s.admin and s.slack_id)
        self._markup = SlackMarkup(language)

    def markup(self, platform: Platform) -> SlackMarkup:
        """Escalations from Slack are written in mrkdwn, in the workspace's language."""
        return self._markup

    async def escalate(self, escalation: Escalation, text: str) -> Delivery:
        """Post the summary (mrkdwn already); delivered when at least one reader got it."""
        if self.channel:
            try:
                await self.client.chat_postMessage(channel=self.channel, text=text)
            except (SlackApiError, *_TRANSPORT) as error:
                log.warning("escalation refused channel=%s error=%r", self.channel, error)
                return Delivery.FAILED
            return Delivery.DELIVERED
        results = [await direct_message(self.client, admin, text) for admin in self.admins]
        if Delivery.DELIVERED in results:
            return Delivery.DELIVERED
        log.warning("escalation reached no admin user=%s", escalation.user_id)
        return Delivery.FAILED
