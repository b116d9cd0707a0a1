"""Bounded time on hostile input: megabyte messages of separators, look-alikes and masks.

Not a speed test: a guard that time grows linearly, so no input can stall the bot.
"""

from __future__ import annotations

import gc
import time

from rules import ChatKind, CheckContext, Checker

CHUNKS = [
    "х.у.й ",
    "x y й ",
    "б**ть ",
    "п*********ц ",
    "...... ",
    "а-а-а-а-а-а ",
    "ху ё ва я ",
    "ееееееееееее ",
    "\u200b\u200c\u200d" * 5,
    "6ля ",
    "@@@@ ",
    "** ** ** ",
    "«ты» ",
    "скинь ",
    "КАПС ",
    "y0y0y0 ",
    "ё\u0301\u0306\u0308 ",
    "и и и и и ",
    "Ромашка ",
]


def _adversarial(size: int) -> str:
    text = "".join(CHUNKS)
    return (text * (size // len(text) + 1))[:size]


def _cpu_time(checker: Checker, text: str) -> float:
    """This thread's CPU time for one check, with the collector paused: neither other processes
    nor a collection that happens to fall into one run are what this test is about."""
    gc.collect()
    gc.disable()
    try:
        started = time.thread_time()
        checker.check(text, CheckContext(ChatKind.CLIENT, "Лисичкин"))
        return time.thread_time() - started
    finally:
        gc.enable()


def test_check_time_grows_linearly_on_a_megabyte_of_hostile_text(checker: Checker) -> None:
    texts = {"256 KB": _adversarial(256 * 1024), "1 MB": _adversarial(1024 * 1024)}
    best = dict.fromkeys(texts, float("inf"))
    for _ in range(3):  # interleaved: a busy spell on the shared machine slows both sizes alike
        for size, text in texts.items():
            best[size] = min(best[size], _cpu_time(checker, text))
    assert best["1 MB"] / best["256 KB"] <= 6, best


def test_a_megabyte_of_one_letter_finishes(checker: Checker) -> None:
    for text in ("а" * 1_000_000, "х.у." * 250_000, "*" * 1_000_000, " " * 1_000_000):
        assert isinstance(checker.check(text), tuple)
