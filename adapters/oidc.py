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

Settings: issuer, client_id, client_secret, scope; token_endpoint and auth_method come from the
discovery document (fetched once per issuer per process) unless you set them.
- The document must name the same issuer (Discovery section 4.3); anything else is refused.
- auth_method: with a client secret, client_secret_basic if listed, else client_secret_post;
  without one, none (a public client). An unlisted list means client_secret_basic (Discovery).
- Rotation and id_token: taken when they come back (Core section 12.2: the id_token is optional
  on refresh).
"""

ADAPTER = {
    "name": "oidc",
    "title": "OpenID Connect",
    "docs": "https://openid.net/specs/openid-connect-core-1_0.html#RefreshTokens",
    "discovery": "{issuer}/.well-known/openid-configuration",
    "settings": {
        "issuer": {"doc": "the issuer URL, e.g. https://accounts.example.com"},
        "client_id": {},
        "client_secret": {"required": False, "secret": True, "doc": "confidential clients only"},
        "auth_method": {"required": False, "doc": "default: chosen from the discovery document"},
        "token_endpoint": {"required": False, "doc": "default: from the discovery document"},
        "scope": {"required": False, "doc": "a subset of the granted scope"},
        "refresh_token": {"secret": True},
    },
    "request": {
        "url": "{token_endpoint}",
        "method": "POST",
        "encoding": "form",
        "client_auth": "{auth_method}",
        "grant_type": "refresh_token",
        "optional": ["scope"],
    },
    "response": {
        "access_token": "access_token",
        "refresh_token": "refresh_token",
        "token_type": "token_type",
        "scope": "scope",
        "id_token": "id_token",
        "expires": {"field": "expires_in", "kind": "seconds"},
    },
    "rotation": "if_present",
    "errors": {"invalid_grant_codes": ["invalid_grant"]},
}
