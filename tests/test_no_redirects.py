"""Secrets go only where the adapter says: a token endpoint (or a login, code-exchange or discovery
endpoint) that answers with a redirect is never followed, in requests, httpx and async httpx,
even on a client the user told to follow redirects.

Two real servers on 127.0.0.1: the endpoint answers 302/307/308 with a Location on the second
one, which would answer like a token endpoint; it must receive nothing at all.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from servers.strict_server import MiniProvider, Reply, Seen, StrictServer

import oauthkit

pytestmark = pytest.mark.timeout(60)

SECRET = "the-client-secret-0123"
SEED = "the-seed-refresh-token-4567"
LIBRARIES = ["requests", "httpx", "async_httpx"]


class Servers:
    def __init__(self, status: int, location: str) -> None:
        self.elsewhere = StrictServer(MiniProvider())  # would hand out tokens, given the chance
        target = location.replace("ELSEWHERE", self.elsewhere.origin)
        self.status = status
        self.endpoint = StrictServer(lambda _seen: Reply(status, b"", {"Location": target}))
        self.host = f"127.0.0.1:{self.elsewhere.port}"

    def close(self) -> None:
        self.endpoint.close()
        self.elsewhere.close()

    def nothing_went_elsewhere(self) -> bool:
        return self.elsewhere.all == []


@pytest.fixture(params=[302, 307, 308])
def servers(request: pytest.FixtureRequest) -> Iterator[Servers]:
    # The Location carries a query that may hold secrets: it must never be shown.
    pair = Servers(request.param, "ELSEWHERE/oauth/token?session=location-query-secret")
    try:
        yield pair
    finally:
        pair.close()


def _oauth2(servers: Servers, **extra: Any) -> oauthkit.Connection:
    return oauthkit.connect(
        "oauth2",
        store=f"memory://{uuid.uuid4().hex}",
        token_url=servers.endpoint.origin + "/oauth/token",
        authorize_url=servers.endpoint.origin + "/authorize",
        client_id="redirect-client",
        client_secret=SECRET,
        **extra,
    )


def _refresh_through(conn: oauthkit.Connection, library: str, api: str) -> None:
    if library == "requests":
        conn.refresh()
    elif library == "httpx":
        with conn.client(follow_redirects=True) as client:  # the user's choice for API calls only
            client.get(api, timeout=10)
    else:

        async def main() -> None:
            async with conn.async_client(follow_redirects=True) as client:
                await client.get(api, timeout=10)

        asyncio.run(main())


def _check_message(error: oauthkit.OAuthKitError, servers: Servers) -> None:
    text = str(error)
    assert error.status == servers.status and f"(HTTP {servers.status})" in text
    assert servers.host in text  # where it pointed: host and port only
    for secret in ("location-query-secret", "/oauth/token?", SECRET, SEED):
        assert secret not in text


@pytest.mark.parametrize("library", LIBRARIES)
def test_a_redirected_refresh_is_a_refresh_error_and_nothing_is_sent_elsewhere(
    servers: Servers, library: str
) -> None:
    conn = _oauth2(servers, refresh_token=SEED)
    try:
        with pytest.raises(oauthkit.RefreshError) as caught:
            _refresh_through(conn, library, servers.elsewhere.origin + "/api")
    finally:
        conn.close()
    assert type(caught.value) is oauthkit.RefreshError  # a refusal: never retried
    _check_message(caught.value, servers)
    assert "redirect" in str(caught.value)
    assert servers.nothing_went_elsewhere()
    assert len(servers.endpoint.all) == 1  # one attempt
    stored = conn.store.load(conn.key)
    assert stored is not None and stored.refresh_token == SEED and stored.token is None
    assert conn.history()["http_status"].tolist() == [servers.status]


def test_a_relative_redirect_names_the_same_host() -> None:
    pair = Servers(302, "/elsewhere?session=location-query-secret")
    try:
        conn = _oauth2(pair, refresh_token=SEED)
        with pytest.raises(oauthkit.RefreshError, match="another path on the same host") as caught:
            conn.refresh()
        conn.close()
        assert "location-query-secret" not in str(caught.value)
        assert [s.path for s in pair.endpoint.all] == ["/oauth/token"]  # not followed on the same host either
    finally:
        pair.close()


def test_a_redirected_code_exchange_is_an_authorization_error(servers: Servers) -> None:
    conn = _oauth2(servers)
    try:
        pending = conn.authorize(listen=False)
        assert isinstance(pending, oauthkit.authorize.AuthorizationRequest)
        with pytest.raises(oauthkit.AuthorizationError) as caught:
            conn.authorize(f"{pending.redirect_uri}?code=the-code-890&state={pending.state}")
    finally:
        conn.close()
    assert caught.value.reason == "redirected"
    _check_message(caught.value, servers)
    assert "the-code-890" not in str(caught.value)
    assert servers.nothing_went_elsewhere()
    assert conn.store.load(conn.key) is None


def test_a_redirected_login_is_an_authorization_error(servers: Servers) -> None:
    conn = oauthkit.connect(
        "xerial", store=f"memory://{uuid.uuid4().hex}", base_url=servers.endpoint.origin + "/v1"
    )
    try:
        with pytest.raises(oauthkit.AuthorizationError) as caught:
            conn.login(email="ada@example.com", password="the-password-321")
    finally:
        conn.close()
    assert caught.value.reason == "redirected" and "login endpoint" in str(caught.value)
    _check_message(caught.value, servers)
    assert "the-password-321" not in str(caught.value)
    assert servers.nothing_went_elsewhere()
    assert conn.store.load(conn.key) is None


def test_a_redirected_discovery_is_a_config_error(servers: Servers) -> None:
    with pytest.raises(oauthkit.ConfigError) as caught:
        oauthkit.connect(
            "oidc",
            store=f"memory://{uuid.uuid4().hex}",
            issuer=servers.endpoint.origin,
            client_id="c",
            client_secret=SECRET,
            refresh_token=SEED,
        )
    _check_message(caught.value, servers)
    assert "OIDC_ISSUER" in str(caught.value)
    assert servers.nothing_went_elsewhere()
    seen: list[Seen] = servers.endpoint.all
    assert [s.target for s in seen] == ["/.well-known/openid-configuration"]
