"""EdgeTag: `POST /v1/oauth-app/client/token` with HTTP Basic client auth (edgetag.md, NOTES.md).

The page's sentence "Request is GET" is contradicted by both of its examples, which POST
a form body (`refresh_token`, `grant_type=refresh_token`) with
`Authorization: Basic base64(clientId:clientSecret)`; the examples win, GET gets 405.
Access tokens live two hours and the answer is only `{access_token, expires_in}`: no
refresh_token (the old one stays valid; no rotation) and no token_type.

First tokens: `GET /oauth/authorize` on the app host (this emulator serves both hosts on one
origin: `client_settings` carries `app_url`), PKCE S256 required, then a form POST to the token
endpoint with `grant_type=authorization_code`, `code`, `redirect_uri`, `code_verifier` and
Basic client auth; that answer carries the refresh token.
"""

from __future__ import annotations

import time
from typing import Any

from .records import RecordedRequest, Reply, json_reply, seconds
from .server import Emulator


def _error(status: int, error: str) -> Reply:
    return json_reply(status, {"error": error})


class EdgeTagEmulator(Emulator):
    name = "edgetag"
    token_path = "/v1/oauth-app/client/token"
    api_paths = ("/v1/me",)
    authorize_path = "/oauth/authorize"
    pkce_methods = ("S256",)
    pkce_required = True
    default_access_lifetime = 7200.0
    default_rotation = False

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        # Accepted for a uniform option set, but EdgeTag never rotates.
        self.rotation = False

    def handle_token(self, req: RecordedRequest) -> Reply:
        if req.method != "POST":
            return json_reply(405, {"error": "invalid_request"}, {"Allow": "POST"})
        # Only the Basic header authenticates the client; credentials in the body do not.
        client_id, client_secret = req.basic_auth or (None, None)
        if not self.client_matches(client_id, client_secret):
            return _error(401, "invalid_client")
        form = req.form or {}
        if form.get("grant_type", [""])[-1] == "authorization_code":
            return self._exchange({key: values[-1] for key, values in form.items()}, client_id)
        if form.get("grant_type", [""])[-1] != "refresh_token":
            return _error(400, "unsupported_grant_type")

        token = self.find_refresh(form.get("refresh_token", [""])[-1])
        if token is None or token.problem(time.time()):
            return _error(400, "invalid_grant")

        access = self.issue_access(token.grant)
        return json_reply(200, {"access_token": access.value, "expires_in": seconds(self.access_lifetime)})

    def _exchange(self, form: dict[str, str], client_id: str | None) -> Reply:
        grant = self.exchange_code(
            form.get("code"), client_id, form.get("redirect_uri"), form.get("code_verifier")
        )
        if isinstance(grant, str):
            return _error(400, "invalid_grant")
        access = self.issue_access(grant)
        return json_reply(
            200,
            {
                "access_token": access.value,
                "refresh_token": self.issue_refresh(grant).value,
                "expires_in": seconds(self.access_lifetime),
            },
        )

    @property
    def client_settings(self) -> dict[str, str]:
        # Users approve on app.edgetag.io, the API is api.edgetag.io; here both are this origin.
        return {**super().client_settings, "app_url": self.origin}
