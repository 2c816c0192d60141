"""Which first-token flow ``conn.authorize()`` runs with no ``flow``: loopback where the browser
is, the device flow on a remote kernel when the adapter has one, else paste-back; and
``OAUTHKIT_FLOW`` overrides. Each through a real emulator over HTTP."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.first_tokens import AuthorizationRequest, choose_flow, remote_reason
from oauthkit.registry import get_adapter

REMOTE = [
    "COLAB_RELEASE_TAG",
    "JUPYTERHUB_API_TOKEN",
    "SSH_CONNECTION",
    "SSH_CLIENT",
    "CODESPACES",
    "REMOTE_CONTAINERS",
]


@pytest.fixture
def local(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in [*REMOTE, "OAUTHKIT_FLOW"]:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _client(p: sb.Emulator, name: str) -> oauthkit.Connection:
    return oauthkit.connect(name, store=f"memory://{uuid.uuid4().hex}", min_interval=0, **p.client_settings)


@pytest.mark.parametrize("sign", REMOTE)
def test_each_remote_sign_is_seen(local: pytest.MonkeyPatch, sign: str) -> None:
    assert remote_reason() is None
    local.setenv(sign, "1")
    assert remote_reason() == f"{sign} is set"
    assert choose_flow(get_adapter("oidc")) == "device"
    assert choose_flow(get_adapter("strava")) == "paste"  # no device flow documented


def test_a_local_kernel_gets_the_loopback_redirect(local: pytest.MonkeyPatch) -> None:
    with sb.serve("oidc", access_lifetime=600) as p:
        conn = _client(p, "oidc")
        try:
            token = conn.authorize(open_browser=p.browse, timeout=20)
            assert list(conn.history()["trigger"]) == ["authorize"] and token.refresh_token
        finally:
            conn.close()


def test_a_remote_kernel_gets_the_device_flow(local: pytest.MonkeyPatch) -> None:
    local.setenv("JUPYTERHUB_API_TOKEN", "x")
    with sb.serve("oidc", access_lifetime=600, device_interval=0.2) as p:
        conn = _client(p, "oidc")
        shown: list[Any] = []
        try:
            token = conn.authorize(on_code=shown.append, timeout=20)
            assert shown and token.refresh_token
            assert list(conn.history()["trigger"]) == ["device"]
        finally:
            conn.close()


def test_a_remote_kernel_without_a_device_flow_gets_paste_back(local: pytest.MonkeyPatch) -> None:
    local.setenv("SSH_CONNECTION", "10.0.0.1 5555 10.0.0.2 22")
    with sb.serve("strava", access_lifetime=600) as p:
        conn = _client(p, "strava")
        try:
            request = conn.authorize()
            assert isinstance(request, AuthorizationRequest) and request.url.startswith(p.origin)
        finally:
            conn.close()


def test_oauthkit_flow_overrides_and_a_wrong_value_is_a_config_error(local: pytest.MonkeyPatch) -> None:
    local.setenv("SSH_CONNECTION", "10.0.0.1 5555 10.0.0.2 22")
    local.setenv("OAUTHKIT_FLOW", "loopback")
    assert choose_flow(get_adapter("oidc")) == "loopback"
    local.setenv("OAUTHKIT_FLOW", "carrier-pigeon")
    with pytest.raises(oauthkit.ConfigError, match="OAUTHKIT_FLOW"):
        choose_flow(get_adapter("oidc"))
    with sb.serve("oidc") as p:
        conn = _client(p, "oidc")
        try:
            with pytest.raises(oauthkit.ConfigError, match="unknown flow"):
                conn.authorize(flow="telepathy")
        finally:
            conn.close()
