"""Coalesce concurrent calls of a Lua script into one pipelined round trip.

Under load many `handle()` calls run a script at once (one per message with a finding, one per
staff message in a client chat). Each call on its own costs a pool checkout, a round trip and
redis-py's bookkeeping; calls made in the same turn of the event loop go out together instead.
Every script still runs atomically on its own; only the transport is shared.
"""

from __future__ import annotations

import asyncio
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.cluster import RedisCluster
from redis.commands.core import AsyncScript
from redis.exceptions import NoScriptError

# One server or a cluster: a cluster's pipeline sends each script call to the node of its keys.
Client = aioredis.Redis | RedisCluster
_Call = tuple[list[Any], list[Any], "asyncio.Future[Any]"]


class ScriptBatcher:
    """Run one script for many concurrent callers, batched per event-loop turn."""

    def __init__(self, redis: Client, script: AsyncScript) -> None:
        self.redis = redis
        self.script = script
        self._pending: list[_Call] = []
        self._sending: set[asyncio.Task[None]] = set()  # strong references until done

    async def __call__(self, keys: list[Any], args: list[Any]) -> Any:
        """Run the script with these keys and arguments; raise what Redis raised."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._pending.append((keys, args, future))
        if len(self._pending) == 1:
            loop.call_soon(self._send_pending)
        return await future

    def _send_pending(self) -> None:
        batch, self._pending = self._pending, []
        task = asyncio.ensure_future(self._send(batch))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send(self, batch: list[_Call]) -> None:
        if len(batch) == 1:
            keys, args, future = batch[0]
            await self._one(keys, args, future)
            return
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for keys, args, _ in batch:
                    pipe.execute_command("EVALSHA", self.script.sha, len(keys), *keys, *args)
                results = await pipe.execute(raise_on_error=False)
        except Exception as error:  # the connection failed: every caller hears of it
            for _, _, future in batch:
                _settle(future, error=error)
            return
        for (keys, args, future), result in zip(batch, results, strict=True):
            if isinstance(result, NoScriptError):  # Redis restarted and forgot the script
                await self._one(keys, args, future)
            elif isinstance(result, Exception):
                _settle(future, error=result)
            else:
                _settle(future, result=result)

    async def _one(self, keys: list[Any], args: list[Any], future: asyncio.Future[Any]) -> None:
        try:
            _settle(future, result=await self.script(keys=keys, args=args))
        except Exception as error:  # handed to the caller, who decides
            _settle(future, error=error)


def _settle(
    future: asyncio.Future[Any], *, result: Any = None, error: BaseException | None = None
) -> None:
    if future.done():  # the caller was cancelled meanwhile
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
