"""Strava — Authentication (refreshing expired access tokens).

https://developers.strava.com/docs/authentication/

What Strava's pages establish:
- The code exchange hands back a refresh token and a short-lived access token; refresh tokens
  then buy new access tokens as the old ones expire (the guide's overview).
- Since October 2018 access tokens are short-lived and refresh tokens come with the
  {entity}:{access_level} scopes: read, read_all, profile:read_all, profile:write,
  activity:read, activity:read_all, activity:write
  (http://developers.strava.com/docs/oauth-updates/).
- Web apps send the user to https://www.strava.com/oauth/authorize; the redirect carries the
  code and the scopes the athlete actually accepted, which apps should check.

The guide's "Refreshing Expired Access Tokens" (read through a plain-text copy of the page):

    curl -X POST https://www.strava.com/api/v3/oauth/token \\
      -d client_id=ReplaceWithClientID -d client_secret=ReplaceWithClientSecret \\
      -d grant_type=refresh_token -d refresh_token=ReplaceWithRefreshToken

    {"token_type": "Bearer", "access_token": "a9b723...", "expires_at": 1568775134,
     "expires_in": 20566, "refresh_token": "b5c569..."}

- The prose names POST https://www.strava.com/oauth/token, the curl /api/v3/oauth/token; the
  adapter keeps the prose's path (base_url https://www.strava.com/api/v3 gives the curl's).
- Access tokens expire six hours after they are created; "every time you get a new access
  token, we return a new refresh token as well", which may be the same string; once a new one
  is returned the older one is invalidated immediately.

Choices where the readable pages are silent (third-party guides fill them in):
- POST https://www.strava.com/oauth/token with a form body: client_id, client_secret,
  grant_type=refresh_token, refresh_token (https://loganrouleau.com/blog/2018/11/27/navigating-strava-api-authentication/,
  https://code.dblock.org/2018/11/17/dealing-with-strava-api-token-migration.html).
- The answer holds token_type, access_token, expires_at (epoch seconds), expires_in and
  refresh_token; expires_at is read, an instant that does not depend on when the answer arrived.
  Access tokens live six hours.
- Rotation: the refresh token in the answer may differ from ours and must then replace it.
- A dead refresh token: Strava's errors are {"message": ..., "errors": [{"resource", "field",
  "code"}]}; the code a dead refresh token gets is not documented (only the generic "invalid"
  is seen), so RFC 6749's invalid_grant is kept as the rule and such an answer surfaces as a
  provider error rather than InvalidGrant.
- PKCE: not documented, none sent. Scopes are comma-separated.
"""

# A key is here because a page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "strava",
    "title": "Strava",
    "docs": "https://developers.strava.com/docs/authentication/",
    "settings": {
        "base_url": {"default": "https://www.strava.com"},
        "client_id": {"doc": "the application's numeric Client ID"},
        "client_secret": {"secret": True},  # inferred: a credential, never logged or shown
    },
    "request": {
        # The path from third-party guides (see above): the page's own block was unreadable
        "url": "{base_url}/oauth/token",
        "method": "POST",
        "encoding": "form",  # third-party guides send -d form fields
        "client_auth": "body",  # client_id and client_secret as parameters (same sources)
        "grant_type": "refresh_token",
    },
    "response": {
        # inferred: both expires_at and expires_in come back (third-party examples); the instant
        # is read, so a slow answer does not stretch the token's life
        "expires": {"field": "expires_at", "kind": "timestamp", "format": "epoch"},
        "scope": None,  # the granted scopes come on the redirect, not in the token answer
        "default_lifetime": 21600,  # six hours, as third-party guides report
    },
    # inferred: the answer's refresh_token may be a new one (code.dblock.org, above); it replaces
    # ours whenever present
    "rotation": "if_present",
    # errors: Strava's code sits at errors.0.code, but its value for a dead refresh token is not
    # documented (the generic "invalid" would also cover a wrong client id): RFC 6749's default kept.
    "authorize": {
        "url": "{base_url}/oauth/authorize",  # web applications; mobile apps use another endpoint
        "scope": "read",  # comma-separated list; "read" is the old default scope's successor
        "pkce": None,  # not documented
        # POST {base_url}/oauth/token, form, credentials in the body: as refresh does
        "exchange": {"grant_type": "authorization_code"},
    },
}
