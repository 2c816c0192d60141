"""The refresh log and its per-adapter summary as HTML tables (dashboard tabs and the report).

Built by hand rather than with ``DataFrame.to_html``: each cell is formatted for people (times
to the second, lifetimes as durations, outcomes coloured) and escaped, and only the rows asked
for are touched, so a page of a 10,000-row log costs the same as a page of a 10-row one.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import Any

import pandas as pd

from ..display import COLOURS, FAILED, GRID_TD, GRID_TH, TABLE, VALID, duration, esc
from ..refresh_log import summarize

# (log column, heading) in display order; "connection" shows adapter/connection.
HISTORY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("at", "time (UTC)"),
    ("connection", "connection"),
    ("trigger", "trigger"),
    ("outcome", "outcome"),
    ("attempt", "attempt"),
    ("http_status", "HTTP"),
    ("latency_ms", "latency"),
    ("lifetime_s", "granted"),
    ("rotated", "rotated"),
    ("access_fp", "access token"),
    ("error", "error"),
)


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _cell(column: str, row: Mapping[Hashable, Any]) -> str:
    value: Any = row.get(column)
    if column == "connection":
        return f"<code>{esc(row.get('adapter'))}/{esc(value)}</code>"
    if _missing(value):
        return "<span style='opacity:.4'>-</span>"
    if column == "at":
        return esc(f"{value:%Y-%m-%d %H:%M:%S}")
    if column == "outcome":
        colour, kind = (COLOURS[VALID], "ok") if value == "ok" else (COLOURS[FAILED], "bad")
        return f"<b class='oauthkit-{kind}' style='color:{colour}'>{esc(value)}</b>"
    if column == "latency_ms":
        return esc(f"{float(value):.1f} ms")
    if column == "lifetime_s":
        return esc(duration(float(value)))
    if column == "rotated":
        return "yes" if bool(value) else "no"
    if column == "access_fp":
        return f"<code>{esc(value)}</code>"
    if column == "error":
        # The detail (already redacted by the connection) is a tooltip: the row stays one line.
        title = esc(row.get("detail") or "")
        style = f"color:{COLOURS[FAILED]}"
        return f"<span class='oauthkit-bad' title='{title}' style='{style}'>{esc(value)}</span>"
    return esc(value)


def history_table_html(rows: pd.DataFrame, *, css_class: str = "oauthkit-history") -> str:
    """``rows`` as they are ordered (callers pick the page and the order, newest first)."""
    head = "".join(f"<th style='{GRID_TH}'>{esc(title)}</th>" for _, title in HISTORY_COLUMNS)
    body = []
    for record in rows.to_dict("records"):
        status = "ok" if record.get("outcome") == "ok" else "error"
        cells = "".join(f"<td style='{GRID_TD}'>{_cell(col, record)}</td>" for col, _ in HISTORY_COLUMNS)
        body.append(f"<tr class='oauthkit-row-{status}'>{cells}</tr>")
    if not body:
        span = len(HISTORY_COLUMNS)
        body.append(f"<tr><td colspan='{span}' style='{GRID_TD};opacity:.6'>no refresh events</td></tr>")
    return (
        f"<table class='{css_class}' style='{TABLE};font-size:12px;width:100%'>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


SUMMARY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("refreshes", "refreshes"),
    ("failures", "failures"),
    ("failure_rate", "failure rate"),
    ("median_latency_ms", "median latency"),
    ("p95_latency_ms", "p95 latency"),
    ("median_lifetime_s", "median granted lifetime"),
    ("rotations", "rotations"),
)


def _summary_cell(column: str, value: Any) -> str:
    if _missing(value):
        return "<span style='opacity:.4'>-</span>"
    number = float(value)
    if column == "failure_rate":
        return esc(f"{number:.0%}" if math.isfinite(number) else "-")
    if column.endswith("latency_ms"):
        return esc(f"{number:.1f} ms")
    if column == "median_lifetime_s":
        return esc(duration(number))
    return esc(f"{number:.0f}")


def summary_table_html(history: pd.DataFrame, *, css_class: str = "oauthkit-summary") -> str:
    """Per adapter, from ``oauthkit.refresh_log.summarize``: refreshes, failure rate, latency, lifetime."""
    summary = summarize(history)
    head = f"<th style='{GRID_TH}'>adapter</th>" + "".join(
        f"<th style='{GRID_TH}'>{esc(title)}</th>" for _, title in SUMMARY_COLUMNS
    )
    body = []
    for adapter, row in summary.iterrows():
        cells = "".join(
            f"<td style='{GRID_TD}'>{_summary_cell(col, row[col])}</td>" for col, _ in SUMMARY_COLUMNS
        )
        body.append(f"<tr><td style='{GRID_TD}'><code>{esc(adapter)}</code></td>{cells}</tr>")
    if not body:
        span = len(SUMMARY_COLUMNS) + 1
        body.append(f"<tr><td colspan='{span}' style='{GRID_TD};opacity:.6'>no refresh events</td></tr>")
    return (
        f"<table class='{css_class}' style='{TABLE};font-size:12px'>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
