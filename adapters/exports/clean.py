"""A byte stream made safe for the JSON parser: what cannot be decoded becomes a mark.

Real exports carry damage the parser would stop at, losing the rest of the export: bytes that
are not UTF-8 (a file cut and glued, an old client), and lone UTF-16 surrogate escapes such as
`"\\ud800"` (an emoji cut in half), which yajl either turns into `?` or, for some sequences, into
bytes Python refuses with a bare codec error. `Cleaned` puts `UNREADABLE` (a noncharacter) in
their place, so the parser reads on and the reader skips just the messages whose text holds the
mark, counted as «unreadable text» under the file's name.
"""

from __future__ import annotations

import codecs
import io
import re
from typing import IO, Any

from bot.domain.exports import UNREADABLE

_ERRORS = "kodeks-unreadable"
_CHUNK = 1 << 16
# Escapes, left to right, so that `\\` pairs up before a `\u` is read: a surrogate pair (kept),
# a lone surrogate (marked), or any other escape (kept).
_TOKEN = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
    rb"|(\\u[dD][89a-fA-F][0-9a-fA-F]{2})"
    rb"|\\.",
    re.DOTALL,
)
_LONGEST = 12  # a surrogate pair's escape: the most a token may need from the next chunk
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
_MARK = b"\\u" + f"{ord(UNREADABLE):04x}".encode()


def _unreadable(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    return UNREADABLE, error.end


def _mark(match: re.Match[bytes]) -> bytes:
    return _MARK if match.group(1) else match.group(0)


def mark_lone_surrogates(data: bytes) -> bytes:
    """Replace every lone surrogate escape of a JSON text with the mark's escape."""
    if _SURROGATE.search(data) is None:
        return data  # the common case: no escape to look at
    return _TOKEN.sub(_mark, data)


def _cut(data: bytes) -> int:
    """Where to split `data` so that no escape is cut in two: the rest waits for more bytes."""
    cut = max(len(data) - _LONGEST, 0)
    for match in _TOKEN.finditer(data):
        if match.end() > cut:
            return min(cut, match.start())
    return cut


class Cleaned(io.RawIOBase):
    """Read `raw` as UTF-8 JSON, with bad bytes and lone surrogate escapes marked unreadable."""

    def __init__(self, raw: IO[bytes]) -> None:
        codecs.register_error(_ERRORS, _unreadable)  # idempotent: the same handler each time
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors=_ERRORS)
        self._pending = b""  # cleaned, not yet read
        self._held = b""  # decoded, but maybe the first half of an escape
        self._ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending and not self._ended:
            self._fill()
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    def _fill(self) -> None:
        data = self._raw.read(_CHUNK)
        self._ended = not data
        text = self._held + self._decoder.decode(data, final=self._ended).encode("utf-8")
        cut = len(text) if self._ended else _cut(text)
        self._pending += mark_lone_surrogates(text[:cut])
        self._held = text[cut:]
