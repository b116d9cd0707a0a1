"""The event loop `kodeks run` and `kodeks bench` run on: uvloop when it is there, else asyncio's.

uvloop (the `fast` extra) is a drop-in loop written in C; `KODEKS_EVENT_LOOP=asyncio` keeps the
standard one (to compare, or where uvloop misbehaves), `uvloop` insists on it.
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Callable, Coroutine
from typing import Any, Literal, TypeVar

T = TypeVar("T")
EventLoop = Literal["auto", "asyncio", "uvloop"]


def loop_factory(choice: EventLoop) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """The factory of the loop `choice` names (None: asyncio's own)."""
    if choice == "asyncio" or (choice == "auto" and importlib.util.find_spec("uvloop") is None):
        return None
    try:
        import uvloop  # noqa: PLC0415 - optional: the `fast` extra
    except ImportError as error:
        msg = "KODEKS_EVENT_LOOP=uvloop, but uvloop is not installed: pip install 'kodeks[fast]'"
        raise RuntimeError(msg) from error
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


def run_async(main: Coroutine[Any, Any, T], choice: EventLoop = "auto") -> T:
    """Run `main` to its end on the chosen loop, as `asyncio.run` does."""
    factory = loop_factory(choice)
    if factory is None:
        return asyncio.run(main)
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main)
