"""The Telegram end-to-end tests' helpers: the Bot API emulator process and the fake humans.

`Emulator` runs `tests/e2e/telegram/launch.js` (npm `telegram-test-api` behind our shims) on a
port the kernel picks. `Face` plays the people: it queues updates as Telegram would send them and
reads, at the wire, every Bot API call the bot made.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram.types import Update

from tests.support import in_ci
from tests.support.said import said

EMULATOR_DIR = Path(__file__).resolve().parents[1] / "e2e" / "telegram"
WAIT_S = 5.0  # the longest any test waits for something that should happen
QUIET_S = 0.4  # how long a test waits to see that nothing happens


def node_or_fail() -> str:
    """Find node and the installed emulator; skip locally, fail under CI=true."""
    node = shutil.which("node")
    problem = None
    if node is None:
        problem = "node is not installed (the Telegram e2e tests need Node 20 and npm)"
    elif not (EMULATOR_DIR / "node_modules" / "telegram-test-api").is_dir():
        problem = f"the emulator is not installed: (cd {EMULATOR_DIR} && npm ci --no-audit)"
    if problem is not None:
        if in_ci():
            pytest.fail(f"CI needs the Telegram emulator: {problem}")
        pytest.skip(problem)
    assert node is not None
    return node


class Emulator:
    """The emulator as a child process, stopped by its own pid."""

    def __init__(self, node: str) -> None:
        self.node = node
        self.url = ""
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - lives as long as the process
            "w+", prefix="tg-emulator-", suffix=".log", delete=False
        )
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 10.0) -> Emulator:
        """Start node and wait for its READY line (stdout to a file: a pipe could fill up)."""
        self.proc = subprocess.Popen(
            [self.node, "launch.js"], cwd=EMULATOR_DIR, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            first = Path(self.log.name).read_text().partition("\n")[0]
            if first.startswith("READY"):
                self.url = first.split()[1]
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"emulator died: {self.output()}")
            time.sleep(0.02)
        self.stop()
        raise TimeoutError(f"emulator did not start: {self.output()}")

    def output(self) -> str:
        """What node printed."""
        return Path(self.log.name).read_text()

    def stop(self) -> None:
        """Stop node, and remove its log."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def user(uid: int, name: str, language: str = "ru") -> dict[str, Any]:
    """A Telegram user as updates carry it."""
    return {"id": uid, "is_bot": False, "first_name": name, "language_code": language}


def group(cid: int, title: str = "Group") -> dict[str, Any]:
    """A supergroup as updates carry it."""
    return {"id": cid, "type": "supergroup", "title": title}


def private(u: dict[str, Any]) -> dict[str, Any]:
    """A user's private chat (with the bot, or a Business chat with that user)."""
    return {"id": u["id"], "type": "private", "first_name": u["first_name"]}


class Face:
    """The people talking to one bot (one token) through the emulator, and the wire's record."""

    _ids = itertools.count(100)

    def __init__(self, http: aiohttp.ClientSession, url: str, token: str) -> None:
        self.http = http
        self.url = url
        self.token = token

    async def post(self, path: str, **body: Any) -> Any:
        """Call one of the emulator's test endpoints."""
        async with self.http.post(f"{self.url}{path}", json={"token": self.token, **body}) as r:
            r.raise_for_status()
            return (await r.json())["result"] if path == "/_test/calls" else await r.json()

    async def update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update (checked against aiogram's own models first: no unreal fixtures)."""
        Update.model_validate({"update_id": 1, **update})
        await self.post("/_test/rawUpdate", update=update)
        return update

    def message(
        self, author: dict[str, Any], chat: dict[str, Any], text: str, **extra: Any
    ) -> dict[str, Any]:
        """A message as Telegram sends it."""
        body = {"message_id": next(self._ids), "date": int(time.time()), "from": author}
        return body | {"chat": chat, "text": said(text)} | extra

    async def say(
        self, author: dict[str, Any], chat: dict[str, Any], text: str, kind: str = "message",
        **extra: Any,
    ) -> dict[str, Any]:  # fmt: skip
        """Send a message (or `edited_message`, `business_message`, …) from `author`."""
        return await self.update({kind: self.message(author, chat, text, **extra)})

    async def command(
        self, author: dict[str, Any], chat: dict[str, Any], text: str, **extra: Any
    ) -> dict[str, Any]:
        """Send a command, with the bot_command entity Telegram adds."""
        name = text.split(maxsplit=1)[0]
        entity = {"type": "bot_command", "offset": 0, "length": len(name)}
        return await self.say(author, chat, text, entities=[entity], **extra)

    async def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        """Every Bot API call the bot made so far (optionally of one method), oldest first."""
        got = await self.post("/_test/calls")
        return [c["params"] for c in got if method is None or c["method"] == method]

    async def sent(self) -> list[dict[str, Any]]:
        """Every sendMessage the bot made, reply_markup decoded."""
        out = []
        for params in await self.calls("sendMessage"):
            markup = params.get("reply_markup")
            decoded = json.loads(markup) if isinstance(markup, str) else markup
            out.append(params | {"reply_markup": decoded} if decoded else params)
        return out

    async def sent_to(self, chat_id: int) -> list[dict[str, Any]]:
        """The sendMessage calls to one chat."""
        return [p for p in await self.sent() if str(p["chat_id"]) == str(chat_id)]

    async def wait_for(
        self, chat_id: int, count: int = 1, method: str = "sendMessage", timeout: float = WAIT_S
    ) -> list[dict[str, Any]]:
        """Wait (bounded) until the bot has made `count` calls to `chat_id`; return them."""
        return await self.wait_until(
            lambda calls: [c for c in calls if str(c.get("chat_id")) == str(chat_id)],
            count, method, timeout,
        )  # fmt: skip

    async def wait_until(
        self,
        pick: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
        count: int = 1,
        method: str = "sendMessage",
        timeout: float = WAIT_S,
    ) -> list[dict[str, Any]]:
        """Wait (bounded) until `pick` finds `count` calls of `method`; return what it found."""
        deadline = time.monotonic() + timeout
        while True:
            calls = await (self.sent() if method == "sendMessage" else self.calls(method))
            found = pick(calls)
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {timeout}s for {count} {method}, got {calls}")
            await asyncio.sleep(0.02)
