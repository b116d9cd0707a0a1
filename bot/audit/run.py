"""`kodeks scan EXPORT`: read the export, count, and write the summary, the HTML, JSON and CSV.

No tokens and no server are needed: the export is read from disk, the agency's config from
`--config` (or KODEKS_CONFIG / ./agency.toml where it exists). Only when KODEKS_REDIS_URL is set
does the report also show the bot's «Это не нарушение» feedback per rule.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.audit.progress import Progress
from bot.audit.report import CsvSink, render_html, report_data, summary
from bot.audit.scan import ExportScan
from bot.audit.tally import CLIENTS_MESSAGE
from bot.domain.config import AgencyConfig
from bot.domain.exports import Export, ExportError
from bot.domain.rulebook import checker_for

if TYPE_CHECKING:
    from bot.store.redis_store import RedisStore

log = logging.getLogger("bot.scan")
EXIT_OK, EXIT_USAGE = 0, 2
_FEEDBACK_TIMEOUT_S = 3.0


@dataclass(frozen=True, slots=True)
class ScanRequest:
    """What `kodeks scan` was asked to do."""

    export: Path
    out: Path
    json_out: Path | None = None
    csv_out: Path | None = None
    names: bool = False
    lang: str = "ru"  # the report's language: ru or en
    configured: bool = True  # False: no agency.toml was found, the scan runs on defaults


# Without agency.toml nobody is staff by name and every chat is a client's: most messages go
# unjudged as clients', and a first-time user should learn why rather than trust the figures.
NO_CONFIG = (
    "kodeks: notice: no agency.toml (no --config, no KODEKS_CONFIG, none in this folder), so every"
    " chat counts as a client's chat (policy.unknown_chat) and only people the export itself"
    " shows to be staff are judged: a Telegram account's owner, Slack's own workspace, whoever"
    " writes in an internal chat; everyone else's messages are «client's message», not judged"
    " ({clients:,} of {messages:,} here). Give --config agency.toml (kodeks init writes one) to"
    " name the agency's chats and staff.\n"
)


def run_scan(
    request: ScanRequest,
    config: AgencyConfig,
    open_store: Callable[[], RedisStore] | None,
    open_export: Callable[[Path], Export],
) -> int:
    """Scan, write the outputs and print the summary; return the exit code.

    `open_export` is the adapters' reader for the path (bot/ knows the contract, not the formats).
    """
    try:
        export = open_export(request.export)
        checker = checker_for(config)
        with ExitStack() as stack:
            sink = None
            if request.csv_out is not None:
                sink = CsvSink(stack.enter_context(_create(request.csv_out)))
            scan = ExportScan(export, config, checker, names=request.names, on_breach=sink)
            progress = Progress(export.stats, sys.stderr)
            result = scan.run(progress.tick)
            progress.done(scan.tally.read)
    except ExportError as error:
        sys.stderr.write(f"\nkodeks: {error}\n")
        return EXIT_USAGE
    feedback = asyncio.run(_feedback(open_store)) if open_store else None
    data = report_data(result, checker.ruleset, request.export.name, feedback, request.lang)
    try:
        _write(request.out, render_html(data))
        if request.json_out is not None:
            _write(request.json_out, json.dumps(data, ensure_ascii=False, indent=1))
    except ExportError as error:
        sys.stderr.write(f"kodeks: {error}\n")
        return EXIT_USAGE
    sys.stdout.write(summary(data) + f"\n  report: {request.out}\n")
    for name, count in result.damaged.items():
        log.warning("%s: %s messages with unreadable text skipped", name, count)
    if not request.configured:
        clients = result.tally.skipped.get(CLIENTS_MESSAGE, 0)
        sys.stderr.write(NO_CONFIG.format(clients=clients, messages=result.tally.read))
    return EXIT_OK


def _create(path: Path) -> TextIO:
    try:
        return path.open("w", encoding="utf-8", newline="")
    except OSError as error:
        msg = f"{path}: cannot write ({error.strerror})"
        raise ExportError(msg) from error


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        msg = f"{path}: cannot write ({error.strerror})"
        raise ExportError(msg) from error


async def _feedback(open_store: Callable[[], RedisStore]) -> dict[str, int] | None:
    """Read the false-alarm feedback per rule from the bot's Redis; None when it cannot."""
    from bot.store.redis_store import RedisError  # noqa: PLC0415 - only with a Redis

    store = open_store()
    try:
        return await asyncio.wait_for(store.feedback_counts(), _FEEDBACK_TIMEOUT_S)
    except (RedisError, OSError, TimeoutError):
        log.warning("feedback unavailable: the report shows none")
        return None
    finally:
        await store.close()
