"""The event loop `kodeks run` and `kodeks bench` run on."""

from __future__ import annotations

import asyncio
import sys

import pytest
import uvloop

from adapters.cli.loop import loop_factory, run_async


async def _loop_type() -> type:
    return type(asyncio.get_running_loop())


def test_auto_takes_uvloop_when_it_is_installed() -> None:
    assert run_async(_loop_type(), "auto") is uvloop.Loop


def test_asyncio_keeps_the_standard_loop() -> None:
    assert loop_factory("asyncio") is None
    assert not issubclass(run_async(_loop_type(), "asyncio"), uvloop.Loop)


def test_uvloop_asked_for_but_missing_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # as if not installed

    with pytest.raises(RuntimeError, match=r"pip install 'kodeks\[fast\]'"):
        loop_factory("uvloop")
