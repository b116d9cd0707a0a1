"""Coverage-guided fuzzing with atheris (libFuzzer), beyond the hypothesis tests in `tests/fuzz/`.

Optional: atheris is not a dependency of kodeks or of its test suite (`pip install atheris`).

    .venv/bin/python scripts/fuzz_atheris.py checker -max_total_time=60
    .venv/bin/python scripts/fuzz_atheris.py telegram -runs=200000
    .venv/bin/python scripts/fuzz_atheris.py slack -max_total_time=600 -artifact_prefix=/tmp/

Seeds come from the kept corpus (`tests/support/fuzz_corpus/*.json`). Anything after the target
is handed to libFuzzer. A crash is written as `crash-<sha1>` (under `-artifact_prefix`); turn it
into a named case in the corpus JSON of its target, so the suite replays it on every run.
"""

from __future__ import annotations

import contextlib
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import atheris  # type: ignore[import-not-found]
from aiogram.types import Update  # imported before instrumenting: coverage of our code only
from pydantic import ValidationError

with atheris.instrument_imports():
    from adapters.slack import convert as slack_convert
    from adapters.telegram import convert as telegram_convert
    from rules import ChatKind, CheckContext, Client, build_checker

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "support" / "fuzz_corpus"
SEEDS = {"checker": ("checker_texts", "text"), "telegram": ("telegram_updates", "update"),
         "slack": ("slack_events", "body")}  # fmt: skip
CHECKER = build_checker((Client("Ромашка", ("Romashka",)),))
CONTEXTS = (None, CheckContext(ChatKind.CLIENT, "Ромашка"), CheckContext(ChatKind.INTERNAL))


def payload(data: bytes) -> Any:
    """The input as JSON when it is JSON (the seeds are), else as text."""
    text = data.decode("utf-8", "surrogateescape")  # bad bytes become lone surrogates
    try:
        return json.loads(text)
    except ValueError:
        return text


def fuzz_checker(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    context = CONTEXTS[provider.ConsumeIntInRange(0, len(CONTEXTS) - 1)]
    text = provider.ConsumeUnicode(len(data))
    for finding in CHECKER.check(text, context):
        assert 0 <= finding.start < finding.end <= len(text), finding
        assert finding.excerpt == text[finding.start : finding.end], finding


def fuzz_telegram(data: bytes) -> None:
    raw = payload(data)
    if isinstance(raw, str):
        raw = {"update_id": 1, "message": {"message_id": 1, "date": 1, "text": raw,
               "chat": {"id": -1, "type": "supergroup"}, "from": {"id": 2, "is_bot": False,
               "first_name": "B"}}}  # fmt: skip
    try:
        update = Update.model_validate(raw)
    except ValidationError:
        return  # refused by aiogram, before any handler of ours
    telegram_convert.to_incoming(update)
    if update.my_chat_member is not None:
        telegram_convert.to_chat_join(update.my_chat_member)
    if update.callback_query is not None:
        telegram_convert.extract_feedback_token(update.callback_query.data)


def fuzz_slack(data: bytes) -> None:
    raw = payload(data)
    if isinstance(raw, str):
        raw = {"event_id": "Ev1", "team_id": "T1", "event": {"type": "message", "channel": "C1",
               "user": "U1", "ts": "1700000000.000100", "text": raw}}  # fmt: skip
    if not isinstance(raw, dict):
        return
    for parse in (slack_convert.to_incoming, slack_convert.parse_feedback):
        with contextlib.suppress(slack_convert.MalformedEventError):
            parse(raw)
    slack_convert.to_command(raw, "ru")


TARGETS: dict[str, Callable[[bytes], None]] = {
    "checker": fuzz_checker, "telegram": fuzz_telegram, "slack": fuzz_slack,
}  # fmt: skip


def seed_directory(target: str) -> str:
    """The kept cases of the target, one file each, for libFuzzer to start from."""
    name, field = SEEDS[target]
    folder = tempfile.mkdtemp(prefix=f"kodeks-fuzz-{target}-")
    for i, case in enumerate(json.loads((CORPUS / f"{name}.json").read_text("utf-8"))):
        value = case[field]
        text = value if isinstance(value, str) else json.dumps(value)
        (Path(folder) / f"seed-{i}").write_bytes(text.encode("utf-8", "surrogatepass"))
    return folder


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(TARGETS)}}} [libFuzzer options]")
    target = sys.argv[1]
    argv = [sys.argv[0], *sys.argv[2:], seed_directory(target)]
    atheris.Setup(argv, TARGETS[target])
    atheris.Fuzz()


if __name__ == "__main__":
    main()
