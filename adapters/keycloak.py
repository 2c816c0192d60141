"""Keycloak — the OpenID Connect token endpoint of a realm, refresh token grant.

https://www.keycloak.org/securing-apps/oidc-layers

What Keycloak's guides establish (read from their AsciiDoc sources in keycloak/keycloak,
docs/documentation/securing_apps and docs/documentation/server_admin):
- A realm's endpoints live under {base}/realms/{realm}/protocol/openid-connect/: token, auth,
  revoke, logout and auth/device; its discovery document is
  {base}/realms/{realm}/.well-known/openid-configuration (Securing Applications, "Available
  endpoints").
- The token endpoint takes a form; the guide's curl sends client_id and client_secret as -d
  fields ("Supported grant types"). Public clients need no secret
  (https://www.keycloak.org/docs/latest/server_admin/, "OIDC auth flows").
- Refresh tokens come with the authorization code, password and device flows. With the realm's
  "Revoke Refresh Token" switch on, a used refresh token is revoked and the answer's new one must
  be kept; with it off, the old one keeps working. A client policy
  (suppress-refresh-token-rotation) can make refresh answers carry no refresh token at all.
- A refresh token lives as long as its SSO session (Client/SSO Session Idle and Max); scope
  offline_access asks for an offline token instead, tied to the offline session (server admin
  guide, "Session and token timeouts" and "Offline access").

NO REFRESH EXAMPLE: the guides print no refresh request or answer (their only token curl is a
password grant); the contract test file records this (NO_REFRESH_EXAMPLE) instead of inventing one.

Choices where the guides are silent:
- Request: grant_type=refresh_token, refresh_token, client_id and (confidential clients)
  client_secret in the form, as the guide's curl passes credentials; scope only when set.
- Answer: access_token, expires_in, refresh_token, refresh_expires_in (seconds), token_type,
  id_token (with openid), scope and session_state, the names of Keycloak's token answers as
  seen in third-party examples; session_state, the SSO session's id, is kept on token.extra.
  An offline token's refresh_expires_in of 0 counts as "no known expiry".
- A dead refresh token: 400 invalid_grant ("Token is not active", "Stale token", "Session not
  active"), as seen in Keycloak's issue tracker (e.g. keycloak/keycloak issue 37961).
- base_url is scheme, host, port and any relative path (older servers and --http-relative-path=/auth
  need ".../auth" in it); realm is required.
- First tokens: the realm's auth endpoint with scope openid and PKCE S256 (Keycloak supports PKCE,
  per client); add offline_access to the scope for an offline token.

Device flow and revocation (https://www.keycloak.org/securing-apps/oidc-layers, its
endpoint list):
the realm's openid-connect/auth/device endpoint issues the code once the client has "OAuth 2.0
Device Authorization Grant" enabled, and the poll is the RFC 8628 one at the token endpoint.
openid-connect/revoke follows RFC 7009; revoking a refresh token also withdraws the user's
consent for the client.
"""

# A key is here because a page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "keycloak",
    "title": "Keycloak",
    "docs": "https://www.keycloak.org/securing-apps/oidc-layers",
    "settings": {
        # Every Keycloak server is its own: no default
        "base_url": {"doc": "the server root, e.g. https://sso.example.com (or .../auth on old servers)"},
        "realm": {"doc": "the realm name, e.g. myrealm"},
        "client_id": {},
        # Public clients have none; secret: inferred (a credential)
        "client_secret": {"required": False, "secret": True, "doc": "confidential clients only"},
        # inferred: RFC 6749 section 6 allows narrowing the scope; Keycloak follows it
        "scope": {"required": False, "doc": "a subset of the granted scope"},
    },
    "request": {
        "url": "{base_url}/realms/{realm}/protocol/openid-connect/token",
        "method": "POST",
        "encoding": "form",  # the guide's curl sends -d form fields
        # The guide's curl passes client_id and client_secret as fields; a public client's
        # client_id goes alone
        "client_auth": "body",
        "grant_type": "refresh_token",
        "optional": ["scope"],
    },
    "response": {
        "expires": {"field": "expires_in", "kind": "seconds"},
        # inferred: Keycloak's answers carry the refresh token's remaining life (third-party examples)
        "refresh_expires": {"field": "refresh_expires_in", "kind": "seconds"},
        "extra": ["session_state"],  # inferred: the SSO session's id, useful and not a credential
    },
    # "Revoke Refresh Token" is a realm switch and a client policy can suppress new ones: a refresh
    # token that comes back replaces ours, ours is kept otherwise
    "rotation": "if_present",
    # errors: 400 invalid_grant (the default), as in Keycloak's issue tracker.
    "authorize": {
        "url": "{base_url}/realms/{realm}/protocol/openid-connect/auth",
        "scope": "openid",  # a refresh token comes with the code flow by default
        "pkce": "S256",  # supported per client (server admin guide, "OIDC auth flows")
        # POST to the token endpoint, form, credentials in the body: as refresh does
        "exchange": {"grant_type": "authorization_code"},
    },
    # available-endpoints: POST {base_url}/realms/{realm}/protocol/openid-connect/auth/device,
    # form client_id, optional scope (client_secret for confidential clients)
    "device": {
        "url": "{base_url}/realms/{realm}/protocol/openid-connect/auth/device",
        # inferred: no scope sent, so the client's default scopes apply (as the refresh does)
        # the poll: RFC 8628 grant type and device_code, client auth as for a refresh
        "poll": {},
    },
    # available-endpoints: RFC 7009, form token and token_type_hint, client authenticated
    "revoke": {"url": "{base_url}/realms/{realm}/protocol/openid-connect/revoke"},
}
