"""The default store: one SQLite file, private to the user, shared safely by processes.

A rotated refresh token is committed (WAL, ``synchronous=FULL``) before ``refresh()`` returns, so
a killed kernel never loses it. The refresh lock is a process-wide thread lock plus a lock on
the database file itself (``sqlite_lock``), so several processes on one machine refresh a
connection once, not once each, even if someone deletes a lock file. Every failure (full disk,
read-only file, a database locked past ``busy_timeout``, a damaged record) is a ``StoreError``
(``sqlite_errors``, ``codec``); a failed write is rolled back whole. The refresh log keeps the
newest ``max_events`` events.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from ..errors import StoreError
from . import permissions, sqlite_lock
from .base import (
    DEFAULT_MAX_EVENTS,
    UNCHECKED,
    Event,
    Key,
    LockGuard,
    LogCursor,
    Record,
    Store,
    _Unchecked,
    check_replaces,
)
from .codec import EVENT_COLUMNS, Corrupt, corrupt_error, event_from_row, record_from_json, record_json
from .sqlite_errors import FAILURES, sqlite_error

T = TypeVar("T")
log = logging.getLogger("oauthkit.store")

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS tokens (
    adapter TEXT NOT NULL, name TEXT NOT NULL, record TEXT NOT NULL,
    version INTEGER NOT NULL, PRIMARY KEY (adapter, name)
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, {", ".join(EVENT_COLUMNS)}
);
CREATE INDEX IF NOT EXISTS events_by_connection ON events (adapter, connection);
"""

# Abandoned in a child after fork(): closing an SQLite connection there could release locks or
# delete files the parent still uses (sqlite.org/howtocorrupt.html, 2.6), so it is kept, unused.
_inherited: list[sqlite3.Connection] = []


class SQLiteStore(Store):
    """``sqlite:///path/tokens.db``. Options, as keywords or in the URL's query string through
    ``open_store``: ``max_events`` (log retention), ``busy_timeout`` (seconds to wait for another
    process's write transaction before a ``StoreError`` with reason ``locked``)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        max_events: int = DEFAULT_MAX_EVENTS,
        busy_timeout: float = 30.0,
    ) -> None:
        # Before Store.__init__ makes it known to the fork hooks, which use the guard.
        self._guard = threading.RLock()
        self._db: sqlite3.Connection | None = None
        super().__init__(max_events=max_events)
        self.path = Path(path).expanduser().resolve()
        self.url = f"sqlite:///{self.path}"
        self.busy_timeout = busy_timeout
        try:
            permissions.create_private(self.path)
            permissions.tighten(self.path)
            self._ident = sqlite_lock.identity(self.path)
        except OSError as exc:
            raise self._error(exc, "open the token store") from None
        with self._guard:
            self._database()  # fail here, at open, when the file is not a usable database

    # ---- the connection ---------------------------------------------------------------------
    def _database(self) -> sqlite3.Connection:
        """This process's connection, opened on first use (again in a forked child)."""
        if self._db is not None:
            return self._db
        try:
            db = sqlite3.connect(
                self.path, timeout=self.busy_timeout, check_same_thread=False, isolation_level=None
            )
        except FAILURES as exc:
            raise self._error(exc, "open the token store") from None
        try:
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=FULL")
                db.executescript(_SCHEMA)
            except sqlite3.OperationalError as exc:
                # A store this user may read but not write (not the owner, a read-only mount):
                # tokens still load; every write will say it is read-only.
                if "readonly" not in str(exc) and "read-only" not in str(exc):
                    raise
                db.execute("SELECT 1 FROM tokens LIMIT 1").fetchall()
        except FAILURES as exc:
            db.close()
            raise self._error(exc, "open the token store") from None
        if not os.access(self.path, os.W_OK):  # said once, at open; each write says it again
            log.warning(
                "oauthkit: the token store %s is read-only: refreshed tokens cannot be saved", self.path
            )
        self._db = db
        return db

    def _before_fork(self) -> None:
        self._guard.acquire()  # every SQLite call runs under it: none is half done at the fork

    def _after_fork_in_parent(self) -> None:
        self._guard.release()

    def _after_fork_in_child(self) -> None:
        super()._after_fork_in_child()
        self._guard = threading.RLock()
        if self._db is not None:
            _inherited.append(self._db)
            self._db = None

    def _error(self, exc: BaseException, action: str, key: Key | None = None) -> StoreError:
        return sqlite_error(
            exc, path=self.path, url=self.url, action=action, key=key, busy_timeout=self.busy_timeout
        )

    def _run(self, action: str, key: Key | None, fn: Callable[[sqlite3.Connection], T]) -> T:
        """``fn`` on the connection under the store's guard; any failure as a StoreError."""
        with self._guard:
            db = self._database()
            try:
                return fn(db)
            except FAILURES as exc:
                raise self._error(exc, action, key) from None

    @contextmanager
    def _transaction(self, action: str, key: Key | None) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed whole, or rolled back whole and a StoreError raised."""
        with self._guard:
            db = self._database()
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                    db.execute("COMMIT")
                except BaseException:
                    # SQLite may have rolled back by itself (a full disk does): only if still open.
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise
            except FAILURES as exc:
                raise self._error(exc, action, key) from None

    # ---- records ----------------------------------------------------------------------------
    def load(self, key: Key) -> Record | None:
        row = self._run(
            "load the token",
            key,
            lambda db: db.execute(
                "SELECT record, version FROM tokens WHERE adapter = ? AND name = ?",
                (key.adapter, key.name),
            ).fetchone(),
        )
        return None if row is None else self._decode(key, row)

    def _decode(self, key: Key, row: tuple[Any, Any]) -> Record:
        try:
            if not isinstance(row[0], (str, bytes)):
                raise Corrupt("the record is not text")
            return record_from_json(row[0], row[1])
        except Corrupt as problem:
            raise corrupt_error(
                problem,
                store_url=self.url,
                key=key,
                remedy=(
                    f"delete it (sqlite3 {self.path} \"DELETE FROM tokens WHERE adapter = '{key.adapter}' "
                    f"AND name = '{key.name}'\") and authorize again"
                ),
            ) from None

    def save(
        self,
        key: Key,
        record: Record,
        events: Sequence[Event] = (),
        *,
        replaces: str | _Unchecked | None = UNCHECKED,
    ) -> None:
        data = record_json(record)
        with self._transaction("save the token", key) as db:
            if not isinstance(replaces, _Unchecked):
                row = db.execute(
                    "SELECT record, version FROM tokens WHERE adapter = ? AND name = ?",
                    (key.adapter, key.name),
                ).fetchone()
                check_replaces(None if row is None else self._decode(key, row), replaces)
            db.execute(
                "INSERT INTO tokens (adapter, name, record, version) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (adapter, name) DO UPDATE SET record = excluded.record, "
                "version = excluded.version",
                (key.adapter, key.name, data, record.version),
            )
            self._insert(db, events)

    # ---- the refresh log --------------------------------------------------------------------
    def append(self, events: Sequence[Event]) -> None:
        if events:
            key = Key(events[0].adapter, events[0].connection) if len(events) == 1 else None
            with self._transaction("append to the refresh log", key) as db:
                self._insert(db, events)

    def _insert(self, db: sqlite3.Connection, events: Sequence[Event]) -> None:
        if not events:
            return
        marks = ", ".join("?" for _ in EVENT_COLUMNS)
        db.executemany(
            f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({marks})",
            [tuple(getattr(e, c) for c in EVENT_COLUMNS) for e in events],
        )
        # Retention: ids only grow (AUTOINCREMENT) and a rolled-back insert takes none, so the
        # newest max_events rows are those above max(id) - max_events. A range delete on the
        # primary key: a seek, not a scan, and nothing to do until the log is full.
        db.execute(
            "DELETE FROM events WHERE id <= (SELECT max(id) FROM events) - ?",
            (self.max_events,),
        )

    def events(self, key: Key | None = None) -> list[Event]:
        query = f"SELECT {', '.join(EVENT_COLUMNS)} FROM events"
        args: tuple[Any, ...] = ()
        if key is not None:
            query += " WHERE adapter = ? AND connection = ?"
            args = (key.adapter, key.name)
        rows = self._run(
            "read the refresh log", key, lambda db: db.execute(query + " ORDER BY id", args).fetchall()
        )
        try:
            return [event_from_row(row) for row in rows]
        except Corrupt as problem:
            raise corrupt_error(
                problem,
                store_url=self.url,
                key=key,
                remedy=f"delete the bad rows of the events table in {self.path}, or move the file aside",
            ) from None

    def log_cursor(self) -> LogCursor:
        from .sqlite_watch import SQLiteLogCursor

        try:
            return SQLiteLogCursor(self.path)
        except FAILURES as exc:
            raise self._error(exc, "watch the refresh log") from None

    def keys(self) -> list[Key]:
        rows = self._run(
            "list the connections",
            None,
            lambda db: db.execute("SELECT adapter, name FROM tokens ORDER BY adapter, name").fetchall(),
        )
        return [Key(str(a), str(n)) for a, n in rows]

    # ---- the refresh lock -------------------------------------------------------------------
    in_process_lock = False  # the lock is shared with other processes: it may block

    def _thread_lock(self, key: Key) -> threading.Lock:
        # Process-wide, by database file: every store object of this file in this process
        # shares one descriptor, whose range lock cannot tell them apart (sqlite_lock).
        return sqlite_lock.thread_lock(self._ident, key)

    @contextmanager
    def lock(self, key: Key) -> Iterator[LockGuard]:
        with super().lock(key) as guard:
            try:
                held = sqlite_lock.across_processes(self.path, key)
                held.__enter__()
            except OSError as exc:
                raise self._error(exc, "take the refresh lock", key) from None
            try:
                yield guard
            finally:
                held.__exit__(None, None, None)

    def close(self) -> None:
        """Close the SQLite connection (a later use opens a new one). The process keeps its
        descriptor of the file for the refresh lock: see ``sqlite_lock``."""
        with self._guard:
            if self._db is not None:
                self._db.close()
                self._db = None
