"""Exports as people hand them over: a folder zipped whole, a zip inside a zip, a damaged zip,
and files with bytes that are not UTF-8 or lone surrogates, which cost their messages only."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from adapters.exports.reader import open_export
from bot.domain.exports import UNREADABLE_TEXT, ExportedMessage, ExportError
from tests.support import EXAMPLES

SLACK, TELEGRAM = EXAMPLES / "slack", EXAMPLES / "telegram" / "result.json"


def _zip(target: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return target


def _folder(folder: Path, under: str) -> dict[str, bytes]:
    return {f"{under}{p.relative_to(folder).as_posix()}": p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


def _messages(path: Path) -> list[ExportedMessage]:
    return list(open_export(path).messages())


def test_a_slack_folder_zipped_whole_reads_like_the_folder(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "export.zip", _folder(SLACK, "export/"))
    assert [i.message for i in _messages(archive)] == [i.message for i in _messages(SLACK)]


def test_a_zip_inside_the_zip_is_read(tmp_path: Path) -> None:
    inner = _zip(tmp_path / "slack.zip", _folder(SLACK, ""))
    outer = _zip(tmp_path / "download.zip", {"slack.zip": inner.read_bytes(),
                                             "__MACOSX/._slack.zip": b"\0"})  # fmt: skip
    assert len(_messages(outer)) == len(_messages(SLACK)) > 0


def test_a_zipped_telegram_export_is_read(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "chat.zip", {"ChatExport_2025-03-20/result.json":
                                           TELEGRAM.read_bytes()})  # fmt: skip
    export = open_export(archive)
    assert [i.message for i in export.messages()] == [i.message for i in _messages(TELEGRAM)]
    assert export.stats.fraction == 1.0


@pytest.mark.parametrize(
    "damage",
    [lambda data: data[:300], lambda data: data[: len(data) - 30], lambda data: b"PK" + b"\0" * 40],
)
def test_a_damaged_zip_is_named_as_damaged(tmp_path: Path, damage: object) -> None:
    whole = _zip(tmp_path / "whole.zip", _folder(SLACK, "export/")).read_bytes()
    broken = tmp_path / "broken.zip"
    broken.write_bytes(damage(whole))  # type: ignore[operator]
    with pytest.raises(ExportError, match=r"broken\.zip: a damaged zip file \(.+\)"):
        _messages(broken)


def test_a_zip_without_an_export_says_so(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "photos.zip", {"photos/1.jpg": b"\xff\xd8"})
    with pytest.raises(ExportError, match=r"a zip with no result\.json, users\.json or channel"):
        _messages(archive)


def _telegram_with(damaged: list[bytes]) -> bytes:
    chat = json.loads(TELEGRAM.read_bytes())["chats"]["list"][0]
    messages = [json.dumps(m, ensure_ascii=False).encode() for m in chat["messages"]]
    bad = [
        b'{"id": %d, "type": "message", "date_unixtime": "1741000000", "from_id": "user1",'
        b' "text": "%s"}' % (900 + n, text)
        for n, text in enumerate(damaged)
    ]
    chat_head = json.dumps({k: v for k, v in chat.items() if k != "messages"})[:-1].encode()
    return chat_head + b', "messages": [' + b", ".join([*bad, *messages]) + b"]}"


def test_lone_surrogates_and_bad_bytes_cost_their_messages_only(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(_telegram_with([rb"\ud800", rb"\udc00\ud800 ok", b"\xff\xfe bytes"]))
    export = open_export(path)
    read = list(export.messages())
    chat = json.loads(TELEGRAM.read_bytes())["chats"]["list"][0]
    assert len(read) == len(chat["messages"]) - export.stats.skipped["malformed message"]
    assert export.stats.skipped[UNREADABLE_TEXT] == 3
    assert export.stats.damaged == {str(path): 3}


def test_a_slack_day_with_bad_bytes_loses_those_messages_only(tmp_path: Path) -> None:
    files = _folder(SLACK, "")
    day = "romashka/2025-03-03.json"
    messages = json.loads(files[day])
    files[day] = (
        json.dumps(messages, ensure_ascii=False)
        .encode()
        .replace(b'"text": "', b'"text": "\\ud800', 1)
    )
    export = open_export(_zip(tmp_path / "slack.zip", files))
    assert len(list(export.messages())) == len(_messages(SLACK)) - 1
    assert export.stats.damaged == {day: 1} and export.stats.skipped[UNREADABLE_TEXT] == 1


def test_a_member_damaged_inside_a_sound_zip_is_a_broken_day(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "slack.zip", _folder(SLACK, "export/"))
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("export/romashka/2025-03-05.json")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 5 : start + 15] = b"\0" * 10  # the compressed bytes, not the directory
    archive.write_bytes(bytes(data))
    export = open_export(archive)
    read = list(export.messages())
    assert export.stats.skipped["broken day file"] == 1
    assert 0 < len(read) < len(_messages(SLACK))
