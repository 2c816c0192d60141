"""Ellipsis Drive: `POST {base}/oauth/token`, RFC 6749 refresh (ellipsis_drive.md, NOTES.md).

The docs leave the body encoding open (their own clients send JSON; standard servers take
a form), so both are accepted. Client credentials come in the body or as HTTP Basic.
Errors are 400/401 JSON objects with a `message` field.

First tokens: `GET /v3/oauth/authorize` (PKCE `plain` or `S256`, `plain` when no method is
given; scope `projects`), then `grant_type=authorization_code` with the code in a parameter
named `authorization_code` (not `code`) and `code_verifier` when PKCE was used. Codes live one
minute.
"""

from __future__ import annotations

import time

from .records import RecordedRequest, Reply, json_reply, seconds
from .server import Emulator


def _message(status: int, message: str) -> Reply:
    return json_reply(status, {"message": message})


class EllipsisDriveEmulator(Emulator):
    name = "ellipsis_drive"
    base_path = "/v3"
    token_path = "/v3/oauth/token"
    api_paths = ("/v3/account/me",)
    authorize_path = "/v3/oauth/authorize"
    pkce_methods = ("plain", "S256")
    default_code_lifetime = 60.0  # "The code is valid for 1 minute"
    default_rotation = True
    scope = "projects"

    def handle_token(self, req: RecordedRequest) -> Reply:
        if req.method != "POST":
            return json_reply(405, {"message": "Method not allowed"}, {"Allow": "POST"})
        if req.form is None and not isinstance(req.json, dict):
            return _message(400, "Invalid request body")

        client_id, client_secret = req.basic_auth or (
            req.param("client_id"),
            req.param("client_secret"),
        )
        if not self.client_matches(client_id, client_secret):
            return _message(401, "Invalid client credentials")
        if req.param("grant_type") == "authorization_code":
            return self._exchange(req, client_id)
        if req.param("grant_type") != "refresh_token":
            return _message(400, "grant_type must be refresh_token")

        token = self.find_refresh(req.param("refresh_token"))
        if token is None or token.problem(time.time()):
            return _message(400, "Invalid refresh token")

        access = self.issue_access(token.grant)
        body: dict[str, object] = {
            "access_token": access.value,
            "token_type": "Bearer",
            "expires_in": seconds(self.access_lifetime),
        }
        # The overview promises "new access and refresh tokens"; without rotation (the
        # refresh page's reading) the old refresh token stays valid and none is returned.
        if self.rotation:
            body["refresh_token"] = self.rotate(token).value
        return json_reply(200, body)

    def _exchange(self, req: RecordedRequest, client_id: str | None) -> Reply:
        code = req.param("authorization_code")
        if not code:
            return _message(400, "authorization_code is required")
        grant = self.exchange_code(code, client_id, req.param("redirect_uri"), req.param("code_verifier"))
        if isinstance(grant, str):
            return _message(400, f"Invalid authorization code: {grant}")
        access = self.issue_access(grant)
        return json_reply(
            200,
            {
                "access_token": access.value,
                "token_type": "Bearer",
                "expires_in": seconds(self.access_lifetime),
                "refresh_token": self.issue_refresh(grant).value,
            },
        )

    def not_found(self) -> Reply:
        return _message(404, "Not found")

    def method_not_allowed(self, allow: str) -> Reply:
        return json_reply(405, {"message": "Method not allowed"}, {"Allow": allow})

    def rate_limited(self, reset_in: float) -> Reply:
        reply = super().rate_limited(reset_in)
        return json_reply(429, {"message": "Too many requests"}, reply.headers)
