"""Long polling that survives an update aiogram cannot read.

aiogram parses a `getUpdates` answer as one list: a single update it refuses fails the whole
batch, the offset does not move, and Telegram serves the same batch again and again, so the bot
stalls behind one bad update. `ScreeningSession` reads the batch update by update first: an
unreadable one is counted and replaced by a bare `{"update_id": N}`, so aiogram's offset still
moves past it, and `skip_placeholders` drops that stand-in before any handler sees it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import TelegramObject, Update
from pydantic import ValidationError

from adapters.telegram.logs import UnreadableUpdates


class ScreeningSession(AiohttpSession):
    """aiogram's aiohttp session, reading each update of a `getUpdates` batch on its own."""

    def __init__(self, unreadable: UnreadableUpdates, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.unreadable = unreadable

    def check_response(
        self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int, content: str
    ) -> Response[TelegramType]:
        """Screen a batch of updates, then let aiogram check the answer as usual."""
        if isinstance(method, GetUpdates):
            content = self._screened(bot, content)
        return super().check_response(bot, method, status_code, content)

    def _screened(self, bot: Bot, content: str) -> str:
        try:
            answer = self.json_loads(content)
        except ValueError:
            return content  # not JSON at all: aiogram reports it and retries
        batch = answer.get("result") if isinstance(answer, dict) else None
        if not isinstance(batch, list):
            return content
        screened = [self._readable(bot, item) for item in batch]
        if all(after is before for after, before in zip(screened, batch, strict=True)):
            return content  # the usual case: every update readable, the answer untouched
        kept = [item for item in screened if item is not None]
        return str(self.json_dumps({**answer, "result": kept}))

    def _readable(self, bot: Bot, item: object) -> object | None:
        """The update as it came, its stand-in if aiogram refuses it, or None without an id."""
        try:
            Update.model_validate(item, context={"bot": bot})
        except ValidationError as error:
            update_id = item.get("update_id") if isinstance(item, dict) else None
            self.unreadable.skipped(type(error).__name__, update_id)
            if isinstance(update_id, int) and not isinstance(update_id, bool):
                return {"update_id": update_id}  # moves the offset past it
            return None
        return item


def is_placeholder(update: Update) -> bool:
    """Tell the stand-in for an unreadable update from a real one."""
    return not (update.model_fields_set - {"update_id"}) and not update.model_extra


async def skip_placeholders(
    handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
    event: TelegramObject,
    data: dict[str, Any],
) -> Any:
    """An outer middleware on the dispatcher's updates: the stand-ins go no further."""
    if isinstance(event, Update) and is_placeholder(event):
        return UNHANDLED
    return await handler(event, data)
