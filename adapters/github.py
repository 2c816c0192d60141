"""GitHub — Refreshing user access tokens (GitHub Apps with expiring user tokens).

https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens

    POST https://github.com/login/oauth/access_token
        ?client_id=...&client_secret=...&grant_type=refresh_token&refresh_token=...

This page prints no example request or answer: only the two parameter tables, summed up here.

- The table calls the four parameters "query parameters" of a POST. client_id is the app's client ID (not
  its app ID); client_secret may be left out when the user token came from the device flow.
- The answer (the shared "user access token response parameters" table): access_token (ghu_...),
  expires_in (28800 seconds), refresh_token (ghr_...), refresh_token_expires_in (15811200
  seconds, six months), scope (always an empty string for app user tokens) and token_type
  bearer (lower case).
- Every refresh issues a new refresh token; the one used and the old access token stop working.
- Only GitHub Apps that keep "User-to-server token expiration" on (the default) get refresh
  tokens; OAuth app tokens never expire and have nothing to refresh.
- Answer encoding (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps):
  the token endpoint answers form-encoded (access_token=...&scope=...&token_type=bearer) unless
  the request sends Accept: application/json; this adapter sends it.
- GitHub Enterprise Server serves the same path on its own host: set base_url.

First tokens (conn.authorize()), from authorizing-oauth-apps:

    GET https://github.com/login/oauth/authorize?client_id=...&redirect_uri=...&state=...
        &code_challenge=...&code_challenge_method=S256
    POST https://github.com/login/oauth/access_token  client_id, client_secret, code,
        redirect_uri, code_verifier

- No parameter is needed to get a refresh token: an app with expiring tokens always gets one.
  GitHub App user tokens ignore scope (the app's permissions apply), so none is asked for.
- PKCE S256: https://github.blog/changelog/2025-07-14-pkce-support-for-oauth-and-github-app-authentication

Choices where the pages are silent:
- Dead refresh token: the docs name no refresh error. GitHub answers HTTP 200 with
  {"error": "bad_refresh_token", "error_description": "The refresh token passed is incorrect or
  expired."} (seen in third-party clients, e.g. pilcrowonpaper/arctic and coder); an error field
  in a 200 answer is read as an error.
- The parameters go in a form body, not the query string the table names: GitHub reads both
  (GitHub's own CLI library, cli/oauth, posts a form), and a body keeps the client secret and the
  refresh token out of URLs, which proxies and servers log. The exchange is sent the same way.

Device flow (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#device-flow):
github.com/login/device/code hands out the code (JSON when asked with Accept: application/json),
and the app polls the usual access_token endpoint with the client id and the device code; no
secret is needed and the flow must be switched on in the app's settings.
Revocation (https://docs.github.com/en/rest/apps/oauth-applications): DELETE
api.github.com/applications/{client_id}/grant deletes the user's whole grant for the app (every
token it holds), authenticated with HTTP Basic (client id and secret) and a JSON body naming one
of the grant's access tokens; GitHub answers 204. (.../token would delete one token only.)
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "github",
    "title": "GitHub (GitHub App user tokens)",
    "docs": "https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/"
    "refreshing-user-access-tokens",
    "settings": {
        "base_url": {"default": "https://github.com", "doc": "your server's root on GitHub Enterprise"},
        "client_id": {"doc": "the GitHub App's client ID (not its app ID)"},
        # "Required unless the user access token was generated using the device flow"
        "client_secret": {"required": False, "secret": True, "doc": "not needed for device-flow tokens"},
        # The REST API's host (https://api.github.com; on GitHub Enterprise Server HOST/api/v3)
        "api_base_url": {"default": "https://api.github.com", "doc": "HOST/api/v3 on GitHub Enterprise"},
    },
    "request": {
        "url": "{base_url}/login/oauth/access_token",
        "method": "POST",
        # inferred: the page says "query parameters"; GitHub reads a form body as well (its own CLI's
        # cli/oauth library posts one), and a body keeps the client secret out of URLs and logs
        "encoding": "form",
        "client_auth": "body",
        "grant_type": "refresh_token",
        # authorizing-oauth-apps: without it the answer is form-encoded
        "headers": {"Accept": "application/json"},
    },
    "response": {
        "access_token": "access_token",
        "refresh_token": "refresh_token",
        "token_type": "token_type",
        "scope": "scope",
        "id_token": None,  # inferred: not OpenID Connect, no answer lists one
        "expires": {"field": "expires_in", "kind": "seconds"},
        "refresh_expires": {"field": "refresh_token_expires_in", "kind": "seconds"},
    },
    # "Once you use a refresh token, that refresh token and the old user access token will no
    # longer work": every answer brings the next one
    "rotation": "always",
    # inferred: not in GitHub's docs; third-party clients (pilcrowonpaper/arctic, coder) see
    # bad_refresh_token, in an HTTP 200 answer
    "errors": {"invalid_grant_codes": ["bad_refresh_token"]},
    # authorizing-oauth-apps (quoted above), not the refresh page:
    "authorize": {
        "url": "{base_url}/login/oauth/authorize",
        "pkce": "S256",  # the 2025-07-14 changelog
        "exchange": {"grant_type": "authorization_code"},
    },
    # authorizing-oauth-apps, device flow: POST {base_url}/login/device/code with client_id and
    # scope; the poll goes to /login/oauth/access_token with client_id, device_code and the
    # device_code grant type (both inherit the refresh request's Accept: application/json)
    "device": {
        "url": "{base_url}/login/device/code",
        # inferred: "body" sends client_id (and a client_secret only when one is set; the page
        # says none is needed)
        "poll": {},
    },
    # DELETE /applications/{client_id}/grant: the grant, not one token, so the rotated refresh
    # tokens go with it; Basic auth and {"access_token": ...} as the REST reference prints
    "revoke": {
        "url": "{api_base_url}/applications/{client_id}/grant",
        "method": "DELETE",
        "encoding": "json",
        "client_auth": "basic",
        "grant_type": None,
        "token_param": "access_token",
        "hint_param": None,  # the body is access_token alone
        "tokens": "access_token",
    },
}
