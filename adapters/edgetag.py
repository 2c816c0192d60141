"""EdgeTag — Refreshing Access Token.

https://docs.edgetag.io/api/getting-started/oauth-2.0/implementation/refreshing-access-token

    curl --request POST --url http://api-sandbox.edgetag.io/v1/oauth-app/client/token \\
      --header 'Authorization: Basic base64(clientId:clientSecret)' \\
      --header 'Content-Type: application/x-www-form-urlencoded' \\
      --data refresh_token=... --data grant_type=refresh_token

    { access_token: '...', expires_in: 7200 }

"Our Access Token expires every 2 hours."

Choices where the page contradicts itself:
- Method: the text says "Request is GET", but both examples POST a form body; a GET cannot carry
  that body, so we POST as the examples do.
- Host: production is https://api.edgetag.io; the examples use plain http on
  api-sandbox.edgetag.io while the implementation page uses https. Set
  base_url=https://api-sandbox.edgetag.io for their sandbox.
- The answer has no refresh_token (we keep ours: no rotation) and no token_type (Bearer).
- Errors are not documented; we assume RFC 6749 (400 {"error": "invalid_grant"}).

First tokens (conn.authorize()), from the implementation page:

    https://app.edgetag.io/oauth/authorize?response_type=code&client_id=...&redirect_uri=...
        &scope=...&state=...&code_challenge=...&code_challenge_method=S256
    POST {api}/v1/oauth-app/client/token  (form, HTTP Basic client auth)
        grant_type=authorization_code&code=...&redirect_uri=...&code_verifier=...

- Users approve on the app host, not the API host: the app_url setting
  (https://app-sandbox.edgetag.io for their sandbox).
- PKCE S256, as documented. No scope values are documented: none is sent unless
  authorize(scope=...) names one.
- The code-exchange answer is not shown; "The API is the same as for code exchange" and a
  refresh token must come from somewhere, so we read RFC 6749's access_token, refresh_token and
  expires_in from it (refresh answers then keep that refresh token).
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "edgetag",
    "title": "EdgeTag",
    "docs": "https://docs.edgetag.io/api/getting-started/oauth-2.0/implementation/refreshing-access-token",
    "settings": {
        # The production host, from the implementation page (this page's examples use
        # http://api-sandbox.edgetag.io)
        "base_url": {"default": "https://api.edgetag.io"},
        "app_url": {  # the implementation page: users approve on the app host
            "default": "https://app.edgetag.io",
            "doc": "where users approve access (authorization URL host)",
        },
        "client_id": {},
        "client_secret": {"secret": True},  # inferred: a credential, never logged or shown
    },
    "request": {
        "url": "{base_url}/v1/oauth-app/client/token",
        # inferred: the text says "Request is GET", but both examples POST a form body, which a
        # GET cannot carry
        "method": "POST",
        "encoding": "form",
        "client_auth": "basic",
        "grant_type": "refresh_token",
    },
    "response": {
        "access_token": "access_token",
        "refresh_token": None,  # the page's answer has none
        "token_type": None,  # ... and no token_type (Bearer)
        "expires": {"field": "expires_in", "kind": "seconds"},
        "default_lifetime": 7200,  # "Our Access Token expires every 2 hours"
    },
    "rotation": "never",  # inferred: the answer carries no refresh token, so ours stays valid
    # errors: not documented; RFC 6749's (400 invalid_grant), the defaults.
    # The implementation page (quoted above), not the refresh page:
    "authorize": {
        "url": "{app_url}/oauth/authorize",
        "pkce": "S256",
        "exchange": {
            "grant_type": "authorization_code",
            # inferred: the exchange's answer is not shown; a refresh token must come from it
            "response": {"refresh_token": "refresh_token"},
        },
    },
}
