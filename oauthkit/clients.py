"""The three Authlib clients a connection hands out (requests ``OAuth2Session``, httpx
``OAuth2Client`` and ``AsyncOAuth2Client``), sharing one mixin.

Each is the user's ordinary auto-refreshing Authlib client, except that it never refreshes on
its own: ``ensure_active_token`` delegates to the connection (one single-flight refresh for
every client), the refresh request is the dialect's (``session.Bridge`` hooks), its answer is
read with caps and a deadline (``transport.py``), it never follows a redirect, and a 401 on an
idempotent call refreshes once and retries once.
"""

from __future__ import annotations

import warnings
from typing import Any

import requests
from authlib.integrations.requests_client import OAuth2Session as _RequestsSession

from . import transport
from .framing import RequestsClientAuth, httpx_auth_classes
from .response import Answer
from .session import SENDING, Bridge, TokenSource

_UNSET: Any = object()  # `auth` not passed: the client's own token auth applies


def _bearer(header: str | None) -> str | None:
    if header and header[:7].lower() == "bearer ":
        return header[7:]
    return None


class LinkedClient:
    """Mixin for an Authlib OAuth2 client: remember the connection; refresh through it, never on
    our own. ``_oauthkit_no_auth`` is what the base class takes for "no ``auth`` given"."""

    _oauthkit_source: TokenSource
    _oauthkit_bridge: Bridge
    _oauthkit_version: int = -1
    _oauthkit_no_auth: Any = None

    def __init__(self, source: TokenSource, bridge: Bridge, leeway: float, **kwargs: Any) -> None:
        super().__init__(**bridge.client_kwargs(leeway), **kwargs)
        self._oauthkit_guard()
        self._oauthkit_source = source
        self._oauthkit_bridge = bridge
        bridge.configure(self)

    def oauthkit_adopt(self, token: dict[str, Any], version: int) -> None:
        """Take the connection's token (record ``version``) unless this client already holds it."""
        if self._oauthkit_version != version:
            self.token = token
            self._oauthkit_version = version

    def oauthkit_holds(self, version: int) -> bool:
        return self._oauthkit_version == version

    def _oauthkit_guard(self) -> None:
        """Fit the client's transport with the per-attempt deadline (none for async httpx)."""

    def _oauthkit_content(self, body: Any) -> Any:
        # The body is the dialect's final bytes: sent as they are, only with a method that has one.
        return body if self._oauthkit_bridge.adapter.request.method == "POST" and body else None

    def ensure_active_token(self, token: Any = None) -> Any:
        self._oauthkit_source.client_ready(self)
        return True

    def refresh_token(self, url: Any = None, refresh_token: Any = None, **kwargs: Any) -> Any:
        # The refresh token this call sends, for the request hook (Authlib's own rule for None).
        SENDING.set(refresh_token or (getattr(self, "token", None) or {}).get("refresh_token"))
        return super().refresh_token(url, refresh_token=refresh_token, **kwargs)  # type: ignore[misc]

    def _oauthkit_retry(self, resp: Any, method: str, withhold_token: bool, auth: Any) -> bool:
        """A 401 for a token we believed valid (revoked, clock skew): refresh once, retry once."""
        return (
            resp.status_code == 401
            and not withhold_token
            and auth is self._oauthkit_no_auth
            and self._oauthkit_source.retries_after_401(method)
        )

    def request(
        self, method: str, url: Any, withhold_token: bool = False, auth: Any = _UNSET, **kwargs: Any
    ) -> Any:
        auth = self._oauthkit_no_auth if auth is _UNSET else auth
        send = super().request  # type: ignore[misc]
        resp = send(method, url, withhold_token=withhold_token, auth=auth, **kwargs)
        if not self._oauthkit_retry(resp, method, withhold_token, auth):
            return resp
        self._oauthkit_source.client_unauthorized(self, _bearer(resp.request.headers.get("Authorization")))
        resp.close()
        return send(method, url, withhold_token=withhold_token, auth=auth, **kwargs)


class OAuth2Session(LinkedClient, _RequestsSession):  # type: ignore[misc]
    """Authlib's requests ``OAuth2Session`` that refreshes through an oauthkit connection."""

    client_auth_class = RequestsClientAuth

    def _oauthkit_guard(self) -> None:
        transport.mount(self)

    # Private Authlib method: the only place that sends the refresh request (Authlib only POSTs).
    def _http_post(
        self, url: str, body: Any = None, auth: Any = None, headers: Any = None, **kwargs: Any
    ) -> Answer:
        # The adapter's method, and a streamed answer read up to a limit.
        method = self._oauthkit_bridge.adapter.request.method
        data = self._oauthkit_content(body)
        kwargs.pop("allow_redirects", None)  # never: the secrets would follow a redirect
        seconds = transport.deadline_seconds(kwargs.get("timeout"))
        send = _RequestsSession.request

        def sent(timeout: Any) -> requests.Response:
            if seconds is not None:  # connect and each read within what is left of the deadline
                kwargs["timeout"] = timeout
            resp: requests.Response = send(
                self,
                method,
                url,
                data=data,
                headers=headers,
                auth=auth,
                withhold_token=True,
                stream=True,
                allow_redirects=False,
                **kwargs,
            )
            return resp

        return transport.fetch_requests(sent, seconds)


def _httpx_classes() -> tuple[type[Any], type[Any], Any]:
    # Authlib 1.9 warns that it prefers the httpx2 package; plain httpx works the same for us.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuth2Client
        from authlib.integrations.httpx_client.oauth2_client import USE_CLIENT_DEFAULT
    return OAuth2Client, AsyncOAuth2Client, USE_CLIENT_DEFAULT


_CLASSES: dict[str, type[Any]] = {}


def httpx_client_class() -> type[Any]:
    if "sync" not in _CLASSES:
        base, _, use_default = _httpx_classes()

        class OAuth2Client(LinkedClient, base):  # type: ignore[misc, valid-type]
            """Authlib's httpx ``OAuth2Client`` that refreshes through an oauthkit connection."""

            client_auth_class, token_auth_class = httpx_auth_classes()
            _oauthkit_no_auth = use_default

            def _oauthkit_guard(self) -> None:
                transport.guard_httpx(self)

            # Private Authlib method: the only place that sends the refresh request (Authlib only POSTs).
            def _http_post(
                self, url: str, body: Any = None, auth: Any = None, headers: Any = None, **kwargs: Any
            ) -> Answer:
                method = self._oauthkit_bridge.adapter.request.method
                content = self._oauthkit_content(body)
                kwargs.pop("follow_redirects", None)  # never: the secrets would follow a redirect
                request = self.build_request(method, url, content=content, headers=headers, **kwargs)
                return transport.fetch_httpx(
                    lambda: self.send(request, auth=auth, stream=True, follow_redirects=False),
                    transport.deadline_seconds(kwargs.get("timeout")),
                )

        _CLASSES["sync"] = OAuth2Client
    return _CLASSES["sync"]


def async_httpx_client_class() -> type[Any]:
    if "async" not in _CLASSES:
        _, base, use_default = _httpx_classes()

        class AsyncOAuth2Client(LinkedClient, base):  # type: ignore[misc, valid-type]
            """Authlib's httpx ``AsyncOAuth2Client`` that refreshes through an oauthkit connection."""

            client_auth_class, token_auth_class = httpx_auth_classes()
            _oauthkit_no_auth = use_default

            async def ensure_active_token(self, token: Any = None) -> None:
                await self._oauthkit_source.aclient_ready(self)

            async def refresh_token(self, url: Any = None, refresh_token: Any = None, **kwargs: Any) -> Any:
                SENDING.set(refresh_token or (self.token or {}).get("refresh_token"))
                return await base.refresh_token(self, url, refresh_token=refresh_token, **kwargs)

            # Private Authlib method: its async refresh hard-codes POST and reads the whole body;
            # the rest mirrors it line for line.
            async def _refresh_token(
                self,
                url: str,
                refresh_token: str | None = None,
                body: str = "",
                headers: Any = None,
                auth: Any = None,
                **kwargs: Any,
            ) -> Any:
                method = self._oauthkit_bridge.adapter.request.method
                content = self._oauthkit_content(body)
                kwargs.pop("follow_redirects", None)  # never: the secrets would follow a redirect
                request = self.build_request(method, url, content=content, headers=headers, **kwargs)
                resp: Any = await transport.fetch_async_httpx(
                    lambda: self.send(request, auth=auth, stream=True, follow_redirects=False),
                    transport.deadline_seconds(kwargs.get("timeout")),
                )
                for hook in self.compliance_hook["refresh_token_response"]:
                    resp = hook(resp)
                token = self.parse_response_token(resp)
                if "refresh_token" not in token:
                    self.token["refresh_token"] = refresh_token
                return self.token

            async def request(
                self, method: str, url: Any, withhold_token: bool = False, auth: Any = _UNSET, **kwargs: Any
            ) -> Any:
                auth = use_default if auth is _UNSET else auth
                resp = await base.request(
                    self, method, url, withhold_token=withhold_token, auth=auth, **kwargs
                )
                if not self._oauthkit_retry(resp, method, withhold_token, auth):
                    return resp
                sent = _bearer(resp.request.headers.get("Authorization"))
                await resp.aclose()
                await self._oauthkit_source.aclient_unauthorized(self, sent)
                return await base.request(
                    self, method, url, withhold_token=withhold_token, auth=auth, **kwargs
                )

        _CLASSES["async"] = AsyncOAuth2Client
    return _CLASSES["async"]


__all__ = ["LinkedClient", "OAuth2Session", "async_httpx_client_class", "httpx_client_class"]
