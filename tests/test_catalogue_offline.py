"""Every adapter runs offline: ``oauthkit.sandbox.serve(name)`` starts an emulator driven by the
adapter's own data (the five seed providers keep their hand-written ones), and the machinery
works through it over real HTTP: refresh with rotation, the protected resource, a dead grant,
a wrong client, and the first tokens through the authorization endpoint."""

from __future__ import annotations

from typing import Any

import pytest

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.registry import adapters

ADAPTERS = sorted(a.name for a in adapters())
GENERIC = [name for name in ADAPTERS if name not in sb.PROVIDERS]
WITH_AUTHORIZE = [a.name for a in adapters() if a.authorize is not None and a.name not in sb.PROVIDERS]


def _connect(p: sb.Emulator, name: str, **settings: Any) -> oauthkit.Connection:
    return oauthkit.connect(
        name, store=f"memory://offline-{name}", min_interval=0, **{**p.settings, **settings}
    )


def test_the_catalogue_has_every_adapter_the_contract_names() -> None:
    names = {
        "google", "microsoft", "github", "salesforce", "hubspot", "slack", "dropbox", "box", "zoom",
        "xero", "quickbooks", "strava", "spotify", "withings", "fitbit", "linkedin", "tiktok",
        "atlassian", "okta", "keycloak", "twitch", "reddit", "pinterest", "ebay", "etsy", "figma",
        "notion", "asana", "docusign", "x",
    }  # fmt: skip
    seed = {"parqex", "ellipsis_drive", "auth0", "edgetag", "xerial", "oauth2", "oidc"}
    assert names | seed <= set(ADAPTERS), sorted(names | seed - set(ADAPTERS))


@pytest.mark.parametrize("name", GENERIC)
def test_refresh_rotation_and_the_api_through_the_adapters_own_emulator(name: str) -> None:
    adapter = oauthkit.get_adapter(name)
    with sb.serve(name, access_lifetime=600) as p:
        conn = _connect(p, name)
        try:
            seed = p.settings["refresh_token"]
            first = conn.refresh()
            second = conn.refresh()
            assert first.access_token != second.access_token
            if adapter.rotation != "never":
                assert first.refresh_token != seed and second.refresh_token != first.refresh_token
            else:
                assert first.refresh_token == second.refresh_token == seed
            if adapter.response.expires is not None:
                assert second.lifetime is not None and abs(second.lifetime - 600) <= 2
            assert conn.session.get(p.api_url).status_code == 200
            assert len(p.token_requests) == 2
            # The answer's non-secret fields are kept (the emulator fills each declared one).
            assert set(second.extra) == set(adapter.response.extra)
            # A revoked grant is InvalidGrant, whatever shape the adapter's errors take.
            p.revoke_all()
            with pytest.raises(oauthkit.InvalidGrant):
                conn.refresh()
        finally:
            conn.close()


def _sends_a_secret(adapter: oauthkit.Adapter) -> bool:
    auth = adapter.request.client_auth
    chooser = adapter.request.client_auth_setting
    if chooser is not None:  # chosen by a setting: its default is what a plain connect() does
        auth = getattr(adapter.setting(chooser), "default", None) or "client_secret_basic"
    return adapter.setting("client_secret") is not None and auth != "none"


# Etsy and X (public clients by default) send no secret: there is nothing to get wrong.
@pytest.mark.parametrize("name", [a.name for a in adapters() if a.name in GENERIC and _sends_a_secret(a)])
def test_a_wrong_client_secret_is_refused_not_turned_into_a_token(name: str) -> None:
    with sb.serve(name) as p:
        conn = _connect(p, name, client_secret="not-the-secret")
        try:
            with pytest.raises(oauthkit.RefreshError) as info:
                conn.refresh()
            assert not isinstance(info.value, oauthkit.InvalidGrant)
            assert conn.token is None
        finally:
            conn.close()


@pytest.mark.parametrize("name", WITH_AUTHORIZE)
def test_first_tokens_through_the_adapters_authorization_endpoint(name: str) -> None:
    with sb.serve(name, access_lifetime=600) as p:
        conn = oauthkit.connect(name, store=f"memory://first-{name}", min_interval=0, **p.client_settings)
        try:
            token = conn.authorize(open_browser=p.browse, timeout=20)
            assert token.refresh_token
            assert conn.session.get(p.api_url).status_code == 200
            assert conn.refresh().access_token != token.access_token
        finally:
            conn.close()


WRITTEN_HERE: dict[str, Any] = {
    "name": "written_here",
    "title": "A user-written adapter",
    "settings": {"base_url": {}, "client_id": {}, "client_secret": {"secret": True}},
    "request": {
        "url": "{base_url}/api/v2/token",
        "encoding": "json",
        "names": {"refresh_token": "refreshToken", "client_id": "clientId", "client_secret": "clientSecret"},
        "headers": {"X-Api-Version": "2"},
        "extra": {"action": "refresh"},
    },
    "response": {
        "access_token": "data.token",
        "refresh_token": "data.refresh",
        "expires": {"field": "data.expires_at", "kind": "timestamp", "format": "epoch_ms"},
        "extra": ["data.account"],
    },
    "errors": {"status_field": "ok", "ok_status": ["yes"], "invalid_grant_codes": ["expired"]},
    "rotation": "always",
}


def test_a_user_written_adapter_gets_an_emulator_that_holds_it_to_its_own_word() -> None:
    with sb.serve(WRITTEN_HERE, access_lifetime=300) as p:
        conn = _connect(p, "written_here")
        try:
            token = conn.refresh()
            assert token.extra == {"data.account": "sandbox-account"}
            assert token.lifetime is not None and abs(token.lifetime - 300) <= 2
            [req] = p.token_requests
            assert req.json["action"] == "refresh" and req.headers["x-api-version"] == "2"
            assert set(req.json) == {"grant_type", "refreshToken", "clientId", "clientSecret", "action"}
        finally:
            conn.close()
        # The same endpoint, an adapter that forgets the header: the emulator refuses it.
        forgetful = {
            **WRITTEN_HERE,
            "name": "forgetful",
            "request": {**WRITTEN_HERE["request"], "headers": {}},
        }
        oauthkit.register(forgetful, replace=True)
        conn = oauthkit.connect("forgetful", store="memory://forgetful", min_interval=0, **p.settings)
        try:
            with pytest.raises(oauthkit.RefreshError, match="X-Api-Version"):
                conn.refresh()
        finally:
            conn.close()


WITH_DEVICE = [a.name for a in adapters() if a.device is not None]  # auth0 too: its own emulator
WITH_REVOKE = [a.name for a in adapters() if a.revoke is not None]


@pytest.mark.parametrize("name", WITH_DEVICE)
def test_the_device_flow_through_the_adapters_emulator(name: str) -> None:
    with sb.serve(name, access_lifetime=600, device_approval_delay=1.5, device_interval=0.5) as p:
        conn = oauthkit.connect(name, store=f"memory://device-{name}", min_interval=0, **p.client_settings)
        shown: list[Any] = []
        try:
            token = conn.authorize(flow="device", on_code=shown.append, timeout=30)
            assert shown and shown[0].user_code and shown[0].verification_uri.startswith(p.origin)
            assert token.refresh_token and conn.session.get(p.api_url).status_code == 200
            polls = [
                r for r in p.token_requests if "device_code" in (r.form or {}) or "device_code" in r.query
            ]
            assert len(polls) >= 2  # authorization_pending first: the user took 1.5 s
        finally:
            conn.close()
    with sb.serve(name, consent=False) as p:  # the test user refuses
        conn = oauthkit.connect(name, store=f"memory://device-no-{name}", min_interval=0, **p.client_settings)
        try:
            with pytest.raises(oauthkit.AuthorizationError) as info:
                conn.authorize(flow="device", on_code=lambda code: None, timeout=30)
            assert info.value.reason == "access_denied" and conn.token is None
        finally:
            conn.close()


@pytest.mark.parametrize("name", WITH_REVOKE)
def test_revoke_then_the_old_refresh_token_is_dead(name: str) -> None:
    with sb.serve(name, access_lifetime=600) as p:
        conn = _connect(p, name)
        try:
            token = conn.refresh()
            conn.revoke()
            assert conn.token is None
            with pytest.raises(oauthkit.ConfigError, match="no refresh token"):
                conn.refresh()
            assert list(conn.history()["trigger"])[-1] == "revoke"
        finally:
            conn.close()
        again = oauthkit.connect(
            name,
            store=f"memory://revoked-{name}",
            min_interval=0,
            **{**p.settings, "refresh_token": token.refresh_token},
        )
        try:
            with pytest.raises(oauthkit.InvalidGrant):
                again.refresh()
        finally:
            again.close()


def test_forget_drops_the_tokens_here_only() -> None:
    with sb.serve("oauth2", access_lifetime=600) as p:
        conn = _connect(p, "oauth2")
        try:
            token = conn.refresh()
            conn.forget()
            assert conn.token is None and list(conn.history()["trigger"])[-1] == "revoke"
        finally:
            conn.close()
        again = oauthkit.connect(
            "oauth2",
            store="memory://forgotten",
            min_interval=0,
            **{**p.settings, "refresh_token": token.refresh_token},
        )
        try:
            assert again.refresh().access_token  # the provider still honours it
        finally:
            again.close()
