"""Slack's message markup and subtypes, read the one way for live events and for exports.

`to_plain` turns Slack's markup into what a reader sees (the checker judges that, live and in
`kodeks scan` alike); `is_written` tells a person writing from the workspace talking (joins,
topics, deletions…) by one allowlist of subtypes; `escape` is the way back, for what the bot
posts in mrkdwn.
"""

from __future__ import annotations

import html
import re

EDIT = "message_changed"
# Subtypes that are someone writing; every other subtype is the workspace talking.
WRITTEN = frozenset({None, "file_share", "thread_broadcast", "me_message"})
BOT_SUBTYPES = frozenset({"bot_message", "bot_add", "bot_remove"})
_MARKUP = re.compile(r"<([@#!])?([^<>|]*)(?:\|([^<>]*))?>")


def is_written(subtype: str | None) -> bool:
    """Tell whether a message of this subtype is a person writing."""
    return subtype in WRITTEN


def to_plain(text: str) -> str:
    """Turn Slack's markup into what a reader sees: `<@U1>` → `@U1`, `<url|label>` → label."""
    if "<" not in text and "&" not in text:
        return text

    def plain(match: re.Match[str]) -> str:
        sigil, target, label = match.groups()
        if label:
            return f"{sigil}{label}" if sigil in ("@", "#") else label
        return f"@{target}" if sigil == "@" else f"#{target}" if sigil == "#" else target

    return html.unescape(_MARKUP.sub(plain, text))


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn reserves."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
