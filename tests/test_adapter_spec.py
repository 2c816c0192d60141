"""The adapter spec: shipped adapters validate; broken ones say which adapter, which field, what is wrong."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

import oauthkit
from oauthkit.adapter import Adapter
from oauthkit.registry import shipped_folder

SHIPPED = ["auth0", "edgetag", "ellipsis_drive", "parqex", "xerial"]

GOOD: dict[str, Any] = {
    "name": "example",
    "title": "Example",
    "settings": {
        "base_url": {"default": "https://api.example.com"},
        "client_id": {},
        "client_secret": {"secret": True},
    },
    "request": {"url": "{base_url}/token"},
}


def test_five_shipped_adapters() -> None:
    frame = oauthkit.list_adapters()
    assert set(SHIPPED) <= set(frame["name"])
    for column in ("name", "title", "method", "encoding", "client_auth", "rotates", "docs"):
        assert column in frame.columns
    rows = frame.set_index("name")
    assert rows.loc["parqex", "method"] == "GET" and rows.loc["parqex", "encoding"] == "query"
    assert rows.loc["xerial", "encoding"] == "json" and rows.loc["edgetag", "client_auth"] == "basic"
    assert rows.loc["edgetag", "rotates"] == "never" and rows.loc["xerial", "rotates"] == "always"


def test_adapter_modules_are_data() -> None:
    # An adapter never imports Authlib, requests or pandas (docs/DESIGN.md).
    for path in sorted(shipped_folder().glob("*.py")):
        text = path.read_text()
        for lib in ("authlib", "requests", "pandas", "httpx"):
            assert f"import {lib}" not in text, path
        if path.stem != "__init__":
            assert "docs" in text and "ADAPTER = {" in text


def test_get_adapter_describes_the_request() -> None:
    adapter = oauthkit.get_adapter("xerial")
    assert isinstance(adapter, Adapter)
    assert adapter.request.wire("refresh_token") == "refreshToken"
    assert adapter.response.expires is not None and adapter.response.expires.format == "iso8601"
    assert "xerial" in repr(adapter) and "<table" in adapter._repr_html_()
    assert adapter.env_name("refresh_token") == "XERIAL_REFRESH_TOKEN"
    assert (
        oauthkit.get_adapter("ellipsis_drive").env_name("client_id", "work")
        == "ELLIPSIS_DRIVE_WORK_CLIENT_ID"
    )


def _broken(path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(GOOD)
    node = data
    parts = path.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "field", "words"),
    [
        ("request.method", "PUT", "request.method", "one of GET, POST"),
        ("request.encoding", "jsn", "request.encoding", "one of query, form, json"),
        ("request.encodng", "json", "request.encodng", "did you mean 'encoding'"),
        ("request.client_auth", "mtls", "request.client_auth", "basic, body, none"),
        ("request.url", "{base_url}/{tenant}/token", "request.url", "undeclared setting {tenant}"),
        ("request.method", "GET", "request.encoding", "must be 'query' for a GET"),
        (
            "response.expires",
            {"field": "exp", "kind": "timestamp"},
            "response.expires.format",
            "iso8601",
        ),
        (
            "response.expires",
            {"field": "exp", "kind": "minutes"},
            "response.expires.kind",
            "seconds, timestamp",
        ),
        ("response.access_token", "", "response.access_token", "non-empty string"),
        ("response.default_lifetime", -1, "response.default_lifetime", "positive number"),
        ("rotation", "sometimes", "rotation", "always, never, if_present"),
        ("errors.invalid_grant_status", [200], "errors.invalid_grant_status", "4xx"),
        ("settings.client_secret.secret", "yes", "settings.client_secret.secret", "True or False"),
        ("name", "Bad Name", "name", "lower-case"),
        (
            "settings.client_id",
            {"default": "{base_url}-client"},  # fine alone; base_url's default is plain ...
            "settings.client_id.default",
            "whose own default is a template",  # ... until base_url's is a template too (below)
        ),
    ],
)
def test_broken_adapters_name_adapter_field_and_problem(
    path: str, value: Any, field: str, words: str
) -> None:
    data = _broken(path, value)
    if field == "settings.client_id.default":
        data["settings"]["base_url"]["default"] = "https://{client_secret}.example"  # chained defaults
    with pytest.raises(oauthkit.AdapterError) as info:
        Adapter.from_dict(data, source="test.py")
    text = str(info.value)
    assert f"'{field}'" in text and words in text
    assert "test.py" in text
    assert ("'Bad Name'" if path == "name" else "'example'") in text


def test_basic_auth_needs_declared_credentials() -> None:
    data = copy.deepcopy(GOOD)
    data["settings"] = {"base_url": {"default": "https://x"}}
    data["request"]["client_auth"] = "basic"
    with pytest.raises(oauthkit.AdapterError, match="must declare 'client_id'"):
        Adapter.from_dict(data)


def test_load_adapters_from_a_folder_and_name_clashes(tmp_path: Path) -> None:
    (tmp_path / "acme.py").write_text(
        "ADAPTER = {'name': 'acme_test', 'settings': {'base_url': {}}, "
        "'request': {'url': '{base_url}/t', 'client_auth': 'none'}}\n"
    )
    [adapter] = oauthkit.load_adapters(tmp_path)
    assert adapter.name == "acme_test" and oauthkit.get_adapter("acme_test") is adapter
    assert oauthkit.load_adapters(tmp_path)[0].name == "acme_test"  # same file again: fine
    clash = tmp_path / "other"
    clash.mkdir()
    (clash / "acme2.py").write_text((tmp_path / "acme.py").read_text())
    with pytest.raises(oauthkit.AdapterError, match="is taken"):
        oauthkit.load_adapters(clash)
    (clash / "acme2.py").write_text("ADAPTER = {'name': 'xerial', 'request': {'url': 'https://x/t'}}\n")
    with pytest.raises(oauthkit.AdapterError, match="xerial"):
        oauthkit.load_adapters(clash / "acme2.py")


def test_broken_adapter_files_are_adapter_errors(tmp_path: Path) -> None:
    (tmp_path / "syntax.py").write_text("ADAPTER = {\n")
    with pytest.raises(oauthkit.AdapterError, match="failed to import"):
        oauthkit.load_adapters(tmp_path / "syntax.py")
    (tmp_path / "empty.py").write_text("X = 1\n")
    with pytest.raises(oauthkit.AdapterError, match="defines no ADAPTER"):
        oauthkit.load_adapters(tmp_path / "empty.py")
