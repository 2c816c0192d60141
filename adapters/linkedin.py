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

The refresh (Step 2, read through a Markdown copy of the page):

    POST https://www.linkedin.com/oauth/v2/accessToken
    Content-Type: application/x-www-form-urlencoded
    grant_type=refresh_token&refresh_token=AQQOMeCI...&client_id=861hhm46p48to2&client_secret=gPecS7yqHkyyShvR

    {"access_token": "BBBB2kXI...", "expires_in": 86400, "refresh_token": "AQWAft_W...",
     "refresh_token_expires_in": 439200, "scope": "r_basicprofile"}

- The refresh token comes back unchanged, with its remaining life (439200 here, 525600 at Step 1).
- The page's error table: HTTP 400 invalid_request "The provided authorization grant or refresh
  token is invalid, expired or revoked" means "reauthenticate the member". LinkedIn uses
  invalid_request, not RFC 6749's invalid_grant, so the text is what marks a dead refresh token;
  the other invalid_request rows (a missing parameter) are client mistakes. The table prints no
  JSON body: the text is looked for in error_description, RFC 6749's field.

Choices where the readable pages are silent:
- The answer is read with the page's field names: access_token, expires_in, refresh_token,
  refresh_token_expires_in (seconds), scope. A refresh_token that comes back replaces ours.
- invalid_grant is kept as a dead-token code too: third parties report 400 {"error":
  "invalid_grant", "error_description": "Token has been expired or revoked."}
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
        "url": "{base_url}/oauth/v2/accessToken",  # Step 2
        "method": "POST",
        "encoding": "form",  # Step 2: x-www-form-urlencoded, parameters in the request body
        "client_auth": "body",  # Step 2: client_id and client_secret among the parameters
        "grant_type": "refresh_token",
    },
    "response": {
        "expires": {"field": "expires_in", "kind": "seconds"},
        # "The number of seconds remaining until the refresh token expires"
        "refresh_expires": {"field": "refresh_token_expires_in", "kind": "seconds"},
        "default_lifetime": 5184000,  # "access tokens are valid for 60 days"
    },
    # Step 2's answer returns the same refresh token; a new one is taken if one ever comes back
    "rotation": "if_present",
    "errors": {
        # third parties report invalid_grant; the page's own table uses invalid_request + this text
        "invalid_grant_codes": ["invalid_grant"],
        "invalid_grant_messages": ["refresh token is invalid, expired or revoked"],
    },
    # The Authorization Code Flow page, not the refresh page:
    "authorize": {
        "url": "{base_url}/oauth/v2/authorization",
        "scope": None,  # depends on the app's granted products: authorize(scope=...) names them
        "pkce": None,  # not documented for the web flow
        # POST {base_url}/oauth/v2/accessToken, form, credentials in the body: as refresh does
        "exchange": {"grant_type": "authorization_code"},
    },
}
