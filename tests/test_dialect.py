"""The one dialect (oauthkit/dialect.py): every token request built as a value, no I/O; and the
first-token flows, which talk to a protocol, never to connection.py."""

from __future__ import annotations

import ast
import base64
import dataclasses
import json
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from oauthkit.adapter import RequestSpec
from oauthkit.dialect import Dialect
from oauthkit.registry import get_adapter

ROOT = Path(__file__).resolve().parent.parent


def _dialect(**request: object) -> Dialect:
    adapter = get_adapter("auth0")
    spec = RequestSpec(url="https://{domain}/oauth/token", **request)  # type: ignore[arg-type]
    adapter = dataclasses.replace(adapter, request=spec)
    settings = {
        "domain": "example.test",
        "client_id": "cid",
        "client_secret": "s3cr\u00e9t",
        "audience": "api",
    }
    return Dialect(adapter, settings, "default")


def test_a_refresh_is_a_form_with_wire_names_extras_and_credentials_last() -> None:
    d = _dialect(names={"refresh_token": "refreshToken"}, extra={"aud": "{audience}"}, optional=("audience",))
    wire = d.refresh("https://example.test/oauth/token", "body", "rt-1")
    assert wire.method == "POST" and wire.url == "https://example.test/oauth/token"
    assert parse_qsl(wire.body.decode()) == [
        ("grant_type", "refresh_token"),
        ("refreshToken", "rt-1"),
        ("audience", "api"),
        ("aud", "api"),
        ("client_id", "cid"),
        ("client_secret", "s3cr\u00e9t"),
    ]
    assert wire.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert wire.headers["Content-Length"] == str(len(wire.body))


def test_basic_auth_is_utf8_and_keeps_the_secret_out_of_the_body() -> None:
    wire = _dialect(client_auth="basic").refresh("https://example.test/t", "basic", "rt")
    raw = base64.b64decode(wire.headers["Authorization"].removeprefix("Basic "))
    assert raw == "cid:s3cr\u00e9t".encode()
    assert b"client_secret" not in wire.body and b"s3cr" not in wire.body


def test_a_query_request_has_no_body_and_a_json_one_a_json_object() -> None:
    query = _dialect(method="GET", encoding="query", grant_type=None).refresh(
        "https://example.test/t?a=1", "public", "rt"
    )
    assert query.body == b"" and "Content-Type" not in query.headers
    assert parse_qsl(urlsplit(query.url).query) == [("a", "1"), ("refresh_token", "rt"), ("client_id", "cid")]
    body = _dialect(encoding="json").refresh("https://example.test/t", "none", "rt")
    assert json.loads(body.body) == {"grant_type": "refresh_token", "refresh_token": "rt"}
    assert body.headers["Content-Type"] == "application/json"


def test_a_code_exchange_and_a_login_are_built_the_same_way() -> None:
    d = _dialect()
    spec = RequestSpec(url="https://example.test/t", grant_type="authorization_code")
    wire = d.code_exchange(spec, "public", spec.url, "http://127.0.0.1:1/callback", "the-code", "verifier")
    assert parse_qsl(wire.body.decode()) == [
        ("grant_type", "authorization_code"),
        ("redirect_uri", "http://127.0.0.1:1/callback"),
        ("code", "the-code"),
        ("code_verifier", "verifier"),
        ("client_id", "cid"),
    ]
    login = RequestSpec(
        url="https://example.test/login", grant_type=None, encoding="json", names={"password": "pw"}
    )
    sent = d.login(login, "none", login.url, [("email", "a@b"), ("password", "hunter2")])
    assert json.loads(sent.body) == {"email": "a@b", "pw": "hunter2"}


def test_first_tokens_never_import_the_connection() -> None:
    for path in sorted((ROOT / "oauthkit" / "first_tokens").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                assert "connection" not in (node.module or ""), path
            elif isinstance(node, ast.Import):
                assert all("connection" not in alias.name for alias in node.names), path
