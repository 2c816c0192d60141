"""Ellipsis Drive — OAuth token endpoint, refresh token variant.

https://docs.ellipsis-drive.com/developers/api-v3/oauth/refresh-token-variant

| Endpoint | /oauth/token |   Method: POST
| grant_type    | Must be "refresh_token" ...
| client_id     | ... Alternatively ... the Basic HTTP header with the client_id as username ...
| client_secret | ... Alternatively ... the Basic HTTP header ... client_secret as password.
| refresh_token | The refresh token from the access token to refresh.

Choices where the page is silent or contradicts itself:
- Base URL: the page gives only the path; Ellipsis' own clients use
  https://api.ellipsis-drive.com/v3 (private instances set base_url).
- Body encoding: not stated. Ellipsis' own clients send JSON for every POST, so we send JSON.
- Client credentials: in the body, the page's first option (Basic is its alternative).
- Response fields: not documented; we read RFC 6749 names (access_token, token_type,
  expires_in, refresh_token).
- Rotation: the overview says refresh gives "new access and refresh tokens", this page says
  "a new access token": we take a refresh token when one comes back and keep ours otherwise.
- Errors: 400 with a JSON "message"; a message about the refresh token means it is dead.

First tokens (conn.authorize()), from the authorization-code variant of the same OAuth pages:

    GET {base}/oauth/authorize?response_type=code&client_id=...&redirect_uri=...&scope=projects
        &state=...&code_challenge=...&code_challenge_method=S256
      -> redirect_uri?code=...&state=...   (errors: ?error=...&error_description=...&state=...)
    POST {base}/oauth/token  grant_type=authorization_code, authorization_code=<the code>,
        redirect_uri, client_id, client_secret (or Basic), code_verifier (when PKCE was used)

- The code travels in a parameter named "authorization_code", not RFC 6749's "code".
- PKCE: 'plain' and 'S256' are both documented, 'plain' being the default; we send S256 (plain
  would put the verifier itself in the browser's address bar).
- scope: space-separated; "projects" is the default and only documented scope.
- The code is valid for 1 minute: exchange it at once (the loopback flow does).
- The exchange is sent like refresh: a JSON body, credentials in it. Its errors are not
  documented: a "message" about the authorization code means the code is dead.
"""

ADAPTER = {
    "name": "ellipsis_drive",
    "title": "Ellipsis Drive",
    "docs": "https://docs.ellipsis-drive.com/developers/api-v3/oauth/refresh-token-variant",
    "settings": {
        "base_url": {"default": "https://api.ellipsis-drive.com/v3"},
        "client_id": {},
        "client_secret": {"secret": True},
        "refresh_token": {"secret": True},
    },
    "request": {
        "url": "{base_url}/oauth/token",
        "method": "POST",
        "encoding": "json",
        "client_auth": "body",
        "grant_type": "refresh_token",
    },
    "response": {
        "access_token": "access_token",
        "refresh_token": "refresh_token",
        "token_type": "token_type",
        "expires": {"field": "expires_in", "kind": "seconds"},
        "default_lifetime": 3600,
    },
    "rotation": "if_present",
    "errors": {
        "invalid_grant_codes": ["invalid_grant"],
        "invalid_grant_messages": ["refresh token"],
        "message_field": "message",
    },
    "authorize": {
        "url": "{base_url}/oauth/authorize",
        "scope": "projects",
        "pkce": "S256",
        "exchange": {
            "grant_type": "authorization_code",
            "names": {"code": "authorization_code"},
            "errors": {"invalid_grant_messages": ["authorization code", "authorization_code"]},
        },
    },
}
