"""Stores survive ``fork()`` (multiprocessing's fork start method, pre-forking servers).

A child starts as a copy of its parent: a thread lock another parent thread held stays held
forever (that thread does not exist in the child), an SQLite connection must not be used on
both sides (sqlite.org/howtocorrupt.html, 2.6), and a Redis socket shared by both processes
hands one process the other's answers. Right before a fork, the forking thread waits until no
thread is inside a store's C library call (``Store._before_fork``); right after it, each live
store replaces its locks and connections in the child (``Store._after_fork_in_child``), and so
do the modules that keep process-wide state (``on_fork_in_child``). The parent only resumes.
"""

from __future__ import annotations

import logging
import os
import weakref
from collections.abc import Callable
from typing import Protocol


class Store(Protocol):
    """What this module needs of a store (written here: base.py imports this module)."""

    def _before_fork(self) -> None: ...
    def _after_fork_in_parent(self) -> None: ...
    def _after_fork_in_child(self) -> None: ...

log = logging.getLogger("oauthkit.store")

_stores: weakref.WeakSet[Store] = weakref.WeakSet()  # weak: tracking must not keep a store alive
_hooks: list[Callable[[], None]] = []


def track(store: Store) -> None:
    _stores.add(store)


def on_fork_in_child(hook: Callable[[], None]) -> None:
    """Run ``hook`` in every child right after ``fork()``, before any store is reset."""
    _hooks.append(hook)


_quiesced: list[Store] = []  # stores whose guard the forking thread holds across fork()


def _before_fork() -> None:
    # A C library has no fork handlers of its own: a child forked while another thread is inside
    # SQLite inherits SQLite's mutexes held, and hangs in its first sqlite3_open(). So the
    # forking thread waits until no thread is inside a store call, and holds them out until the
    # fork is done (each store's own guard; no store call holds two).
    for store in list(_stores):
        try:
            store._before_fork()
        except Exception:
            log.exception("oauthkit: preparing %r for fork() failed", store)
        else:
            _quiesced.append(store)


def _after_fork_in_parent() -> None:
    while _quiesced:
        store = _quiesced.pop()
        try:
            store._after_fork_in_parent()
        except Exception:
            log.exception("oauthkit: resuming %r after fork() failed", store)


def _reset_in_child() -> None:
    _quiesced.clear()  # their guards are replaced below, not released
    # No thread but this one exists here, so nothing below can race; an error must not stop
    # the other stores from being reset (the interpreter would only print it).
    for hook in list(_hooks):
        try:
            hook()
        except Exception:
            log.exception("oauthkit: resetting store state after fork() failed")
    for store in list(_stores):
        try:
            store._after_fork_in_child()
        except Exception:
            log.exception("oauthkit: resetting %r after fork() failed", store)


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork()
    os.register_at_fork(
        before=_before_fork, after_in_parent=_after_fork_in_parent, after_in_child=_reset_in_child
    )
