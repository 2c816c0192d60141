"""Auth0 — Use Refresh Tokens.

https://auth0.com/docs/secure/tokens/refresh-tokens/use-refresh-tokens

    POST https://{yourDomain}/oauth/token
    Content-Type: application/x-www-form-urlencoded
    grant_type=refresh_token&client_id=...&client_secret=...&refresh_token=...

    {"access_token": "eyJ...MoQ", "expires_in": 86400, "scope": "openid offline_access",
     "id_token": "eyJ...0NE", "token_type": "Bearer"}

- client_secret: "Optional ... Only required for confidential applications": leave it unset for
  a public (SPA/native) app and only client_id is sent.
- scope: optional; sent only when the scope setting is set (must be a subset of the granted one).
- With refresh-token rotation on, a new refresh_token comes back and the old one dies; reusing
  it revokes the whole family (403 invalid_grant "Unknown or invalid refresh token."). Rotation
  is a per-application switch, so we take a refresh token when one comes back.
- Rate limits: a 429 carries x-ratelimit-reset (UNIX time); oauthkit waits until then.
- base_url defaults to https://{domain}; set domain (e.g. example.eu.auth0.com) or base_url.

First tokens (conn.authorize()), "Authorization Code Flow with PKCE":

    GET https://{domain}/authorize?response_type=code&client_id=...&redirect_uri=...
        &scope=openid offline_access&state=...&code_challenge=...&code_challenge_method=S256
    POST https://{domain}/oauth/token  (form) grant_type=authorization_code, client_id,
        client_secret (confidential apps) or code_verifier (public apps), code, redirect_uri

- scope: "offline_access" is what makes Auth0 issue a refresh token at all, so it is in the
  default ("openid offline_access"); authorize(scope=...) replaces it, keep offline_access.
- PKCE S256 always: a public app must use it and a confidential app may; sending both the
  secret and the verifier is accepted.
- An API's audience is a parameter of the authorization URL: authorize(params={"audience": ...}).
- The redirect URI must be listed in the application's "Allowed Callback URLs": register e.g.
  http://127.0.0.1:8765/callback and pass authorize(redirect_uri=...) with it.
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "auth0",
    "title": "Auth0",
    "docs": "https://auth0.com/docs/secure/tokens/refresh-tokens/use-refresh-tokens",
    "settings": {
        # The page's https://${account.namespace}; inferred: optional, as base_url may replace it
        "domain": {"required": False, "doc": "your tenant, e.g. example.eu.auth0.com"},
        "base_url": {"default": "https://{domain}"},
        "client_id": {},
        # "Optional ... Only required for confidential applications"; secret: inferred (a credential)
        "client_secret": {"required": False, "secret": True, "doc": "confidential applications only"},
        # Not on this page: Auth0's Authentication API reference lists an optional scope on
        # refresh (tests/provider_pages/NOTES.md)
        "scope": {"required": False},
    },
    "request": {
        "url": "{base_url}/oauth/token",
        "method": "POST",
        "encoding": "form",
        "client_auth": "body",
        "grant_type": "refresh_token",
        "optional": ["scope"],  # Authentication API reference, as above: sent only when set
    },
    "response": {
        "access_token": "access_token",
        "token_type": "token_type",
        "scope": "scope",
        "id_token": "id_token",  # "If the scope of the initial token included openid"
        "expires": {"field": "expires_in", "kind": "seconds"},
        # inferred: the example's expires_in (Auth0's default lifetime), for an answer without one
        "default_lifetime": 86400,
    },
    # inferred: not on this page; rotation is a per-application switch (Auth0's "Refresh Token
    # Rotation", tests/provider_pages/NOTES.md), so a refresh token is taken when one comes back
    "rotation": "if_present",
    # errors: RFC 6749's invalid_grant (the default); a reused rotated token gets 403
    # invalid_grant (Auth0's "Refresh Token Rotation", tests/provider_pages/NOTES.md).
    # Auth0's "Authorization Code Flow with PKCE" (quoted above), not the refresh page:
    "authorize": {
        "url": "{base_url}/authorize",
        # offline_access makes Auth0 issue a refresh token at all; openid an id token
        "scope": "openid offline_access",
        "pkce": "S256",
        # POST {base_url}/oauth/token, form, client_id (+ secret when set): as refresh does.
        "exchange": {"grant_type": "authorization_code"},
    },
    # Auth0's Device Authorization Flow (https://auth0.com/docs/get-started/authentication-and-
    # authorization-flow/device-authorization-flow): POST {base_url}/oauth/device/code with
    # client_id and scope; the answer is RFC 8628's; poll {base_url}/oauth/token with the device
    # grant, the device_code and the client_id (native applications: no secret)
    "device": {
        "url": "{base_url}/oauth/device/code",
        "scope": "openid offline_access",  # offline_access: a refresh token, as for authorize
        "poll": {},
    },
    # Revoke Refresh Token (https://auth0.com/docs/api/authentication/revoke-refresh-token):
    # POST {base_url}/oauth/revoke with client_id, client_secret (confidential) and token
    "revoke": {"url": "{base_url}/oauth/revoke", "hint_param": None},  # the page sends no hint
}
