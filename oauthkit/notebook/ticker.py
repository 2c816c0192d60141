"""A daemon thread that calls one function about once a second, or at once when woken.

The dashboard's countdowns tick here, off the kernel's main thread: a cell that runs for
minutes never freezes them, and they never hold up a cell.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("oauthkit")


class Ticker:
    def __init__(
        self, tick: Callable[[], None], *, interval: float = 1.0, name: str = "oauthkit-ticker"
    ) -> None:
        self._tick = tick
        self.interval = interval
        self._stop = threading.Event()
        self._wake = threading.Event()
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def wake(self) -> None:
        """Tick now instead of at the next interval (a refresh just happened)."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        # stop() may be called from a tick (a widget closed by code the tick ran): never self-join.
        if self.thread.is_alive() and threading.current_thread() is not self.thread:
            self.thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self.thread.is_alive()

    def _run(self) -> None:
        next_at = time.monotonic()
        while not self._stop.is_set():
            self._wake.wait(max(0.0, next_at - time.monotonic()))
            self._wake.clear()
            if self._stop.is_set():
                break
            now = time.monotonic()
            if now >= next_at:
                next_at += self.interval
                if next_at <= now:  # after a stall (a suspended laptop): once, not once per missed second
                    next_at = now + self.interval
            try:
                self._tick()
            except Exception:  # one bad tick must not stop the countdowns for good
                log.exception("oauthkit dashboard tick failed")
