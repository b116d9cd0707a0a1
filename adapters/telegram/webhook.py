"""Webhook mode: aiogram's request handler on an aiohttp server, the secret token checked.

Telegram (or a self-hosted Bot API server) POSTs each update to `webhook_path`; aiogram answers
401 to a request without the right `X-Telegram-Bot-Api-Secret-Token`. Behind a reverse proxy the
public address is `webhook_url`; without one the local listening address is registered.
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.ops.settings import TelegramSettings

log = logging.getLogger("adapters.telegram")


async def serve_webhook(
    bot: Bot,
    dispatcher: Dispatcher,
    settings: TelegramSettings,
    allowed_updates: list[str],
    ready: asyncio.Event,
) -> None:
    """Serve updates until cancelled; the webhook is left in place for the next start."""
    if settings.webhook_secret is None:
        msg = "webhook mode needs KODEKS_TELEGRAM__WEBHOOK_SECRET (A-Z a-z 0-9 _ -)"
        raise RuntimeError(msg)
    secret = settings.webhook_secret.get_secret_value()
    app = web.Application()
    SimpleRequestHandler(dispatcher, bot, secret_token=secret).register(
        app, path=settings.webhook_path
    )
    runner = web.AppRunner(app, access_log=None)  # the access log would add nothing but noise
    await runner.setup()
    try:
        site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
        await site.start()
        url = settings.webhook_url or local_url(runner, settings.webhook_path)
        await bot.set_webhook(url, secret_token=secret, allowed_updates=allowed_updates)
        log.info("webhook listening on %s", runner.addresses)
        ready.set()
        await asyncio.Event().wait()  # until cancelled
    finally:
        await runner.cleanup()


def local_url(runner: web.AppRunner, path: str) -> str:
    """The address the server really listens on (the kernel picks the port when 0 is asked)."""
    host, port = runner.addresses[0][:2]
    return f"http://{host}:{port}{path}"
