"""Slack — Using token rotation (granular bot and user tokens), refreshed with oauth.v2.access.

https://docs.slack.dev/authentication/using-token-rotation
(formerly https://api.slack.com/authentication/rotation; the method reference:
https://docs.slack.dev/reference/methods/oauth.v2.access)

    POST /api/oauth.v2.access  HOST slack.com
    Content-Type: application/x-www-form-urlencoded
    client_id=60503450.61416  client_secret=8bc5fc53901afc11c
    grant_type=refresh_token  refresh_token=xoxe-1-...

    {"ok": true, "access_token": "xoxe.xoxb-1-...", "expires_in": 43200,
     "refresh_token": "xoxe-1-...", "token_type": "bot", "scope": "commands,incoming-webhook",
     "bot_user_id": "U123456", "app_id": "A123456", "team": {"name": ..., "id": "T123456"},
     "enterprise": {"name": ..., "id": "E12345678"}}

(The request is the rotation guide's "Refresh a token" sample; the guide prints the refresh
answer only as its new fields, expires_in and refresh_token, "mentioned earlier" in the
oauth.v2.exchange sample, which is the answer shown here. Read through a crawled copy of the
api.slack.com page: the docs.slack.dev copies held only its opening.)

What the pages say, in short:
- Refresh tokens exist only for apps with token rotation turned on; access tokens then expire
  every 12 hours (expires_in 43200) instead of never.
- Refreshing is oauth.v2.access with grant_type=refresh_token and the refresh token, as a form
  body, with client_id and client_secret among the parameters: the guide's sample sends them so
  and says they "are still required for this call". (The method page also accepts HTTP Basic;
  the refresh sample does not use it.)
- Every refresh returns the next refresh token; the one used "is revoked after a short grace
  period". At most 2 access tokens are active at once.
- Every Web API answer is HTTP 200 with an "ok" flag; a failure is {"ok": false, "error": "..."},
  and callers are told to check ok every time. An "error" field in a 200 answer is read as one.
- token_type is "bot" or "user": which kind of Slack token this is, not an HTTP scheme (both are
  sent as Bearer). It is kept on token.extra with the workspace (team.id), the org
  (enterprise.id), app_id and bot_user_id.

First tokens (conn.authorize()):

    GET https://slack.com/oauth/v2/authorize?client_id=...&scope=...&user_scope=...
        &redirect_uri=...&state=...&code_challenge=...&code_challenge_method=S256
    POST https://slack.com/api/oauth.v2.access  code, redirect_uri, code_verifier

- Bot scopes go in scope (comma separated), user scopes in user_scope. No parameter asks for a
  refresh token: turning rotation on in the app settings does.
- The code exchange's answer nests a user token under authed_user; a bot token is at the top, as
  read here. For a user-token installation ask with authorize(params={"user_scope": ...}).

Choices where the pages are silent:
- Dead refresh token: the oauth.v2.access error table was not read. invalid_refresh_token is
  the code Slack documents for a bad refresh token on tooling.tokens.rotate
  (https://api.slack.com/methods/tooling.tokens.rotate) and is seen for oauth.v2.access in
  third-party tests; invalid_grant is what nango reports. Both mean "authorize again".
- No default scope: an app's bot scopes are its own; authorize(scope="chat:write,...") names them.
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "slack",
    "title": "Slack (token rotation)",
    "docs": "https://docs.slack.dev/authentication/using-token-rotation",
    "settings": {
        "base_url": {"default": "https://slack.com"},
        "client_id": {},
        "client_secret": {"secret": True},
    },
    "request": {
        "url": "{base_url}/api/oauth.v2.access",
        "method": "POST",
        "encoding": "form",
        # The rotation guide's refresh sample: client_id and client_secret in the form body
        "client_auth": "body",
        "grant_type": "refresh_token",
    },
    "response": {
        "access_token": "access_token",
        "refresh_token": "refresh_token",
        # "bot" or "user", not an HTTP scheme: kept on token.extra instead (both are Bearer)
        "token_type": None,
        "scope": "scope",
        "id_token": None,  # inferred: not OpenID Connect, no answer lists one
        "expires": {"field": "expires_in", "kind": "seconds"},
        "extra": ["token_type", "team.id", "enterprise.id", "app_id", "bot_user_id"],
    },
    # "The refresh token is then revoked, and a new refresh token is used"
    "rotation": "always",
    # inferred: the oauth.v2.access error table was not read (see above)
    "errors": {
        "invalid_grant_codes": ["invalid_refresh_token", "invalid_grant"],
        # Every Web API answer carries "ok"; only true means success (HTTP 200 either way)
        "status_field": "ok",
        "ok_status": [True],
    },
    "authorize": {
        "url": "{base_url}/oauth/v2/authorize",
        "pkce": "S256",  # oauth.v2.access takes code_verifier ("Used for PKCE")
        "exchange": {"grant_type": "authorization_code"},
    },
}
