"""The live token dashboard: a card per connection above History, Lifetimes and Summary tabs.

It learns about refreshes from ``oauthkit.subscribe`` (every refresh attempt in the process, made
by any cell, session or thread) rather than by polling the store. The listener runs on the
refreshing thread, so it only updates the affected card and queues the event; the heavier work
(the log frame, the plot, the summary) happens on the dashboard's own ticker thread, which also
drives the countdowns once a second.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import ipywidgets as widgets
import pandas as pd

from ..connection import Connection, connect, live_connections, subscribe
from ..display import esc
from ..errors import OAuthKitError
from ..refresh_log import to_frame
from ..store import Event, Key, open_store
from .card import ConnectionCard
from .history_view import PAGE_SIZE, HistoryView
from .plot import figure_png, plot_lifetimes
from .tables import summary_table_html
from .ticker import Ticker

HISTORY_TAB, LIFETIMES_TAB, SUMMARY_TAB = 0, 1, 2
# The timeline's "now" line moves; redraw it this often while the tab is shown, even without news.
PLOT_REFRESH_S = 10.0

StoreKey = tuple[str, Key]


def _identity(conn: Connection) -> StoreKey:
    return (conn.store.url, conn.key)


def default_connections() -> tuple[list[Connection], list[str]]:
    """Every live connection, plus one for each connection of the default store that no live
    connection covers. A stored connection that cannot be opened (a setting missing in this
    environment, an adapter not loaded) is reported in the notes instead."""
    connections = live_connections()
    seen = {_identity(c) for c in connections}
    notes: list[str] = []
    store = open_store(None)
    stored = store.keys()
    for key in stored:
        if (store.url, key) in seen:
            continue
        try:
            connections.append(connect(key.adapter, name=key.name, store=store))
        except OAuthKitError as exc:
            notes.append(f"{key} not shown: {exc}")
    return connections, notes


class Dashboard(widgets.VBox):  # type: ignore[misc]
    """Use ``oauthkit.dashboard(...)``. ``close()`` stops its timer thread and its subscription."""

    def __init__(
        self,
        connections: Sequence[Connection],
        *,
        auto_refresh: bool = False,
        page_size: int = PAGE_SIZE,
        interval: float = 1.0,
        notes: Sequence[str] = (),
    ) -> None:
        unique = {id(c): c for c in connections}
        self.connections = list(unique.values())
        self._identities = {_identity(c) for c in self.connections}
        self._lock = threading.Lock()
        self._pending: list[Event] = []
        self._closed = False
        self._stale = {LIFETIMES_TAB: True, SUMMARY_TAB: True}
        self._plotted_at = 0.0

        stored = self._stored_events()
        # Oldest first, so the newest event of each connection wins.
        last = {(url, Key(e.adapter, e.connection)): e for url, events in stored.items() for e in events}
        self.frame: pd.DataFrame = to_frame(
            sorted((e for v in stored.values() for e in v), key=lambda e: e.at)
        )
        self.cards = [
            ConnectionCard(c, auto_refresh=auto_refresh, last_event=last.get(_identity(c)))
            for c in self.connections
        ]
        self.history = HistoryView(self.frame, page_size=page_size)
        self.lifetimes = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))
        self.lifetimes.add_class("oauthkit-lifetimes")
        self.summary = widgets.HTML()
        self.summary.add_class("oauthkit-summary")
        self.tabs = widgets.Tab(
            children=[self.history, self.lifetimes, self.summary], titles=("History", "Lifetimes", "Summary")
        )
        self.tabs.observe(lambda _change: self.ticker.wake(), names="selected_index")
        grid = widgets.GridBox(
            self.cards, layout=widgets.Layout(grid_template_columns="repeat(auto-fill, minmax(320px, 1fr))")
        )
        head = widgets.HTML(
            f"<b>oauthkit</b> &middot; {len(self.cards)} connection{'s' if len(self.cards) != 1 else ''}"
            + "".join(f"<div style='opacity:.7;font-size:12px'>{esc(n)}</div>" for n in notes)
        )
        super().__init__(children=[head, grid, self.tabs])
        self.add_class("oauthkit-dashboard")

        self.ticker: Ticker = Ticker(self._tick, interval=interval, name="oauthkit-dashboard")
        self._unsubscribe = subscribe(self._on_refresh)
        self.ticker.start()

    def __repr__(self) -> str:
        names = ", ".join(str(c.key) for c in self.connections)
        state = "closed" if self._closed else "live"
        return f"Dashboard({names}; {state})"

    # ---- data ------------------------------------------------------------------------------------
    def _stored_events(self) -> dict[str, list[Event]]:
        """Per store URL, the stored log of this dashboard's connections, oldest first."""
        stores = {c.store.url: c.store for c in self.connections}
        return {
            url: [e for e in store.events() if (url, Key(e.adapter, e.connection)) in self._identities]
            for url, store in stores.items()
        }

    def _on_refresh(self, conn: Connection, event: Event) -> None:
        """The process-wide listener: runs on whichever thread refreshed, so it stays cheap."""
        if self._closed or _identity(conn) not in self._identities:
            return
        for card in self.cards:
            if _identity(card.conn) == _identity(conn):
                card.on_event(conn, event)
        with self._lock:
            self._pending.append(event)
        self.ticker.wake()

    def _take_pending(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
        if not pending:
            return
        pending.sort(key=lambda e: e.at)
        new = to_frame(pending)
        self.frame = new if self.frame.empty else pd.concat([self.frame, new], ignore_index=True)
        self.history.set_frame(self.frame)
        self._stale = {LIFETIMES_TAB: True, SUMMARY_TAB: True}

    # ---- the ticker ------------------------------------------------------------------------------
    def _tick(self) -> None:
        if self._closed:
            return
        now = time.time()
        for card in self.cards:
            card.render(now)
            card.maybe_auto_refresh(now, horizon=self.ticker.interval * 1.5)
        self._take_pending()
        # Only the tab in view is drawn; the others catch up when selected.
        shown = self.tabs.selected_index
        if shown == LIFETIMES_TAB and (
            self._stale[LIFETIMES_TAB] or now - self._plotted_at >= PLOT_REFRESH_S
        ):
            self.lifetimes.value = figure_png(plot_lifetimes(self.frame, now=now))
            self._plotted_at = now
            self._stale[LIFETIMES_TAB] = False
        elif shown == SUMMARY_TAB and self._stale[SUMMARY_TAB]:
            self.summary.value = summary_table_html(self.frame)
            self._stale[SUMMARY_TAB] = False

    # ---- lifecycle -------------------------------------------------------------------------------
    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Stop the timer thread and the refresh subscription, and close every widget inside."""
        if not self._closed:
            self._closed = True
            self._unsubscribe()
            self.ticker.stop()
            for widget in self._descendants():
                widget.close()
        super().close()

    def _descendants(self) -> list[widgets.Widget]:
        found: list[widgets.Widget] = []
        stack = list(self.children)
        while stack:
            widget = stack.pop()
            found.append(widget)
            stack.extend(getattr(widget, "children", ()))
        return found
