"""Pinterest — API v5, "Generate OAuth access token" (POST /oauth/token).

https://github.com/pinterest/api-description/blob/main/v5/openapi.yaml (Pinterest's own OpenAPI
description of the endpoint; the prose guide is
https://developers.pinterest.com/docs/getting-started/set-up-authentication-and-authorization/)

    POST https://api.pinterest.com/v5/oauth/token
    Authorization: Basic base64(app_id:app_secret)
    Content-Type: application/x-www-form-urlencoded
    grant_type=refresh_token&refresh_token=...[&scope=...]

    200 {"access_token", "token_type": "bearer", "expires_in", "scope", "refresh_token",
         "refresh_token_expires_in", "refresh_token_expires_at", "response_type"}

What the description documents:
- The client authenticates with HTTP Basic (security scheme "basic"); the body is a form with
  grant_type and refresh_token required and scope optional.
- The refresh answer schema requires access_token, token_type, expires_in (integer seconds),
  scope, and, for continuous refresh, a new refresh_token with refresh_token_expires_in and
  refresh_token_expires_at.
- Continuous refresh tokens live 60 days and can be refreshed without end; the 365-day legacy
  tokens are no longer supported. Apps created before 2025-09-25 must ask for continuous refresh
  with continuous_refresh=true on the code exchange; newer apps get it anyway.
- Errors use Pinterest's generic {"code": <int>, "message": <string>} shape.

The description prints no request or answer example for this endpoint, so there is no refresh
contract test (NO_REFRESH_EXAMPLE in tests/test_catalogue_c.py).

First tokens (conn.authorize()), the same description and the guide:

    https://www.pinterest.com/oauth/?client_id=...&redirect_uri=...&response_type=code
        &scope=boards:read,pins:read&state=...
    POST https://api.pinterest.com/v5/oauth/token  (form, HTTP Basic)
        grant_type=authorization_code&code=...&redirect_uri=...&continuous_refresh=true

Choices where the pages are silent:
- Refresh-token expiry is read from refresh_token_expires_in (seconds) rather than from
  refresh_token_expires_at, whose unit the description does not state.
- Rotation: with continuous refresh every answer carries a refresh token, but whether the old
  one dies is not stated; the one that comes back is kept.
- Dead refresh token: no code is documented. The reason is read from "message"; only RFC 6749's
  invalid_grant (the default) is recognised as "authorize again".
- continuous_refresh=true is always sent on the code exchange: required for older apps, and the
  behaviour newer apps get anyway.
- PKCE is not documented, so none is sent. No default scope is documented (the guide's example
  separates scopes with commas): pass authorize(scope="boards:read,pins:read").
- The sandbox host is unconfirmed; set base_url to it if you use one.

Revocation (https://github.com/pinterest/api-description/blob/main/v5/openapi.yaml,
/oauth/token/revoke): an RFC 7009-style form with the token and a type hint, Basic credentials.
The spec says only tokens of system users are accepted for now. No device flow is documented.
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "pinterest",
    "title": "Pinterest",
    "docs": "https://github.com/pinterest/api-description/blob/main/v5/openapi.yaml",
    "settings": {
        # The description's server is https://api.pinterest.com/v5; the /v5 stays in the path.
        "base_url": {"default": "https://api.pinterest.com"},
        "authorize_base_url": {"default": "https://www.pinterest.com"},  # authorizationUrl's host
        "client_id": {},
        "client_secret": {"secret": True},  # the app secret, half of the Basic credentials
        "scope": {"required": False},  # OauthAccessTokenRequestRefresh: an optional string
    },
    "request": {
        "url": "{base_url}/v5/oauth/token",
        "method": "POST",
        "encoding": "form",
        "client_auth": "basic",
        "grant_type": "refresh_token",
        "optional": ["scope"],
    },
    "response": {
        "access_token": "access_token",
        "refresh_token": "refresh_token",
        "token_type": "token_type",
        "scope": "scope",
        "expires": {"field": "expires_in", "kind": "seconds"},
        # inferred: the _in twin, in seconds; the unit of refresh_token_expires_at is unstated
        "refresh_expires": {"field": "refresh_token_expires_in", "kind": "seconds"},
        "extra": ["response_type"],  # which grant minted the answer (the schema's discriminator)
    },
    # inferred: continuous refresh returns a new refresh token; its predecessor's fate is unstated
    "rotation": "if_present",
    # The generic Error schema: {"code": int, "message": str}; no dead-token code is documented.
    "errors": {"message_field": "message"},
    "authorize": {
        "url": "{authorize_base_url}/oauth/",
        "pkce": None,  # inferred: the description documents no PKCE
        "exchange": {
            "grant_type": "authorization_code",
            # The endpoint description: older apps must ask for continuous refresh tokens.
            "extra": {"continuous_refresh": "true"},
        },
    },
    # openapi.yaml: POST {base_url}/v5/oauth/token/revoke, form token and token_type_hint
    # (access_token | refresh_token), Basic auth as for the refresh
    "revoke": {"url": "{base_url}/v5/oauth/token/revoke"},
}
