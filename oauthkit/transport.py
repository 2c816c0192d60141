"""Answers read with caps and deadlines: every token, code-exchange, login and discovery answer.

An answer is read whole, up to ``MAX_BODY_BYTES``, and within one deadline that covers the
connection, the request, the headers and the body together. The HTTP libraries only bound each
read (a server that sends one byte a second never trips them), so the deadline is enforced
where each library lets us reach the socket:

- requests: a watchdog thread shuts down the socket of an answer past its deadline, which wakes
  the blocked read; the connection pools of ``DeadlineAdapter`` tell the watchdog which
  connection the answer is on, and take it back from the watchdog when they get it back;
- httpx (sync): the network streams of ``guard_httpx`` clients shorten every read and write to
  what is left of the deadline;
- httpx (async): ``anyio.fail_after`` around the whole exchange.

The deadline, its ``Overdue`` and the capped readers are ``answers.py``'s (re-exported here).
A deadline that passes is ``Overdue``, a library-level failure that the callers turn into the
typed ``errors.DeadlineExceeded``, a ``TransportError`` that is not retried (``retry.py``): the
time the user allowed is spent.
"""

from __future__ import annotations

import contextlib
import contextvars
import heapq
import itertools
import os
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager

from .answers import Deadline, Overdue, answer_from_async_httpx, answer_from_httpx, answer_from_requests
from .answers import deadline_seconds as deadline_seconds
from .response import Answer

if TYPE_CHECKING:
    import httpx

# How often a fired watchdog cuts again: a connection still being opened when the deadline
# passed has no socket yet to cut.
_RECUT_S = 0.05


# ---- requests: a watchdog that cuts the socket ------------------------------------------------
class _Watch:
    """One answer being read under a deadline: the connections it is on, cut when it passes."""

    __slots__ = ("_conns", "_lock", "closed", "deadline", "fired")

    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline
        self._conns: list[Any] = []
        self._lock = threading.Lock()
        self.fired = False
        self.closed = False

    def add(self, conn: Any) -> None:
        with self._lock:
            if self.closed:
                return
            self._conns.append(conn)
            if self.fired:
                _cut(conn)

    def forget(self, conn: Any) -> None:
        """The pool has the connection back: from now on it may serve someone else."""
        with self._lock:
            self._conns = [c for c in self._conns if c is not conn]

    def fire(self) -> bool:
        """Cut every connection of this answer; False once closed (nothing more to watch)."""
        with self._lock:
            if self.closed:
                return False
            self.fired = True
            for conn in self._conns:
                _cut(conn)
            return True

    def close(self) -> None:
        with self._lock:
            self.closed = True
            self._conns.clear()


def _cut(conn: Any) -> None:
    # shutdown(), not close(): close() does not wake a recv() blocked in another thread.
    sock = getattr(conn, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError, AttributeError):
            sock.shutdown(socket.SHUT_RDWR)


class _Watchdog:
    """One daemon thread for every deadline in the process, started on first use."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._heap: list[tuple[float, int, _Watch]] = []
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None
        self._wakes_at = float("inf")  # when the sleeping thread looks at the heap again

    def arm(self, watch: _Watch) -> None:
        with self._cond:
            heap = self._heap
            # Answers read in time leave closed entries on top; dropped here, the heap holds about
            # the answers in flight, not every request armed within the last deadline.
            while heap and heap[0][2].closed:
                heapq.heappop(heap)
            heapq.heappush(heap, (watch.deadline.at, next(self._seq), watch))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="oauthkit-deadlines", daemon=True)
                self._thread.start()
            elif watch.deadline.at < self._wakes_at:  # earlier than what the thread sleeps towards
                self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._heap and self._heap[0][2].closed:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._wakes_at = float("inf")
                    self._cond.wait()
                    continue
                at, _, watch = self._heap[0]
                wait = at - time.monotonic()
                if wait > 0:
                    self._wakes_at = at
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)
            if watch.fire():  # outside the lock: shutdown() is a system call
                with self._cond:
                    heapq.heappush(self._heap, (time.monotonic() + _RECUT_S, next(self._seq), watch))


_WATCHDOG = _Watchdog()
_WATCH: contextvars.ContextVar[_Watch | None] = contextvars.ContextVar("oauthkit_watch", default=None)


def _after_fork() -> None:
    # The child has no watchdog thread and may hold a copy of a taken lock: start afresh.
    global _WATCHDOG
    _WATCHDOG = _Watchdog()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


class _Watched:
    """Pool mixin: the connection a watched answer is sent on is the watchdog's until the pool
    has it back."""

    def _make_request(self, conn: Any, *args: Any, **kwargs: Any) -> Any:
        watch = _WATCH.get()
        if watch is not None:
            watch.add(conn)
        return super()._make_request(conn, *args, **kwargs)  # type: ignore[misc]

    def _put_conn(self, conn: Any) -> None:
        watch = _WATCH.get()
        if watch is not None:
            watch.forget(conn)
        super()._put_conn(conn)  # type: ignore[misc]


class _WatchedPool(_Watched, HTTPConnectionPool):
    pass


class _WatchedHTTPSPool(_Watched, HTTPSConnectionPool):
    pass


_POOLS = {"http": _WatchedPool, "https": _WatchedHTTPSPool}


class DeadlineAdapter(HTTPAdapter):
    """requests' own adapter, whose pools let the watchdog reach the socket of a token request
    under a deadline (every other request goes through them unchanged)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        manager: PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS managers bring their own pools
            manager.pool_classes_by_scheme = _POOLS
        return manager


def mount(session: requests.Session) -> None:
    """Give ``session`` the pools a deadline can reach (a user's own later mounts win)."""
    for prefix in ("https://", "http://"):
        session.mount(prefix, DeadlineAdapter())


class deadline_for_requests:
    """``with deadline_for_requests(seconds) as d:`` send and read one answer (requests) within
    ``seconds``; a read woken by the watchdog, or one that finished after it, is
    ``Overdue``. ``seconds=None``: no deadline, the library's own timeouts only."""

    def __init__(self, seconds: float | None) -> None:
        self.deadline = Deadline(seconds) if seconds is not None else None
        self._watch: _Watch | None = None
        self._token: contextvars.Token[_Watch | None] | None = None

    def __enter__(self) -> Deadline | None:
        if self.deadline is not None:
            self._watch = _Watch(self.deadline)
            self._token = _WATCH.set(self._watch)
            _WATCHDOG.arm(self._watch)
        return self.deadline

    def timeouts(self, fallback: Any = None) -> Any:
        """requests' ``timeout=`` for this exchange: connect and each read within the deadline."""
        if self.deadline is None:
            return fallback
        left = max(self.deadline.remaining(), 0.001)
        return (left, left)

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        watch = self._watch
        if watch is None or self._token is None:
            return
        watch.close()
        _WATCH.reset(self._token)
        expired = watch.fired or (kind is not None and watch.deadline.expired)
        if expired and (kind is None or issubclass(kind, Exception)):
            raise Overdue(watch.deadline.seconds) from None


def fetch_requests(send: Callable[[Any], requests.Response], seconds: float | None) -> Answer:
    """``send(timeout)`` one request with requests and read its answer, all within ``seconds``."""
    guard = deadline_for_requests(seconds)
    with guard as deadline:
        return answer_from_requests(send(guard.timeouts()), deadline)


def send_once(method: str, url: str, headers: Mapping[str, str], body: bytes, timeout: float) -> Answer:
    """One request outside a client session (a first-token, device or revocation request): a
    fresh session with the deadline adapter, no redirect followed (the client secret, a code or a
    token would follow it), the whole exchange within ``timeout`` seconds."""
    with requests.Session() as http:
        mount(http)
        return fetch_requests(
            lambda limit: http.request(
                method,
                url,
                data=body or None,
                headers=dict(headers),
                stream=True,
                timeout=limit if limit is not None else timeout,
                allow_redirects=False,
            ),
            deadline_seconds(timeout),
        )


# ---- httpx (sync): streams that read within the deadline -------------------------------------
_HTTPX_DEADLINE: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "oauthkit_httpx_deadline", default=None
)


def _within(timeout: float | None) -> float | None:
    deadline = _HTTPX_DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline.remaining()
    if left <= 0:
        import httpcore

        raise httpcore.ReadTimeout(f"no complete answer within {deadline.seconds:g} s")
    return left if timeout is None else min(timeout, left)


class _Stream:
    """An httpcore network stream whose reads and writes end by the active deadline."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data: bytes = self._inner.read(max_bytes, _within(timeout))
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _within(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> Any:
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, _within(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend:
    """Wraps an httpcore network backend: every stream it opens is a ``_Stream``."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def connect_tcp(self, *args: Any, **kwargs: Any) -> Any:
        if "timeout" in kwargs:
            kwargs["timeout"] = _within(kwargs["timeout"])
        return _Stream(self._inner.connect_tcp(*args, **kwargs))

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> Any:
        return _Stream(self._inner.connect_unix_socket(*args, **kwargs))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def guard_httpx(client: Any) -> None:
    """Let deadlines reach the sockets of a sync httpx client's own transports. A transport the
    user brought keeps only the checks between body chunks."""
    transports = [getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()]
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is not None and not isinstance(backend, _Backend):
            pool._network_backend = _Backend(backend)  # type: ignore[union-attr]


def fetch_httpx(send: Callable[[], httpx.Response], seconds: float | None) -> Answer:
    """``send()`` one request with a sync httpx client (``stream=True``) and read its answer,
    all within ``seconds``."""
    if seconds is None:
        return answer_from_httpx(send())
    deadline = Deadline(seconds)
    token = _HTTPX_DEADLINE.set(deadline)
    try:
        return answer_from_httpx(send(), deadline)
    except Exception:
        if not deadline.expired:
            raise
    finally:
        _HTTPX_DEADLINE.reset(token)
    raise Overdue(seconds)


async def fetch_async_httpx(send: Callable[[], Awaitable[httpx.Response]], seconds: float | None) -> Answer:
    """``await send()`` one request with an async httpx client (``stream=True``) and read its
    answer, all within ``seconds``."""
    if seconds is None:
        return await answer_from_async_httpx(await send())
    import anyio

    deadline = Deadline(seconds)
    try:
        with anyio.fail_after(seconds):
            return await answer_from_async_httpx(await send())
    except Exception:  # TimeoutError from fail_after, or the library's own timeout at the deadline
        if not deadline.expired:
            raise
    raise Overdue(seconds)


__all__ = [
    "Deadline",
    "DeadlineAdapter",
    "Overdue",
    "answer_from_async_httpx",
    "answer_from_httpx",
    "answer_from_requests",
    "deadline_for_requests",
    "deadline_seconds",
    "fetch_async_httpx",
    "fetch_httpx",
    "fetch_requests",
    "guard_httpx",
    "mount",
    "send_once",
]
