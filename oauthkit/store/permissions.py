"""Keep a store's files private: 0600 files; 0700 for a folder oauthkit creates.

A new store is created private. An existing one with looser modes (copied, restored from a
backup, created by an older tool under a 022 umask) is tightened when it is opened, with its
``-wal`` / ``-shm`` / lock files; when that is not possible (the file belongs to someone else)
a warning says who can read it and what to do. A folder is never chmod-ed (it may be shared,
like /tmp); one that others can write to gets a warning, since they could replace the files.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from pathlib import Path

log = logging.getLogger("oauthkit.store")

# SQLite's companions of a database file; the refresh lock files sit beside it too.
_SUFFIXES = ("-wal", "-shm", "-journal")


def create_private(path: Path) -> None:
    """Create the folder 0700 and the file 0600 before SQLite opens it with default modes.
    An existing file that cannot be opened for writing is left to SQLite (read-only store)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) and path.exists():
            return
        raise
    os.close(fd)


def companions(path: Path) -> list[Path]:
    names = [path, *(path.with_name(path.name + s) for s in _SUFFIXES)]
    names += sorted(path.parent.glob(f"{_glob_escape(path.name)}.*.lock"))
    return [p for p in names if p.exists()]


def tighten(path: Path) -> None:
    """Make the store's files 0600, or warn that they stay readable by others."""
    if os.name == "nt":  # no POSIX modes: Windows files are private through their ACLs
        return
    for file in companions(path):
        try:
            mode = stat.S_IMODE(file.stat().st_mode)
        except FileNotFoundError:
            continue
        if not mode & 0o077:
            continue
        try:
            os.chmod(file, 0o600)
        except OSError as exc:
            if file.name.endswith(".lock"):
                continue  # holds no token
            owner = _owner(file)
            log.warning(
                "oauthkit: %s is mode %04o (others on this machine can read its tokens) and cannot "
                "be made private: %s. Run `chmod 600 %s` as its owner%s, or move the store "
                "(OAUTHKIT_STORE or store=).",
                file,
                mode,
                os.strerror(exc.errno or errno.EPERM),
                file,
                f" ({owner})" if owner else "",
            )
        else:
            if not file.name.endswith(".lock"):
                log.warning("oauthkit: %s was mode %04o (readable by others); it is 0600 now", file, mode)
    _warn_open_folder(path.parent)


def _warn_open_folder(folder: Path) -> None:
    try:
        mode = folder.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IWGRP | stat.S_IWOTH) and not mode & stat.S_ISVTX:
        log.warning(
            "oauthkit: the store's folder %s is writable by others (mode %04o): they can delete or "
            "replace its files. Use a private folder (chmod 700 %s) or move the store.",
            folder,
            stat.S_IMODE(mode),
            folder,
        )


def _owner(file: Path) -> str:
    try:
        uid = file.stat().st_uid
    except OSError:
        return ""
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"uid {uid}"


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)
