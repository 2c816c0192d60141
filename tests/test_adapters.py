"""Per adapter, against its emulator: the exact request sent and how the answer maps to a Token."""

from __future__ import annotations

import base64
import time
from datetime import datetime, timezone

import pytest
from conftest import connect

import oauthkit
import oauthkit.sandbox as sb


def _refresh(
    p: sb.Emulator, store: str, **extra: object
) -> tuple[oauthkit.Connection, oauthkit.Token, float]:
    conn = connect(p, store, **extra)
    before = time.time()
    token = conn.refresh()
    return conn, token, before


def test_parqex_sends_a_get_with_every_parameter_in_the_query(store_url: str) -> None:
    with sb.serve("parqex", access_lifetime=600) as p:
        seed = p.settings["refresh_token"]
        conn, token, before = _refresh(p, store_url)
        [req] = p.token_requests
        assert req.method == "GET"
        assert req.path == "/oauth/v2/endpoints/token/"
        assert req.body == b""
        assert req.query == {
            "client_id": [p.settings["client_id"]],
            "client_secret": [p.settings["client_secret"]],
            "grant_type": ["refresh_token"],  # once, not the documentation's duplicate
            "refresh_token": [seed],
        }
        assert "authorization" not in req.headers
        assert req.status == 200
        assert token.expires_at is not None
        assert abs(token.expires_at.timestamp() - (before + 600)) < 2
        # rotation: the answer's refresh token replaces ours; the emulator now refuses the seed
        assert token.refresh_token and token.refresh_token != seed
        conn.refresh()
        assert p.token_requests[-1].query["refresh_token"] == [token.refresh_token]
        with pytest.raises(oauthkit.InvalidGrant):
            oauthkit.connect("parqex", name="stale", store=store_url, **p.settings).refresh()


def test_ellipsis_drive_posts_json_with_credentials_in_the_body(store_url: str) -> None:
    with sb.serve("ellipsis_drive", access_lifetime=900) as p:
        seed = p.settings["refresh_token"]
        _, token, _ = _refresh(p, store_url)
        [req] = p.token_requests
        assert (req.method, req.path, req.content_type) == (
            "POST",
            "/v3/oauth/token",
            "application/json",
        )
        assert req.json == {
            "grant_type": "refresh_token",
            "refresh_token": seed,
            "client_id": p.settings["client_id"],
            "client_secret": p.settings["client_secret"],
        }
        assert req.query == {} and "authorization" not in req.headers
        assert token.token_type == "Bearer"
        assert token.expires_at is not None and abs(token.lifetime - 900) < 2  # type: ignore[operator]
        assert token.refresh_token != seed  # "new access and refresh tokens"


def test_ellipsis_drive_without_rotation_keeps_the_refresh_token(store_url: str) -> None:
    with sb.serve("ellipsis_drive", rotation=False) as p:
        seed = p.settings["refresh_token"]
        conn, token, _ = _refresh(p, store_url)
        assert token.refresh_token == seed
        assert conn.refresh().refresh_token == seed
        assert conn.rotations == 0


@pytest.mark.parametrize("confidential", [True, False])
@pytest.mark.parametrize("rotation", [True, False])
def test_auth0_form_post_with_and_without_secret_and_rotation(
    store_url: str, confidential: bool, rotation: bool
) -> None:
    with sb.serve("auth0", confidential=confidential, rotation=rotation, access_lifetime=86400) as p:
        seed = p.settings["refresh_token"]
        assert ("client_secret" in p.settings) is confidential
        conn, token, before = _refresh(p, store_url)
        [req] = p.token_requests
        assert (req.method, req.path) == ("POST", "/oauth/token")
        assert req.content_type == "application/x-www-form-urlencoded"
        expected = {
            "grant_type": ["refresh_token"],
            "refresh_token": [seed],
            "client_id": [p.settings["client_id"]],
        }
        if confidential:
            expected["client_secret"] = [p.settings["client_secret"]]
        assert req.form == expected
        assert "authorization" not in req.headers
        assert token.scope == "openid offline_access"
        assert token.id_token  # openid was granted
        assert token.expires_at is not None and abs(token.expires_at.timestamp() - (before + 86400)) < 2
        second = conn.refresh()
        if rotation:
            assert token.refresh_token != seed and second.refresh_token != token.refresh_token
            assert p.token_requests[-1].form["refresh_token"] == [token.refresh_token]  # type: ignore[index]
        else:
            assert token.refresh_token == seed == second.refresh_token


def test_auth0_sends_scope_only_when_set(store_url: str) -> None:
    with sb.serve("auth0") as p:
        conn = connect(p, store_url, scope="openid")
        token = conn.refresh()
        assert p.token_requests[-1].form["scope"] == ["openid"]  # type: ignore[index]
        assert token.scope == "openid"


def test_auth0_domain_setting_builds_the_base_url() -> None:
    adapter = oauthkit.get_adapter("auth0")
    from oauthkit.settings import resolve

    values = resolve(adapter, "default", {"domain": "example.eu.auth0.com", "client_id": "x"})
    assert values["base_url"] == "https://example.eu.auth0.com"
    with pytest.raises(oauthkit.ConfigError, match="AUTH0_BASE_URL"):
        resolve(adapter, "default", {"client_id": "x"})


def test_edgetag_basic_auth_form_and_the_old_refresh_token_kept(store_url: str) -> None:
    with sb.serve("edgetag", access_lifetime=7200) as p:
        seed = p.settings["refresh_token"]
        conn, token, _ = _refresh(p, store_url)
        [req] = p.token_requests
        assert (req.method, req.path) == ("POST", "/v1/oauth-app/client/token")
        assert req.content_type == "application/x-www-form-urlencoded"
        assert req.form == {"refresh_token": [seed], "grant_type": ["refresh_token"]}
        raw = base64.b64decode(req.headers["authorization"].removeprefix("Basic "))
        assert raw.decode() == f"{p.settings['client_id']}:{p.settings['client_secret']}"
        assert req.basic_auth == (p.settings["client_id"], p.settings["client_secret"])
        assert token.refresh_token == seed  # no refresh_token in the answer: keep ours
        assert token.token_type == "Bearer"
        assert abs(token.lifetime - 7200) < 2  # type: ignore[operator]
        assert conn.refresh().refresh_token == seed  # and the provider still accepts it
        assert conn.rotations == 0


def test_xerial_json_refreshtoken_nested_answer_and_iso_expiry(store_url: str) -> None:
    with sb.serve("xerial", access_lifetime=1800, refresh_lifetime=30 * 86400) as p:
        seed = p.settings["refresh_token"]
        assert set(p.settings) == {"base_url", "refresh_token"}
        _, token, before = _refresh(p, store_url)
        [req] = p.token_requests
        assert (req.method, req.path, req.content_type) == (
            "POST",
            "/v1/auth/refresh-tokens",
            "application/json",
        )
        assert req.json == {"refreshToken": seed}
        assert "authorization" not in req.headers and req.query == {}
        # expires_at is the ISO instant the provider wrote, not "now + something"
        answer = p.requests[0]
        assert answer.status == 200
        assert token.expires_at is not None and token.expires_at.tzinfo is not None
        assert abs(token.expires_at.timestamp() - (before + 1800)) < 2
        assert token.refresh_expires_at is not None
        assert abs(token.refresh_expires_at.timestamp() - (before + 30 * 86400)) < 2
        assert token.refresh_token and token.refresh_token != seed
        # delete-on-use: the old refresh token is gone
        with pytest.raises(oauthkit.InvalidGrant):
            oauthkit.connect("xerial", name="old", store=store_url, **p.settings).refresh()


def test_xerial_expiry_comes_from_the_timestamp_not_the_clock(store_url: str) -> None:
    with sb.serve("xerial", access_lifetime=3) as p:
        conn = connect(p, store_url)
        token = conn.refresh()
        assert token.expires_at is not None
        assert datetime.now(timezone.utc) < token.expires_at
        assert 2 < token.lifetime < 4  # type: ignore[operator]


def test_each_token_request_uses_the_most_recent_refresh_token(store_url: str) -> None:
    with sb.serve("auth0") as p:
        conn = connect(p, store_url)
        used = []
        for _ in range(4):
            before = conn.refresh_token
            conn.refresh()
            used.append(p.token_requests[-1].form["refresh_token"][0])  # type: ignore[index]
            assert used[-1] == before
        assert len(set(used)) == 4
        assert conn.rotations == 4
