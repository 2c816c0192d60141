"""The SQLite store's refresh lock across the processes of one machine.

A lock *file* can be deleted while a process holds it (a cleanup job, a user tidying the
folder); the next process then creates and locks a new file, and both send the same refresh
token (a provider with reuse detection revokes the whole family). So on 64-bit Linux the lock is an
open-file-description lock (``F_OFD_SETLKW``) on a byte range of the database file itself: the
file that holds the tokens cannot be swapped without losing them. Each connection has its own
range, far above the bytes SQLite locks (``PENDING_BYTE`` at 1 GiB, plus 512), so the two never
meet. The kernel releases it when the process dies, as with a lock file.

One descriptor of the database per process, opened once and never closed: closing *any*
descriptor of a file drops every classic POSIX lock the process holds on it, SQLite's own
included (sqlite.org/howtocorrupt.html, 2.2). Threads and store objects of one process share
that descriptor, so a process-wide thread lock per range serialises them first.

The lock file of earlier oauthkit versions (``tokens.db.<adapter>.<name>.lock``) is flock()ed
too, so that a kernel still running an older oauthkit is kept out as well. Where OFD locks do
not exist (macOS, BSD, 32-bit), that file is the lock, re-checked after locking (its inode must
still be the one at the path, else it is locked again): deleting it while held is then unsafe,
as it was before. Windows cannot delete an open file; there ``filelock`` does it.
"""

from __future__ import annotations

import errno
import hashlib
import os
import struct
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

from . import forks
from .base import Key

OFD_LOCKS = sys.platform.startswith("linux") and struct.calcsize("P") == 8
_RANGE_BASE = 1 << 40  # 1 TiB: far above SQLite's lock bytes; locks may lie beyond the end of a file
_READ_ONLY = (errno.EACCES, errno.EPERM, errno.EROFS)

Ident = tuple[int, int]  # (st_dev, st_ino) of a database file

_guard = threading.Lock()
_fds: dict[Ident, int] = {}  # one O_RDWR descriptor per database file, for the life of the process
_threads: dict[tuple[Ident, int], threading.Lock] = {}
_held_files: set[int] = set()  # descriptors of lock files held right now


def _reset_in_child() -> None:
    global _guard, _fds, _threads, _held_files
    # The inherited descriptors share their open file (and its locks) with the parent. Closing
    # them here keeps a parent's lock from outliving the parent in a long-lived child, and is
    # safe: a new child holds no POSIX lock that a close could drop.
    for fd in [*_fds.values(), *_held_files]:
        with suppress(OSError):
            os.close(fd)
    _guard, _fds, _threads, _held_files = threading.Lock(), {}, {}, set()


forks.on_fork_in_child(_reset_in_child)


def identity(path: Path) -> Ident:
    st = os.stat(path)
    return (st.st_dev, st.st_ino)


def database_fd(path: Path) -> int:
    """This process's descriptor of the database at ``path`` (opened on first use). Raises
    ``OSError`` (EACCES, EROFS) when the file cannot be opened for writing."""
    ident = identity(path)
    with _guard:
        fd = _fds.get(ident)
        if fd is None:
            fd = os.open(path, os.O_RDWR)  # no O_CREAT: the store created it; not inherited by exec
            st = os.fstat(fd)
            # Replaced between the stat and the open: keep it under its real identity (never close it).
            _fds[(st.st_dev, st.st_ino)] = fd
        return fd


def thread_lock(ident: Ident, key: Key) -> threading.Lock:
    """The process-wide thread lock of one connection's range in one database file."""
    with _guard:
        return _threads.setdefault((ident, _offset(key)), threading.Lock())


def _offset(key: Key) -> int:
    digest = hashlib.sha256(f"{key.adapter}\0{key.name}".encode()).digest()
    return _RANGE_BASE + int.from_bytes(digest[:5], "big")  # collisions only serialise two connections


def legacy_lock_path(path: Path, key: Key) -> Path:
    return path.with_name(f"{path.name}.{key.adapter}.{key.name}.lock")


@contextmanager
def across_processes(path: Path, key: Key) -> Iterator[None]:
    """Hold the connection's lock against other processes (the caller holds its thread lock).
    Raises ``OSError`` when it cannot be taken (a read-only store)."""
    with ExitStack() as stack:
        if OFD_LOCKS:
            fd = database_fd(path)
            stack.enter_context(_range_lock(fd, _offset(key)))
        if sys.platform == "win32":
            stack.enter_context(_windows_file_lock(legacy_lock_path(path, key)))
        else:
            stack.enter_context(_file_lock(legacy_lock_path(path, key), required=not OFD_LOCKS))
        yield


@contextmanager
def _range_lock(fd: int, offset: int) -> Iterator[None]:
    import fcntl

    pid = os.getpid()
    fcntl.fcntl(fd, fcntl.F_OFD_SETLKW, _flock(fcntl.F_WRLCK, offset))
    try:
        yield
    finally:
        # In a child forked inside the lock the descriptor is already closed (and unlocking
        # through a shared open file would release the parent's lock).
        if os.getpid() == pid:
            fcntl.fcntl(fd, fcntl.F_OFD_SETLK, _flock(fcntl.F_UNLCK, offset))


def _flock(kind: int, offset: int) -> bytes:
    # struct flock on 64-bit Linux: l_type, l_whence, l_start, l_len, l_pid (0 for OFD locks).
    return struct.pack("@hhqqi4x", kind, os.SEEK_SET, offset, 1, 0)


@contextmanager
def _file_lock(path: Path, *, required: bool) -> Iterator[None]:
    import fcntl

    fd = _open_locked(path, required=required)
    if fd is None:
        yield
        return
    pid = os.getpid()
    with _guard:
        _held_files.add(fd)
    try:
        yield
    finally:
        if os.getpid() == pid:  # a forked child must not unlock the parent's shared open file
            with _guard:
                _held_files.discard(fd)
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def _open_locked(path: Path, *, required: bool) -> int | None:
    import fcntl

    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            if exc.errno not in _READ_ONLY:
                raise
            try:
                fd = os.open(path, os.O_RDONLY)  # flock() needs no write access
            except FileNotFoundError:
                if required:
                    raise exc from None
                return None  # only the older versions' lock: nobody can have created it here
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            st, now = os.fstat(fd), os.stat(path)
            same = (st.st_dev, st.st_ino) == (now.st_dev, now.st_ino)
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)  # deleted or replaced while we waited: lock the file that is there now


@contextmanager
def _windows_file_lock(path: Path) -> Iterator[None]:
    from filelock import FileLock

    with FileLock(path, mode=0o600, thread_local=False):
        yield
