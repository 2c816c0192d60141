"""The default store: one SQLite file, private to the user, shared safely by processes.

A rotated refresh token is committed (WAL, ``synchronous=FULL``) before ``refresh()`` returns, so
a killed kernel never loses it. The refresh lock is a thread lock plus a file lock beside the
database, so several processes on one machine refresh a connection once, not once each.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Any

from filelock import FileLock

from ..errors import ConfigError
from ..token import Token
from .base import UNCHECKED, Event, Key, Record, Store, _Unchecked, check_replaces

_EVENT_COLUMNS = [f.name for f in fields(Event) if f.name != "extra"]
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS tokens (
    adapter TEXT NOT NULL, name TEXT NOT NULL, record TEXT NOT NULL,
    version INTEGER NOT NULL, PRIMARY KEY (adapter, name)
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, {", ".join(_EVENT_COLUMNS)}
);
CREATE INDEX IF NOT EXISTS events_by_connection ON events (adapter, connection);
"""


def _private_file(path: Path) -> None:
    """Create the folder 0700 and the file 0600 before SQLite opens it with default modes."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)


class SQLiteStore(Store):
    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__()
        self.path = Path(path).expanduser().resolve()
        self.url = f"sqlite:///{self.path}"
        try:
            _private_file(self.path)
            self._db = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(
                f"cannot open the token store at {self.path}",
                detail=str(exc),
                hint="set OAUTHKIT_STORE or pass store= to a writable location",
            ) from None
        self._guard = threading.RLock()
        self._file_locks: dict[Key, FileLock] = {}

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._guard:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def load(self, key: Key) -> Record | None:
        with self._guard:
            return self._load(self._db, key)

    @staticmethod
    def _load(db: sqlite3.Connection, key: Key) -> Record | None:
        row = db.execute(
            "SELECT record, version FROM tokens WHERE adapter = ? AND name = ?",
            (key.adapter, key.name),
        ).fetchone()
        if row is None:
            return None
        data = json.loads(row[0])
        token = Token.from_record(data["token"]) if data.get("token") else None
        return Record(
            token=token,
            refresh_token=data.get("refresh_token"),
            seed_fp=data.get("seed_fp"),
            version=int(row[1]),
            rotations=int(data.get("rotations", 0)),
        )

    def save(
        self,
        key: Key,
        record: Record,
        events: Sequence[Event] = (),
        *,
        replaces: str | _Unchecked | None = UNCHECKED,
    ) -> None:
        data = {
            "token": record.token.to_record() if record.token else None,
            "refresh_token": record.refresh_token,
            "seed_fp": record.seed_fp,
            "rotations": record.rotations,
        }
        with self._transaction() as db:
            check_replaces(self._load(db, key), replaces)
            db.execute(
                "INSERT INTO tokens (adapter, name, record, version) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (adapter, name) DO UPDATE SET record = excluded.record, "
                "version = excluded.version",
                (key.adapter, key.name, json.dumps(data), record.version),
            )
            self._insert(db, events)

    def append(self, events: Sequence[Event]) -> None:
        if events:
            with self._transaction() as db:
                self._insert(db, events)

    @staticmethod
    def _insert(db: sqlite3.Connection, events: Sequence[Event]) -> None:
        marks = ", ".join("?" for _ in _EVENT_COLUMNS)
        db.executemany(
            f"INSERT INTO events ({', '.join(_EVENT_COLUMNS)}) VALUES ({marks})",
            [tuple(getattr(e, c) for c in _EVENT_COLUMNS) for e in events],
        )

    def events(self, key: Key | None = None) -> list[Event]:
        query = f"SELECT {', '.join(_EVENT_COLUMNS)} FROM events"
        args: tuple[Any, ...] = ()
        if key is not None:
            query += " WHERE adapter = ? AND connection = ?"
            args = (key.adapter, key.name)
        with self._guard:
            rows = self._db.execute(query + " ORDER BY id", args).fetchall()
        out = []
        for row in rows:
            values = dict(zip(_EVENT_COLUMNS, row, strict=True))
            values["rotated"] = bool(values["rotated"])
            out.append(Event(**values))
        return out

    def keys(self) -> list[Key]:
        with self._guard:
            rows = self._db.execute("SELECT adapter, name FROM tokens ORDER BY adapter, name").fetchall()
        return [Key(a, n) for a, n in rows]

    in_process_lock = False  # the lock is shared with other processes: it may block

    @contextmanager
    def lock(self, key: Key) -> Iterator[None]:
        with super().lock(key):
            with self._guard:
                flock = self._file_locks.get(key)
                if flock is None:
                    lock_path = self.path.with_name(f"{self.path.name}.{key.adapter}.{key.name}.lock")
                    flock = self._file_locks[key] = FileLock(lock_path, mode=0o600, thread_local=False)
            with flock:
                yield

    def close(self) -> None:
        with self._guard:
            self._db.close()
