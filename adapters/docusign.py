"""Docusign — Authentication Service, POST /oauth/token with a refresh token.

https://developers.docusign.com/platform/auth/reference/obtain-access-token (the reference) and
https://www.docusign.com/blog/developers/authorization-code-grant-refresh-tokens (Docusign's
developer blog on refresh tokens, with the only printed refresh call)

    curl --location --request POST 'https://account-d.docusign.com/oauth/token' \\
    --header 'Authorization: Basic 'NWYxZTg4…………...TJkOGI2Yg==' \\
    --header 'Content-Type: application/x-www-form-urlencoded' \\
    --data-urlencode 'refresh_token=eyJ0eX…………...Dp_hA' \\
    --data-urlencode 'grant_type=refresh_token'

    {"access_token":"eyJ0eXAi......mX9f7k1g", "token_type":"Bearer",
     "refresh_token":"eyJ0eXAi......mruC5c3A", "expires_in":28800}   (a code-exchange answer)

What the pages document:
- Two hosts: account-d.docusign.com for the developer (demo) environment and
  account.docusign.com for production, both at /oauth/token.
- A form POST authenticated with HTTP Basic over integration_key:secret_key; the body is
  refresh_token and grant_type=refresh_token, nothing else.
- The endpoint trades a refresh token "for an access token and a new refresh token".
- Authorization Code Grant access tokens live eight hours (expires_in 28800); refresh tokens 30
  days, a figure the answer does not carry. With the "extended" scope each new refresh token
  starts a fresh 30 days; without it the original deadline stands.

The printed call elides its Basic credentials and refresh token with "…" characters (not
Base64, not a token), and the printed answer is introduced as a code-exchange answer, so there is
no refresh contract test (NO_REFRESH_EXAMPLE in tests/test_catalogue_c.py).

First tokens (conn.authorize()), https://developers.docusign.com/platform/auth/confidential-authcode-get-token:

    https://account.docusign.com/oauth/auth?response_type=code&scope=signature%20extended
        &client_id=<integration key>&redirect_uri=...&state=...&code_challenge=...
        &code_challenge_method=S256
    POST https://account.docusign.com/oauth/token  (form, HTTP Basic)
        grant_type=authorization_code&code=...[&code_verifier=...]

- "extended" is in the default scope so that refreshing keeps the authorization alive
  indefinitely; "signature" is the eSignature scope.
- PKCE is optional for confidential apps (and required for public ones): always used.

Choices where the pages are silent:
- base_url defaults to production; set base_url=https://account-d.docusign.com for the
  developer environment.
- Rotation: a new refresh token is promised, but whether the old one dies is not; the one that
  comes back is kept.
- Lifetime: eight hours when expires_in is missing.
- Dead refresh token: not documented; RFC 6749's invalid_grant, the default.
- Public (secret-less, PKCE) apps: their refresh parameters could not be read; this adapter
  covers confidential apps.
- The account id and API base URI come from /oauth/userinfo, not from the token answer.
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "docusign",
    "title": "Docusign",
    "docs": "https://developers.docusign.com/platform/auth/reference/obtain-access-token",
    "settings": {
        # inferred: production by default; the examples use the developer host
        "base_url": {
            "default": "https://account.docusign.com",
            "doc": "developer environment: https://account-d.docusign.com",
        },
        "client_id": {"doc": "the integration key"},
        "client_secret": {"secret": True, "doc": "the secret key"},
    },
    "request": {
        "url": "{base_url}/oauth/token",
        "method": "POST",
        "encoding": "form",
        "client_auth": "basic",  # "Basic Base64-encoded integration_key:secret_key"
        "grant_type": "refresh_token",
    },
    "response": {
        "access_token": "access_token",
        "refresh_token": "refresh_token",
        "token_type": "token_type",
        "expires": {"field": "expires_in", "kind": "seconds"},
        "default_lifetime": 28800,  # the blog: an eight-hour lifespan
    },
    # "an access token and a new refresh token"; the old one's fate is unstated
    "rotation": "if_present",
    # errors: not documented; RFC 6749's invalid_grant, the default.
    "authorize": {
        "url": "{base_url}/oauth/auth",
        # The blog's "extended" scope renews the refresh token's 30 days on every refresh
        "scope": "signature extended",
        "pkce": "S256",
        # POST {base_url}/oauth/token, form, HTTP Basic: as refresh does.
        "exchange": {"grant_type": "authorization_code"},
    },
}
