"""``python -m benchmarks``: run the suite, print the table, write it as JSON."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from . import api_call, async_bulk, catalogue, dashboard, import_time, refresh, refresh_log, threads
from .harness import Result, markdown_table, text_table, write_json
from .sizes import FULL, QUICK, Sizes

Benchmark = Callable[[Sizes, str], Result]

# Table order: the issue's.
BENCHMARKS: dict[str, Benchmark] = {
    "refresh": refresh.run,
    "api": api_call.run,
    "threads": threads.run,
    "async": async_bulk.run,
    "log": refresh_log.run,
    "import": import_time.run,
    "catalogue": catalogue.run,
    "dashboard": dashboard.run,
}
DEFAULT_OUT = Path(__file__).resolve().parent / "results.json"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: proves each benchmark runs")
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS), metavar="NAME", help="a subset")
    parser.add_argument("--provider", default="auth0", help="emulator for the network benchmarks")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"JSON file (default {DEFAULT_OUT})")
    parser.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    size = QUICK if args.quick else FULL
    names = args.only or list(BENCHMARKS)
    started = time.perf_counter()
    results: list[Result] = []
    for name in sorted(names, key=list(BENCHMARKS).index):
        print(f"running {name} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        results.append(BENCHMARKS[name](size, args.provider))
        print(f"  {name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started
    write_json(args.out, results, "quick" if args.quick else "full", elapsed)
    print(text_table(results))
    if args.markdown:
        print("\n" + markdown_table(results))
    print(f"\n{len(results)} benchmarks in {elapsed:.0f} s; JSON: {args.out}")
    # Quick figures mean nothing; a full run fails when any target is missed.
    return 0 if args.quick or all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
