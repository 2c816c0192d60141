"""New log rows of an SQLite store, cheaply, whichever process wrote them.

``PRAGMA data_version`` changes on a connection only when *another* connection committed to the
file since its last look, and asking costs no read of any table: the cursor keeps one connection
of its own for exactly that question, and reads ``WHERE id > last`` only when the answer changed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .base import Event, LogCursor
from .codec import EVENT_COLUMNS, Corrupt, event_from_row


class SQLiteLogCursor(LogCursor):
    def __init__(self, path: Path) -> None:
        # Read-only: the cursor can never be the writer that holds anybody up.
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._version = self._data_version()
        row = self._db.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()
        self._last_id: int = int(row[0])

    def _data_version(self) -> int:
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def poll(self) -> list[Event]:
        version = self._data_version()
        if version == self._version:
            return []
        self._version = version
        rows = self._db.execute(
            f"SELECT id, {', '.join(EVENT_COLUMNS)} FROM events WHERE id > ? ORDER BY id", (self._last_id,)
        ).fetchall()
        found: list[Event] = []
        for row in rows:
            self._last_id = int(row[0])
            try:
                found.append(event_from_row(row[1:]))
            except Corrupt:  # a bad row is the log reader's to report; a watcher skips it
                continue
        return found

    def close(self) -> None:
        self._db.close()


__all__ = ["SQLiteLogCursor"]
