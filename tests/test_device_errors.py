"""The device flow's edges: an unreachable or refusing device endpoint is a typed, logged error
with its status; an endpoint the refresh never needed is still discovered when a flow needs it."""

from __future__ import annotations

import socket
import uuid

import pytest

import oauthkit
import oauthkit.sandbox as sb


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens once it is closed


def test_an_unreachable_device_endpoint_is_a_typed_error_and_a_log_row() -> None:
    port = _closed_port()
    conn = oauthkit.connect(
        "oauth2",
        store=f"memory://{uuid.uuid4().hex}",
        token_url=f"http://127.0.0.1:{port}/token",
        device_authorization_url=f"http://127.0.0.1:{port}/device",
        client_id="cid",
        auth_method="none",
    )
    try:
        with pytest.raises(oauthkit.AuthorizationError) as info:
            conn.authorize(flow="device", on_code=lambda code: None)
        assert info.value.reason == "transport"
        assert list(conn.history()["outcome"]) == ["error"]
    finally:
        conn.close()


def test_a_refused_device_request_carries_the_http_status() -> None:
    with sb.serve("oauth2") as p:
        conn = oauthkit.connect(
            "oauth2", store=f"memory://{uuid.uuid4().hex}", **{**p.client_settings, "client_secret": "wrong"}
        )
        try:
            with pytest.raises(oauthkit.AuthorizationError) as info:
                conn.authorize(flow="device", on_code=lambda code: None)
            assert info.value.reason == "refused" and info.value.status == 401
            assert "wrong" not in str(info.value)
        finally:
            conn.close()


def test_a_named_token_endpoint_does_not_stop_the_device_endpoint_being_discovered() -> None:
    with sb.serve("oidc", device_interval=0.2) as p:
        settings = {
            **p.client_settings,
            "token_endpoint": p.origin + "/token",
            "auth_method": "client_secret_basic",
        }
        conn = oauthkit.connect("oidc", store=f"memory://{uuid.uuid4().hex}", **settings)
        try:
            token = conn.authorize(flow="device", on_code=lambda code: None, timeout=20)
            assert token.refresh_token
            assert any(r.path == "/.well-known/openid-configuration" for r in p.requests)
        finally:
            conn.close()


def test_a_hostile_interval_never_outlasts_the_timeout() -> None:
    """A device answer claiming a 1e308 s interval and lifetime, then only "pending": the flow
    ends at its timeout with a typed error, neither hanging nor overflowing a wait."""
    import json
    import time

    from test_trust_connection import token_server

    def answer(path: str, params: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        if path.startswith("/device"):
            body = {"device_code": "d" * 20, "user_code": "ABCD-EFGH", "verification_uri": "https://x/device",
                    "expires_in": 1e308, "interval": 1e308}  # fmt: skip
            return 200, {}, json.dumps(body).encode()
        return 400, {}, json.dumps({"error": "authorization_pending"}).encode()

    with token_server(answer) as (url, _):
        conn = oauthkit.connect(
            "oauth2", store=f"memory://{uuid.uuid4().hex}", token_url=url + "/token",
            device_authorization_url=url + "/device", client_id="cid", auth_method="none",
        )  # fmt: skip
        try:
            started = time.monotonic()
            with pytest.raises(oauthkit.AuthorizationError) as info:
                conn.authorize(flow="device", on_code=lambda code: None, timeout=2)
            assert info.value.reason == "timeout"
            assert time.monotonic() - started < 10
        finally:
            conn.close()
