"""Salesforce — OAuth 2.0 refresh token flow (connected apps and external client apps).

https://developer.salesforce.com/docs/atlas.en-us.222.0.api_rest.meta/api/intro_understanding_refresh_token_oauth.htm
(the same text as the 214.0 and ja-jp 216.0 editions; the current help page
https://help.salesforce.com/apex/HTViewHelpDoc?id=remoteaccess_oauth_refresh_token_flow.htm
covers rotation)

    POST /services/oauth2/token HTTP/1.1
    Host: https://login.salesforce.com/
    grant_type=refresh_token&client_id=3MVG9lKcPoNINVBIPJjdw1J9LLM82HnFVVX19KY1uA5mu0
    QqEWhqKpoW3svG3XHrXDiCQjK1mdgAvhCscA9GE&client_secret=1955279925675241571
    &refresh_token=your token here

    {"id": "https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P",
     "issued_at": "1278448384422", "instance_url": "https://yourInstance.salesforce.com/",
     "signature": "SSSbLO/gBhmmyNUvN18ODBDFYHzakxOMgqYtu+hDPsc=", "access_token": "00Dx0000000BV7z!AR8...",
     "token_type": "Bearer", "scope": "id api refresh_token"}

What the pages say, in short:
- A form body to /services/oauth2/token on the login host: login.salesforce.com (production),
  test.salesforce.com (sandboxes) or the org's My Domain. client_id is the connected app's
  Consumer Key; client_secret (Consumer Secret) can be left out when the app does not require
  the secret. The ja-jp edition also shows the credentials in an HTTP Basic header instead.
- The answer is JSON by default (a format parameter or an Accept header can ask for urlencoded or
  XML). It has no expires_in: an access token lives as long as the connected app's session
  timeout, which the answer does not carry. issued_at is milliseconds since the epoch, as a string.
- instance_url is the host every API call goes to: it is kept on the token (token.extra), with
  the identity URL id and issued_at.
- Refresh token rotation is a per-app switch: when on, each refresh returns a new refresh token and
  invalidates the previous one; when off, none comes back and ours stays valid.

First tokens (conn.authorize()):

    GET https://login.salesforce.com/services/oauth2/authorize?response_type=code&client_id=...
        &redirect_uri=...&scope=api refresh_token&state=...&code_challenge=...
        &code_challenge_method=S256
    POST /services/oauth2/token  grant_type=authorization_code, code, redirect_uri, client_id,
        client_secret, code_verifier

Choices where the pages are silent:
- Lifetime: two hours (7200 s, the connected-app session timeout Salesforce starts with) when
  the answer has none; a shorter timeout shows up as a 401 INVALID_SESSION_ID from the API, on
  which oauthkit refreshes.
- Dead refresh token: 400 {"error": "invalid_grant", "error_description": "expired access/refresh
  token"} in practice (third-party clients; the official error table was not read): RFC 6749's
  invalid_grant, the default.
- scope "api refresh_token": refresh_token (alias offline_access) is the scope that makes
  Salesforce issue a refresh token, api the one the REST API needs (the scope table was not
  read; third-party: the cirrus-auth crate's docs). PKCE S256 as Salesforce's web server flow
  supports it (third-party walkthrough).

Revocation (https://developer.salesforce.com/docs/platform/mobile-sdk/guide/oauth-revoking-tokens.html):
a form POST of one token to /services/oauth2/revoke on the same host as the token endpoint, no
client credentials; a refresh token takes its access tokens with it. Salesforce's device flow is
not declared: it starts at the token endpoint with response_type=device_code, which the format's
device request cannot carry.
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "salesforce",
    "title": "Salesforce",
    "docs": "https://developer.salesforce.com/docs/atlas.en-us.222.0.api_rest.meta/api/"
    "intro_understanding_refresh_token_oauth.htm",
    "settings": {
        "base_url": {
            "default": "https://login.salesforce.com",
            "doc": "https://test.salesforce.com for sandboxes, or https://MyDomainName.my.salesforce.com",
        },
        "client_id": {"doc": "the connected app's Consumer Key"},
        # "Required unless the Require Secret for Web Server Flow setting is not enabled"
        "client_secret": {"required": False, "secret": True, "doc": "the Consumer Secret"},
    },
    "request": {
        "url": "{base_url}/services/oauth2/token",
        "method": "POST",
        "encoding": "form",
        "client_auth": "body",  # the example's; HTTP Basic is the ja-jp edition's alternative
        "grant_type": "refresh_token",
    },
    "response": {
        "access_token": "access_token",
        "refresh_token": "refresh_token",  # only with rotation on
        "token_type": "token_type",
        "scope": "scope",
        "id_token": "id_token",  # inferred: with the openid scope (the jsforce types, third-party)
        # The API host, the identity URL and the issue time: none of them is a secret
        "extra": ["instance_url", "id", "issued_at"],
        # inferred: no expires_in; the session timeout Salesforce starts a connected app with
        "default_lifetime": 7200,
    },
    # The help page: rotation is the app's choice; when on, the answer carries the next token
    "rotation": "if_present",
    # errors: invalid_grant (RFC 6749's), the default; seen in third-party clients
    "authorize": {
        "url": "{base_url}/services/oauth2/authorize",
        # inferred: refresh_token is the scope that makes a refresh token come back, api the REST
        # API's (third-party: the cirrus-auth crate's docs; the scope table was not read)
        "scope": "api refresh_token",
        "pkce": "S256",  # inferred: supported by the web server flow (third-party walkthrough)
        "exchange": {"grant_type": "authorization_code"},
    },
    # revoking-tokens page: POST {base_url}/services/oauth2/revoke, form token=...
    "revoke": {
        "url": "{base_url}/services/oauth2/revoke",
        "client_auth": "none",  # the page's sample sends no client credentials
        "hint_param": None,  # the sample sends the token alone
    },
}
