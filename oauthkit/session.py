"""The bridge: Authlib OAuth2 clients whose refresh speaks an adapter's dialect.

Authlib always POSTs a form on refresh and trusts any JSON object as a token. Each gap is
closed with one of Authlib's own extension points, identically for requests and httpx:

- ``refresh_token_request`` hook: renames the parameters (``refreshToken``), drops or keeps
  ``grant_type``, adds the optional and fixed parameters, and moves them into the query string
  when the adapter says so;
- a custom client-auth method: HTTP Basic, credentials among the parameters, or nothing, then
  the final encoding (form or JSON body) — it runs last, so it sees the final parameters;
- ``refresh_token_response`` hook: reads the answer through ``response.read_token`` and hands
  Authlib a flat, validated token, or raises the typed error;
- subclassing: the HTTP method (GET for query-string providers) and ``ensure_active_token``,
  which delegates to the connection so every client shares one single-flight refresh.
"""

from __future__ import annotations

import base64
import contextvars
import json
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode

import requests
from authlib.common.urls import add_params_to_uri
from authlib.integrations.requests_client import OAuth2Session as _RequestsSession

from . import redact as _redact_logs
from . import transport
from .adapter import Adapter, RequestSpec, client_auth_kind
from .errors import (
    ConfigError,
    DeadlineExceeded,
    MalformedResponse,
    OAuthKitError,
    TransportError,
    shorten,
)
from .framing import RequestsClientAuth, httpx_auth_classes
from .response import Answer, Context, read_token
from .token import Token

# Re-exported: these readers lived here before transport.py.
from .transport import answer_from_async_httpx as answer_from_async_httpx
from .transport import answer_from_httpx as answer_from_httpx
from .transport import answer_from_requests as answer_from_requests
from .urls import endpoint_url, template_values

TOKEN_KEY = "oauthkit_token"
# Authlib refuses a request when the client holds no token; a connection seeded with only a
# refresh token starts with this one, already expired, so the first call refreshes.
PLACEHOLDER = {"access_token": "", "token_type": "Bearer", "expires_at": 0}


class TokenSource(Protocol):
    """What a client needs from its connection (implemented by ``Connection``)."""

    def _sync_client(self, client: Any) -> None: ...
    async def _async_sync_client(self, client: Any) -> None: ...
    def _retry_after_401(self, method: str) -> bool: ...
    def _unauthorized(self, client: Any, failed_access_token: str | None) -> None: ...
    async def _async_unauthorized(self, client: Any, failed_access_token: str | None) -> None: ...


@dataclass
class _InFlight:
    sent_at: float
    refresh_token: str | None


_IN_FLIGHT: contextvars.ContextVar[_InFlight | None] = contextvars.ContextVar(
    "oauthkit_in_flight", default=None
)


class Bridge:
    """One connection's adapter + settings, wired into any Authlib OAuth2 client."""

    def __init__(
        self,
        adapter: Adapter,
        settings: Mapping[str, str | None],
        connection: str,
        redact: Callable[[str], str],
        *,
        insecure_ok: bool = False,
    ) -> None:
        self.adapter = adapter
        self.settings = dict(settings)
        self.connection = connection
        self.redact = redact
        self.insecure_ok = insecure_ok
        self.token_url = self.url(adapter.request.url, "token URL")
        self.auth = self.auth_kind(adapter.request)
        self._secret_url_warned = threading.Event()
        _redact_logs.install()

    def url(self, template: str, what: str) -> str:
        """One of this connection's endpoints, checked (the plain-http rule included)."""
        return endpoint_url(
            self.adapter, self.connection, self.settings, template, what, insecure_ok=self.insecure_ok
        )

    def auth_kind(self, spec: RequestSpec) -> str:
        """basic | body | public | none for a request: fixed by the adapter, or named by a setting."""
        setting = spec.client_auth_setting
        if setting is None:
            return spec.client_auth
        value = self.settings.get(setting) or ""
        kind = client_auth_kind(value)
        env = self.adapter.env_name(setting, self.connection)
        if kind is None:
            raise ConfigError(
                f"unknown client auth method {value!r}",
                adapter=self.adapter.name,
                connection=self.connection,
                hint=f"set {env} to client_secret_basic, client_secret_post or none",
            )
        if kind == "basic" and not self.settings.get("client_secret"):
            raise ConfigError(
                f"client auth {value!r} needs a client secret",
                adapter=self.adapter.name,
                connection=self.connection,
                hint=f"set {self.adapter.env_name('client_secret', self.connection)}, "
                f"or {env}=none for a public client",
            )
        return kind

    def template_values(self) -> dict[str, str]:
        return template_values(self.settings)

    def encode(
        self, spec: RequestSpec, auth: str, uri: str, headers: Any, params: list[tuple[str, str]]
    ) -> tuple[str, Any, bytes]:
        """The last step of every token request (refresh, code exchange, login): the client's
        credentials as ``auth`` says, then ``params`` where ``spec.encoding`` puts them."""
        client_id = self.settings.get("client_id") or ""
        secret = self.settings.get("client_secret")
        params = list(params)
        if auth == "basic":
            # UTF-8: RFC 7617's charset; latin-1 would crash on a secret outside it.
            raw = f"{client_id}:{secret or ''}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(raw).decode("ascii")
        elif auth in ("body", "public"):  # public: RFC 8414 "none", the client_id alone
            params.append((spec.wire("client_id"), client_id))
            if secret and auth == "body":
                params.append((spec.wire("client_secret"), secret))
        headers.pop("Content-Type", None)
        headers.pop("Content-Length", None)
        if spec.encoding == "query":
            return add_params_to_uri(uri, params), headers, b""
        if spec.encoding == "json":
            data = json.dumps(dict(params)).encode("utf-8")
            headers["Content-Type"] = "application/json"
        else:
            data = urlencode(params).encode("ascii")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Content-Length"] = str(len(data))
        return uri, headers, data

    # ---- Authlib hooks ----------------------------------------------------------------------
    def request_hook(self, url: str, headers: Any, body: str) -> tuple[str, dict[str, str], str]:
        spec = self.adapter.request
        # parse_qsl, not Authlib's url_decode, whose validating regex showed in the refresh
        # profile (benchmarks/refresh.py). The body is Authlib's own urlencoded output.
        sent = dict(parse_qsl(body, keep_blank_values=True))
        refresh = sent.get("refresh_token")
        params: list[tuple[str, str]] = []
        if spec.grant_type is not None:
            params.append((spec.wire("grant_type"), spec.grant_type))
        if refresh is not None:
            params.append((spec.wire("refresh_token"), refresh))
        for name in spec.optional:
            value = self.settings.get(name)
            if value:
                params.append((spec.wire(name), str(value)))
        values = self.template_values()
        params.extend((key, tmpl.format_map(values)) for key, tmpl in spec.extra.items())

        new_headers = {"Accept": "application/json"}
        if spec.encoding == "query":
            url, body = add_params_to_uri(url, params), ""
        else:
            body = urlencode(params)
            new_headers["Content-Type"] = "application/x-www-form-urlencoded"
        _IN_FLIGHT.set(_InFlight(sent_at=time.time(), refresh_token=refresh))
        return url, new_headers, body

    def client_auth(
        self, _auth: Any, method: str, uri: str, headers: Any, body: Any
    ) -> tuple[str, Any, bytes]:
        # request_hook already put the parameters in the URL (query) or the form body.
        text = body.decode("utf-8") if isinstance(body, bytes) else (body or "")
        params = parse_qsl(text, keep_blank_values=True)
        return self.encode(self.adapter.request, self.auth, uri, headers, params)

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


def _bearer(header: str | None) -> str | None:
    if header and header[:7].lower() == "bearer ":
        return header[7:]
    return None


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


# ---- the clients --------------------------------------------------------------------------
class _Linked:
    """Mixin: remember the connection; refresh through it, never on our own."""

    _oauthkit_source: TokenSource
    _oauthkit_bridge: Bridge
    _oauthkit_version: int = -1

    def _link(self, source: TokenSource, bridge: Bridge) -> None:
        self._oauthkit_source = source
        self._oauthkit_bridge = bridge
        bridge.configure(self)


class OAuth2Session(_Linked, _RequestsSession):  # type: ignore[misc]
    """Authlib's requests ``OAuth2Session`` that refreshes through an oauthkit connection."""

    client_auth_class = RequestsClientAuth

    def __init__(self, source: TokenSource, bridge: Bridge, leeway: float, **kwargs: Any) -> None:
        super().__init__(**bridge.client_kwargs(leeway), **kwargs)
        transport.mount(self)
        self._link(source, bridge)

    def ensure_active_token(self, token: Any = None) -> bool:
        self._oauthkit_source._sync_client(self)
        return True

    def _http_post(
        self, url: str, body: Any = None, auth: Any = None, headers: Any = None, **kwargs: Any
    ) -> Answer:
        # The adapter's method (Authlib only POSTs), and a streamed answer read up to a limit.
        method = self._oauthkit_bridge.adapter.request.method
        # The body is already urlencoded (request_hook): hand it to requests as it is rather
        # than decoding it into a dict for requests to encode again.
        data = body if method == "POST" and body else None
        kwargs.pop("allow_redirects", None)  # never: the secrets would follow a redirect
        seconds = transport.deadline_seconds(kwargs.get("timeout"))
        send = super().request

        def sent(timeout: Any) -> requests.Response:
            if seconds is not None:  # connect and each read within what is left of the deadline
                kwargs["timeout"] = timeout
            resp: requests.Response = send(
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

    def request(
        self, method: str, url: str, withhold_token: bool = False, auth: Any = None, **kwargs: Any
    ) -> requests.Response:
        resp: requests.Response = super().request(
            method, url, withhold_token=withhold_token, auth=auth, **kwargs
        )
        if resp.status_code != 401 or withhold_token or auth is not None:
            return resp
        if not self._oauthkit_source._retry_after_401(method):
            return resp
        # The API refused a token we believed valid (revoked, clock skew): refresh once, retry once.
        self._oauthkit_source._unauthorized(self, _bearer(resp.request.headers.get("Authorization")))
        resp.close()
        retried: requests.Response = super().request(
            method, url, withhold_token=withhold_token, auth=auth, **kwargs
        )
        return retried


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

        class OAuth2Client(_Linked, base):  # type: ignore[misc, valid-type]
            """Authlib's httpx ``OAuth2Client`` that refreshes through an oauthkit connection."""

            client_auth_class, token_auth_class = httpx_auth_classes()

            def __init__(self, source: TokenSource, bridge: Bridge, leeway: float, **kwargs: Any) -> None:
                super().__init__(**bridge.client_kwargs(leeway), **kwargs)
                transport.guard_httpx(self)
                self._link(source, bridge)

            def ensure_active_token(self, token: Any = None) -> bool:
                self._oauthkit_source._sync_client(self)
                return True

            def _http_post(
                self, url: str, body: Any = None, auth: Any = None, headers: Any = None, **kwargs: Any
            ) -> Answer:
                method = self._oauthkit_bridge.adapter.request.method
                content = body if method == "POST" and body else None
                kwargs.pop("follow_redirects", None)  # never: the secrets would follow a redirect
                request = self.build_request(method, url, content=content, headers=headers, **kwargs)
                return transport.fetch_httpx(
                    lambda: self.send(request, auth=auth, stream=True, follow_redirects=False),
                    transport.deadline_seconds(kwargs.get("timeout")),
                )

            def request(
                self,
                method: str,
                url: Any,
                withhold_token: bool = False,
                auth: Any = use_default,
                **kwargs: Any,
            ) -> Any:
                resp = super().request(method, url, withhold_token=withhold_token, auth=auth, **kwargs)
                if resp.status_code != 401 or withhold_token or auth is not use_default:
                    return resp
                if not self._oauthkit_source._retry_after_401(method):
                    return resp
                self._oauthkit_source._unauthorized(self, _bearer(resp.request.headers.get("Authorization")))
                resp.close()
                return super().request(method, url, withhold_token=withhold_token, auth=auth, **kwargs)

        _CLASSES["sync"] = OAuth2Client
    return _CLASSES["sync"]


def async_httpx_client_class() -> type[Any]:
    if "async" not in _CLASSES:
        _, base, use_default = _httpx_classes()

        class AsyncOAuth2Client(_Linked, base):  # type: ignore[misc, valid-type]
            """Authlib's httpx ``AsyncOAuth2Client`` that refreshes through an oauthkit connection."""

            client_auth_class, token_auth_class = httpx_auth_classes()

            def __init__(self, source: TokenSource, bridge: Bridge, leeway: float, **kwargs: Any) -> None:
                super().__init__(**bridge.client_kwargs(leeway), **kwargs)
                self._link(source, bridge)

            async def ensure_active_token(self, token: Any = None) -> None:
                await self._oauthkit_source._async_sync_client(self)

            async def _refresh_token(
                self,
                url: str,
                refresh_token: str | None = None,
                body: str = "",
                headers: Any = None,
                auth: Any = None,
                **kwargs: Any,
            ) -> Any:
                # Authlib's async refresh hard-codes POST and reads the whole body; the rest
                # mirrors it line for line.
                method = self._oauthkit_bridge.adapter.request.method
                content = body if method == "POST" and body else None
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
                self,
                method: str,
                url: Any,
                withhold_token: bool = False,
                auth: Any = use_default,
                **kwargs: Any,
            ) -> Any:
                resp = await super().request(method, url, withhold_token=withhold_token, auth=auth, **kwargs)
                if resp.status_code != 401 or withhold_token or auth is not use_default:
                    return resp
                if not self._oauthkit_source._retry_after_401(method):
                    return resp
                sent = _bearer(resp.request.headers.get("Authorization"))
                await resp.aclose()
                await self._oauthkit_source._async_unauthorized(self, sent)
                return await super().request(method, url, withhold_token=withhold_token, auth=auth, **kwargs)

        _CLASSES["async"] = AsyncOAuth2Client
    return _CLASSES["async"]


def transport_exceptions() -> tuple[type[BaseException], ...]:
    """Network failures of the HTTP libraries, imported only when already loaded."""
    import sys

    excs: list[type[BaseException]] = [requests.RequestException, transport.Overdue]
    httpx_mod = sys.modules.get("httpx")
    if httpx_mod is not None:
        excs.append(httpx_mod.TransportError)
    return tuple(excs)
