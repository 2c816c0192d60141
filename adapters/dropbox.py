"""Dropbox — HTTP API v2, /oauth2/token with grant_type=refresh_token.

https://www.dropbox.com/developers/documentation/http/documentation#oauth2-token
(offline access explained: https://dropbox.tech/developers/using-oauth-2-0-with-offline-access)

    curl https://api.dropbox.com/oauth2/token \\
        -d grant_type=refresh_token -d refresh_token=<REFRESH_TOKEN> -u <APP_KEY>:<APP_SECRET>

    curl https://api.dropbox.com/oauth2/token \\      (PKCE apps: no secret)
        -d grant_type=refresh_token -d refresh_token=<REFRESH_TOKEN> -d client_id=<APP_KEY>

    {"access_token": "sl.u.AbX9y6Fe3AuH5o66-...", "expires_in": 14400, "token_type": "bearer"}

What the pages say, in short:
- A form body with grant_type and refresh_token. An app with a secret authenticates with HTTP
  Basic (app key : app secret); an app that went through PKCE sends its app key as client_id and
  no secret. The auth_method setting picks one: client_secret_basic (the default) or none.
- scope may narrow the token to a subset of the scopes first granted (the Java SDK's
  DbxRefreshResult: https://dropbox.github.io/dropbox-sdk-java/api-docs/v8.0.1/com/dropbox/core/oauth/DbxRefreshResult.html);
  sent only when the scope setting is set.
- The refresh answer is a short-lived access token (sl.…, expires_in 14400 = 4 hours) and
  token_type bearer. It carries no refresh token: the one we hold keeps working until the user's
  approval is withdrawn.
- The code exchange's answer adds refresh_token, scope, account_id and uid (team_id for team
  apps); account_id and team_id are kept on token.extra.

First tokens (conn.authorize()):

    GET https://www.dropbox.com/oauth2/authorize?client_id=<APP_KEY>&response_type=code
        &redirect_uri=...&state=...&token_access_type=offline&code_challenge=...
        &code_challenge_method=S256
    POST https://api.dropbox.com/oauth2/token  grant_type=authorization_code, code, redirect_uri,
        code_verifier (+ Basic with the secret, or client_id alone)

- token_access_type=offline is what makes Dropbox return a refresh token; without it (online)
  only a short-lived access token comes back.
- Users approve on www.dropbox.com, another host than the token endpoint.

Choices where the pages are silent:
- Dead refresh token: the reference prints no error. Dropbox answers 400 {"error":
  "invalid_grant", "error_description": "refresh token is invalid or revoked"} (a raw answer in
  https://github.com/dropbox/dropbox-sdk-dotnet/issues/232): RFC 6749's invalid_grant, the default.
- No default scope: without one Dropbox grants the scopes set in the app console.
- Host: api.dropbox.com, as the examples print; api.dropboxapi.com serves the same endpoint.
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "dropbox",
    "title": "Dropbox",
    "docs": "https://www.dropbox.com/developers/documentation/http/documentation#oauth2-token",
    "settings": {
        "base_url": {"default": "https://api.dropbox.com"},
        # Users approve on the web host, not the API host
        "authorize_base_url": {"default": "https://www.dropbox.com"},
        "client_id": {"doc": "the app key"},
        # PKCE apps refresh without the app secret
        "client_secret": {"required": False, "secret": True, "doc": "the app secret; not for PKCE apps"},
        # The two documented refresh examples: Basic with the secret, or client_id alone
        "auth_method": {"default": "client_secret_basic", "doc": "client_secret_basic | none (PKCE apps)"},
        "scope": {"required": False, "doc": "a subset of the scopes first granted"},
    },
    "request": {
        "url": "{base_url}/oauth2/token",
        "method": "POST",
        "encoding": "form",  # curl -d
        "client_auth": "{auth_method}",
        "grant_type": "refresh_token",
        "optional": ["scope"],
    },
    "response": {
        "access_token": "access_token",
        "refresh_token": "refresh_token",  # the code exchange's answer only
        "token_type": "token_type",  # "bearer"
        "scope": "scope",  # when a subset was asked for (the Java SDK, above)
        "id_token": None,  # inferred: not OpenID Connect, no answer lists one
        "expires": {"field": "expires_in", "kind": "seconds"},
        # Non-secret identities from the code exchange's answer (team_id: team apps only)
        "extra": ["account_id", "team_id"],
    },
    # inferred: the refresh answer has no refresh_token, so ours stays; one that ever comes back
    # is taken rather than dropped
    "rotation": "if_present",
    # errors: invalid_grant, RFC 6749's (the default), as in the raw answer cited above
    "authorize": {
        "url": "{authorize_base_url}/oauth2/authorize",
        "pkce": "S256",
        "extra": {"token_access_type": "offline"},  # without it, no refresh token
        "exchange": {"grant_type": "authorization_code"},
    },
}
