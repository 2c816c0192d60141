"""parqex — Step 5: Refresh the Tokens.

https://docs.parqex.com/-MUyxAVrX9S4wky8UoX6/oauth/how-to-authorize-access/step-5-refresh-the-tokens

    https://api.parqex.com/oauth/v2/endpoints/token/?
        client_id=<CLIENT_ID>&client_secret=<CLIENT_SECRET>&
        grant_type= authorization_code&refresh_token=<REFRESH_TOKEN>&grant_type=refresh_token

"To refresh the access token and, consequently, the refresh token, make the following request
using the most recent refresh token."

Choices where the page is silent or contradicts itself:
- Method: the page names none. The same guide's code exchange (step 3) is a GET on this URL with
  a query string, and the page shows only a URL, so we send a GET with every parameter in the
  query string.
- grant_type: listed twice (authorization_code, then refresh_token). The docs are a white-label
  copy of an API whose server read the query last-value-wins; a client means refresh, so we send
  grant_type=refresh_token once.
- Lifetimes are undocumented: when expires_in is missing we assume one hour.
- Errors are not documented; we assume RFC 6749 (400 {"error": "invalid_grant"}).
- Secrets travel in the URL because the provider says so; oauthkit warns once per connection.

First tokens (conn.authorize()), steps 1 and 3 of the same guide:

    https://api.parqex.com/oauth/v2/endpoints/authorize/?client_id=...&redirect_uri=...
        &response_type=code&state=...
    GET https://api.parqex.com/oauth/v2/endpoints/token/?client_id=...&client_secret=...
        &grant_type=authorization_code&code=...&redirect_uri=...

- PKCE is not documented, so no code_challenge is sent (state still protects the redirect).
- No scope parameter is documented; none is sent.
- The code exchange is a GET with every parameter in the query string, exactly like refresh (the
  client secret and the code travel in the URL: the same warning applies).
- Its answer is read like a refresh answer (access_token, refresh_token, expires_in).
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "parqex",
    "title": "parqex",
    "docs": "https://docs.parqex.com/-MUyxAVrX9S4wky8UoX6/oauth/how-to-authorize-access/step-5-refresh-the-tokens",
    "settings": {
        "base_url": {"default": "https://api.parqex.com"},
        "client_id": {},
        "client_secret": {"secret": True},  # inferred: a credential, never logged or shown
    },
    "request": {
        "url": "{base_url}/oauth/v2/endpoints/token/",
        # inferred: the page names no method; the guide's code exchange (step 3) is a GET on this
        # URL with a query string, and the page shows only a URL
        "method": "GET",
        "encoding": "query",
        "client_auth": "body",  # client_id and client_secret among the (query) parameters
        # inferred: the page lists grant_type twice (authorization_code, then refresh_token); a
        # refresh means refresh_token, sent once
        "grant_type": "refresh_token",
    },
    # The page shows no answer; step 3 of the guide names access_token, refresh_token and
    # expires_in (RFC 6749's names, the defaults).
    # inferred: no lifetime is documented; an hour when expires_in is missing
    "response": {"default_lifetime": 3600},
    # "...and, consequently, the refresh token": every refresh rotates it.
    "rotation": "always",
    # errors: not documented; RFC 6749's (400 invalid_grant), the defaults.
    # Steps 1 and 3 of the same guide (quoted above), not the refresh page:
    "authorize": {
        "url": "{base_url}/oauth/v2/endpoints/authorize/",
        "pkce": None,  # inferred: the guide documents no PKCE (state still protects the redirect)
        # Step 3: GET on the refresh URL, query string, client id and secret in it (inherited).
        "exchange": {"grant_type": "authorization_code"},
    },
}
