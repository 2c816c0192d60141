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
        if dtype == TIME:  # None (and anything unparsable or out of range) -> NaN -> NaT
            seconds = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").to_numpy("float64")
            return pd.Series(_instants(seconds), dtype=pd.api.types.pandas_dtype(TIME))
        return pd.Series(values, dtype=pd.api.types.pandas_dtype(dtype))

    frame: pd.DataFrame = pd.DataFrame({name: column(name, dtype) for name, dtype in COLUMNS.items()})
    return frame


# An instant further than this from 1970 does not fit datetime64[ns] (it ends in 2262).
_SECONDS_LIMIT = 9.2e9


def _instants(seconds: Any) -> Any:
    """Epoch seconds (float64, NaN for none) as datetime64[ns] in UTC, NaT where there is none.

    Done here rather than with ``pd.to_datetime(seconds, unit="s")``: pandas 2.2 and 2.3 raise
    ``FloatingPointError: overflow encountered in multiply`` from that call now and then on
    ordinary values (pandas-dev/pandas#58419; seen here on Python 3.10 with pandas 2.3.3). Whole
    seconds and the fraction are converted apart, as pandas does, so no precision is lost."""
    import numpy as np
    import pandas as pd

    with np.errstate(invalid="ignore", over="ignore"):
        valid = np.abs(seconds) < _SECONDS_LIMIT  # False for NaN
        clean = np.where(valid, seconds, 0.0)
    whole = np.floor(clean)
    nanos = whole.astype("int64") * 1_000_000_000 + np.round((clean - whole) * 1e9).astype("int64")
    stamps = nanos.view("datetime64[ns]")
    stamps[~valid] = np.datetime64("NaT")
    return pd.DatetimeIndex(stamps).tz_localize("UTC")


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
