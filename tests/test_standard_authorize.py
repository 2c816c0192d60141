"""``conn.authorize()`` with the standard adapters (``oauth2``, ``oidc``) against Authlib's
authorization server and django-oauth-toolkit, started on 127.0.0.1 (``conftest.py``).

No refresh token is configured: the first tokens come from the authorization code grant with
state and PKCE, the redirect reaching oauthkit's one-shot loopback server (or pasted back), and
everything after that (refresh, protected calls through ``conn.session``) is the servers' own
answer over HTTP. The test user approves at once (``tests/servers/``: no login page, no consent).
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from conftest import Server

import oauthkit
from oauthkit.authorize import AuthorizationRequest, complete
from oauthkit.sandbox.authorization import s256

pytestmark = pytest.mark.timeout(120)

SERVER_FIXTURES = ["authlib_server", "dot_server"]
ADAPTERS = ["oauth2", "oidc"]


def _connect(
    server: Server, adapter: str, method: str = "client_secret_basic", name: str = "default", **extra: Any
) -> oauthkit.Connection:
    """A connection with the client settings only: no refresh token anywhere."""
    client_id, secret = server.code_clients[method]
    settings: dict[str, Any] = {"client_id": client_id}
    if secret:
        settings["client_secret"] = secret
    if adapter == "oauth2":
        settings.update(token_url=server.token_url, auth_method=method, authorize_url=server.authorize_url)
    else:  # the token and authorization endpoints, and the client auth, from discovery
        settings.update(issuer=server.issuer)
    settings.update(extra)  # None: not set
    return oauthkit.connect(adapter, name, store=f"memory://{uuid.uuid4().hex}", **settings)


def _scope(server: Server, adapter: str) -> str:
    """What the protected API needs; OpenID Connect requests must contain openid."""
    return f"openid {server.api_scope}" if adapter == "oidc" else server.api_scope


def _query(url: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlsplit(url).query).items()}


def browse(url: str) -> str:
    """The test user opens the link and approves: the address the browser is sent back to."""
    answer = requests.get(url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]


class Browser:
    """The user's browser for the loopback path: opens the link and follows every redirect, the
    last one to oauthkit's one-shot server (which serves on its own thread)."""

    def __init__(self) -> None:
        self.opened: list[str] = []
        self.pages: list[requests.Response] = []

    def __call__(self, url: str) -> None:
        self.opened.append(url)
        self.pages.append(requests.get(url, allow_redirects=True, timeout=10))


def _stored(conn: oauthkit.Connection) -> Any:
    return conn.store.load(conn.key)


def _check_request(server: Server, adapter: str, url: str, client_id: str) -> dict[str, str]:
    asked = _query(url)
    # oauth2: the authorize_url setting; oidc: the discovered authorization_endpoint.
    assert url.startswith(server.authorize_url + "?")
    assert asked["response_type"] == "code" and asked["client_id"] == client_id
    assert len(asked["state"]) >= 32
    assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) == 43
    return asked


@pytest.mark.parametrize("adapter", ADAPTERS)
@pytest.mark.parametrize("server_name", SERVER_FIXTURES)
def test_authorize_on_the_loopback_then_refresh_and_call_the_api(
    request: pytest.FixtureRequest, server_name: str, adapter: str
) -> None:
    server: Server = request.getfixturevalue(server_name)
    conn = _connect(server, adapter)
    try:
        assert conn.token is None and _stored(conn) is None
        browser = Browser()
        token = conn.authorize(open_browser=browser, scope=_scope(server, adapter), timeout=30)
        assert isinstance(token, oauthkit.Token)
        assert [page.status_code for page in browser.pages] == [200]
        assert "close this tab" in browser.pages[0].text  # the last redirect reached oauthkit
        (url,) = browser.opened
        asked = _check_request(server, adapter, url, server.code_clients["client_secret_basic"][0])
        assert asked["redirect_uri"].startswith("http://127.0.0.1:")
        assert asked["scope"].split() == _scope(server, adapter).split()

        record = _stored(conn)
        assert record.token.access_token == token.access_token
        assert record.refresh_token == token.refresh_token is not None
        if adapter == "oidc" and server_name == "dot_server":  # an OpenID provider: an id_token
            assert token.id_token and token.id_token.count(".") == 2

        refreshed = conn.refresh()
        assert refreshed.access_token != token.access_token
        assert refreshed.refresh_token not in (None, token.refresh_token)  # both servers rotate
        answer = conn.session.get(server.api_url, timeout=10)
        assert answer.status_code == 200, answer.text
        assert answer.json()["user"] in ("ada", "grace")
        history = conn.history()
        assert history["trigger"].tolist()[:2] == ["authorize", "manual"]
        assert set(history["outcome"]) == {"ok"}
    finally:
        conn.close()


@pytest.mark.parametrize("adapter", ADAPTERS)
@pytest.mark.parametrize("server_name", SERVER_FIXTURES)
def test_paste_back_with_the_adapters_default_scope(
    request: pytest.FixtureRequest, server_name: str, adapter: str
) -> None:
    server: Server = request.getfixturevalue(server_name)
    conn = _connect(server, adapter)
    try:
        pending = conn.authorize(listen=False)
        assert isinstance(pending, AuthorizationRequest)
        asked = _check_request(server, adapter, pending.url, server.code_clients["client_secret_basic"][0])
        assert asked["redirect_uri"] == "http://127.0.0.1/callback"  # nothing listens: paste-back
        # oauth2 asks for no scope (the server's default); oidc for openid alone.
        assert asked.get("scope") == (None if adapter == "oauth2" else "openid")
        location = browse(pending.url)
        assert location.startswith("http://127.0.0.1/callback?")
        token = conn.authorize(location)
        assert isinstance(token, oauthkit.Token) and token.refresh_token
        assert _stored(conn).token.access_token == token.access_token
        if adapter == "oidc" and server_name == "dot_server":  # Authlib's server knows no openid
            assert token.scope == "openid" and token.id_token
        assert conn.refresh().access_token != token.access_token
        if adapter == "oauth2":  # both servers' default scope is the API's
            assert conn.session.get(server.api_url, timeout=10).status_code == 200
    finally:
        conn.close()


@pytest.mark.parametrize("server_name", SERVER_FIXTURES)
def test_a_public_client_authorizes_with_pkce_alone(request: pytest.FixtureRequest, server_name: str) -> None:
    server: Server = request.getfixturevalue(server_name)
    conn = _connect(server, "oauth2", method="none")  # no secret: the verifier proves the client
    try:
        browser = Browser()
        token = conn.authorize(open_browser=browser, scope=server.api_scope, timeout=30)
        assert isinstance(token, oauthkit.Token) and token.refresh_token
        _check_request(server, "oauth2", browser.opened[0], server.code_clients["none"][0])
        assert conn.refresh().refresh_token != token.refresh_token
        assert conn.session.get(server.api_url, timeout=10).status_code == 200
    finally:
        conn.close()


@pytest.mark.parametrize("server_name", SERVER_FIXTURES)
def test_the_server_checks_the_pkce_verifier(request: pytest.FixtureRequest, server_name: str) -> None:
    server: Server = request.getfixturevalue(server_name)
    conn = _connect(server, "oauth2")
    try:
        pending = conn.authorize(listen=False)
        assert isinstance(pending, AuthorizationRequest) and pending.code_verifier
        assert s256(pending.code_verifier) == _query(pending.url)["code_challenge"]
        location = browse(pending.url)
        # The genuine answer, exchanged with another verifier: the server refuses the code.
        forged = dataclasses.replace(pending, code_verifier="x" * 64)
        with pytest.raises(oauthkit.AuthorizationError) as info:
            complete(conn, forged, location)
        assert info.value.reason == "invalid_grant"  # RFC 7636 section 4.6
        assert conn.token is None and _stored(conn) is None
    finally:
        conn.close()


@pytest.mark.parametrize("adapter", ADAPTERS)
@pytest.mark.parametrize("server_name", SERVER_FIXTURES)
def test_a_wrong_state_is_refused_and_nothing_is_stored(
    request: pytest.FixtureRequest, server_name: str, adapter: str
) -> None:
    server: Server = request.getfixturevalue(server_name)
    conn = _connect(server, adapter)
    try:
        pending = conn.authorize(listen=False, scope=_scope(server, adapter))
        assert isinstance(pending, AuthorizationRequest)
        location = browse(pending.url)
        state = _query(location)["state"]
        assert state == pending.state  # the server echoes it back
        with pytest.raises(oauthkit.AuthorizationError, match="state does not match") as info:
            conn.authorize(location.replace(state, "forged-by-someone-else"))
        assert info.value.reason == "state_mismatch"
        assert conn.token is None and _stored(conn) is None and conn.history().empty
        # Refused before the code was sent: it is unspent, and the genuine answer still works.
        assert isinstance(conn.authorize(location), oauthkit.Token)
        assert conn.session.get(server.api_url, timeout=10).status_code == 200
    finally:
        conn.close()


def test_oauth2_without_authorize_url_names_the_setting(authlib_server: Server) -> None:
    conn = _connect(authlib_server, "oauth2", authorize_url=None)
    try:
        for listen in (False, True):
            with pytest.raises(oauthkit.ConfigError, match="OAUTH2_AUTHORIZE_URL") as info:
                conn.authorize(listen=listen, timeout=1)
            assert "authorize_url" in str(info.value)
        conn_named = _connect(authlib_server, "oauth2", authorize_url=None, name="work")
        with pytest.raises(oauthkit.ConfigError, match="OAUTH2_WORK_AUTHORIZE_URL"):
            conn_named.authorize(listen=False)
        conn_named.close()
        assert conn.token is None and conn.history().empty
    finally:
        conn.close()


def test_oidc_uses_the_discovered_authorization_endpoint_unless_set(dot_server: Server) -> None:
    conn = _connect(dot_server, "oidc")
    try:
        assert conn.bridge.settings["authorization_endpoint"] == dot_server.authorize_url
    finally:
        conn.close()
    elsewhere = dot_server.url + "/elsewhere/authorize"
    conn = _connect(dot_server, "oidc", authorization_endpoint=elsewhere)
    try:
        pending = conn.authorize(listen=False)
        assert isinstance(pending, AuthorizationRequest) and pending.url.startswith(elsewhere + "?")
    finally:
        conn.close()
