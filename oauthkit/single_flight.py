"""Single-flight refresh: one token request at a time per connection, across threads, connection
objects and processes (the store's lock), retried as ``Retry`` says, never sent with a refresh
token the provider refused, never more than about once a second on the connection's own.

The sync loop refreshes through the connection's requests session (or the calling client); the
async one through the calling async client, the lock taken without blocking the event loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from .errors import InvalidGrant
from .keeper import Keeper
from .retry import Retry
from .session import token_from_result
from .store import LockGuard
from .token import Token


def refresh(
    keeper: Keeper,
    trigger: str,
    client_for: Callable[[], Any],
    done: Callable[[], bool],
    *,
    retry: Retry,
    timeout: float,
) -> Token:
    """Refresh under the store's lock, unless ``done()`` says another thread, connection
    object or process did it while we waited (single-flight)."""
    keeper.check_dead()
    with keeper.locked() as guard:
        keeper.adopt_stored()
        if done() and keeper.record.token is not None:
            return keeper.record.token
        keeper.check_dead()
        wait = keeper.too_soon(trigger)
        if wait > 0:
            if trigger != "manual" and keeper.record.token is not None:
                return keeper.record.token
            time.sleep(wait)
        client = client_for()
        attempts = _Attempts(keeper, trigger, retry)
        while True:
            sent = attempts.begin()
            if guard is not None:  # never send a refresh token after losing the lock
                guard.ensure_held()
            try:
                result = client.refresh_token(keeper.token_url, refresh_token=sent, timeout=timeout)
                token = token_from_result(result)
            except Exception as exc:  # every failure becomes a typed, logged error ...
                failure: BaseException = exc
            else:
                return attempts.succeeded(token)
            # ... handled out here, so the library's exception is not its __context__
            time.sleep(attempts.failed(failure))


async def arefresh(
    keeper: Keeper, trigger: str, via: Any, done: Callable[[], bool], *, retry: Retry, timeout: float
) -> Token:
    import anyio

    keeper.check_dead()
    free = keeper.store.try_lock(keeper.key)
    lock: AbstractContextManager[LockGuard | None]
    guard: LockGuard | None
    if free is not None:
        lock = free
        guard = lock.__enter__()  # free and in-process: taken at once, no thread needed
    else:
        # A thread/file/Redis lock that may block: wait for it off the event loop; shielded,
        # so a cancelled task never leaves it taken.
        lock = keeper.locked()
        with anyio.CancelScope(shield=True):
            guard = await anyio.to_thread.run_sync(lock.__enter__)
    try:
        keeper.adopt_stored()
        if done() and keeper.record.token is not None:
            return keeper.record.token
        keeper.check_dead()
        wait = keeper.too_soon(trigger)
        if wait > 0:
            if trigger != "manual" and keeper.record.token is not None:
                return keeper.record.token
            await anyio.sleep(wait)
        attempts = _Attempts(keeper, trigger, retry)
        while True:
            sent = attempts.begin()
            if guard is not None and guard.needs_io:  # never send after losing the lock
                await anyio.to_thread.run_sync(guard.ensure_held)  # a Redis round trip
            elif guard is not None:
                guard.ensure_held()
            try:
                result = await via.refresh_token(keeper.token_url, refresh_token=sent, timeout=timeout)
                token = token_from_result(result)
            except Exception as exc:
                failure: BaseException = exc
            else:
                return attempts.succeeded(token)
            await anyio.sleep(attempts.failed(failure))
    finally:
        lock.__exit__(None, None, None)


class _Attempts:
    """The attempts of one refresh, shared by the sync and async paths: which refresh token to
    send, the log row of each attempt, when to retry, and the one re-read after InvalidGrant."""

    def __init__(self, keeper: Keeper, trigger: str, retry: Retry) -> None:
        self.keeper = keeper
        self.retry = retry
        self.trigger = trigger
        self.started = time.monotonic()
        self.attempt = 0
        self.reread = False
        self.sent: str | None = None
        self.t0 = self.started

    def begin(self) -> str:
        self.attempt += 1
        self.t0 = time.monotonic()
        self.sent = self.keeper.record.refresh_token
        sent = self.keeper.need(self.sent)
        self.keeper.last_request = self.t0
        return sent

    def succeeded(self, token: Token) -> Token:
        return self.keeper.succeeded(token, self.sent, self.trigger, self.attempt, self.t0)

    def failed(self, exc: BaseException) -> float:
        """Seconds to wait before the next attempt; raises the typed error when there is none."""
        error = self.keeper.failed(exc, self.trigger, self.attempt, self.t0)
        wait = self.retry.delay(self.attempt, error, time.monotonic() - self.started)
        if wait is not None:
            if self.keeper.on_retry is not None:
                self.keeper.on_retry(self.attempt + 1, self.retry.attempts, wait)
            return wait
        if isinstance(error, InvalidGrant) and not self.reread:
            # Never retried blindly: another process may have rotated it; try once with theirs.
            self.reread = True
            self.keeper.adopt_stored()
            if self.keeper.record.refresh_token != self.sent:
                return 0.0
        if isinstance(error, InvalidGrant) and self.sent is not None:
            self.keeper.dead = (self.sent, error)
        raise error  # outside any except block (see the loops): no library exception chained


__all__ = ["arefresh", "refresh"]
