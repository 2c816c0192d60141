"""The bridge: the Authlib hooks through which a client's refresh speaks the adapter's dialect.

Authlib always POSTs a form on refresh and trusts any JSON object as a token. Each gap is
closed with one of Authlib's own extension points, identically for requests and httpx:

- ``refresh_token_request`` hook: replaces Authlib's request with the one ``dialect.py`` builds
  (wire names, ``grant_type``, optional and fixed parameters, client credentials, encoding);
- a custom client-auth method that passes that request through unchanged (the dialect already
  authenticated the client; Authlib's auth class only frames it again, ``framing.py``);
- ``refresh_token_response`` hook: reads the answer through ``response.read_token`` and hands
  Authlib a flat, validated token, or raises the typed error.

The client classes themselves (the HTTP method, the single-flight ``ensure_active_token``) are
in ``clients.py``.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import requests

from . import redact as _redact_logs
from . import transport
from .adapter import Adapter, RequestSpec
from .dialect import Dialect
from .errors import (
    DeadlineExceeded,
    MalformedResponse,
    OAuthKitError,
    TransportError,
    shorten,
)
from .response import Answer, Context, read_token
from .token import Token

# Re-exported: these readers lived here before transport.py.
from .transport import answer_from_async_httpx as answer_from_async_httpx
from .transport import answer_from_httpx as answer_from_httpx
from .transport import answer_from_requests as answer_from_requests

TOKEN_KEY = "oauthkit_token"
# Authlib refuses a request when the client holds no token; a connection seeded with only a
# refresh token starts with this one, already expired, so the first call refreshes.
PLACEHOLDER = {"access_token": "", "token_type": "Bearer", "expires_at": 0}


class TokenSource(Protocol):
    """What a client needs from its connection (implemented by ``Connection``): a fresh token
    before each call, and one refresh after a 401 for a token it believed valid."""

    def client_ready(self, client: Any) -> None: ...
    async def aclient_ready(self, client: Any) -> None: ...
    def retries_after_401(self, method: str) -> bool: ...
    def client_unauthorized(self, client: Any, failed_access_token: str | None) -> None: ...
    async def aclient_unauthorized(self, client: Any, failed_access_token: str | None) -> None: ...


@dataclass
class _InFlight:
    sent_at: float
    refresh_token: str | None


# The refresh token a client's refresh_token() was called with, for the request hook to send.
SENDING: contextvars.ContextVar[str | None] = contextvars.ContextVar("oauthkit_sending", default=None)
_IN_FLIGHT: contextvars.ContextVar[_InFlight | None] = contextvars.ContextVar(
    "oauthkit_in_flight", default=None
)


class Bridge:
    """One connection's dialect wired into any Authlib OAuth2 client: the refresh hooks."""

    def __init__(
        self,
        adapter: Adapter,
        settings: Mapping[str, str | None],
        connection: str,
        redact: Callable[[str], str],
        *,
        insecure_ok: bool = False,
    ) -> None:
        self.dialect = Dialect(adapter, settings, connection, insecure_ok=insecure_ok)
        self.adapter = adapter
        self.settings = self.dialect.settings
        self.connection = connection
        self.redact = redact
        self.insecure_ok = insecure_ok
        self.token_url = self.dialect.url(adapter.request.url, "token URL")
        self.auth = self.dialect.auth_kind(adapter.request)
        self._secret_url_warned = threading.Event()
        _redact_logs.install()

    def url(self, template: str, what: str) -> str:
        return self.dialect.url(template, what)

    def auth_kind(self, spec: RequestSpec) -> str:
        return self.dialect.auth_kind(spec)

    def template_values(self) -> dict[str, str]:
        return self.dialect.template_values()

    # ---- Authlib hooks ----------------------------------------------------------------------
    def request_hook(self, url: str, headers: Any, body: str) -> tuple[str, dict[str, str], bytes]:
        # Authlib's own form body is ignored: the dialect builds the whole request (credentials
        # and encoding included) from the refresh token the client's refresh_token() was given.
        refresh = SENDING.get()
        wire = self.dialect.refresh(url, self.auth, refresh)
        _IN_FLIGHT.set(_InFlight(sent_at=time.time(), refresh_token=refresh))
        return wire.url, wire.headers, wire.body

    @staticmethod
    def client_auth(_auth: Any, method: str, uri: str, headers: Any, body: Any) -> tuple[str, Any, Any]:
        # The dialect already authenticated the client (request_hook); Authlib's auth class only
        # frames the request again (framing.py).
        return uri, headers, body

    def response_hook(self, answer: Answer) -> _TokenAnswer:
        """Authlib hands us what our ``_http_post`` returned: an Answer, its body already capped."""
        flight = _IN_FLIGHT.get() or _InFlight(time.time(), None)
        ctx = Context(
            adapter=self.adapter,
            connection=self.connection,
            sent_at=flight.sent_at,
            previous_refresh_token=flight.refresh_token,
            redact=self.redact,
        )
        return _TokenAnswer(read_token(answer, ctx))

    def configure(self, client: Any) -> None:
        client.register_compliance_hook("refresh_token_request", self.request_hook)
        client.register_compliance_hook("refresh_token_response", self.response_hook)

    def client_kwargs(self, leeway: float) -> dict[str, Any]:
        # The client secret stays in the bridge: Authlib never holds a copy to leak.
        return {
            "client_id": self.settings.get("client_id"),
            "token_endpoint_auth_method": self.client_auth,
            "token_endpoint": self.token_url,
            "token": dict(PLACEHOLDER),
            "leeway": leeway,
        }

    def warn_secret_in_url(self, warn: Callable[[str], None]) -> None:
        if self.adapter.sends_secret_in_url and not self._secret_url_warned.is_set():
            self._secret_url_warned.set()
            warn(
                f"adapter {self.adapter.name!r} sends its refresh token"
                + (" and client secret" if self.adapter.request.client_auth == "body" else "")
                + " in the URL query string, as the provider documents; such URLs can end up in "
                "proxy and server logs"
            )


IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


class _TokenAnswer:
    """What Authlib's ``parse_response_token`` reads after our response hook: a flat token."""

    status_code = 200

    def __init__(self, token: Token) -> None:
        self.token = token

    def json(self) -> dict[str, Any]:
        data = self.token.to_authlib()
        data[TOKEN_KEY] = self.token
        return data

    def raise_for_status(self) -> None:
        return None


def token_from_result(result: Mapping[str, Any]) -> Token:
    token = result.get(TOKEN_KEY)
    if not isinstance(token, Token):  # only if someone bypassed the hooks
        raise MalformedResponse("refresh returned no validated token")
    return token


def transport_error(exc: BaseException, bridge: Bridge) -> OAuthKitError:
    if isinstance(exc, transport.Overdue):
        return DeadlineExceeded(
            f"the token endpoint sent no complete answer within {exc.seconds:g} s",
            adapter=bridge.adapter.name,
            connection=bridge.connection,
            hint="the provider is slow or stalled; try again later, or pass a larger timeout= to connect()",
        )
    full = f"{type(exc).__name__}: {bridge.redact(str(exc))}"
    return TransportError(
        "could not reach the token endpoint",
        adapter=bridge.adapter.name,
        connection=bridge.connection,
        detail=shorten(full, 200),
        provider_text=full,
        hint="check the network and the base_url setting",
    )


def transport_exceptions() -> tuple[type[BaseException], ...]:
    """Network failures of the HTTP libraries, imported only when already loaded."""
    import sys

    excs: list[type[BaseException]] = [requests.RequestException, transport.Overdue]
    httpx_mod = sys.modules.get("httpx")
    if httpx_mod is not None:
        excs.append(httpx_mod.TransportError)
    return tuple(excs)
