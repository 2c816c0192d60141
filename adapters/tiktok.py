"""TikTok (Login Kit, OAuth v2) — Refresh a user access token.

https://developers.tiktok.com/docs/en/oauth-refresh-a-user-access-token

    curl --location --request POST 'https://open.tiktokapis.com/v2/oauth/token/' \\
    --header 'Content-Type: application/x-www-form-urlencoded' \\
    --header 'Cache-Control: no-cache'
    (the stored copy ends here: its --data lines are missing)

What the page says, in short:
- POST https://open.tiktokapis.com/v2/oauth/token/ (with its trailing slash), every parameter
  URL-encoded in a form body: client_key (TikTok's name for the client id), client_secret,
  grant_type=refresh_token and refresh_token, the user's most recent one.
- Each successful refresh returns a new refresh_token and the one sent stops working as soon as
  it is issued: always keep the latest.
- The answer (the token management pages:
  https://developers.tiktok.com/doc/oauth-user-access-token-management and its 2026 revision
  https://developers.tiktok.com/docs/zh-Hans/oauth-user-access-token-management) is flat JSON:
  open_id (the user's id), scope (comma-separated), access_token, expires_in, refresh_token,
  refresh_expires_in (both in seconds) and token_type (Bearer). The revision gives 2 hours and
  180 days where the older page gives 24 hours and 365 days, and asks apps to schedule from the
  fields rather than from fixed numbers.
- Errors are {"error", "error_description", "log_id"}, invalid_grant covering a refresh token
  that is invalid, expired or revoked (https://developers.tiktok.com/doc/oauth-error-handling).

NO REFRESH EXAMPLE: the page's curl is cut before its parameters and no answer follows in the
stored copy; the contract test file records this (NO_REFRESH_EXAMPLE) instead of inventing one.

First tokens (conn.authorize()), Login Kit for Web
(https://developers.tiktok.com/doc/login-kit-web): users approve at
https://www.tiktok.com/v2/auth/authorize/ with client_key, scope (comma-separated, e.g.
user.info.basic), response_type=code, redirect_uri and state; the code is exchanged at the same
token endpoint with grant_type=authorization_code, code and redirect_uri (and code_verifier for
mobile and desktop apps, https://developers.tiktok.com/doc/oauth-get-a-user-access-token).

Choices where the pages are silent:
- Cache-Control: no-cache appears in the examples but is not required: not sent.
- The authorization page wants client_key, not RFC 6749's client_id: it is added from the
  client_id setting (oauthkit also sends client_id, which TikTok does not use).
- PKCE S256 is sent; the pages require PKCE only for mobile and desktop apps.

Revocation (https://developers.tiktok.com/docs/en/oauth-revoke-a-user-access-token): /v2/oauth/revoke/
takes the user's access token with client_key and client_secret in a form and disconnects the app.
TikTok has no RFC 8628 flow (only its own QR-code login).
"""

# A key is here because a page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "tiktok",
    "title": "TikTok (Login Kit)",
    "docs": "https://developers.tiktok.com/docs/en/oauth-refresh-a-user-access-token",
    "settings": {
        "base_url": {"default": "https://open.tiktokapis.com"},
        # Login Kit's authorization page lives on another host
        "authorize_base_url": {"default": "https://www.tiktok.com"},
        "client_id": {"doc": "the app's client key"},
        "client_secret": {"secret": True},  # inferred: a credential, never logged or shown
    },
    "request": {
        "url": "{base_url}/v2/oauth/token/",
        "method": "POST",
        "encoding": "form",  # "URL-encoded form data in the request body"
        "client_auth": "body",
        "grant_type": "refresh_token",
        "names": {"client_id": "client_key"},
    },
    "response": {
        "expires": {"field": "expires_in", "kind": "seconds"},
        "refresh_expires": {"field": "refresh_expires_in", "kind": "seconds"},
        "default_lifetime": 7200,  # the 2026 revision: access tokens live 2 hours
        "id_token": None,  # inferred: Login Kit is not OpenID Connect; no answer carries one
        "extra": ["open_id"],
    },
    # "returns a new refresh_token"; the one sent stops working once it is issued
    "rotation": "always",
    # errors: invalid_grant (the default) for an invalid, expired or revoked refresh token.
    # Login Kit for Web (quoted above), not the refresh page:
    "authorize": {
        "url": "{authorize_base_url}/v2/auth/authorize/",
        "scope": "user.info.basic",  # the pages' first example scope
        # inferred: required for mobile and desktop apps only; web apps are expected to ignore it
        "pkce": "S256",
        # The page's parameter name for the client id
        "extra": {"client_key": "{client_id}"},
        # POST {base_url}/v2/oauth/token/, form, client_key and client_secret in the body
        "exchange": {"grant_type": "authorization_code"},
    },
    # revoke page: POST {base_url}/v2/oauth/revoke/, form client_key, client_secret, token
    "revoke": {
        "url": "{base_url}/v2/oauth/revoke/",
        "names": {"client_id": "client_key"},  # TikTok's name for the client id
        "hint_param": None,  # the page's body has no hint
        "tokens": "access_token",  # the page names the access token
    },
}
