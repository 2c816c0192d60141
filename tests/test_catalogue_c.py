"""Catalogue contract tests, group c: each adapter replays the refresh example its provider's
page prints (request and answer as shown), and the documented dead-token answer where there is
one. Providers whose pages print no refresh example are listed in NO_REFRESH_EXAMPLE instead.
"""

from __future__ import annotations

import ast
import copy
from pathlib import Path
from typing import Any

import pytest

import oauthkit
from oauthkit.testing import verify

NO_REFRESH_EXAMPLE: dict[str, str] = {}


def _failing(example: dict[str, Any], status: int, body: Any) -> dict[str, Any]:
    """The same documented request, answered with the page's error instead."""
    failed = copy.deepcopy(example)
    failed["response"] = {"status": status, "body": body}
    failed.pop("expect", None)
    return failed


# ---- twitch -------------------------------------------------------------------------------------
TWITCH_PAGE = "https://dev.twitch.tv/docs/authentication/refresh-tokens"
TWITCH = {
    "source": TWITCH_PAGE,
    "request": {
        "method": "POST",
        "path": "/oauth2/token",
        "headers": {"Content-Type": "application/x-www-form-urlencoded"},
        "form": {
            "grant_type": "refresh_token",
            "refresh_token": "gdw3k62zpqi0kw01escg7zgbdhtxi6hm0155tiwcztxczkx17",
            "client_id": "<your client id goes here>",
            "client_secret": "<your client secret goes here>",
        },
    },
    "response": {
        "body": {
            "access_token": "1ssjqsqfy6bads1ws7m03gras79zfr",
            "refresh_token": "eyJfMzUtNDU0OC4MWYwLTQ5MDY5ODY4NGNlMSJ9%asdfasdf=",
            "scope": ["channel:read:subscriptions", "channel:manage:polls"],
            "token_type": "bearer",
        }
    },
    # The scopes arrive as an array and are read as one space-separated string.
    "expect": {
        "access_token": "1ssjqsqfy6bads1ws7m03gras79zfr",
        "refresh_token": "eyJfMzUtNDU0OC4MWYwLTQ5MDY5ODY4NGNlMSJ9%asdfasdf=",
        "scope": "channel:read:subscriptions channel:manage:polls",
    },
}


def test_twitch_refresh() -> None:
    token = verify("twitch", TWITCH)
    assert token.expires_at is None  # the answer names no lifetime: a 401 drives the next refresh


def test_twitch_invalid_refresh_token() -> None:
    body = {"error": "Bad Request", "status": 400, "message": "Invalid refresh token"}
    with pytest.raises(oauthkit.InvalidGrant):
        verify("twitch", _failing(TWITCH, 400, body))


# ---- reddit -------------------------------------------------------------------------------------
# The wiki prints the refresh body and says "HTTP Basic Auth" without values; CLIENT_ID is its own
# placeholder (the authorize URL), CLIENT_SECRET the same style for the secret.
REDDIT_AGENT = "android:com.example.myredditapp:v1.2.3 (by /u/kemitche)"  # the API wiki's example
REDDIT_REQUEST = {
    "method": "POST",
    "path": "/api/v1/access_token",
    "basic": ["CLIENT_ID", "CLIENT_SECRET"],
    "headers": {"User-Agent": REDDIT_AGENT},
    "form": {"grant_type": "refresh_token", "refresh_token": "TOKEN"},
}
NO_REFRESH_EXAMPLE["reddit"] = (
    "the refresh answer is printed only with placeholders no token can hold: the wiki's "
    "'Your access token' (unquoted, expires_in 'Unix Epoch Seconds') and the admins' 2021 "
    "'your access token' both contain spaces (https://github.com/reddit-archive/reddit/wiki/OAuth2, "
    "https://www.reddit.com/r/redditdev/comments/kvzaot/oauth2_api_changes_upcoming/)"
)


def test_reddit_bad_client_credentials_are_not_a_dead_token() -> None:
    # The wiki's refresh error table: a "401 response" when the Basic credentials are wrong. The
    # documented request is still checked (Basic, User-Agent, the form) before the answer.
    example = {
        "source": "https://github.com/reddit-archive/reddit/wiki/OAuth2",
        "request": REDDIT_REQUEST,
        "response": {"status": 401, "body": ""},
        "settings": {"user_agent": REDDIT_AGENT},
    }
    with pytest.raises(oauthkit.RefreshError) as info:
        verify("reddit", example)
    assert not isinstance(info.value, oauthkit.InvalidGrant)


# ---- pinterest ----------------------------------------------------------------------------------
NO_REFRESH_EXAMPLE["pinterest"] = (
    "no refresh request or answer is printed anywhere Pinterest documents it: the OpenAPI "
    "description (release 5.23.0) gives /oauth/token and the OauthAccessTokenRequestRefresh and "
    "OauthAccessTokenResponseRefresh schemas without a single example value "
    "(https://github.com/pinterest/api-description/blob/main/v5/openapi.yaml); the guide "
    "(https://developers.pinterest.com/docs/getting-started/set-up-authentication-and-authorization/) "
    "and the generated client's docs/OauthApi.md (pinterest/pinterest-python-generated-api-client) "
    "show an SDK call, no wire example"
)


# ---- ebay ---------------------------------------------------------------------------------------
NO_REFRESH_EXAMPLE["ebay"] = (
    "the printed answer's access_token is elided with spaces ('v^1.1#i ... AjRV4yNjA='), which no "
    "token can hold, and the printed request's Basic credentials are the placeholder "
    "'<B64-encoded-oauth-credentials>', not Base64 "
    "(https://developer.ebay.com/api-docs/static/oauth-refresh-token-request.html; its mirrors "
    "entwickler.ebay.de and codesamples.codebase.ebay.com, KB 5075 and eBay's "
    "ebay-oauth-nodejs-client README were searched too and print no other refresh answer)"
)


# ---- etsy ---------------------------------------------------------------------------------------
ETSY_REFRESH = (
    "12345678.JNGIJtvLmwfDMhlYoOJl8aLR1BWottyHC6yhNcET-eC7RogSR5e1GTIXGrgrelWZalvh3YvvyLfKYYqvymd-u37Sjtx"
)
ETSY_ACCESS = (
    "12345678.O1zLuwveeKjpIqCQFfmR-PaMMpBmagH6DljRAkK9qt05OtRKiANJOyZlMx3WQ_o2FdComQGuoiAWy3dxyGI4Ke_76PR"
)
ETSY = {
    "source": "https://developers.etsy.com/documentation/essentials/authentication",
    "request": {
        "method": "POST",
        "path": "/v3/public/oauth/token",
        # The page prints these after a "?" but says they go in the body, form-encoded.
        "form": {
            "grant_type": "refresh_token",
            "client_id": "1aa2bb33c44d55eeeeee6fff",
            "refresh_token": ETSY_REFRESH,
        },
    },
    "response": {
        "body": {
            "access_token": ETSY_ACCESS,
            "token_type": "Bearer",
            "expires_in": 3600,
            "refresh_token": ETSY_REFRESH,
        }
    },
    "expect": {"access_token": ETSY_ACCESS, "refresh_token": ETSY_REFRESH, "lifetime": 3600},
}


def test_etsy_refresh() -> None:
    verify("etsy", ETSY)


def test_etsy_invalid_grant() -> None:
    # The quickstart's only printed error (a reused code, from this same token endpoint).
    body = {"error": "invalid_grant", "error_description": "code has been used previously"}
    with pytest.raises(oauthkit.InvalidGrant):
        verify("etsy", _failing(ETSY, 400, body))


# ---- figma --------------------------------------------------------------------------------------
NO_REFRESH_EXAMPLE["figma"] = (
    "the page prints only placeholders: 'Authorization: Basic <BASE64_ENCODED_CLIENT_ID_AND_SECRET>' "
    "is not Base64 and the answer's expires_in is '<EXPIRATION (in seconds)>', not a number "
    "(https://developers.figma.com/docs/rest-api/authentication, formerly "
    "https://www.figma.com/developers/api#oauth2); Figma's OpenAPI "
    "(https://github.com/figma/rest-api-spec, openapi/openapi.yaml) has no OAuth examples, only "
    "tokenUrl /v1/oauth/token and refreshUrl /v1/oauth/refresh in its security schemes"
)


# ---- notion -------------------------------------------------------------------------------------
NO_REFRESH_EXAMPLE["notion"] = (
    "the page's request example is the SDK call for grant_type 'authorization_code', not a refresh, "
    "and its answer is generated placeholders (token_type '<string>') "
    "(https://developers.notion.com/reference/refresh-a-token, also as .md); the create-a-token "
    "cURL is a code exchange with '<encoded-value>' Basic credentials, and the stored copies of "
    "the authorization guide (https://developers.notion.com/guides/get-started/authorization) "
    "could not be read as far as a refresh step"
)


# ---- asana --------------------------------------------------------------------------------------
NO_REFRESH_EXAMPLE["asana"] = (
    "Asana prints no refresh example: the stored page gives its quick reference only "
    "(https://developers.asana.com/docs/oauth), and the source of its earlier text "
    "(https://github.com/Asana/developer-docs, source/includes/markdown/_auth.html.md) prints one "
    "token request, for grant_type authorization_code, and one answer, the code exchange's (its "
    "refresh_token is there only 'if exchanging a code')"
)


# ---- docusign -----------------------------------------------------------------------------------
NO_REFRESH_EXAMPLE["docusign"] = (
    "the only printed refresh call elides its Basic credentials and refresh token with '…' "
    "characters ('NWYxZTg4…………...TJkOGI2Yg==' is not Base64), and the printed answer is a "
    "code-exchange answer the page does not call the refresh answer's shape "
    "(https://www.docusign.com/blog/developers/authorization-code-grant-refresh-tokens; "
    "https://developers.docusign.com/platform/auth/reference/obtain-access-token prints none); the "
    "guide's 'Use refresh tokens' section "
    "(https://developers.docusign.com/platform/auth/confidential-authcode-get-token), read only "
    "through a copy, prints 'Basic BASE64_COMBINATION_OF_INTEGRATION_AND_SECRET_KEYS' and a cURL "
    "with 'Basic MjMwNTQ2.....Y4MmM3YmYyNzZlOQ==', neither of them Base64, and no answer could be read"
)


# ---- x ------------------------------------------------------------------------------------------
NO_REFRESH_EXAMPLE["x"] = (
    "X prints refresh requests but no answer to any token request: the page's public-client request "
    "(https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code) and the user "
    "access token page's public and confidential (Basic, no client_id) requests "
    "(https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/user-access-token); the "
    "docs' source (https://github.com/xdevplatform/docs) has no refresh answer either"
)


# ---- the providers without a replayable example say so in their adapters ------------------------
ADAPTERS = Path(__file__).resolve().parent.parent / "adapters"


@pytest.mark.parametrize("name", sorted(NO_REFRESH_EXAMPLE))
def test_missing_example_is_explained_in_the_adapter(name: str) -> None:
    module = ast.parse((ADAPTERS / f"{name}.py").read_text(encoding="utf-8"))
    doc = " ".join((ast.get_docstring(module) or "").lower().split())
    assert "contract test" in doc, f"adapters/{name}.py should say why no refresh example is replayed"
