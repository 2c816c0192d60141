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
}
