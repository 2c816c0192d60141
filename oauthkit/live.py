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


RetryListener = Callable[[Any, int, int, float], None]
_retry_listeners: list[RetryListener] = []


def subscribe_retries(listener: RetryListener) -> Callable[[], None]:
    """Call ``listener(connection, attempt, attempts, wait_s)`` before a refresh waits to retry."""
    _retry_listeners.append(listener)
    return lambda: _retry_listeners.remove(listener) if listener in _retry_listeners else None


def notify_retry(conn: Any, attempt: int, attempts: int, wait: float) -> None:
    for listener in list(_retry_listeners):
        try:
            listener(conn, attempt, attempts, wait)
        except Exception:
            log.exception("oauthkit retry listener failed")


# Weak: a keeper must not keep its connection alive (the live registry is weak too).
def weak_notifier(conn: Any) -> Callable[[Event], None]:
    ref = weakref.ref(conn)

    def tell(event: Event) -> None:
        owner = ref()
        if owner is not None:
            notify(owner, event)

    return tell


def weak_retry_notifier(conn: Any) -> Callable[[int, int, float], None]:
    ref = weakref.ref(conn)

    def tell(attempt: int, attempts: int, wait: float) -> None:
        owner = ref()
        if owner is not None:
            notify_retry(owner, attempt, attempts, wait)

    return tell


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


__all__ = [
    "Listener",
    "RetryListener",
    "connections",
    "forget",
    "notify",
    "notify_retry",
    "subscribe",
    "subscribe_retries",
    "track",
    "weak_notifier",
    "weak_retry_notifier",
]
