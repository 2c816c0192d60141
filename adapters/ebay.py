"""eBay — Using a refresh token to update a User access token.

https://developer.ebay.com/api-docs/static/oauth-refresh-token-request.html

    HTTP method:   POST
    URL (Sandbox): https://api.sandbox.ebay.com/identity/v1/oauth2/token
    HTTP headers:  Content-Type = application/x-www-form-urlencoded
                   Authorization = Basic <B64-encoded-oauth-credentials>
    Request body:  grant_type=refresh_token
                   refresh_token=<your-refresh-token-value>
                   scope=<scopeList>   // a URL-encoded string of space-separated scopes

    {"access_token": "v^1.1#i ... AjRV4yNjA=", "expires_in": 7200,
     "token_type":"User Access Token"}

What the page documents:
- Two hosts: production https://api.ebay.com and sandbox https://api.sandbox.ebay.com, both at
  /identity/v1/oauth2/token; a token works only in the environment that minted it.
- The client authenticates with HTTP Basic over <client_id>:<client_secret> (App ID and Cert ID);
  the body is a form.
- The body carries the scope list as well: the scopes granted at consent, or a subset of them.
- The answer is a new access token with its lifetime in seconds (User tokens last about two
  hours); it carries no refresh token, which stays the one from the code exchange. Its
  token_type is the phrase "User Access Token", not "Bearer"; the token is still sent as a
  Bearer token.

The answer example prints an elided access token with spaces ("v^1.1#i ... AjRV4yNjA=") that no
token can hold, and the request example's Basic credentials are a placeholder rather than
Base64, so there is no refresh contract test (NO_REFRESH_EXAMPLE in tests/test_catalogue_c.py).
The page's full text could only be read through copies of its examples; its opening matches.

First tokens (conn.authorize()), from https://developer.ebay.com/support/kb-article?KBid=5075 and
https://developer.ebay.com/api-docs/static/oauth-auth-code-grant-request.html:

    https://auth.ebay.com/oauth2/authorize?client_id=...&redirect_uri=<app-RuName-value>
        &response_type=code&scope=<scopeList>&state=...
    POST https://api.ebay.com/identity/v1/oauth2/token  (form, HTTP Basic)
        grant_type=authorization_code&code=...&redirect_uri=<app-RuName-value>

- redirect_uri is the app's RuName (eBay's name for a registered redirect), not a URL: pass
  authorize(redirect_uri=<RuName>) whose Auth Accepted URL points at oauthkit's callback.
- The exchange's answer adds refresh_token and refresh_token_expires_in (seconds, about 18
  months); refresh answers repeat neither.

Choices where the pages are silent:
- scope is required on every refresh: the page's example sends it and eBay's own clients always
  do (https://github.com/eBay/ebay-oauth-python-client). Set it to the granted list.
- token_type is not read: its value is not an HTTP scheme, and eBay's APIs take the token as
  Bearer.
- Dead refresh token: not on the page; RFC 6749's invalid_grant (what eBay's clients report
  seeing) is the default.
- PKCE is not documented, so none is sent. No default scope: eBay scopes are URLs such as
  https://api.ebay.com/oauth/api_scope/sell.inventory; pass authorize(scope=...).
- Sandbox: set base_url=https://api.sandbox.ebay.com and
  authorize_base_url=https://auth.sandbox.ebay.com.
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "ebay",
    "title": "eBay",
    "docs": "https://developer.ebay.com/api-docs/static/oauth-refresh-token-request.html",
    "settings": {
        "base_url": {"default": "https://api.ebay.com", "doc": "sandbox: https://api.sandbox.ebay.com"},
        # KB 5075 prints the sandbox authorize host; production drops ".sandbox" as the API host does
        "authorize_base_url": {
            "default": "https://auth.ebay.com",
            "doc": "sandbox: https://auth.sandbox.ebay.com",
        },
        "client_id": {"doc": "App ID (Client ID)"},
        "client_secret": {"secret": True, "doc": "Cert ID (Client Secret)"},
        "scope": {"doc": "space-separated scope URLs: the granted ones or a subset"},
    },
    "request": {
        "url": "{base_url}/identity/v1/oauth2/token",
        "method": "POST",
        "encoding": "form",
        "client_auth": "basic",
        "grant_type": "refresh_token",
        # The page's example body sends scope; eBay's own clients always send it (see docstring)
        "required": ["scope"],
    },
    "response": {
        "access_token": "access_token",
        "refresh_token": None,  # refresh answers carry none: the code exchange's stays
        # inferred: "User Access Token" is no HTTP scheme; the token is used as Bearer
        "token_type": None,
        "scope": None,  # the answer has no scope field
        "id_token": None,
        "expires": {"field": "expires_in", "kind": "seconds"},
    },
    "rotation": "never",  # the refresh answer has no refresh token
    # errors: not on the page; RFC 6749's invalid_grant, the default.
    "authorize": {
        "url": "{authorize_base_url}/oauth2/authorize",
        "pkce": None,  # inferred: no PKCE is documented
        "exchange": {
            "grant_type": "authorization_code",
            # The code grant page: the exchange's answer is where the refresh token comes from.
            "response": {
                "refresh_token": "refresh_token",
                "refresh_expires": {"field": "refresh_token_expires_in", "kind": "seconds"},
            },
        },
    },
}
