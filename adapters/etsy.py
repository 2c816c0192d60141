"""Etsy — Open API v3, Authentication: "Requesting a Refresh OAuth Token".

https://developers.etsy.com/documentation/essentials/authentication

    https://api.etsy.com/v3/public/oauth/token?
      grant_type=refresh_token
      &client_id=1aa2bb33c44d55eeeeee6fff
      &refresh_token=12345678.JNGIJtvLmwfDMhlYoOJl8aLR1BWottyHC6yhNcET-eC7RogSR5e1GTIX...

    {"access_token": "12345678.O1zLuwveeKjpIqCQFfmR-PaMMpBmagH6DljRAkK9qt05OtRKiANJOyZ...",
     "token_type": "Bearer", "expires_in": 3600,
     "refresh_token": "12345678.JNGIJtvLmwfDMhlYoOJl8aLR1BWottyHC6yhNcET-eC7RogSR5e1GTIX..."}

What the page documents:
- A POST to the token endpoint whose parameters travel in the body as
  application/x-www-form-urlencoded; the examples merely print them after a "?".
- Three parameters: grant_type=refresh_token, client_id (the app's API keystring) and
  refresh_token. There is no client secret anywhere in the flow: PKCE protects the code exchange
  and the keystring alone identifies the app on refresh.
- A refresh keeps the original grant's scopes; they cannot be changed on refresh.
- The answer is RFC 6749's: access_token, token_type Bearer, expires_in (3600, an hour) and a
  refresh_token. Both tokens start with the numeric Etsy user id and a dot. Refresh tokens
  last 90 days.
- Errors are JSON objects with error and error_description, e.g. invalid_grant for a spent code
  (https://developers.etsy.com/documentation/tutorials/quickstart).

First tokens (conn.authorize()), the same page:

    https://www.etsy.com/oauth/connect?response_type=code&redirect_uri=...&scope=email_r
        &client_id=...&state=...&code_challenge=...&code_challenge_method=S256
    POST https://api.etsy.com/v3/public/oauth/token  (form)
        grant_type=authorization_code&client_id=...&redirect_uri=...&code=...&code_verifier=...

- PKCE S256 is mandatory (the only method); state is required. The redirect URI must be https
  and match a registered one exactly.

Choices where the pages are silent:
- Rotation: the refresh parameter may come "from a prior refresh grant" and every answer carries
  one, but the page does not say the old one dies; whichever comes back is kept.
- The 90-day refresh-token lifetime has no answer field, so it is not recorded.
- Lifetime: one hour when expires_in is missing, as the page states.
- No default scope is documented; pass authorize(scope="listings_r shops_r ...").
"""

# A key is here because the page states it, or because the adapter departs from the default on
# purpose ("inferred", with the reason). Unsaid keys take RFC 6749's defaults (docs/DESIGN.md).
ADAPTER = {
    "name": "etsy",
    "title": "Etsy",
    "docs": "https://developers.etsy.com/documentation/essentials/authentication",
    "settings": {
        "base_url": {"default": "https://api.etsy.com"},
        "authorize_base_url": {"default": "https://www.etsy.com"},  # .../oauth/connect
        "client_id": {"doc": "the app's API keystring"},
        # No client_secret: the page uses none, on refresh or on the code exchange.
    },
    "request": {
        "url": "{base_url}/v3/public/oauth/token",
        "method": "POST",
        # The prose: parameters in the body, form-encoded (the examples print them after a "?")
        "encoding": "form",
        "client_auth": "body",  # the keystring as client_id, and no secret to add
        "grant_type": "refresh_token",
    },
    "response": {
        "access_token": "access_token",
        "refresh_token": "refresh_token",
        "token_type": "token_type",
        "scope": None,  # the answer has no scope field
        "id_token": None,
        "expires": {"field": "expires_in", "kind": "seconds"},
        "default_lifetime": 3600,  # the page: access tokens are valid for an hour
    },
    # inferred: every answer carries a refresh token; the page does not say the old one dies
    "rotation": "if_present",
    # errors: RFC 6749's error/error_description (the quickstart's example), the defaults.
    "authorize": {
        "url": "{authorize_base_url}/oauth/connect",
        "pkce": "S256",  # required, and S256 is the only method
        # POST {base_url}/v3/public/oauth/token, form, client_id and the verifier: as refresh.
        "exchange": {"grant_type": "authorization_code"},
    },
}
