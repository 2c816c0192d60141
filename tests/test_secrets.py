"""Secrets never reach a log line, a repr, an exception or the refresh log."""

from __future__ import annotations

import logging

import pytest

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.redact import redact_params


def test_query_string_secrets_are_redacted_from_http_library_logs(
    store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with sb.serve("parqex", access_lifetime=600) as p:
        conn = oauthkit.connect("parqex", store=store_url, **p.settings)
        conn.session.get(p.api_url)
        with conn.client() as client:  # httpx logs every URL at INFO
            conn.refresh()
            client.get(p.api_url)
        secrets = [p.settings["client_secret"], p.settings["refresh_token"]]
        token = conn.token
        assert token is not None and token.refresh_token
        secrets += [token.access_token, token.refresh_token]
        text = "\n".join(r.getMessage() for r in caplog.records)
        assert "/oauth/v2/endpoints/token/" in text  # the URL was logged, by urllib3 or httpx
        for secret in secrets:
            assert secret not in text
        assert "query string" in text  # the one warning about secrets in URLs
        for value in (repr(conn), conn._repr_html_(), repr(token), conn.history().to_string()):
            for secret in secrets:
                assert secret not in value


def test_redact_params_keeps_harmless_parameters() -> None:
    text = "GET /t?client_id=abc&client_secret=s3cr3t&grant_type=refresh_token&refreshToken=r1 HTTP/1.1"
    out = redact_params(text)
    assert "client_id=abc" in out and "grant_type=refresh_token" in out
    assert "s3cr3t" not in out and "r1 " not in out


def _secrets_seen(p: sb.Emulator, conn: oauthkit.Connection) -> set[str]:
    """Every secret that crossed the wire: client secret, refresh tokens, access tokens."""
    found = {p.settings.get("client_secret", "")}
    for req in p.requests:
        for name in ("refresh_token", "refreshToken", "client_secret"):
            value = req.param(name)
            if value:
                found.add(value)
        if req.basic_auth:
            found.add(req.basic_auth[1])
        if req.bearer:
            found.add(req.bearer)
    token = conn.token
    if token is not None:
        found |= {token.access_token, token.refresh_token or "", token.id_token or ""}
    return {s for s in found if s and len(s) >= 8}


@pytest.mark.parametrize("name", ["parqex", "ellipsis_drive", "auth0", "edgetag", "xerial"])
def test_secret_sweep_over_success_and_failure_paths(
    name: str, store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    import subprocess
    import sys

    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    with sb.serve(name, access_lifetime=600) as p:
        conn = oauthkit.connect(
            name, store=store_url, retry=oauthkit.Retry(attempts=2, backoff=0.01), **p.settings
        )
        token = conn.refresh()
        texts += [repr(token), str(token), token._repr_html_()]
        conn.session.get(p.api_url)
        with conn.client() as client:
            client.get(p.api_url)
        p.revoke_access_tokens()
        conn.session.get(p.api_url)  # reactive refresh
        failures: list[tuple[int, object, str | None, int]] = [  # status, body, type, attempts
            (500, {"error": "Internal Server Error"}, None, 2),
            (200, "<html><body>login</body></html>", "text/html", 1),
            (429, {"error": "slow_down"}, None, 2),
            (200, {"access_token": "", "expires_in": 5}, None, 1),
        ]
        for status, body, ctype, attempts in failures:
            p.fail(status, body, content_type=ctype, times=attempts)
            with pytest.raises(oauthkit.OAuthKitError) as info:
                conn.refresh()
            texts += [str(info.value), repr(info.value)]
        p.revoke_all()
        with pytest.raises(oauthkit.InvalidGrant) as grant:
            conn.refresh()
        texts += [str(grant.value), repr(grant.value), repr(conn), conn._repr_html_()]
        frame = conn.history()
        texts += [frame.to_string(), frame.to_csv(), oauthkit.history(store_url).to_json(date_format="iso")]
        texts += [repr(conn.adapter), conn.adapter._repr_html_(), oauthkit.list_adapters().to_string()]
        cli = subprocess.run(
            [sys.executable, "-m", "oauthkit.cli", "history", "--store", store_url],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert cli.returncode == 0, cli.stderr
        texts += [cli.stdout, cli.stderr]
        secrets = _secrets_seen(p, conn)
    for record in caplog.records:
        texts.append(record.getMessage())
        if record.exc_info:
            texts.append(logging.Formatter().formatException(record.exc_info))
    haystack = "\n".join(texts)
    assert len(secrets) >= 3
    leaked = [s for s in secrets if s in haystack]
    assert not leaked, f"{len(leaked)} secret(s) leaked"
    assert "refresh" in haystack.lower() and len(caplog.records) > 5  # the sweep saw real output
