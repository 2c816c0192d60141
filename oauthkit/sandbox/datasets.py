"""A small protected table that every emulator serves beside its provider's API, as CSV and as
JSON, behind the same bearer check: tools that take only headers (pandas' ``storage_options``,
fsspec, curl) can be tried offline. No provider documents these paths; they are the sandbox's."""

from __future__ import annotations

import csv
import io

from .records import Reply, json_reply

CSV_PATH = "/sandbox/data/readings.csv"
JSON_PATH = "/sandbox/data/readings.json"
PATHS = (CSV_PATH, JSON_PATH)

COLUMNS = ("day", "station", "temperature_c", "rain_mm")
ROWS: tuple[tuple[str, str, float, float], ...] = (
    ("2024-03-01", "north", 6.5, 0.0),
    ("2024-03-01", "south", 9.25, 1.5),
    ("2024-03-02", "north", 4.0, 12.75),
    ("2024-03-02", "south", 8.5, 3.0),
)


def _csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(ROWS)
    return out.getvalue().encode()


def dataset(path: str) -> Reply | None:
    """The table at ``path`` (records-oriented JSON, or CSV with a header line), else None."""
    if path == CSV_PATH:
        return Reply(200, _csv(), "text/csv; charset=utf-8")
    if path == JSON_PATH:
        return json_reply(200, [dict(zip(COLUMNS, row, strict=True)) for row in ROWS])
    return None


__all__ = ["COLUMNS", "CSV_PATH", "JSON_PATH", "PATHS", "ROWS", "dataset"]
