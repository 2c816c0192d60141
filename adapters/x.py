"""X (formerly Twitter) — OAuth 2.0 Authorization Code Flow with PKCE: refresh tokens.

https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code (formerly
https://developer.x.com/en/docs/authentication/oauth-2-0/authorization-code)

    POST 'https://api.x.com/2/oauth2/token' \\
    --header 'Content-Type: application/x-www-form-urlencoded' \\
    --data-urlencode 'refresh_token=bWRWa3gzdnk3WHRGU1o0bmRRcTJ5VUxWX1lZTDdJSUtmaWcx...' \\
    --data-urlencode 'grant_type=refresh_token' \\
    --data-urlencode 'client_id=rG9n6402A3dbUJKzXTNX4oWHJ'

What the page documents:
- A form POST to /2/oauth2/token (api.x.com; older copies say api.twitter.com) carrying
  refresh_token, grant_type=refresh_token and the app's OAuth 2.0 client_id.
- A refresh token is issued only when the offline.access scope was granted.
- Access tokens stay valid for two hours by default.
- Confidential clients (apps given a client secret) authenticate with HTTP Basic on the token
  endpoint; public clients send only their client_id
  (https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/user-access-token).

The page prints the refresh request but no answer to it, so there is no refresh contract test
(NO_REFRESH_EXAMPLE in tests/test_catalogue_c.py).

First tokens (conn.authorize()), the user access token page:

    https://x.com/i/oauth2/authorize?response_type=code&client_id=...&redirect_uri=...
        &scope=tweet.read%20users.read%20offline.access&state=...&code_challenge=...
        &code_challenge_method=S256
    POST https://api.x.com/2/oauth2/token  (form)
        code=...&grant_type=authorization_code&client_id=...&redirect_uri=...&code_verifier=...

- PKCE is part of the flow's name; S256 is used.
- offline.access is in the default scope: without it no refresh token is issued.

Choices where the pages are silent:
- Client auth is the auth_method setting: "none" (the default, as the printed request: client_id
  in the body, no secret) or "client_secret_basic" for a confidential client, which then also
  needs client_secret.
- The answer is read as RFC 6749's (access_token, expires_in, refresh_token, scope,
  token_type bearer, as the flow's code-exchange example shows); two hours when expires_in is
  missing.
- Rotation: integrators find a new refresh token in every answer; the one that comes back is
  kept.
- Dead refresh token: not documented. Besides RFC 6749's invalid_grant, the message integrators
  report for a spent refresh token ("Value passed for the token was invalid", under
  error invalid_request) counts as "authorize again".
- The authorization page lives on x.com (formerly twitter.com): the authorize_base_url setting.

Revocation (https://developer.twitter.com/en/docs/authentication/oauth-2-0/user-access-token#revoke-an-access-token,
request shape read in client code):
api.x.com/2/oauth2/revoke takes the token, a type hint and the client id in a form; confidential
clients add Basic credentials (the auth_method setting, as for the refresh). No device flow.
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "x",
    "title": "X",
    "docs": "https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code",
    "settings": {
        "base_url": {"default": "https://api.x.com"},
        # Third-party clients' constant (https://x.com/i/oauth2/authorize), formerly twitter.com
        "authorize_base_url": {"default": "https://x.com"},
        "client_id": {"doc": "the app's OAuth 2.0 Client ID"},
        "client_secret": {"required": False, "secret": True, "doc": "confidential clients only"},
        # inferred: how the documented public and confidential clients differ on the wire
        "auth_method": {
            "default": "none",
            "doc": "none (public client) or client_secret_basic (confidential client)",
        },
    },
    "request": {
        "url": "{base_url}/2/oauth2/token",
        "method": "POST",
        "encoding": "form",
        "client_auth": "{auth_method}",
        "grant_type": "refresh_token",
    },
    "response": {
        "access_token": "access_token",
        "refresh_token": "refresh_token",
        "token_type": "token_type",
        "scope": "scope",
        "expires": {"field": "expires_in", "kind": "seconds"},
        "default_lifetime": 7200,  # "only stay valid for two hours"
    },
    # inferred: every refresh answer carries a new refresh token, by integrators' accounts
    "rotation": "if_present",
    "errors": {
        # inferred: integrators' reports for a spent refresh token (error invalid_request)
        "invalid_grant_messages": ["value passed for the token was invalid"],
    },
    "authorize": {
        "url": "{authorize_base_url}/i/oauth2/authorize",
        "scope": "tweet.read users.read offline.access",  # offline.access: or no refresh token
        "pkce": "S256",
        # POST {base_url}/2/oauth2/token, form, the same client auth: as refresh does.
        "exchange": {"grant_type": "authorization_code"},
    },
    # user-access-token page (as client code quotes it): POST {base_url}/2/oauth2/revoke, form
    # token, token_type_hint,
    # client_id (public) or Basic auth (confidential): the auth_method setting, inherited
    "revoke": {"url": "{base_url}/2/oauth2/revoke"},
}
