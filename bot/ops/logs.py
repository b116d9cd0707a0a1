"""Logging for `kodeks run`: plain text for a terminal, or JSON lines for a log collector.

A JSON line has `time`, `level`, `logger` and `message`, plus every field passed with `extra=`
(ids: platform, chat, message, user, event). Message text never goes in: the bot's own log calls
carry ids only, and extras named like text are dropped here as a second guard.

Libraries log on their own terms: slack-bolt prints the whole body of a request whose signature
failed, aiogram warns with an unknown update dumped raw, pydantic quotes its input in an error,
and a Telegram API address carries the bot token. `Redaction`, on the handler, sees every record
whatever logger it came through: a line written by code outside kodeks keeps its first line up to
the first payload marker, its DEBUG lines (requests and payloads, by design) are dropped, an
exception from outside keeps its type and frames but not its message, and token shapes are masked
everywhere. `setup_logging` also routes `warnings` through logging, so nothing reaches standard
error around the handler.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import sys
import traceback
from datetime import UTC, datetime
from importlib.util import find_spec
from pathlib import Path
from typing import IO, Any, Literal

# Attributes every LogRecord has; anything else on a record came in through `extra=`.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message", "asctime", "taskName",
}  # fmt: skip
_NEVER = frozenset({"text", "caption", "body", "content"})
_TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
_OWN_PACKAGES = ("bot", "adapters", "rules")
# Where a library's line starts quoting what it was given (Bolt: «…, body: {…}»; aiogram:
# «Update: {…}»; pydantic: «input_value=…»).
_PAYLOAD = re.compile(r"(?i)\b(?:body|update|payload|text|message|input_value|data)\s*[:=]")
# Telegram bot tokens (also inside API addresses), Slack tokens, and a password in a Redis URL.
_SECRET = re.compile(
    r"(?<![0-9])\d{5,}:[A-Za-z0-9_-]{30,}|\bx(?:ox[abpre]|app)-[A-Za-z0-9-]+|(?<=://)[^/@\s]*:[^/@\s]+(?=@)"
)
# Exceptions from outside kodeks whose messages say where, not what was said.
_SAFE_FOREIGN_ERRORS: tuple[type[BaseException], ...] = (OSError, TimeoutError)
_SAFE_FOREIGN_MODULES = ("redis.",)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, UTC timestamps, extras as fields."""

    def format(self, record: logging.LogRecord) -> str:
        """Render `record` as one line of JSON."""
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in _NEVER and key not in line:
                line[key] = value if isinstance(value, (int, float, bool)) else str(value)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


def _own_roots() -> tuple[str, ...]:
    roots = []
    for name in _OWN_PACKAGES:
        spec = find_spec(name)  # the package's place, without importing it
        for location in (spec.submodule_search_locations or []) if spec else []:
            roots.append(str(Path(location).resolve()) + "/")
    return tuple(roots)


class Redaction(logging.Filter):
    """Keep message text and secrets out of every line, whoever wrote it (see the module doc)."""

    def __init__(self) -> None:
        super().__init__("kodeks-redaction")
        self._own = _own_roots()

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite `record` in place; drop a library's DEBUG line."""
        foreign = not _resolved(record.pathname).startswith(self._own)
        if foreign and record.levelno <= logging.DEBUG:
            return False
        message = record.getMessage()
        if foreign:
            message = _cut_payload(message)
        record.msg, record.args = mask_secrets(message), None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = mask_secrets(_exception_text(record.exc_info[1]))
            record.exc_info = None
        return True


@functools.lru_cache(maxsize=1024)
def _resolved(pathname: str) -> str:
    return str(Path(pathname).resolve())


def mask_secrets(text: str) -> str:
    """`text` with token shapes and URL passwords replaced by «***»."""
    return _SECRET.sub("***", text)


def _cut_payload(message: str) -> str:
    first = message.partition("\n")[0]
    marker = _PAYLOAD.search(first)
    return first if marker is None else first[: marker.start()] + "… (payload withheld)"


def _exception_text(error: BaseException) -> str:
    frames = "".join(traceback.format_tb(error.__traceback__))
    kind = type(error)
    name = f"{kind.__module__}.{kind.__qualname__}"
    if _speaks_for_itself(kind):
        return f"Traceback (most recent call last):\n{frames}{name}: {error}"
    return (
        f"Traceback (most recent call last):\n{frames}{name} (message withheld: it may quote input)"
    )


def _speaks_for_itself(kind: type[BaseException]) -> bool:
    own = kind.__module__.split(".")[0] in _OWN_PACKAGES
    return (
        own
        or issubclass(kind, _SAFE_FOREIGN_ERRORS)
        or kind.__module__.startswith(_SAFE_FOREIGN_MODULES)
    )


def log_handler(
    fmt: Literal["text", "json"] = "text", stream: IO[str] | None = None
) -> logging.Handler:
    """The handler `kodeks run` logs through: `fmt` lines on `stream` (standard error), redacted."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(_TEXT_FORMAT))
    handler.addFilter(Redaction())
    return handler


def setup_logging(level: str, fmt: Literal["text", "json"] = "text") -> None:
    """Send every record, and every warning, to standard error in `fmt`, at `level` and above."""
    handler = log_handler(fmt)
    logging.captureWarnings(True)  # aiogram's warnings quote updates; let Redaction see them
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("pymorphy3").setLevel(logging.WARNING)  # its dictionary banner
