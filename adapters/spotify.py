"""Spotify — Refreshing tokens.

https://developer.spotify.com/documentation/web-api/tutorials/refreshing-tokens

    POST https://accounts.spotify.com/api/token
    Content-Type: application/x-www-form-urlencoded
    grant_type=refresh_token&refresh_token=...   (+ client_id for the PKCE extension)
    Authorization: Basic <base64 client_id:client_secret>   (Authorization Code flow only)

    {"access_token": "NgCXRK...MzYjw", "token_type": "Bearer",
     "scope": "user-read-private user-read-email", "expires_in": 3600,
     "refresh_token": "NgAagA...Um_SHo"}

What the page says, in short:
- Access tokens last an hour; expires_in is the access token's lifetime only.
- Refresh tokens of apps registered in the Developer Dashboard last six months from the user's
  authorization, and refreshing does not push that back; afterwards the user must authorize
  again. The token endpoint then answers invalid_grant (Spotify's developer blog,
  https://developer.spotify.com/blog/2026-06-18-refresh-token-expiration).
- Two kinds of client: an Authorization Code app authenticates with HTTP Basic; a PKCE app sends
  its client_id in the body and has no secret.
- The page's browser example stores the answer's refresh_token only when one is present, and the
  refresh answer is "very similar" to the first token answer.

Settings: auth_method picks the client kind: client_secret_basic (the default, an Authorization
Code app) or none (a PKCE app: client_id in the body, no client_secret).

First tokens (conn.authorize()), from the Authorization Code and PKCE flow tutorials
(https://developer.spotify.com/documentation/web-api/tutorials/code-flow and
https://developer.spotify.com/documentation/web-api/tutorials/code-pkce-flow):
GET https://accounts.spotify.com/authorize with client_id, response_type=code, redirect_uri,
state, scope (space-separated) and, for PKCE, code_challenge_method=S256 and code_challenge;
every code exchange returns a refresh token, nothing more is asked for.

Choices where the pages are silent:
- No refresh-token expiry field: the six-month cap is prose only, so no refresh_expires.
- Reusing an older refresh token after a new one came back: not documented.
- authorize scope: none by default (Spotify's scope is optional); authorize(scope=...) adds one.
"""

# A key is here because a page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "spotify",
    "title": "Spotify",
    "docs": "https://developer.spotify.com/documentation/web-api/tutorials/refreshing-tokens",
    "settings": {
        "base_url": {"default": "https://accounts.spotify.com"},
        "client_id": {},
        # PKCE apps have none ("client_id ... Only required for the PKCE extension");
        # secret: inferred (a credential)
        "client_secret": {"required": False, "secret": True, "doc": "Authorization Code apps only"},
        # The page's two kinds of client; Basic is the Authorization Code flow's, the default
        "auth_method": {
            "default": "client_secret_basic",
            "doc": "client_secret_basic (Authorization Code app) | none (PKCE app)",
        },
    },
    "request": {
        "url": "{base_url}/api/token",
        "method": "POST",
        "encoding": "form",  # Content-Type "Always set to application/x-www-form-urlencoded"
        "client_auth": "{auth_method}",
        "grant_type": "refresh_token",
    },
    "response": {
        "access_token": "access_token",
        "token_type": "token_type",
        "scope": "scope",  # space-separated
        "expires": {"field": "expires_in", "kind": "seconds"},  # the access token's life only
        "default_lifetime": 3600,  # "a limited lifespan (1 hour)"
        "id_token": None,  # inferred: no OpenID scopes exist at Spotify, so no answer carries one
    },
    # The page's example keeps the stored refresh token unless the answer carries a new one
    "rotation": "if_present",
    # errors: invalid_grant (the default) once a refresh token is expired or revoked (the blog).
    "authorize": {
        "url": "{base_url}/authorize",
        # The PKCE tutorial's S256; inferred: sent for Authorization Code apps too (unknown
        # parameters are ignored, RFC 6749 section 3.1), so one authorize section serves both
        "pkce": "S256",
        # POST {base_url}/api/token, form, client auth as auth_method says: as refresh does
        "exchange": {"grant_type": "authorization_code"},
    },
}
