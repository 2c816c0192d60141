"""Box — Refresh a Token (OAuth 2.0 user authentication).

https://developer.box.com/guides/authentication/tokens/refresh
(the answer: https://developer.box.com/guides/authentication/tokens/access-tokens/)

    curl -i -X POST "https://api.box.com/oauth2/token" \\
         -H "Content-Type: application/x-www-form-urlencoded" \\
         -d "client_id=[CLIENT_ID]" -d "client_secret=[CLIENT_SECRET]" \\
         -d "refresh_token=[REFRESH_TOKEN]" -d "grant_type=refresh_token"

    {"access_token": "c3FIOG9vSGV4VHo4QzAyg5T1JvNnJoZ3ExaVNyQWw6WjRsanRKZG5lQk9qUE1BVQ",
     "expires_in": 3600, "token_type": "bearer", "refresh_token": "c3FIOG9v...",
     "issued_token_type": "urn:ietf:params:oauth:token-type:access_token"}

What the pages say, in short:
- A form POST to api.box.com/oauth2/token with client_id, client_secret, refresh_token and
  grant_type in the body.
- An OAuth 2.0 token request returns an access token and refresh token pair (the access-tokens
  guide's token object); access tokens last an hour (expires_in).
- Refresh tokens are single use and valid 60 days: each refresh invalidates the one used and
  returns the next, itself good for one use within 60 days. Past that the user authorizes
  again. No answer field carries the 60 days, so the refresh token's expiry stays unknown here.
- JWT and Client Credentials Grant tokens come without a refresh token: this adapter is for
  OAuth 2.0 user authentication only.

First tokens (conn.authorize()):

    GET https://account.box.com/api/oauth2/authorize?response_type=code&client_id=...
        &redirect_uri=...&state=...
    POST https://api.box.com/oauth2/token  client_id, client_secret, code, grant_type=authorization_code

- Every OAuth 2.0 code exchange returns a refresh token; nothing extra is asked for.
- Users approve on account.box.com, another host than the token endpoint.

Choices where the pages are silent:
- Dead refresh token: Box answers invalid_grant ("Refresh token has expired" after 60 days, in
  a Box community thread answered by Box staff,
  https://support.box.com/hc/en-us/community/posts/360049159714): RFC 6749's, the default.
- The authorization URL is Box's long-standing one; its guide page was not among those read.
- PKCE: not documented; none is sent. Scope: app-level in the developer console; none is asked.

Revocation (https://developer.box.com/guides/authentication/tokens/revoke/): api.box.com/oauth2/revoke
takes either token with the client id and secret in the form body. Box documents no device flow.
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "box",
    "title": "Box",
    "docs": "https://developer.box.com/guides/authentication/tokens/refresh",
    "settings": {
        "base_url": {"default": "https://api.box.com"},
        # inferred: Box's authorization host (its guide page was not read)
        "authorize_base_url": {"default": "https://account.box.com"},
        "client_id": {},
        "client_secret": {"secret": True},
    },
    "request": {
        "url": "{base_url}/oauth2/token",
        "method": "POST",
        "encoding": "form",
        "client_auth": "body",
        "grant_type": "refresh_token",
    },
    "response": {
        "access_token": "access_token",
        "refresh_token": "refresh_token",
        "token_type": "token_type",  # "bearer"
        "scope": None,  # no scope in the token object
        "id_token": None,  # inferred: not OpenID Connect, no answer lists one
        "expires": {"field": "expires_in", "kind": "seconds"},
    },
    # "the Refresh Token is invalidated and a new Refresh Token is returned"
    "rotation": "always",
    # errors: invalid_grant, RFC 6749's (the default); see the community thread above
    "authorize": {
        # inferred: the long-standing authorization URL (see above)
        "url": "{authorize_base_url}/api/oauth2/authorize",
        "pkce": None,  # not documented
        "exchange": {"grant_type": "authorization_code"},
    },
    # revoke guide: POST {base_url}/oauth2/revoke, form client_id, client_secret, token (access
    # or refresh); the client credentials in the body, as for the refresh request
    "revoke": {
        "url": "{base_url}/oauth2/revoke",
        "hint_param": None,  # the page's body has no hint
    },
}
