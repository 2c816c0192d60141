"""Who the issuer is: discovery from an issuer written with a trailing slash (OpenID Connect
Discovery 1.0 section 4.1), and RFC 9207's ``iss`` in authorization responses.

Against real servers: the sandbox's Auth0 emulator (whose issuer ends in "/", as Auth0's does)
and Authlib's authorization server (``tests/servers/authlib_server.py``), once as is and once
with ``--iss``: it then names itself in every authorization response and says so in its metadata
(``authorization_response_iss_parameter_supported``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
import requests
from conftest import STANDARD_LIFETIME, Server, _start, _stop
from servers.strict_server import serve_provider

import oauthkit
import oauthkit.sandbox as sb

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def iss_server() -> Iterator[Server]:
    """Authlib's server with RFC 9207 on."""
    proc, info = _start("authlib_server.py", str(STANDARD_LIFETIME), "--iss")
    url = f"http://127.0.0.1:{info['port']}"
    clients = {c["auth_method"]: (cid, c["secret"]) for cid, c in info["clients"].items()}
    try:
        yield Server(
            url=url,
            token_url=url + "/oauth/token",
            issuer=url,
            api_url=url + "/api/me",
            clients=clients,
            authorize=lambda *_: "",
            authorize_url=url + "/oauth/authorize",
            code_clients=clients,
            api_scope="profile",
        )
    finally:
        _stop(proc)


def _oidc(server: Server, issuer: str | None = None) -> oauthkit.Connection:
    client_id, secret = server.code_clients["client_secret_basic"]
    return oauthkit.connect(
        "oidc",
        store=f"memory://{uuid.uuid4().hex}",
        issuer=issuer or server.issuer,
        client_id=client_id,
        client_secret=secret,
    )


def _approve(conn: oauthkit.Connection) -> str:
    """The test user approves at the real server: the address the browser is sent back to."""
    pending = conn.authorize(listen=False, scope="openid profile")
    assert isinstance(pending, oauthkit.authorize.AuthorizationRequest)
    answer = requests.get(pending.url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:300]
    return str(answer.headers["Location"])


def _with_iss(url: str, iss: str | None) -> str:
    """The same redirect with its ``iss`` replaced (or removed, for None)."""
    parts = urlsplit(url)
    params = [(k, v) for k, v in parse_qsl(parts.query) if k != "iss"]
    if iss is not None:
        params.append(("iss", iss))
    return urlunsplit(parts._replace(query=urlencode(params)))


def _exchanges(server: Server) -> int:
    return int(requests.get(server.url + "/stats", timeout=10).json()["code_exchanges"])


# ---- a trailing slash -----------------------------------------------------------------------
def test_an_issuer_with_a_trailing_slash_discovers_at_the_well_known_path() -> None:
    with sb.serve("auth0") as p:
        issuer = p.base_url + "/"  # as Auth0 writes it (and as the emulator's document names it)
        conn = oauthkit.connect(
            "oidc",
            store=f"memory://{uuid.uuid4().hex}",
            issuer=issuer,
            client_id=p.client_id,
            client_secret=p.client_secret,
            refresh_token=p.settings["refresh_token"],
        )
        try:
            token = conn.refresh()
        finally:
            conn.close()
        discovery = [r for r in p.requests if "well-known" in r.path]
        assert [(r.path, r.status) for r in discovery] == [("/.well-known/openid-configuration", 200)]
        assert token.access_token and conn.bridge.token_url == p.token_url


def test_the_well_known_path_goes_on_the_wire_without_a_double_slash() -> None:
    """The sandbox and Werkzeug forgive "//.well-known" (http.server collapses leading slashes);
    a server that reads the target as sent, like the strict one, answers another path."""
    server, provider = serve_provider()
    provider.issuer_suffix = "/"
    try:
        conn = oauthkit.connect(
            "oidc",
            store=f"memory://{uuid.uuid4().hex}",
            issuer=server.origin + "/",
            client_id="c",
            client_secret="s",
            refresh_token="seed",
        )
        conn.refresh()
        conn.close()
        (discovery,) = [s for s in server.all if s.method == "GET"]
        assert (discovery.target, discovery.status) == ("/.well-known/openid-configuration", 200)
    finally:
        server.close()


def test_a_trailing_slash_on_an_issuer_whose_document_has_none(authlib_server: Server) -> None:
    conn = _oidc(authlib_server, issuer=authlib_server.issuer + "/")
    try:
        assert conn.bridge.token_url == authlib_server.token_url
        assert isinstance(conn.authorize(_approve(conn)), oauthkit.Token)
    finally:
        conn.close()


# ---- RFC 9207 ----------------------------------------------------------------------------------
def test_the_issuers_own_iss_is_accepted(iss_server: Server) -> None:
    conn = _oidc(iss_server)
    try:
        redirected = _approve(conn)
        assert dict(parse_qsl(urlsplit(redirected).query))["iss"] == iss_server.issuer
        token = conn.authorize(redirected)
        assert conn.store.load(conn.key).token.access_token == token.access_token
    finally:
        conn.close()


@pytest.mark.parametrize(
    "iss",
    [
        "http://127.0.0.1:1",  # another issuer: the mix-up attack RFC 9207 stops
        "ISSUER/",  # the issuer with a trailing slash: not the same string (section 2.4)
        "HTTP://127.0.0.1:PORT",  # nor with another case
        None,  # no iss at all, from a server whose metadata promises one
    ],
)
def test_a_wrong_or_missing_iss_is_refused_before_the_code_is_used(
    iss_server: Server, iss: str | None
) -> None:
    conn = _oidc(iss_server)
    port = str(urlsplit(iss_server.url).port)
    wrong = None if iss is None else iss.replace("ISSUER", iss_server.issuer).replace("PORT", port)
    try:
        redirected = _with_iss(_approve(conn), wrong)
        before = _exchanges(iss_server)
        with pytest.raises(oauthkit.AuthorizationError) as caught:
            conn.authorize(redirected)
        assert caught.value.reason == "issuer_mismatch"
        assert "RFC 9207" in str(caught.value) and iss_server.issuer in str(caught.value)
        assert _exchanges(iss_server) == before  # the code was never sent
        assert conn.store.load(conn.key) is None and conn.token is None
        assert conn.history()["error"].tolist() == []  # refused before any request: nothing logged
    finally:
        conn.close()


def test_an_error_answer_from_another_issuer_is_a_mix_up_too(iss_server: Server) -> None:
    conn = _oidc(iss_server)
    try:
        pending = conn.authorize(listen=False)
        assert isinstance(pending, oauthkit.authorize.AuthorizationRequest)
        forged = f"{pending.redirect_uri}?error=access_denied&state={pending.state}&iss=https://evil.example"
        with pytest.raises(oauthkit.AuthorizationError) as caught:
            conn.authorize(forged)
        assert caught.value.reason == "issuer_mismatch"
    finally:
        conn.close()


def test_without_server_support_iss_is_optional_but_checked_when_present(authlib_server: Server) -> None:
    conn = _oidc(authlib_server)
    try:
        redirected = _approve(conn)
        assert "iss" not in dict(parse_qsl(urlsplit(redirected).query))
        assert isinstance(conn.authorize(redirected), oauthkit.Token)  # none sent, none needed
        with pytest.raises(oauthkit.AuthorizationError) as caught:
            conn.authorize(_with_iss(_approve(conn), "https://evil.example"))
        assert caught.value.reason == "issuer_mismatch"
        token = conn.authorize(_with_iss(_approve(conn), authlib_server.issuer))  # the right one
        assert isinstance(token, oauthkit.Token)
    finally:
        conn.close()


def test_adapters_without_a_known_issuer_ignore_iss() -> None:
    with sb.serve("auth0") as p:
        conn = oauthkit.connect("auth0", store=f"memory://{uuid.uuid4().hex}", **p.client_settings)
        try:
            pending = conn.authorize(listen=False)
            assert isinstance(pending, oauthkit.authorize.AuthorizationRequest)
            location = requests.get(pending.url, allow_redirects=False, timeout=10).headers["Location"]
            token: Any = conn.authorize(_with_iss(location, "https://whoever.example"))
            assert isinstance(token, oauthkit.Token)
        finally:
            conn.close()
