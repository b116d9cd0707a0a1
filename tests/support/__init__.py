"""Helpers the tests share: where the test Redis is, and failing rather than skipping in CI."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import redis

from bot.store.keys import Keys

TEST_REDIS_URL = os.environ.get("KODEKS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def in_ci() -> bool:
    """Tell whether the tests run under CI=true, where nothing they need may be missing."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def redis_or_fail() -> None:
    """Skip without Redis on a developer's machine; fail under CI=true, never skip there."""
    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        if in_ci():
            pytest.fail(f"CI needs Redis at {TEST_REDIS_URL}: {error}")
        pytest.skip(f"no Redis at {TEST_REDIS_URL}")


ROOT = Path(__file__).resolve().parents[2]  # the repository
DATA = ROOT / "tests" / "data"  # corpora of the tests' own
EXAMPLES = ROOT / "examples"  # the shipped example config and exports


def own_keys() -> Keys:
    """A key prefix no other test uses (`kodeks-t<random>`), for a store on the shared Redis."""
    return Keys(f"kodeks-t{uuid.uuid4().hex[:8]}")
