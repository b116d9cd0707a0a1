"""Keep updates aiogram cannot read out of the logs, and count them.

aiogram logs a refused update with pydantic's or its decoder's error text, and that text quotes
the update, the message text included («Failed to fetch updates - ClientDecodeError: …» in
polling; «Task exception was never retrieved» from the webhook's background task). Message text
is never logged here, so a filter on those loggers keeps the error's type, counts the update as
unreadable, and drops the rest.
"""

from __future__ import annotations

import logging

from aiogram.exceptions import ClientDecodeError
from pydantic import ValidationError

_UNREADABLE = (ClientDecodeError, ValidationError)
log = logging.getLogger("adapters.telegram")
# aiogram's polling and webhook loggers, and asyncio's for exceptions of background tasks.
_LOGGERS = ("aiogram.dispatcher", "aiogram.webhook", "aiogram.event", "asyncio")


class UnreadableUpdates(logging.Filter):
    """Redact and count log records about updates that could not be parsed."""

    def __init__(self) -> None:
        super().__init__("kodeks-unreadable-updates")
        self.count = 0

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite a record that carries an unreadable update's error; let others through."""
        error = _unreadable_error(record)
        if error is not None:
            self.count += 1
            record.msg = "unreadable telegram update skipped - %s (count=%s)"
            record.args = (type(error).__name__, self.count)
            record.exc_info = None
            record.exc_text = None
        return True

    def skipped(self, error: str, update_id: object) -> None:
        """Count an update screened out of a polling batch, and log it by id."""
        self.count += 1
        log.error(
            "unreadable telegram update skipped - %s (update_id=%s, count=%s)",
            error, update_id if isinstance(update_id, int) else "?", self.count,
        )  # fmt: skip


def _unreadable_error(record: logging.LogRecord) -> BaseException | None:
    args = record.args if isinstance(record.args, tuple) else ()
    for value in args:
        if isinstance(value, _UNREADABLE):
            return value
    if record.exc_info and isinstance(record.exc_info[1], _UNREADABLE):
        return record.exc_info[1]
    return None


def install() -> UnreadableUpdates:
    """Attach one shared filter to the loggers that report unreadable updates."""
    for name in _LOGGERS:
        for existing in logging.getLogger(name).filters:
            if isinstance(existing, UnreadableUpdates):
                return existing
    unreadable = UnreadableUpdates()
    for name in _LOGGERS:
        logging.getLogger(name).addFilter(unreadable)
    return unreadable
