"""The device authorization grant (RFC 8628) and revocation (RFC 7009) through the standard
adapters (``oauth2``, ``oidc``) against two authorization servers this project did not write:
Authlib's Flask authorization server and django-oauth-toolkit (tests/servers/, started by
conftest.py), both with refresh-token rotation on.

Each flow runs end to end: ``conn.authorize(flow="device", wait=False)``, the user's decision
through the server's own mechanism (django-oauth-toolkit's verification pages; for Authlib, which
has no verification page, the test server's approve route), the first tokens, a rotating
refresh, ``conn.revoke()``, and the server asked directly (not through oauthkit) whether it still
takes the revoked refresh token.

What the servers support, and so what is parametrized:
- Authlib (1.6.0 and later, the oldest this project supports): device flow and revocation with
  client_secret_basic, client_secret_post and none; its metadata lists both endpoints, so
  ``issuer`` alone suffices for both adapters.
- django-oauth-toolkit (device flow since 3.0, revocation for long): client_secret_post and none
  only at the device endpoint (oauthlib answers a client authenticated by HTTP Basic alone
  "Missing client_id parameter", although RFC 8628 section 3.1 requires client_id only of a
  client that does not authenticate; pinned by a test below). Its RFC 8414 metadata lists the
  revocation endpoint but not the device authorization endpoint, its OpenID discovery neither, and
  the latter lists no "none", so those URLs are set, and ``oidc`` runs with client_secret_post
  only.
The ``oidc`` adapter's device section asks for "openid offline_access" by default: Authlib's
server grants neither (a token without the scope its API wants), django-oauth-toolkit refuses
offline_access (invalid_scope); so ``oidc`` asks for "openid" and the scope of the server's API.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urljoin

import pytest
import requests
from conftest import Server, _post

import oauthkit
from oauthkit.first_tokens import DeviceCode

pytestmark = pytest.mark.timeout(120)

PATHS = {  # the device authorization and revocation endpoints, under server.url
    "authlib_server": ("/oauth/device/code", "/oauth/revoke"),
    "dot_server": ("/o/device-authorization/", "/o/revoke_token/"),
}

# (server, how the connection finds the endpoints, client auth method)
CASES = [
    *(("authlib_server", "urls", m) for m in ("client_secret_basic", "client_secret_post", "none")),
    ("authlib_server", "issuer", "client_secret_basic"),
    ("authlib_server", "issuer", "none"),
    ("authlib_server", "oidc", "client_secret_basic"),  # the method discovery picks with a secret
    ("authlib_server", "oidc", "none"),  # and without one
    *(("dot_server", "urls", m) for m in ("client_secret_post", "none")),
    ("dot_server", "issuer", "client_secret_post"),
    ("dot_server", "oidc", "client_secret_post"),
]


def _connect(server_name: str, server: Server, how: str, method: str) -> oauthkit.Connection:
    """A connection for the server's device client: ``urls`` (oauth2 with every URL set),
    ``issuer`` (oauth2 with RFC 8414 discovery) or ``oidc`` (OpenID discovery)."""
    client_id, secret = server.device_clients[method]
    device_path, revoke_path = PATHS[server_name]
    settings: dict[str, Any] = {"client_id": client_id}
    if secret:
        settings["client_secret"] = secret
    dot = server_name == "dot_server"
    if how == "urls":
        adapter = "oauth2"
        settings.update(
            token_url=server.token_url,
            device_authorization_url=server.url + device_path,
            revocation_url=server.url + revoke_path,
            auth_method=method,
        )
    elif how == "issuer":
        adapter = "oauth2"
        settings.update(issuer=server.issuer, auth_method=method)
        if dot:  # its RFC 8414 metadata lists no device_authorization_endpoint
            settings["device_authorization_url"] = server.url + device_path
    else:
        adapter = "oidc"
        settings["issuer"] = server.issuer
        if dot:  # its OpenID discovery lists neither endpoint; Basic fails at its device endpoint
            settings.update(
                device_authorization_endpoint=server.url + device_path,
                revocation_endpoint=server.url + revoke_path,
                auth_method=method,
            )
    return oauthkit.connect(adapter, store=f"memory://{uuid.uuid4().hex}", min_interval=0, **settings)


def _decide(server_name: str, server: Server, code: DeviceCode, *, deny: bool = False) -> None:
    """The user approves (or denies) the code, through the server's own mechanism."""
    if server_name == "authlib_server":
        answer = requests.post(
            server.url + "/test/device/approve",
            data={"user_code": code.user_code, "deny": "1" if deny else ""},
            timeout=10,
        )
        assert answer.status_code == 200 and answer.json()["approved"] is not deny, answer.text
        return
    # django-oauth-toolkit: its verification page takes the user code, then its confirm page the
    # decision (the test user is signed in by the server's middleware).
    entered = requests.post(
        code.verification_uri, data={"user_code": code.user_code}, allow_redirects=False, timeout=10
    )
    assert entered.status_code == 302, entered.text[:500]
    confirm = urljoin(code.verification_uri, entered.headers["Location"])
    assert "/device-confirm/" in confirm
    decided = requests.post(
        confirm, data={"action": "deny" if deny else "accept"}, allow_redirects=False, timeout=10
    )
    assert decided.status_code == 302, decided.text[:500]


def _refuses(server: Server, method: str, refresh_token: str) -> bool:
    """Does the server refuse this refresh token (invalid_grant)? Asked directly, not via oauthkit."""
    client_id, secret = server.device_clients[method]
    answer = _post(
        server.token_url,
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
        client_id,
        secret,
        method,
    )
    return answer.status_code == 400 and answer.json().get("error") == "invalid_grant"


def _scope(server: Server, how: str) -> dict[str, str]:
    """oidc: "openid" and the API's scope instead of the adapter's "openid offline_access" (see
    the module docstring); oauth2: none, so the server's default (the API's scope at both)."""
    return {"scope": f"openid {server.api_scope}"} if how == "oidc" else {}


@pytest.mark.parametrize(("server_name", "how", "method"), [pytest.param(*c, id="-".join(c)) for c in CASES])
def test_device_flow_then_rotation_then_revocation(
    request: pytest.FixtureRequest, server_name: str, how: str, method: str
) -> None:
    server: Server = request.getfixturevalue(server_name)
    conn = _connect(server_name, server, how, method)
    codes: list[DeviceCode] = []
    try:
        pending = conn.authorize(flow="device", on_code=codes.append, wait=False, **_scope(server, how))
        [code] = codes
        assert code.verification_uri.startswith(server.url + "/")
        assert code.device_code not in repr(code) and code.device_code not in repr(pending)
        assert not pending.done  # polling in the background until the user decides
        _decide(server_name, server, code)
        first = pending.result(timeout=60)
        assert first.refresh_token and conn.token == first
        assert first.scope is not None and server.api_scope in first.scope.split()
        answer = conn.session.get(server.api_url, timeout=10)
        assert answer.status_code == 200, answer.text

        second = conn.refresh()
        assert second.refresh_token not in (None, first.refresh_token)  # rotated
        assert _refuses(server, method, str(first.refresh_token))

        conn.revoke()
        assert conn.token is None
        # The server itself has revoked the grant: the refresh token, and its access token with it.
        assert _refuses(server, method, str(second.refresh_token))
        bearer = {"Authorization": f"Bearer {second.access_token}"}
        assert requests.get(server.api_url, headers=bearer, timeout=10).status_code in (401, 403)
        with pytest.raises(oauthkit.ConfigError, match="no refresh token"):
            conn.refresh()
        history = conn.history()
        triggers = list(history["trigger"])
        assert triggers[0] == "device" and triggers[-1] == "revoke"
        assert set(history["outcome"]) == {"ok"}
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("server_name", "how", "method"),
    [
        pytest.param("authlib_server", "urls", "client_secret_basic", id="authlib-oauth2"),
        pytest.param("authlib_server", "oidc", "none", id="authlib-oidc"),
        pytest.param("dot_server", "urls", "client_secret_post", id="dot-oauth2"),
        pytest.param("dot_server", "oidc", "client_secret_post", id="dot-oidc"),
    ],
)
def test_a_denied_code_is_access_denied_and_nothing_is_stored(
    request: pytest.FixtureRequest, server_name: str, how: str, method: str
) -> None:
    server: Server = request.getfixturevalue(server_name)
    conn = _connect(server_name, server, how, method)
    try:
        pending = conn.authorize(
            flow="device",
            on_code=lambda code: _decide(server_name, server, code, deny=True),
            wait=False,
            **_scope(server, how),
        )
        with pytest.raises(oauthkit.AuthorizationError) as info:
            pending.result(timeout=60)
        assert info.value.reason == "access_denied"
        assert conn.token is None
        assert list(conn.history()["outcome"]) == ["error"]
    finally:
        conn.close()


def test_authlib_metadata_names_both_endpoints(authlib_server: Server) -> None:
    """Discovery alone, for both adapters, finds the device and revocation endpoints."""
    for adapter, extra in (("oauth2", {"auth_method": "none"}), ("oidc", {})):
        conn = oauthkit.connect(
            adapter,
            store=f"memory://{uuid.uuid4().hex}",
            issuer=authlib_server.issuer,
            client_id=authlib_server.device_clients["none"][0],
            **extra,
        )
        try:
            pending = conn.authorize(flow="device", on_code=lambda code: None, wait=False)
            assert pending.code.verification_uri == authlib_server.url + "/device"
            pending.cancel()
            with pytest.raises(oauthkit.AuthorizationError) as info:
                pending.result(timeout=10)
            assert info.value.reason == "cancelled"
        finally:
            conn.close()


def test_dot_refuses_a_device_request_authenticated_by_basic_alone(dot_server: Server) -> None:
    """django-oauth-toolkit (oauthlib) wants client_id in the body of the device authorization
    request even from a client authenticated by HTTP Basic (RFC 8628 section 3.1 requires it only
    of a client that does not authenticate): oauthkit reports the refusal, typed, stores nothing."""
    conn = _connect("dot_server", dot_server, "urls", "client_secret_basic")
    try:
        with pytest.raises(oauthkit.AuthorizationError) as info:
            conn.authorize(flow="device", on_code=lambda code: None, wait=False)
        # (.status stays None here: the HTTP status is only in the message)
        assert info.value.reason == "refused" and "(HTTP 400)" in str(info.value)
        assert "invalid_request" in str(info.value.detail)
        assert dot_server.device_clients["client_secret_basic"][1] not in str(info.value)
        assert conn.token is None
    finally:
        conn.close()
