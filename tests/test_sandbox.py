"""The provider emulators, exercised over real HTTP with `requests`."""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import requests

import oauthkit
import oauthkit.sandbox as sb

SHORT = 0.5  # access lifetime for expiry tests
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


# -- helpers: the documented refresh request of each provider ---------------------------------


def refresh(p: sb.Emulator, token: str, http: Any = requests) -> requests.Response:
    s = p.settings
    if p.name == "parqex":
        params = {
            "client_id": s["client_id"],
            "client_secret": s["client_secret"],
            "grant_type": "refresh_token",
            "refresh_token": token,
        }
        return http.get(p.token_url, params=params, timeout=5)
    if p.name == "ellipsis_drive":
        body = {
            "grant_type": "refresh_token",
            "client_id": s["client_id"],
            "client_secret": s["client_secret"],
            "refresh_token": token,
        }
        return http.post(p.token_url, json=body, timeout=5)
    if p.name == "auth0":
        form = {"grant_type": "refresh_token", "client_id": s["client_id"], "refresh_token": token}
        if "client_secret" in s:
            form["client_secret"] = s["client_secret"]
        return http.post(p.token_url, data=form, timeout=5)
    if p.name == "edgetag":
        form = {"refresh_token": token, "grant_type": "refresh_token"}
        auth = (s["client_id"], s["client_secret"])
        return http.post(p.token_url, data=form, auth=auth, timeout=5)
    assert p.name == "xerial"
    return http.post(p.token_url, json={"refreshToken": token}, timeout=5)


def access_of(name: str, body: dict[str, Any]) -> str:
    return body["access"]["token"] if name == "xerial" else body["access_token"]


def refresh_of(name: str, body: dict[str, Any]) -> str | None:
    return body["refresh"]["token"] if name == "xerial" else body.get("refresh_token")


def call_api(p: sb.Emulator, access_token: str | None) -> requests.Response:
    headers = {"Authorization": f"Bearer {access_token}"} if access_token else {}
    return requests.get(p.api_url, headers=headers, timeout=5)


def jwt_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, claims, signature = token.split(".")

    def load(segment: str) -> dict[str, Any]:
        return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))

    assert signature
    return load(header), load(claims)


@pytest.fixture(params=sb.PROVIDERS)
def provider(request: pytest.FixtureRequest) -> Iterator[sb.Emulator]:
    with sb.serve(request.param) as p:
        yield p


ROTATING = ("parqex", "ellipsis_drive", "auth0", "xerial")
INVALID_GRANT = {
    "parqex": (400, "error", "invalid_grant"),
    "ellipsis_drive": (400, "message", "Invalid refresh token"),
    "auth0": (403, "error", "invalid_grant"),
    "edgetag": (400, "error", "invalid_grant"),
    "xerial": (401, "message", "Please authenticate"),
}


def assert_invalid_grant(p: sb.Emulator, response: requests.Response) -> None:
    status, field, value = INVALID_GRANT[p.name]
    assert response.status_code == status, response.text
    assert response.json()[field] == value


# -- registry of providers and options -------------------------------------------------------


def test_providers_and_unknown_names() -> None:
    assert sb.PROVIDERS == ("parqex", "ellipsis_drive", "auth0", "edgetag", "xerial")
    # Any other adapter gets an emulator driven by its data (tests/test_catalogue_offline.py);
    # a name no adapter has is the registry's "unknown adapter", listing the known ones.
    with pytest.raises(oauthkit.ConfigError, match="unknown adapter 'no_such_provider'") as info:
        sb.serve("no_such_provider")
    assert "xerial" in str(info.value.hint) and "github" in str(info.value.hint)
    with pytest.raises(ValueError, match=r"parqex.*ellipsis_drive.*auth0.*edgetag.*xerial"):
        sb.emulator_class("google")  # the hand-written ones stay the five seed providers
    with pytest.raises(TypeError):
        sb.start("parqex", bogus=1)
    with pytest.raises(TypeError):
        sb.start("xerial", reuse_interval=1)  # an Auth0-only option


def test_start_without_with_and_close_is_idempotent() -> None:
    p = sb.start("edgetag", port=0)
    assert p.access_lifetime == 7200
    assert p.base_url.startswith("http://127.0.0.1:")
    assert refresh(p, p.settings["refresh_token"]).status_code == 200
    p.close()
    p.close()
    assert p.closed
    with pytest.raises(requests.ConnectionError):
        requests.get(p.api_url, timeout=2)


def test_settings_keys_and_urls() -> None:
    expected = {
        "parqex": ({"base_url", "client_id", "client_secret", "refresh_token"}, "", "/me"),
        "ellipsis_drive": (
            {"base_url", "client_id", "client_secret", "refresh_token"},
            "/v3",
            "/v3/account/me",
        ),
        "auth0": ({"base_url", "client_id", "client_secret", "refresh_token"}, "", "/userinfo"),
        "edgetag": ({"base_url", "client_id", "client_secret", "refresh_token"}, "", "/v1/me"),
        "xerial": ({"base_url", "refresh_token"}, "/v1", "/v1/wallet"),
    }
    token_paths = {
        "parqex": "/oauth/v2/endpoints/token/",
        "ellipsis_drive": "/v3/oauth/token",
        "auth0": "/oauth/token",
        "edgetag": "/v1/oauth-app/client/token",
        "xerial": "/v1/auth/refresh-tokens",
    }
    for name, (keys, base_path, api_path) in expected.items():
        with sb.serve(name, client_id="cid", client_secret="csecret") as p:
            origin = f"http://127.0.0.1:{p.port}"
            assert p.name == name
            assert set(p.settings) == keys
            assert p.base_url == origin + base_path
            assert p.api_url == origin + api_path
            assert p.token_url == origin + token_paths[name]
            if "client_id" in keys:
                assert (p.settings["client_id"], p.settings["client_secret"]) == ("cid", "csecret")


def test_repr_hides_secrets(provider: sb.Emulator) -> None:
    body = refresh(provider, provider.settings["refresh_token"]).json()
    text = repr(provider) + str(provider)
    assert provider.name in text
    for secret in (
        provider.client_secret,
        provider.settings["refresh_token"],
        access_of(provider.name, body),
    ):
        assert secret not in text


# -- the documented happy path -------------------------------------------------------------


def test_documented_refresh_succeeds(provider: sb.Emulator) -> None:
    name = provider.name
    response = refresh(provider, provider.settings["refresh_token"])
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    keys = {
        "parqex": {"access_token", "refresh_token", "expires_in"},
        "ellipsis_drive": {"access_token", "token_type", "expires_in", "refresh_token"},
        "auth0": {"access_token", "expires_in", "scope", "id_token", "token_type", "refresh_token"},
        "edgetag": {"access_token", "expires_in"},
        "xerial": {"access", "refresh"},
    }[name]
    assert set(body) == keys
    if name == "xerial":
        assert set(body["access"]) == set(body["refresh"]) == {"token", "expires"}
    else:
        assert body["expires_in"] == provider.access_lifetime
        assert isinstance(body["expires_in"], int)
    if "token_type" in body:
        assert body["token_type"] == "Bearer"
    me = call_api(provider, access_of(name, body))
    assert me.status_code == 200
    assert me.json()["provider"] == name
    assert 0 < me.json()["expires_in"] <= provider.access_lifetime


def test_rotation_spends_the_old_refresh_token_except_edgetag(provider: sb.Emulator) -> None:
    first = provider.settings["refresh_token"]
    body = refresh(provider, first).json()
    new = refresh_of(provider.name, body)
    if provider.name == "edgetag":
        assert new is None
        assert refresh(provider, first).status_code == 200
        assert refresh(provider, first).status_code == 200
        return
    assert new is not None and new != first
    assert_invalid_grant(provider, refresh(provider, first))
    if provider.name == "auth0":
        return  # reuse revoked the family; see the Auth0 tests
    assert refresh(provider, new).status_code == 200


@pytest.mark.parametrize("name", sb.PROVIDERS)
def test_access_token_expires_after_access_lifetime(name: str) -> None:
    with sb.serve(name, access_lifetime=SHORT) as p:
        body = refresh(p, p.settings["refresh_token"]).json()
        token = access_of(name, body)
        if name != "xerial":
            assert body["expires_in"] == SHORT
        fresh = call_api(p, token)
        assert fresh.status_code == 200
        assert fresh.json()["expires_in"] <= SHORT
        time.sleep(SHORT + 0.1)
        expired = call_api(p, token)
        assert expired.status_code == 401
        missing = call_api(p, None)
        assert missing.status_code == 401
        if name == "xerial":
            assert expired.json() == {"code": 401, "message": "Please authenticate"}
        else:
            assert expired.json() == {"error": "invalid_token"}
            assert expired.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
        assert requests.get(p.base_url + "/nowhere", timeout=5).status_code == 404


def test_refresh_lifetime_expires_refresh_tokens() -> None:
    with sb.serve("ellipsis_drive", refresh_lifetime=0.3) as p:
        token = p.settings["refresh_token"]
        time.sleep(0.4)
        assert_invalid_grant(p, refresh(p, token))
        assert refresh(p, p.new_grant()).status_code == 200


def test_revoke_all_and_new_grant(provider: sb.Emulator) -> None:
    body = refresh(provider, provider.settings["refresh_token"]).json()
    token = refresh_of(provider.name, body) or provider.settings["refresh_token"]
    provider.revoke_all()
    assert call_api(provider, access_of(provider.name, body)).status_code == 401
    assert_invalid_grant(provider, refresh(provider, token))
    again = refresh(provider, provider.new_grant())
    assert again.status_code == 200
    assert call_api(provider, access_of(provider.name, again.json())).status_code == 200


# -- parqex -----------------------------------------------------------------------------------


def test_parqex_wants_get_and_keeps_the_last_duplicated_parameter() -> None:
    with sb.serve("parqex") as p:
        s = p.settings
        creds = f"client_id={s['client_id']}&client_secret={s['client_secret']}"
        # The documented URL: grant_type twice, refresh_token last.
        docs = (
            f"{p.token_url}?{creds}&grant_type=authorization_code"
            f"&refresh_token={s['refresh_token']}&grant_type=refresh_token"
        )
        posted = requests.post(docs, timeout=5)
        assert posted.status_code == 405
        assert posted.json() == {"error": "invalid_request", "error_description": "use GET"}

        ok = requests.get(docs, timeout=5)
        assert ok.status_code == 200, ok.text
        assert p.token_requests[-1].query["grant_type"] == ["authorization_code", "refresh_token"]

        new = ok.json()["refresh_token"]
        reversed_order = (
            f"{p.token_url}?{creds}&grant_type=refresh_token"
            f"&refresh_token={new}&grant_type=authorization_code"
        )
        rejected = requests.get(reversed_order, timeout=5)
        assert rejected.status_code == 400
        assert rejected.json() == {"error": "unsupported_grant_type"}

        bad_client = requests.get(
            p.token_url,
            params={
                "client_id": s["client_id"],
                "client_secret": "nope",
                "grant_type": "refresh_token",
                "refresh_token": new,
            },
            timeout=5,
        )
        assert bad_client.status_code == 401
        assert bad_client.json() == {"error": "invalid_client"}
        reused = refresh(p, s["refresh_token"])
        assert reused.json()["error_description"]
        assert refresh(p, new).status_code == 200


# -- Ellipsis Drive ---------------------------------------------------------------------------


def test_ellipsis_accepts_form_and_basic_and_reports_errors() -> None:
    with sb.serve("ellipsis_drive") as p:
        s = p.settings
        form = requests.post(
            p.token_url,
            data={"grant_type": "refresh_token", "refresh_token": s["refresh_token"]},
            auth=(s["client_id"], s["client_secret"]),
            timeout=5,
        )
        assert form.status_code == 200, form.text
        recorded = p.token_requests[-1]
        assert recorded.content_type == "application/x-www-form-urlencoded"
        assert recorded.basic_auth == (s["client_id"], s["client_secret"])
        token = form.json()["refresh_token"]

        wrong_client = requests.post(
            p.token_url,
            json={
                "grant_type": "refresh_token",
                "client_id": s["client_id"],
                "client_secret": "x",
                "refresh_token": token,
            },
            timeout=5,
        )
        assert (wrong_client.status_code, wrong_client.json()) == (
            401,
            {"message": "Invalid client credentials"},
        )
        wrong_grant = requests.post(
            p.token_url,
            json={"grant_type": "password", "refresh_token": token},
            auth=(s["client_id"], s["client_secret"]),
            timeout=5,
        )
        assert (wrong_grant.status_code, wrong_grant.json()) == (
            400,
            {"message": "grant_type must be refresh_token"},
        )
        get = requests.get(p.token_url, timeout=5)
        assert (get.status_code, get.json()) == (405, {"message": "Method not allowed"})
        assert refresh(p, token).status_code == 200


def test_ellipsis_without_rotation_keeps_the_refresh_token() -> None:
    with sb.serve("ellipsis_drive", rotation=False) as p:
        token = p.settings["refresh_token"]
        for _ in range(3):
            body = refresh(p, token).json()
            assert "refresh_token" not in body
            assert body["token_type"] == "Bearer"


# -- Auth0 ------------------------------------------------------------------------------------


def test_auth0_reuse_revokes_the_whole_family() -> None:
    with sb.serve("auth0") as p:
        rt0 = p.settings["refresh_token"]
        first = refresh(p, rt0).json()
        rt1, at1 = first["refresh_token"], first["access_token"]
        assert call_api(p, at1).status_code == 200
        time.sleep(0.01)

        reused = refresh(p, rt0)
        assert reused.status_code == 403
        assert reused.json() == {
            "error": "invalid_grant",
            "error_description": "Unknown or invalid refresh token.",
        }
        # The newest token of the family and its access token went with it.
        assert refresh(p, rt1).status_code == 403
        assert call_api(p, at1).status_code == 401
        # Another grant is untouched.
        assert refresh(p, p.new_grant()).status_code == 200


def test_auth0_reuse_inside_the_reuse_interval_succeeds() -> None:
    with sb.serve("auth0", reuse_interval=5) as p:
        rt0 = p.settings["refresh_token"]
        rt1 = refresh(p, rt0).json()["refresh_token"]
        again = refresh(p, rt0)
        assert again.status_code == 200, again.text
        rt2 = again.json()["refresh_token"]
        assert rt2 not in (rt0, rt1)
        assert refresh(p, rt1).status_code == 200
        assert refresh(p, rt2).status_code == 200


def test_auth0_without_rotation_returns_no_refresh_token() -> None:
    with sb.serve("auth0", rotation=False) as p:
        token = p.settings["refresh_token"]
        for _ in range(2):
            body = refresh(p, token).json()
            assert "refresh_token" not in body


def test_auth0_public_and_confidential_clients() -> None:
    with sb.serve("auth0", confidential=False) as public:
        assert "client_secret" not in public.settings
        s = public.settings
        ok = requests.post(
            public.token_url,
            data={
                "grant_type": "refresh_token",
                "client_id": s["client_id"],
                "refresh_token": s["refresh_token"],
            },
            timeout=5,
        )
        assert ok.status_code == 200, ok.text
        wrong = requests.post(
            public.token_url,
            data={
                "grant_type": "refresh_token",
                "client_id": s["client_id"],
                "client_secret": "bad",
                "refresh_token": ok.json()["refresh_token"],
            },
            timeout=5,
        )
        assert wrong.status_code == 401
        right = requests.post(
            public.token_url,
            data={
                "grant_type": "refresh_token",
                "client_id": s["client_id"],
                "client_secret": public.client_secret,
                "refresh_token": ok.json()["refresh_token"],
            },
            timeout=5,
        )
        assert right.status_code == 200

    with sb.serve("auth0") as confidential:
        s = confidential.settings
        missing = requests.post(
            confidential.token_url,
            data={
                "grant_type": "refresh_token",
                "client_id": s["client_id"],
                "refresh_token": s["refresh_token"],
            },
            timeout=5,
        )
        assert missing.status_code == 401
        assert missing.json() == {"error": "access_denied", "error_description": "Unauthorized"}
        basic = requests.post(
            confidential.token_url,
            data={"grant_type": "refresh_token", "refresh_token": s["refresh_token"]},
            auth=(s["client_id"], s["client_secret"]),
            timeout=5,
        )
        assert basic.status_code == 200


def test_auth0_scope_id_token_json_and_discovery() -> None:
    with sb.serve("auth0") as p:
        s = p.settings
        base = {
            "grant_type": "refresh_token",
            "client_id": s["client_id"],
            "client_secret": s["client_secret"],
        }
        token = s["refresh_token"]

        narrowed = requests.post(
            p.token_url, data={**base, "refresh_token": token, "scope": "offline_access"}, timeout=5
        )
        assert narrowed.status_code == 200
        assert narrowed.json()["scope"] == "offline_access"
        assert "id_token" not in narrowed.json()
        token = narrowed.json()["refresh_token"]

        widened = requests.post(
            p.token_url, data={**base, "refresh_token": token, "scope": "openid admin"}, timeout=5
        )
        assert widened.status_code == 403
        assert widened.json()["error"] == "invalid_scope"

        as_json = requests.post(p.token_url, json={**base, "refresh_token": token}, timeout=5)
        assert as_json.status_code == 200
        header, claims = jwt_parts(as_json.json()["id_token"])
        assert header["alg"] == "HS256"
        assert claims["aud"] == s["client_id"]
        assert claims["sub"].startswith("auth0|")

        config = requests.get(p.base_url + "/.well-known/openid-configuration", timeout=5).json()
        assert config["token_endpoint"] == p.token_url
        assert config["token_endpoint_auth_methods_supported"] == [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ]
        assert "refresh_token" in config["grant_types_supported"]


# -- EdgeTag ----------------------------------------------------------------------------------


def test_edgetag_requires_basic_auth_and_post() -> None:
    with sb.serve("edgetag") as p:
        s = p.settings
        in_body = requests.post(
            p.token_url,
            data={
                "grant_type": "refresh_token",
                "refresh_token": s["refresh_token"],
                "client_id": s["client_id"],
                "client_secret": s["client_secret"],
            },
            timeout=5,
        )
        assert (in_body.status_code, in_body.json()) == (401, {"error": "invalid_client"})
        get = requests.get(
            p.token_url,
            params={"refresh_token": s["refresh_token"]},
            auth=(s["client_id"], s["client_secret"]),
            timeout=5,
        )
        assert (get.status_code, get.json()) == (405, {"error": "invalid_request"})
        unknown = requests.post(
            p.token_url,
            data={"grant_type": "refresh_token", "refresh_token": "nope"},
            auth=(s["client_id"], s["client_secret"]),
            timeout=5,
        )
        assert (unknown.status_code, unknown.json()) == (400, {"error": "invalid_grant"})


# -- Xerial -----------------------------------------------------------------------------------


def test_xerial_jwts_iso_expiry_and_delete_on_use() -> None:
    with sb.serve("xerial", access_lifetime=1800) as p:
        assert p.refresh_lifetime == 30 * 24 * 3600
        first = p.settings["refresh_token"]
        before = time.time()
        response = refresh(p, first)
        assert response.status_code == 200
        body = response.json()
        for part, kind, lifetime in (
            ("access", "access", 1800),
            ("refresh", "refresh", 30 * 86400),
        ):
            expires = body[part]["expires"]
            assert ISO_MS.match(expires), expires
            moment = datetime.strptime(expires, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
            assert abs(moment.timestamp() - (before + lifetime)) < 2
            header, claims = jwt_parts(body[part]["token"])
            assert header == {"alg": "HS256", "typ": "JWT"}
            assert claims["type"] == kind
            assert claims["exp"] == pytest.approx(moment.timestamp(), abs=0.001)
            assert isinstance(claims["iat"], int) and claims["sub"]

        reused = refresh(p, first)
        assert (reused.status_code, reused.json()) == (
            401,
            {"code": 401, "message": "Please authenticate"},
        )
        as_refresh = refresh(p, body["access"]["token"])  # an access token is not a refresh token
        assert as_refresh.status_code == 401
        assert refresh(p, body["refresh"]["token"]).status_code == 200

        missing = requests.post(p.token_url, json={}, timeout=5)
        assert (missing.status_code, missing.json()) == (
            400,
            {"code": 400, "message": '"refreshToken" is required'},
        )
        not_json = requests.post(p.token_url, data={"refreshToken": "x"}, timeout=5)
        assert not_json.status_code == 400
        assert (
            requests.get(
                p.base_url + "/me",
                headers={"Authorization": "Bearer " + body["access"]["token"]},
                timeout=5,
            ).status_code
            == 200
        )


# -- faults, delays, rate limits --------------------------------------------------------------


def test_fail_queues_canned_answers_for_token_requests_only() -> None:
    with sb.serve("parqex") as p:
        p.fail(503, {"error": "down"}, times=2, headers={"X-Why": "maintenance"})
        p.fail(502, "<html>bad gateway</html>")
        p.fail(500, b"\x00raw", content_type="application/octet-stream")
        token = p.settings["refresh_token"]
        assert call_api(p, None).status_code == 401  # not a token request: no fault consumed
        for _ in range(2):
            r = refresh(p, token)
            assert (r.status_code, r.json(), r.headers["X-Why"]) == (
                503,
                {"error": "down"},
                "maintenance",
            )
            assert r.headers["Content-Type"].startswith("application/json")
        html = refresh(p, token)
        assert html.status_code == 502 and html.text == "<html>bad gateway</html>"
        assert html.headers["Content-Type"].startswith("text/html")
        raw = refresh(p, token)
        assert (raw.status_code, raw.content) == (500, b"\x00raw")
        assert raw.headers["Content-Type"] == "application/octet-stream"
        # The faults skipped the real handling: the token was never spent.
        assert refresh(p, token).status_code == 200
        assert [r.status for r in p.token_requests] == [503, 503, 502, 500, 200]


def test_delay_holds_only_the_next_token_requests() -> None:
    with sb.serve("edgetag") as p:
        token = p.settings["refresh_token"]
        p.delay(1.0, times=2)  # long enough that a busy machine cannot blur delayed and not
        t0 = time.perf_counter()
        assert call_api(p, None).status_code == 401
        assert time.perf_counter() - t0 < 0.8
        for _ in range(2):
            t0 = time.perf_counter()
            assert refresh(p, token).status_code == 200
            assert time.perf_counter() - t0 >= 1.0
        t0 = time.perf_counter()
        assert refresh(p, token).status_code == 200
        assert time.perf_counter() - t0 < 0.8


@pytest.mark.parametrize("name", sb.PROVIDERS)
def test_rate_limit_headers(name: str) -> None:
    with sb.serve(name) as p:
        p.rate_limit(times=2, reset_in=3)
        token = p.settings["refresh_token"]
        for _ in range(2):
            r = refresh(p, token)
            assert r.status_code == 429
            if name == "auth0":
                assert "Retry-After" not in r.headers
                assert r.headers["x-ratelimit-remaining"] == "0"
                assert int(r.headers["x-ratelimit-limit"]) > 0
                assert 2 <= int(r.headers["x-ratelimit-reset"]) - time.time() <= 4
            else:
                assert r.headers["Retry-After"] == "3"
        assert refresh(p, token).status_code == 200


# -- concurrency and atomicity ----------------------------------------------------------------


@pytest.mark.parametrize("name", sb.PROVIDERS)
def test_32_concurrent_clients_all_get_answers(name: str) -> None:
    with sb.serve(name) as p:
        grants = [p.new_grant() for _ in range(32)]
        results: list[int] = []
        lock = threading.Lock()
        barrier = threading.Barrier(32)

        def worker(token: str) -> None:
            with requests.Session() as session:
                barrier.wait()
                for _ in range(3):
                    response = refresh(p, token, session)
                    token = refresh_of(name, response.json()) or token
                    with lock:
                        results.append(response.status_code)

        threads = [threading.Thread(target=worker, args=(g,)) for g in grants]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=20)
        assert results == [200] * 96
        assert len(p.token_requests) == 96


def test_concurrent_refreshes_of_one_rotating_token_succeed_once() -> None:
    with sb.serve("parqex") as p:
        token = p.settings["refresh_token"]
        statuses: list[int] = []
        barrier = threading.Barrier(16)

        def worker() -> None:
            barrier.wait()
            statuses.append(refresh(p, token).status_code)

        threads = [threading.Thread(target=worker) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=20)
        assert sorted(statuses) == [200] + [400] * 15


# -- recording --------------------------------------------------------------------------------


def test_recorded_request_fields() -> None:
    with sb.serve("auth0") as p:
        s = p.settings
        before = time.time()
        body = refresh(p, s["refresh_token"]).json()
        call_api(p, body["access_token"])
        requests.get(p.base_url + "/.well-known/openid-configuration?x=1&x=", timeout=5)
        token, api, other = p.requests
        assert p.token_requests == [token]

        assert (token.method, token.path, token.kind, token.status) == (
            "POST",
            "/oauth/token",
            "token",
            200,
        )
        assert token.content_type == "application/x-www-form-urlencoded"
        assert token.form is not None and token.form["refresh_token"] == [s["refresh_token"]]
        assert token.param("client_id") == s["client_id"]
        assert token.headers["content-type"] == "application/x-www-form-urlencoded"
        assert all(key == key.lower() for key in token.headers)
        assert b"grant_type=refresh_token" in token.body
        assert token.json is None and token.basic_auth is None and token.bearer is None
        assert before <= token.at <= api.at <= other.at <= time.time()

        assert (api.kind, api.status, api.bearer, api.method) == (
            "api",
            200,
            body["access_token"],
            "GET",
        )
        assert (other.kind, other.status, other.query) == ("other", 200, {"x": ["1", ""]})
        assert other.form is None and other.content_type == ""


def test_recorded_json_and_basic_auth() -> None:
    with sb.serve("xerial") as p:
        refresh(p, "not-a-token")
        (req,) = p.token_requests
        assert (req.status, req.json, req.content_type) == (
            401,
            {"refreshToken": "not-a-token"},
            "application/json",
        )
    with sb.serve("edgetag") as p:
        refresh(p, p.settings["refresh_token"])
        (req,) = p.token_requests
        assert req.basic_auth == (p.client_id, p.client_secret)
        assert req.form == {
            "refresh_token": [p.settings["refresh_token"]],
            "grant_type": ["refresh_token"],
        }
        with pytest.raises(dataclasses.FrozenInstanceError):
            req.status = 500  # type: ignore[misc]


# -- command line -----------------------------------------------------------------------------


def test_command_line_prints_env_lines_and_serves() -> None:
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), *sys.path])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "oauthkit.sandbox", "ellipsis_drive", "--access-lifetime", "60"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline().strip() for _ in range(4)]
        values = dict(line.split("=", 1) for line in lines)
        assert set(values) == {
            "ELLIPSIS_DRIVE_BASE_URL",
            "ELLIPSIS_DRIVE_CLIENT_ID",
            "ELLIPSIS_DRIVE_CLIENT_SECRET",
            "ELLIPSIS_DRIVE_REFRESH_TOKEN",
        }
        response = requests.post(
            values["ELLIPSIS_DRIVE_BASE_URL"] + "/oauth/token",
            json={
                "grant_type": "refresh_token",
                "client_id": values["ELLIPSIS_DRIVE_CLIENT_ID"],
                "client_secret": values["ELLIPSIS_DRIVE_CLIENT_SECRET"],
                "refresh_token": values["ELLIPSIS_DRIVE_REFRESH_TOKEN"],
            },
            timeout=5,
        )
        assert (response.status_code, response.json()["expires_in"]) == (200, 60)
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=5) == 0
