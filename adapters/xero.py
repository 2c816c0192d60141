"""Xero — OAuth 2.0 standard authorization code flow: refreshing access tokens.

https://developer.xero.com/documentation/guides/oauth2/auth-flow/
(that page could not be read; the facts below come from Xero's OAuth 2.0 FAQ,
https://developer.xero.com/faq/oauth2, and Xero staff replies on its developer community:
https://community.xero.com/developer/discussion/105714701/,
https://community.xero.com/developer/discussion/127920775,
https://community.xero.com/developer/discussion/125347287)

    POST https://identity.xero.com/connect/token
    Authorization: Basic base64(client_id:client_secret)
    Content-Type: application/x-www-form-urlencoded

    grant_type=refresh_token&refresh_token=...

What the pages say, in short:
- A form body with grant_type and refresh_token; web apps authenticate with HTTP Basic. Apps
  using PKCE (native apps, no secret) send client_id instead: the auth_method setting "none"
  (default client_secret_basic).
- The answer: access_token (a JWT living 30 minutes, expires_in 1800), token_type Bearer,
  refresh_token, id_token when openid was granted, scope.
- Every refresh returns a new refresh token, which replaces ours. If the answer is lost, the old
  one may be retried for 30 minutes; unused refresh tokens die after 60 days.
- One token set per user and organisation: a copy refreshed elsewhere makes ours fail with
  400 {"error": "invalid_grant"}.
- The organisations a token reaches are not in the answer: GET https://api.xero.com/connections
  lists their tenantId, sent as xero-tenant-id on API calls.

First tokens (conn.authorize()):

    GET https://login.xero.com/identity/connect/authorize?response_type=code&client_id=...
        &redirect_uri=...&scope=openid profile email offline_access&state=...
        &code_challenge=...&code_challenge_method=S256
    POST https://identity.xero.com/connect/token  grant_type=authorization_code, code,
        redirect_uri, code_verifier (+ Basic, or client_id for PKCE apps)

- offline_access is the scope without which no refresh token is issued. Add the API scopes the
  app needs, e.g. authorize(scope="openid profile email offline_access accounting.transactions").
- Users approve on login.xero.com, another host than the token endpoint.

Choices where the pages are silent:
- The refresh example of the auth-flow guide was not read; the request above is what Xero staff
  answered as correct usage (thread 105714701).
- PKCE S256: the FAQ says PKCE is supported for apps without a secret; S256 is the method sent.

Revocation (https://developer.xero.com/documentation/guides/oauth2/auth-flow/; the request
shape as Xero's own xero-node SDK and other client code send it):
identity.xero.com/connect/revocation is RFC 7009-style: the refresh token in a form with Basic
credentials, and it removes every connection the user gave the app. No device flow.
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "xero",
    "title": "Xero",
    "docs": "https://developer.xero.com/documentation/guides/oauth2/auth-flow/",
    "settings": {
        "base_url": {"default": "https://identity.xero.com"},
        # Users approve on the login host, not the identity (token) host
        "authorize_base_url": {"default": "https://login.xero.com"},
        "client_id": {},
        # The FAQ: PKCE apps have no client secret
        "client_secret": {"required": False, "secret": True, "doc": "web apps; not for PKCE apps"},
        "auth_method": {"default": "client_secret_basic", "doc": "client_secret_basic | none (PKCE apps)"},
    },
    "request": {
        "url": "{base_url}/connect/token",
        "method": "POST",
        "encoding": "form",
        "client_auth": "{auth_method}",  # Basic for web apps (thread 105714701)
        "grant_type": "refresh_token",
    },
    "response": {
        "access_token": "access_token",
        "refresh_token": "refresh_token",
        "token_type": "token_type",
        "scope": "scope",
        "id_token": "id_token",  # with the openid scope
        "expires": {"field": "expires_in", "kind": "seconds"},
    },
    # The FAQ and staff replies: each refresh returns the refresh token to use next
    "rotation": "always",
    # errors: 400 invalid_grant (thread 125347287), RFC 6749's: the default
    "authorize": {
        "url": "{authorize_base_url}/identity/connect/authorize",
        # offline_access: no refresh token without it; openid profile email: the identity scopes
        # Xero's examples ask for alongside it
        "scope": "openid profile email offline_access",
        "pkce": "S256",
        "exchange": {"grant_type": "authorization_code"},
    },
    # xero-node's revokeToken and client code: POST {base_url}/connect/revocation, form token=<refresh
    # token>, Basic auth (the auth_method setting, inherited)
    "revoke": {
        "url": "{base_url}/connect/revocation",
        # token_type_hint: inferred, RFC 7009 lets the server ignore it
    },
}
