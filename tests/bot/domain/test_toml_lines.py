"""Finding the line of a key in a TOML source, for errors that name it."""

from __future__ import annotations

import pytest

from bot.domain.toml_lines import line_of

SOURCE = """\
title = "a [table] in a string"
labels = [
  "[policy]",
  ["nested"],
]
note = \"\"\"
[policy]
keep_days = 1
\"\"\"

[policy]   # the real one
keep_days = 90
"quoted key" = 1
window = { minutes = 5,
  days = 2 }
after = 3

[[chats]]
id = 1

[[chats]]
id = 2
kind = "client"

[chats.extra]
flag = true
"""


@pytest.mark.parametrize(
    ("location", "line"),
    [
        (("title",), 1),
        (("labels", 2), 2),
        (("note",), 6),
        (("policy",), 11),
        (("policy", "keep_days"), 12),
        (("policy", "quoted key"), 13),
        (("policy", "window", "days"), 14),
        (("policy", "after"), 16),
        (("chats", 0, "id"), 19),
        (("chats", 1, "id"), 22),
        (("chats", 1, "kind"), 23),
        (("chats", 1, "name"), 21),  # a missing key: its entry's header
        (("chats", 1, "extra", "flag"), 26),
        (("nowhere",), 1),
    ],
)
def test_a_location_is_found_on_its_own_line(location: tuple[int | str, ...], line: int) -> None:
    assert line_of(SOURCE, location) == line
