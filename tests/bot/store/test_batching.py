"""Concurrent script calls share a round trip, and each caller still gets its own answer."""

from __future__ import annotations

import asyncio

import pytest
from redis.exceptions import RedisError

from bot.store.batching import ScriptBatcher
from bot.store.redis_store import RedisStore
from tests.support.redis_server import free_port

ECHO = (
    "if ARGV[1] == 'boom' then return redis.error_reply('boom') end"
    " return KEYS[1] .. ':' .. ARGV[1]"
)


async def test_each_caller_gets_its_own_result(store: RedisStore, ids: str) -> None:
    batcher = ScriptBatcher(store.redis, store.redis.register_script(ECHO))
    results = await asyncio.gather(*(batcher([f"k{ids}{n}"], [str(n)]) for n in range(20)))
    assert [r.decode() for r in results] == [f"k{ids}{n}:{n}" for n in range(20)]


async def test_one_failing_call_fails_alone(store: RedisStore, ids: str) -> None:
    batcher = ScriptBatcher(store.redis, store.redis.register_script(ECHO))
    results = await asyncio.gather(
        batcher([f"a{ids}"], ["1"]), batcher([f"b{ids}"], ["boom"]), return_exceptions=True
    )
    assert results[0] == f"a{ids}:1".encode()
    assert isinstance(results[1], Exception)
    assert "boom" in str(results[1])


async def test_a_forgotten_script_is_loaded_again(store: RedisStore, ids: str) -> None:
    batcher = ScriptBatcher(store.redis, store.redis.register_script(ECHO + " -- " + ids))
    await batcher([f"a{ids}"], ["1"])
    await store.redis.script_flush()  # as after a Redis restart
    results = await asyncio.gather(*(batcher([f"k{ids}{n}"], [str(n)]) for n in range(3)))
    assert [r.decode() for r in results] == [f"k{ids}{n}:{n}" for n in range(3)]


async def test_a_dead_connection_fails_every_caller() -> None:
    store = RedisStore.from_url(f"redis://127.0.0.1:{free_port()}/0")  # nobody listens there
    batcher = ScriptBatcher(store.redis, store.redis.register_script(ECHO))
    results = await asyncio.gather(
        *(batcher(["k"], [str(n)]) for n in range(3)), return_exceptions=True
    )
    assert all(isinstance(r, RedisError) for r in results), results
    await store.close()


@pytest.mark.parametrize("count", [1, 2])
async def test_single_and_paired_calls(store: RedisStore, ids: str, count: int) -> None:
    batcher = ScriptBatcher(store.redis, store.redis.register_script(ECHO))
    results = await asyncio.gather(*(batcher([f"k{ids}"], [str(n)]) for n in range(count)))
    assert len(results) == count
