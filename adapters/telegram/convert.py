"""Pure converters from aiogram's types to kodeks's values: no I/O, no bot, no pipeline.

`to_incoming(update)` is the whole of what the pipeline learns from Telegram; the runner in
`adapters/telegram.py` only calls it and hands the result over.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.filters.callback_data import CallbackData
from aiogram.types import ChatMemberUpdated, Message, Update

from bot.domain.models import IncomingMessage, Platform

GROUP_TYPES = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})
_PRESENT = frozenset({ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR})
_ABSENT = frozenset({ChatMemberStatus.LEFT, ChatMemberStatus.KICKED})


def extract_message(update: Update) -> tuple[Message, bool] | None:
    """Return the update's message and whether it is an edit, or None for other update kinds."""
    # message / business_message: a new message in a group or in an employee's Business chat
    for new in (update.message, update.business_message):
        if new is not None:
            return new, False
    # edited_message / edited_business_message: checked again (the finding claim dedupes)
    for edited in (update.edited_message, update.edited_business_message):
        if edited is not None:
            return edited, True
    return None


def is_business(message: Message) -> bool:
    """Tell whether a message came through an employee's Telegram Business connection."""
    return message.business_connection_id is not None


def is_from_counterpart(message: Message) -> bool:
    """In a Business chat, tell whether the client (not the employee) wrote the message.

    A Business chat is the employee's private chat with the counterpart, so its id is the
    counterpart's user id: whoever else writes there is the employee (or their business bot).
    """
    return message.from_user is not None and message.from_user.id == message.chat.id


def to_incoming(update: Update) -> IncomingMessage | None:
    """Turn an update into the pipeline's message; None when it is not a message of ours."""
    found = extract_message(update)
    if found is None:
        return None
    message, is_edit = found
    author = message.from_user
    if author is None:  # channel posts and anonymous group admins (sender_chat) have no author
        return None
    text = message.text if message.text is not None else message.caption
    business = is_business(message)
    return IncomingMessage(
        platform=Platform.TELEGRAM,
        chat_id=str(message.chat.id),
        user_id=str(author.id),
        message_id=str(message.message_id),
        event_id=str(update.update_id),
        text=text or "",
        sent_at=message.date,
        is_edit=is_edit,
        reply_to=_reply_to(message),
        thread_id=str(message.message_thread_id) if message.is_topic_message else None,
        author_is_bot=author.is_bot or message.sender_business_bot is not None,
        is_forward=message.forward_origin is not None or bool(message.is_automatic_forward),
        is_service=text is None,  # joins, pins, titles…: no text or caption of a person
        author_external=is_from_counterpart(message) if business else None,
        business_connection_id=message.business_connection_id,
        is_private=message.chat.type == ChatType.PRIVATE and not business,
        chat_title=message.chat.title if message.chat.type in GROUP_TYPES else None,
    )


def _reply_to(message: Message) -> str | None:
    reply = message.reply_to_message
    return str(reply.message_id) if reply is not None else None


@dataclass(frozen=True, slots=True)
class ChatJoin:
    """The bot was added to a group: which chat, its title, and who added it."""

    chat_id: str
    title: str
    added_by: str


def to_chat_join(event: ChatMemberUpdated) -> ChatJoin | None:
    """Return the join when a `my_chat_member` update says the bot entered a group."""
    # my_chat_member: old status left/kicked → new status member/administrator, in a group
    if event.chat.type not in GROUP_TYPES:
        return None
    if event.old_chat_member.status not in _ABSENT:
        return None
    if event.new_chat_member.status not in _PRESENT:
        return None
    return ChatJoin(str(event.chat.id), event.chat.title or "", str(event.from_user.id))


def language_of_user(language_code: str | None) -> str:
    """Answer in English to users whose Telegram is in English, in Russian otherwise."""
    return "en" if (language_code or "").lower().startswith("en") else "ru"


class FeedbackButton(CallbackData, prefix="nf"):
    """The callback data of the «Это не нарушение» button: `nf:<nudge token>`."""

    token: str


def extract_feedback_token(data: str | None) -> str | None:
    """Return the nudge token of a feedback button press, or None for other callbacks."""
    if data is None:
        return None
    try:
        return FeedbackButton.unpack(data).token or None
    except (TypeError, ValueError):  # another callback, or not ours at all
        return None


def extract_check_text(argument: str | None, message: Message) -> str:
    """`/check TEXT`, or `/check` sent as a reply: the replied-to message's text or caption."""
    if argument and argument.strip():
        return argument
    reply = message.reply_to_message
    if reply is None:
        return ""
    return reply.text or reply.caption or ""
