"""The standard adapters (``oauth2``, ``oidc``) against two authorization servers this project did
not write, started on 127.0.0.1 from their PyPI packages: Authlib's Flask authorization server
and django-oauth-toolkit, both with refresh-token rotation on.

Each server issues the first refresh token through its own password grant (standing in for the
user's authorization); everything after that goes through oauthkit: repeated refreshes, expiry
driven refreshes and protected calls through ``conn.session``, and the server's refusal of a
rotated-out refresh token.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
import requests
from conftest import STANDARD_LIFETIME, Server, _post

import oauthkit

LIFETIME = STANDARD_LIFETIME  # the servers' access-token lifetime (conftest.py starts them)
pytestmark = pytest.mark.timeout(120)


SERVER_FIXTURES = ["authlib_server", "dot_server"]


def _connect(server: Server, adapter: str, method: str, **extra: Any) -> tuple[oauthkit.Connection, str]:
    client_id, secret = server.clients[method]
    seed = server.authorize(client_id, secret, method)
    settings: dict[str, Any] = {"client_id": client_id, "refresh_token": seed, **extra}
    if secret:
        settings["client_secret"] = secret
    if adapter == "oauth2":
        settings.update(token_url=server.token_url, auth_method=method)
    else:
        settings.update(issuer=server.issuer)
    conn = oauthkit.connect(adapter, store=f"memory://{uuid.uuid4().hex}", **settings)
    return conn, seed


def _refuses(server: Server, method: str, refresh_token: str) -> bool:
    """Does the server refuse this refresh token (invalid_grant)? Asked directly, not via oauthkit."""
    client_id, secret = server.clients[method]
    answer = _post(
        server.token_url,
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
        client_id,
        secret,
        method,
    )
    return answer.status_code == 400 and answer.json().get("error") == "invalid_grant"


@pytest.mark.parametrize("server_name", SERVER_FIXTURES)
@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post", "none"])
def test_oauth2_refreshes_repeatedly_with_rotation(
    request: pytest.FixtureRequest, server_name: str, method: str
) -> None:
    server: Server = request.getfixturevalue(server_name)
    conn, seed = _connect(server, "oauth2", method)
    seen = [seed]
    try:
        for _ in range(4):
            token = conn.refresh()
            assert token.refresh_token is not None and token.refresh_token not in seen  # rotated
            seen.append(token.refresh_token)
            assert token.lifetime == pytest.approx(LIFETIME, abs=0.5)
            answer = conn.session.get(server.api_url, timeout=10)
            assert answer.status_code == 200, answer.text
            assert answer.json()["user"] in ("ada", "grace")
    finally:
        conn.close()
    history = conn.history()
    assert list(history["outcome"]) == ["ok"] * 4 and history["rotated"].all()
    # Rotation is really on at the server: every rotated-out refresh token is dead.
    assert all(_refuses(server, method, old) for old in seen[:-1])


@pytest.mark.parametrize("server_name", SERVER_FIXTURES)
def test_oidc_discovers_the_endpoint_and_refreshes_on_expiry(
    request: pytest.FixtureRequest, server_name: str
) -> None:
    server: Server = request.getfixturevalue(server_name)
    conn, _ = _connect(server, "oidc", "client_secret_basic")
    try:
        # Discovery chose client_secret_basic (both servers list it) and the server's token endpoint.
        assert conn.bridge.token_url == server.token_url and conn.bridge.auth == "basic"
        calls = 0
        deadline = time.monotonic() + 2 * LIFETIME + 1
        while time.monotonic() < deadline:  # the session refreshes by itself as tokens expire
            answer = conn.session.get(server.api_url, timeout=10)
            assert answer.status_code == 200, answer.text
            calls += 1
            time.sleep(0.25)
    finally:
        conn.close()
    history = conn.history()
    assert calls >= 10
    assert len(history) >= 3 and set(history["outcome"]) == {"ok"} and history["rotated"].all()
    assert {"expired", "proactive"} & set(history["trigger"])  # not only the first, seeded refresh


def test_a_rotated_out_refresh_token_is_invalid_grant(dot_server: Server) -> None:
    conn, seed = _connect(dot_server, "oauth2", "client_secret_basic")
    conn.refresh()
    conn.close()
    # Another connection (another machine, an old .env) still holds the first refresh token.
    stale = oauthkit.connect(
        "oauth2",
        store=f"memory://{uuid.uuid4().hex}",
        token_url=dot_server.token_url,
        client_id=dot_server.clients["client_secret_basic"][0],
        client_secret=dot_server.clients["client_secret_basic"][1],
        refresh_token=seed,
    )
    with pytest.raises(oauthkit.InvalidGrant, match="authorize again"):
        stale.refresh()
    stale.close()


def test_dot_returns_an_id_token_on_refresh_with_openid(dot_server: Server) -> None:
    conn, _ = _connect(dot_server, "oidc", "client_secret_basic")
    token = conn.refresh()
    conn.close()
    assert token.scope is not None and "openid" in token.scope.split()
    assert token.id_token and token.id_token.count(".") == 2  # a JWT from the server


def test_discovery_is_fetched_once_per_issuer(authlib_server: Server) -> None:
    before = requests.get(authlib_server.url + "/stats", timeout=10).json()["discoveries"]
    for _ in range(3):
        conn, _ = _connect(authlib_server, "oidc", "client_secret_post", auth_method="client_secret_post")
        assert conn.bridge.auth == "body"  # the user's choice, checked against the document
        conn.close()
    after = requests.get(authlib_server.url + "/stats", timeout=10).json()["discoveries"]
    assert after - before <= 1 and after == 1


def test_failed_discovery_is_a_typed_error_naming_the_issuer(authlib_server: Server) -> None:
    with pytest.raises(oauthkit.ConfigError, match=r"issuer 'http://127\.0\.0\.1:\d+/nowhere'"):
        oauthkit.connect(
            "oidc",
            store="memory://",
            issuer=authlib_server.url + "/nowhere",
            client_id="x",
            refresh_token="r",
        )
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    with pytest.raises(oauthkit.TransportError, match="issuer"):
        oauthkit.connect("oidc", store="memory://", issuer=closed, client_id="x", refresh_token="r")
    with pytest.raises(oauthkit.ConfigError, match=r"plain http to example\.com"):
        oauthkit.connect(
            "oidc", store="memory://", issuer="http://example.com", client_id="x", refresh_token="r"
        )


def test_an_unsupported_auth_method_is_refused(dot_server: Server) -> None:
    with pytest.raises(oauthkit.ConfigError, match="it supports: client_secret_post, client_secret_basic"):
        _connect(dot_server, "oidc", "client_secret_basic", auth_method="none")


def test_auth_method_settings_are_checked_before_any_request() -> None:
    common = {
        "token_url": "http://127.0.0.1:9/token",
        "client_id": "x",
        "refresh_token": "r",
        "store": "memory://",
    }
    with pytest.raises(oauthkit.ConfigError, match=r"needs a client secret.*OAUTH2_AUTH_METHOD=none"):
        oauthkit.connect("oauth2", **common)  # client_secret_basic by default, and no secret
    with pytest.raises(oauthkit.ConfigError, match="unknown client auth method 'private_key_jwt'"):
        oauthkit.connect("oauth2", auth_method="private_key_jwt", client_secret="s", **common)
    conn = oauthkit.connect("oauth2", auth_method="none", **common)
    assert conn.bridge.auth == "public"  # RFC 8414 "none": the client_id alone, in the body
    conn.close()


@pytest.mark.parametrize("method", ["client_secret_post", "none"])
def test_oauth2_given_an_issuer_discovers_rfc_8414_metadata(authlib_server: Server, method: str) -> None:
    """The standard adapter with ``issuer`` instead of ``token_url``: the endpoint comes from
    Authlib's server at /.well-known/oauth-authorization-server, the client auth from its list."""
    client_id, secret = authlib_server.clients[method]
    seed = authlib_server.authorize(client_id, secret, method)
    settings: dict[str, Any] = {"client_id": client_id, "refresh_token": seed, "auth_method": method}
    if secret:
        settings["client_secret"] = secret
    conn = oauthkit.connect(
        "oauth2", store=f"memory://{uuid.uuid4().hex}", issuer=authlib_server.issuer, **settings
    )
    try:
        assert conn.bridge.token_url == authlib_server.token_url
        token = conn.refresh()
        assert token.refresh_token not in (None, seed)
        assert conn.session.get(authlib_server.api_url, timeout=10).status_code == 200
    finally:
        conn.close()
    # Without an issuer and without token_url, the error names both ways out.
    with pytest.raises(oauthkit.ConfigError, match="token_url") as info:
        oauthkit.connect("oauth2", store="memory://no-url", client_id="x", refresh_token="y")
    assert "OAUTH2_TOKEN_URL" in str(info.value.hint) and "OAUTH2_ISSUER" in str(info.value.hint)
