"""Reddit — OAuth2, "Refreshing the token".

https://github.com/reddit-archive/reddit/wiki/OAuth2

    POST https://www.reddit.com/api/v1/access_token
    Authorization: HTTP Basic (client_id, client_secret; installed apps: an empty password)
    grant_type=refresh_token&refresh_token=TOKEN

    {"access_token": Your access token, "token_type": "bearer",
     "expires_in": Unix Epoch Seconds, "scope": A scope string}

What the wiki documents:
- The parameters go in the POST data, never the URL, as a form: a wrong content type is one of
  the causes it lists for unsupported_grant_type.
- The client authenticates with HTTP Basic, exactly as when the refresh token was obtained: the
  user is the client_id, the password the client_secret, or an empty string for an "installed"
  (non-confidential) app.
- "Access tokens expire after one hour."
- Its refresh error table names a 401 for bad Basic credentials, unsupported_grant_type and
  NO_TEXT for a missing refresh_token; it names no error for a dead refresh token.

Other pages used:
- https://github.com/reddit-archive/reddit/wiki/API: every client must send a unique, descriptive
  User-Agent, "<platform>:<app ID>:<version string> (by /u/<reddit username>)"; generic ones are
  throttled hard. It is the user_agent setting, sent on every refresh.
- https://www.reddit.com/r/redditdev/comments/kvzaot/oauth2_api_changes_upcoming/ (Reddit admins,
  January 2021; read through a mirror): refresh answers now also carry a new refresh_token, e.g.
  {"access_token": "your access token", "token_type": "bearer", "expires_in": 3600,
   "refresh_token": "your new refresh token", "scope": "your scopes"}.

First tokens (conn.authorize()), the same wiki page:

    https://www.reddit.com/api/v1/authorize?client_id=CLIENT_ID&response_type=code
        &state=RANDOM_STRING&redirect_uri=URI&duration=permanent&scope=SCOPE_STRING
    POST https://www.reddit.com/api/v1/access_token  (form, HTTP Basic)
        grant_type=authorization_code&code=CODE&redirect_uri=URI

- Only duration=permanent yields a refresh token (the other value, temporary, does not), so it is
  always sent.

Choices where the pages are silent:
- expires_in: the wiki calls it "Unix Epoch Seconds", but also says tokens live one hour, and the
  admins' example is 3600: it is read as a lifetime in seconds, one hour when absent.
- Rotation: the 2021 announcement makes refresh tokens single-use, and a later follow-up (not
  read) seems to have softened that; whichever refresh token comes back is kept.
- Dead refresh token: undocumented; RFC 6749's invalid_grant is assumed (the wiki lists it for a
  spent authorization code on the same endpoint). A 401 is a client-credentials problem, not a
  dead token.
- PKCE is not documented, so none is sent. No default scope is documented: pass
  authorize(scope="identity read ...") with the scopes the app needs.

No contract test replays a refresh answer: both printed answers use placeholders that cannot be
tokens (the wiki's is not even JSON; the admins' "your access token" holds spaces). Only the
documented 401 for bad client credentials is replayed (tests/test_catalogue_c.py).

Revocation (https://github.com/reddit-archive/reddit/wiki/OAuth2):
/api/v1/revoke_token takes the token and an optional type hint with the same Basic credentials as
the token request; revoking a refresh token takes its access tokens with it. Reddit has no RFC
8628 flow (its installed_client grant gives no user context).
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "reddit",
    "title": "Reddit",
    "docs": "https://github.com/reddit-archive/reddit/wiki/OAuth2",
    "settings": {
        "base_url": {"default": "https://www.reddit.com"},
        "client_id": {},
        # An installed app has no secret: Basic then carries an empty password (the wiki)
        "client_secret": {"required": False, "secret": True, "doc": "web and script apps only"},
        # The API wiki page's rule; inferred: required, since a generic agent is throttled hard
        "user_agent": {"doc": "<platform>:<app ID>:<version string> (by /u/<reddit username>)"},
    },
    "request": {
        "url": "{base_url}/api/v1/access_token",
        "method": "POST",
        "encoding": "form",  # "in your POST data (NOT as part of the URL)"
        "client_auth": "basic",
        "grant_type": "refresh_token",
        "headers": {"User-Agent": "{user_agent}"},  # the API wiki page
    },
    "response": {
        "access_token": "access_token",
        "token_type": "token_type",
        "scope": "scope",
        # "Unix Epoch Seconds" on the wiki, yet a duration (3600) in the admins' example
        "expires": {"field": "expires_in", "kind": "seconds"},
        "default_lifetime": 3600,  # "Access tokens expire after one hour."
    },
    # The 2021 announcement: a new refresh_token in every refresh answer; keep it when it comes.
    "rotation": "if_present",
    # errors: a dead refresh token is undocumented; RFC 6749's invalid_grant, the default.
    "authorize": {
        "url": "{base_url}/api/v1/authorize",
        "pkce": None,  # inferred: the wiki documents no PKCE
        "extra": {"duration": "permanent"},  # without it no refresh token is issued
        # POST {base_url}/api/v1/access_token, form, HTTP Basic: as refresh does.
        "exchange": {"grant_type": "authorization_code"},
    },
    # wiki OAuth2: POST {base_url}/api/v1/revoke_token, form token and token_type_hint,
    # Basic auth and the User-Agent header as for the token request (inherited)
    "revoke": {"url": "{base_url}/api/v1/revoke_token"},
}
