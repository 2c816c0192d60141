"""Request bodies framed as a careful client frames them: GET and HEAD carry no body and no
framing header at all, anything else with a body carries ``Content-Length``.

Authlib's auth classes rebuild each request after signing it, and both rebuilds frame an empty
body badly: requests then sends ``Transfer-Encoding: chunked`` and a lone ``0`` chunk, httpx a
``Content-Length: 0``, on a GET. A keep-alive server that expects no body on a GET reads the
chunk terminator as the next request, and the next call on that connection fails. The
classes here are Authlib's own, with the rebuilt request framed again.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from authlib.integrations.requests_client.oauth2_session import OAuth2ClientAuth as _RequestsClientAuth

BODILESS = frozenset({"GET", "HEAD"})
_FRAMING = ("Content-Length", "Transfer-Encoding")


def frame_prepared(req: Any) -> Any:
    """A ``requests.PreparedRequest`` after signing: an empty body is no body (requests then
    frames a POST with ``Content-Length: 0`` itself), and GET/HEAD lose any framing header."""
    if not req.body:
        req.body = None
    if req.method in BODILESS:
        req.body = None
        for name in _FRAMING:
            req.headers.pop(name, None)
    return req


class RequestsClientAuth(_RequestsClientAuth):  # type: ignore[misc]
    """Authlib's client authentication for requests, its request framed again."""

    def __call__(self, req: Any) -> Any:
        return frame_prepared(super().__call__(req))


def _reframed(initial: Any, url: str, headers: Any, body: Any) -> Any:
    import httpx

    content = body or b""
    if initial.method in BODILESS:
        content = b""
    for name in _FRAMING:
        headers.pop(name, None)
    # httpx frames it: Content-Length for a body, "0" for an empty POST, nothing for a GET.
    request = httpx.Request(initial.method, url, headers=headers, content=content)
    request.extensions = initial.extensions
    return request


_HTTPX_CLASSES: dict[str, type[Any]] = {}


def httpx_auth_classes() -> tuple[type[Any], type[Any]]:
    """(client auth, token auth): Authlib's httpx auth classes, their requests framed again."""
    if not _HTTPX_CLASSES:
        import warnings

        with warnings.catch_warnings():  # Authlib prefers the httpx2 package; httpx works the same
            warnings.simplefilter("ignore")
            from authlib.integrations.httpx_client.oauth2_client import OAuth2Auth, OAuth2ClientAuth

        class HttpxClientAuth(OAuth2ClientAuth):  # type: ignore[misc]
            def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
                url, headers, body = self.prepare(
                    request.method, str(request.url), request.headers, request.content
                )
                yield _reframed(request, url, headers, body)

        class HttpxTokenAuth(OAuth2Auth):  # type: ignore[misc]
            def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
                from authlib.integrations.base_client import UnsupportedTokenTypeError

                try:
                    url, headers, body = self.prepare(str(request.url), request.headers, request.content)
                except KeyError as error:  # as Authlib's own auth_flow reports it
                    raise UnsupportedTokenTypeError(description=f"Unsupported token_type: {error}") from error
                yield _reframed(request, url, headers, body)

        _HTTPX_CLASSES["client"] = HttpxClientAuth
        _HTTPX_CLASSES["token"] = HttpxTokenAuth
    return _HTTPX_CLASSES["client"], _HTTPX_CLASSES["token"]


__all__ = ["BODILESS", "RequestsClientAuth", "frame_prepared", "httpx_auth_classes"]
