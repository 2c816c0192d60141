"""OAuth 2.0 — Refreshing an Access Token (RFC 6749 section 6), for any standard server.

https://www.rfc-editor.org/rfc/rfc6749#section-6

    POST /token HTTP/1.1
    Authorization: Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW
    Content-Type: application/x-www-form-urlencoded

    grant_type=refresh_token&refresh_token=tGzv3JOkF0XG5Qx2TlKWIA

    {"access_token": "2YotnFZFEjr1zCsicMWpAA", "token_type": "Bearer", "expires_in": 3600,
     "refresh_token": "tGzv3JOkF0XG5Qx2TlKWIA", "scope": "read"}

Settings: token_url (the token endpoint), client_id, client_secret, auth_method and scope.
- auth_method: RFC 8414 names. client_secret_basic (the default; every server must accept it,
  section 2.3.1), client_secret_post (id and secret in the body) or none (a public client: the
  client_id alone in the body, no secret).
- scope: optional; "MUST NOT include any scope not originally granted" — sent only when set.
- Rotation: "The authorization server MAY issue a new refresh token": we take one when it comes
  back and keep ours otherwise.
- expires_in is RECOMMENDED, not required: without it the token has no known expiry and is
  refreshed when the API answers 401 (oauthkit's reactive refresh).
"""

ADAPTER = {
    "name": "oauth2",
    "title": "OAuth 2.0 (RFC 6749)",
    "docs": "https://www.rfc-editor.org/rfc/rfc6749#section-6",
    "settings": {
        "token_url": {"doc": "the token endpoint, e.g. https://auth.example.com/oauth/token"},
        "client_id": {},
        "client_secret": {"required": False, "secret": True, "doc": "confidential clients only"},
        "auth_method": {
            "default": "client_secret_basic",
            "doc": "client_secret_basic | client_secret_post | none",
        },
        "scope": {"required": False, "doc": "a subset of the granted scope"},
        "refresh_token": {"secret": True},
    },
    "request": {
        "url": "{token_url}",
        "method": "POST",
        "encoding": "form",
        "client_auth": "{auth_method}",
        "grant_type": "refresh_token",
        "optional": ["scope"],
    },
    "response": {
        "access_token": "access_token",
        "refresh_token": "refresh_token",
        "token_type": "token_type",
        "scope": "scope",
        "id_token": "id_token",
        "expires": {"field": "expires_in", "kind": "seconds"},
    },
    "rotation": "if_present",
    "errors": {"invalid_grant_codes": ["invalid_grant"]},
}
