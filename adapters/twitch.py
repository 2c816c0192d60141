"""Twitch — Refreshing Access Tokens.

https://dev.twitch.tv/docs/authentication/refresh-tokens

    curl -X POST https://id.twitch.tv/oauth2/token \\
    -H 'Content-Type: application/x-www-form-urlencoded' \\
    -d 'grant_type=refresh_token&refresh_token=gdw3k62zpqi0kw01escg7zgbdhtxi6hm0155tiwcztxczkx17
        &client_id=<your client id goes here>&client_secret=<your client secret goes here>'

    {"access_token": "1ssjqsqfy6bads1ws7m03gras79zfr",
     "refresh_token": "eyJfMzUtNDU0OC4MWYwLTQ5MDY5ODY4NGNlMSJ9%asdfasdf=",
     "scope": ["channel:read:subscriptions", "channel:manage:polls"], "token_type": "bearer"}

    400 {"error": "Bad Request", "status": 400, "message": "Invalid refresh token"}

What the page documents:
- A POST to the token endpoint with four form fields, all marked required: client_id,
  client_secret, grant_type=refresh_token and refresh_token. The secret travels in the body;
  HTTP Basic is never mentioned.
- Only user tokens from the authorization code flow can be refreshed; app tokens cannot.
- The answer carries a new access token, a refresh token and the granted scopes, which here are a
  JSON array rather than a space-separated string. The refresh token "may change", so the one in
  the answer is the one to keep.
- A dead refresh token gets HTTP 400 whose "error" is only the status phrase ("Bad Request"); the
  useful part is "message": "Invalid refresh token".
- The same page's generic token example does carry "expires_in" (seconds), but the refresh answer
  example has none; Twitch asks apps to refresh on a 401 rather than on a timer.

First tokens (conn.authorize()), from "Getting OAuth Access Tokens"
(https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/):

    GET https://id.twitch.tv/oauth2/authorize?response_type=code&client_id=...&redirect_uri=...
        &scope=channel%3Aread%3Asubscriptions&state=...
    POST https://id.twitch.tv/oauth2/token  (form) client_id, client_secret, code,
        grant_type=authorization_code, redirect_uri

Choices where the pages are silent:
- Expiry: when the answer has no expires_in the lifetime counts as unknown and the next 401
  triggers a refresh, which is what Twitch recommends; no default lifetime is assumed.
- Errors: only the "message" text tells a dead refresh token from other 400s (a bad client id also
  gets 400), so the match is on that message, not on the status.
- PKCE is not documented, so none is sent. Twitch scopes are colon-style names
  ("channel:read:subscriptions"); no default is documented, so pass authorize(scope=...).
- The device code flow and its public (secret-less) clients are outside this adapter.

Revocation (https://dev.twitch.tv/docs/authentication/revoke-tokens/): id.twitch.tv/oauth2/revoke takes
the client id and a token in a form, no secret; the page only speaks of access tokens. The device
code flow exists but is not declared: its request and answer fields could not be read in the
official text, and its "authorization_pending" comes as a message, not an error code.
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "twitch",
    "title": "Twitch",
    "docs": "https://dev.twitch.tv/docs/authentication/refresh-tokens",
    "settings": {
        "base_url": {"default": "https://id.twitch.tv"},
        "client_id": {},
        "client_secret": {"secret": True},  # "Required? Yes" in the page's parameter table
    },
    "request": {
        "url": "{base_url}/oauth2/token",
        "method": "POST",
        "encoding": "form",  # "x-www-form-urlencoded parameters ... in the body of the request"
        "client_auth": "body",
        "grant_type": "refresh_token",
    },
    "response": {
        "access_token": "access_token",
        "refresh_token": "refresh_token",
        "scope": "scope",  # a JSON array on this page; oauthkit joins it with spaces
        "token_type": "token_type",
        # The generic example on the page has it; the refresh answer example does not.
        "expires": {"field": "expires_in", "kind": "seconds"},
    },
    "rotation": "if_present",  # "refresh tokens may change": keep whichever one comes back
    "errors": {
        # The page's failure example: "error" is the HTTP status phrase, the reason is "message".
        "message_field": "message",
        # inferred: compared lower-cased; a 400 alone would also catch bad client ids
        "invalid_grant_messages": ["invalid refresh token"],
    },
    # "Getting OAuth Access Tokens" (quoted above), not the refresh page:
    "authorize": {
        "url": "{base_url}/oauth2/authorize",
        "pkce": None,  # inferred: the pages document no PKCE
        # POST {base_url}/oauth2/token, form, client id and secret in the body: as refresh does.
        "exchange": {"grant_type": "authorization_code"},
    },
    # revoke-tokens page: POST {base_url}/oauth2/revoke, form client_id and token, no secret
    "revoke": {
        "url": "{base_url}/oauth2/revoke",
        # inferred: "body" as for the refresh; the client_secret it adds is not asked for
        "hint_param": None,  # the page's body has no hint
        "tokens": "access_token",  # the page speaks of access tokens
    },
}
