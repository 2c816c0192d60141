"""Microsoft identity platform (Entra ID, v2.0 endpoints) — auth code flow: refresh the access token.

https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#refresh-the-access-token

    POST /{tenant}/oauth2/v2.0/token HTTP/1.1
    Host: https://login.microsoftonline.com
    Content-Type: application/x-www-form-urlencoded

    client_id=535fb089-9ff3-47b6-9bfb-4f1264799865&scope=https%3A%2F%2Fgraph.microsoft.com%2Fmail.read
    &refresh_token=OAAABAAAAiL9Kn2Z27UubvWFPbm0gLWQJVzCTE9UkP3pSx1aXxUjq...&grant_type=refresh_token
    &client_secret=sampleCredentia1s

    {"access_token": "eyJ0eXAi...", "token_type": "Bearer", "expires_in": 3599,
     "scope": "https%3A%2F%2Fgraph.microsoft.com%2Fmail.read",
     "refresh_token": "AwABAAAAvPM1...", "id_token": "eyJ0eXAi..."}

What the page says, in short:
- The tenant is a path segment: common, organizations, consumers or a tenant id/domain.
- scope on refresh is space separated and must not widen what was first granted (with several
  resources the token is for the first one's). The refresh table calls it optional, but clients
  report refreshes refused without it (golang/oauth2 pull request 540; the Microsoft Q&A thread
  https://learn.microsoft.com/en-us/answers/questions/192699/), so this adapter always sends it.
- client_secret goes in the form body and only web apps and web APIs have one; native and
  single-page apps must not send it (they are public clients).
- The answer carries a new refresh_token (only when offline_access was granted) which should
  replace ours; the old one is not revoked on use. Lifetimes in seconds (expires_in); refresh
  tokens of web and native apps have no stated lifetime, those issued to "spa" redirect URIs
  live 24 hours (and rotated ones keep that deadline: no field says so).
- Token-endpoint errors carry error, error_description (AADSTS codes), error_codes, timestamp,
  trace_id and correlation_id. invalid_grant, interaction_required and consent_required all
  tell the client to go back to /authorize: for oauthkit they mean "authorize again".

First tokens (conn.authorize()), from the same page:

    GET https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize?client_id=...
        &response_type=code&redirect_uri=...&response_mode=query&scope=...&state=...
        &code_challenge=...&code_challenge_method=S256
    POST /{tenant}/oauth2/v2.0/token  grant_type=authorization_code, code, redirect_uri,
        client_id, client_secret (web apps), code_verifier

- offline_access in the scope is what gets a refresh token back; the page's example asks for
  openid, offline_access and https://graph.microsoft.com/mail.read.
- PKCE: recommended for every client and required for single-page apps; S256 and plain.

Choices where the page is silent:
- HTTP status of errors: not stated (400 in practice); errors are recognised by their code.
- National clouds and B2C live on other hosts: set base_url (the tenant stays a path segment).

Device flow (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code):
the code comes from {tenant}/oauth2/v2.0/devicecode and the app polls the tenant's token endpoint;
the user has 15 minutes. It is meant for public clients ("Allow public client flows" on), so
leave the client secret unset. No OAuth revocation endpoint is documented (Microsoft Graph's
revokeSignInSessions is an admin API), so there is no revoke section.
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "microsoft",
    "title": "Microsoft identity platform",
    "docs": "https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow",
    "settings": {
        "base_url": {"default": "https://login.microsoftonline.com"},
        # The catalogue's settings contract: "common" by default (the page's multi-tenant value)
        "tenant": {"default": "common", "doc": "common | organizations | consumers | a tenant id"},
        "client_id": {},
        # "required for web apps", "shouldn't be used in a native app"
        "client_secret": {"required": False, "secret": True, "doc": "web apps and web APIs only"},
        # inferred: always sent (see above); the default asks for every permission
        # already consented for Microsoft Graph (".default"), the API notebook users call most,
        # and offline_access for the next refresh token; set it to the granted scopes otherwise
        "scope": {
            "default": "offline_access https://graph.microsoft.com/.default",
            "doc": "sent on every refresh: equal to or a subset of the scopes first granted",
        },
    },
    "request": {
        "url": "{base_url}/{tenant}/oauth2/v2.0/token",
        "method": "POST",
        "encoding": "form",
        "client_auth": "body",
        "grant_type": "refresh_token",
        "required": ["scope"],  # inferred: sent on every refresh (see the docstring)
    },
    "response": {
        "access_token": "access_token",
        "refresh_token": "refresh_token",
        "token_type": "token_type",
        "scope": "scope",
        "id_token": "id_token",  # only when openid was requested
        "expires": {"field": "expires_in", "kind": "seconds"},
    },
    # "Replace the old refresh token with this newly acquired refresh token", but it is "only
    # provided if offline_access scope was requested": taken when present, ours kept otherwise
    "rotation": "if_present",
    # The token-endpoint error table: all three send the client back to /authorize
    "errors": {"invalid_grant_codes": ["invalid_grant", "interaction_required", "consent_required"]},
    "authorize": {
        "url": "{base_url}/{tenant}/oauth2/v2.0/authorize",
        # offline_access: the refresh_token row; openid: the page's own example asks for it;
        # inferred: Graph's .default, as the refresh default above, so both ask for the same
        "scope": "openid offline_access https://graph.microsoft.com/.default",
        "pkce": "S256",
        "exchange": {"grant_type": "authorization_code"},
    },
    # v2-oauth2-device-code: POST {base_url}/{tenant}/oauth2/v2.0/devicecode with client_id and
    # scope; the poll sends grant_type=urn:ietf:params:oauth:grant-type:device_code, client_id
    # and device_code to the token endpoint
    "device": {
        "url": "{base_url}/{tenant}/oauth2/v2.0/devicecode",
        # inferred: the same scope as authorize above, offline_access for the refresh token
        "scope": "openid offline_access https://graph.microsoft.com/.default",
        # inferred: "body" with no client secret set sends the client_id alone, as a public
        # client must
        "poll": {},
    },
    # revoke: no RFC 7009 endpoint documented (see above)
}
