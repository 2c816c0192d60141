"""The wire is what a careful client sends: every shipped adapter's every request through a strict
keep-alive server (``tests/servers/strict_server.py``).

The server refuses (400, and closes) a GET or HEAD carrying any body framing and a POST without
``Content-Length``. Refreshes go through requests, httpx and async httpx; code exchanges, logins
and discovery are sent with requests (the only library oauthkit uses for them). After a refresh,
the next request on the same keep-alive connection must succeed: a stray chunk terminator left
behind by a GET would be read as that request.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from servers.strict_server import MiniProvider, StrictServer, serve_provider

import oauthkit
from oauthkit import registry
from oauthkit.emulate import wire_spec

pytestmark = pytest.mark.timeout(60)

LIBRARIES = ["requests", "httpx", "async_httpx"]
_CLIENT = {"client_id": "strict-client", "client_secret": "strict-secret"}


def settings_for(adapter: str, origin: str) -> dict[str, str]:
    """Each shipped adapter pointed at the strict server, as its own settings say it: the seed
    adapters by hand, the catalogue's as their offline emulators are (oauthkit.emulate)."""
    if adapter not in SEED:
        wire = wire_spec(oauthkit.get_adapter(adapter))
        values = {"origin": origin, **_CLIENT}
        return {k: v.format_map(values) for k, v in wire["settings"].items() if k != "refresh_token"}
    return {
        "auth0": {"base_url": origin, **_CLIENT},
        "edgetag": {"base_url": origin, "app_url": origin, **_CLIENT},
        "ellipsis_drive": {"base_url": origin + "/v3", **_CLIENT},
        "parqex": {"base_url": origin, **_CLIENT},
        "xerial": {"base_url": origin + "/v1"},
        "oauth2": {"token_url": origin + "/token", "authorize_url": origin + "/authorize", **_CLIENT},
        "oidc": {"issuer": origin, **_CLIENT},
    }[adapter]


SEED = ("auth0", "edgetag", "ellipsis_drive", "parqex", "xerial", "oauth2", "oidc")
SHIPPED = sorted(p.stem for p in registry.shipped_folder().glob("*.py") if not p.stem.startswith("_"))
WITH_AUTHORIZE = [name for name in SHIPPED if oauthkit.get_adapter(name).authorize is not None]
WITH_LOGIN = [name for name in SHIPPED if oauthkit.get_adapter(name).login is not None]


@pytest.fixture
def strict() -> Iterator[tuple[StrictServer, MiniProvider]]:
    server, provider = serve_provider()
    try:
        yield server, provider
    finally:
        server.close()


def _connect(adapter: str, server: StrictServer, provider: MiniProvider, **extra: Any) -> oauthkit.Connection:
    if adapter not in SEED:  # the answer in the adapter's own shape (Withings' wrapper, a form body)
        wire = wire_spec(oauthkit.get_adapter(adapter))
        provider.shape = wire["answer"]
        provider.exchange_shape = wire.get("exchange", {}).get("answer")
    settings: dict[str, Any] = {**settings_for(adapter, server.origin), **extra}
    return oauthkit.connect(adapter, store=f"memory://{uuid.uuid4().hex}", **settings)


def _token_requests(server: StrictServer) -> list[Any]:
    return [s for s in server.all if s.path not in ("/api", "/.well-known/openid-configuration")]


def test_every_shipped_adapter_is_covered() -> None:
    assert set(SEED) <= set(SHIPPED) and len(SHIPPED) >= 37
    assert WITH_AUTHORIZE and WITH_LOGIN == ["xerial"]


def test_the_server_is_strict(strict: tuple[StrictServer, MiniProvider]) -> None:
    """The server really refuses what the old wire sent, and keeps a clean connection alive."""
    import socket

    server, _ = strict
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(b"GET /api HTTP/1.1\r\nHost: x\r\n\r\nGET /api HTTP/1.1\r\nHost: x\r\n\r\n")
        first = sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 401")  # two answers on one connection ...
        while first.count(b"HTTP/1.1") < 2:
            first += sock.recv(65536)
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(
            b"GET /token?refresh_token=r HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        )
        assert sock.recv(65536).startswith(b"HTTP/1.1 400")  # ... but no body framing on a GET
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(b"POST /token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 400")  # and a POST says its length
    assert [s.connection for s in server.all[:2]] == [1, 1]


def _refresh_then_call(conn: oauthkit.Connection, library: str, api: str) -> list[int]:
    """Refresh through ``library``, then call the API twice on the same client."""
    if library == "requests":
        conn.refresh()
        return [conn.session.get(api, timeout=10).status_code for _ in range(2)]
    if library == "httpx":
        with conn.client() as client:
            return [client.get(api, timeout=10).status_code for _ in range(2)]  # the first refreshes

    async def main() -> list[int]:
        async with conn.async_client() as client:
            return [(await client.get(api, timeout=10)).status_code for _ in range(2)]

    return asyncio.run(main())


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("adapter", SHIPPED)
def test_refresh_then_the_same_keep_alive_connection_serves_the_next_request(
    strict: tuple[StrictServer, MiniProvider], adapter: str, library: str
) -> None:
    server, provider = strict
    conn = _connect(adapter, server, provider, refresh_token="seed-refresh-token")
    try:
        statuses = _refresh_then_call(conn, library, server.origin + "/api")
    finally:
        conn.close()
    (refresh,) = _token_requests(server)
    assert refresh.status == 200, refresh
    assert statuses == [200, 200]
    calls = server.requests_to("/api")
    # The refresh and both API calls on one keep-alive connection: nothing stray was left on it.
    assert {refresh.connection} == {c.connection for c in calls}
    if refresh.method in ("GET", "HEAD"):
        assert not {"content-length", "transfer-encoding"} & set(refresh.headers)
    else:
        assert refresh.headers["content-length"] == str(len(refresh.body))
    for call in calls:
        assert not {"content-length", "transfer-encoding"} & set(call.headers)
    if adapter == "oidc":
        (discovery,) = server.requests_to("/.well-known/openid-configuration")
        assert discovery.status == 200 and discovery.method == "GET"
        assert not {"content-length", "transfer-encoding"} & set(discovery.headers)


@pytest.mark.parametrize("adapter", WITH_AUTHORIZE)
def test_code_exchange_through_the_strict_server(
    strict: tuple[StrictServer, MiniProvider], adapter: str
) -> None:
    server, provider = strict
    conn = _connect(adapter, server, provider)
    try:
        pending = conn.authorize(listen=False)
        token = conn.authorize(f"{pending.redirect_uri}?code=strict-code&state={pending.state}")
        (exchange,) = _token_requests(server)
        assert exchange.status == 200, exchange
        assert "strict-code" in exchange.params().values()
        if exchange.method == "GET":  # parqex: every parameter in the query string, no body
            assert not {"content-length", "transfer-encoding"} & set(exchange.headers)
        assert conn.store.load(conn.key).token.access_token == token.access_token
        # The tokens work, and a refresh after the exchange is accepted too.
        assert conn.session.get(server.origin + "/api", timeout=10).status_code == 200
        conn.refresh()
        assert conn.session.get(server.origin + "/api", timeout=10).status_code == 200
    finally:
        conn.close()
    assert all(s.status == 200 for s in server.all if s.path != "/.well-known/openid-configuration")


@pytest.mark.parametrize("adapter", WITH_LOGIN)
def test_login_through_the_strict_server(strict: tuple[StrictServer, MiniProvider], adapter: str) -> None:
    server, provider = strict
    conn = _connect(adapter, server, provider)
    try:
        conn.login(email="ada@example.com", password="analytical-engine")
        (login,) = _token_requests(server)
        assert login.status == 200 and login.method == "POST"
        assert login.headers["content-length"] == str(len(login.body))
        assert conn.session.get(server.origin + "/api", timeout=10).status_code == 200
        with conn.client() as client:  # a refresh through httpx on the same server, then a call
            conn.refresh()
            assert client.get(server.origin + "/api", timeout=10).status_code == 200
    finally:
        conn.close()
    assert all(s.status == 200 for s in server.all)
