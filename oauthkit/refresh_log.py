"""The refresh log: refresh events as a pandas DataFrame, and per-adapter summaries.

pandas is imported on first use, not with ``oauthkit``, so plain API calls never pay for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from .store.base import Event

if TYPE_CHECKING:
    import pandas as pd

TIME = "datetime64[ns, UTC]"
# Column order and dtypes of the refresh log (docs/DESIGN.md); a contract for notebooks and tests.
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
# The first tokens (conn.authorize(), conn.login()) are logged too, under their own triggers.
TRIGGERS = ("manual", "expired", "proactive", "unauthorized", "authorize", "login", "device", "revoke")


def to_frame(events: Sequence[Event]) -> pd.DataFrame:
    """One row per refresh attempt, oldest first, with the dtypes in ``COLUMNS``."""
    import pandas as pd

    # One plain list per column, converted once straight to its dtype: building an object frame
    # first and casting column by column cost 1.9x the hand-made baseline and twice its memory
    # at 1,000,000 events (benchmarks/refresh_log.py).
    def column(name: str, dtype: str) -> Any:
        values = list(map(attrgetter(name), events))
        if dtype == TIME:  # None (and anything unparsable) -> NaN -> NaT
            seconds = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").astype("float64")
            return pd.to_datetime(seconds, unit="s", utc=True).astype(pd.api.types.pandas_dtype(TIME))
        return pd.Series(values, dtype=pd.api.types.pandas_dtype(dtype))

    frame: pd.DataFrame = pd.DataFrame({name: column(name, dtype) for name, dtype in COLUMNS.items()})
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
