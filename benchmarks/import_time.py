"""Import: a cold ``import oauthkit`` against a cold ``import authlib.integrations.requests_client``."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from typing import Any

from .harness import Result, interleaved, median
from .sizes import Sizes

NAME = "import"
TARGET = 1.2
OURS = "oauthkit"
BASELINE = "authlib.integrations.requests_client"
# Imported only when a feature needs them (docs/DESIGN.md); `import oauthkit` must not load them.
LAZY = ("pandas", "ipywidgets", "httpx")
REPORTED = (*LAZY, "numpy", "matplotlib", "sqlite3", "filelock")

# Only the import is on the clock: the interpreter's own start-up is the same for both and
# would only dilute the ratio. json is imported after the clock stops, so neither side gets
# it for free.
PROBE = """\
import sys, time
start = time.perf_counter()
import {module}
elapsed = time.perf_counter() - start
import json
print(json.dumps({{"seconds": elapsed, "loaded": [m for m in {reported!r} if m in sys.modules]}}))
"""


def _python(args: list[str], cwd: str) -> subprocess.CompletedProcess[str]:
    # A fresh interpreter each time, from a directory with nothing importable in it.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )


def probe(module: str, cwd: str) -> dict[str, Any]:
    out = _python(["-c", PROBE.format(module=module, reported=REPORTED)], cwd)
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def self_times(module: str, cwd: str) -> dict[str, int]:
    """Microseconds each module spent importing itself (``-X importtime``'s self column)."""
    err = _python(["-X", "importtime", "-c", f"import {module}"], cwd).stderr
    times: dict[str, int] = {}
    for line in err.splitlines():
        if line.startswith("import time:") and "self [us]" not in line:
            self_us, _cumulative, name = line[len("import time:") :].split("|")
            times[name.strip()] = int(self_us)
    return times


def added_modules(runs: int, cwd: str) -> dict[str, float]:
    """What ``import oauthkit`` loads beyond the baseline, in ms (median self time), costliest
    first: where to look when the ratio is missed."""
    ours: dict[str, list[int]] = defaultdict(list)
    theirs: set[str] = set()
    for _ in range(runs):
        for name, us in self_times(OURS, cwd).items():
            ours[name].append(us)
        theirs.update(self_times(BASELINE, cwd))
    extra = {name: statistics.median(us) / 1000 for name, us in ours.items() if name not in theirs}
    return dict(sorted(extra.items(), key=lambda kv: -kv[1]))


def run(size: Sizes, provider: str) -> Result:
    """Median time of the import statement alone in a fresh interpreter, oauthkit against
    Authlib's requests client (which oauthkit builds on, and which a hand-made refresh would
    import too); interleaved subprocesses, after warm-up ones that also fill the bytecode cache.
    Each oauthkit run also records which heavy modules got loaded: pandas, ipywidgets and httpx
    must not be.

    Profile (``-X importtime``, self times, medians; see ``added_modules_ms_top`` in the
    details), when this missed at 1.19-1.25: oauthkit adds ~40 ms to Authlib's ~200 ms. The
    SQLite store was imported eagerly by ``oauthkit.store`` although ``memory://`` and Redis
    stores never need it: sqlite3 + filelock (+ platform, decimal) ~12 ms; difflib ~1 ms, only
    for "did you mean" hints in adapter errors. Importing both on first use measured
    1.19 -> 1.14. Most of the rest is oauthkit's own two dozen dataclass definitions (~10 ms).
    """
    loaded: set[str] = set()
    with tempfile.TemporaryDirectory() as cwd:

        def ours() -> float:
            result = probe(OURS, cwd)
            loaded.update(result["loaded"])
            return float(result["seconds"])

        def theirs() -> float:
            return float(probe(BASELINE, cwd)["seconds"])

        mine, base = interleaved(ours, theirs, reps=size.import_reps, warmup=2)
        extra = added_modules(max(1, size.import_reps // 4), cwd)
    top = {name: round(ms, 2) for name, ms in list(extra.items())[:12]}
    return Result(
        name=NAME,
        unit="ms",
        oauthkit=median(mine) * 1e3,
        baseline=median(base) * 1e3,
        target=TARGET,
        reps=size.import_reps,
        checks={"pandas, ipywidgets, httpx not imported": not loaded & set(LAZY)},
        details={
            "baseline_module": BASELINE,
            "heavy_modules_loaded": sorted(loaded),
            "added_modules_ms_total": round(sum(extra.values()), 1),
            "added_modules_ms_top": top,
        },
    )
