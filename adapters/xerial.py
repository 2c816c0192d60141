"""Xerial — Refresh Auth Tokens.

Xerial's API reference, "Refresh Auth Tokens" (the page carries no public URL; the copy
oauthkit was built from is tests/provider_pages/xerial.md).

    POST .../auth/refresh-tokens
    {"refreshToken": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9..."}

    200 {"access":  {"token": "eyJ...", "expires": "2020-05-12T16:18:04.793Z"},
         "refresh": {"token": "eyJ...", "expires": "2020-05-12T16:18:04.793Z"}}
    401 {"code": 401, "message": "Please Authenticate"}
    500 {"error": "Internal Server Error"}

Choices where the page is silent:
- Base URL: the page writes only ".../auth/refresh-tokens". There is no default: set base_url
  to your API root including its version prefix (e.g. https://api.example.com/v1).
- No client credentials and no grant_type: the page sends only refreshToken.
- "expires" is an ISO-8601 instant, not a duration.
- The API (an Express boilerplate) deletes the used refresh token and issues a new pair, so a
  reused or unknown refresh token gets 401: on this endpoint 401 means "authorize again".

First tokens (conn.login(email=..., password=...)), the same reference's "Login":

    POST .../auth/login
    {"email": "...", "password": "..."}

    200 {"user": {...}, "tokens": {"access":  {"token": "eyJ...", "expires": "...Z"},
                                   "refresh": {"token": "eyJ...", "expires": "...Z"}}}
    401 {"code": 401, "message": "Incorrect email or password"}

- The same nested shape as refresh, one level down under "tokens"; "user" is not kept.
- A 401 here means wrong credentials. The password is sent once and never stored.
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "xerial",
    "title": "Xerial",
    "docs": "Xerial API reference: Auth > Refresh Auth Tokens (no public URL)",
    "settings": {
        # The page writes only ".../auth/refresh-tokens": no default host
        "base_url": {"doc": "API root with its version prefix, e.g. https://api.example.com/v1"},
    },
    "request": {
        "url": "{base_url}/auth/refresh-tokens",
        "method": "POST",
        "encoding": "json",
        "client_auth": "none",  # the body is refreshToken alone: no client credentials ...
        "grant_type": None,  # ... and no grant_type
        "names": {"refresh_token": "refreshToken"},
    },
    "response": {
        "access_token": "access.token",
        "refresh_token": "refresh.token",
        "token_type": None,  # the answer carries no token_type, scope or id_token
        "scope": None,
        "id_token": None,
        "expires": {"field": "access.expires", "kind": "timestamp", "format": "iso8601"},
        "refresh_expires": {"field": "refresh.expires", "kind": "timestamp", "format": "iso8601"},
    },
    # "refresh: New refresh token"; the API's Express boilerplate deletes the used one on every
    # refresh (its source, tests/provider_pages/NOTES.md)
    "rotation": "always",
    # inferred: the page shows 401 "Please Authenticate"; since the used refresh token is deleted
    # (as above), a reused or unknown one gets 401: on this endpoint it means "authorize again"
    "errors": {"invalid_grant_status": [401], "message_field": "message"},
    # The same reference's "Login" (quoted above), not the refresh page:
    "login": {
        "url": "{base_url}/auth/login",  # POST, JSON, no client credentials: as refresh
        "credentials": ["email", "password"],
        "response": {
            "access_token": "tokens.access.token",
            "refresh_token": "tokens.refresh.token",
            "expires": {"field": "tokens.access.expires", "kind": "timestamp", "format": "iso8601"},
            "refresh_expires": {"field": "tokens.refresh.expires", "kind": "timestamp", "format": "iso8601"},
        },
    },
}
