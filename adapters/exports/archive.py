"""Exports inside zip files, the ways people make them.

Slack's own zip holds `users.json` at its top; a folder zipped by hand holds it one folder down
(`export/users.json`, `export/general/2026-01-01.json`), a Telegram Desktop export zipped by hand
holds `ChatExport_2026-01-01/result.json`, and a download may wrap the zip in another zip.
`locate` finds the export's folder inside the archive (and inside the archives within it, to
`MAX_DEPTH`), and `ZipPlace.open` opens it again for the reader: the innermost zip is spilled to
a temporary file, since a zip is read by seeking and a member of a zip cannot seek cheaply.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import IO

from bot.domain.exports import ExportError

MAX_DEPTH = 3  # a zip in a zip in a zip; deeper is no export anyone made
_MARKERS = {"result.json": "telegram", "users.json": "slack", "channels.json": "slack"}
_SKIP = ("__MACOSX/",)  # the resource forks macOS's Finder adds to the zips it makes


@dataclass(frozen=True, slots=True)
class ZipPlace:
    """Where an export sits: a zip on disk, the zips inside it, and the folder in the last."""

    path: Path
    nested: tuple[str, ...] = ()  # members that are zips, outermost first
    root: str = ""  # "" or "folder/": the export's folder inside the innermost zip

    def __str__(self) -> str:
        return "/".join((str(self.path), *self.nested))

    @contextmanager
    def open(self) -> Iterator[zipfile.ZipFile]:
        """Open the innermost zip (a damaged one raises ExportError naming it)."""
        with ExitStack() as stack:
            archive = stack.enter_context(_open_zip(self.path, str(self.path)))
            for depth, member in enumerate(self.nested, 1):
                spill = stack.enter_context(tempfile.TemporaryFile())
                where = "/".join((str(self.path), *self.nested[:depth]))
                _copy(archive, member, spill, where)
                archive = stack.enter_context(_open_zip(spill, where))
            yield archive


def is_zip(path: Path) -> bool:
    """Tell whether `path` is a zip file, or a file that means to be one and is damaged."""
    if not path.is_file():
        return False
    if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
        return True
    try:
        with path.open("rb") as file:
            return file.read(2) == b"PK"  # a zip's local header, whatever came after it
    except OSError:
        return False


def locate(path: Path) -> tuple[str, ZipPlace] | None:
    """Find the export in the zip at `path`: its kind ("telegram", "slack") and place."""
    place = ZipPlace(path)
    for _ in range(MAX_DEPTH):
        with place.open() as archive:
            names = [n for n in archive.namelist() if not n.endswith("/") and not _skipped(n)]
        found = _find(names)
        if found is not None:
            kind, root = found
            return kind, replace(place, root=root)
        inner = sorted(n for n in names if n.lower().endswith(".zip"))
        if not inner:
            return None
        place = replace(place, nested=(*place.nested, inner[0]))
    return None


def _skipped(name: str) -> bool:
    return name.startswith(_SKIP)


def _find(names: list[str]) -> tuple[str, str] | None:
    """The export's kind and folder: the shallowest folder holding one of its marker files."""
    found = [
        (len(PurePosixPath(n).parts), _MARKERS[PurePosixPath(n).name], n)
        for n in names
        if PurePosixPath(n).name in _MARKERS
    ]
    if not found:
        return None
    _, kind, name = min(found)
    parent = str(PurePosixPath(name).parent)
    return kind, "" if parent == "." else f"{parent}/"


def _open_zip(file: Path | IO[bytes], where: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
        raise damaged(where, error) from None


def _copy(archive: zipfile.ZipFile, member: str, spill: IO[bytes], where: str) -> None:
    try:
        with archive.open(member) as inner:
            shutil.copyfileobj(inner, spill)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
        raise damaged(where, error) from None
    spill.seek(0)


def damaged(where: str, error: BaseException) -> ExportError:
    """The one-line refusal of a zip that cannot be read."""
    reason = str(error) or type(error).__name__
    return ExportError(f"{where}: a damaged zip file ({reason}); zip or download the export again")
