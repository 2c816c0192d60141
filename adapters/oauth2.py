"""OAuth 2.0 — Refreshing an Access Token (RFC 6749 section 6), for any standard server.

https://www.rfc-editor.org/rfc/rfc6749#section-6

    POST /token HTTP/1.1
    Authorization: Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW
    Content-Type: application/x-www-form-urlencoded

    grant_type=refresh_token&refresh_token=tGzv3JOkF0XG5Qx2TlKWIA

    {"access_token": "2YotnFZFEjr1zCsicMWpAA", "token_type": "Bearer", "expires_in": 3600,
     "refresh_token": "tGzv3JOkF0XG5Qx2TlKWIA", "scope": "read"}

Settings: token_url (the token endpoint), client_id, client_secret, auth_method and scope.
- issuer: instead of token_url, RFC 8414 (https://www.rfc-editor.org/rfc/rfc8414#section-3):
  the metadata at {issuer}/.well-known/oauth-authorization-server names token_endpoint and
  authorization_endpoint (used for token_url and authorize_url unless those are set) and
  token_endpoint_auth_methods_supported (auth_method chosen from it unless set). Fetched once per
  process; without an issuer nothing is fetched.
- auth_method: RFC 8414 names. client_secret_basic (the default; every server must accept it,
  section 2.3.1), client_secret_post (id and secret in the body) or none (a public client: the
  client_id alone in the body, no secret).
- scope: optional; "MUST NOT include any scope not originally granted" — sent only when set.
- Rotation: "The authorization server MAY issue a new refresh token": we take one when it comes
  back and keep ours otherwise.
- expires_in is RECOMMENDED, not required: without it the token has no known expiry and is
  refreshed when the API answers 401 (oauthkit's reactive refresh).

First tokens (conn.authorize()), the Authorization Code Grant (RFC 6749 section 4.1), with PKCE
(RFC 7636) added:

https://www.rfc-editor.org/rfc/rfc6749#section-4.1

    GET /authorize?response_type=code&client_id=s6BhdRkqt3&state=xyz
        &redirect_uri=https%3A%2F%2Fclient%2Eexample%2Ecom%2Fcb HTTP/1.1    (section 4.1.1)
        (+ &code_challenge=...&code_challenge_method=S256, RFC 7636 section 4.3)

    HTTP/1.1 302 Found
    Location: https://client.example.com/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz   (4.1.2)

    POST /token HTTP/1.1                                                     (section 4.1.3)
    Authorization: Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW
    grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA
    &redirect_uri=https%3A%2F%2Fclient%2Eexample%2Ecom%2Fcb   (+ &code_verifier=...)

Device flow (RFC 8628, https://www.rfc-editor.org/rfc/rfc8628) with device_authorization_url,
and revocation (RFC 7009, https://www.rfc-editor.org/rfc/rfc7009) with revocation_url; an
issuer's metadata supplies both when the server has them.

Settings: authorize_url, the authorization endpoint (section 3.1). It has no standard path, so
it has no default: conn.authorize() without it is a ConfigError saying to set
OAUTH2_AUTHORIZE_URL. Refreshing never needs it.
"""

# A key is here because the RFC states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take the defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "oauth2",
    "title": "OAuth 2.0 (RFC 6749)",
    "docs": "https://www.rfc-editor.org/rfc/rfc6749#section-6",
    # RFC 8414 section 3: given an issuer, its metadata names token_url and authorize_url (and
    # the client auth) unless they are set; without one, nothing is fetched
    "discovery": "{issuer}/.well-known/oauth-authorization-server",
    "settings": {
        # inferred: optional, as an issuer's metadata (RFC 8414) can name it instead
        "token_url": {
            "required": False,
            "doc": "the token endpoint, e.g. https://auth.example.com/oauth/token (or set issuer)",
        },
        "issuer": {
            "required": False,
            "doc": "RFC 8414: the issuer whose /.well-known/oauth-authorization-server names the endpoints",
        },
        "client_id": {},
        # Section 2.1: only confidential clients have one; secret: inferred (a credential)
        "client_secret": {"required": False, "secret": True, "doc": "confidential clients only"},
        # Section 2.3.1: every server must accept HTTP Basic, hence the default
        "auth_method": {
            "default": "client_secret_basic",
            "doc": "client_secret_basic | client_secret_post | none",
        },
        "scope": {"required": False, "doc": "a subset of the granted scope"},  # section 6: OPTIONAL
        # RFC 8628 section 3.1 and RFC 7009 section 2: no standard paths either; an issuer's
        # metadata names both (RFC 8628 section 4, RFC 8414 section 2)
        "device_authorization_url": {
            "required": False,
            "doc": "for conn.authorize(flow='device'), e.g. https://auth.example.com/oauth/device/code",
        },
        "revocation_url": {
            "required": False,
            "doc": "for conn.revoke(), e.g. https://auth.example.com/oauth/revoke",
        },
        # inferred: optional, as refreshing never needs it (section 3.1 gives it no standard path)
        "authorize_url": {
            "required": False,
            "doc": "the authorization endpoint, for conn.authorize() only, e.g. "
            "https://auth.example.com/oauth/authorize",
        },
    },
    "request": {
        "url": "{token_url}",
        "method": "POST",
        "encoding": "form",
        "client_auth": "{auth_method}",  # section 2.3: the client authenticates as the server says
        "grant_type": "refresh_token",
        "optional": ["scope"],
    },
    "response": {  # section 5.1
        "access_token": "access_token",
        "refresh_token": "refresh_token",
        "token_type": "token_type",
        "scope": "scope",
        "expires": {"field": "expires_in", "kind": "seconds"},  # RECOMMENDED, not required
    },
    # "The authorization server MAY issue a new refresh token"
    "rotation": "if_present",
    "errors": {"invalid_grant_codes": ["invalid_grant"]},  # section 5.2
    "authorize": {
        "url": "{authorize_url}",
        # Section 3.3: scope is OPTIONAL and its values are the server's own; without one the
        # server applies its default (or refuses, and says so). None here: authorize(scope="...")
        # asks for one. The scope setting is not reused: it narrows refreshes, and an authorize
        # section's scope is a fixed string, not a template over the settings.
        "scope": None,
        # PKCE S256 (RFC 7636; "S256" is Mandatory To Implement on servers that do PKCE, section
        # 4.2). Safe where a server does not support it: "The authorization server MUST ignore
        # unrecognized request parameters" (RFC 6749 sections 3.1 and 3.2).
        "pkce": "S256",
        # Section 4.1.3: POST {token_url}, form, code and redirect_uri, the client authenticated
        # as auth_method says, exactly as the refresh request above (a public client, "none",
        # sends its client_id: "if the client is not authenticating with the authorization
        # server").
        "exchange": {"grant_type": "authorization_code"},
    },
    # RFC 8628: POST {device_authorization_url} (client_id, scope), then poll {token_url} with
    # grant_type urn:ietf:params:oauth:grant-type:device_code, authenticated as auth_method says
    "device": {"url": "{device_authorization_url}", "poll": {}},
    # RFC 7009 section 2.1: POST token=...&token_type_hint=..., authenticated as at the token endpoint
    "revoke": {"url": "{revocation_url}"},
}
