"""The History tab: the refresh log newest first, filtered by connection and outcome, one page at
a time. Filtering is vectorised over the whole frame; only the page's rows become HTML, so a
10,000-row log renders as fast as a short one."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from .tables import history_table_html

if TYPE_CHECKING:
    import pandas as pd

ALL = ""
PAGE_SIZE = 25


class HistoryView(widgets.VBox):  # type: ignore[misc]
    def __init__(self, frame: pd.DataFrame, *, page_size: int = PAGE_SIZE) -> None:
        self.page_size = page_size
        self.page = 0
        self._lock = threading.RLock()
        self._syncing_options = False
        self.frame = frame
        self._keys = self._key_column(frame)
        self.connection = widgets.Dropdown(description="connection", options=[("all", ALL)], value=ALL)
        self.outcome = widgets.Dropdown(
            description="outcome", options=[("all", ALL), ("ok", "ok"), ("error", "error")], value=ALL
        )
        for dropdown in (self.connection, self.outcome):
            dropdown.layout = widgets.Layout(width="260px")
            dropdown.observe(self._filter_changed, names="value")
        self.newer = widgets.Button(
            description="newer", icon="chevron-left", layout=widgets.Layout(width="auto")
        )
        self.older = widgets.Button(
            description="older", icon="chevron-right", layout=widgets.Layout(width="auto")
        )
        self.newer.on_click(lambda _button: self.turn(-1))
        self.older.on_click(lambda _button: self.turn(+1))
        self.count = widgets.Label()
        self.count.add_class("oauthkit-history-count")
        self.table = widgets.HTML()
        self.table.add_class("oauthkit-history-table")
        super().__init__(
            children=[
                widgets.HBox([self.connection, self.outcome]),
                widgets.HBox(
                    [self.newer, self.older, self.count], layout=widgets.Layout(align_items="center")
                ),
                self.table,
            ]
        )
        self._update_options()
        self.render()

    @staticmethod
    def _key_column(frame: pd.DataFrame) -> pd.Series[Any]:
        keys: pd.Series[Any] = frame["adapter"].astype("string") + "/" + frame["connection"].astype("string")
        return keys

    def set_frame(self, frame: pd.DataFrame) -> None:
        """Show a new version of the log (the dashboard calls this when events arrive)."""
        with self._lock:
            self.frame = frame
            self._keys = self._key_column(frame)
            self._update_options()
            self.render()

    def _update_options(self) -> None:
        options = [("all", ALL)] + [(str(k), str(k)) for k in self._keys.drop_duplicates().sort_values()]
        if options == list(self.connection.options):
            return
        # Replacing the options selects "all" and back: that is not the user changing the filter,
        # so the page stays and the caller renders once.
        with self._lock:
            current = self.connection.value
            self._syncing_options = True
            try:
                self.connection.options = options
                self.connection.value = current if any(v == current for _, v in options) else ALL
            finally:
                self._syncing_options = False
            if self.connection.value != current:  # the chosen connection left the log
                self.page = 0

    def _filter_changed(self, _change: Any) -> None:
        with self._lock:
            if self._syncing_options:
                return
            self.page = 0
            self.render()

    def turn(self, pages: int) -> None:
        with self._lock:
            self.page = max(0, self.page + pages)
            self.render()

    def selected(self) -> pd.DataFrame:
        """The filtered log, oldest first."""
        with self._lock:
            mask = None
            if self.connection.value != ALL:
                mask = (self._keys == self.connection.value).fillna(False)
            if self.outcome.value != ALL:
                outcome = (self.frame["outcome"] == self.outcome.value).fillna(False)
                mask = outcome if mask is None else mask & outcome
            return self.frame if mask is None else self.frame[mask.to_numpy(dtype=bool)]

    def render(self) -> None:
        with self._lock:
            rows = self.selected()
            total = len(rows)
            last_page = max(0, (total - 1) // self.page_size)
            self.page = min(self.page, last_page)
            # Newest first: the page counts back from the end of the oldest-first frame.
            stop = total - self.page * self.page_size
            start = max(0, stop - self.page_size)
            page = rows.iloc[start:stop].iloc[::-1]
            first = 0 if total == 0 else self.page * self.page_size + 1
            self.count.value = f"rows {first}–{first + len(page) - 1 if total else 0} of {total}"
            self.newer.disabled = self.page == 0
            self.older.disabled = self.page >= last_page
            self.table.value = history_table_html(page)
