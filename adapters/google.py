"""Google — Using OAuth 2.0 for Web Server Applications: refreshing an access token.

https://developers.google.com/identity/protocols/oauth2/web-server#offline
(also served as https://developers.google.com/accounts/docs/OAuth; the installed-app page
https://developers.google.com/identity/protocols/oauth2/native-app covers public clients)

    POST /token HTTP/1.1
    Host: oauth2.googleapis.com
    Content-Type: application/x-www-form-urlencoded

    client_id=your_client_id&client_secret=your_client_secret&refresh_token=refresh_token&
    grant_type=refresh_token

    {"access_token": "1/fFAGRNJru1FTz70BzhT3Zg", "expires_in": 3920,
     "scope": "https://www.googleapis.com/auth/drive.metadata.readonly https://...calendar.readonly",
     "token_type": "Bearer"}

What the pages say, in short:
- The four parameters travel in a form body to oauth2.googleapis.com/token; the client
  credentials are body parameters in every sample. Android, iOS and Chrome app clients have no
  client_secret, so it is optional here.
- The refresh answer brings a new access token, its remaining life in seconds (expires_in), the
  granted scope (space separated) and token_type Bearer; id_token only when identity scopes were
  granted. It carries no refresh token: the one we hold stays valid.
- refresh_token_expires_in (seconds) appears only when the user granted time-based access.
- A refresh token dies when the user revokes access, after six months unused, when too many
  live tokens exist for one client and user (the oldest die silently), and after 7 days for apps
  whose consent screen is in "Testing" (https://developers.google.com/identity/protocols).
  Google then answers invalid_grant (400).

First tokens (conn.authorize()):

    GET https://accounts.google.com/o/oauth2/v2/auth?response_type=code&client_id=...
        &redirect_uri=...&scope=...&access_type=offline&prompt=consent&state=...
        &code_challenge=...&code_challenge_method=S256
    POST https://oauth2.googleapis.com/token  grant_type=authorization_code, code,
        redirect_uri, client_id, client_secret, code_verifier

- access_type=offline is what makes Google return a refresh token (the default is online), and
  only on the first exchange after consent.
- PKCE: code_challenge_method S256 or plain (the native-app page).

Choices where the pages are silent:
- prompt=consent is sent so that re-authorizing an app the user already approved yields a refresh
  token again (common practice; the parameter table was not among the pages read).
- Rotation is the default (take a refresh token if one ever comes back, keep ours otherwise).
- The authorize scope defaults to "openid": Google requires a scope and this is the smallest one;
  authorize(scope="openid https://www.googleapis.com/auth/...") asks for API access.

Device flow and revocation (https://developers.google.com/identity/protocols/oauth2/limited-input-device,
https://developers.google.com/identity/protocols/oauth2/native-app):
- A "TVs and Limited Input devices" client asks oauth2.googleapis.com/device/code for a code; the
  answer names the link verification_url rather than RFC 8628's verification_uri, and the poll
  to the token endpoint carries the client secret as well as the client id.
- Revocation takes one token in the query string of a POST to oauth2.googleapis.com/revoke, with
  no client credentials; revoking the refresh token ends the access tokens issued from it.
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "google",
    "title": "Google",
    "docs": "https://developers.google.com/identity/protocols/oauth2/web-server#offline",
    "settings": {
        "base_url": {"default": "https://oauth2.googleapis.com"},
        # The authorization page lives on another host than the token endpoint
        "authorize_base_url": {"default": "https://accounts.google.com"},
        "client_id": {},
        # "not applicable to requests from clients registered as Android, iOS, or Chrome applications"
        "client_secret": {"required": False, "secret": True, "doc": "web and desktop clients"},
    },
    "request": {
        "url": "{base_url}/token",
        "method": "POST",
        "encoding": "form",
        "client_auth": "body",
        "grant_type": "refresh_token",
    },
    "response": {
        "access_token": "access_token",
        "token_type": "token_type",
        "scope": "scope",
        "id_token": "id_token",  # only when identity scopes were granted
        "expires": {"field": "expires_in", "kind": "seconds"},
        # only present when the user granted time-based access
        "refresh_expires": {"field": "refresh_token_expires_in", "kind": "seconds"},
    },
    # inferred: the refresh sample has no refresh_token, so ours is kept; one that ever comes
    # back is taken rather than dropped
    "rotation": "if_present",
    # errors: invalid_grant, RFC 6749's default ("token has been expired or revoked").
    "authorize": {
        "url": "{authorize_base_url}/o/oauth2/v2/auth",
        # inferred: Google requires a scope; "openid" is the smallest one it accepts
        "scope": "openid",
        "pkce": "S256",
        "extra": {
            "access_type": "offline",  # without it no refresh token is issued
            # inferred: common practice, so that a repeated consent issues a refresh token again
            "prompt": "consent",
        },
        "exchange": {"grant_type": "authorization_code"},
    },
    # limited-input-device page: POST {base_url}/device/code, form, client_id and scope
    "device": {
        "url": "{base_url}/device/code",
        # inferred: a scope is required and "openid" is one the device flow allows
        "scope": "openid",
        "fields": {"verification_uri": "verification_url"},  # the answer's own name
        # polls the token endpoint with client_id and client_secret, as the refresh request
        "poll": {},
    },
    # native-app page: POST {base_url}/revoke?token=..., no client auth in the sample
    "revoke": {
        "url": "{base_url}/revoke",
        "encoding": "query",  # the token travels in the query string
        "client_auth": "none",  # the sample sends no client credentials
        "hint_param": None,  # the sample sends the token alone
    },
}
