"""Bounded time on hostile input: megabyte messages of separators, look-alikes and masks.

Not a speed test: a guard that time grows linearly, so no input can stall the bot.
"""

from __future__ import annotations

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


def _time(checker: Checker, text: str) -> float:
    """The best of three runs: the machine is shared, and noise is not what this test is about."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        checker.check(text, CheckContext(ChatKind.CLIENT, "Лисичкин"))
        best = min(best, time.perf_counter() - started)
    return best


def test_check_time_grows_linearly_on_a_megabyte_of_hostile_text(checker: Checker) -> None:
    small = _time(checker, _adversarial(256 * 1024))
    large = _time(checker, _adversarial(1024 * 1024))
    assert large / small <= 6, f"256 KB: {small:.2f}s, 1 MB: {large:.2f}s"


def test_a_megabyte_of_one_letter_finishes(checker: Checker) -> None:
    for text in ("а" * 1_000_000, "х.у." * 250_000, "*" * 1_000_000, " " * 1_000_000):
        assert isinstance(checker.check(text), tuple)
