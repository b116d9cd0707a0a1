"""The cleaned byte stream: bad UTF-8 bytes and lone surrogate escapes become the unreadable
mark, surrogate pairs and every other escape pass untouched, across any chunk boundary."""

from __future__ import annotations

import io
import json

import pytest

from adapters.exports.clean import Cleaned, mark_lone_surrogates
from bot.domain.exports import UNREADABLE

CHUNK = 1 << 16  # Cleaned's read size: damage placed around it straddles two reads


def _clean(data: bytes) -> str:
    return io.BufferedReader(Cleaned(io.BytesIO(data))).read().decode("utf-8")


@pytest.mark.parametrize(
    ("escaped", "expected"),
    [
        (rb'"\ud800"', f'"{UNREADABLE}"'),
        (rb'"\udc00\ud800x"', f'"{UNREADABLE}{UNREADABLE}x"'),
        (rb'"\ud83d\ude00"', r'"\ud83d\ude00"'),  # a pair: the emoji stays
        (rb'"\\ud800"', r'"\\ud800"'),  # an escaped backslash, then letters
        (rb'"\\\ud800"', rf'"\\{UNREADABLE}"'),
        (rb'"\n\"\u0416"', r'"\n\"\u0416"'),
    ],
)
def test_lone_surrogates_are_marked_and_nothing_else(escaped: bytes, expected: str) -> None:
    marked = mark_lone_surrogates(escaped).decode()
    assert json.loads(marked) == json.loads(expected)


@pytest.mark.parametrize("offset", range(-13, 3))
def test_an_escape_cut_by_a_chunk_boundary_is_read_whole(offset: int) -> None:
    padding = b"a" * (CHUNK + offset)
    data = b'["' + padding + rb"\\\ud83d\ude00 \ud800 \\ud800" + b'"]'
    text = json.loads(_clean(data))[0]
    assert text.endswith("\\\U0001f600 " + UNREADABLE + " \\ud800")
    assert len(text) == len(padding) + 1 + 1 + 1 + 1 + 1 + 6


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_bad_bytes_are_marked_even_across_reads(offset: int) -> None:
    data = b'["' + b"a" * (CHUNK + offset) + b"\xff\xd0" + "Ж".encode()[:1] + b'", "ok"]'
    first, second = json.loads(_clean(data))
    assert first.endswith("a" + UNREADABLE * 3) and second == "ok"


def test_clean_utf8_passes_byte_for_byte() -> None:
    data = json.dumps(["Добрый день 😀", '\n\t"q"'], ensure_ascii=False).encode() * 5000
    assert _clean(data).encode("utf-8") == data
