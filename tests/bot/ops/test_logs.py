"""Structured logs: JSON lines with time, level, logger, message and ids; never message text."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator

import pytest

from adapters.cli.main import main
from bot.ops.logs import JsonFormatter, setup_logging
from rules import Checker
from tests.support.bots import RUDE, core_on, message


@pytest.fixture
def root_restored() -> Iterator[None]:
    """setup_logging replaces the root handlers; put pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    logging.captureWarnings(False)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def record(msg: str, *args: object, **extra: object) -> logging.LogRecord:
    logger = logging.getLogger("bot.pipeline")
    made = logger.makeRecord("bot.pipeline", logging.WARNING, __file__, 1, msg, args, None)
    for key, value in extra.items():
        setattr(made, key, value)
    return made


def test_a_json_line_has_time_level_logger_message_and_ids() -> None:
    line = JsonFormatter().format(
        record("warning clause=%s", 6, platform="telegram", chat="-100", user=7)
    )
    data = json.loads(line)
    assert data["level"] == "WARNING" and data["logger"] == "bot.pipeline"
    assert data["message"] == "warning clause=6"
    assert data["time"].endswith("+00:00")
    assert (data["platform"], data["chat"], data["user"]) == ("telegram", "-100", 7)


def test_fields_named_like_text_never_reach_the_line() -> None:
    line = JsonFormatter().format(record("got one", text="секрет", caption="тоже", chat="1"))
    assert "секрет" not in line and "тоже" not in line
    assert json.loads(line)["chat"] == "1"


def test_an_exception_is_one_line_too() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        made = record("failed")
        made.exc_info = sys.exc_info()
    line = JsonFormatter().format(made)
    assert "\n" not in line and "ValueError: boom" in json.loads(line)["exception"]


def test_setup_logging_writes_json_lines(
    root_restored: None, capsys: pytest.CaptureFixture[str]
) -> None:
    setup_logging("INFO", "json")
    logging.getLogger("adapters.cli").info("started platform=%s", "slack", extra={"event": "e1"})
    logging.getLogger("adapters.cli").debug("below the level")
    [line] = capsys.readouterr().err.splitlines()
    assert json.loads(line)["event"] == "e1"


def test_kodeks_run_sets_up_the_configured_format(
    root_restored: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KODEKS_LOG_FORMAT", "json")
    monkeypatch.setenv("KODEKS_CONFIG", "/nonexistent/agency.toml")
    assert main(["run"]) == 2  # no config: refused, after logging was set up
    formatters = [h.formatter for h in logging.getLogger().handlers]
    assert any(isinstance(f, JsonFormatter) for f in formatters)


async def test_the_pipelines_lines_carry_ids_as_fields(
    checker: Checker, caplog: pytest.LogCaptureFixture
) -> None:
    core = core_on(checker, max_text_chars=256)
    caplog.set_level(logging.INFO)
    await core.pipeline.handle(message(RUDE + " " + "а" * 300))
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records]
    [cut] = [line for line in lines if "too long" in line["message"]]
    [warning] = [line for line in lines if line["message"].startswith("warning ")]
    assert (cut["chat"], cut["message_id"], cut["event"]) == ("-100", "1", "u1")
    assert (warning["user"], warning["clause"]) == ("11", 6)
    assert not [line for line in lines if "пиздец" in json.dumps(line, ensure_ascii=False)]
