"""A refresh attempt has a total deadline: ``connect(..., timeout=3)`` against a server that
trickles its answer one byte a second ends in a TransportError (``DeadlineExceeded``) in about 3 s,
with requests, httpx and async httpx, whether the head or the body trickles, and whoever waits
on the refresh lock (another thread, another process) is released and gets its own outcome.

The HTTP libraries' own ``timeout`` bounds each read only; a byte a second never trips it.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from servers.strict_server import MiniProvider, Reply, Seen, StrictServer

import oauthkit
from oauthkit.errors import DeadlineExceeded

pytestmark = pytest.mark.timeout(90)

TIMEOUT = 3.0
LIBRARIES = ["requests", "httpx", "async_httpx"]


class Trickling:
    """The first ``slow`` token requests are answered one byte a second; later ones at once."""

    def __init__(self, phase: str, slow: int = 1) -> None:
        self.provider = MiniProvider()
        self.phase = phase
        self.slow = slow
        self.server = StrictServer(self)
        self.provider.origin = self.server.origin

    def __call__(self, seen: Seen) -> Reply:
        reply = self.provider(seen)
        if seen.path == "/token" and self.slow > 0:
            self.slow -= 1
            reply.trickle, reply.trickle_from = 1.0, self.phase
        return reply


@pytest.fixture(params=["headers", "body"])
def trickling(request: pytest.FixtureRequest) -> Iterator[Trickling]:
    server = Trickling(request.param)
    try:
        yield server
    finally:
        server.server.close()


def _connect(origin: str, store: str) -> oauthkit.Connection:
    return oauthkit.connect(
        "oauth2",
        store=store,
        token_url=origin + "/token",
        client_id="c",
        client_secret="s",
        refresh_token="seed",
        timeout=TIMEOUT,
    )


def _refresh_through(conn: oauthkit.Connection, library: str, api: str) -> None:
    if library == "requests":
        conn.refresh()
    elif library == "httpx":
        with conn.client() as client:
            client.get(api, timeout=10)
    else:

        async def main() -> None:
            async with conn.async_client() as client:
                await client.get(api, timeout=10)

        asyncio.run(main())


@pytest.mark.parametrize("library", LIBRARIES)
def test_a_trickling_answer_ends_in_a_transport_error_at_the_deadline(
    trickling: Trickling, library: str
) -> None:
    conn = _connect(trickling.server.origin, f"memory://{uuid.uuid4().hex}")
    before = conn.store.load(conn.key)
    started = time.monotonic()
    try:
        with pytest.raises(oauthkit.TransportError) as caught:
            _refresh_through(conn, library, trickling.server.origin + "/api")
    finally:
        conn.close()
    elapsed = time.monotonic() - started
    print(f"{library}/{trickling.phase}: DeadlineExceeded after {elapsed:.2f} s")
    assert 2.0 < elapsed < 6.0
    assert isinstance(caught.value, DeadlineExceeded)
    assert "within 3 s" in str(caught.value) and "timeout=" in str(caught.value)
    assert len(trickling.server.requests_to("/token")) == 1  # the time allowed is spent: no retry
    assert conn.store.load(conn.key) == before
    assert conn.history()["error"].tolist() == ["DeadlineExceeded"]


_WAITER = """
import json, sys, time
import oauthkit
conn = oauthkit.connect("oauth2", store=sys.argv[1], token_url=sys.argv[2], client_id="c",
                        client_secret="s", refresh_token="seed", timeout=float(sys.argv[3]))
print("connected", flush=True)
sys.stdin.readline()
started = time.monotonic()
try:
    token = conn.refresh()
    outcome = {"ok": token.access_token is not None}
except oauthkit.OAuthKitError as exc:
    outcome = {"ok": False, "error": type(exc).__name__}
outcome["waited"] = time.monotonic() - started
print(json.dumps(outcome), flush=True)
"""


@pytest.mark.parametrize("library", LIBRARIES)
def test_waiters_on_the_refresh_lock_are_released_at_the_deadline(store_url: str, library: str) -> None:
    trickling = Trickling("body")
    origin = trickling.server.origin
    waiter = subprocess.Popen(
        [sys.executable, "-c", _WAITER, store_url, origin + "/token", str(TIMEOUT)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert waiter.stdin is not None and waiter.stdout is not None
    try:
        assert waiter.stdout.readline().strip() == "connected"
        conn = _connect(origin, store_url)
        outcomes: dict[str, Any] = {}

        def holder() -> None:
            try:
                _refresh_through(conn, library, origin + "/api")
                outcomes["holder"] = "ok"
            except oauthkit.OAuthKitError as exc:
                outcomes["holder"] = type(exc).__name__
            outcomes["holder_done"] = time.monotonic()

        def thread_waiter() -> None:
            try:
                outcomes["thread"] = conn.refresh().access_token is not None
            except oauthkit.OAuthKitError as exc:
                outcomes["thread"] = type(exc).__name__
            outcomes["thread_done"] = time.monotonic()

        started = time.monotonic()
        first = threading.Thread(target=holder)
        first.start()
        while not trickling.server.requests_to("/token"):  # the holder has the lock and is reading
            assert time.monotonic() - started < 10
            time.sleep(0.02)
        second = threading.Thread(target=thread_waiter)
        second.start()
        waiter.stdin.write("go\n")
        waiter.stdin.flush()
        first.join(20)
        second.join(20)
        process = json.loads(waiter.stdout.readline())
        waiter.wait(20)
        conn.close()
    finally:
        if waiter.poll() is None:
            waiter.kill()
        trickling.server.close()
    assert outcomes["holder"] == "DeadlineExceeded"
    assert 2.0 < outcomes["holder_done"] - started < 6.0
    # Released at the deadline, each waiter got its own outcome: a token (their own refresh, or
    # the one the other waiter stored meanwhile).
    assert outcomes["thread"] is True and process["ok"] is True, (outcomes, process)
    assert outcomes["thread_done"] - started < 8.0
    assert process["waited"] < 8.0
    held = outcomes["holder_done"] - started
    print(f"{library}: holder {held:.2f} s, process waited {process['waited']:.2f} s")
    refreshes = trickling.server.requests_to("/token")
    assert 2 <= len(refreshes) <= 3  # the holder's, then one or two from the released waiters


class TrickleEverything:
    """Every answer one byte a second (a discovery document, a code exchange, a login)."""

    def __init__(self) -> None:
        self.provider = MiniProvider()
        self.server = StrictServer(self)
        self.provider.origin = self.server.origin

    def __call__(self, seen: Seen) -> Reply:
        reply = self.provider(seen)
        reply.trickle = 1.0
        return reply


def _first_tokens(kind: str, origin: str) -> None:
    store = f"memory://{uuid.uuid4().hex}"
    if kind == "discovery":
        oauthkit.connect(
            "oidc", store=store, issuer=origin, client_id="c", refresh_token="r", timeout=TIMEOUT
        )
    elif kind == "login":
        conn = oauthkit.connect("xerial", store=store, base_url=origin + "/v1", timeout=TIMEOUT)
        conn.login(email="ada@example.com", password="pw")
    else:
        conn = oauthkit.connect(
            "oauth2",
            store=store,
            token_url=origin + "/token",
            authorize_url=origin + "/authorize",
            client_id="c",
            client_secret="s",
            timeout=TIMEOUT,
        )
        pending = conn.authorize(listen=False)
        conn.authorize(f"{pending.redirect_uri}?code=the-code&state={pending.state}")


@pytest.mark.parametrize("kind", ["discovery", "exchange", "login"])
def test_discovery_code_exchange_and_login_have_the_same_deadline(kind: str) -> None:
    trickling = TrickleEverything()
    started = time.monotonic()
    try:
        with pytest.raises(oauthkit.OAuthKitError) as caught:
            _first_tokens(kind, trickling.server.origin)
    finally:
        trickling.server.close()
    elapsed = time.monotonic() - started
    print(f"{kind}: {type(caught.value).__name__} after {elapsed:.2f} s")
    assert 2.0 < elapsed < 6.0
    assert "within 3 s" in str(caught.value)
    if kind == "discovery":
        assert isinstance(caught.value, DeadlineExceeded) and "issuer" in str(caught.value)
    else:
        assert isinstance(caught.value, oauthkit.AuthorizationError) and caught.value.reason == "transport"
