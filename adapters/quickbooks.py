"""QuickBooks Online (Intuit) — OAuth 2.0 refresh.

https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0

What Intuit's pages establish:
- Intuit's OpenID discovery document
  (https://developer.intuit.com/.well-known/openid-sandbox-configuration) names the token endpoint
  https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer, the authorization endpoint
  https://appcenter.intuit.com/connect/oauth2 and, as client authentication,
  client_secret_post and client_secret_basic. Sandbox and production share these endpoints; only
  the keys (Development vs Production) differ.
- Access tokens live an hour (the FAQ,
  https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/faq);
  the FAQ asks apps to always keep the most recent refresh_token Intuit handed back.
- Refresh tokens expire on a rolling 100 days, pushed back by every use
  (https://blogs.intuit.com/2024/06/03/oauth-token-management-done-the-right-way/), and since
  November 2025 at most five years after issue whatever the use
  (https://blogs.a.intuit.com/2025/11/12/important-changes-to-refresh-token-policy).
- The company id (realmId) comes back on the authorization redirect, next to code and state, and
  never in a token answer.

The refresh (Step 15 of the OAuth 2.0 page, read through a Markdown copy of it):

    POST /oauth2/v1/tokens/bearer  Accept: application/json
    Authorization: Basic UTM0dVBvRDIw...  Content-Type: application/x-www-form-urlencoded
    grant_type=refresh_token&refresh_token=Q311488394272qbajGfLBwGmVsbF6VoNpUKaIO5oL49aXLVJUB

    {"token_type": "bearer", "expires_in": 3600, "refresh_token": "Q3114883...",
     "x_refresh_token_expires_in": 15551893, "access_token": "eJlbmMiOiJBMTI4Q0JDLUhTMjU2..."}

- HTTP Basic client authentication, a form body with RFC 6749's names, no scope; the answer's
  x_refresh_token_expires_in is the refresh token's remaining life in seconds. The page's
  example answer returns the same refresh token.

Choices where the pages are silent:
- A dead refresh token: 400 {"error": "invalid_grant"} ("Token invalid", "Token has been
  expired or revoked." in reports such as https://github.com/intuit/oauth-jsclient/issues/128).
- Rotation: the refresh token's value may change on a refresh and the old one then stops working
  later, so whatever comes back replaces ours.
- PKCE: not documented, none sent.

What the schema cannot express: realmId arrives on the authorization redirect, not in the token
answer, so it cannot be kept on token.extra; the five-year hard expiry field is announced but
its wire name is not documented.

Revocation (https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0;
URL from https://developer.intuit.com/.well-known/openid-configuration): a JSON body with one token
(refresh or access) posted to developer.api.intuit.com/v2/oauth2/tokens/revoke with Basic
credentials; the same URL serves sandbox and production. No device flow is documented.
"""

# A key is here because a page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "quickbooks",
    "title": "QuickBooks Online (Intuit)",
    "docs": "https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0",
    "settings": {
        # The discovery document's token_endpoint host
        "base_url": {"default": "https://oauth.platform.intuit.com"},
        # The discovery document's authorization_endpoint lives on another host
        "authorize_base_url": {"default": "https://appcenter.intuit.com"},
        # The revocation endpoint lives on a third host (the discovery document's
        # revocation_endpoint)
        "revoke_base_url": {"default": "https://developer.api.intuit.com"},
        "client_id": {},
        "client_secret": {"secret": True},  # inferred: a credential, never logged or shown
    },
    "request": {
        "url": "{base_url}/oauth2/v1/tokens/bearer",  # the discovery document's token_endpoint
        "method": "POST",
        "encoding": "form",  # inferred: a token endpoint's RFC 6749 encoding; Intuit's SDKs send a form
        # inferred: the discovery document lists client_secret_basic and client_secret_post;
        # Intuit's own SDKs use Basic
        "client_auth": "basic",
        "grant_type": "refresh_token",
    },
    "response": {
        # Field names from Intuit's client library typings (intuit-oauth), not a readable page
        "expires": {"field": "expires_in", "kind": "seconds"},
        # The rolling 100-day life of the refresh token, in seconds (same source)
        "refresh_expires": {"field": "x_refresh_token_expires_in", "kind": "seconds"},
        "default_lifetime": 3600,  # the FAQ: access tokens live one hour
    },
    # inferred: the FAQ says to keep the latest refresh_token returned; its value changes from time
    # to time, so the one in the answer replaces ours whenever present
    "rotation": "if_present",
    # errors: RFC 6749's invalid_grant (the default), as seen in intuit/oauth-jsclient issue 128.
    "authorize": {
        "url": "{authorize_base_url}/connect/oauth2",  # the discovery document
        # The Accounting scope, the one the setup guide asks new apps to pick; a refresh token
        # comes with every code exchange, nothing more is needed
        "scope": "com.intuit.quickbooks.accounting",
        "pkce": None,  # not documented
        # POST {base_url}/oauth2/v1/tokens/bearer, form, Basic: as refresh does
        "exchange": {"grant_type": "authorization_code"},
    },
    # discovery document: revocation_endpoint, one URL for sandbox and production
    "revoke": {
        "url": "{revoke_base_url}/v2/oauth2/tokens/revoke",
        # inferred from client code (the official table was unreadable): JSON {"token": ...}
        "encoding": "json",
        "hint_param": None,  # only the token is sent
        # Basic auth: inherited from the refresh request
    },
}
