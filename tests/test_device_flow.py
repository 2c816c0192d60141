"""The device authorization grant (RFC 8628) and revocation (RFC 7009) against oidc-provider,
the certified Node.js OpenID provider (npm), and through every adapter's offline emulator."""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import requests
from oidc_provider_fixture import OidcProvider

import oauthkit
from oauthkit.first_tokens import DeviceCode, DevicePending, request_code


def _conn(server: OidcProvider, kind: str = "confidential") -> oauthkit.Connection:
    client_id, secret = server.clients[kind]
    settings: dict[str, Any] = {"issuer": server.issuer, "client_id": client_id}
    if secret:
        settings["client_secret"] = secret
    return oauthkit.connect("oidc", store=f"memory://{uuid.uuid4().hex}", min_interval=0, **settings)


def _refused(server: OidcProvider, refresh_token: str, kind: str = "confidential") -> bool:
    """Does the server itself refuse this refresh token? Asked directly, not through oauthkit,
    as the client it was issued to (another client's ask is refused whatever the token)."""
    client_id, secret = server.clients[kind]
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    if secret:
        auth: tuple[str, str] | None = (client_id, str(secret))
    else:  # a public client names itself in the body (RFC 6749 section 3.2.1)
        auth, data["client_id"] = None, client_id
    answer = requests.post(server.endpoint("token"), data=data, auth=auth, timeout=10)
    return answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("kind", ["confidential", "public"])
def test_device_flow_end_to_end_then_rotation_then_revocation(oidc_provider: OidcProvider, kind: str) -> None:
    conn = _conn(oidc_provider, kind)
    shown: list[DeviceCode] = []
    try:
        pending = conn.authorize(flow="device", on_code=shown.append, wait=False)
        [code] = shown
        assert code.verification_uri.startswith(oidc_provider.issuer) and "-" in code.user_code
        assert code.device_code not in repr(code) and code.device_code not in repr(pending)
        assert not pending.done  # the kernel is free while the user walks to their phone
        oidc_provider.approve_device(code.user_code)
        first = pending.result(timeout=60)
        assert first.refresh_token and conn.token == first
        assert conn.session.get(oidc_provider.endpoint("userinfo"), timeout=10).status_code == 200
        second = conn.refresh()
        assert second.refresh_token not in (None, first.refresh_token)  # rotated
        assert _refused(oidc_provider, str(first.refresh_token), kind)  # the old one is spent
        conn.revoke()
        assert conn.token is None
        assert _refused(oidc_provider, str(second.refresh_token), kind)  # the server really revoked it
        with pytest.raises(oauthkit.ConfigError, match="no refresh token") as info:
            conn.refresh()
        assert "conn.authorize()" in str(info.value.hint)
        triggers = list(conn.history()["trigger"])
        assert triggers[0] == "device" and triggers[-1] == "revoke"
    finally:
        conn.close()


def test_a_refusal_is_access_denied_and_nothing_is_stored(oidc_provider: OidcProvider) -> None:
    conn = _conn(oidc_provider)
    try:
        pending = conn.authorize(
            flow="device",
            on_code=lambda code: oidc_provider.approve_device(code.user_code, deny=True),
            wait=False,
        )
        with pytest.raises(oauthkit.AuthorizationError) as info:
            pending.result(timeout=60)
        assert info.value.reason == "access_denied"
        assert conn.token is None
        assert list(conn.history()["outcome"]) == ["error"]
    finally:
        conn.close()


def test_slow_down_adds_five_seconds_and_the_flow_still_succeeds(
    oidc_provider_factory: Callable[..., OidcProvider],
) -> None:
    server = oidc_provider_factory(SLOW_DOWN_INTERVAL="1")
    if True:
        conn = _conn(server)
        states: list[str] = []
        try:
            code = request_code(conn)
            assert code.interval == 1
            eager = dataclasses.replace(code, interval=0)  # polls at once: sooner than allowed
            started = time.monotonic()
            pending = DevicePending(conn, eager, None, lambda text, final: states.append(text))
            deadline = time.monotonic() + 20
            while not any("slow down" in s for s in states) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert any("slow down" in s for s in states), states
            server.approve_device(code.user_code)
            token = pending.result(timeout=60)
            assert token.refresh_token
            assert time.monotonic() - started >= 5  # RFC 8628 section 3.5: 5 s more
        finally:
            conn.close()


def test_an_expired_code_is_reason_expired(oidc_provider_factory: Callable[..., OidcProvider]) -> None:
    server = oidc_provider_factory(DEVICE_TTL="2", SLOW_DOWN_INTERVAL="1")
    if True:
        conn = _conn(server)
        try:
            with pytest.raises(oauthkit.AuthorizationError) as info:
                conn.authorize(flow="device", on_code=lambda code: None, timeout=30)
            assert info.value.reason == "expired"
            assert conn.token is None
        finally:
            conn.close()
