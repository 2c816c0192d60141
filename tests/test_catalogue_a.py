"""Contract tests for catalogue group a: each adapter replays its provider's documented refresh
example (request and answer as printed, placeholders kept literally), and the documented error
answer where the page prints one.

A provider whose pages print no refresh example has none here: it is listed in
NO_REFRESH_EXAMPLE with the reason and the page that lacks it.
"""

from __future__ import annotations

import pytest

import oauthkit
from oauthkit.testing import verify

FORM = {"Content-Type": "application/x-www-form-urlencoded"}

# Providers whose refresh pages print no example: none is invented for them.
NO_REFRESH_EXAMPLE = {
    "github": "the refresh page has parameter tables only, no request or answer example; the "
    "authorizing-oauth-apps examples are OAuth-app code exchanges without a refresh token "
    "(https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/"
    "refreshing-user-access-tokens)",
    "hubspot": "the v1 guide prints the refresh request and an error answer but no refresh answer "
    "(only the code exchange's, without saying a refresh answers alike), so only the error "
    "example is replayed (https://developers.hubspot.com/docs/api-reference/legacy/"
    "authentication/oauth-tokens/v1/guide)",
    "zoom": "the OAuth page's refresh section could not be read (the stored copies of "
    "https://developers.zoom.us/docs/integrations/oauth/ and its Rooms twin hold the server-to-server "
    "part only); searched the docs, pages and code corpora and exact strings of Zoom's sample JWTs. "
    "The only printed refresh example found is Zoom's Postman collection as republished by "
    "developers.qodex.ai (a third-party host), whose answer is cut after the access token and whose "
    "Basic header is the unreadable 'base64Encode(client_id:client_secret)'",
    "xero": "the auth-flow guide's refresh example could not be read, and the FAQ that was read prints "
    "none (https://developer.xero.com/documentation/guides/oauth2/auth-flow/, "
    "https://developer.xero.com/faq/oauth2); searched the docs, pages and code corpora, XeroAPI's "
    "repositories (Xero-OpenAPI's xero-identity.yaml has RefreshToken and AccessToken schemas without "
    "examples; the Postman tutorial repositories hold no answer) and no copy of the guide was found",
}

# ---- google: form body, credentials in it; the answer has no refresh_token ---------------------
GOOGLE_PAGE = "https://developers.google.com/identity/protocols/oauth2/web-server#offline"
GOOGLE_SCOPE = (
    "https://www.googleapis.com/auth/drive.metadata.readonly https://www.googleapis.com/auth/calendar.readonly"
)
GOOGLE = {
    "source": GOOGLE_PAGE,
    "request": {
        "method": "POST",
        "path": "/token",
        "headers": FORM,
        "form": {
            "client_id": "your_client_id",
            "client_secret": "your_client_secret",
            "refresh_token": "refresh_token",
            "grant_type": "refresh_token",
        },
    },
    "response": {
        "body": {
            "access_token": "1/fFAGRNJru1FTz70BzhT3Zg",
            "expires_in": 3920,
            "scope": GOOGLE_SCOPE,
            "token_type": "Bearer",
        }
    },
    # No refresh_token comes back: the one sent stays ours.
    "expect": {
        "access_token": "1/fFAGRNJru1FTz70BzhT3Zg",
        "refresh_token": "refresh_token",
        "scope": GOOGLE_SCOPE,
        "lifetime": 3920,
    },
}


def test_google_refresh() -> None:
    verify("google", GOOGLE)


# ---- microsoft: tenant in the path, optional scope in the form ---------------------------------
MICROSOFT_PAGE = "https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow"
MICROSOFT = {
    "source": MICROSOFT_PAGE,
    # The page prints POST /{tenant}/...: the tenant is the settings contract's default, common.
    "settings": {"base_url": "{server}", "tenant": "common"},
    "request": {
        "method": "POST",
        "path": "/common/oauth2/v2.0/token",
        "headers": FORM,
        "form": {
            "client_id": "535fb089-9ff3-47b6-9bfb-4f1264799865",
            # The page prints the form-encoded wire text; this is the value it carries.
            "scope": "https://graph.microsoft.com/mail.read",
            "refresh_token": "OAAABAAAAiL9Kn2Z27UubvWFPbm0gLWQJVzCTE9UkP3pSx1aXxUjq...",
            "grant_type": "refresh_token",
            "client_secret": "sampleCredentia1s",
        },
    },
    "response": {
        "body": {
            "access_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsIng1dCI6Ik5HVEZ2ZEstZnl0aEV1Q...",
            "token_type": "Bearer",
            "expires_in": 3599,
            # Percent-encoded inside the JSON, exactly as the page prints it.
            "scope": "https%3A%2F%2Fgraph.microsoft.com%2Fmail.read",
            "refresh_token": "AwABAAAAvPM1KaPlrEqdFSBzjqfTGAMxZGUTdM0t4B4...",
            "id_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJhdWQiOiIyZDRkMTFhMi1mODE0LTQ2YTctOD...",
        }
    },
    "expect": {
        "access_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsIng1dCI6Ik5HVEZ2ZEstZnl0aEV1Q...",
        "refresh_token": "AwABAAAAvPM1KaPlrEqdFSBzjqfTGAMxZGUTdM0t4B4...",
        "scope": "https%3A%2F%2Fgraph.microsoft.com%2Fmail.read",
        "id_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJhdWQiOiIyZDRkMTFhMi1mODE0LTQ2YTctOD...",
        "lifetime": 3599,
    },
}
MICROSOFT_ERROR = {
    # The page prints no status for it; 400 is RFC 6749 section 5.2's.
    "status": 400,
    "body": {
        "error": "invalid_scope",
        "error_description": "AADSTS70011: The provided value for the input parameter 'scope' is not valid. "
        "The scope https://foo.microsoft.com/mail.read is not valid.\r\n"
        "Trace ID: 255d1aef-8c98-452f-ac51-23d051240864\r\n"
        "Correlation ID: fb3d2015-bc17-4bb9-bb85-30c5cf1aaaa7\r\nTimestamp: 2016-01-09 02:02:12Z",
        "error_codes": [70011],
        "timestamp": "2016-01-09 02:02:12Z",
        "trace_id": "255d1aef-8c98-452f-ac51-23d051240864",
        "correlation_id": "fb3d2015-bc17-4bb9-bb85-30c5cf1aaaa7",
    },
}


def test_microsoft_refresh() -> None:
    verify("microsoft", MICROSOFT)


def test_microsoft_invalid_scope_is_not_a_dead_token() -> None:
    # invalid_scope means "fix the scope parameter", not "authorize again".
    with pytest.raises(oauthkit.RefreshError, match=r"refused the requested scope.*invalid_scope") as info:
        verify("microsoft", {**MICROSOFT, "response": MICROSOFT_ERROR})
    assert not isinstance(info.value, oauthkit.InvalidGrant)


# ---- salesforce: no expires_in, instance_url kept on the token ---------------------------------
SALESFORCE_PAGE = (
    "https://developer.salesforce.com/docs/atlas.en-us.222.0.api_rest.meta/api/"
    "intro_understanding_refresh_token_oauth.htm"
)
SALESFORCE_ACCESS = (
    "00Dx0000000BV7z!AR8AQP0jITN80ESEsj5EbaZTFG0RNBaT1cyWk7TrqoDjoNIWQ2ME_sTZzBjfmOE6zMHq6y8PIW4eWze9JksNEkWUl.Cju7m4"
)
SALESFORCE = {
    "source": SALESFORCE_PAGE,
    "request": {
        "method": "POST",
        "path": "/services/oauth2/token",
        "form": {
            "grant_type": "refresh_token",
            # The page breaks this value over two lines; it is one value.
            "client_id": "3MVG9lKcPoNINVBIPJjdw1J9LLM82HnFVVX19KY1uA5mu0"
            "QqEWhqKpoW3svG3XHrXDiCQjK1mdgAvhCscA9GE",
            "client_secret": "1955279925675241571",
            "refresh_token": "your token here",
        },
    },
    # The answer block of the page, as quoted identically by several client libraries' tests and
    # comments (the corpus held the page's request block but not its answer block).
    "response": {
        "body": {
            "id": "https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P",
            "issued_at": "1278448384422",
            "instance_url": "https://yourInstance.salesforce.com/",
            "signature": "SSSbLO/gBhmmyNUvN18ODBDFYHzakxOMgqYtu+hDPsc=",
            "access_token": SALESFORCE_ACCESS,
            "token_type": "Bearer",
            "scope": "id api refresh_token",
        }
    },
    # No refresh_token (rotation off): ours stays; no expires_in: the assumed two hours.
    "expect": {
        "access_token": SALESFORCE_ACCESS,
        "refresh_token": "your token here",
        "scope": "id api refresh_token",
        "lifetime": 7200,
    },
}


def test_salesforce_refresh() -> None:
    token = verify("salesforce", SALESFORCE)
    assert token.extra["instance_url"] == "https://yourInstance.salesforce.com/"
    assert token.extra["issued_at"] == "1278448384422"
    assert "signature" not in token.extra


# ---- hubspot: the printed refresh request, answered by the printed error -----------------------
HUBSPOT_PAGE = "https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/guide"
HUBSPOT_REQUEST = {
    "method": "POST",
    "path": "/oauth/v1/token",
    "headers": FORM,
    "form": {
        "grant_type": "refresh_token",
        "refresh_token": "1e8fbfb1-8e96-4826-8b8d-c8af73715",
        "client_id": "7933b042-0952-4e7d-a327dab-3dc",
        "client_secret": "7a572d8a-69bf-44c6-9a34-416aad3ad5",
    },
}
HUBSPOT_ERROR = {
    "source": HUBSPOT_PAGE,
    "request": HUBSPOT_REQUEST,
    "response": {
        # The page prints no status; 400 is what integrators report (nango) and RFC 6749's.
        "status": 400,
        "body": {
            "error": "invalid_grant",
            "error_description": "refresh token is invalid, expired or revoked",
            "status": "BAD_REFRESH_TOKEN",
            "message": "refresh token is invalid, expired or revoked",
        },
    },
}


def test_hubspot_dead_refresh_token() -> None:
    with pytest.raises(oauthkit.InvalidGrant, match="invalid_grant"):
        verify("hubspot", HUBSPOT_ERROR)


# ---- slack: form body with the client credentials, the {"ok": ...} envelope ----------------------
# The rotation guide as it stood at api.slack.com (docs.slack.dev/authentication/using-token-rotation
# is its new home), read through a crawled copy (jaewilson07/AgentMafia,
# TEST/crawler_routes/crawl/api_slack_com/authentication_rotation.md, crawled 2025-03-27).
SLACK_PAGE = "https://api.slack.com/authentication/rotation"
SLACK = {
    "source": SLACK_PAGE,
    "request": {
        "method": "POST",
        "path": "/api/oauth.v2.access",
        "headers": FORM,
        "form": {
            "client_id": "60503450.61416",
            "client_secret": "8bc5fc53901afc11c",
            "grant_type": "refresh_token",
            "refresh_token": "xoxe-1-...",
        },
    },
    # The guide prints the refresh answer only as "...", "expires_in": 43200, "refresh_token":
    # "xoxe-1-...", "..." and says those are the fields "mentioned earlier": its oauth.v2.exchange
    # sample, which is this body. That sample carries // comments and a trailing comma, the
    # page's annotations, left out here.
    "response": {
        "body": {
            "ok": True,
            "access_token": "xoxe.xoxb-1-...",
            "expires_in": 43200,
            "refresh_token": "xoxe-1-...",
            "token_type": "bot",
            "scope": "commands,incoming-webhook",
            "bot_user_id": "U123456",
            "app_id": "A123456",
            "team": {"name": "Slack Softball Team", "id": "T123456"},
            "enterprise": {"name": "slack-sports", "id": "E12345678"},
        }
    },
    "expect": {
        "access_token": "xoxe.xoxb-1-...",
        "refresh_token": "xoxe-1-...",
        "scope": "commands,incoming-webhook",
        "lifetime": 43200,
    },
}


def test_slack_refresh() -> None:
    token = verify("slack", SLACK)
    # "bot" is the kind of Slack token, kept aside; the token itself is sent as Bearer
    assert token.extra["token_type"] == "bot"
    assert token.extra["team.id"] == "T123456"
    assert token.extra["enterprise.id"] == "E12345678"


def test_slack_error_envelope_is_an_error() -> None:
    # tooling.tokens.rotate's printed answer to a bad refresh token (https://api.slack.com/methods/
    # tooling.tokens.rotate): another method, but the same {"ok": false, "error": ...} envelope,
    # in an HTTP 200 answer; oauth.v2.access's own error table was not read.
    bad = {"status": 200, "body": {"ok": False, "error": "invalid_refresh_token"}}
    with pytest.raises(oauthkit.InvalidGrant, match="invalid_refresh_token"):
        verify("slack", {**SLACK, "response": bad, "expect": {}})


# ---- dropbox: Basic for apps with a secret, client_id alone for PKCE apps ----------------------
DROPBOX_PAGE = "https://www.dropbox.com/developers/documentation/http/documentation#oauth2-token"
DROPBOX_ACCESS = (
    "sl.u.AbX9y6Fe3AuH5o66-gmJpR032jwAwQPIVVzWXZNkdzcYT02akC2de219dZi6gxYPVnYPrpvISRSf9lxKWJzYLjtMPH"
    "-d9fo_0gXex7X37VIvpty4-G8f4-WX45AcEPfRnJJDwzv-"
)
DROPBOX_ANSWER = {"body": {"access_token": DROPBOX_ACCESS, "expires_in": 14400, "token_type": "bearer"}}
# No refresh_token in the answer: ours stays.
DROPBOX_EXPECT = {"access_token": DROPBOX_ACCESS, "refresh_token": "<REFRESH_TOKEN>", "lifetime": 14400}
DROPBOX = {
    "source": DROPBOX_PAGE,
    "request": {
        "method": "POST",
        "path": "/oauth2/token",
        "basic": ["<APP_KEY>", "<APP_SECRET>"],  # curl -u <APP_KEY>:<APP_SECRET>
        "form": {"grant_type": "refresh_token", "refresh_token": "<REFRESH_TOKEN>"},
    },
    "response": DROPBOX_ANSWER,
    "expect": DROPBOX_EXPECT,
}
DROPBOX_PKCE = {
    "source": DROPBOX_PAGE,
    "settings": {"auth_method": "none"},
    "request": {
        "method": "POST",
        "path": "/oauth2/token",
        "form": {"grant_type": "refresh_token", "refresh_token": "<REFRESH_TOKEN>", "client_id": "<APP_KEY>"},
    },
    "response": DROPBOX_ANSWER,
    "expect": DROPBOX_EXPECT,
}


@pytest.mark.parametrize("example", [DROPBOX, DROPBOX_PKCE], ids=["secret", "pkce"])
def test_dropbox_refresh(example: dict) -> None:
    verify("dropbox", example)


# ---- box: single-use refresh tokens ------------------------------------------------------------
BOX_PAGE = "https://developer.box.com/guides/authentication/tokens/refresh"
BOX_TOKEN = "c3FIOG9vSGV4VHo4QzAyg5T1JvNnJoZ3ExaVNyQWw6WjRsanRKZG5lQk9qUE1BVQ"
BOX = {
    "source": BOX_PAGE,
    "request": {
        "method": "POST",
        "path": "/oauth2/token",
        "headers": FORM,
        "form": {
            "client_id": "[CLIENT_ID]",
            "client_secret": "[CLIENT_SECRET]",
            "refresh_token": "[REFRESH_TOKEN]",
            "grant_type": "refresh_token",
        },
    },
    # The access-tokens guide's OAuth 2.0 token object: it says an OAuth 2.0 token request (its
    # curl elides the body as '...') returns this pair, which is what the refresh page says too.
    "response": {
        "body": {
            "access_token": BOX_TOKEN,
            "expires_in": 3600,
            "token_type": "bearer",
            "refresh_token": BOX_TOKEN,
            "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
        }
    },
    "expect": {"access_token": BOX_TOKEN, "refresh_token": BOX_TOKEN, "lifetime": 3600},
}


def test_box_refresh() -> None:
    verify("box", BOX)


GROUP = ("google", "microsoft", "github", "salesforce", "hubspot", "slack", "dropbox", "box", "zoom", "xero")


def test_providers_without_an_example_say_why_and_where() -> None:
    assert set(NO_REFRESH_EXAMPLE) <= set(GROUP)
    for name, why in NO_REFRESH_EXAMPLE.items():
        assert "https://" in why, name
        assert oauthkit.get_adapter(name).name == name
