"""The benchmark suite runs end to end: ``python -m benchmarks --quick`` runs every benchmark once
at a tiny size. Timings are never asserted here (``make bench`` is where they count); what the
benchmarks check for correctness is."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROWS = [
    "refresh round trip",
    "API call with a valid token",
    "64 threads, one expired token",
    "async bulk refresh",
    "refresh log",
    "import",
    "catalogue",
    "dashboard",
]


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench") / "results.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {"stdout": proc.stdout, "results": json.loads(out.read_text())["results"]}


def _row(quick: dict[str, Any], name: str) -> dict[str, Any]:
    return next(r for r in quick["results"] if r["benchmark"] == name)


def test_every_row_has_numeric_figures(quick: dict[str, Any]) -> None:
    assert [r["benchmark"] for r in quick["results"]] == ROWS
    for row in quick["results"]:
        for key in ("oauthkit", "baseline", "ratio", "target"):
            value = row[key]
            assert isinstance(value, (int, float)) and math.isfinite(value) and value > 0, (row, key)
        assert isinstance(row["pass"], bool)


def test_the_table_is_printed(quick: dict[str, Any]) -> None:
    header = quick["stdout"].splitlines()[0].split()
    assert header == ["benchmark", "oauthkit", "baseline", "ratio", "target", "result"]
    for name in ROWS:
        assert name in quick["stdout"]


def test_64_threads_on_one_expired_token_cause_exactly_one_refresh(quick: dict[str, Any]) -> None:
    row = _row(quick, "64 threads, one expired token")
    assert row["details"]["threads"] == 64
    assert row["checks"]["exactly 1 refresh"] is True
    assert row["details"]["refresh_counts_seen"] == [1]


def test_every_correctness_check_holds(quick: dict[str, Any]) -> None:
    # Identical requests, refresh counts, equal DataFrames, lazy imports: none is a timing.
    failed = {r["benchmark"]: c for r in quick["results"] for c, ok in r["checks"].items() if not ok}
    assert failed == {}


def test_the_dashboard_row_measures_a_kernel_against_per_second_ticks(quick: dict[str, Any]) -> None:
    row = _row(quick, "dashboard")
    assert row["unit"] == "% core" and row["details"]["connections"] == 5
    assert set(row["checks"]) == {"at most 2 % of one core", "first render under 1 s"}
    assert 0 < row["details"]["first_render_s"] < 60
