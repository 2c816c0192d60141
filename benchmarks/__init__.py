"""oauthkit's performance suite: every figure a ratio against the hand-made alternative,
measured in the same run against the same local emulator.

    make bench                              # = python -m benchmarks --out benchmarks/results.json
    python -m benchmarks --quick            # every benchmark once at a tiny size (make test)
    python -m benchmarks --only refresh api

One module per benchmark; each has a ``run(size, provider) -> Result`` whose docstring says
what is timed, what the baseline is and why it is fair. `harness` holds the timing and the
table, `remote` serves an emulator from a child process, `wire` replays oauthkit's own token
request for the baselines.
"""
