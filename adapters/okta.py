"""Okta — Refresh access tokens and rotate refresh tokens.

https://developer.okta.com/docs/guides/refresh-tokens/main/

    http --form POST https://${yourOktaDomain}/oauth2/default/v1/token \\
      accept:application/json \\
      authorization:'Basic MG9hYmg3M...' \\
      cache-control:no-cache \\
      content-type:application/x-www-form-urlencoded \\
      grant_type=refresh_token \\
      redirect_uri=http://localhost:8080 \\
      scope=offline_access%20openid \\
      refresh_token=MIOf-U1zQbyfa3MUfJHhvnUqIut9ClH0xjlDXGJAyqo

    {"access_token": "eyJhbGciOiJ[...]K1Sun9bA", "token_type": "Bearer", "expires_in": 3600,
     "scope": "offline_access%20openid",
     "refresh_token": "MIOf-U1zQbyfa3MUfJHhvnUqIut9ClH0xjlDXGJAyqo",
     "id_token": "eyJraWQiO[...]hMEJQX6WRQ"}

What the guide and the OpenID Connect reference
(https://developer.okta.com/docs/reference/api/oidc/) say, in short:
- A custom authorization server's token endpoint is
  https://{yourOktaDomain}/oauth2/{authorizationServerId}/v1/token ("default" for the default
  server); the org authorization server's is https://{yourOktaDomain}/oauth2/v1/token.
- A form POST with grant_type=refresh_token and the refresh_token; scope is optional and must be
  a subset of the refresh token's (openid in it also renews the id_token). Confidential clients
  authenticate with HTTP Basic (the guide) or client_id/client_secret in the body (never both:
  that is invalid_request); public clients send their client_id alone.
- Rotation is a per-application choice (ROTATE or STATIC); with it, the used token dies once new
  ones are issued, after a grace period of 0-60 s (30 by default), and replaying it later revokes
  the whole family.
- A refresh token is issued only when the authorization asked for offline_access and the app may
  use the Refresh Token grant. An invalid, expired or revoked one is invalid_grant.

Settings: base_url (https://{yourOktaDomain}, required), authorization_server ("default"),
client_id, client_secret (confidential clients), auth_method (client_secret_basic, the default;
client_secret_post; none for a public client), scope and redirect_uri (both sent only when set:
the guide's example sends them, the reference does not require them).

First tokens (conn.authorize()), the reference's /authorize: the user approves at
{base_url}/oauth2/{authorization_server}/v1/authorize with a space-separated scope, state and a
PKCE S256 challenge; the code is exchanged at the token endpoint with grant_type=
authorization_code, code, redirect_uri and code_verifier.

Choices where the pages are silent:
- cache-control: no-cache in the example is a client-side cache hint, not a requirement: not sent.
- The org authorization server (https://{yourOktaDomain}/oauth2/v1/token, no server id in the
  path) cannot be reached through the authorization_server setting: custom servers only.
- No refresh-token expiry field: lifetimes are policy (refreshTokenLifetimeMinutes, an idle
  window of 7 days by default), not in the answer.

Device flow and revocation (https://developer.okta.com/docs/guides/device-authorization-grant/main/,
https://developer.okta.com/docs/reference/api/oidc/):
- Only native OIDC apps may use the device grant, and it has to be enabled on the app and in the
  authorization server's policy; such apps are public, so set auth_method to none. The code comes
  from /v1/device/authorize; offline_access in the scope brings a refresh token.
- /v1/revoke is RFC 7009: the token with a type hint, the client authenticated as at /v1/token;
  Okta answers 200 even for a token it does not know.
"""

# A key is here because a page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "okta",
    "title": "Okta",
    "docs": "https://developer.okta.com/docs/guides/refresh-tokens/main/",
    "settings": {
        # https://{yourOktaDomain}: every org has its own, so no default
        "base_url": {"doc": "https://{yourOktaDomain}, e.g. https://dev-123456.okta.com"},
        "authorization_server": {"default": "default", "doc": "the custom authorization server's id"},
        "client_id": {},
        # Public clients (SPA, native) have none; secret: inferred (a credential)
        "client_secret": {"required": False, "secret": True, "doc": "confidential clients only"},
        # The guide's example authenticates with Basic; the reference also allows the body or none
        "auth_method": {
            "default": "client_secret_basic",
            "doc": "client_secret_basic | client_secret_post | none (public client)",
        },
        "scope": {"required": False, "doc": "a subset of the granted scope, e.g. offline_access openid"},
        "redirect_uri": {"required": False, "doc": "sent on refresh when set, as the guide's example does"},
    },
    "request": {
        "url": "{base_url}/oauth2/{authorization_server}/v1/token",
        "method": "POST",
        "encoding": "form",
        "client_auth": "{auth_method}",
        "grant_type": "refresh_token",
        "optional": ["scope", "redirect_uri"],
    },
    "response": {
        "access_token": "access_token",
        "token_type": "token_type",
        "scope": "scope",
        "id_token": "id_token",  # when openid is in the scope
        "expires": {"field": "expires_in", "kind": "seconds"},
        "default_lifetime": 3600,  # the example's expires_in, for an answer without one
    },
    # ROTATE or STATIC per application: a refresh token that comes back replaces ours
    "rotation": "if_present",
    "errors": {"invalid_grant_codes": ["invalid_grant"]},  # the reference's list of errors
    "authorize": {
        "url": "{base_url}/oauth2/{authorization_server}/v1/authorize",
        # offline_access at /authorize is what gets a refresh token; openid an id_token
        "scope": "openid offline_access",
        "pkce": "S256",  # the reference's code_challenge_method
        # POST to the token endpoint, form, the client authenticated as auth_method says
        "exchange": {"grant_type": "authorization_code"},
    },
    # device-authorization-grant guide: POST .../v1/device/authorize, form, client_id and scope;
    # the poll goes to /v1/token with the device_code grant type, device_code and client_id
    "device": {
        "url": "{base_url}/oauth2/{authorization_server}/v1/device/authorize",
        "scope": "openid offline_access",  # offline_access is what brings a refresh token
        "poll": {},  # native apps are public clients: auth_method=none sends the client_id alone
    },
    # OIDC reference, /revoke: form token and token_type_hint, client authentication required
    "revoke": {"url": "{base_url}/oauth2/{authorization_server}/v1/revoke"},
}
