"""Contract tests for the catalogue adapters of group b (issue 13).

Each example is the provider's documented refresh exchange, copied from the page named in its
"source"; placeholders the page prints are used as the values. Providers whose pages print no
refresh example that could be read are listed in NO_REFRESH_EXAMPLE with the reason, and have no
test here: an example is never made up.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

import oauthkit
from oauthkit.testing import verify

NO_REFRESH_EXAMPLE = {
    "quickbooks": "every stored copy of https://developer.intuit.com/app/developer/qbo/docs/develop/"
    "authentication-and-authorization/oauth-2.0 ends after its SDK install snippets; the refresh "
    "request and answer blocks could not be read",
    "strava": "https://developers.strava.com/docs/authentication/ has a 'Refreshing Expired Access "
    "Tokens' section, but every stored copy stops after 'Requesting Access'",
    "withings": "no page prints a refresh request; https://support.withings.com/hc/en-us/articles/"
    "360016745358--BREAKING-Shutting-down-access-and-refresh-tokens-endpoints prints the answer "
    "only as a template of field descriptions, without values",
    "fitbit": "https://dev.fitbit.com/build/reference/web-api/authorization/refresh-token/ prints "
    "the requests, but its response block is missing from every stored copy",
    "linkedin": "https://learn.microsoft.com/en-us/linkedin/shared/authentication/"
    "programmatic-refresh-tokens is cut in 'Step 1' in every stored copy; 'Step 2' (the refresh "
    "request and answer) could not be read",
    "tiktok": "the curl on https://developers.tiktok.com/docs/en/oauth-refresh-a-user-access-token "
    "is cut before its parameters and no answer follows in the stored copy",
    "keycloak": "the Keycloak guides (https://www.keycloak.org/securing-apps/oidc-layers and the "
    "server admin guide) print no refresh request or answer; their only token curl is a password "
    "grant",
}

# ---- Spotify ----------------------------------------------------------------------------------
SPOTIFY_PAGE = "https://developer.spotify.com/documentation/web-api/tutorials/refreshing-tokens"
SPOTIFY = {
    "source": SPOTIFY_PAGE,
    # The page's browser example (Authorization Code with PKCE): its body values are the JS
    # variables refreshToken and clientId, kept here as the placeholders they are. A PKCE app has
    # no secret: auth_method none.
    "settings": {"auth_method": "none"},
    "request": {
        "method": "POST",
        "path": "/api/token",
        "headers": {"Content-Type": "application/x-www-form-urlencoded"},
        "form": {"grant_type": "refresh_token", "refresh_token": "refreshToken", "client_id": "clientId"},
    },
    # The answer printed at the top of the page is the authorization token answer; the page's
    # Response section says the refresh answer is "very similar" to it, so it stands in here.
    "response": {
        "body": {
            "access_token": "NgCXRK...MzYjw",
            "token_type": "Bearer",
            "scope": "user-read-private user-read-email",
            "expires_in": 3600,
            "refresh_token": "NgAagA...Um_SHo",
        }
    },
    "expect": {
        "access_token": "NgCXRK...MzYjw",
        "refresh_token": "NgAagA...Um_SHo",
        "token_type": "Bearer",
        "scope": "user-read-private user-read-email",
        "lifetime": 3600,
    },
}

# ---- Atlassian --------------------------------------------------------------------------------
ATLASSIAN_PAGE = "https://developer.atlassian.com/cloud/oauth/getting-started/refresh-tokens/"
ATLASSIAN = {
    "source": ATLASSIAN_PAGE,
    "request": {
        "method": "POST",
        "path": "/oauth/token",
        "headers": {"Content-Type": "application/json"},
        "json": {
            "grant_type": "refresh_token",
            "client_id": "YOUR_CLIENT_ID",
            "client_secret": "YOUR_CLIENT_SECRET",
            "refresh_token": "YOUR_REFRESH_TOKEN",
        },
    },
    "response": {
        "body": {
            "access_token": "<string>",
            "refresh_token": "<string>",
            # The page prints "<expiry time of access_token in second>", a description and not a
            # number; 3600 is the hour Atlassian staff give for an access token
            # (https://community.developer.atlassian.com/t/refresh-token-expire-after-36000-seconds/60806/2).
            "expires_in": 3600,
            "scope": "<string>",
        }
    },
    "expect": {
        "access_token": "<string>",
        "refresh_token": "<string>",
        "scope": "<string>",
        "lifetime": 3600,
    },
}

# ---- Okta -------------------------------------------------------------------------------------
OKTA_PAGE = "https://developer.okta.com/docs/guides/refresh-tokens/main/"
OKTA = {
    "source": OKTA_PAGE,
    # The URL has two template fields: base_url and authorization_server ("default" on the page).
    # redirect_uri is set because the page's request sends it.
    "settings": {
        "base_url": "{server}",
        "authorization_server": "default",
        "redirect_uri": "http://localhost:8080",
    },
    "request": {
        "method": "POST",
        "path": "/oauth2/default/v1/token",
        # The page elides its Basic credentials ("Basic MG9hYmg3M..."), which cannot be decoded:
        # placeholders stand in for the client id and secret. Its cache-control: no-cache is a
        # client cache hint the adapter does not send (adapters/okta.py), so it is not listed.
        "basic": ["<client_id>", "<client_secret>"],
        "headers": {"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"},
        "form": {
            "grant_type": "refresh_token",
            "redirect_uri": "http://localhost:8080",
            # httpie sends the page's "%20" literally (it encodes the percent sign itself)
            "scope": "offline_access%20openid",
            "refresh_token": "MIOf-U1zQbyfa3MUfJHhvnUqIut9ClH0xjlDXGJAyqo",
        },
    },
    "response": {
        "body": {
            "access_token": "eyJhbGciOiJ[...]K1Sun9bA",
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": "offline_access%20openid",
            "refresh_token": "MIOf-U1zQbyfa3MUfJHhvnUqIut9ClH0xjlDXGJAyqo",
            "id_token": "eyJraWQiO[...]hMEJQX6WRQ",
        }
    },
    "expect": {
        "access_token": "eyJhbGciOiJ[...]K1Sun9bA",
        "refresh_token": "MIOf-U1zQbyfa3MUfJHhvnUqIut9ClH0xjlDXGJAyqo",
        "id_token": "eyJraWQiO[...]hMEJQX6WRQ",
        "scope": "offline_access%20openid",
        "lifetime": 3600,
    },
}

EXAMPLES = {"spotify": SPOTIFY, "atlassian": ATLASSIAN, "okta": OKTA}


def _answering(example: dict[str, Any], status: int, body: Any) -> dict[str, Any]:
    """The documented request of ``example`` answered by a documented error."""
    data = copy.deepcopy(example)
    data["response"] = {"status": status, "body": body}
    data.pop("expect", None)
    return data


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_documented_refresh_example(name: str) -> None:
    token = verify(name, EXAMPLES[name])
    assert token.access_token == EXAMPLES[name]["expect"]["access_token"]


def test_atlassian_documented_dead_refresh_token_is_invalid_grant() -> None:
    # The page: "403 Forbidden with {"error": "invalid_grant", "error_description": "Unknown or
    # invalid refresh token."" (its closing brace is missing on the page).
    body = {"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."}
    with pytest.raises(oauthkit.InvalidGrant):
        verify("atlassian", _answering(ATLASSIAN, 403, body))


def test_okta_documented_missing_client_credentials_is_a_refresh_error_not_invalid_grant() -> None:
    # https://developer.okta.com/docs/reference/api/oidc/ prints this error answer (HTTP 401):
    # a client problem, so the refresh token must not be declared dead.
    body = {"error": "invalid_client", "error_description": "No client credentials found."}
    with pytest.raises(oauthkit.RefreshError) as info:
        verify("okta", _answering(OKTA, 401, body))
    assert not isinstance(info.value, oauthkit.InvalidGrant)


def test_every_provider_of_the_group_is_tested_or_explained() -> None:
    group = {"quickbooks", "strava", "spotify", "withings", "fitbit", "linkedin", "tiktok", "atlassian"}
    group |= {"okta", "keycloak"}
    assert set(EXAMPLES) | set(NO_REFRESH_EXAMPLE) == group
    assert not set(EXAMPLES) & set(NO_REFRESH_EXAMPLE)
