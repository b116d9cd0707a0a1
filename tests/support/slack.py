"""A local Slack for end-to-end tests: the Web API, `response_url`s and Socket Mode, over aiohttp.

Our own code (e2e-testing.md §2). The bot under test talks to it through its real
`AsyncWebClient(base_url=…)` and Bolt's real `AsyncSocketModeHandler`; HTTP deliveries are signed
exactly as Slack signs them (v0 HMAC-SHA256 over `v0:<timestamp>:<body>`). Every Web API call is
recorded as `(method, params)`, so tests assert at the wire on what Slack would have received.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import socket
import time
import urllib.parse
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.support.said import said

TEAM = "TAGENCY"  # the agency's workspace
BOT_USER = "UKODEKS"
BOT_ID = "BKODEKS"
BOT_TOKEN = "xoxb-1-kodeks-test"
APP_TOKEN = "xapp-1-kodeks-test"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
WAIT_S = 3.0


@dataclass
class Call:
    """One Web API call as the fake received it."""

    method: str
    params: dict[str, Any]


@dataclass
class Scripted:
    """A canned answer for the next call of a method: body, HTTP status and headers."""

    body: dict[str, Any]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class FakeSlack:
    """Slack's Web API, `response_url` endpoints and the Socket Mode WebSocket, on 127.0.0.1."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.responses: list[dict[str, Any]] = []  # what respond() posted to a response_url
        self.acks: dict[str, dict[str, Any]] = {}  # Socket Mode acks by envelope id
        self.scripts: dict[str, deque[Scripted]] = defaultdict(deque)
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._ws: web.WebSocketResponse | None = None
        self._changed = asyncio.Condition()
        self._envelopes = itertools.count(1)

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_post("/response/{rid}", self._response)
        app.router.add_get("/link/", self._link)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        sock = socket.create_server(("127.0.0.1", 0))
        await web.SockSite(self._runner, sock).start()
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        return self

    async def stop(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- what tests look at

    def sent(self, method: str) -> list[dict[str, Any]]:
        """The params of every call of `method`, in order."""
        return [c.params for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = WAIT_S) -> list[dict]:
        """Wait until `method` was called `count` times; return those calls' params."""
        await self._until(lambda: len(self.sent(method)) >= count, timeout, method)
        return self.sent(method)

    async def wait_for_responses(self, count: int = 1, timeout: float = WAIT_S) -> list[dict]:
        """Wait until `count` posts reached a response_url."""
        await self._until(lambda: len(self.responses) >= count, timeout, "response_url")
        return self.responses

    def script(self, method: str, body: dict[str, Any], status: int = 200, **headers: str) -> None:
        """Answer the next call of `method` with this instead of the default."""
        self.scripts[method].append(Scripted(body, status, headers))

    async def _until(self, ready: Any, timeout: float, what: str) -> None:
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(ready), timeout)
            except TimeoutError:
                msg = f"{what} did not arrive within {timeout}s; calls: {self.calls}"
                raise AssertionError(msg) from None

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # --- the Web API

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ") or params.pop(
            "token", ""
        )
        self.calls.append(Call(method, params))
        await self._notify()
        expected = APP_TOKEN if method == "apps.connections.open" else BOT_TOKEN
        if token != expected:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if self.scripts[method]:
            s = self.scripts[method].popleft()
            return web.json_response(s.body, status=s.status, headers=s.headers)
        answer = getattr(self, "_" + method.replace(".", "_"), None)
        if answer is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        return web.json_response(answer(params))

    def _auth_test(self, _: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True, "url": "https://agency.slack.com/", "team": "Agency", "user": "kodeks",
            "team_id": TEAM, "user_id": BOT_USER, "bot_id": BOT_ID, "is_enterprise_install": False,
        }  # fmt: skip

    def _chat_postEphemeral(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": f"{time.time():.6f}"}

    def _chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        ts = f"{time.time():.6f}"
        message = {"type": "message", "text": params.get("text"), "user": BOT_USER, "ts": ts}
        return {"ok": True, "channel": params.get("channel"), "ts": ts, "message": message}

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": {"id": f"D{params.get('users')}"}}

    def _apps_connections_open(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://{self.url.removeprefix('http://')}/link/?ticket=t1"}

    async def _response(self, request: web.Request) -> web.Response:
        self.responses.append({"id": request.match_info["rid"], **await request.json()})
        await self._notify()
        return web.Response(text="ok")

    # --- Socket Mode

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {}})
        await self._notify()
        async for frame in ws:
            if frame.type == aiohttp.WSMsgType.TEXT:
                ack = json.loads(frame.data)
                self.acks[ack.get("envelope_id", "")] = ack
                await self._notify()
        if self._ws is ws:  # the app went away: the next push waits for it to connect again
            self._ws = None
        return ws

    async def wait_connected(self, timeout: float = WAIT_S) -> None:
        """Wait until an app holds a Socket Mode connection."""
        await self._until(lambda: self._ws is not None, timeout, "socket connection")

    async def push(self, kind: str, payload: dict[str, Any], retry: int = 0) -> dict[str, Any]:
        """Deliver an envelope over Socket Mode and return the app's ack."""
        await self._until(lambda: self._ws is not None, WAIT_S, "socket connection")
        assert self._ws is not None
        envelope_id = f"env-{next(self._envelopes)}"
        await self._ws.send_json({
            "envelope_id": envelope_id, "type": kind, "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": retry, "retry_reason": "timeout" if retry else "",
        })  # fmt: skip
        await self._until(lambda: envelope_id in self.acks, WAIT_S, f"ack of {envelope_id}")
        return self.acks[envelope_id]


async def _params(request: web.Request) -> dict[str, Any]:
    """slack_sdk sends chat.* as JSON, others as forms or query strings; merge them all."""
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        return params | dict(await request.json())
    form = await request.post()
    return params | {k: str(v) for k, v in form.items()}


def sign(secret: str, body: str, ts: int | None = None) -> dict[str, str]:
    """Slack's v0 request signature headers for `body`."""
    ts = int(time.time()) if ts is None else ts
    base = f"v0:{ts}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": f"v0={digest}"}


class SignedSender:
    """Delivers events, slash commands and button presses over HTTP, signed as Slack signs them."""

    def __init__(self, url: str, secret: str = SIGNING_SECRET) -> None:
        self.url = url
        self.secret = secret

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        retry: int = 0,
        secret: str | None = None,
        ts: int | None = None,
    ) -> tuple[int, str]:
        headers = {"Content-Type": content_type, **sign(secret or self.secret, body, ts)}
        if retry:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        timeout = aiohttp.ClientTimeout(total=WAIT_S + 2)
        async with (
            aiohttp.ClientSession(timeout=timeout) as http,
            http.post(self.url, data=body.encode(), headers=headers) as response,
        ):
            return response.status, await response.text()

    async def event(self, body: dict[str, Any], **kw: Any) -> tuple[int, str]:
        return await self.post(json.dumps(body), "application/json", **kw)

    async def command(self, form: dict[str, str], **kw: Any) -> tuple[int, str]:
        return await self.post(
            urllib.parse.urlencode(form), "application/x-www-form-urlencoded", **kw
        )

    async def action(self, payload: dict[str, Any], **kw: Any) -> tuple[int, str]:
        form = urllib.parse.urlencode({"payload": json.dumps(payload)})
        return await self.post(form, "application/x-www-form-urlencoded", **kw)


# --- payloads, shaped as Slack's docs show them


def message_event(
    *,
    event_id: str,
    channel: str,
    user: str,
    text: str,
    ts: str,
    user_team: str = TEAM,
    shared: bool = False,
    channel_type: str = "channel",
    **extra: Any,
) -> dict[str, Any]:
    """An Events API `event_callback` envelope for a `message` event."""
    event = {
        "type": "message", "channel": channel, "user": user, "text": said(text), "ts": ts,
        "team": user_team, "user_team": user_team, "source_team": user_team,
        "channel_type": channel_type, "event_ts": ts, **extra,
    }  # fmt: skip
    return _callback(event_id, event, shared)


def edited_event(
    *, event_id: str, channel: str, user: str, ts: str, old: str, new: str, shared: bool = False
) -> dict[str, Any]:
    """A `message_changed` envelope: the edited message is under `event.message`."""
    event = {
        "type": "message", "subtype": "message_changed", "hidden": True, "channel": channel,
        "channel_type": "channel", "ts": f"{float(ts) + 5:.6f}", "event_ts": f"{float(ts) + 5:.6f}",
        "message": {
            "type": "message", "user": user, "text": said(new), "ts": ts, "team": TEAM,
            "edited": {"user": user, "ts": f"{float(ts) + 5:.6f}"},
        },
        "previous_message": {"type": "message", "user": user, "text": said(old), "ts": ts},
    }  # fmt: skip
    return _callback(event_id, event, shared)


def _callback(event_id: str, event: dict[str, Any], shared: bool) -> dict[str, Any]:
    return {
        "token": "legacy-verification-token", "team_id": TEAM, "api_app_id": "AKODEKS",
        "type": "event_callback", "event_id": event_id, "event_time": int(time.time()),
        "event": event, "is_ext_shared_channel": shared,
        "authorizations": [{
            "enterprise_id": None, "team_id": TEAM, "user_id": BOT_USER, "is_bot": True,
            "is_enterprise_install": False,
        }],
    }  # fmt: skip


def slash_command(fake: FakeSlack, command: str, text: str, user: str, rid: str) -> dict[str, str]:
    """A slash command's form fields; its `response_url` points at the fake."""
    return {
        "token": "legacy-verification-token", "team_id": TEAM, "team_domain": "agency",
        "channel_id": "CSHARED", "channel_name": "client-shared", "user_id": user,
        "user_name": user.lower(), "command": command, "text": said(text), "api_app_id": "AKODEKS",
        "is_enterprise_install": "false", "response_url": f"{fake.url}/response/{rid}",
        "trigger_id": f"trigger-{rid}",
    }  # fmt: skip


def button_press(fake: FakeSlack, user: str, value: str, rid: str) -> dict[str, Any]:
    """A `block_actions` payload for the feedback button under a nudge."""
    return {
        "type": "block_actions", "api_app_id": "AKODEKS", "token": "legacy-verification-token",
        "team": {"id": TEAM, "domain": "agency"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "container": {"type": "message", "message_ts": "1.000000", "channel_id": "CSHARED",
                      "is_ephemeral": True},
        "channel": {"id": "CSHARED", "name": "client-shared"},
        "trigger_id": f"trigger-{rid}", "response_url": f"{fake.url}/response/{rid}",
        "actions": [{
            "type": "button", "action_id": "kodeks_feedback", "block_id": "b1",
            "text": {"type": "plain_text", "text": "Not a violation"}, "value": value,
            "action_ts": f"{time.time():.6f}",
        }],
    }  # fmt: skip
