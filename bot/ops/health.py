"""The operator's HTTP endpoints beside the bot: `/metrics`, `/healthz` and `/readyz`.

`/healthz` answers while the event loop runs (a liveness probe); `/readyz` answers 200 only when
`problems()` finds none (Redis answers a PING in time, the rules are loaded: see `bot.core`),
else 503 with the reasons (a readiness probe, so a load balancer stops sending webhooks to a
replica that cannot count).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from bot.ops.metrics import CONTENT_TYPE, Metrics

log = logging.getLogger("bot.health")


@dataclass(slots=True)
class HealthServer:
    """An aiohttp server on `host:port`; `port` 0 takes a free one, read back after `start()`."""

    problems: Callable[[], Awaitable[list[str]]]  # what keeps the bot from being ready
    metrics: Metrics
    host: str = "127.0.0.1"
    port: int = 9108
    _runner: web.AppRunner | None = None

    def app(self) -> web.Application:
        """The routes, for a runner or a test client."""
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        return app

    async def start(self) -> None:
        """Listen; the bound port is in `self.port` afterwards."""
        runner = web.AppRunner(self.app(), access_log=None)  # scrapes every 15 s are not news
        await runner.setup()
        self._runner = runner  # so stop() cleans up even when binding fails
        await web.TCPSite(runner, self.host, self.port).start()
        self.port = int(runner.addresses[0][1])
        log.info("health and metrics on http://%s:%s", self.host, self.port)

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _metrics(self, request: web.Request) -> web.Response:
        del request
        return web.Response(body=self.metrics.render(), content_type=None,
                            headers={"Content-Type": CONTENT_TYPE})  # fmt: skip

    async def _healthz(self, request: web.Request) -> web.Response:
        del request
        return web.Response(text="ok\n")

    async def _readyz(self, request: web.Request) -> web.Response:
        del request
        problems = await self.problems()
        if problems:
            return web.Response(status=503, text="not ready: " + "; ".join(problems) + "\n")
        return web.Response(text="ready\n")
