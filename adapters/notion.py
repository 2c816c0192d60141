"""Notion — API reference, "Refresh a token" (POST /v1/oauth/token).

https://developers.notion.com/reference/refresh-a-token

    POST https://api.notion.com/v1/oauth/token
    Authorization: Basic <encoded-value>      (base64 of client_id:client_secret)
    Notion-Version: <version>
    Content-Type: application/json
    {"grant_type": "refresh_token", "refresh_token": "..."}

    {"access_token": "<string>", "token_type": "<string>", "refresh_token": "<string>",
     "bot_id": "3c90c3cc-...", "workspace_icon": "<string>", "workspace_name": "<string>",
     "workspace_id": "3c90c3cc-...", "owner": {"type": "<string>", "user": {...}},
     "duplicated_template_id": "3c90c3cc-...", "request_id": "3c90c3cc-..."}

What the reference documents:
- The call yields a new access token and a new refresh token.
- OAuth endpoints use HTTP Basic over the integration's client id and secret; the body is JSON
  (grant_type, refresh_token); the Notion-Version header is required, as on every Notion call.
- The answer has no lifetime field at all, and no scope: Notion has no OAuth scopes, a user
  picks pages during consent. It names the workspace (workspace_id, workspace_name,
  workspace_icon), the authorization (bot_id) and who owns it (owner).
- The official SDK's types (https://github.com/makenotion/notion-sdk-js, src/api-endpoints/oauth.ts)
  give token_type "bearer" and a refresh_token that may be null.

The page's request example is the SDK call for grant_type authorization_code, not a refresh, and
its answer is generated placeholders (even token_type is "<string>"), so there is no refresh
contract test (NO_REFRESH_EXAMPLE in tests/test_catalogue_c.py).

First tokens (conn.authorize()), https://developers.notion.com/reference/create-a-token and the
authorization guide (https://developers.notion.com/docs/authorization):

    https://api.notion.com/v1/oauth/authorize?client_id=...&response_type=code&owner=user
        &redirect_uri=...&state=...
    POST https://api.notion.com/v1/oauth/token  (JSON, HTTP Basic)
        {"grant_type": "authorization_code", "code": "...", "redirect_uri": "..."}

- redirect_uri must be sent on the exchange when it was on the authorization URL (oauthkit
  always puts it there).

Choices where the pages are silent:
- Expiry: none in the answer and none documented, so the access token's lifetime counts as
  unknown and a 401 triggers the refresh.
- Notion-Version: a setting, defaulting to the SDK's default version; set a newer one if your
  integration uses it.
- Rotation: the reference promises a new refresh token, but the SDK types allow null; a refresh
  token that comes back replaces ours, none keeps ours.
- Dead refresh token: the reference only links the generic error codes. RFC 6749's
  invalid_grant, which integrators report seeing here, is the default.
- owner=user on the authorization URL is what Notion's generated URLs carry; PKCE is not
  documented, so none is sent. There is no scope to ask for.

Revocation (the official SDK's
https://github.com/makenotion/notion-sdk-js/blob/main/src/api-endpoints/oauth.ts): /v1/oauth/revoke
takes a JSON body holding the token, with the integration's Basic credentials. No device flow.
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "notion",
    "title": "Notion",
    "docs": "https://developers.notion.com/reference/refresh-a-token",
    "settings": {
        "base_url": {"default": "https://api.notion.com"},
        "client_id": {},
        "client_secret": {"secret": True},  # half of the Basic credentials
        # The SDK's Client.defaultNotionVersion (makenotion/notion-sdk-js, src/Client.ts)
        "notion_version": {"default": "2025-09-03", "doc": "the Notion-Version header"},
    },
    "request": {
        "url": "{base_url}/v1/oauth/token",
        "method": "POST",
        "encoding": "json",  # "Body: application/json"
        "client_auth": "basic",
        "grant_type": "refresh_token",
        "headers": {"Notion-Version": "{notion_version}"},  # a required header on the reference
    },
    "response": {
        "access_token": "access_token",
        "refresh_token": "refresh_token",
        "token_type": "token_type",
        "scope": None,  # Notion has no OAuth scopes
        "id_token": None,
        # expires: the answer schema has no lifetime field; RFC 6749's expires_in (the default) is
        # read should one ever appear, else the lifetime is unknown and a 401 drives the refresh
        # Non-secret identity fields of the answer (the changelog calls out workspace_id and owner)
        "extra": ["workspace_id", "workspace_name", "bot_id", "owner.type", "owner.user.id"],
    },
    # "a new access token and new refresh token"; the SDK's types allow null, hence if_present
    "rotation": "if_present",
    # errors: only the generic error codes are linked; RFC 6749's invalid_grant, the default.
    "authorize": {
        "url": "{base_url}/v1/oauth/authorize",
        "pkce": None,  # inferred: no PKCE is documented
        "extra": {"owner": "user"},  # inferred: what Notion's generated authorization URLs carry
        "exchange": {"grant_type": "authorization_code"},
    },
    # notion-sdk-js oauth.ts: POST {base_url}/v1/oauth/revoke, JSON {"token": ...}; Basic auth
    # and the Notion-Version header, as for the other OAuth endpoints (inherited)
    "revoke": {
        "url": "{base_url}/v1/oauth/revoke",
        "hint_param": None,  # the body has the token only
    },
}
