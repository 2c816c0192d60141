"""The live token dashboard: one anywidget whose browser side keeps the time.

Python holds the facts (``view_state`` cards, log rows, the kernel's clock) and takes commands
(refresh, auto-refresh, re-authorize) from the browser; ``static/dashboard.js`` computes every
countdown, so the kernel does no per-second work and the view keeps ticking while a cell runs.
The background work is the kernel's one ``hub``; this object is only a view of it. Its output
also carries a static HTML snapshot, which is what a notebook viewer without the kernel shows.
The traits and commands are written down in ``docs/dashboard-view.md``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from ..connection import Connection, connect, live_connections
from ..errors import OAuthKitError
from ..store import Event, Key, Store, open_store
from .hub import HEARTBEAT_S, HUB
from .snapshot import snapshot_html
from .view_state import identity, row

if TYPE_CHECKING:
    import pandas as pd

    from .worker import Worker

STATIC = Path(__file__).with_name("static")
EVENTS_CAP = 2000  # rows the browser holds; the log itself may hold more (events_total)
PAGE_SIZE = 25


def _connections_of(store: Store, live: Sequence[Connection]) -> tuple[list[Connection], list[str]]:
    """The live connections of ``store``, plus one for each stored connection none of them covers.
    A stored connection that cannot be opened here is reported in the notes instead."""
    mine = [c for c in live if c.store.url == store.url]
    seen = {c.key for c in mine}
    notes: list[str] = []
    for key in store.keys():  # noqa: SIM118 - a Store, not a dict
        if key in seen:
            continue
        try:
            mine.append(connect(key.adapter, name=key.name, store=store))
        except OAuthKitError as exc:
            notes.append(f"{key} not shown: {exc}")
    return mine, notes


def default_connections(store: str | Store | None = None) -> tuple[list[Connection], list[str]]:
    """With no store: every live connection, plus the default store's. With one: that store's."""
    live = live_connections()
    if store is not None:
        return _connections_of(open_store(store), live)
    default = open_store(None)
    found, notes = _connections_of(default, live)
    others = [c for c in live if c.store.url != default.url]
    return others + found, notes


class Dashboard(anywidget.AnyWidget):
    """Use ``oauthkit.dashboard(...)``. ``close()`` stops what only it needed."""

    _esm = STATIC / "dashboard.js"
    _css = STATIC / "dashboard.css"

    clock = traitlets.Float(0.0).tag(sync=True)
    heartbeat_s = traitlets.Float(HEARTBEAT_S).tag(sync=True)
    closed = traitlets.Bool(False).tag(sync=True)
    notes = traitlets.List(traitlets.Unicode()).tag(sync=True)
    cards: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    events: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    events_total = traitlets.Int(0).tag(sync=True)
    handled = traitlets.Int(0).tag(sync=True)
    page_size = traitlets.Int(PAGE_SIZE).tag(sync=True)

    def __init__(
        self,
        connections: Sequence[Connection],
        *,
        auto_refresh: bool = False,
        page_size: int = PAGE_SIZE,
        notes: Sequence[str] = (),
    ) -> None:
        unique = {identity(c): c for c in connections}
        self.connections = list(unique.values())
        self._ids = set(unique)
        self._lock = threading.RLock()
        self._rows: list[dict[str, Any]] = []
        stored = self._stored_events()
        super().__init__(
            notes=list(notes),
            page_size=page_size,
            events=[row(e) for e in stored[-EVENTS_CAP:]],
            events_total=len(stored),
            clock=time.time(),
        )
        self.workers: list[Worker] = HUB.attach(self, self.connections)
        newest: dict[str, Event] = {}
        for event in stored:
            newest[f"{event.adapter}/{event.connection}"] = event
        for worker in self.workers:
            last = newest.get(str(worker.conn.key))
            if last is not None and worker.state.last is None:
                worker.on_event(None, last)
            worker.set_auto(auto_refresh)
        self.cards = [w.card() for w in self.workers]
        self.on_msg(self._on_command)

    def __repr__(self) -> str:
        names = ", ".join(str(c.key) for c in self.connections)
        return f"Dashboard({names}; {'closed' if self.closed else 'live'})"

    # ---- data --------------------------------------------------------------------------------
    def _stored_events(self) -> list[Event]:
        stores = {c.store.url: c.store for c in self.connections}
        found = [
            e
            for url, store in stores.items()
            for e in store.events()
            if f"{url}|{e.adapter}/{e.connection}" in self._ids
        ]
        return sorted(found, key=lambda e: e.at)

    def covers(self, card_id: str) -> bool:
        return card_id in self._ids and not self.closed

    def push(self, cards: Sequence[str], rows: Sequence[Event]) -> None:
        """The hub's news for this view: changed cards and new log rows, sent in one message."""
        with self._lock, self.hold_sync():
            if cards:
                self.cards = [w.card() for w in self.workers]
            if rows:
                self.events = (self.events + [row(e) for e in rows])[-EVENTS_CAP:]
                self.events_total = self.events_total + len(rows)
            self.clock = time.time()

    def beat(self) -> None:
        self.clock = time.time()

    def card(self, key: str | Key) -> dict[str, Any]:
        """The card of connection ``key`` ("adapter/name") as the browser has it."""
        found: dict[str, Any] = next(c for c in self.cards if c["key"] == str(key))
        return found

    def worker(self, key: str | Key) -> Worker:
        return next(w for w in self.workers if str(w.conn.key) == str(key))

    @property
    def frame(self) -> pd.DataFrame:
        """The rows the view holds, as a DataFrame (newest last)."""
        import pandas as pd

        frame: pd.DataFrame = pd.DataFrame(self.events)
        return frame

    # ---- commands from the browser ---------------------------------------------------------
    def command(self, cmd: str, key: str | Key, **args: Any) -> None:
        """What a click does (the tests and a terminal use it too)."""
        worker = self.worker(key)
        if cmd == "refresh":
            worker.refresh_now()
        elif cmd == "auto":
            worker.set_auto(bool(args.get("on")))
        elif cmd == "reauthorize":
            worker.reauthorize()
        else:
            raise ValueError(f"unknown dashboard command {cmd!r}")

    def _on_command(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict) or self.closed:
            return
        nonce = content.get("nonce")
        target = next((w for w in self.workers if identity(w.conn) == content.get("id")), None)
        try:
            if target is not None and isinstance(content.get("cmd"), str):
                self.command(content["cmd"], target.conn.key, on=content.get("on"))
        except ValueError:
            pass  # a command from a newer view: ignored, but acknowledged
        if isinstance(nonce, int) and nonce > self.handled:
            self.handled = nonce

    # ---- output ------------------------------------------------------------------------------
    def snapshot(self) -> str:
        """The dashboard as static HTML, as it is now (what a saved notebook shows without a kernel)."""
        return snapshot_html(self.cards, self.events, self.events_total, time.time(), self.notes)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        found = super()._repr_mimebundle_(**kwargs)
        data, metadata = found if isinstance(found, tuple) else (found, {})
        if isinstance(data, dict) and not self.closed:
            data = {**data, "text/html": self.snapshot()}
        return data, metadata

    # ---- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        """Stop what only this view needed and close the widget; the browser says it was closed."""
        if not self.closed:
            self.closed = True
            HUB.detach(self)
        super().close()


__all__ = ["Dashboard", "default_connections"]
