"""The libraries' own log lines and warnings, through the handler `kodeks run` logs with.

slack-bolt and aiogram are driven for real here, so a new version that logs another payload is
caught: Bolt logs the body of a request with a bad signature, aiogram warns with an update of an
unknown type dumped raw. Neither may put message text, or a token, in kodeks's log.
"""

from __future__ import annotations

import io
import json
import logging
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import Update
from pydantic import BaseModel
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

import bot
from bot.ops.logs import log_handler

TEXT = "Клиент опять всё перепутал, объясняю ему как маленькому"
OUR_FILE = str(Path(bot.__file__).parent / "pipeline" / "pipeline.py")
TELEGRAM_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SLACK_TOKEN = "xoxb-1234-5678-abcdefghijklmnop"


@pytest.fixture(params=["text", "json"])
def output(request: pytest.FixtureRequest) -> Iterator[io.StringIO]:
    """Everything logged, and every warning, as `kodeks run` writes it."""
    stream = io.StringIO()
    handler = log_handler(request.param, stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)  # the libraries' DEBUG lines must be stopped by the handler
    logging.captureWarnings(True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            logging.captureWarnings(True)  # catch_warnings restored showwarning; route it again
            yield stream
    finally:
        logging.captureWarnings(False)
        root.removeHandler(handler)
        root.setLevel(level)


def _slack_event() -> str:
    event = {"type": "message", "channel": "C1", "user": "U1", "text": TEXT, "ts": "1.0"}
    return json.dumps(
        {"type": "event_callback", "team_id": "T1", "event": event}, ensure_ascii=False
    )


async def test_bolts_line_about_a_bad_signature_keeps_the_body_out(output: io.StringIO) -> None:
    client = AsyncWebClient(token=SLACK_TOKEN, base_url="http://127.0.0.1:9/")  # never called
    app = AsyncApp(
        client=client, signing_secret="the-real-secret", logger=logging.getLogger("adapters.slack")
    )
    headers = {
        "content-type": ["application/json"],
        "x-slack-request-timestamp": [str(int(time.time()))],
        "x-slack-signature": ["v0=forged"],
    }

    response = await app.async_dispatch(AsyncBoltRequest(body=_slack_event(), headers=headers))

    assert response.status == 401
    logged = output.getvalue()
    assert "Invalid request signature detected" in logged  # the operator still learns of it
    assert "перепутал" not in logged
    assert SLACK_TOKEN not in logged


async def test_aiograms_warning_about_an_unknown_update_keeps_the_update_out(
    output: io.StringIO,
) -> None:
    dispatcher = Dispatcher()
    bot = Bot(TELEGRAM_TOKEN)
    unknown = Update.model_validate({"update_id": 7, "future_kind": {"text": TEXT}})
    try:
        await dispatcher.feed_update(bot, unknown)
    finally:
        await bot.session.close()

    logged = output.getvalue()
    assert "Detected unknown update type" in logged
    assert "перепутал" not in logged
    assert TELEGRAM_TOKEN not in logged


def _ours(level: int, msg: str, *args: object) -> None:
    """Log as a module of kodeks would: the handler tells its own lines by where they were made."""
    logger = logging.getLogger("bot.pipeline")
    logger.handle(logger.makeRecord(logger.name, level, OUR_FILE, 1, msg, args, None))


def test_a_token_in_an_address_is_masked_in_our_own_lines(output: io.StringIO) -> None:
    _ours(
        logging.WARNING, "no answer from https://api.telegram.org/bot%s/getUpdates", TELEGRAM_TOKEN
    )
    _ours(logging.WARNING, "refused %s", SLACK_TOKEN)
    _ours(logging.WARNING, "redis at redis://:hunter2-pass@10.0.0.1:6379/0 down")

    logged = output.getvalue()
    assert "api.telegram.org/bot***/getUpdates" in logged
    assert TELEGRAM_TOKEN not in logged and SLACK_TOKEN not in logged
    assert "hunter2" not in logged and "10.0.0.1:6379" in logged


class _Message(BaseModel):
    chat: int


def test_a_foreign_exception_keeps_its_type_and_frames_but_not_what_it_quotes(
    output: io.StringIO,
) -> None:
    try:
        _Message.model_validate({"chat": TEXT})
    except ValueError:
        logging.getLogger("adapters.telegram").exception("update refused")
    try:
        raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 6379)")
    except OSError:
        logging.getLogger("bot.store").exception("redis unavailable")

    logged = output.getvalue()
    assert "ValidationError (message withheld" in logged
    assert "test_library_logs.py" in logged  # the frames are still there
    assert "перепутал" not in logged
    assert "Connect call failed ('127.0.0.1', 6379)" in logged  # says where, not what


def test_a_librarys_debug_lines_are_dropped_and_ours_kept(output: io.StringIO) -> None:
    _ours(logging.DEBUG, "ours at debug")
    record = logging.getLogger("slack_sdk").makeRecord(
        "slack_sdk", logging.DEBUG, "/site-packages/slack_sdk/web/base_client.py", 1,
        "Sending a request - body: %s", (TEXT,), None,
    )  # fmt: skip
    logging.getLogger("slack_sdk").handle(record)

    logged = output.getvalue()
    assert "ours at debug" in logged
    assert "Sending a request" not in logged and "перепутал" not in logged
