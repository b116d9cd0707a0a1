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
    """A check of 1 MB takes at most 6 times one of 256 KB (4 times if exactly linear).

    The quarter's time is read off four 256 KB checks in a row: they do the 1 MB check's work
    over about its span, so a busy spell on the shared machine, or a neighbour on the other core
    slowing this one through the caches, falls on both sides alike. A single 256 KB check is short
    enough to fall into a quiet spell that a 1 MB check cannot, so the best of those against the
    best 1 MB check measured the machine's load as much as the checker: with both cores busy,
    4.0 to 4.9 here, against 3.6 to 4.3 for four in a row. Best of three rounds, in alternating
    order.
    """
    quarter, whole = _adversarial(256 * 1024), _adversarial(1024 * 1024)
    best = {"4 x 256 KB": float("inf"), "1 MB": float("inf")}
    for round_ in range(3):
        for side in ("4 x 256 KB", "1 MB") if round_ % 2 == 0 else ("1 MB", "4 x 256 KB"):
            if side == "1 MB":
                spent = _cpu_time(checker, whole)
            else:
                spent = sum(_cpu_time(checker, quarter) for _ in range(4))
            best[side] = min(best[side], spent)
    assert best["1 MB"] / (best["4 x 256 KB"] / 4) <= 6, best


def test_a_megabyte_of_one_letter_finishes(checker: Checker) -> None:
    for text in ("а" * 1_000_000, "х.у." * 250_000, "*" * 1_000_000, " " * 1_000_000):
        assert isinstance(checker.check(text), tuple)
