"""What every token store offers, and the records it keeps."""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from ..errors import ConfigError, StoreError
from ..token import Token
from . import forks

# The refresh log keeps this many events per store, oldest dropped first (``max_events=``).
DEFAULT_MAX_EVENTS = 100_000


@dataclass(frozen=True)
class Key:
    """A connection's identity in a store."""

    adapter: str
    name: str = "default"

    def __str__(self) -> str:
        return f"{self.adapter}/{self.name}"


@dataclass(frozen=True)
class Record:
    """What a store keeps per connection.

    ``refresh_token`` is the one to use next: it is set even before the first access token
    exists (a seeded connection). ``seed_fp`` fingerprints the ``refresh_token`` setting that
    created the record, so the same seed on a later run does not replace a newer rotated token.
    ``version`` grows by one on every write.
    """

    token: Token | None
    refresh_token: str | None
    seed_fp: str | None = None
    version: int = 0
    rotations: int = 0


@dataclass(slots=True)  # a million events in memory: no __dict__ each
class Event:
    """One refresh attempt: a row of the refresh log (columns as in DESIGN.md)."""

    at: float
    connection: str
    adapter: str
    trigger: str
    outcome: str
    attempt: int = 1
    http_status: int | None = None
    latency_ms: float | None = None
    expires_at: float | None = None
    lifetime_s: float | None = None
    rotated: bool = False
    refresh_expires_at: float | None = None
    access_fp: str | None = None
    error: str | None = None
    detail: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class StaleWrite(Exception):
    """A compare-and-set save found a newer token than the one the refresh started from."""


class _Unchecked:
    def __repr__(self) -> str:
        return "UNCHECKED"


UNCHECKED = _Unchecked()


def check_replaces(current: Record | None, replaces: str | _Unchecked | None) -> None:
    """Raise StaleWrite unless the stored refresh token is the one this write replaces."""
    if isinstance(replaces, _Unchecked):
        return
    stored = current.refresh_token if current is not None else None
    if stored != replaces:
        raise StaleWrite("the stored refresh token changed during the refresh")


def check_max_events(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(
            f"max_events must be a whole number of at least 1, not {value!r}",
            hint=f"the refresh log keeps the newest max_events events (default {DEFAULT_MAX_EVENTS:,})",
        )
    return value


class _Named(Protocol):
    url: str


class LockGuard:
    """What ``Store.lock(key)`` yields while the refresh lock of one connection is held.

    The connection calls ``ensure_held()`` right before every token request: it raises
    ``StoreError`` when sending would no longer be safe. An in-process or file lock cannot be
    lost while held, so here the only check is that this is still the process that took it (a
    child forked inside the lock shares it with its parent, and must take its own). A lock that
    can expire (Redis) checks with the server.
    """

    # True when ensure_held() asks a server (an event loop then calls it on a worker thread).
    needs_io: ClassVar[bool] = False

    def __init__(self, store: _Named, key: Key) -> None:
        self.store_url = store.url
        self.key = key
        self.pid = os.getpid()

    def ensure_held(self) -> None:
        """Raise ``StoreError`` unless this lock is still held by this process."""
        if os.getpid() != self.pid:
            raise StoreError(
                f"the refresh lock of {self.key} in {self.store_url} was taken before fork()",
                reason="forked",
                store=self.store_url,
                adapter=self.key.adapter,
                connection=self.key.name,
                hint="the parent process holds it; take the lock again in the child (conn.refresh() does)",
            )

    @property
    def owned_here(self) -> bool:
        """True in the process that took the lock (a forked child must not release it)."""
        return os.getpid() == self.pid


class LogCursor(ABC):
    """The rows a store's log gains after the cursor was made, written by any process.

    ``poll()`` is meant to be called often (the dashboard: twice a second), so it must cost next
    to nothing while nothing changed: it checks a version first and reads only the new rows."""

    @abstractmethod
    def poll(self) -> list[Event]:
        """The rows added since the last poll, oldest first (none: an empty list)."""

    def close(self) -> None:  # noqa: B027 - optional for cursors that hold nothing open
        """Release what the cursor holds open."""


class Store(ABC):
    """Tokens and the refresh log of any number of connections."""

    url: str

    def __init__(self, *, max_events: int = DEFAULT_MAX_EVENTS) -> None:
        self.max_events = check_max_events(max_events)
        self._locks: dict[Key, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        forks.track(self)

    def _before_fork(self) -> None:  # noqa: B027 - optional: only stores on a C library need it
        """Called in the forking thread right before ``fork()``: wait until no thread is inside a
        call that must not be cut in two (and keep others out until ``_after_fork_in_parent``)."""

    def _after_fork_in_parent(self) -> None:  # noqa: B027 - pairs with _before_fork
        """Called in the parent right after ``fork()``: undo ``_before_fork``."""

    def _after_fork_in_child(self) -> None:
        """Called in a child right after ``fork()``. Locks that another thread of the parent held
        stay held forever in the child (that thread does not exist there): start with fresh ones.
        Stores that hold connections or file descriptors extend this."""
        self._locks = {}
        self._locks_guard = threading.Lock()

    @abstractmethod
    def load(self, key: Key) -> Record | None:
        """The stored record, read fresh from the backing storage."""

    @abstractmethod
    def save(
        self,
        key: Key,
        record: Record,
        events: Sequence[Event] = (),
        *,
        replaces: str | _Unchecked | None = UNCHECKED,
    ) -> None:
        """Write the record and the events atomically and durably before returning.

        With ``replaces``, a compare-and-set: write only if the stored refresh token is still
        ``replaces`` (the one the refresh used), else raise ``StaleWrite`` and write nothing, so a
        late writer can never overwrite a newer token. Any failure raises ``StoreError`` and
        writes nothing."""

    @abstractmethod
    def append(self, events: Sequence[Event]) -> None:
        """Add events to the refresh log (the oldest beyond ``max_events`` are dropped)."""

    @abstractmethod
    def events(self, key: Key | None = None) -> list[Event]:
        """The refresh log, oldest first; one connection's when ``key`` is given."""

    @abstractmethod
    def keys(self) -> list[Key]:
        """Every connection the store holds a record for."""

    def log_cursor(self) -> LogCursor | None:
        """A cursor on the log's new rows, for stores other processes can share; None when only
        this process can write the store (its writes reach listeners through ``subscribe``)."""
        return None

    # True while lock() is only the in-process lock below. A store that extends lock() (a file
    # lock, a Redis lock) must set it False, or try_lock() would skip its part.
    in_process_lock: ClassVar[bool] = True

    def _thread_lock(self, key: Key) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(key, threading.Lock())

    @contextmanager
    def lock(self, key: Key) -> Iterator[LockGuard]:
        """Hold the refresh lock of one connection: in-process (every thread of it) here;
        stores shared across processes extend this. Yields a ``LockGuard``: call its
        ``ensure_held()`` right before sending a token request."""
        with self._thread_lock(key):
            yield LockGuard(self, key)

    def try_lock(self, key: Key) -> AbstractContextManager[LockGuard] | None:
        """The refresh lock when it can be taken at once without blocking, else None (held, or
        a lock that needs I/O). An event loop takes it in place instead of on a worker thread:
        that hop was a tenth of an async refresh (benchmarks/async_bulk.py)."""
        if not self.in_process_lock:
            return None
        lock = self._thread_lock(key)
        if not lock.acquire(blocking=False):
            return None
        return _released_on_exit(lock, LockGuard(self, key))

    def close(self) -> None:  # noqa: B027 - optional for stores that hold nothing open
        """Release what the store holds open."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"


@contextmanager
def _released_on_exit(lock: threading.Lock, guard: LockGuard) -> Iterator[LockGuard]:
    try:
        yield guard
    finally:
        lock.release()
