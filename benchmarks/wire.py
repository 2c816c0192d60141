"""The baselines' token requests: byte for byte what oauthkit sent, with another refresh token.

A baseline is only fair if it sends the identical request. Rather than re-deriving each
provider's dialect by hand, the benchmarks capture oauthkit's own first refresh on the client
side (method, URL, headers, body as they went on the wire), turn the refresh token in it into a
placeholder, and replay that template with the baseline's own token chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

PLACEHOLDER = "{{refresh_token}}"
# Headers the HTTP library computes per request; everything else is replayed verbatim.
COMPUTED = frozenset({"content-length", "host"})
# Where each provider's answer carries the rotated refresh token (None: it never rotates).
ROTATED_TOKEN = {
    "parqex": "refresh_token",
    "ellipsis_drive": "refresh_token",
    "auth0": "refresh_token",
    "edgetag": None,
    "xerial": "refresh.token",
}
ACCESS_TOKEN = {"xerial": "access.token"}


@dataclass(frozen=True)
class Template:
    """A token request with its refresh token replaced by `PLACEHOLDER`."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @classmethod
    def capture(cls, method: str, url: str, headers: Any, body: Any, refresh_token: str) -> Template:
        raw = body.encode() if isinstance(body, str) else bytes(body or b"")
        if refresh_token not in url and refresh_token.encode() not in raw:
            raise ValueError("the captured request does not carry the refresh token it was given")
        return cls(
            method=method,
            url=url.replace(refresh_token, PLACEHOLDER),
            headers=tuple((k, v) for k, v in headers.items() if k.lower() not in COMPUTED),
            body=raw.replace(refresh_token.encode(), PLACEHOLDER.encode()),
        )

    def render(self, refresh_token: str) -> tuple[str, str, dict[str, str], bytes]:
        return (
            self.method,
            self.url.replace(PLACEHOLDER, refresh_token),
            dict(self.headers),
            self.body.replace(PLACEHOLDER.encode(), refresh_token.encode()),
        )


def _path(payload: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        payload = payload[part]
    return payload


def tokens_from(provider: str, answer: Any, previous: str) -> tuple[str, str]:
    """(access token, next refresh token) from a provider's JSON answer: what any hand-made
    client has to read, so the baselines pay for it too."""
    access = _path(answer, ACCESS_TOKEN.get(provider, "access_token"))
    rotated = ROTATED_TOKEN[provider]
    return str(access), str(_path(answer, rotated)) if rotated else previous


class Capture:
    """A requests/httpx hook that keeps the last request it saw."""

    def __init__(self) -> None:
        self.last: Any = None

    def requests_hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
        self.last = response.request
        return response

    async def httpx_hook(self, request: Any) -> None:
        self.last = request


def capture_requests(session: requests.Session) -> Capture:
    capture = Capture()
    session.hooks["response"].append(capture.requests_hook)
    return capture


def release(session: requests.Session, capture: Capture) -> None:
    session.hooks["response"].remove(capture.requests_hook)


def same_request(a: Template, b: Template) -> bool:
    """Both requests equal once their refresh tokens are masked (header names compared
    case-insensitively, as HTTP does)."""

    def norm(t: Template) -> tuple[str, str, frozenset[tuple[str, str]], bytes]:
        return t.method, t.url, frozenset((k.lower(), v) for k, v in t.headers), t.body

    return norm(a) == norm(b)


class BareRefresher:
    """The hand-made alternative: replay the template with `requests`, keep the rotated chain."""

    def __init__(self, provider: str, template: Template, refresh_token: str, session: requests.Session):
        self.provider = provider
        self.template = template
        self.refresh_token = refresh_token
        self.session = session
        self.access_token = ""

    def refresh(self) -> str:
        method, url, headers, body = self.template.render(self.refresh_token)
        response = self.session.request(method, url, headers=headers, data=body or None)
        response.raise_for_status()
        self.access_token, self.refresh_token = tokens_from(
            self.provider, response.json(), self.refresh_token
        )
        return self.access_token
