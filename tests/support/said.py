"""Every text the end-to-end tests put in a message, so that a fixture can look for it in what
the bot logged (it must never be there)."""

from __future__ import annotations

SAID: set[str] = set()
# Everything a process a test started wrote (`kodeks run`: stdout, with stderr folded in).
WRITTEN: list[str] = []

# Shorter texts («ок», «/code») could turn up in a log line by coincidence.
_LONG_ENOUGH = 8


def said(text: str) -> str:
    """Remember `text` as said by someone in a chat; return it."""
    if len(text.strip()) >= _LONG_ENOUGH:
        SAID.add(text)
    return text
