"""The refresh log: refresh events as a pandas DataFrame, and per-adapter summaries.

pandas is imported on first use, not with ``oauthkit``, so plain API calls never pay for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .store.base import Event

if TYPE_CHECKING:
    import pandas as pd

TIME = "datetime64[ns, UTC]"
# Column order and dtypes of the refresh log (DESIGN.md); a contract for notebooks and tests.
COLUMNS: dict[str, str] = {
    "at": TIME,
    "connection": "string",
    "adapter": "string",
    "trigger": "string",
    "outcome": "string",
    "attempt": "int64",
    "http_status": "Int64",
    "latency_ms": "float64",
    "expires_at": TIME,
    "lifetime_s": "float64",
    "rotated": "bool",
    "refresh_expires_at": TIME,
    "access_fp": "string",
    "error": "string",
    "detail": "string",
}
TRIGGERS = ("manual", "expired", "proactive", "unauthorized")


def to_frame(events: Sequence[Event]) -> pd.DataFrame:
    """One row per refresh attempt, oldest first, with the dtypes in ``COLUMNS``."""
    import pandas as pd

    data = {name: [getattr(e, name) for e in events] for name in COLUMNS}
    frame: pd.DataFrame = pd.DataFrame(data, columns=list(COLUMNS))
    for name, dtype in COLUMNS.items():
        if dtype == TIME:
            seconds = pd.to_numeric(frame[name], errors="coerce").astype("float64")
            frame[name] = pd.to_datetime(seconds, unit="s", utc=True).astype(pd.api.types.pandas_dtype(TIME))
        else:
            frame[name] = frame[name].astype(pd.api.types.pandas_dtype(dtype))
    return frame


def summarize(history: pd.DataFrame) -> pd.DataFrame:
    """Per adapter: refreshes, failures, failure rate, median/p95 latency, median lifetime, rotations."""
    import pandas as pd

    columns = [
        "refreshes",
        "failures",
        "failure_rate",
        "median_latency_ms",
        "p95_latency_ms",
        "median_lifetime_s",
        "rotations",
    ]
    if history.empty:
        empty: pd.DataFrame = pd.DataFrame(columns=columns).rename_axis("adapter")
        return empty
    ok = history["outcome"] == "ok"
    grouped = history.groupby("adapter", observed=True)
    summary: pd.DataFrame = pd.DataFrame(
        {
            "refreshes": ok.groupby(history["adapter"], observed=True).sum().astype("int64"),
            "failures": (~ok).groupby(history["adapter"], observed=True).sum().astype("int64"),
            "median_latency_ms": grouped["latency_ms"].median(),
            "p95_latency_ms": grouped["latency_ms"].quantile(0.95),
            "median_lifetime_s": history[ok].groupby("adapter", observed=True)["lifetime_s"].median(),
            "rotations": history[ok].groupby("adapter", observed=True)["rotated"].sum(),
        }
    )
    summary["failure_rate"] = summary["failures"] / (summary["refreshes"] + summary["failures"])
    summary["rotations"] = summary["rotations"].fillna(0).astype("int64")
    result: pd.DataFrame = summary[columns]
    return result
