"""Asana — OAuth, "Token exchange endpoint".

https://developers.asana.com/docs/oauth

    POST https://app.asana.com/-/oauth_token
    grant_type=refresh_token&client_id=...&client_secret=...&refresh_token=...

    {"access_token": "...", "expires_in": 3600, "token_type": "bearer",
     "data": {"gid": "...", "name": "...", "email": "..."}}

What the guide documents:
- Its quick reference names the three endpoints on app.asana.com: GET /-/oauth_authorize,
  POST /-/oauth_token (code exchange and refresh) and POST /-/oauth_revoke; only the
  authorization code grant is supported.
- The token exchange table (read through a copy of Asana's earlier text, the current page only in
  its quick reference) lists grant_type, client_id and client_secret (all required), redirect_uri
  ("must match the redirect_uri specified in the original request") and refresh_token for a
  refresh.
- The answer: access_token, expires_in (seconds, "typically 3600 (one hour)"), token_type bearer,
  a refresh_token only "if exchanging a code", and data, a few fields about the user.

No refresh request or answer example could be read on the page, so there is no refresh contract
test (NO_REFRESH_EXAMPLE in tests/test_catalogue_c.py).

First tokens (conn.authorize()), the same guide:

    GET https://app.asana.com/-/oauth_authorize?client_id=...&redirect_uri=...&response_type=code
        &state=...&code_challenge=...&code_challenge_method=S256
    POST https://app.asana.com/-/oauth_token  (form)
        grant_type=authorization_code&client_id=...&client_secret=...&redirect_uri=...&code=...
        &code_verifier=...

Choices where the pages are silent:
- Client credentials go in the body, as the table lists them; whether HTTP Basic also works is
  not stated.
- redirect_uri: the table marks it required for every grant, current clients refresh without
  it; it is sent on refresh only when the redirect_uri setting is set.
- Rotation: a refresh answer normally has no refresh token, so ours is kept; one that does come
  back is taken.
- Refresh tokens have no documented lifetime; none is recorded.
- The user's gid and name from data are kept on token.extra (the email is left out).
- Dead refresh token: not documented; RFC 6749's invalid_grant, the default.
- PKCE S256: Asana's authorization parameters include code_challenge; it is always used. No
  scope is sent unless authorize(scope=...) names some: the app's registered permissions apply.

Revocation (https://developers.asana.com/docs/oauth): app.asana.com/-/oauth_revoke takes the
refresh token (not the bearer token) with the client id and secret in the form body. No device
flow is documented.
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "asana",
    "title": "Asana",
    "docs": "https://developers.asana.com/docs/oauth",
    "settings": {
        "base_url": {"default": "https://app.asana.com"},
        "client_id": {},
        "client_secret": {"secret": True},  # "required" in the exchange table
        # The table: "required ... Must match the redirect_uri specified in the original request";
        # inferred: optional, as current clients refresh without it
        "redirect_uri": {"required": False, "doc": "the app's redirect URL, if Asana asks for it"},
    },
    "request": {
        "url": "{base_url}/-/oauth_token",
        "method": "POST",
        "encoding": "form",  # inferred: the table lists form parameters; the encoding is unstated
        "client_auth": "body",  # client_id and client_secret are rows of the table
        "grant_type": "refresh_token",
        "optional": ["redirect_uri"],
    },
    "response": {
        "access_token": "access_token",
        "refresh_token": "refresh_token",  # "if exchanging a code": absent on refresh
        "token_type": "token_type",
        "scope": None,  # the answer carries no scope
        "id_token": None,
        "expires": {"field": "expires_in", "kind": "seconds"},
        "default_lifetime": 3600,  # "typically 3600 (one hour)"
        "extra": ["data.gid", "data.name"],  # the user the token acts for
    },
    # inferred: refresh answers carry no refresh token (ours stays); take one should it come
    "rotation": "if_present",
    # errors: not documented; RFC 6749's invalid_grant, the default.
    "authorize": {
        "url": "{base_url}/-/oauth_authorize",
        "pkce": "S256",
        # POST {base_url}/-/oauth_token, form, client id and secret in the body: as refresh does.
        "exchange": {"grant_type": "authorization_code"},
    },
    # oauth page: POST {base_url}/-/oauth_revoke, form client_id, client_secret, token (the
    # refresh token); parameter names from a summary of the page, not its text
    "revoke": {
        "url": "{base_url}/-/oauth_revoke",
        "hint_param": None,  # the body has no hint
    },
}
