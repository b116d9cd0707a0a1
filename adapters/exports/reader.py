"""Which reader an export needs: `open_export(path)` tells a Telegram Desktop export
(`result.json`, or the folder holding it) from a Slack export (its folder), either of them also
zipped (a folder inside the zip, a zip inside the zip: `archive`), and returns a reader whose
`messages()` yields `ExportedMessage`s one at a time, so memory stays flat in the size of the
export.
"""

from __future__ import annotations

from pathlib import Path

from adapters.exports.archive import is_zip, locate
from adapters.exports.slack import SlackExport, is_slack_export
from adapters.exports.telegram import TelegramExport
from bot.domain.exports import Export, ExportError

_WHAT = (
    "give Telegram Desktop's result.json (JSON format) or a Slack export"
    " (the zip, or its folder with users.json and channels.json)"
)


def open_export(path: Path) -> Export:
    """Return the reader for the export at `path`."""
    if not path.exists():
        msg = f"{path}: no such file or folder; give a Telegram result.json or a Slack export"
        raise ExportError(msg)
    if path.is_dir() and (path / "result.json").is_file():
        return TelegramExport(path / "result.json")
    if is_slack_export(path):
        return SlackExport(path)
    if is_zip(path):
        return _zipped(path)
    if path.is_file() and path.suffix.lower() == ".json":
        return TelegramExport(path)
    msg = f"{path}: not an export kodeks reads; {_WHAT}"
    raise ExportError(msg)


def _zipped(path: Path) -> Export:
    found = locate(path)
    if found is None:
        msg = f"{path}: a zip with no result.json, users.json or channels.json in it; {_WHAT}"
        raise ExportError(msg)
    kind, place = found
    return TelegramExport(path, place) if kind == "telegram" else SlackExport(path, place)
