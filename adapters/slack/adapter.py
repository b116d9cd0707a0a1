"""The Slack adapter on slack-bolt's `AsyncApp`: Socket Mode (default) or HTTP, thin handlers.

Events → `to_incoming` → `Pipeline.handle`; `/code` and `/check` → `Commands.run`, acknowledged at
once and answered ephemerally through `respond()`; the «Not a violation» button →
`Commands.feedback`. Slack's retries carry the same `event_id`, which the pipeline claims once,
so a retry never nudges twice. Bolt verifies request signatures in HTTP mode (401 otherwise) and
drops the bot's own events (it learns its ids from `auth.test`).
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.convert import (
    FEEDBACK_ACTION,
    MalformedEventError,
    parse_feedback,
    to_command,
    to_incoming,
)
from adapters.slack.ports import SlackCompliance, SlackNotifier
from bot.core import Core
from bot.domain.config import AgencyConfig
from bot.domain.models import Platform
from bot.domain.ports import Ports
from bot.ops.settings import Settings, SlackSettings
from bot.pipeline.commands import Commands
from bot.pipeline.handle import Pipeline

log = logging.getLogger("adapters.slack")
COMMANDS = ("/code", "/check")  # as manifest.yml declares them
Respond = Callable[..., Awaitable[Any]]
Ack = Callable[..., Awaitable[Any]]


class SlackAdapter:
    """Slack for kodeks: the Bolt app, its ports, and Socket Mode or an HTTP server."""

    platform = Platform.SLACK

    def __init__(
        self,
        settings: SlackSettings,
        pipeline: Pipeline,
        commands: Commands,
        client: AsyncWebClient,
        config: AgencyConfig,
    ) -> None:
        self.settings = settings
        self.pipeline = pipeline
        self.commands = commands
        compliance = SlackCompliance(client, config, settings.language)
        self.ports = Ports(SlackNotifier(client), compliance)
        secret = settings.signing_secret.get_secret_value() if settings.signing_secret else ""
        # Socket Mode needs no signing secret; passing "" keeps Bolt from reading the environment.
        self.app = AsyncApp(client=client, signing_secret=secret, logger=log)
        self.malformed = 0
        self.http_port: int | None = None  # HTTP mode: the bound port, once started
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._register()

    def _register(self) -> None:
        self.app.event("message")(self.on_message)
        for name in COMMANDS:
            self.app.command(name)(self.on_command)
        self.app.action(FEEDBACK_ACTION)(self.on_feedback)
        self.app.error(self.on_error)

    async def on_message(self, body: dict[str, Any]) -> None:
        """A message, a file with text, or an edit, anywhere the bot is a member."""
        await self.pipeline.handle(to_incoming(body))

    async def on_command(self, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        """Acknowledge at once (Slack allows 3 s), then answer only the user who asked."""
        await ack()
        for reply in await self.commands.run(to_command(command, self.settings.language)):
            await respond(text=reply.text, response_type="ephemeral", replace_original=False)

    async def on_feedback(self, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        """«Not a violation» pressed under a nudge."""
        await ack()
        token, language = parse_feedback(body)
        text = await self.commands.feedback(token, language)
        await respond(text=text, response_type="ephemeral", replace_original=False)

    async def on_error(self, error: Exception, body: Mapping[str, Any]) -> None:
        """Bolt's error handler: a payload we cannot read is counted and skipped; anything else
        is logged by type and ids (never the body: it carries the message's text)."""
        kind = "action" if "actions" in body else "event"
        if isinstance(error, MalformedEventError):
            self.malformed += 1
            log.warning(
                "malformed %s skipped event=%s reason=%s count=%s",
                kind, body.get("event_id"), error, self.malformed,
            )  # fmt: skip
            return
        log.error(
            "slack %s failed event=%s error=%s", kind, body.get("event_id"),
            type(error).__name__,
        )  # fmt: skip

    async def start(self) -> None:
        """Connect Socket Mode, or start serving HTTP; return once ready."""
        if self.settings.mode == "socket":
            await self._start_socket()
        else:
            await self._start_http()

    async def _start_socket(self) -> None:
        if self.settings.app_token is None:
            msg = "Socket Mode needs KODEKS_SLACK__APP_TOKEN (xapp-…, scope connections:write)"
            raise RuntimeError(msg)
        self._socket = AsyncSocketModeHandler(
            self.app, self.settings.app_token.get_secret_value(), logger=log
        )
        await self._socket.connect_async()  # type: ignore[no-untyped-call]
        log.info("slack socket mode connected")

    async def _start_http(self) -> None:
        if self.settings.signing_secret is None:
            msg = "HTTP mode needs KODEKS_SLACK__SIGNING_SECRET to verify Slack's requests"
            raise RuntimeError(msg)
        self._runner = web.AppRunner(self.app.web_app(path=self.settings.path))
        await self._runner.setup()
        sock = socket.create_server((self.settings.host, self.settings.port))
        await web.SockSite(self._runner, sock).start()
        self.http_port = sock.getsockname()[1]
        log.info("slack http listening port=%s path=%s", self.http_port, self.settings.path)

    async def stop(self) -> None:
        """Disconnect and stop serving."""
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def run(self) -> None:
        """Receive Slack's events until cancelled."""
        await self.start()
        try:
            await asyncio.Event().wait()
        finally:
            await self.stop()


def build_client(settings: SlackSettings) -> AsyncWebClient:
    """The Web API client: the configured address, and 429s retried after `Retry-After`."""
    if settings.bot_token is None:
        msg = "Slack needs KODEKS_SLACK__BOT_TOKEN (xoxb-…)"
        raise RuntimeError(msg)
    kwargs: dict[str, Any] = {"token": settings.bot_token.get_secret_value()}
    if settings.api_url:
        kwargs["base_url"] = settings.api_url.rstrip("/") + "/"  # slack_sdk joins by string
    client = AsyncWebClient(**kwargs)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
    return client


def build_adapter(settings: Settings, core: Core) -> SlackAdapter:
    """Build the Slack adapter from the settings (the composition root calls this)."""
    client = build_client(settings.slack)
    return SlackAdapter(settings.slack, core.pipeline, core.commands, client, core.config)
