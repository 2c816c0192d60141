"""HubSpot — Manage OAuth access tokens using the v1 APIs: refresh an access token.

https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/guide

    curl --request POST --url https://api.hubapi.com/oauth/v1/token \\
      --header 'content-type: application/x-www-form-urlencoded' \\
      --data 'grant_type=refresh_token&refresh_token=1e8fbfb1-8e96-4826-8b8d-c8af73715
              &client_id=7933b042-0952-4e7d-a327dab-3dc&client_secret=7a572d8a-69bf-44c6-9a34-416aad3ad5'

    (error) {"error": "invalid_grant", "error_description": "refresh token is invalid, expired or
             revoked", "status": "BAD_REFRESH_TOKEN", "message": "refresh token is invalid, ..."}

What the page says, in short:
- A URL-form encoded POST to /oauth/v1/token on api.hubapi.com; grant_type, client_id,
  client_secret and refresh_token in the body. No scope and no redirect_uri on refresh.
- The page prints no refresh answer, only the code exchange's: token_type "bearer",
  refresh_token, access_token and expires_in (seconds, 1800 in the example). The v1 refresh
  reference (https://developers.hubspot.com/docs/api-reference/auth-oauth-v1/tokens/post-oauth-v1-token)
  lists the same fields for a refresh answer, with id_token when openid was granted.
- Errors carry RFC 6749's error/error_description plus HubSpot's older status/message fields;
  a dead refresh token is invalid_grant with status BAD_REFRESH_TOKEN.
- Access tokens live 30 minutes (the changelog
  https://developers.hubspot.com/changelog/upcoming-expiration-of-oauth-access-tokens-is-changing);
  expires_in says so on each answer.

First tokens (conn.authorize()), from the v3 guide
(https://developers.hubspot.com/docs/api-reference/auth-oauth-v3/guide):

    GET https://app.hubspot.com/oauth/authorize?client_id=...&scope=...&redirect_uri=...&state=...
    POST https://api.hubapi.com/oauth/v1/token  grant_type=authorization_code, code,
        redirect_uri, client_id, client_secret

- Users install the app on app.hubspot.com, another host than the token endpoint.
- No extra parameter is needed for a refresh token: every code exchange returns one.

Choices where the pages are silent:
- v1, not v3: this guide is the one that prints examples. v1 is to be deprecated on
  February 16, 2027; the v3 endpoint (/oauth/v3/token) takes the same form body.
- Rotation: the refresh answer lists a refresh_token, which HubSpot is reported to keep the same
  (third-party integrators); one that comes back is taken, ours kept otherwise.
- Error status: not printed (400 in practice, https://nango.dev/blog/hubspot-oauth-bad-refresh-token).
- Scope for authorize: "oauth", the scope every token carries (the metadata example's scopes);
  name the app's own scopes with authorize(scope="oauth crm.objects.contacts.read ...").
- PKCE: not documented for the authorization URL (code_verifier appears only as a token
  endpoint field of the newer references): none is sent.
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "hubspot",
    "title": "HubSpot",
    "docs": "https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/guide",
    "settings": {
        "base_url": {"default": "https://api.hubapi.com"},
        # The v3 guide: the install (authorization) URL lives on the app host
        "authorize_base_url": {"default": "https://app.hubspot.com"},
        "client_id": {},
        "client_secret": {"secret": True},  # a body field of every request on the page
    },
    "request": {
        "url": "{base_url}/oauth/v1/token",
        "method": "POST",
        "encoding": "form",
        "client_auth": "body",
        "grant_type": "refresh_token",
    },
    "response": {
        "access_token": "access_token",
        "refresh_token": "refresh_token",
        "token_type": "token_type",  # "bearer"
        "scope": None,  # no scope field in the answer
        "id_token": "id_token",  # the v1 refresh reference: with the openid scope
        "expires": {"field": "expires_in", "kind": "seconds"},
    },
    # inferred: a refresh_token is listed in the answer and reported to stay the same
    # (third-party integrators); taken when it comes back, ours kept otherwise
    "rotation": "if_present",
    # The page's error example: invalid_grant, RFC 6749's (the default code). inferred: the older
    # body without "error", {"status": "BAD_REFRESH_TOKEN", "message": "missing or invalid refresh
    # token"} (nango, above), is recognised by its message
    "errors": {"invalid_grant_messages": ["invalid refresh token", "refresh token is invalid"]},
    "authorize": {
        "url": "{authorize_base_url}/oauth/authorize",
        # inferred: "oauth" is in every token's scopes (the page's metadata example)
        "scope": "oauth",
        "pkce": None,  # not documented for the authorization URL
        "exchange": {"grant_type": "authorization_code"},
    },
}
