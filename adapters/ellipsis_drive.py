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

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "ellipsis_drive",
    "title": "Ellipsis Drive",
    "docs": "https://docs.ellipsis-drive.com/developers/api-v3/oauth/refresh-token-variant",
    "settings": {
        # inferred: the page gives only the path; Ellipsis' own API clients use this root
        # (tests/provider_pages/NOTES.md); private instances set base_url
        "base_url": {"default": "https://api.ellipsis-drive.com/v3"},
        "client_id": {},
        "client_secret": {"secret": True},  # inferred: a credential, never logged or shown
    },
    "request": {
        "url": "{base_url}/oauth/token",
        "method": "POST",
        # inferred: the page states no body encoding; Ellipsis' own clients send JSON for every
        # POST (tests/provider_pages/NOTES.md)
        "encoding": "json",
        "client_auth": "body",  # the page's first option; HTTP Basic is its alternative
        "grant_type": "refresh_token",
    },
    # The page documents no answer: RFC 6749's names (the defaults) are read.
    # inferred: no lifetime is documented; an hour when expires_in is missing
    "response": {"default_lifetime": 3600},
    # inferred: the overview says refresh gives "new access and refresh tokens", this page "a new
    # access token": a refresh token is taken when one comes back, ours kept otherwise
    "rotation": "if_present",
    # inferred: errors are not on the page; Ellipsis answers 400 with a JSON "message"
    # (tests/provider_pages/NOTES.md), and one about the refresh token means it is dead
    "errors": {"invalid_grant_messages": ["refresh token"], "message_field": "message"},
    # The authorization-code variant of the same OAuth pages (quoted above), not the refresh page:
    "authorize": {
        "url": "{base_url}/oauth/authorize",
        "scope": "projects",  # the default and only documented scope
        # inferred: plain and S256 are both documented, plain the provider's default; S256 keeps
        # the verifier itself out of the browser's address bar
        "pkce": "S256",
        "exchange": {
            "grant_type": "authorization_code",
            "names": {"code": "authorization_code"},  # the code's documented parameter name
            # inferred: the exchange's errors are not documented; a "message" about the
            # authorization code means the code is dead
            "errors": {"invalid_grant_messages": ["authorization code", "authorization_code"]},
        },
    },
}
