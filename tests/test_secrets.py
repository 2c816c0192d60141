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
