"""API call with a valid token: ``conn.session.get(url)`` against ``requests.Session.get`` with a
Bearer header."""

from __future__ import annotations

import uuid

import requests

from .harness import Result, clocked, cpu_details, interleaved, median
from .refresh import connect
from .remote import RemoteEmulator
from .sizes import Sizes
from .wire import capture_requests, release

NAME = "API call with a valid token"
TARGET = 1.05


def _sent_headers(session: requests.Session, url: str) -> set[str]:
    capture = capture_requests(session)
    try:
        session.get(url).raise_for_status()
    finally:
        release(session, capture)
    return {f"{k.lower()}: {v}" for k, v in capture.last.headers.items()}


def run(size: Sizes, provider: str) -> Result:
    """Median wall time of one GET of the emulator's protected resource with a valid token:
    oauthkit's Authlib session (which checks the token's expiry through the connection before
    every call) against a plain keep-alive ``requests.Session`` whose headers carry the same
    Bearer token.
    Both sessions are warm (one pooled connection each); interleaved.
    """
    with RemoteEmulator(provider) as p:
        (seed,) = p.new_grants(1)
        conn = connect(p, "bench-api", seed, f"memory://{uuid.uuid4().hex}")
        session = conn.session
        ours_sent = _sent_headers(session, p.api_url)  # the first call refreshes: token now valid
        token = conn.token
        assert token is not None
        bare = requests.Session()
        # Set once on the session, as hand-made code would: the cheapest way to send it.
        bare.headers["Authorization"] = f"Bearer {token.access_token}"
        identical = _sent_headers(bare, p.api_url) == ours_sent
        refreshes_before = p.token_request_count()

        cpu: tuple[list[float], list[float]] = ([], [])
        ours, theirs = interleaved(
            lambda: clocked(lambda: session.get(p.api_url), cpu[0]),
            lambda: clocked(lambda: bare.get(p.api_url), cpu[1]),
            reps=size.api_reps,
            warmup=size.warmup,
        )
        no_refresh = p.token_request_count() == refreshes_before
        conn.close()
    return Result(
        name=NAME,
        unit="ms",
        oauthkit=median(ours) * 1e3,
        baseline=median(theirs) * 1e3,
        target=TARGET,
        reps=size.api_reps,
        checks={"identical request": identical and no_refresh},
        details={
            "provider": provider,
            "connection_reuse": "keep-alive, both",
            **cpu_details(*cpu, size.warmup),
        },
    )
