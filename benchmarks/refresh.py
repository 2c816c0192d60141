"""Refresh round trip: ``conn.refresh()`` against the identical request sent with bare requests."""

from __future__ import annotations

import uuid
from typing import Any

import requests

import oauthkit

from .harness import Result, clocked, cpu_details, interleaved, median
from .remote import RemoteEmulator
from .sizes import Sizes
from .wire import BareRefresher, Template, capture_requests, release, same_request

NAME = "refresh round trip"
TARGET = 1.15


def connect(
    p: RemoteEmulator, name: str, refresh_token: str, store: str | oauthkit.Store
) -> oauthkit.Connection:
    """A connection to the remote emulator, seeded with its own refresh-token chain."""
    settings: dict[str, Any] = {**p.settings, "refresh_token": refresh_token}
    # min_interval=0: this measures a refresh's cost back to back, not the one-request-a-second
    # floor that keeps a real connection from storming its provider.
    return oauthkit.connect(p.provider, name=name, store=store, min_interval=0, **settings)


def first_refresh_template(conn: oauthkit.Connection, seed: str) -> Template:
    """Refresh once and return the request oauthkit sent, as it went on the wire."""
    capture = capture_requests(conn.session)
    try:
        conn.refresh()
    finally:
        release(conn.session, capture)
    sent = capture.last
    return Template.capture(sent.method, sent.url, sent.headers, sent.body, seed)


def baseline_matches(bare: BareRefresher, template: Template) -> bool:
    """Send one baseline refresh and check it equals oauthkit's request but for the token."""
    capture = capture_requests(bare.session)
    token = bare.refresh_token
    try:
        bare.refresh()
    finally:
        release(bare.session, capture)
    sent = capture.last
    return same_request(Template.capture(sent.method, sent.url, sent.headers, sent.body, token), template)


def run(size: Sizes, provider: str) -> Result:
    """Median wall time of one ``conn.refresh()`` (memory store) against the bare replay of the
    identical request, each on its own warm keep-alive ``requests.Session`` against the same
    emulator, interleaved.

    Both sides parse the JSON answer and keep their rotated refresh token; oauthkit also
    validates the answer, builds a Token, writes the record and a log event to the store.
    The baseline sends pre-encoded bytes: the cheapest way requests can send that request.

    Profile (cProfile over 2,000 refreshes, and the per-call thread CPU time in the details),
    when this missed at 1.15-1.22: the whole wall-time excess is client CPU, about 250 us per
    refresh on top of the ~1,000 us that requests itself spends (this loopback round trip is
    mostly client CPU). No single hot spot. The largest removable item: oauthkit's
    ``OAuth2Session._http_post`` passed Authlib's body on as ``dict(url_decode(body))``, which
    requests form-encodes again (with its Protocol isinstance checks) before the client-auth
    hook decodes and re-encodes it once more: ~50 us; passing the encoded string through
    measured 1.19 -> 1.13. Authlib's validating ``url_decode`` in ``request_hook`` and
    ``client_auth`` (the body is Authlib's own) costs ~10-20 us more. The rest is the work
    oauthkit exists for: answer validation, Token, Event, store write (~60 us), and Authlib's
    refresh pipeline and hooks (~40 us).
    """
    with RemoteEmulator(provider) as p:
        seed, bare_seed = p.new_grants(2)
        conn = connect(p, "bench-refresh", seed, f"memory://{uuid.uuid4().hex}")
        template = first_refresh_template(conn, seed)
        bare = BareRefresher(provider, template, bare_seed, requests.Session())
        identical = baseline_matches(bare, template)

        cpu: tuple[list[float], list[float]] = ([], [])
        ours, theirs = interleaved(
            lambda: clocked(conn.refresh, cpu[0]),
            lambda: clocked(bare.refresh, cpu[1]),
            reps=size.refresh_reps,
            warmup=size.warmup,
        )
        conn.close()
    return Result(
        name=NAME,
        unit="ms",
        oauthkit=median(ours) * 1e3,
        baseline=median(theirs) * 1e3,
        target=TARGET,
        reps=size.refresh_reps,
        checks={"identical request": identical},
        details={
            "provider": provider,
            "store": "memory",
            "connection_reuse": "keep-alive, both",
            **cpu_details(*cpu, size.warmup),
        },
    )
