"""Every error kind for the provider answer that means it; the stored token never changes on failure."""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.store import open_store

ONE_TRY = oauthkit.Retry(attempts=1)


def _primed(p: sb.Emulator, store_url: str, **kw: Any) -> oauthkit.Connection:
    conn = oauthkit.connect(p.name, store=store_url, **p.settings, **kw)
    conn.refresh()
    return conn


def _snapshot(conn: oauthkit.Connection) -> Any:
    record = open_store(conn.store.url).load(conn.key)
    assert record is not None
    return record


def _assert_fails_unchanged(
    conn: oauthkit.Connection, kind: type[Exception], status: int | None
) -> Exception:
    before = _snapshot(conn)
    token_before = conn.token
    with pytest.raises(kind) as info:
        conn.refresh()
    after = _snapshot(conn)
    assert after == before  # token, refresh token and version untouched in the store
    assert conn.token == token_before  # and in memory
    err = info.value
    assert isinstance(err, oauthkit.OAuthKitError)
    text = str(err)
    assert conn.adapter.name in text and conn.name in text
    if status is not None:
        assert err.status == status and f"HTTP {status}" in text
    for secret in (
        before.refresh_token,
        before.token.access_token,
        conn.bridge.settings.get("client_secret"),
    ):
        if secret:
            assert secret not in text and secret not in repr(err)
    last = conn.history().iloc[-1]
    assert last["outcome"] == "error" and last["error"] == type(err).__name__
    return err


def test_xerial_401_please_authenticate_is_invalid_grant(store_url: str) -> None:
    with sb.serve("xerial") as p:
        conn = _primed(p, store_url)
        p.revoke_all()
        err = _assert_fails_unchanged(conn, oauthkit.InvalidGrant, 401)
        assert "XERIAL_REFRESH_TOKEN" in str(err)  # says what to do


def test_xerial_401_body_with_status_200_is_not_a_token(store_url: str) -> None:
    with sb.serve("xerial") as p:
        conn = _primed(p, store_url)
        p.fail(200, {"code": 401, "message": "Please Authenticate"})
        err = _assert_fails_unchanged(conn, oauthkit.MalformedResponse, 200)
        assert "access.token" in str(err)


def test_auth0_reuse_of_a_rotated_token_is_invalid_grant(store_url: str) -> None:
    with sb.serve("auth0") as p:
        conn = _primed(p, store_url)
        other = oauthkit.connect("auth0", name="copy", store=store_url, **p.settings)
        with pytest.raises(oauthkit.InvalidGrant) as info:
            other.refresh()  # the seed was rotated away: reuse revokes the family
        assert info.value.status == 403
        _assert_fails_unchanged(conn, oauthkit.InvalidGrant, 403)


@pytest.mark.parametrize("name", ["parqex", "ellipsis_drive", "edgetag"])
def test_revoked_grant_is_invalid_grant(name: str, store_url: str) -> None:
    with sb.serve(name) as p:
        conn = _primed(p, store_url)
        p.revoke_all()
        _assert_fails_unchanged(conn, oauthkit.InvalidGrant, 400)


def test_wrong_client_secret_is_a_refresh_error_not_invalid_grant(store_url: str) -> None:
    with sb.serve("parqex") as p:
        conn = oauthkit.connect(
            "parqex", store=store_url, **{**p.settings, "client_secret": "wrong-secret-123"}
        )
        with pytest.raises(oauthkit.RefreshError) as info:
            conn.refresh()
        assert type(info.value) is oauthkit.RefreshError
        assert info.value.status == 401 and "invalid_client" in str(info.value)
        assert "wrong-secret-123" not in str(info.value)
        assert conn.token is None


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (200, "<!doctype html><html><body>Maintenance</body></html>", "text/html"),
        (200, [{"access_token": "x"}], None),
        (200, {"token_type": "Bearer", "expires_in": 3600}, None),
        (200, "", "application/json"),
        (200, '{"access_token": "abc", "expires_in": 36', "application/json"),
        (200, {"access_token": "abc", "expires_in": -5}, None),
        (200, {"access_token": 12345, "expires_in": 60}, None),
        (200, {"access_token": "abc", "expires_in": "soon"}, None),
    ],
)
def test_answers_that_are_not_tokens_are_malformed(
    status: int, body: Any, content_type: str | None, store_url: str
) -> None:
    with sb.serve("edgetag") as p:
        conn = _primed(p, store_url, retry=ONE_TRY)
        p.fail(status, body, content_type=content_type)
        _assert_fails_unchanged(conn, oauthkit.MalformedResponse, status)


def test_expires_in_as_a_string_is_accepted(store_url: str) -> None:
    with sb.serve("edgetag") as p:
        conn = _primed(p, store_url)
        p.fail(200, {"access_token": "abc-string-expiry", "expires_in": "120"})
        before = time.time()
        token = conn.refresh()
        assert token.expires_at is not None and abs(token.expires_at.timestamp() - before - 120) < 2


def test_rotation_always_without_a_refresh_token_is_malformed(store_url: str) -> None:
    with sb.serve("parqex") as p:
        conn = _primed(p, store_url)
        p.fail(200, {"access_token": "a-new-one", "expires_in": 60})
        _assert_fails_unchanged(conn, oauthkit.MalformedResponse, 200)


def test_5xx_is_a_provider_error_after_retries(store_url: str) -> None:
    with sb.serve("xerial") as p:
        conn = _primed(p, store_url, retry=oauthkit.Retry(attempts=3, backoff=0.01))
        p.fail(500, {"error": "Internal Server Error"}, times=3)
        _assert_fails_unchanged(conn, oauthkit.ProviderError, 500)
        rows = conn.history().iloc[-3:]
        assert list(rows["attempt"]) == [1, 2, 3] and set(rows["http_status"]) == {500}


def test_a_503_is_retried_and_recovers(store_url: str) -> None:
    with sb.serve("auth0") as p:
        conn = _primed(p, store_url, retry=oauthkit.Retry(attempts=3, backoff=0.01))
        p.fail(503, {"error": "temporarily_unavailable"})
        token = conn.refresh()
        rows = conn.history().iloc[-2:]
        assert list(rows["outcome"]) == ["error", "ok"]
        assert list(rows["attempt"]) == [1, 2]
        assert conn.token == token


def test_429_is_rate_limited_with_retry_after(store_url: str) -> None:
    with sb.serve("auth0") as p:
        conn = _primed(p, store_url, retry=ONE_TRY)
        p.rate_limit(reset_in=7)
        err = _assert_fails_unchanged(conn, oauthkit.RateLimited, 429)
        assert isinstance(err, oauthkit.RateLimited)
        assert err.retry_after is not None and 5 <= err.retry_after <= 8


def test_429_is_retried_after_the_provider_says(store_url: str) -> None:
    with sb.serve("xerial") as p:
        conn = _primed(p, store_url)
        p.rate_limit(reset_in=1)
        started = time.monotonic()
        conn.refresh()
        assert time.monotonic() - started >= 0.9
        assert list(conn.history()["outcome"].iloc[-2:]) == ["error", "ok"]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_endpoint_is_a_transport_error(store_url: str) -> None:
    conn = oauthkit.connect(
        "xerial",
        store=store_url,
        base_url=f"http://127.0.0.1:{_closed_port()}/v1",
        refresh_token="seed-token-never-sent",
        retry=oauthkit.Retry(attempts=2, backoff=0.01),
    )
    with pytest.raises(oauthkit.TransportError) as info:
        conn.refresh()
    assert "seed-token-never-sent" not in str(info.value)
    assert conn.token is None
    assert list(conn.history()["attempt"]) == [1, 2]


def test_plain_http_to_a_remote_host_is_refused(store_url: str) -> None:
    with pytest.raises(oauthkit.ConfigError, match="plain http"):
        oauthkit.connect("xerial", store=store_url, base_url="http://api.example.com/v1", refresh_token="x")
    conn = oauthkit.connect(
        "xerial",
        store=store_url,
        base_url="http://api.example.com/v1",
        refresh_token="x",
        allow_insecure_http=True,
    )
    assert conn.token is None


def test_missing_settings_name_the_environment_variable(store_url: str) -> None:
    with pytest.raises(oauthkit.ConfigError, match="ELLIPSIS_DRIVE_CLIENT_SECRET"):
        oauthkit.connect("ellipsis_drive", store=store_url, client_id="id", refresh_token="r")
    with pytest.raises(oauthkit.ConfigError, match="XERIAL_BASE_URL"):
        oauthkit.connect("xerial", store=store_url, refresh_token="r")
    # No refresh token anywhere: connecting works (conn.login() may come next); refreshing names it.
    work = oauthkit.connect("xerial", name="work", store=store_url, base_url="https://x.example/v1")
    with pytest.raises(oauthkit.ConfigError, match="XERIAL_WORK_REFRESH_TOKEN"):
        work.refresh()
    with pytest.raises(oauthkit.ConfigError, match="unknown setting"):
        oauthkit.connect(
            "xerial",
            store=store_url,
            base_url="https://x.example/v1",
            refresh_token="r",
            client_secret="nope",
        )


def test_errors_are_picklable_and_typed() -> None:
    import pickle

    err = oauthkit.RateLimited("slow down", retry_after=3.0, adapter="auth0", connection="c", status=429)
    copy = pickle.loads(pickle.dumps(err))
    assert isinstance(copy, oauthkit.RateLimited) and copy.retry_after == 3.0 and str(copy) == str(err)
    assert issubclass(oauthkit.InvalidGrant, oauthkit.RefreshError)
    assert issubclass(oauthkit.RefreshError, oauthkit.OAuthKitError)


def test_failed_connect_uses_typed_error_for_unknown_adapter() -> None:
    with pytest.raises(oauthkit.ConfigError, match=r"available: .*auth0"):
        oauthkit.connect("nope")
