"""oauthkit in Jupyter: the live dashboard, rich HTML, the lifetime timeline and the HTML report.

The top layer: nothing else in oauthkit imports it (the value types render through
``oauthkit.display``). Its own import stays cheap anyway, so ``oauthkit.notebook.html`` and the
functions below never pull in ipywidgets, matplotlib or pandas until called.
"""

from __future__ import annotations

import threading
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    import pandas as pd
    from matplotlib.figure import Figure

    from ..connection import Connection
    from ..store import Store
    from .dashboard_widget import Dashboard
    from .html import AdapterTable


_current: weakref.ReferenceType[Dashboard] | None = None
_current_lock = threading.Lock()


def dashboard(
    *connections: Connection,
    store: str | Store | None = None,
    auto_refresh: bool = False,
    page_size: int = 25,
) -> Dashboard:
    """The live dashboard (an anywidget) of ``connections``; with none, every connection of
    ``store``, or with no store every live connection and every connection of the default store.

    One per kernel: a new dashboard (a re-run cell) closes the one before it. The background work
    (auto-refresh, watching the store for other kernels' refreshes) is one per connection per
    kernel and stops when the last dashboard closes."""
    from .dashboard_widget import Dashboard, default_connections

    global _current
    notes: list[str] = []
    chosen = list(connections)
    if not chosen:
        chosen, notes = default_connections(store)
    with _current_lock:
        previous = _current() if _current is not None else None
        if previous is not None:
            previous.close()
        made = Dashboard(chosen, auto_refresh=auto_refresh, page_size=page_size, notes=notes)
        _current = weakref.ref(made)
    return made


def plot_lifetimes(
    history: pd.DataFrame,
    *,
    now: datetime | float | None = None,
    title: str | None = "Access token lifetimes",
    width: float = 9.0,
) -> Figure:
    """A matplotlib Figure of a refresh log: one bar per access token from issue to expiry, per
    connection; refreshes ticked, failures as red crosses (for static use and the HTML report; the dashboard
    draws its timeline in the browser)."""
    from .plot import plot_lifetimes as plot

    return plot(history, now=now, title=title, width=width)


def adapter_table() -> AdapterTable:
    """The registered adapters as one HTML table (``oauthkit.list_adapters()`` as a DataFrame)."""
    from ..registry import adapters
    from .html import AdapterTable

    return AdapterTable(adapters())


def render_report(history: pd.DataFrame, **options: Any) -> str:
    """A self-contained HTML report of a refresh log (timeline, summary, log)."""
    from .report import render_report as render

    return render(history, **options)


def write_report(path: str | Path, history: pd.DataFrame, **options: Any) -> Path:
    """Write ``render_report(history)`` to ``path``."""
    from .report import write_report as write

    return write(path, history, **options)


__all__ = ["adapter_table", "dashboard", "plot_lifetimes", "render_report", "write_report"]
