"""Figma — REST API, OAuth 2: "Refreshing OAuth tokens".

https://developers.figma.com/docs/rest-api/authentication (formerly
https://www.figma.com/developers/api#oauth2; its OAuth text was read through a copy dated
2025-06, the current page only in its opening part)

    POST https://api.figma.com/v1/oauth/token
    Content-Type: application/x-www-form-urlencoded
    Authorization: Basic <BASE64_ENCODED_CLIENT_ID_AND_SECRET>
    refresh_token=:token&grant_type=refresh_token

    {"access_token": <TOKEN>, "token_type": "bearer", "expires_in": <EXPIRATION (in seconds)>,}

What the page documents:
- Refresh and code exchange share one endpoint, a form-encoded POST authenticated with HTTP Basic
  over client_id:client_secret; the body holds refresh_token and grant_type=refresh_token only.
- A refresh token "can be reused as many times as necessary": it never rotates, and the refresh
  answer carries no new one, only access_token, token_type and expires_in (seconds).
- OAuth access tokens expire after 90 days by default.

The printed example is placeholders only: the Basic header is not Base64 and expires_in is a
phrase, not a number, so there is no refresh contract test (NO_REFRESH_EXAMPLE in
tests/test_catalogue_c.py).

First tokens (conn.authorize()), the same page:

    GET https://www.figma.com/oauth?client_id=:client_id&redirect_uri=:callback&scope=:scope
        &state=:state&response_type=code[&code_challenge=...&code_challenge_method=S256]
    POST https://api.figma.com/v1/oauth/token  (form, HTTP Basic)
        redirect_uri=:callback&code=:code&grant_type=authorization_code[&code_verifier=...]

    {"user_id_string": ..., "access_token": ..., "token_type": "bearer", "expires_in": ...,
     "refresh_token": ...}

- PKCE is "optional but highly recommended", S256 only: always used.
- The exchange's answer is where the refresh token comes from; user_id_string (the user's id)
  is kept on token.extra. The numeric user_id is deprecated (it overflows common number types).
- The authorization page must open in the user's browser, never an embedded webview.

Choices where the pages are silent:
- Endpoint: many integrations refresh at https://api.figma.com/v1/oauth/refresh instead, and
  Figma's own OpenAPI (https://github.com/figma/rest-api-spec) still names it as refreshUrl; the
  page copy names /v1/oauth/token for both, and that is what is sent.
- Lifetime: 90 days when expires_in is missing, the page's default.
- Dead refresh token: not documented. Figma's token endpoint answers errors as
  {"error": true, "status": 400, "message": "..."} (a forum thread,
  https://forum.figma.com/ask-the-community-7/unsure-how-to-fill-out-the-body-of-the-post-in-oauth2-0-33052),
  so the reason is read from "message"; only RFC 6749's invalid_grant counts as "authorize again".
- No default scope: pass authorize(scope="file_content:read current_user:read").
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "figma",
    "title": "Figma",
    "docs": "https://developers.figma.com/docs/rest-api/authentication",
    "settings": {
        "base_url": {"default": "https://api.figma.com"},
        "authorize_base_url": {"default": "https://www.figma.com"},
        "client_id": {},
        "client_secret": {"secret": True},  # half of the Basic credentials
    },
    "request": {
        "url": "{base_url}/v1/oauth/token",
        "method": "POST",
        "encoding": "form",
        "client_auth": "basic",
        "grant_type": "refresh_token",
    },
    "response": {
        "access_token": "access_token",
        "refresh_token": None,  # the refresh answer has none: ours is reused
        "token_type": "token_type",
        "scope": None,  # the answers carry no scope
        "id_token": None,
        "expires": {"field": "expires_in", "kind": "seconds"},
        "default_lifetime": 7776000,  # "By default OAuth tokens expire after 90 days"
    },
    "rotation": "never",  # "can be reused as many times as necessary"
    # inferred: the forum's error shape; "error" there is a boolean, so only the message helps
    "errors": {"message_field": "message"},
    "authorize": {
        "url": "{authorize_base_url}/oauth",
        "pkce": "S256",  # optional on the page but "highly recommended"; S256 is the only method
        "exchange": {
            "grant_type": "authorization_code",
            "response": {"refresh_token": "refresh_token", "extra": ["user_id_string"]},
        },
    },
}
