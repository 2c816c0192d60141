"""Answers read whole, up to ``MAX_BODY_BYTES``, and the deadline they are read within.

``transport.py`` enforces the deadline at each HTTP library's socket; this module holds what
is common to all of them: the ``Deadline`` value, its ``Overdue`` failure, and the capped
readers that turn a response of requests or httpx into an ``Answer``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import requests

from .response import MAX_BODY_BYTES, Answer

if TYPE_CHECKING:
    import httpx

_CHUNK = 64 * 1024


class Overdue(TimeoutError):
    """No complete answer within the deadline (a slow or trickling server)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"no complete answer within {seconds:g} s")


class Deadline:
    """``seconds`` from now, on the monotonic clock."""

    __slots__ = ("at", "seconds")

    def __init__(self, seconds: float) -> None:
        self.seconds = float(seconds)
        self.at = time.monotonic() + self.seconds

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.at

    def check(self) -> None:
        if self.expired:
            raise Overdue(self.seconds)


def deadline_seconds(timeout: object) -> float | None:
    """A deadline from a library ``timeout`` argument: a plain number of seconds, else none."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        return None
    return float(timeout)


# ---- reading with a cap --------------------------------------------------------------------
def _declared_too_big(headers: Mapping[str, str]) -> bool:
    declared = headers.get("content-length")
    return bool(declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES)


def _capped(chunks: Iterator[bytes], deadline: Deadline | None = None) -> tuple[bytes, bool]:
    """Read at most one byte past the limit: a 10 MB answer costs 1 MB, not 10."""
    parts: list[bytes] = []
    size = 0
    for chunk in chunks:
        parts.append(chunk)
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return b"", True
        if deadline is not None:
            deadline.check()
    return b"".join(parts), False


def answer_from_requests(resp: requests.Response, deadline: Deadline | None = None) -> Answer:
    with resp:
        if _declared_too_big(resp.headers):
            return Answer(resp.status_code, resp.headers, b"", oversized=True)
        body, oversized = _capped(resp.iter_content(_CHUNK), deadline)
        return Answer(resp.status_code, resp.headers, body, oversized=oversized)


def answer_from_httpx(resp: httpx.Response, deadline: Deadline | None = None) -> Answer:
    try:
        if _declared_too_big(resp.headers):
            return Answer(resp.status_code, resp.headers, b"", oversized=True)
        body, oversized = _capped(resp.iter_bytes(_CHUNK), deadline)
        return Answer(resp.status_code, resp.headers, body, oversized=oversized)
    finally:
        resp.close()


async def answer_from_async_httpx(resp: httpx.Response) -> Answer:
    import anyio

    try:
        if _declared_too_big(resp.headers):
            return Answer(resp.status_code, resp.headers, b"", oversized=True)
        parts: list[bytes] = []
        size = 0
        async for chunk in resp.aiter_bytes(_CHUNK):
            parts.append(chunk)
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                return Answer(resp.status_code, resp.headers, b"", oversized=True)
        return Answer(resp.status_code, resp.headers, b"".join(parts))
    finally:
        # Shielded: after a deadline the scope is cancelled, and the connection must still be
        # given back (closed, since its answer was not read to the end).
        with anyio.CancelScope(shield=True):
            await resp.aclose()


__all__ = [
    "Deadline",
    "Overdue",
    "answer_from_async_httpx",
    "answer_from_httpx",
    "answer_from_requests",
    "deadline_seconds",
]
