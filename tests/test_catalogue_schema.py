"""The adapter keys the catalogue needed, each proven over real HTTP against a local server:
fixed request headers, settings sent on every refresh, form-encoded answers, answers wrapped in a
status field, and non-secret answer fields kept on ``token.extra`` (and through a SQLite store)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import oauthkit
from oauthkit.store import Key
from oauthkit.store.base import Record
from oauthkit.testing import ContractMismatch, verify

BASE: dict[str, Any] = {
    "name": "schema_probe",
    "title": "Schema probe",
    "settings": {
        "base_url": {},
        "client_id": {},
        "client_secret": {"secret": True},
        "scope": {"required": False},
    },
    "request": {"url": "{base_url}/token"},
}


def _adapter(**sections: Any) -> dict[str, Any]:
    data = {**BASE, **{k: v for k, v in sections.items() if k not in ("request",)}}
    data["request"] = {**BASE["request"], **sections.get("request", {})}
    return data


FORM = {"grant_type": "refresh_token", "refresh_token": "rt-1", "client_id": "cid", "client_secret": "sec"}


def _example(
    body: Any,
    *,
    headers: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    response_headers: dict[str, str] | None = None,
    status: int = 200,
) -> dict[str, Any]:
    return {
        "request": {"method": "POST", "path": "/token", "headers": headers or {}, "form": form or FORM},
        "response": {"status": status, "body": body, "headers": response_headers or {}},
    }


def test_fixed_headers_are_sent_and_a_missing_one_is_a_mismatch() -> None:
    adapter = _adapter(request={"headers": {"Accept": "application/vnd.probe+json", "X-App": "{client_id}"}})
    example = _example(
        {"access_token": "at"}, headers={"Accept": "application/vnd.probe+json", "X-App": "cid"}
    )
    assert verify(adapter, example).access_token == "at"
    without = _adapter()
    with pytest.raises(ContractMismatch, match="x-app: cid"):
        verify(without, example)


def test_the_adapter_may_not_set_the_headers_oauthkit_builds() -> None:
    with pytest.raises(oauthkit.AdapterError, match=r"request\.headers\.Authorization"):
        oauthkit.Adapter.from_dict(_adapter(request={"headers": {"Authorization": "Basic x"}}))


def test_a_required_setting_is_sent_on_every_refresh_and_its_absence_is_a_config_error() -> None:
    adapter = _adapter(request={"required": ["scope"]})
    example = _example({"access_token": "at"}, form={**FORM, "scope": "offline_access"})
    example["settings"] = {"scope": "offline_access"}
    assert verify(adapter, example).access_token == "at"
    conn = oauthkit.connect(
        oauthkit.Adapter.from_dict(adapter),
        name="probe",
        store="memory://required",
        base_url="http://127.0.0.1:9/",
        client_id="cid",
        client_secret="sec",
        refresh_token="rt-1",
    )
    with pytest.raises(oauthkit.ConfigError, match="scope") as info:
        conn.refresh()
    assert "SCHEMA_PROBE_SCOPE" in str(info.value.hint) or "PROBE_SCOPE" in str(info.value.hint)
    conn.close()


def test_a_form_encoded_answer_is_read_and_its_error_too() -> None:
    adapter = _adapter(response={"encoding": "form"}, errors={"invalid_grant_codes": ["bad_refresh_token"]})
    body = "access_token=gho_16C7e42F&scope=repo%2Cgist&token_type=bearer&expires_in=28800"
    token = verify(
        adapter, _example(body, response_headers={"Content-Type": "application/x-www-form-urlencoded"})
    )
    assert (token.access_token, token.scope, token.lifetime) == ("gho_16C7e42F", "repo,gist", 28800)
    dead = "error=bad_refresh_token&error_description=The+refresh+token+passed+is+incorrect+or+expired."
    with pytest.raises(oauthkit.InvalidGrant, match="incorrect or expired"):
        verify(
            adapter, _example(dead, response_headers={"Content-Type": "application/x-www-form-urlencoded"})
        )
    # A JSON error from the same provider still reads as JSON.
    with pytest.raises(oauthkit.InvalidGrant):
        verify(adapter, _example({"error": "bad_refresh_token"}))


def test_an_answer_wrapped_in_a_status_field_is_unwrapped_and_a_failing_status_is_an_error() -> None:
    adapter = _adapter(
        response={
            "access_token": "body.access_token",
            "refresh_token": "body.refresh_token",
            "expires": {"field": "body.expires_in"},
            "scope": "body.scope",
            "token_type": "body.token_type",
        },
        errors={
            "status_field": "status",
            "ok_status": [0],
            "invalid_grant_messages": ["invalid refresh_token"],
            "message_field": "error",
        },
        rotation="always",
    )
    ok = {
        "status": 0,
        "body": {
            "access_token": "a075f8",
            "refresh_token": "f63123",
            "expires_in": 10800,
            "token_type": "Bearer",
            "scope": "user.metrics",
        },
    }
    token = verify(adapter, _example(ok))
    assert (token.access_token, token.refresh_token, token.lifetime) == ("a075f8", "f63123", 10800)
    # HTTP 200 but status 503: an error, the status named; no token is read from it.
    refused = {"status": 503, "body": {}, "error": "Invalid Params: invalid refresh_token"}
    with pytest.raises(oauthkit.InvalidGrant) as info:
        verify(adapter, _example(refused))
    assert "status 503" in str(info.value.provider_text)
    with pytest.raises(oauthkit.RefreshError, match="refused") as other:
        verify(adapter, _example({"status": 601, "body": {}, "error": "Too many requests"}))
    assert not isinstance(other.value, oauthkit.InvalidGrant)
    # "0" (text) is not 0: a status field is compared as written, never coerced.
    with pytest.raises(oauthkit.RefreshError):
        verify(adapter, _example({**ok, "status": "0"}))


def test_status_field_and_ok_status_go_together() -> None:
    with pytest.raises(oauthkit.AdapterError, match="go together"):
        oauthkit.Adapter.from_dict(_adapter(errors={"status_field": "status"}))


def test_extra_fields_are_kept_shown_and_stored_but_a_token_can_never_be_one(tmp_path: Path) -> None:
    adapter = _adapter(response={"extra": ["instance_url", "team.id", "missing"]})
    body = {
        "access_token": "00Dxx!AQ0",
        "instance_url": "https://yourInstance.salesforce.com",
        "team": {"id": "T9TK3CUKW", "name": "Slack Softball Team"},
    }
    token = verify(
        adapter,
        {
            **_example(body),
            "expect": {
                "extra": {"instance_url": "https://yourInstance.salesforce.com", "team.id": "T9TK3CUKW"}
            },
        },
    )
    assert "instance_url=https://yourInstance.salesforce.com" in repr(token)
    assert "00Dxx!AQ0" not in repr(token) and "T9TK3CUKW" in token._repr_html_()
    # Through a real SQLite file and back.
    store = oauthkit.open_store(f"sqlite:///{tmp_path / 'tokens.db'}")
    key = Key("schema_probe", "probe")
    store.save(key, Record(token=token, refresh_token=token.refresh_token))
    loaded = store.load(key)
    assert loaded is not None and loaded.token is not None
    assert dict(loaded.token.extra) == dict(token.extra)
    store.close()
    with pytest.raises(oauthkit.AdapterError, match="is a token"):
        oauthkit.Adapter.from_dict(_adapter(response={"extra": ["access_token"]}))


def test_a_number_in_a_dotted_path_steps_into_a_list() -> None:
    # Fitbit's error shape: {"errors": [{"errorType": ..., "message": ...}], "success": false}
    adapter = _adapter(
        errors={
            "code_field": "errors.0.errorType",
            "message_field": "errors.0.message",
            "invalid_grant_codes": ["invalid_grant"],
        }
    )
    body = {
        "errors": [{"errorType": "invalid_grant", "message": "Refresh token invalid: rt-1."}],
        "success": False,
    }
    with pytest.raises(oauthkit.InvalidGrant, match="Refresh token invalid"):
        verify(adapter, _example(body, status=400))
    other = {"errors": [{"errorType": "invalid_client", "message": "Invalid authorization header."}]}
    with pytest.raises(oauthkit.RefreshError) as info:
        verify(adapter, _example(other, status=401))
    assert not isinstance(info.value, oauthkit.InvalidGrant)


def test_delete_is_for_revocation_only_and_github_sends_it_as_its_reference_prints() -> None:
    with pytest.raises(oauthkit.AdapterError, match="DELETE is only for a revocation request"):
        oauthkit.Adapter.from_dict(_adapter(request={"method": "DELETE"}))
    import oauthkit.sandbox as sb

    with sb.serve("github", access_lifetime=600) as p:
        conn = oauthkit.connect("github", store="memory://github-revoke", min_interval=0, **p.settings)
        try:
            token = conn.refresh()
            conn.revoke()
        finally:
            conn.close()
        [sent] = [r for r in p.requests if r.method == "DELETE"]
        assert sent.path == f"/applications/{p.client_id}/grant"
        assert sent.basic_auth == (p.client_id, p.client_secret)
        assert sent.json == {"access_token": token.access_token}
        assert sent.headers["content-length"] == str(len(sent.body))
