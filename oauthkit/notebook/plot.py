"""The token-lifetime timeline: one row per connection, one bar per access token.

Built on ``matplotlib.figure.Figure`` directly, never ``pyplot``: no global figure state, no
GUI backend, safe from the dashboard's timer thread and from a headless CLI.
"""

from __future__ import annotations

import io
import time
from datetime import datetime, timezone
from typing import Any

import numpy as np
import pandas as pd

from ..errors import missing_extra

try:  # matplotlib is the `plot` extra: the base install (and the dashboard) go without it
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
except ModuleNotFoundError as exc:
    raise missing_extra(exc, "plot", "drawing token lifetimes (plot_lifetimes, the HTML report)") from exc

# Colour-blind-safe palette without red: red is kept for failures.
PALETTE = ("#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#bcbd22")
FAILURE = "#d62728"
SECONDS_PER_DAY = 86400.0


class LifetimeFigure(Figure):
    """A Figure that shows itself as a PNG in Jupyter: without pyplot, IPython's inline backend
    has registered no display for Figures, and the cell would only say ``<Figure ...>``."""

    def _repr_png_(self) -> bytes:
        return figure_png(self)


def _date_numbers(series: pd.Series[Any]) -> Any:
    """matplotlib date numbers (days since matplotlib's epoch) of a UTC datetime column; NaN for NaT."""
    epoch = pd.Timestamp("1970-01-01", tz="UTC")
    offset = float(mdates.date2num(datetime(1970, 1, 1, tzinfo=timezone.utc)))  # type: ignore[no-untyped-call]
    return offset + (series - epoch).dt.total_seconds().to_numpy(dtype="float64") / SECONDS_PER_DAY


def _now_number(now: datetime | float | None) -> float:
    if now is None:
        now = time.time()
    moment = now if isinstance(now, datetime) else datetime.fromtimestamp(now, tz=timezone.utc)
    return float(mdates.date2num(moment))  # type: ignore[no-untyped-call]


def plot_lifetimes(
    history: pd.DataFrame,
    *,
    now: datetime | float | None = None,
    title: str | None = "Access token lifetimes",
    width: float = 9.0,
) -> Figure:
    """A timeline of the refresh log ``history`` (``oauthkit.history()`` or ``conn.history()``):
    per connection a bar for each access token from issue to expiry, a tick at each refresh and
    a red cross at each failed attempt; a dashed line marks now."""
    labels = _row_labels(history)
    fig = LifetimeFigure(figsize=(width, 1.4 + 0.55 * max(1, len(labels))), layout="constrained")
    ax = fig.add_subplot()
    if title:
        ax.set_title(title, loc="left", fontsize=11)
    if not labels:
        ax.text(0.5, 0.5, "no refreshes yet", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig

    now_x = _now_number(now)
    key = history["adapter"].astype("string") + "/" + history["connection"].astype("string")
    rows = key.map({label: i for i, label in enumerate(labels)}).to_numpy(dtype="float64")
    at = _date_numbers(history["at"])
    expires = _date_numbers(history["expires_at"])
    lifetime_days = history["lifetime_s"].to_numpy(dtype="float64", na_value=float("nan")) / SECONDS_PER_DAY
    ok = (history["outcome"] == "ok").to_numpy(dtype="bool", na_value=False)

    # A token lives from when its request was sent (expiry minus granted lifetime) to its expiry;
    # a token without expiry is drawn up to now, hatched.
    start = np.where(np.isnan(expires - lifetime_days), at, expires - lifetime_days)
    open_ended = np.isnan(expires)
    end = np.where(open_ended, np.maximum(now_x, at), expires)
    # Consecutive tokens of one connection overlap when refreshed early: alternate them up and
    # down a little so each bar stays visible on its own. Bars are drawn per (row, up/down,
    # open-ended) group, one PolyCollection each: a bar per artist makes a 10,000-row log take
    # seconds, and the dashboard redraws this on its ticker thread.
    drawn = np.flatnonzero(ok)
    drawn_rows = rows[drawn]
    nth = _running_count(drawn_rows)
    for row in np.unique(drawn_rows[~np.isnan(drawn_rows)]):
        colour = PALETTE[int(row) % len(PALETTE)]
        for up in (False, True):
            for hatched in (False, True):
                group = drawn[(drawn_rows == row) & ((nth % 2 == 1) == up) & (open_ended[drawn] == hatched)]
                if not group.size:
                    continue
                centre = row + (0.12 if up else -0.12)
                ax.broken_barh(
                    list(zip(start[group].tolist(), (end[group] - start[group]).tolist(), strict=True)),
                    (centre - 0.2, 0.4),
                    facecolors=colour,
                    alpha=0.45 if hatched else 0.6,
                    edgecolors=colour,
                    linewidth=0.8,
                    hatch="//" if hatched else None,
                )
    ax.plot(at[ok], rows[ok], linestyle="none", marker="|", markersize=16, color="#333333")
    failed = ~ok
    if failed.any():
        ax.plot(at[failed], rows[failed], linestyle="none", marker="X", markersize=9, color=FAILURE)
    _outline_current(ax, drawn, drawn_rows, start, end)

    finite = np.concatenate([start[ok], end[ok], at])
    finite = finite[~np.isnan(finite)]
    low, high = float(finite.min()), float(finite.max())
    # "now" widens the window only when it is near the log: an old log must not be squeezed into
    # a sliver at the left of a day-long axis. Far off, the title says where now is.
    span = max(high - low, 1.0 / SECONDS_PER_DAY)
    now_shown = low - 0.25 * span <= now_x <= high + 0.25 * span
    if now_shown:
        low, high = min(low, now_x), max(high, now_x)
        ax.axvline(now_x, color="#777777", linestyle="--", linewidth=1)
    elif title:
        ax.set_title(f"{title} (now is off the axis)", loc="left", fontsize=11)
    pad = max((high - low) * 0.02, 1.0 / SECONDS_PER_DAY)
    ax.set_xlim(low - pad, high + pad)
    ax.set_ylim(len(labels) - 0.4, -0.6)  # first connection on top
    ax.set_yticks(range(len(labels)), labels)
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(tz=timezone.utc, maxticks=8))  # type: ignore[no-untyped-call]
    # Clock times only, one format for the whole axis (never "30.5" beside "12:04").
    pattern = "%H:%M:%S" if high - low < 0.25 else "%H:%M" if high - low < 2 else "%m-%d %H:%M"
    ax.xaxis.set_major_formatter(mdates.DateFormatter(pattern, tz=timezone.utc))  # type: ignore[no-untyped-call]
    ax.set_xlabel("time (UTC)")
    ax.grid(axis="x", alpha=0.3)
    handles = [
        Patch(facecolor="#999999", alpha=0.6, label="access token: issue to expiry"),
        Patch(facecolor="#999999", edgecolor="#111111", linewidth=1.6, label="current token"),
        Line2D([], [], linestyle="none", marker="|", markersize=12, color="#333333", label="refresh"),
        Line2D([], [], linestyle="none", marker="X", markersize=8, color=FAILURE, label="failed attempt"),
    ]
    if now_shown:
        handles.append(Line2D([], [], linestyle="--", color="#777777", label="now"))
    # Below the axes, in one row: beside them it took a third of a narrow figure's width.
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, -0.18),
        ncol=len(handles),
        fontsize=8,
        frameon=False,
    )
    return fig


def _outline_current(ax: Any, drawn: Any, drawn_rows: Any, start: Any, end: Any) -> None:
    """The newest token of each connection drawn again on top, outlined: the one in use."""
    for row in np.unique(drawn_rows[~np.isnan(drawn_rows)]):
        newest = drawn[drawn_rows == row][-1]
        ax.broken_barh(
            [(float(start[newest]), float(end[newest] - start[newest]))],
            (row - 0.32, 0.64),
            facecolors=PALETTE[int(row) % len(PALETTE)],
            edgecolors="#111111",
            linewidth=1.6,
            zorder=3,
        )


def _running_count(values: Any) -> Any:
    """For each item, how many earlier items share its value (0 for the first of each)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    firsts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    sizes = np.diff(np.r_[firsts, len(ordered)])
    counts = np.empty(len(ordered), dtype="int64")
    counts[order] = np.arange(len(ordered)) - np.repeat(firsts, sizes)
    return counts


def _row_labels(history: pd.DataFrame) -> list[str]:
    """``adapter/connection`` in order of first appearance: stable rows as the log grows."""
    if history.empty:
        return []
    keys = history["adapter"].astype("string") + "/" + history["connection"].astype("string")
    return [str(k) for k in keys.drop_duplicates()]


def figure_png(fig: Figure, dpi: int = 100) -> bytes:
    """The figure as PNG bytes (Agg renders it; no display needed)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
