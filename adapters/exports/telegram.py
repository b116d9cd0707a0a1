"""Telegram Desktop's `result.json`, streamed: one chat's export or the whole account's.

Shapes handled (Telegram Desktop, "Export chat history" / "Export Telegram data", JSON format):

- one chat: `{"name", "type", "id", "messages": [...]}`;
- the account: `{"personal_information": {"user_id"}, "chats": {"list": [chat, ...]},
  "left_chats": {"list": [...]}, ...}`, each chat shaped as above.

A message is `{"id", "type": "message"|"service", "date", "date_unixtime", "from", "from_id":
"user123", "text": str | [str | {"type", "text"}], "forwarded_from"?, "reply_to_message_id"?,
"photo"/"file"?, ...}`; a media message's caption is its `text`. Unknown fields are ignored. The
JSON is parsed as a stream of events (ijson, C backend when built), and only one message is
ever held whole. Bytes that are not UTF-8 and lone surrogate escapes cost their message only
(`clean.Cleaned`), counted as «unreadable text» under the file's name.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import ijson  # type: ignore[import-untyped]

from adapters.exports.archive import ZipPlace, damaged
from adapters.exports.clean import Cleaned
from bot.domain.exports import (
    CHAT_WITHOUT_ID,
    MALFORMED_MESSAGE,
    UNREADABLE,
    UNREADABLE_TEXT,
    ExportedMessage,
    ExportError,
    ReadStats,
)
from bot.domain.models import IncomingMessage, Platform

# Chat fields read from the chat object's header; prefixes of the three places chats live.
_CHAT_PREFIXES = ("", "chats.list.item", "left_chats.list.item")
_CHAT_FIELDS = {
    f"{base}.{name}".lstrip("."): (base, name)
    for base in _CHAT_PREFIXES
    for name in ("name", "type", "id")
}
_CHAT_STARTS = frozenset(p for p in _CHAT_PREFIXES if p)
_MESSAGE_PREFIXES = frozenset(f"{p}.messages.item".lstrip(".") for p in _CHAT_PREFIXES)
# Bot API ids: supergroups and channels are -100<id>, basic groups -<id>, people <id>.
_CHANNEL_TYPES = frozenset(
    {"private_supergroup", "public_supergroup", "private_channel", "public_channel"}
)
_NOT_WATCHED = frozenset({"saved_messages", "bot_chat"})  # the bot never sees these
_OWNER = "personal_information.user_id"


class _Counting(io.RawIOBase):
    """A binary file that counts the bytes read, for the progress bar."""

    def __init__(self, raw: BinaryIO, stats: ReadStats) -> None:
        self.raw = raw
        self.stats = stats

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        self.stats.done += count or 0
        return int(count or 0)


class TelegramExport:
    """A Telegram Desktop export (`result.json`)."""

    def __init__(self, path: Path, place: ZipPlace | None = None) -> None:
        self.path = path
        self.place = place  # result.json's folder inside a zip, when it came zipped
        self.stats = ReadStats()
        self.owner: str | None = None  # who exported: the account's own user id
        self._name = f"{place}/{place.root}result.json" if place else str(path)

    def messages(self) -> Iterator[ExportedMessage]:
        """Yield every chat's messages in file order."""
        with ExitStack() as stack:
            raw = self._open(stack)
            counted = _Counting(raw, self.stats)
            stream = io.BufferedReader(Cleaned(counted), buffer_size=1 << 16)  # type: ignore[arg-type]
            try:
                yield from self._walk(ijson.parse(stream, use_float=True))
            except (ijson.JSONError, UnicodeDecodeError) as error:
                raise self._broken(error) from None
            except (zipfile.BadZipFile, zlib.error, EOFError) as error:
                raise damaged(str(self.place), error) from None

    def _open(self, stack: ExitStack) -> BinaryIO:
        if self.place is not None:
            archive = stack.enter_context(self.place.open())
            member = f"{self.place.root}result.json"
            self.stats.total = archive.getinfo(member).file_size
            return stack.enter_context(archive.open(member))  # type: ignore[return-value]
        try:
            raw = stack.enter_context(self.path.open("rb"))
        except OSError as error:
            msg = f"{self.path}: cannot read ({error.strerror})"
            raise ExportError(msg) from error
        self.stats.total = self.path.stat().st_size
        return raw

    def _broken(self, error: Exception) -> ExportError:
        reason = (str(error).splitlines() or ["?"])[0]  # yajl adds a drawn pointer
        msg = (
            f"{self._name}: broken JSON after {self.stats.done:,} bytes"
            f" and {self.stats.messages:,} messages ({reason}); the file may be cut"
            " short: export it again, in JSON format"
        )
        return ExportError(msg)

    def _walk(self, events: Iterator[tuple[str, str, Any]]) -> Iterator[ExportedMessage]:
        chat: dict[str, Any] = {}
        builder: Any = None
        message_prefix = ""
        for prefix, event, value in events:
            if builder is not None:
                if event == "end_map" and prefix == message_prefix:
                    yield from self._one(chat, builder.value)
                    builder = None
                else:
                    builder.event(event, value)
            elif event == "start_map" and prefix in _MESSAGE_PREFIXES:
                builder, message_prefix = ijson.ObjectBuilder(), prefix
                builder.event(event, value)
            elif prefix in _CHAT_FIELDS and event in ("string", "number"):
                chat[_CHAT_FIELDS[prefix][1]] = value
            elif event == "start_map" and prefix in _CHAT_STARTS:
                chat = {}
            elif prefix == _OWNER and event in ("string", "number"):
                self.owner = str(value)

    def _one(self, chat: dict[str, Any], raw: Any) -> Iterator[ExportedMessage]:
        converted = to_exported(chat, raw)
        if converted == UNREADABLE_TEXT:
            self.stats.damaged[self._name] += 1
        if isinstance(converted, str):
            self.stats.skipped[converted] += 1
            return
        self.stats.messages += 1
        yield converted


def to_exported(chat: dict[str, Any], raw: Any) -> ExportedMessage | str:
    """Convert one exported message; a string is the reason it was skipped."""
    if not isinstance(raw, dict) or "id" not in raw:
        return MALFORMED_MESSAGE
    if "id" not in chat or "type" not in chat:
        return CHAT_WITHOUT_ID
    sent_at = extract_date(raw)
    text = extract_text(raw.get("text", ""))
    if sent_at is None or text is None:
        return MALFORMED_MESSAGE
    if UNREADABLE in text:
        return UNREADABLE_TEXT
    chat_type = str(chat["type"])
    chat_id = to_bot_api_id(chat_type, chat["id"])
    message = IncomingMessage(
        platform=Platform.TELEGRAM,
        chat_id=chat_id,
        user_id=extract_user_id(raw.get("from_id") or raw.get("actor_id")),
        message_id=str(raw["id"]),
        event_id=f"{chat_id}:{raw['id']}",
        text=text,
        sent_at=sent_at,
        reply_to=_optional(raw.get("reply_to_message_id")),
        is_forward="forwarded_from" in raw,
        is_service=raw.get("type") == "service",
        is_private=chat_type in _NOT_WATCHED,
    )
    author = raw.get("from") or raw.get("actor") or ""
    return ExportedMessage(message, str(chat.get("name") or chat_id), str(author), chat_type)


def to_bot_api_id(chat_type: str, raw_id: Any) -> str:
    """Return the chat id the Bot API (and so `agency.toml`) uses for an exported chat."""
    if chat_type in _CHANNEL_TYPES:
        return f"-100{raw_id}"
    if chat_type == "private_group":
        return f"-{raw_id}"
    return str(raw_id)


def extract_user_id(from_id: Any) -> str:
    """Return the author's id: `user123` is user 123; channels keep their prefix."""
    text = str(from_id or "")
    return text.removeprefix("user")


def extract_text(text: Any) -> str | None:
    """Join a text given as a string or as a list of strings and entities; None if neither."""
    # "text": "plain"
    if isinstance(text, str):
        return text
    if not isinstance(text, list):
        return None
    # "text": ["plain ", {"type": "bold", "text": "bold"}, ...]
    parts = []
    for part in text:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict) and isinstance(part.get("text"), str):
            parts.append(part["text"])
        else:
            return None
    return "".join(parts)


def extract_date(raw: dict[str, Any]) -> datetime | None:
    """Return when a message was sent: `date_unixtime` (UTC), else `date` (read as UTC)."""
    try:
        if "date_unixtime" in raw:
            return datetime.fromtimestamp(int(raw["date_unixtime"]), UTC)
        return datetime.fromisoformat(str(raw["date"])).replace(tzinfo=UTC)
    except (KeyError, ValueError, TypeError, OverflowError, OSError):
        return None


def _optional(value: Any) -> str | None:
    return None if value is None else str(value)
