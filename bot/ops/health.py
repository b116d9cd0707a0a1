"""The operator's HTTP endpoints beside the bot: `/metrics`, `/healthz` and `/readyz`.

`/healthz` answers while the event loop runs (a liveness probe); `/readyz` answers 200 only when
Redis answers a PING in time and the rules are loaded, else 503 with the reason (a readiness
probe, so a load balancer stops sending webhooks to a replica that cannot count).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from aiohttp import web

from bot.ops.metrics import Metrics
from bot.pipeline.handle import Pipeline
from bot.store.redis_store import RedisError

log = logging.getLogger("bot.health")
_PING_TIMEOUT_S = 1.0
_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclass(slots=True)
class HealthServer:
    """An aiohttp server on `host:port`; `port` 0 takes a free one, read back after `start()`."""

    pipeline: Pipeline
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

    async def run(self) -> None:
        """Serve until cancelled, beside the adapters."""
        await self.start()
        try:
            await asyncio.Event().wait()
        finally:
            await self.stop()

    async def _metrics(self, request: web.Request) -> web.Response:
        del request
        return web.Response(body=self.metrics.render().encode(), content_type=None,
                            headers={"Content-Type": _CONTENT_TYPE})  # fmt: skip

    async def _healthz(self, request: web.Request) -> web.Response:
        del request
        return web.Response(text="ok\n")

    async def _readyz(self, request: web.Request) -> web.Response:
        del request
        problems = await self.problems()
        if problems:
            return web.Response(status=503, text="not ready: " + "; ".join(problems) + "\n")
        return web.Response(text="ready\n")

    async def problems(self) -> list[str]:
        """What keeps the bot from being ready; empty when it is."""
        problems: list[str] = []
        ruleset = self.pipeline.checker.ruleset
        if not ruleset.clauses or not ruleset.rules:
            problems.append("no rules loaded")
        try:
            async with asyncio.timeout(_PING_TIMEOUT_S):
                await self.pipeline.store.ping()
        except (RedisError, OSError, TimeoutError) as error:
            self.metrics.redis_errors.inc(step="readyz")
            problems.append(f"redis does not answer ({type(error).__name__})")
        return problems
