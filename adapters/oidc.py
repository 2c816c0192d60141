"""OpenID Connect — refresh through the issuer's discovered token endpoint.

https://openid.net/specs/openid-connect-core-1_0.html#RefreshTokens and
https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig

    GET {issuer}/.well-known/openid-configuration
    {"issuer": "https://server.example.com", "token_endpoint": "https://server.example.com/token",
     "token_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"], ...}

    POST {token_endpoint}
    grant_type=refresh_token&refresh_token=8xLOxBtZp8&scope=openid%20profile   (RFC 6749 section 6)

    {"access_token": "TlBN45jURg", "token_type": "Bearer", "refresh_token": "9yNOxJtZa5",
     "expires_in": 3600, "id_token": "eyJhbGciOiJSUzI1NiIsImtpZCI6IjFlOWdkazcifQ..."}

Settings: issuer, client_id, client_secret, scope; token_endpoint, auth_method and
authorization_endpoint (conn.authorize() only) come from the discovery document (fetched once
per issuer per process) unless you set them.
- The document must name the same issuer (Discovery section 4.3); anything else is refused.
- auth_method: with a client secret, client_secret_basic if listed, else client_secret_post;
  without one, none (a public client). An unlisted list means client_secret_basic (Discovery).
- Rotation and id_token: taken when they come back (Core section 12.2: the id_token is optional
  on refresh).

First tokens (conn.authorize()), the Authorization Code Flow (Core section 3.1), with PKCE
(RFC 7636) added:

https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowAuth

    GET {authorization_endpoint}?response_type=code&scope=openid%20profile%20email
        &client_id=s6BhdRkqt3&state=af0ifjsldkj
        &redirect_uri=https%3A%2F%2Fclient.example.org%2Fcb                 (section 3.1.2.1)
        (+ &code_challenge=...&code_challenge_method=S256)

    HTTP/1.1 302 Found
    Location: https://client.example.org/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=af0ifjsldkj

    POST {token_endpoint}                                                    (section 3.1.3.1)
    Authorization: Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW
    grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA
    &redirect_uri=https%3A%2F%2Fclient.example.org%2Fcb   (+ &code_verifier=...)

- authorization_endpoint comes from the discovery document (REQUIRED there, Discovery section
  3) unless you set it.
- scope: "OpenID Connect requests MUST contain the openid scope value", so the default is
  "openid"; authorize(scope="openid ...") replaces it, keep openid in it.
- offline_access is not asked for by default. Many servers (Okta, Microsoft Entra ID, Auth0)
  issue a refresh token only for it, but Core section 11 ties it to prompt=consent, and servers
  that do not know it may refuse the whole request (invalid_scope: django-oauth-toolkit does).
  Where the server wants it: authorize(scope="openid offline_access", params={"prompt": "consent"}).
- PKCE S256 always, not read from code_challenge_methods_supported: the authorize section is
  fixed data, S256 is Mandatory To Implement for servers that do PKCE (RFC 7636 section 4.2),
  and servers that do not ignore unknown parameters (RFC 6749 sections 3.1 and 3.2).
- No nonce: it is OPTIONAL in the code flow (section 3.1.2.1); the id_token is stored, not
  validated (oauthkit keeps tokens alive, it does not log users in).
"""

# A key is here because the specifications state it, or because the adapter departs from the
# default on purpose ("inferred", with the reason). Unsaid keys take the defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "oidc",
    "title": "OpenID Connect",
    "docs": "https://openid.net/specs/openid-connect-core-1_0.html#RefreshTokens",
    "discovery": "{issuer}/.well-known/openid-configuration",  # Discovery section 4
    "settings": {
        "issuer": {"doc": "the issuer URL, e.g. https://accounts.example.com"},
        "client_id": {},
        # Only confidential clients have one; secret: inferred (a credential)
        "client_secret": {"required": False, "secret": True, "doc": "confidential clients only"},
        # Optional: the discovery document supplies them (Discovery section 3), unless set
        "auth_method": {"required": False, "doc": "default: chosen from the discovery document"},
        "token_endpoint": {"required": False, "doc": "default: from the discovery document"},
        "scope": {"required": False, "doc": "a subset of the granted scope"},  # RFC 6749 section 6
        "authorization_endpoint": {
            "required": False,
            "doc": "for conn.authorize() only; default: from the discovery document",
        },
        # RFC 8628 section 4 and RFC 8414 section 2: metadata names both when the server has them
        "device_authorization_endpoint": {
            "required": False,
            "doc": "for conn.authorize(flow='device'); default: from the discovery document",
        },
        "revocation_endpoint": {
            "required": False,
            "doc": "for conn.revoke(); default: from the discovery document",
        },
    },
    "request": {  # Core section 12.1: RFC 6749 section 6
        "url": "{token_endpoint}",
        "method": "POST",
        "encoding": "form",
        "client_auth": "{auth_method}",
        "grant_type": "refresh_token",
        "optional": ["scope"],
    },
    "response": {  # Core section 12.2
        "access_token": "access_token",
        "refresh_token": "refresh_token",
        "token_type": "token_type",
        "scope": "scope",
        "id_token": "id_token",  # optional on refresh
        "expires": {"field": "expires_in", "kind": "seconds"},
    },
    "rotation": "if_present",  # a new refresh token may come back (RFC 6749 section 6)
    "errors": {"invalid_grant_codes": ["invalid_grant"]},  # Core section 12.3: RFC 6749 section 5.2
    "authorize": {
        "url": "{authorization_endpoint}",
        "scope": "openid",  # offline_access left to the user (see above)
        "pkce": "S256",  # not from code_challenge_methods_supported (see above)
        # Section 3.1.3.1: POST {token_endpoint}, form, the client authenticated with the
        # discovered (or set) auth_method, exactly as the refresh request above.
        "exchange": {"grant_type": "authorization_code"},
    },
    # RFC 8628: the device authorization request (section 3.1) and the polling token request
    # (section 3.4: grant_type urn:ietf:params:oauth:grant-type:device_code, device_code and
    # the client authenticated as for any token request)
    "device": {
        "url": "{device_authorization_endpoint}",
        # as authorize's: offline_access is left to the user, servers that do not know it refuse
        # the whole request (django-oauth-toolkit: invalid_scope)
        "scope": "openid",
        "poll": {},
    },
    # RFC 7009 section 2.1: POST token=...&token_type_hint=refresh_token, client authenticated
    "revoke": {"url": "{revocation_endpoint}"},
}
