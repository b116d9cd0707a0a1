"""The outage journal: findings that wait for Redis, on local disk, so a restart keeps them.

A platform is told «received» before Redis has counted anything (Slack will not resend after a
200, the polling offset has moved on), so what waits for Redis must survive the process. This
is an append-only table in SQLite (WAL): a row per message that waits, removed once Redis has
recorded it. It holds what the outage buffer holds, ids, clauses, rules and matched words, never
a message's text. `synchronous=NORMAL` in WAL mode survives a crash or a kill of the process
(what a restart is); only a power cut may lose the last commits, and it costs no fsync per row.
The journal is written only while Redis is away, so its speed does not touch the usual path.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

_SCHEMA = "CREATE TABLE IF NOT EXISTS pending (id INTEGER PRIMARY KEY, record TEXT NOT NULL)"


class JournalError(RuntimeError):
    """The journal's file cannot be opened or written: say where, and why."""


class Journal:
    """Rows of opaque records, oldest first, on one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as error:
            msg = f"cannot open the outage journal {path} ({error}); set KODEKS_JOURNAL"
            raise JournalError(msg) from error

    def append(self, record: str) -> int:
        """Keep a record; return its row, to remove it by once Redis has it."""
        row = self._db.execute("INSERT INTO pending (record) VALUES (?)", (record,)).lastrowid
        return int(row or 0)

    def remove(self, row: int) -> None:
        """Forget a record Redis now holds."""
        self._db.execute("DELETE FROM pending WHERE id = ?", (row,))

    def rows(self) -> list[tuple[int, str]]:
        """Every record still waiting, oldest first."""
        return list(self._db.execute("SELECT id, record FROM pending ORDER BY id"))

    def close(self) -> None:
        """Close the file (the rows stay for the next start)."""
        self._db.close()
