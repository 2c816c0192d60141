"""Zoom — OAuth 2.0 for apps that act for a user (authorization code), refreshing access tokens.

https://developers.zoom.us/docs/integrations/oauth/
(read through its copy under Rooms, https://developers.zoom.us/docs/rooms/oauth/; public clients:
https://developers.zoom.us/docs/integrations/PKCE/)

    POST https://zoom.us/oauth/token   grant_type=refresh_token, refresh_token
    Authorization: Basic base64(client_id:client_secret)

What the pages say, in short:
- The token endpoint is https://zoom.us/oauth/token. Parameters may go in the query string or in
  an x-www-form-urlencoded body; the app authenticates with HTTP Basic (client ID and secret,
  joined by a colon, Base64 encoded).
- Apps using PKCE with a public client ID have no secret and send no Authorization header, their
  client_id instead: the auth_method setting "none" (the default is client_secret_basic).
- The answer: access_token, token_type bearer, refresh_token, expires_in (seconds, an hour),
  scope, and api_url, the API host the token belongs to (kept on token.extra).
- Server-to-Server (account_credentials) and chatbot (client_credentials) tokens carry no
  refresh token: this adapter is for user-authorized apps.

First tokens (conn.authorize()):

    GET https://zoom.us/oauth/authorize?response_type=code&client_id=...&redirect_uri=...
        &state=...&code_challenge=...&code_challenge_method=S256
    POST https://zoom.us/oauth/token  grant_type=authorization_code, code, redirect_uri,
        code_verifier (Basic client auth, or client_id alone for public clients)

- A user authorization always yields a refresh token; no parameter asks for one. Scopes are
  set in the app's build flow, so none is asked for here.

Choices where the pages are silent:
- The parameters go in a form body, not the query string the examples use: both are accepted, and
  a body keeps the refresh token out of URLs and logs.
- Rotation: every refresh returns a new refresh token and the old one stops working (third-party
  guides to Zoom's OAuth, e.g. anthropics/knowledge-work-plugins' zoom token-lifecycle notes); the
  page read shows no refresh example.
- Dead refresh token: 400 {"reason": "Invalid Token!", "error": "invalid_grant"} (seen in
  raycast/extensions issues 10896 and 12533): RFC 6749's code, with the text in "reason".

Device flow and revocation (https://developers.zoom.us/docs/integrations/oauth/):
- With "Use App on Device" enabled, zoom.us/oauth/devicecode issues the code; unlike a pure
  RFC 8628 public client, both that request and the token poll carry the app's Basic credentials,
  and the page passes their parameters in the query string.
- zoom.us/oauth/revoke takes the access token in the query string, with Basic credentials.
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "zoom",
    "title": "Zoom",
    "docs": "https://developers.zoom.us/docs/integrations/oauth/",
    "settings": {
        "base_url": {"default": "https://zoom.us"},
        "client_id": {},
        # The PKCE page: public client IDs have no secret
        "client_secret": {"required": False, "secret": True, "doc": "not for public (PKCE) client IDs"},
        "auth_method": {
            "default": "client_secret_basic",
            "doc": "client_secret_basic | none (public PKCE apps)",
        },
    },
    "request": {
        "url": "{base_url}/oauth/token",
        "method": "POST",
        # inferred: query string or form body are both accepted; a body keeps tokens out of URLs
        "encoding": "form",
        "client_auth": "{auth_method}",
        "grant_type": "refresh_token",
    },
    "response": {
        "access_token": "access_token",
        "refresh_token": "refresh_token",
        "token_type": "token_type",  # "bearer"
        "scope": "scope",
        "id_token": None,  # inferred: not OpenID Connect, no answer lists one
        "expires": {"field": "expires_in", "kind": "seconds"},
        "extra": ["api_url"],  # the API host for this token
    },
    # inferred: from third-party guides (see above); each refresh returns the next refresh token
    "rotation": "always",
    # inferred: 400 invalid_grant with the text in "reason" (raycast/extensions issues, above)
    "errors": {"message_field": "reason"},
    "authorize": {
        "url": "{base_url}/oauth/authorize",
        "pkce": "S256",  # the PKCE page: S256 or plain
        "exchange": {"grant_type": "authorization_code"},
    },
    # Zoom OAuth page: POST {base_url}/oauth/devicecode?client_id=..., Authorization: Basic
    "device": {
        "url": "{base_url}/oauth/devicecode",
        # poll: POST /oauth/token?grant_type=urn:ietf:params:oauth:grant-type:device_code&
        # device_code=..., Basic auth (the auth_method setting); the device request follows the
        # same encoding, its client_id travelling in the Basic header (inferred: the page also
        # names it in the query)
        "poll": {"encoding": "query"},
    },
    # Zoom OAuth page: POST {base_url}/oauth/revoke?token={ACCESS_TOKEN}, Basic auth
    "revoke": {
        "url": "{base_url}/oauth/revoke",
        "encoding": "query",  # the token is in the query string
        "hint_param": None,  # the page sends the token alone
        "tokens": "access_token",  # the page names the access token
    },
}
