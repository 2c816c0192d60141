"""The host the https/loopback rule checks is the host the HTTP library connects to.

``urlsplit``, urllib3 and httpx read some URLs differently (``http://a\\@b/`` is b to urlsplit
and a to urllib3), so any URL outside the plain form is refused, from a setting or from a
discovery document, with a ConfigError naming what to fix and never quoting the URL (it may
carry a password).
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from servers.strict_server import MiniProvider, Reply, Seen, StrictServer
from urllib3.util import parse_url

import oauthkit
from oauthkit.urls import ambiguity, url_problem

pytestmark = pytest.mark.timeout(60)

REFUSED = [
    "http://192.0.2.1\\@127.0.0.1/t",  # urllib3 connects to 192.0.2.1
    "http://user:hunter2@127.0.0.1/t",  # userinfo
    "http://@127.0.0.1/t",
    "http://127.0.0.1:/t",  # an empty port
    "http://127.0.0.1:8o/t",  # a port that is not a number
    "http://127.0.0.1:99999/t",
    "http://127.0.0.1:80:80/t",
    "http://127.1/t",  # inet_aton's short forms: 127.0.0.1 to the socket, not to the rule
    "http://0x7f.0.0.1/t",
    "http://2130706433/t",
    "http://0177.0.0.1/t",
    "http://127.0.0.%31/t",  # percent-encoding in the host
    "http://[::1%25lo]/t",  # an IPv6 zone
    "http://[::zz]/t",
    "http://127.0.0.1\t/t",  # urlsplit drops tabs and newlines silently
    "http://127.0.0.1/t\n",
    "http://127.0.0.1/t x",
    "http://127.0.0.1\x00.evil.example/t",
    "https://bücher.example/t",  # IDNA left to the user: the xn-- form is unambiguous
    "https://a..b/t",
    "https://-a.example/t",
    "http://127.0.0.1/t#frag",
    "http:///t",
]
ACCEPTED = [
    "https://api.example.com/oauth/token",
    "https://api.example.com:8443/v1/token?api-version=2",
    "http://127.0.0.1:8080/token",
    "http://localhost/token",
    "http://[::1]:8080/token",
    "https://1.2.3.4/token",
    "https://login_service.example.com/token",
]


def _oauth2(token_url: str, **extra: Any) -> oauthkit.Connection:
    return oauthkit.connect(
        "oauth2",
        store=f"memory://{uuid.uuid4().hex}",
        token_url=token_url,
        client_id="c",
        client_secret="s",
        refresh_token="r",
        **extra,
    )


@pytest.mark.parametrize("url", REFUSED)
def test_a_url_the_libraries_could_read_differently_is_refused(url: str) -> None:
    with pytest.raises(oauthkit.ConfigError) as caught:
        _oauth2(url, allow_insecure_http=True)  # refused even when plain http is allowed
    text = str(caught.value)
    assert "OAUTH2_TOKEN_URL" in text and "token URL" in text
    assert "hunter2" not in text and url not in text


@pytest.mark.parametrize("url", ACCEPTED)
def test_plain_urls_still_work(url: str) -> None:
    _oauth2(url).close()


def test_the_host_connected_to_is_the_host_checked() -> None:
    """A real server on 127.0.0.2 that urllib3 would reach through a URL naming 127.0.0.1."""
    elsewhere = StrictServer(MiniProvider(), host="127.0.0.2")
    try:
        url = f"http://127.0.0.2:{elsewhere.port}\\@127.0.0.1:{elsewhere.port}/token"
        assert urlsplit(url).hostname == "127.0.0.1" and parse_url(url).host == "127.0.0.2"
        with pytest.raises(oauthkit.ConfigError, match="backslash"):
            _oauth2(url).refresh()
        assert elsewhere.all == []
    finally:
        elsewhere.close()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("token_endpoint", "http://192.0.2.1\\@127.0.0.1/token"),
        ("token_endpoint", "http://attacker:pw@127.0.0.1/token"),
        ("token_endpoint", "http://evil.example/token"),  # plain http to another machine
        ("token_endpoint", "ftp://127.0.0.1/token"),
        ("authorization_endpoint", "http://127.1/authorize"),
    ],
)
def test_a_discovery_documents_endpoints_follow_the_same_rule(key: str, value: str) -> None:
    origin: list[str] = []

    def answer(_seen: Seen) -> Reply:
        doc = {"issuer": origin[0], "token_endpoint": origin[0] + "/token"}
        return Reply.json(200, {**doc, key: value})

    server = StrictServer(answer)
    origin.append(server.origin)
    try:
        with pytest.raises(oauthkit.ConfigError) as caught:
            oauthkit.connect(
                "oidc",
                store=f"memory://{uuid.uuid4().hex}",
                issuer=server.origin,
                client_id="c",
                client_secret="s",
                refresh_token="r",
            )
    finally:
        server.close()
    text = str(caught.value)
    assert f"document's {key}" in text and f"OIDC_{key.upper()}" in text
    assert "pw@" not in text


_PIECES = st.sampled_from(
    [
        "a",
        "b.example",
        "127.0.0.1",
        "1",
        ":",
        "@",
        "\\",
        "/",
        "?",
        "#",
        "%2e",
        "[",
        "]",
        "::1",
        " ",
        "\t",
        "x:y",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(["http://", "https://"]), st.lists(_PIECES, max_size=8))
@example("http://", ["127.0.0.1", "\\", "@", "b.example"])
@example("http://", ["a", "@", "127.0.0.1"])
def test_whatever_is_accepted_every_parser_reads_alike(scheme: str, pieces: list[str]) -> None:
    url = scheme + "".join(pieces)
    if ambiguity(url) is not None:
        return
    split = urlsplit(url)
    ours = ((split.hostname or "").lower(), split.port)
    seen = parse_url(url)
    assert ((seen.host or "").strip("[]").lower(), seen.port) == ours
    other = httpx.URL(url)
    assert (other.host.lower(), other.port) == ours
    if ours[0]:
        assert url_problem(url, insecure_ok=True) is None
