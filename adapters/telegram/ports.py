"""Telegram's outbound ports: private nudges with the feedback button, escalations, replies.

Every message goes to a person's private chat with the bot (or the configured compliance chat),
never to the chat a message came from and never through a Business connection: on a Business
message aiogram's `message.answer()` would write into the client's chat, as the employee.
"""

from __future__ import annotations

import asyncio
import html
import logging
from dataclasses import dataclass

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from adapters.telegram.convert import FeedbackButton
from bot.domain.config import AgencyConfig
from bot.domain.models import Escalation, Nudge, Platform
from bot.domain.ports import Delivery

log = logging.getLogger("adapters.telegram")
MAX_RETRY_AFTER_S = 30  # wait out a flood limit this long at most; longer ones fail the send
MAX_ATTEMPTS = 3


async def send_private(
    bot: Bot,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    parse_mode: str | None = None,
) -> Delivery:
    """Send one message, honouring RetryAfter (bounded); 403 means the user never started us.

    Plain text unless told otherwise: nudges and replies quote words people wrote, which no
    parse mode should read as markup; escalations come in HTML, escaped (`TelegramMarkup`).
    """
    for _ in range(MAX_ATTEMPTS):
        try:
            await bot.send_message(chat_id, text, reply_markup=markup, parse_mode=parse_mode)
        except TelegramRetryAfter as error:
            if error.retry_after > MAX_RETRY_AFTER_S:
                log.warning("flood wait too long chat=%s seconds=%s", chat_id, error.retry_after)
                return Delivery.FAILED
            await asyncio.sleep(error.retry_after)
            continue
        except TelegramForbiddenError:
            # The user never started the bot (or blocked it): the pipeline holds the nudge.
            return Delivery.UNREACHABLE
        except (TelegramAPIError, OSError, TimeoutError) as error:
            log.warning("send failed chat=%s error=%s", chat_id, type(error).__name__)
            return Delivery.FAILED
        return Delivery.DELIVERED
    log.warning("send failed after %s flood waits chat=%s", MAX_ATTEMPTS, chat_id)
    return Delivery.FAILED


def feedback_markup(token: str, label: str) -> InlineKeyboardMarkup:
    """The «Это не нарушение» button; its payload is the nudge's token."""
    button = InlineKeyboardButton(text=label, callback_data=FeedbackButton(token=token).pack())
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


class TelegramNotifier:
    """Sends nudges to the author's private chat with the bot."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def nudge(self, nudge: Nudge, text: str, button: str) -> Delivery:
        """Send the nudge privately, never into the chat (or Business chat) it was about."""
        markup = feedback_markup(nudge.token, button) if nudge.token else None
        return await send_private(self.bot, int(nudge.user_id), text, markup)


@dataclass(frozen=True, slots=True)
class TelegramMarkup:
    """Escalations in Telegram's HTML: a person as a `tg://user` link with their name, a chat by
    its title, everything else escaped."""

    language: str = "ru"  # who reads escalations is not known: the agency's own language

    def escape(self, text: str) -> str:
        """Escape what Telegram's HTML parse mode reserves (`<`, `>`, `&`)."""
        return html.escape(text, quote=False)

    def person(self, user_id: str, name: str | None) -> str:
        """A link to the person that opens their profile, named as the agency names them."""
        if not user_id.isdigit():  # not a Telegram user id: nothing to link to
            return self.escape(name or user_id)
        label = self.escape(name or user_id)
        return f'<a href="tg://user?id={user_id}">{label}</a>'

    def chat(self, chat_id: str, title: str | None) -> str:
        """The chat's title, bold, with its id (for /bind and agency.toml); else the id alone."""
        where = f"<code>{self.escape(chat_id)}</code>"
        return f"<b>{self.escape(title)}</b> ({where})" if title else where


class TelegramCompliance:
    """Posts escalations to the compliance chat, or else to each admin privately."""

    def __init__(self, bot: Bot, config: AgencyConfig) -> None:
        self.bot = bot
        self.config = config

    def targets(self) -> list[int]:
        """Where escalations go: the configured compliance chat, or every admin's private chat."""
        if self.config.compliance.telegram_chat is not None:
            return [int(self.config.compliance.telegram_chat)]
        return [int(s.telegram_id) for s in self.config.staff if s.admin and s.telegram_id]

    def markup(self, platform: Platform) -> TelegramMarkup:
        """Escalations from Telegram are written in its HTML."""
        return TelegramMarkup()

    async def escalate(self, escalation: Escalation, text: str) -> Delivery:
        """Send the summary (HTML); delivered when at least one target got it."""
        results = [
            await send_private(self.bot, target, text, parse_mode=ParseMode.HTML)
            for target in self.targets()
        ]
        if Delivery.DELIVERED in results:
            return Delivery.DELIVERED
        log.warning("escalation not delivered user=%s", escalation.user_id)
        return Delivery.FAILED
