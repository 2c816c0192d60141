"""What went wrong with an SQLite store, as a ``StoreError`` that says what to do.

SQLite reports a full disk, a read-only file, a database another process kept locked past the
busy timeout, a damaged file, each as an ``sqlite3`` exception (an ``OSError`` from the lock);
none of them may reach the user raw. The primary result code decides (``sqlite_errorcode``,
Python 3.11+), the message where it is missing.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from ..errors import ConfigError, StoreError
from .base import Key


class StoreOpenError(StoreError, ConfigError):
    """The SQLite store cannot be opened. A ``StoreError`` like every store failure, and a
    ``ConfigError`` as it was before (the usual fix is a setting: ``OAUTHKIT_STORE`` or ``store=``)."""


# SQLite primary result codes (sqlite.org/rescode.html)
_CODES = {
    5: "locked",
    6: "locked",
    8: "read_only",
    10: "io",
    11: "corrupt",
    13: "full",
    14: "unavailable",
    26: "corrupt",
}
_WORDS = (
    ("disk is full", "full"),
    ("readonly", "read_only"),
    ("read-only", "read_only"),
    ("locked", "locked"),
    ("malformed", "corrupt"),
    ("not a database", "corrupt"),
    ("unable to open", "unavailable"),
    ("i/o error", "io"),
)
_ERRNOS = {
    errno.ENOSPC: "full",
    errno.EDQUOT: "full",
    errno.EROFS: "read_only",
    errno.EACCES: "read_only",
    errno.EPERM: "read_only",
}


def reason_of(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return _ERRNOS.get(exc.errno or 0, "io")
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and (code & 0xFF) in _CODES:
        return _CODES[code & 0xFF]
    text = str(exc).lower()
    return next((reason for words, reason in _WORDS if words in text), "io")


def sqlite_error(
    exc: BaseException, *, path: Path, url: str, action: str, key: Key | None, busy_timeout: float
) -> StoreError:
    """``action`` is what failed, e.g. "save the token", "take the refresh lock"."""
    reason = reason_of(exc)
    state, hint = {
        "full": (
            "is full",
            f"free space on the disk that holds {path.parent} (or move the store: OAUTHKIT_STORE or store=)",
        ),
        "read_only": (
            "is read-only",
            f"make {path} and its folder writable by this user, or move the store (OAUTHKIT_STORE or store=)",
        ),
        "locked": (
            f"stayed locked by another process for more than {busy_timeout:g} s",
            "find what keeps a write transaction open on it (an sqlite3 shell, a backup job), or "
            "allow a longer wait: sqlite:///path?busy_timeout=60",
        ),
        "corrupt": (
            "is damaged",
            f"move {path} aside and authorize again (oauthkit then creates a new store)",
        ),
        "unavailable": ("cannot be opened", f"check that {path.parent} exists and is accessible"),
        "io": ("failed", f"check the disk that holds {path.parent}"),
    }[reason]
    if action.startswith(("save", "append")) and reason != "corrupt":
        hint += "; nothing was written, the stored token is as it was"
    elif action == "take the refresh lock":
        hint += "; no refresh was sent"
    cls = StoreOpenError if action.startswith("open") else StoreError
    return cls(
        f"cannot {action}: the SQLite store at {path} {state}",
        reason=reason,
        store=url,
        adapter=key.adapter if key is not None else None,
        connection=key.name if key is not None else None,
        detail=f"{type(exc).__name__}: {exc}",
        hint=hint,
    )


FAILURES: tuple[type[BaseException], ...] = (sqlite3.Error, OSError)
