"""The kernel's one set of dashboard background work, shared by every view.

- one ``Worker`` per connection (store URL and key), whatever the number of dashboards;
- one subscription to this process's refreshes (``oauthkit.subscribe``) and its retries;
- one watcher thread per shared store (SQLite, Redis) that picks up rows written by other
  kernels and processes through the store's cheap ``log_cursor()``;
- one pulse thread that sends the views their changes, coalesced, and the kernel's clock every
  few seconds (the browser's sign that the kernel is alive).
Everything starts with the first view and stops when the last one closes.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from ..live import subscribe, subscribe_retries
from .view_state import identity
from .worker import Worker

if TYPE_CHECKING:
    from ..connection import Connection
    from ..store import Event, LogCursor, Store

log = logging.getLogger("oauthkit")

WATCH_INTERVAL_S = 0.5  # other kernels' refreshes appear within this (plus one pulse)
PULSE_S = 0.1  # how long changes wait to be sent together
HEARTBEAT_S = 5.0


class View(Protocol):
    def covers(self, card_id: str) -> bool: ...
    def push(self, cards: Sequence[str], rows: Sequence[Event]) -> None: ...
    def beat(self) -> None: ...


def _event_key(e: Event) -> tuple[Any, ...]:
    return (e.adapter, e.connection, e.at, e.attempt, e.trigger, e.outcome)


class _Watcher:
    def __init__(self, store: Store, cursor: LogCursor, hub: Hub) -> None:
        self.store = store
        self.cursor = cursor
        self._stop = threading.Event()
        self._hub = hub
        self.thread = threading.Thread(target=self._run, name="oauthkit-store-watch", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop.wait(WATCH_INTERVAL_S):
            try:
                found = self.cursor.poll()
            except Exception:  # a store that hiccups is retried at the next poll
                log.debug("oauthkit: watching %s failed", self.store.url, exc_info=True)
                continue
            if found:
                self._hub.ingest(self.store.url, found)
        self.cursor.close()

    def stop(self) -> None:
        self._stop.set()
        if self.thread is not threading.current_thread():
            self.thread.join(2)


class Hub:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.workers: dict[str, Worker] = {}
        self._views: list[View] = []
        self._watchers: dict[str, _Watcher] = {}
        self._unsubscribe: list[Callable[[], None]] = []
        self._dirty_cards: set[str] = set()
        self._new_rows: list[tuple[str, Event]] = []
        self._seen: collections.deque[tuple[Any, ...]] = collections.deque(maxlen=4096)
        self._seen_set: set[tuple[Any, ...]] = set()
        self._wake = threading.Event()
        self._pulse: threading.Thread | None = None
        self._stopping = threading.Event()

    # ---- views -------------------------------------------------------------------------------
    def attach(self, view: View, conns: Sequence[Connection]) -> list[Worker]:
        with self._lock:
            if not self._views:
                self._start()
            self._views.append(view)
            made = []
            for conn in conns:
                key = identity(conn)
                worker = self.workers.get(key)
                if worker is None:
                    worker = self.workers[key] = Worker(conn, self._card_changed)
                made.append(worker)
                self._watch(conn.store)
            return made

    def detach(self, view: View) -> None:
        with self._lock:
            if view in self._views:
                self._views.remove(view)
            if self._views:
                # Workers no view covers any more stop; shared ones stay.
                for key in [k for k in self.workers if not any(v.covers(k) for v in self._views)]:
                    self.workers.pop(key).stop()
                return
            workers, self.workers = list(self.workers.values()), {}
            watchers, self._watchers = list(self._watchers.values()), {}
            unsubscribe, self._unsubscribe = self._unsubscribe, []
            pulse, self._pulse = self._pulse, None
            self._stopping.set()
            self._wake.set()
        for stop in unsubscribe:
            stop()
        for worker in workers:
            worker.stop()
        for watcher in watchers:
            watcher.stop()
        if pulse is not None and pulse is not threading.current_thread():
            pulse.join(2)

    def _start(self) -> None:
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._unsubscribe = [subscribe(self._on_refresh), subscribe_retries(self._on_retry)]
        self._pulse = threading.Thread(target=self._pulse_loop, name="oauthkit-dashboard", daemon=True)
        self._pulse.start()

    def _watch(self, store: Store) -> None:
        if store.url in self._watchers:
            return
        try:
            cursor = store.log_cursor()
        except Exception:
            log.warning("oauthkit: %s cannot be watched for other kernels' refreshes", store.url)
            return
        if cursor is not None:
            self._watchers[store.url] = _Watcher(store, cursor, self)

    # ---- news --------------------------------------------------------------------------------
    def _on_refresh(self, conn: Connection, event: Event) -> None:
        self.ingest(conn.store.url, [event], source=conn)

    def _on_retry(self, conn: Connection, attempt: int, attempts: int, wait: float) -> None:
        worker = self.workers.get(identity(conn))
        if worker is not None:
            worker.on_retry(attempt, attempts, wait)

    def ingest(self, store_url: str, events: Sequence[Event], source: Connection | None = None) -> None:
        """Rows from this process (at once) or read back from the store (any process): each is
        taken once, whichever way it came first."""
        fresh = []
        with self._lock:
            for event in events:
                key = (store_url, *_event_key(event))
                if key in self._seen_set:
                    continue
                if len(self._seen) == self._seen.maxlen:
                    self._seen_set.discard(self._seen[0])
                self._seen.append(key)
                self._seen_set.add(key)
                fresh.append(event)
        for event in fresh:
            worker = self.workers.get(f"{store_url}|{event.adapter}/{event.connection}")
            if worker is not None:
                worker.on_event(source, event)
        if fresh:
            with self._lock:
                self._new_rows.extend((store_url, e) for e in fresh)
            self._wake.set()

    def _card_changed(self, worker: Worker) -> None:
        with self._lock:
            self._dirty_cards.add(identity(worker.conn))
        self._wake.set()

    # ---- sending -----------------------------------------------------------------------------
    def _pulse_loop(self) -> None:
        stopping, wake = self._stopping, self._wake
        last_beat = time.monotonic()
        while not stopping.is_set():
            woke = wake.wait(max(0.0, HEARTBEAT_S - (time.monotonic() - last_beat)))
            if stopping.is_set():
                return
            if woke:
                time.sleep(PULSE_S)  # let a burst of changes arrive, then send them together
                wake.clear()
            with self._lock:
                cards, self._dirty_cards = list(self._dirty_cards), set()
                rows, self._new_rows = self._new_rows, []
                views = list(self._views)
            beat = time.monotonic() - last_beat >= HEARTBEAT_S
            for view in views:
                try:
                    mine = [e for url, e in rows if view.covers(f"{url}|{e.adapter}/{e.connection}")]
                    if cards or mine:
                        view.push(cards, mine)
                    elif beat:
                        view.beat()
                except Exception:
                    log.exception("oauthkit dashboard update failed")
            if beat or cards or rows:
                last_beat = time.monotonic()

    @property
    def threads(self) -> int:
        """The hub's live background threads (the tests count them)."""
        count = sum(w.threads for w in self.workers.values())
        count += sum(1 for w in self._watchers.values() if w.thread.is_alive())
        return count + (1 if self._pulse is not None and self._pulse.is_alive() else 0)


HUB = Hub()


__all__ = ["HEARTBEAT_S", "HUB", "Hub", "View"]
