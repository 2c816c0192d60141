"""Withings — Access and refresh tokens (the requesttoken webservice).

https://developer.withings.com/developer-guide/v3/integration-guide/public-health-data-api/get-access/access-and-refresh-tokens-no-recover

What Withings' pages establish:
- Access tokens expire after 3 hours, refresh tokens after a year; every refresh hands back a
  new refresh_token that must replace the stored one, and the previous one stops working 8 hours
  later or as soon as the new access token is used (the page above).
- Refreshing means calling the requesttoken webservice. Since 2022 it lives at
  https://wbsapi.withings.net/v2/oauth2 (US medical cloud: https://wbsapi.us.withingsmed.net),
  takes an action parameter, and wraps its answer as {"status": <int>, "body": {...}} with
  access_token, expires_in (seconds), token_type, scope, refresh_token and userid inside body
  (https://support.withings.com/hc/en-us/articles/360016745358--BREAKING-Shutting-down-access-and-refresh-tokens-endpoints).
- The parameters travel in a POST body: Withings' FAQ blames an "invalid grant_type" answer on
  a call without them there (https://developer.withings.com/developer-guide/faq/faq/).
- Users approve at https://account.withings.com/oauth2_user/authorize2 with comma-separated
  scopes (user.info, user.metrics, user.activity, user.sleepevents); the code is valid 30 seconds
  (https://developer.withings.com/developer-guide/v3/integration-guide/public-health-data-api/get-access/oauth-authorization-url/).

NO REFRESH EXAMPLE: no page prints a refresh request, and the support notice prints the answer
only as a template of field descriptions, not values; the contract test file records this
(NO_REFRESH_EXAMPLE) instead of inventing one.

Choices where the pages are silent:
- Parameters: action=requesttoken, grant_type=refresh_token, client_id, client_secret,
  refresh_token (the guide names the action; the rest is how Withings' own snippets and client
  libraries call it). The signature/nonce alternative to the secret is not supported.
- Errors: HTTP 200 with a status other than 0 and an "error" string; a text naming the
  refresh_token is read as a dead refresh token (the exact status and text are undocumented).
- userid (the Withings user id, not a secret) is kept on token.extra.
- PKCE: not documented, none sent.
"""

# A key is here because a page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "withings",
    "title": "Withings",
    "docs": "https://developer.withings.com/developer-guide/v3/integration-guide/public-health-data-api/get-access/access-and-refresh-tokens-no-recover",
    "settings": {
        # The support notice's endpoint; the US medical cloud is https://wbsapi.us.withingsmed.net
        "base_url": {"default": "https://wbsapi.withings.net"},
        # The authorization page's host (US medical cloud: https://account.us.withingsmed.com)
        "authorize_base_url": {"default": "https://account.withings.com"},
        "client_id": {},
        "client_secret": {"secret": True},  # inferred: a credential, never logged or shown
    },
    "request": {
        "url": "{base_url}/v2/oauth2",
        "method": "POST",
        "encoding": "form",  # the FAQ: params in the body of a POST
        # inferred: Withings' snippets and client libraries send the credentials as parameters
        "client_auth": "body",
        "grant_type": "refresh_token",
        "extra": {"action": "requesttoken"},  # the notice: "you must specify an action parameter"
    },
    "response": {  # the notice's {"status", "body"} wrapper
        "access_token": "body.access_token",
        "refresh_token": "body.refresh_token",
        "token_type": "body.token_type",
        "scope": "body.scope",  # comma-separated, as accepted by the user
        "id_token": None,  # inferred: not an OpenID provider, the body has none
        "expires": {"field": "body.expires_in", "kind": "seconds"},
        "default_lifetime": 10800,  # the guide: access tokens expire after 3 hours
        "extra": ["body.userid"],
    },
    # "each time you request a new access_token, you also receive a new refresh_token"
    "rotation": "always",
    "errors": {
        "status_field": "status",
        "ok_status": [0],
        # inferred: the error text is undocumented; one naming the refresh_token means it is dead
        "message_field": "error",
        "invalid_grant_messages": ["refresh_token"],
    },
    # The authorization URL page (quoted above), not the refresh page:
    "authorize": {
        "url": "{authorize_base_url}/oauth2_user/authorize2",
        "scope": "user.info,user.metrics,user.activity",  # the page's example, comma-separated
        "pkce": None,  # not documented
        "exchange": {
            # inferred: the web-flow page says the exchange is requesttoken too; extra is not
            # inherited, so the action is repeated here
            "grant_type": "authorization_code",
            "extra": {"action": "requesttoken"},
            # inferred: the error text naming the code means the code is dead (30-second life)
            "errors": {"invalid_grant_messages": ["invalid code"]},
        },
    },
}
