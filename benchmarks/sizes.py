"""How big each benchmark runs: the full suite (`make bench`) and a smoke size (`--quick`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    refresh_reps: int
    api_reps: int
    warmup: int  # untimed pairs before each interleaved series
    threads: int
    thread_reps: int
    async_connections: int
    async_reps: int
    async_concurrency: int
    log_events: int
    log_reps: int
    import_reps: int
    dashboard_connections: int
    dashboard_window_s: float  # CPU measured over this long, after a warm-up


# The whole suite in about two minutes on 2 cores. Repetitions are many where one is short
# (a round trip is ~1 ms) and few where one takes seconds; the async series gets the most rounds
# of the slow ones because a burst of load elsewhere hits a 3 s round hardest.
FULL = Sizes(
    refresh_reps=400,
    api_reps=1500,
    warmup=20,
    threads=64,
    thread_reps=15,
    async_connections=1000,
    async_reps=11,
    async_concurrency=10,
    log_events=1_000_000,
    log_reps=5,
    import_reps=20,
    dashboard_connections=50,
    dashboard_window_s=15.0,
)

# Proves each benchmark works end to end; its figures mean nothing.
QUICK = Sizes(
    refresh_reps=3,
    api_reps=3,
    warmup=1,
    threads=64,
    thread_reps=1,
    async_connections=20,
    async_reps=1,
    async_concurrency=10,
    log_events=2_000,
    log_reps=1,
    import_reps=1,
    dashboard_connections=5,
    dashboard_window_s=1.5,
)
