"""Atlassian Cloud (OAuth 2.0 3LO) — Implementing the Refresh Token Flow.

https://developer.atlassian.com/cloud/oauth/getting-started/refresh-tokens/

    curl --request POST \\
      --url 'https://auth.atlassian.com/oauth/token' \\
      --header 'Content-Type: application/json' \\
      --data '{ "grant_type": "refresh_token", "client_id": "YOUR_CLIENT_ID",
                "client_secret": "YOUR_CLIENT_SECRET", "refresh_token": "YOUR_REFRESH_TOKEN" }'

    HTTP/1.1 200 OK
    {"access_token": <string>, "refresh_token": <string>,
     "expires_in": <expiry time of access_token in second>, "scope": <string>}

    403 Forbidden with {"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."

What the page says, in short:
- Refresh tokens rotate: each use issues a new, limited-life refresh token alongside the new
  access token (and the one used is done with).
- A JSON body with grant_type, client_id and client_secret (both required) and refresh_token.
- A refresh token comes only when the authorization URL's scope holds offline_access.
- A refresh token that is expired, revoked or already used gets 403 with invalid_grant (not the
  usual 400).

Other pages:
- Atlassian staff (https://community.developer.atlassian.com/t/refresh-token-expire-after-36000-seconds/60806/2):
  access tokens last an hour; refresh tokens die after 90 days unused and 365 days after the
  first authorization, whatever the use.
- The authorization URL
  (https://developer.atlassian.com/cloud/oauth/getting-started/implementing-oauth-3lo and the
  Jira variant https://developer.atlassian.com/cloud/jira/software/oauth-2-3lo-apps/):
  https://auth.atlassian.com/authorize with audience=api.atlassian.com, client_id, a
  space-separated scope, redirect_uri, state, response_type=code and prompt=consent.
- Atlassian Government Cloud authorizes at https://auth.atlassian-us-gov-mod.com with audience
  api.atlassian-us-gov-mod.com
  (https://developer.atlassian.com/platform/framework/agc/guides/manage-3lo-apps): set base_url
  and audience.

Choices where the pages are silent:
- token_type is not in the example answer: Bearer is assumed when absent.
- No refresh-token expiry field: the 90/365-day limits are policy, not in the answer.
- The default scope is offline_access alone: the product scopes (e.g. read:jira-work) are the
  app's own and must be added with authorize(scope="... offline_access").
- PKCE: not documented, none sent.
- The site's cloudId is not in the token answer (it comes from the accessible-resources API).
"""

# A key is here because a page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "atlassian",
    "title": "Atlassian Cloud (3LO)",
    "docs": "https://developer.atlassian.com/cloud/oauth/getting-started/refresh-tokens/",
    "settings": {
        "base_url": {"default": "https://auth.atlassian.com"},
        "client_id": {},
        "client_secret": {"secret": True},  # "(required)"; secret: inferred (a credential)
        # The authorization URL's audience; Government Cloud uses api.atlassian-us-gov-mod.com
        "audience": {"default": "api.atlassian.com", "doc": "the API the tokens are for"},
    },
    "request": {
        "url": "{base_url}/oauth/token",
        "method": "POST",
        "encoding": "json",  # the example's Content-Type: application/json
        "client_auth": "body",  # client_id and client_secret in the JSON body
        "grant_type": "refresh_token",
    },
    "response": {
        "expires": {"field": "expires_in", "kind": "seconds"},  # the access token's life
        "default_lifetime": 3600,  # Atlassian staff: access tokens last an hour
    },
    "rotation": "always",  # "rotating refresh tokens": a new one on every use
    # 403 {"error": "invalid_grant"}: the default code; the status is not needed to recognise it.
    # The 3LO pages (quoted above), not the refresh page:
    "authorize": {
        "url": "{base_url}/authorize",
        # offline_access is what makes Atlassian issue a refresh token at all
        "scope": "offline_access",
        "pkce": None,  # not documented
        "extra": {"audience": "{audience}", "prompt": "consent"},
        # POST {base_url}/oauth/token, JSON, credentials in the body: as refresh does
        "exchange": {"grant_type": "authorization_code"},
    },
}
