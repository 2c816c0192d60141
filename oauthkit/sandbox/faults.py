"""Queued misbehaviour for the token endpoint: canned answers and delays."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Fault:
    status: int
    body: bytes = b""
    content_type: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    # A rate-limit fault is rendered by the provider when it is answered, because its
    # headers carry "now + reset_in".
    rate_limit_reset_in: float | None = None


def make_fault(
    status: int,
    body: Any,
    *,
    headers: Mapping[str, str] | None,
    content_type: str | None,
) -> Fault:
    if not 100 <= status <= 599:
        raise ValueError(f"status must be an HTTP status code, got {status!r}")
    if body is None:
        raw, default_type = b"", ""
    elif isinstance(body, (dict, list)):
        raw, default_type = json.dumps(body).encode(), "application/json"
    elif isinstance(body, str):
        raw, default_type = body.encode(), "text/html; charset=utf-8"
    elif isinstance(body, (bytes, bytearray)):
        raw, default_type = bytes(body), "application/octet-stream"
    else:
        raise TypeError(f"body must be dict, list, str, bytes or None, not {type(body).__name__}")
    return Fault(status, raw, content_type or default_type, dict(headers or {}))


def check_times(times: int) -> None:
    if times < 0:
        raise ValueError(f"times must be >= 0, got {times!r}")


class FaultQueue:
    """Thread-safe; each token request takes at most one delay and one fault, on arrival,
    so that queued items go to requests in the order they arrived."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: deque[Fault] = deque()
        self._delays: deque[float] = deque()

    def add_fault(self, fault: Fault, times: int) -> None:
        check_times(times)
        with self._lock:
            self._faults.extend([fault] * times)

    def add_delay(self, seconds: float, times: int) -> None:
        check_times(times)
        if seconds < 0:
            raise ValueError(f"seconds must be >= 0, got {seconds!r}")
        with self._lock:
            self._delays.extend([seconds] * times)

    def take(self) -> tuple[float, Fault | None]:
        with self._lock:
            delay = self._delays.popleft() if self._delays else 0.0
            fault = self._faults.popleft() if self._faults else None
        return delay, fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self._delays.clear()
