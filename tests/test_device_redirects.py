"""Issue 11's "secrets go only where the adapter says", for the requests issue 14 added: a 3xx
from the device authorization or the revocation endpoint is never followed (the client id, the
secret and the token would go with it) and nothing is stored or forgotten."""

from __future__ import annotations

import json
import uuid

import pytest
from test_trust_connection import token_server

import oauthkit


def _redirecting(decoy: str):  # type: ignore[no-untyped-def]
    def answer(path: str, params: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        if path.startswith(("/device", "/revoke")):
            return 307, {"Location": decoy + path}, b""
        body = {
            "access_token": "at-" + uuid.uuid4().hex,
            "refresh_token": "rt-" + uuid.uuid4().hex,
            "expires_in": 600,
        }
        return 200, {}, json.dumps(body).encode()

    return answer


def test_device_and_revocation_redirects_are_not_followed() -> None:
    def decoy_answer(path: str, params: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        return 200, {}, b"{}"

    with token_server(decoy_answer) as (decoy, decoy_seen), token_server(_redirecting(decoy)) as (url, _):
        conn = oauthkit.connect(
            "oauth2", store=f"memory://{uuid.uuid4().hex}", min_interval=0, token_url=url + "/token",
            device_authorization_url=url + "/device", revocation_url=url + "/revoke",
            client_id="cid", client_secret="s" * 30, refresh_token="r" * 30,
        )  # fmt: skip
        try:
            with pytest.raises(oauthkit.AuthorizationError) as info:
                conn.authorize(flow="device", on_code=lambda code: None)
            assert info.value.status == 307
            token = conn.refresh()
            with pytest.raises(oauthkit.RefreshError) as refused:
                conn.revoke()
            assert refused.value.status == 307
            assert conn.token == token  # nothing was forgotten
        finally:
            conn.close()
        assert decoy_seen == []  # the redirect's target received nothing
