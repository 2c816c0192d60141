"""parqex: every parameter in the query string of a GET (parqex.md, NOTES.md).

The docs list grant_type twice (authorization_code, then refresh_token); their server kept
the last value of a repeated parameter, which is the only reason that example works.
Refresh rotates: the answer carries a new refresh token and the used one is spent.

First tokens: step 1's `GET /oauth/v2/endpoints/authorize/` (no PKCE documented: its parameters
are ignored) and step 3's code exchange, a GET on the token URL with
`grant_type=authorization_code`, `code` and `redirect_uri` in the query string.
"""

from __future__ import annotations

import time

from .records import RecordedRequest, Reply, json_reply, seconds
from .server import Emulator


def _error(status: int, error: str, description: str | None = None) -> Reply:
    body = {"error": error}
    if description:
        body["error_description"] = description
    return json_reply(status, body)


class ParqexEmulator(Emulator):
    name = "parqex"
    token_path = "/oauth/v2/endpoints/token/"
    api_paths = ("/me",)
    authorize_path = "/oauth/v2/endpoints/authorize/"
    default_rotation = True

    def handle_token(self, req: RecordedRequest) -> Reply:
        if req.method != "GET":
            return json_reply(
                405, {"error": "invalid_request", "error_description": "use GET"}, {"Allow": "GET"}
            )
        params = {key: values[-1] for key, values in req.query.items()}
        if not self.client_matches(params.get("client_id"), params.get("client_secret")):
            return _error(401, "invalid_client")
        # A code exchange carries a code; grant_type=authorization_code without one is the docs'
        # duplicated grant_type read the wrong way round, which the old server refused as such.
        if params.get("grant_type") == "authorization_code" and "code" in params:
            return self._exchange(params)
        if params.get("grant_type") != "refresh_token":
            return _error(400, "unsupported_grant_type")
        if not params.get("refresh_token"):
            return _error(400, "invalid_request", "refresh_token is required")

        token = self.find_refresh(params["refresh_token"])
        if token is None:
            return _error(400, "invalid_grant", "unknown refresh token")
        problem = token.problem(time.time())
        if problem:
            return _error(400, "invalid_grant", problem)

        access = self.issue_access(token.grant)
        # Without rotation (a sandbox option, not parqex's behaviour) the answer still
        # carries a refresh_token, as the docs promise one: the unchanged one.
        refresh = self.rotate(token) if self.rotation else token
        return json_reply(
            200,
            {
                "access_token": access.value,
                "refresh_token": refresh.value,
                "expires_in": seconds(self.access_lifetime),
            },
        )

    def _exchange(self, params: dict[str, str]) -> Reply:
        grant = self.exchange_code(
            params["code"], params.get("client_id"), params.get("redirect_uri"), params.get("code_verifier")
        )
        if isinstance(grant, str):
            return _error(400, "invalid_grant", grant)
        access = self.issue_access(grant)
        return json_reply(
            200,
            {
                "access_token": access.value,
                "refresh_token": self.issue_refresh(grant).value,
                "expires_in": seconds(self.access_lifetime),
            },
        )
