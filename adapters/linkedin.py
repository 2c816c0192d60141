"""LinkedIn — Refresh Tokens with OAuth 2.0 (programmatic refresh tokens).

https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens

What the page establishes:
- Only applications LinkedIn has approved (Marketing Developer Platform partners) receive
  programmatic refresh tokens; for them the code exchange of the Authorization Code Flow also
  returns refresh_token and refresh_token_expires_in, the seconds left before the refresh token
  expires.
- By default an access token lives 60 days and a refresh token a year. Refreshing gives a fresh
  60-day access token but never extends the refresh token: its life keeps counting from the first
  authorization (a refresh on day 59 leaves it 306 days), after which the member must authorize
  again.
- LinkedIn may revoke either token at any time; the app must then fall back to the normal flow.

NO REFRESH EXAMPLE: every stored copy of the page stops in "Step 1" (its sample response is cut
after the first field), so "Step 2", the refresh request and answer, could not be read; the
contract test file records this (NO_REFRESH_EXAMPLE) instead of inventing one.

Choices where the readable pages are silent:
- POST https://www.linkedin.com/oauth/v2/accessToken, a form body with grant_type=refresh_token,
  refresh_token, client_id and client_secret: the endpoint and credential style of LinkedIn's own
  Authorization Code Flow page
  (https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow).
- The answer is read with the page's field names: access_token, expires_in, refresh_token,
  refresh_token_expires_in (seconds), scope. A refresh_token that comes back replaces ours.
- A dead refresh token: 400 {"error": "invalid_grant", "error_description": "Token has been
  expired or revoked."}, as reported by third parties
  (https://nango.dev/blog/linkedin-oauth-refresh-token-invalid-grant).
- Authorization: https://www.linkedin.com/oauth/v2/authorization; the member accepts all the
  scopes asked for or none. Which scopes an app may ask for depends on the products it has been
  granted, so no default is set: authorize(scope="...") names them (space-separated).
- PKCE: not documented for this flow, none sent.
"""

# A key is here because a page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "linkedin",
    "title": "LinkedIn",
    "docs": "https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens",
    "settings": {
        "base_url": {"default": "https://www.linkedin.com"},
        "client_id": {},
        "client_secret": {"secret": True},  # inferred: a credential, never logged or shown
    },
    "request": {
        # The Authorization Code Flow page's token endpoint (Step 2 of this page was unreadable)
        "url": "{base_url}/oauth/v2/accessToken",
        "method": "POST",
        "encoding": "form",  # inferred: the code exchange's encoding on the same endpoint
        "client_auth": "body",  # inferred: the code exchange sends client_id and client_secret so
        "grant_type": "refresh_token",
    },
    "response": {
        "expires": {"field": "expires_in", "kind": "seconds"},
        # "The number of seconds remaining until the refresh token expires"
        "refresh_expires": {"field": "refresh_token_expires_in", "kind": "seconds"},
        "default_lifetime": 5184000,  # "access tokens are valid for 60 days"
    },
    # inferred: the page does not say whether the refresh token string changes; a new one is
    # taken when it comes back, ours kept otherwise
    "rotation": "if_present",
    # errors: RFC 6749's invalid_grant (the default), as third parties report it.
    # The Authorization Code Flow page, not the refresh page:
    "authorize": {
        "url": "{base_url}/oauth/v2/authorization",
        "scope": None,  # depends on the app's granted products: authorize(scope=...) names them
        "pkce": None,  # not documented for the web flow
        # POST {base_url}/oauth/v2/accessToken, form, credentials in the body: as refresh does
        "exchange": {"grant_type": "authorization_code"},
    },
}
