"""Token and refresh-log persistence: ``memory://``, ``sqlite:///path`` (the default), ``redis://``.

Options ride in the URL's query string: ``max_events`` everywhere (the refresh log keeps the
newest N events, 100,000 by default); ``busy_timeout`` for SQLite; ``lock_lease`` and
``lock_timeout`` for Redis (see each store).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from . import forks, options
from .base import DEFAULT_MAX_EVENTS, UNCHECKED, Event, Key, LockGuard, LogCursor, Record, StaleWrite, Store
from .memory import MemoryStore

if TYPE_CHECKING:
    from .sqlite import SQLiteStore


def __getattr__(name: str) -> Any:
    # sqlite3 and filelock cost a measurable share of `import oauthkit` (benchmarks/import_time);
    # load them when the first SQLite store opens, not before.
    if name == "SQLiteStore":
        from .sqlite import SQLiteStore

        return SQLiteStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


ENV_STORE = "OAUTHKIT_STORE"
_open: dict[str, Store] = {}
_open_guard = threading.Lock()


def _reset_in_child() -> None:
    global _open_guard
    _open_guard = threading.Lock()  # a parent thread may have held it at fork()


forks.on_fork_in_child(_reset_in_child)
_SQLITE_OPTIONS = {"max_events": options.whole(1), "busy_timeout": options.seconds(0)}
_MEMORY_OPTIONS = {"max_events": options.whole(1)}


def default_store_url() -> str:
    env = os.environ.get(ENV_STORE)
    if env:
        return env
    import platformdirs

    return f"sqlite:///{Path(platformdirs.user_data_dir('oauthkit')) / 'tokens.db'}"


def open_store(store: str | Store | None = None) -> Store:
    """A Store from a URL; the same URL gives the same Store object in one process, so every
    connection to it shares its locks."""
    if isinstance(store, Store):
        return store
    url = store or default_store_url()
    if url.startswith("sqlite:///"):
        path, query = options.split(url[len("sqlite:///") :])
        url = f"sqlite:///{Path(path).expanduser().resolve()}" + (url[url.index("?") :] if query else "")
    with _open_guard:
        existing = _open.get(url)
        if existing is not None:
            return existing
        if url.startswith("memory://"):
            base, found = options.take(url, _MEMORY_OPTIONS)
            opened: Store = MemoryStore(base, **found)
        elif url.startswith("sqlite:///"):
            from .sqlite import SQLiteStore

            base, found = options.take(url, _SQLITE_OPTIONS)
            opened = SQLiteStore(base[len("sqlite:///") :], **found)
        elif url.startswith(("redis://", "rediss://", "unix://")):
            from .redis import RedisStore  # redis-py only when a Redis store is asked for

            opened = RedisStore(url)
        else:
            raise ConfigError(
                f"unsupported store URL {url!r}",
                hint="use memory://, sqlite:///path/to/tokens.db, redis://host:port/db, or a Store instance",
            )
        _open[url] = opened
        return opened


__all__ = [
    "DEFAULT_MAX_EVENTS",
    "UNCHECKED",
    "Event",
    "Key",
    "LockGuard",
    "LogCursor",
    "MemoryStore",
    "Record",
    "SQLiteStore",
    "StaleWrite",
    "Store",
    "default_store_url",
    "open_store",
]
