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
"""

ADAPTER = {
    "name": "edgetag",
    "title": "EdgeTag",
    "docs": "https://docs.edgetag.io/api/getting-started/oauth-2.0/implementation/refreshing-access-token",
    "settings": {
        "base_url": {"default": "https://api.edgetag.io"},
        "client_id": {},
        "client_secret": {"secret": True},
        "refresh_token": {"secret": True},
    },
    "request": {
        "url": "{base_url}/v1/oauth-app/client/token",
        "method": "POST",
        "encoding": "form",
        "client_auth": "basic",
        "grant_type": "refresh_token",
    },
    "response": {
        "access_token": "access_token",
        "refresh_token": None,
        "token_type": None,
        "expires": {"field": "expires_in", "kind": "seconds"},
        "default_lifetime": 7200,
    },
    "rotation": "never",
    "errors": {"invalid_grant_codes": ["invalid_grant"]},
}
