"""What every benchmark shares: the result record, interleaved timing, the table and the JSON."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# A timed run returns the seconds it measured itself, so that its set-up stays outside the clock.
Run = Callable[[], float]


@dataclass
class Result:
    """One row of the table: oauthkit against its baseline, both measured in the same run."""

    name: str
    unit: str  # how `oauthkit` and `baseline` are expressed: "ms" or "s"
    oauthkit: float
    baseline: float
    target: float  # the largest acceptable oauthkit / baseline ratio
    reps: int
    # Conditions besides the ratio that the row must meet (e.g. "exactly 1 refresh").
    checks: dict[str, bool] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.oauthkit / self.baseline

    @property
    def passed(self) -> bool:
        return self.ratio <= self.target and all(self.checks.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "benchmark": self.name,
            "unit": self.unit,
            "oauthkit": self.oauthkit,
            "baseline": self.baseline,
            "ratio": self.ratio,
            "target": self.target,
            "pass": self.passed,
            "reps": self.reps,
            "checks": self.checks,
            "details": self.details,
        }


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def interleaved(*runs: Run, reps: int, warmup: int = 1) -> list[list[float]]:
    """Time `runs` in turn, A B ... then ... B A, after `warmup` untimed rounds; one list of
    timings per run.

    Alternating cancels slow drift (other processes on the 2 cores, CPU frequency, caches), and
    reversing the order every round cancels the bias of always running first or last.
    """
    for _ in range(warmup):
        for run in runs:
            run()
    timings: list[list[float]] = [[] for _ in runs]
    for i in range(reps):
        order = list(enumerate(runs)) if i % 2 == 0 else list(reversed(list(enumerate(runs))))
        for k, run in order:
            timings[k].append(run())
    return timings


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def clocked(fn: Callable[[], object], cpu: list[float]) -> float:
    """Wall time of `fn`, also appending the CPU time this thread spent in it to `cpu`.

    The CPU time is what the client itself costs, unmoved by the emulator's scheduling or by
    other processes on the machine: the noise-free view of the overhead (reported in details).
    """
    c0, t0 = time.thread_time(), time.perf_counter()
    fn()
    t1, c1 = time.perf_counter(), time.thread_time()
    cpu.append(c1 - c0)
    return t1 - t0


def cpu_details(ours: list[float], theirs: list[float], warmup: int) -> dict[str, float]:
    """Median client CPU per operation, in microseconds, warm-up excluded."""
    a, b = median(ours[warmup:]) * 1e6, median(theirs[warmup:]) * 1e6
    return {"client_cpu_us": round(a, 1), "baseline_client_cpu_us": round(b, 1), "cpu_ratio": round(a / b, 3)}


# ---- the table ------------------------------------------------------------------------------
HEADER = ("benchmark", "oauthkit", "baseline", "ratio", "target", "result")


def _amount(value: float, unit: str) -> str:
    return f"{value:.3f} {unit}" if value < 10 else f"{value:.1f} {unit}"


def rows(results: Sequence[Result]) -> list[tuple[str, ...]]:
    return [
        (
            r.name,
            _amount(r.oauthkit, r.unit),
            _amount(r.baseline, r.unit),
            f"{r.ratio:.2f}",
            "<= " + f"{r.target:.2f}" + "".join(f"; {check}" for check in r.checks),
            "pass" if r.passed else "MISS",
        )
        for r in results
    ]


def text_table(results: Sequence[Result]) -> str:
    body = [HEADER, *rows(results)]
    widths = [max(len(row[i]) for row in body) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in body]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for r in results:
        for check, ok in r.checks.items():
            lines.append(f"  {r.name}: {check}: {'pass' if ok else 'MISS'}")
    return "\n".join(lines)


def markdown_table(results: Sequence[Result]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in rows(results)]
    return "\n".join(lines)


# ---- the machine and the JSON ----------------------------------------------------------------
def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, Any]:
    from importlib.metadata import version

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu_model(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "versions": {
            pkg: version(pkg) for pkg in ("oauthkit", "authlib", "requests", "httpx", "pandas", "numpy")
        },
    }


def write_json(path: Path, results: Sequence[Result], mode: str, seconds: float) -> None:
    payload = {
        "mode": mode,
        "total_seconds": round(seconds, 1),
        "machine": machine(),
        "results": [r.to_json() for r in results],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2) + "\n")
