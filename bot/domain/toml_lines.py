"""Where a key of a TOML file is written: the line to name in an error about it.

`tomllib` keeps no positions, so this reads the source once more, statement by statement:
table headers (`[policy]`, the n-th `[[chats]]`) and `key = value` lines, skipping what sits
inside multi-line arrays, inline tables and multi-line strings. Each statement gets a path in
pydantic's terms (`("chats", 1, "kind")`), and a location is found by its longest known prefix,
so an error inside an array value names the key's line, and a missing key its table's header.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

Location = tuple[int | str, ...]

_PART = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_PATH = rf"{_PART}(?:\s*\.\s*{_PART})*"
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_PATH})\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(rf"^\s*({_PATH})\s*=")
_OPENERS, _CLOSERS = "[{", "]}"


def line_of(source: str, location: Location) -> int:
    """Return the line of `location`'s key or table in `source` (1 when it is nowhere)."""
    lines = _statement_lines(source)
    for end in range(len(location), 0, -1):
        line = lines.get(location[:end])
        if line is not None:
            return line
    return 1


def _statement_lines(source: str) -> dict[Location, int]:
    """Map every table and key path of `source`, and each of their prefixes, to its first line."""
    lines: dict[Location, int] = {}
    arrays: dict[Location, int] = {}  # an array of tables → the index of its latest entry
    table: Location = ()
    for number, text in _statements(source):
        header = _HEADER.match(text)
        if header:
            table = _table_path(_split(header.group(2)), header.group(1) == "[[", arrays)
            path = table
        else:
            key = _KEY.match(text)
            if key is None:
                continue
            path = table + tuple(_split(key.group(1)))
        for end in range(1, len(path) + 1):
            lines.setdefault(path[:end], number)
    return lines


def _table_path(parts: list[str], is_array: bool, arrays: dict[Location, int]) -> Location:
    """Resolve a header's dotted name: `[[chats]]` is `("chats", n)`, and a sub-table of it
    (`[chats.extra]`) lives in the latest entry."""
    path: Location = ()
    for position, part in enumerate(parts):
        path = (*path, part)
        last = position == len(parts) - 1
        if last and is_array:
            arrays[path] = arrays.get(path, -1) + 1
        if path in arrays:
            path = (*path, arrays[path])
    return path


def _split(dotted: str) -> list[str]:
    return [part.strip("\"'") for part in re.findall(_PART, dotted)]


def _statements(source: str) -> Iterator[tuple[int, str]]:
    """Yield the lines that begin a statement: not inside a multi-line value or string."""
    depth, string = 0, ""
    for number, text in enumerate(source.splitlines(), 1):
        rest = text
        if depth == 0 and not string:
            yield number, text
            if _HEADER.match(text):
                continue  # a header's brackets open no value
            rest = text.split("=", 1)[1] if "=" in text else text
        depth, string = _scan(rest, depth, string)


def _scan(text: str, depth: int, string: str) -> tuple[int, str]:
    """Follow brackets and strings through one line; `string` is the open multi-line quote."""
    i = 0
    while i < len(text):
        if string:
            end = text.find(string, i)
            if end < 0:
                return depth, string
            i, string = end + len(string), ""
            continue
        char = text[i]
        if char == "#":
            break
        if text.startswith(('"""', "'''"), i):
            string, i = text[i : i + 3], i + 3
            continue
        if char in "\"'":
            i = _string_end(text, i)
            continue
        depth += (char in _OPENERS) - (char in _CLOSERS)
        i += 1
    return max(depth, 0), string


def _string_end(text: str, start: int) -> int:
    """Return the index after a one-line string that starts at `start`."""
    quote, i = text[start], start + 1
    while i < len(text) and text[i] != quote:
        i += 2 if quote == '"' and text[i] == "\\" else 1
    return i + 1
