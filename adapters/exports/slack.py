"""A Slack export, streamed: its folder, or a zip holding it (`archive`), one day file at a time.

Shape (Slack's workspace export): `users.json` (`[{"id", "team_id", "name", "real_name",
"is_bot"}]`), `channels.json` (public channels), and where present `groups.json` (private),
`mpims.json` and `dms.json`, each `[{"id", "name", "members", "is_ext_shared"?}]`; then one folder
per conversation (by `name`, DMs by `id`) holding `YYYY-MM-DD.json` files, each a list of
messages `{"type": "message", "subtype"?, "user", "text", "ts", "thread_ts"?, "team"?,
"user_team"?, "bot_id"?, "files"?}`.

Slack Connect: people of other workspaces appear in `users.json` with another `team_id`, or only
on their messages (`user_team`/`team`). The agency's workspace is the one most of `users.json`
belongs to. A conversation with an outside member is shared (a client's, unless `agency.toml`
says otherwise); an author whose workspace is nowhere to be found is counted and left to
`agency.toml`'s staff list.
"""

from __future__ import annotations

import io
import json
import logging
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

import ijson  # type: ignore[import-untyped]

from adapters.exports.archive import ZipPlace, damaged
from adapters.exports.clean import Cleaned
from adapters.slack.markup import is_written, to_plain
from bot.domain.exports import (
    AUTHOR_MISSING,
    BROKEN_DAY_FILE,
    MALFORMED_CONVERSATION,
    MALFORMED_MESSAGE,
    UNREADABLE,
    UNREADABLE_TEXT,
    ExportedMessage,
    ExportError,
    ReadStats,
)
from bot.domain.models import IncomingMessage, Platform

log = logging.getLogger("adapters.exports")
_LISTS = (("channels.json", "channel"), ("groups.json", "group"), ("mpims.json", "mpim"))
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\.json")


@dataclass(frozen=True, slots=True)
class Person:
    """A member as `users.json` knows them."""

    name: str
    team: str | None
    is_bot: bool


@dataclass(frozen=True, slots=True)
class Conversation:
    """A channel, private channel, group DM or DM, and whether outsiders are in it."""

    id: str
    name: str
    folder: str
    kind: str
    shared: bool


def is_slack_export(path: Path) -> bool:
    """Tell whether `path` is a Slack export folder (zips: `archive.locate`)."""
    return path.is_dir() and ((path / "users.json").is_file() or (path / "channels.json").is_file())


class _Source:
    """The export's files, from a folder or a zip, by their path inside the export."""

    def __init__(self, path: Path, archive: zipfile.ZipFile | None, root: str = "") -> None:
        self.path = path
        self.archive = archive
        self.root = root
        if archive is not None:
            self.names = {
                n.removeprefix(root)
                for n in archive.namelist()
                if n.startswith(root) and not n.endswith("/")
            }
        else:
            self.names = {
                p.relative_to(path).as_posix() for p in path.rglob("*.json") if p.is_file()
            }

    def open(self, name: str) -> IO[bytes]:
        if self.archive is not None:
            return self.archive.open(self.root + name)
        return (self.path / name).open("rb")

    def load(self, name: str) -> Any:
        """Read a small list file whole (users, channels); a missing one is empty."""
        if name not in self.names:
            return []
        try:
            with self.open(name) as file:
                return json.load(file)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            msg = f"{self.path}: {name} is not valid JSON ({error}); export the workspace again"
            raise ExportError(msg) from None
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise damaged(f"{self.path}: {name}", error) from None


class SlackExport:
    """A Slack workspace export."""

    def __init__(self, path: Path, place: ZipPlace | None = None) -> None:
        self.path = path
        self.place = place  # the export's folder inside a zip, when it came zipped
        self.stats = ReadStats()
        self.team: str | None = None  # the agency's own workspace
        self._shared: set[str] = set()  # conversations an outsider was seen writing in

    def messages(self) -> Iterator[ExportedMessage]:
        """Yield every conversation's messages, day by day."""
        with ExitStack() as stack:
            source = self._open(stack)
            people = self._people(source.load("users.json"))
            conversations = list(self._conversations(source, people))
            days = {c.id: _days(source, c.folder) for c in conversations}
            self.stats.total = sum(len(d) for d in days.values())
            for conversation in conversations:
                for day in days[conversation.id]:
                    yield from self._day(source, conversation, day, people)
                    self.stats.done += 1

    def _open(self, stack: ExitStack) -> _Source:
        if self.place is not None:
            archive = stack.enter_context(self.place.open())
            return _Source(self.path, archive, self.place.root)
        try:
            return _Source(self.path, None)
        except OSError as error:
            msg = f"{self.path}: cannot open the Slack export ({error})"
            raise ExportError(msg) from error

    def _people(self, users: Any) -> dict[str, Person]:
        if not isinstance(users, list):
            msg = f"{self.path}: users.json is not a list of users; export the workspace again"
            raise ExportError(msg)
        people = {
            str(u["id"]): Person(_name(u), u.get("team_id"), bool(u.get("is_bot")))
            for u in users
            if isinstance(u, dict) and "id" in u
        }
        teams = Counter(p.team for p in people.values() if p.team and not p.is_bot)
        self.team = teams.most_common(1)[0][0] if teams else None
        return people

    def _conversations(self, source: _Source, people: dict[str, Person]) -> Iterator[Conversation]:
        for list_name, kind in (*_LISTS, ("dms.json", "dm")):
            for raw in _as_list(source.load(list_name)):
                if not isinstance(raw, dict) or "id" not in raw:
                    self.stats.skipped[MALFORMED_CONVERSATION] += 1
                    continue
                cid = str(raw["id"])
                folder = cid if kind == "dm" else str(raw.get("name") or cid)
                members = _as_list(raw.get("members"))
                outsiders = any(self._is_external(people.get(str(m))) for m in members)
                shared = bool(raw.get("is_ext_shared")) or outsiders
                yield Conversation(cid, str(raw.get("name") or cid), folder, kind, shared)

    def _is_external(self, person: Person | None) -> bool:
        return bool(person and person.team and self.team and person.team != self.team)

    def _day(
        self, source: _Source, conversation: Conversation, day: str, people: dict[str, Person]
    ) -> Iterator[ExportedMessage]:
        try:
            with source.open(day) as file:
                stream = io.BufferedReader(Cleaned(file), buffer_size=1 << 16)
                for raw in ijson.items(stream, "item", use_float=True):
                    yield from self._one(day, conversation, raw, people)
        except (ijson.JSONError, UnicodeDecodeError, zipfile.BadZipFile, zlib.error, EOFError):
            # One broken day (or a damaged member of the zip) costs that day's remaining
            # messages, not the export.
            self.stats.skipped[BROKEN_DAY_FILE] += 1
            log.warning("%s: %s is broken; its other days are read", self.path, day)

    def _one(
        self, day: str, conversation: Conversation, raw: Any, people: dict[str, Person]
    ) -> Iterator[ExportedMessage]:
        converted = self.to_exported(conversation, raw, people)
        if converted == UNREADABLE_TEXT:
            self.stats.damaged[day] += 1
        if isinstance(converted, str):
            self.stats.skipped[converted] += 1
            return
        self.stats.messages += 1
        yield converted

    def to_exported(
        self, conversation: Conversation, raw: Any, people: dict[str, Person]
    ) -> ExportedMessage | str:
        """Convert one message; a string is the reason it was skipped."""
        if not isinstance(raw, dict) or not isinstance(raw.get("ts"), str):
            return MALFORMED_MESSAGE
        sent_at = extract_date(raw["ts"])
        if sent_at is None or not isinstance(raw.get("text", ""), str):
            return MALFORMED_MESSAGE
        if UNREADABLE in raw.get("text", ""):
            return UNREADABLE_TEXT
        user = str(raw.get("user") or raw.get("bot_id") or "")
        person = people.get(user)
        if person is None and user and not raw.get("bot_id"):
            self.stats.notes[AUTHOR_MISSING] += 1
        team = raw.get("user_team") or raw.get("team") or (person.team if person else None)
        external = None if not team or not self.team else team != self.team
        if external or conversation.shared:
            self._shared.add(conversation.id)
        message = IncomingMessage(
            platform=Platform.SLACK,
            chat_id=conversation.id,
            user_id=user,
            message_id=raw["ts"],
            event_id=f"{conversation.id}:{raw['ts']}",
            text=to_plain(raw.get("text", "")),
            sent_at=sent_at,
            thread_id=raw.get("thread_ts"),
            author_is_bot=bool(raw.get("bot_id")) or raw.get("subtype") == "bot_message"
            or bool(person and person.is_bot),
            is_service=not is_written(raw.get("subtype")),
            author_external=external,
            channel_shared=conversation.id in self._shared,
        )  # fmt: skip
        author = person.name if person else str(raw.get("user_profile", {}).get("name", user))
        return ExportedMessage(message, conversation.name, author, conversation.kind)


def _days(source: _Source, folder: str) -> list[str]:
    return sorted(
        n
        for n in source.names
        if str(PurePosixPath(n).parent) == folder and _DAY.fullmatch(PurePosixPath(n).name)
    )


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _name(user: dict[str, Any]) -> str:
    profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
    return str(user.get("real_name") or (profile or {}).get("real_name") or user.get("name", ""))


def extract_date(ts: str) -> datetime | None:
    """Return a Slack `ts` ("1700000000.000100") as a UTC time."""
    try:
        return datetime.fromtimestamp(float(ts), UTC)
    except (ValueError, OverflowError, OSError):
        return None
