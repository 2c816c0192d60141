"""Fitbit — Refresh Token.

https://dev.fitbit.com/build/reference/web-api/authorization/refresh-token/

    App Type: Server
    POST https://api.fitbit.com/oauth2/token
    Authorization: Basic <basic_token>
    Content-Type: application/x-www-form-urlencoded
    grant_type=refresh_token&refresh_token=<refresh_token>

    App Type: Client
    POST https://api.fitbit.com/oauth2/token
    Content-Type: application/x-www-form-urlencoded
    client_id=<client_id>&grant_type=refresh_token&refresh_token=<refresh_token>

What the page says, in short:
- Body: grant_type (refresh_token) and refresh_token, plus client_id for apps of type "client",
  which send it instead of an Authorization header; an optional expires_in asks for a lifetime
  (28800 is the only value supported).
- Server apps authenticate with HTTP Basic (client id and secret); accept: application/json is
  optional.
- Fitbit's best practices page
  (https://dev.fitbit.com/build/reference/web-api/developer-guide/best-practices) adds that access
  tokens last 8 hours by default, that a refresh token never expires, and that each one can be
  used once: every refresh returns a new pair.

NO REFRESH EXAMPLE (contract test): the page's requests are readable but its response block is
not in any stored copy, so no answer can be quoted; the contract test file records this
(NO_REFRESH_EXAMPLE) instead of inventing one.

Settings: auth_method picks the app type: client_secret_basic (the default, a server app) or
none (a client app: client_id in the body, no secret).

First tokens (conn.authorize()), from the Authorize and OAuth2 Token pages
(https://dev.fitbit.com/build/reference/web-api/authorization/authorize/,
https://dev.fitbit.com/build/reference/web-api/authorization/oauth2-token/):
GET https://www.fitbit.com/oauth2/authorize with client_id, response_type=code, a space-separated
scope (required), redirect_uri, state and code_challenge/code_challenge_method (plain is the
default, S256 is offered); the code (valid 10 minutes) is exchanged at the same token endpoint
with grant_type=authorization_code, code, redirect_uri and code_verifier.

Choices where the pages are silent:
- The answer's fields (access_token, expires_in, refresh_token, scope, token_type, user_id) come
  from a third-party client's documentation (https://rdrr.io/cran/fitbitViz/man/refresh_token_app.html);
  user_id, Fitbit's encoded user id, is kept on token.extra (the recovery endpoint needs it).
- A dead refresh token: Fitbit's errors are {"errors": [{"errorType": ..., "message": ...}],
  "success": false} (the error-handling guide); the adapter reads errorType at errors.0 (a number
  in a dotted path steps into a list) and takes invalid_grant there as a dead token.
- PKCE S256, not the provider's default plain (plain would show the verifier in the address bar).

Revocation (https://dev.fitbit.com/build/reference/web-api/authorization/revoke-token/):
api.fitbit.com/oauth2/revoke is RFC 7009; either token may be sent, and revoking one ends every
token and session the user granted the app. No device flow is documented.
"""

# A key is here because a page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "fitbit",
    "title": "Fitbit",
    "docs": "https://dev.fitbit.com/build/reference/web-api/authorization/refresh-token/",
    "settings": {
        "base_url": {"default": "https://api.fitbit.com"},
        # The Authorize page's host differs from the token endpoint's
        "authorize_base_url": {"default": "https://www.fitbit.com"},
        "client_id": {},
        # Client apps have none; secret: inferred (a credential)
        "client_secret": {"required": False, "secret": True, "doc": "server apps only"},
        # The page's two app types: Basic for server apps (the default), client_id alone for client apps
        "auth_method": {
            "default": "client_secret_basic",
            "doc": "client_secret_basic (server app) | none (client app)",
        },
    },
    "request": {
        "url": "{base_url}/oauth2/token",
        "method": "POST",
        "encoding": "form",
        "client_auth": "{auth_method}",
        "grant_type": "refresh_token",
    },
    "response": {
        # inferred: the page's response block is unreadable; fitbitViz's field list (above)
        "expires": {"field": "expires_in", "kind": "seconds"},
        "default_lifetime": 28800,  # best practices: 8 hours by default
        "id_token": None,  # inferred: not an OpenID provider, no answer carries one
        "extra": ["user_id"],
    },
    # Best practices: a refresh token can be used once; each refresh returns a new pair
    "rotation": "always",
    # The error-handling guide: {"errors": [{"errorType": ..., "message": ...}], "success": false};
    # invalid_grant as the errorType of a dead refresh token is third-party (fitbit.md, section 6)
    "errors": {
        "code_field": "errors.0.errorType",
        "message_field": "errors.0.message",
        "invalid_grant_codes": ["invalid_grant"],
    },
    "authorize": {
        "url": "{authorize_base_url}/oauth2/authorize",
        # inferred: the scope is required and Fitbit has no default; the commonly granted data
        # scopes, space-separated as the Authorize page requires
        "scope": "activity heartrate profile sleep weight",
        # inferred: S256 (offered) rather than the default plain, which would expose the verifier
        "pkce": "S256",
        # POST {base_url}/oauth2/token, form, client auth as auth_method says: as refresh does
        "exchange": {"grant_type": "authorization_code"},
    },
    # revoke-token page: POST {base_url}/oauth2/revoke, form token; Basic for server apps,
    # client_id alone for public clients (the auth_method setting, as for the refresh)
    "revoke": {
        "url": "{base_url}/oauth2/revoke",
        # token_type_hint: inferred, RFC 7009 lets the server ignore it
    },
}
