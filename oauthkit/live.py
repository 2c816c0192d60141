"""The connections alive in this process: the listeners told of every token request, and the
at-fork hook that gives each connection in a forked child its own sockets and locks."""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections.abc import Callable
from typing import Any, Protocol

from .store import Event

log = logging.getLogger("oauthkit")


class Live(Protocol):
    def after_fork_in_child(self) -> None: ...


Listener = Callable[[Any, Event], None]
_listeners: list[Listener] = []
# Weak: a notebook cell that calls connect() again and again must not pin every old connection
# (and its sockets) for the life of the kernel.
_live: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()
_live_guard = threading.Lock()


def subscribe(listener: Listener) -> Callable[[], None]:
    """Call ``listener(connection, event)`` after every token request; returns the unsubscriber."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener) if listener in _listeners else None


def notify(conn: Any, event: Event) -> None:
    for listener in list(_listeners):
        try:
            listener(conn, event)
        except Exception:  # a broken widget must never break a refresh
            log.exception("oauthkit refresh listener failed")


def track(conn: Live) -> None:
    with _live_guard:
        _live[id(conn)] = conn


def forget(conn: Live) -> None:
    with _live_guard:
        _live.pop(id(conn), None)


def connections() -> list[Any]:
    with _live_guard:
        return list(_live.values())


def _after_fork_in_child() -> None:
    """A forked child must not reuse the parent's sockets (the two would read each other's
    answers) nor a lock some parent thread held at the fork (it would never be released)."""
    global _live_guard
    _live_guard = threading.Lock()
    for conn in list(_live.values()):
        conn.after_fork_in_child()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


__all__ = ["Listener", "connections", "forget", "notify", "subscribe", "track"]
