"""``conn.auth`` in clients oauthkit did not make: requests, httpx, httpx async, over real HTTP.

Each client kind gets a fresh token, refreshes an expired one, and after a 401 on an idempotent
call refreshes once and retries once, exactly like ``conn.session``; a POST is not retried, a
second 401 is the answer, and a 401 after a redirect that dropped our header is nobody's token.
"""

from __future__ import annotations

import asyncio
import io
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import requests

import oauthkit
import oauthkit.sandbox as sb

pytestmark = pytest.mark.timeout(120)

KINDS = ["requests", "httpx", "httpx_async"]
LIFETIME = 1.0


def call(kind: str, auth: Any, url: str, method: str = "GET", **kwargs: Any) -> int:
    """One request through a client of ``kind`` that knows nothing of oauthkit but ``auth``."""
    if kind == "requests":
        return requests.request(method, url, auth=auth, timeout=10, **kwargs).status_code
    if kind == "httpx":
        with httpx.Client(auth=auth, timeout=10, follow_redirects=True) as client:
            return client.request(method, url, **kwargs).status_code

    async def go() -> int:
        async with httpx.AsyncClient(auth=auth, timeout=10, follow_redirects=True) as client:
            return (await client.request(method, url, **kwargs)).status_code

    return asyncio.run(go())


def _connect(p: sb.Emulator, store: str, **extra: Any) -> oauthkit.Connection:
    return oauthkit.connect(p.name, store=store, min_interval=0, **{**p.settings, **extra})


def _revoked(p: sb.Emulator, store: str) -> oauthkit.Connection:
    conn = _connect(p, store)
    conn.refresh()
    p.revoke_access_tokens()  # the API now refuses the token the connection believes valid
    assert conn.is_fresh()
    return conn


def _api(p: sb.Emulator) -> list[tuple[str, int, str | None]]:
    return [(r.method, r.status, r.bearer) for r in p.requests if r.kind == "api"]


def test_one_object_for_requests_and_httpx_whose_repr_names_the_connection_only(store_url: str) -> None:
    with sb.serve("xerial") as p:
        conn = _connect(p, store_url)
        token = conn.refresh()
        auth = conn.auth
        assert auth is conn.auth
        assert isinstance(auth, requests.auth.AuthBase) and isinstance(auth, httpx.Auth)
        assert repr(auth) == "<oauthkit.ConnectionAuth xerial/default>"
        assert token.access_token not in repr(auth) and token.access_token not in str(auth)
        assert str(token.refresh_token) not in repr(auth)


@pytest.mark.parametrize("kind", KINDS)
def test_a_seeded_connection_gets_its_first_token_on_the_first_call(kind: str, store_url: str) -> None:
    with sb.serve("parqex") as p:
        conn = _connect(p, store_url)
        assert conn.token is None
        assert call(kind, conn.auth, p.api_url) == 200
        assert conn.token is not None
        assert _api(p) == [("GET", 200, conn.token.access_token)]
        assert call(kind, conn.auth, p.api_url) == 200  # still fresh: no second refresh
        assert len(p.token_requests) == 1
        assert conn.history()["trigger"].tolist() == ["expired"]


@pytest.mark.parametrize("kind", KINDS)
def test_an_expired_token_is_refreshed_before_the_call(kind: str, store_url: str) -> None:
    with sb.serve("ellipsis_drive", access_lifetime=LIFETIME) as p:
        conn = _connect(p, store_url)
        first = conn.refresh()
        assert first.expires_at is not None
        time.sleep(max(0.0, first.expires_at.timestamp() - time.time()) + 0.05)
        assert not conn.is_fresh()
        assert call(kind, conn.auth, p.api_url) == 200
        assert conn.token is not None and conn.token.access_token != first.access_token
        assert _api(p) == [("GET", 200, conn.token.access_token)]  # never sent the dead one
        assert conn.history()["trigger"].tolist() == ["manual", "expired"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_401_on_a_get_refreshes_once_and_retries_once(kind: str, store_url: str) -> None:
    with sb.serve("xerial") as p:
        conn = _revoked(p, store_url)
        refused = conn.token
        assert refused is not None
        assert call(kind, conn.auth, p.api_url) == 200
        assert conn.token is not None and conn.token.access_token != refused.access_token
        assert _api(p) == [("GET", 401, refused.access_token), ("GET", 200, conn.token.access_token)]
        assert conn.history()["trigger"].tolist() == ["manual", "unauthorized"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_put_is_idempotent_and_retried_a_post_is_not(kind: str, store_url: str) -> None:
    with sb.serve("xerial") as p:
        conn = _revoked(p, store_url)
        # The sandbox authenticates before routing: a dead token is 401 on any method, a live
        # one on PUT reaches the route and gets 404 (Xerial answers a wrong method that way).
        assert call(kind, conn.auth, p.api_url, "PUT", json={"x": 1}) == 404
        assert [(m, s) for m, s, _ in _api(p)] == [("PUT", 401), ("PUT", 404)]
        assert len(p.token_requests) == 2
        p.revoke_access_tokens()
        assert call(kind, conn.auth, p.api_url, "POST", json={"x": 1}) == 401
        assert [(m, s) for m, s, _ in _api(p)][2:] == [("POST", 401)]
        assert len(p.token_requests) == 2  # no refresh for the POST
        assert conn.history()["trigger"].tolist() == ["manual", "unauthorized"]


def test_reactive_methods_of_the_connection_apply(store_url: str) -> None:
    with sb.serve("xerial") as p:
        conn = _connect(p, store_url, reactive_methods=())
        conn.refresh()
        p.revoke_access_tokens()
        assert call("requests", conn.auth, p.api_url) == 401
        assert call("httpx", conn.auth, p.api_url) == 401
        assert len(p.token_requests) == 1


# ---- a server that always answers 401, and one that redirects ---------------------------------
class _Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, answer: tuple[int, dict[str, str]]) -> None:
        self.answer = answer
        self.seen: list[tuple[str, str | None]] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/data"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Recorder

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.server.seen.append((self.command, self.headers.get("Authorization")))
        status, headers = self.server.answer
        body = b'{"error":"invalid_token"}'
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PUT = do_POST = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serving(server: _Recorder) -> Iterator[_Recorder]:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def always_401() -> Iterator[_Recorder]:
    yield from _serving(_Recorder((401, {"WWW-Authenticate": 'Bearer error="invalid_token"'})))


@pytest.mark.parametrize("kind", KINDS)
def test_a_server_that_always_answers_401_gets_exactly_two_requests(
    kind: str, store_url: str, always_401: _Recorder
) -> None:
    with sb.serve("auth0") as p:
        conn = _connect(p, store_url)
        first = conn.refresh()
        assert call(kind, conn.auth, always_401.url) == 401
        assert conn.token is not None
        second = conn.token.access_token
        assert second != first.access_token
        assert always_401.seen == [("GET", f"Bearer {first.access_token}"), ("GET", f"Bearer {second}")]
        assert len(p.token_requests) == 2  # the manual refresh, then one after the first 401
        # The next call starts over: again one refresh and one retry, never a loop.
        assert call(kind, conn.auth, always_401.url) == 401
        assert len(always_401.seen) == 4 and len(p.token_requests) == 3


@pytest.mark.parametrize("kind", ["requests", "httpx"])
def test_a_401_after_a_redirect_to_another_origin_is_not_retried(kind: str, store_url: str) -> None:
    with sb.serve("xerial") as p:
        conn = _connect(p, store_url)
        conn.refresh()
        # Another port is another origin: both libraries drop the Authorization header there.
        for redirector in _serving(_Recorder((302, {"Location": p.api_url}))):
            assert call(kind, conn.auth, redirector.url) == 401
            assert redirector.seen == [("GET", f"Bearer {conn.token.access_token if conn.token else ''}")]
        assert _api(p) == [("GET", 401, None)]  # the token never went to the other origin
        assert len(p.token_requests) == 1


def test_requests_rewinds_a_file_body_and_never_resends_a_generator(store_url: str) -> None:
    with sb.serve("xerial") as p:
        conn = _revoked(p, store_url)
        assert (
            requests.put(p.api_url, data=io.BytesIO(b"x" * 100), auth=conn.auth, timeout=10).status_code
            == 404
        )
        replayed = [r for r in p.requests if r.kind == "api"]
        assert [r.status for r in replayed] == [401, 404] and replayed[1].body == b"x" * 100
        p.revoke_access_tokens()
        sent = requests.put(p.api_url, data=(c for c in [b"a", b"b"]), auth=conn.auth, timeout=10)
        assert sent.status_code == 401  # a stream cannot be sent twice: the 401 is the answer
        assert len(p.token_requests) == 2


def test_httpx_never_resends_a_streamed_body(store_url: str) -> None:
    with sb.serve("xerial") as p:
        conn = _revoked(p, store_url)
        with httpx.Client(auth=conn.auth, timeout=10) as client:
            assert client.put(p.api_url, content=iter([b"a", b"b"])).status_code == 401
            assert client.put(p.api_url, content=b"ab").status_code == 404  # in memory: retried
        assert [r.status for r in p.requests if r.kind == "api"] == [401, 401, 404]


# ---- async: the event loop keeps running, many tasks share one refresh -----------------------------
def test_async_refresh_does_not_block_the_event_loop(store_url: str) -> None:
    with sb.serve("auth0") as p:
        conn = _connect(p, store_url)
        p.delay(0.6)  # the token endpoint takes 0.6 s to answer the first refresh

        async def scenario() -> tuple[int, int]:
            ticks = 0
            stop = asyncio.Event()

            async def ticker() -> None:
                nonlocal ticks
                while not stop.is_set():
                    ticks += 1
                    await asyncio.sleep(0.02)

            task = asyncio.create_task(ticker())
            async with httpx.AsyncClient(auth=conn.auth, timeout=10) as client:
                status = (await client.get(p.api_url)).status_code
            stop.set()
            await task
            return status, ticks

        status, ticks = asyncio.run(scenario())
        assert status == 200 and len(p.token_requests) == 1
        assert ticks >= 15  # 0.6 s at one tick per 20 ms, had the loop been free throughout


def test_async_tasks_share_one_refresh_on_expiry_and_on_401(store_url: str) -> None:
    with sb.serve("auth0", access_lifetime=LIFETIME) as p:
        conn = _connect(p, store_url)

        async def scenario() -> list[int]:
            async with httpx.AsyncClient(auth=conn.auth, timeout=10) as client:
                codes = [
                    r.status_code for r in await asyncio.gather(*(client.get(p.api_url) for _ in range(6)))
                ]
                p.revoke_access_tokens()
                codes += [
                    r.status_code for r in await asyncio.gather(*(client.get(p.api_url) for _ in range(6)))
                ]
                return codes

        assert asyncio.run(scenario()) == [200] * 12
        assert len(p.token_requests) == 2  # one for the seed, one shared by the six 401s
        assert conn.history()["trigger"].tolist() == ["expired", "unauthorized"]


def test_a_refresh_failure_is_the_typed_error_and_holds_no_secret(store_url: str) -> None:
    with sb.serve("xerial") as p:
        conn = _connect(
            p, store_url, refresh_token="not-a-refresh-token-9f3a", retry=oauthkit.Retry(attempts=1)
        )
        for kind in KINDS:
            with pytest.raises(oauthkit.InvalidGrant) as info:
                call(kind, conn.auth, p.api_url)
            assert "not-a-refresh-token-9f3a" not in str(info.value)
        assert _api(p) == []  # nothing was sent without a token
