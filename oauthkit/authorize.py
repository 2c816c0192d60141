"""First tokens from a notebook: the authorization code grant with state and PKCE, or a login.

``conn.authorize()`` and ``conn.login()`` land here; the adapter's ``authorize`` or ``login``
section (``adapter.py``) says how the provider does it.

1. ``start``: a fresh ``state`` and PKCE verifier (RFC 7636), and the authorization URL, built by
   Authlib's ``create_authorization_url`` from the adapter's endpoint, scope and extra parameters.
2. The redirect comes back to a one-shot server on 127.0.0.1 (RFC 8252 section 7.3), or the
   user pastes the address the browser ended on (a remote notebook cannot be reached by it).
3. ``complete``: the state is checked before anything else, an error answer becomes an
   ``AuthorizationError``, and the code is exchanged through Authlib's ``fetch_token``, mapped
   onto the adapter as ``session.py`` maps refresh: a client-auth method that renames, places and
   encodes the parameters (the only hook that sees them last), and an ``access_token_response``
   hook that reads the answer through ``response.read_token``.
4. The tokens are stored, and the refresh log records the event (trigger ``authorize`` or
   ``login``); a refusal by the provider is logged as an error row, nothing else is written.

Codes, verifiers and passwords are secrets: they never reach a message, a log line or the store.
"""

from __future__ import annotations

import dataclasses
import html
import logging
import secrets
import socket
import sys
import threading
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import requests
from authlib.integrations.requests_client import OAuth2Session

from . import transport
from .adapter import AuthorizeSpec, LoginSpec, RequestSpec, TokenRequest
from .discovery import issuer_of
from .errors import (
    AuthorizationError,
    ConfigError,
    InvalidGrant,
    MalformedResponse,
    OAuthKitError,
    ProviderError,
    RateLimited,
    RefreshError,
    frames_of,
    shorten,
)
from .framing import RequestsClientAuth
from .redact import redact_params
from .response import Context, read_token
from .session import _TokenAnswer, token_from_result, transport_exceptions
from .store import Record
from .token import Token, fingerprint
from .transport import answer_from_requests
from .urls import is_loopback

if TYPE_CHECKING:
    from .connection import Connection

log = logging.getLogger("oauthkit")

CALLBACK_PATH = "/callback"
# listen=False without a redirect_uri: a loopback URI with no port (RFC 8252 section 7.3 style).
# Nothing listens; the browser's error page still shows the address to paste.
PASTE_REDIRECT = "http://127.0.0.1/callback"
# What the user fixes with the arguments of authorize(), not with params=.
_RESERVED = frozenset(
    {
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "code_challenge",
        "code_challenge_method",
    }
)
# Nothing was consumed by these failures: the pending request stays for a corrected paste.
_KEEPS_PENDING = frozenset({"state_mismatch", "no_code"})
_DETAIL_CHARS = 200


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class AuthorizationRequest:
    """One authorization in progress: the link to open and what checks the answer.

    Its repr and HTML show the link (it carries ``state`` and the PKCE *challenge*, both meant
    for the browser); the verifier is a secret and never shown.
    """

    url: str
    redirect_uri: str
    state: str
    code_verifier: str | None
    adapter: str
    connection: str
    title: str
    created_at: float

    def __repr__(self) -> str:
        return f"AuthorizationRequest({self.adapter}/{self.connection}: open {self.url})"

    def _repr_html_(self) -> str:
        url = html.escape(self.url, quote=True)
        return (
            "<div class='oauthkit-authorize'>"
            f"Authorize <b>{html.escape(self.title)}</b> for <code>{html.escape(self.adapter)}/"
            f"{html.escape(self.connection)}</code>: "
            f"<a href='{url}' target='_blank' rel='noopener noreferrer'>open the authorization page</a>"
            f"<br><small>It sends you back to <code>{html.escape(self.redirect_uri)}</code>. If that "
            "page does not load (a remote notebook), copy its address and run "
            '<code>conn.authorize("&lt;that address&gt;")</code>.</small></div>'
        )


# One pending authorization per connection object; a new one replaces the old (whose state then
# no longer matches). In memory only: the verifier must not outlive the kernel.
_PENDING: weakref.WeakKeyDictionary[Connection, AuthorizationRequest] = weakref.WeakKeyDictionary()
_PENDING_GUARD = threading.Lock()


# ---- the entry points --------------------------------------------------------------------------
def authorize(
    conn: Connection,
    redirected_url: str | None = None,
    *,
    redirect_uri: str | None = None,
    scope: str | None = None,
    params: Mapping[str, str] | None = None,
    listen: bool = True,
    open_browser: bool | Callable[[str], object] = False,
    timeout: float = 300.0,
) -> Token | AuthorizationRequest:
    """``conn.authorize(...)``.

    - ``redirected_url``: finish the pending authorization with the address the browser ended on.
    - ``redirect_uri``: where the provider sends the browser back (it must be registered with the
      provider); default ``http://127.0.0.1:<free port>/callback``, or ``http://127.0.0.1/callback``
      with ``listen=False``. With ``listen`` it must be a loopback ``http`` URI, whose port (0: any
      free one) and path the one-shot server takes.
    - ``scope``: replaces the adapter's default scope; ``params``: more authorization URL
      parameters (e.g. an ``audience``).
    - ``listen=False``: return the ``AuthorizationRequest`` (its link) at once, for paste-back.
    - ``open_browser``: True opens the link with ``webbrowser``; a callable is called with it.
    - ``timeout``: seconds to wait for the redirect; the request stays pending afterwards.
    """
    if redirected_url is not None:
        return complete_pending(conn, redirected_url)
    _authorize_spec(conn)  # before listening: an adapter without one says what to do instead
    if not listen:
        return start(conn, redirect_uri or PASTE_REDIRECT, scope=scope, params=params)
    host, port, path = _listen_address(conn, redirect_uri)
    with _Loopback(conn, host, port, path) as server:
        request = start(conn, server.redirect_uri_for(redirect_uri), scope=scope, params=params)
        server.expected_state = request.state
        _announce(request, timeout)
        if open_browser is True:
            import webbrowser

            webbrowser.open(request.url)
        elif callable(open_browser):
            open_browser(request.url)
        received = server.wait(timeout)
    if received is None:
        raise AuthorizationError(
            f"no redirect arrived at {request.redirect_uri} within {timeout:.0f} s",
            reason="timeout",
            adapter=conn.adapter.name,
            connection=conn.name,
            hint="the request is still pending: paste the address the browser ended on into "
            'conn.authorize("...")',
        )
    return complete_pending(conn, received)


def start(
    conn: Connection,
    redirect_uri: str,
    *,
    scope: str | None = None,
    params: Mapping[str, str] | None = None,
) -> AuthorizationRequest:
    """A new pending authorization for ``conn``: fresh state and verifier, the URL to open."""
    spec = _authorize_spec(conn)
    extra = dict(params or {})
    clash = sorted(_RESERVED & set(extra))
    if clash:
        raise ConfigError(
            f"params may not set {', '.join(clash)}",
            adapter=conn.adapter.name,
            connection=conn.name,
            hint="pass scope= and redirect_uri= to authorize(); state and PKCE are oauthkit's",
        )
    values = conn._bridge.template_values()
    extra = {**{key: tmpl.format_map(values) for key, tmpl in spec.extra.items()}, **extra}
    endpoint = conn._bridge.url(spec.url, "authorization URL")
    state = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64) if spec.pkce else None  # 86 characters (43 to 128)
    if spec.pkce == "plain":  # Authlib only derives S256 challenges; plain sends the verifier
        extra.update(code_challenge=str(verifier), code_challenge_method="plain")
    with OAuth2Session(
        client_id=conn._bridge.settings.get("client_id"),
        redirect_uri=redirect_uri,
        scope=scope if scope is not None else spec.scope,
        code_challenge_method="S256" if spec.pkce == "S256" else None,
    ) as client:
        url, _ = client.create_authorization_url(endpoint, state=state, code_verifier=verifier, **extra)
    request = AuthorizationRequest(
        url=str(url),
        redirect_uri=redirect_uri,
        state=state,
        code_verifier=verifier,
        adapter=conn.adapter.name,
        connection=conn.name,
        title=conn.adapter.title,
        created_at=time.time(),
    )
    with _PENDING_GUARD:
        _PENDING[conn] = request
    return request


def complete_pending(conn: Connection, redirected_url: str) -> Token:
    """Finish the connection's pending authorization with the address the browser ended on."""
    # Taken out under the lock, so two completions at once cannot both spend the code (a second
    # use makes the provider revoke what the first bought, RFC 6749 section 4.1.2).
    with _PENDING_GUARD:
        request = _PENDING.pop(conn, None)
    if request is None:
        raise AuthorizationError(
            "no authorization is in progress on this connection",
            reason="no_pending",
            adapter=conn.adapter.name,
            connection=conn.name,
            hint="run conn.authorize() (or conn.authorize(listen=False)) first, on this connection object",
        )
    try:
        return complete(conn, request, redirected_url)
    except AuthorizationError as exc:
        if exc.reason in _KEEPS_PENDING:  # not an answer to it: the request still stands
            with _PENDING_GUARD:
                _PENDING.setdefault(conn, request)
        raise


def complete(conn: Connection, request: AuthorizationRequest, redirected_url: str) -> Token:
    """Check the redirect against ``request`` and exchange its code (no pending bookkeeping: a
    code is single-use, so calling this twice with one answer asks the provider twice)."""
    answer = _answer_params(redirected_url)
    fail = _failer(conn)
    if not answer:
        raise fail(
            "no_code",
            "the URL carries no authorization answer (no code, state or error)",
            hint="paste the whole address the browser ended on, including ?code=...&state=...",
        )
    state = answer.get("state")
    # The state is checked first: an answer to someone else's request is never acted on. An error
    # without state is still reported (it cannot do harm), a code without it never exchanged.
    if (state is None and "error" not in answer) or (
        state is not None and not secrets.compare_digest(state.encode(), request.state.encode())
    ):
        raise fail(
            "state_mismatch",
            "the redirect's state does not match this connection's request",
            hint="it answers another (older) authorization; open the latest link and paste its answer",
        )
    _check_issuer(conn, answer.get("iss"), fail)
    if "error" in answer:
        error = answer["error"]
        detail = ", ".join(shorten(v, _DETAIL_CHARS) for v in (error, answer.get("error_description")) if v)
        denied = error == "access_denied"
        raise fail(
            "access_denied" if denied else "refused",
            "access was denied at the provider" if denied else "the provider refused the request",
            detail=detail,
            hint="nothing was stored; run conn.authorize() again to retry",
        )
    code = answer.get("code")
    if not code:
        raise fail("no_code", "the URL carries no code", hint="paste the whole address the browser ended on")
    exchange = _authorize_spec(conn).exchange
    dialect = _Dialect(conn, exchange.request, [code, request.code_verifier])

    def send() -> Token:
        ctx = dialect.context(exchange, time.time())
        guard = transport.deadline_for_requests(transport.deadline_seconds(conn.timeout))
        with (
            _ExchangeSession(
                client_id=conn._bridge.settings.get("client_id"),
                token_endpoint_auth_method=dialect.client_auth,
                redirect_uri=request.redirect_uri,
            ) as client,
            guard as deadline,
        ):
            client.register_compliance_hook(
                "access_token_response",
                lambda resp: _TokenAnswer(read_token(answer_from_requests(resp, deadline), ctx)),
            )
            result = client.fetch_token(
                dialect.url,
                method=exchange.request.method,
                grant_type=exchange.request.grant_type or "authorization_code",
                code=code,
                code_verifier=request.code_verifier,
                headers={"Accept": "application/json"},
                stream=True,
                timeout=guard.timeouts(conn.timeout),
                allow_redirects=False,  # never: the code and the client secret would follow
            )
        return token_from_result(result)

    return _obtain(conn, "authorize", send, dialect.redact)


def _check_issuer(conn: Connection, iss: str | None, fail: Callable[..., AuthorizationError]) -> None:
    """RFC 9207: an answer (a code or an error) from another issuer than the one this request was
    sent to is a mix-up, refused before its code is used. Only discovery adapters know their
    issuer; for the others an ``iss`` cannot be checked and is ignored."""
    bridge = conn._bridge
    issuer = issuer_of(conn.adapter, conn.name, bridge.settings, insecure_ok=bridge.insecure_ok)
    if issuer is None:
        return
    expected = issuer.accepted[0]
    if iss is None:
        if issuer.required:
            raise fail(
                "issuer_mismatch",
                f"the authorization response carries no iss, but {expected} says it always sends one "
                "(RFC 9207)",
                hint="nothing was stored and the code was not used; run conn.authorize() again, and "
                "paste the whole address the browser ended on",
            )
        return
    if iss not in issuer.accepted:  # simple string comparison, RFC 9207 section 2.4
        shown = "".join(c if c.isprintable() else "?" for c in iss[:_DETAIL_CHARS])
        raise fail(
            "issuer_mismatch",
            f"the authorization response comes from issuer {shown!r}, not {expected!r} (RFC 9207)",
            hint="nothing was stored and the code was not used: it may be a mix-up attack; run "
            "conn.authorize() again",
        )


def login(conn: Connection, credentials: Mapping[str, str]) -> Token:
    """``conn.login(**credentials)``: the adapter's login request, its tokens stored."""
    spec = _login_spec(conn)
    unknown = sorted(set(credentials) - set(spec.credentials))
    missing = [name for name in spec.credentials if not credentials.get(name)]
    if unknown or missing:
        problem = f"unknown {', '.join(unknown)}" if unknown else f"missing {', '.join(missing)}"
        raise ConfigError(
            f"login takes {', '.join(spec.credentials)} ({problem})",
            adapter=conn.adapter.name,
            connection=conn.name,
            hint=f"conn.login({', '.join(name + '=...' for name in spec.credentials)})",
        )
    request = spec.exchange.request
    dialect = _Dialect(conn, request, list(credentials.values()))
    sent = [(name, str(credentials[name])) for name in spec.credentials]
    if request.grant_type is not None:
        sent.insert(0, ("grant_type", request.grant_type))

    def send() -> Token:
        ctx = dialect.context(spec.exchange, time.time())
        uri, headers, body = dialect.finish(request.method, dialect.url, {"Accept": "application/json"}, sent)
        with requests.Session() as http:
            transport.mount(http)
            answer = transport.fetch_requests(
                lambda limit: http.request(
                    request.method,
                    uri,
                    data=body or None,
                    headers=headers,
                    stream=True,
                    timeout=limit if limit is not None else conn.timeout,
                    allow_redirects=False,  # never: the password would follow
                ),
                transport.deadline_seconds(conn.timeout),
            )
        return read_token(answer, ctx)

    return _obtain(conn, "login", send, dialect.redact)


# ---- the token request in the adapter's dialect ---------------------------------------------------
class _ExchangeSession(OAuth2Session):  # type: ignore[misc]
    """Authlib's requests session for one code exchange: a GET carries no body framing, and a
    deadline can reach its socket."""

    client_auth_class = RequestsClientAuth

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        transport.mount(self)


class _Dialect:
    """One first-token request of one connection: its URL, client auth, wire names and encoding,
    and the secrets (code, verifier, credentials) to keep out of every message."""

    def __init__(self, conn: Connection, spec: RequestSpec, secrets_: Sequence[str | None]) -> None:
        self.conn = conn
        self.spec = spec
        self.settings = conn._bridge.settings
        self.auth = conn._bridge.auth_kind(spec)
        self.url = conn._bridge.url(spec.url, "token request URL")
        self._secrets = [s for s in secrets_ if s]

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, f"<{fingerprint(secret)}>")
        # Also by parameter name: a library's message may quote the request URL.
        return redact_params(self.conn._redact(text))

    def context(self, request: TokenRequest, sent_at: float) -> Context:
        # The answer is read like a refresh answer, with this request's fields and errors; a refresh
        # token is taken when present, and there is no previous one to keep.
        adapter = dataclasses.replace(
            self.conn.adapter,
            response=request.response,
            errors=request.errors,
            rotation="if_present",
            response_hook=None,
        )
        return Context(adapter, self.conn.name, sent_at, None, self.redact)

    def client_auth(
        self, _auth: Any, method: str, uri: str, headers: Any, body: Any
    ) -> tuple[str, Any, bytes]:
        """Authlib's custom client-auth method: it runs last, so it sees every parameter."""
        if body:
            text = body.decode("utf-8") if isinstance(body, bytes) else str(body)
            sent = parse_qsl(text, keep_blank_values=True)
        else:  # a GET: Authlib put the parameters in the query string
            parts = urlsplit(uri)
            sent = parse_qsl(parts.query, keep_blank_values=True)
            uri = urlunsplit(parts._replace(query=""))
        return self.finish(method, uri, headers, sent)

    def finish(
        self, method: str, uri: str, headers: Any, sent: Sequence[tuple[str, str]]
    ) -> tuple[str, Any, bytes]:
        spec = self.spec
        params = [
            (spec.wire(name), value)
            for name, value in sent
            if not (name == "grant_type" and spec.grant_type is None)
        ]
        values = self.conn._bridge.template_values()
        params.extend((key, tmpl.format_map(values)) for key, tmpl in spec.extra.items())
        return self.conn._bridge.encode(spec, self.auth, uri, headers, params)


# ---- storing, logging, errors --------------------------------------------------------------------
def _obtain(conn: Connection, trigger: str, send: Callable[[], Token], redact: Callable[[str], str]) -> Token:
    """Send the token request once (a code is single-use: never retried), then store the tokens."""
    t0 = time.monotonic()
    try:
        token = send()
    except Exception as exc:  # every failure becomes a typed, logged AuthorizationError ...
        failure: BaseException | None = exc
    else:
        failure = None
    if failure is not None:  # ... raised out here, so no library exception is its __context__
        error = _as_authorization_error(conn, trigger, failure, redact)
        text = str(error)  # built from redacted parts: redacting it again would re-fingerprint
        event = conn._event(
            trigger, "error", 1, t0, http_status=error.status, error=type(error).__name__, detail=text
        )
        conn.store.append([event])
        log.warning("%s %s failed: %s", conn.key, trigger, text)
        conn._notify(event)
        if not isinstance(failure, (OAuthKitError, *transport_exceptions())):
            log.debug("%s: unexpected %s at\n%s", conn.key, type(failure).__name__, frames_of(failure))
        raise error
    if token.refresh_token is None:
        log.warning(
            "%s: the provider issued no refresh token; this access token cannot be refreshed "
            "(many providers issue one only for the offline_access scope)",
            conn.key,
        )
    return _store(conn, token, trigger, t0)


def _store(conn: Connection, token: Token, trigger: str, t0: float) -> Token:
    event = conn._event(
        trigger,
        "ok",
        1,
        t0,
        http_status=200,
        expires_at=token.expires_at.timestamp() if token.expires_at else None,
        lifetime_s=token.lifetime,
        rotated=False,
        refresh_expires_at=token.refresh_expires_at.timestamp() if token.refresh_expires_at else None,
        access_fp=token.fingerprint,
    )
    with conn.store.lock(conn.key):
        stored = conn.store.load(conn.key)
        record = Record(
            token=token,
            refresh_token=token.refresh_token,
            # The configured seed's fingerprint stays: that same (older) seed on a later run must
            # not replace these tokens; only a different seed does (DESIGN.md).
            seed_fp=conn._record.seed_fp,
            version=max(conn._record.version, stored.version if stored else 0) + 1,
        )
        # Unconditional: the user authorized again, whatever was stored is replaced.
        conn.store.save(conn.key, record, [event])
        conn._remember(record)
        conn._record = record
    log.info(
        "%s %s: access %s, lifetime %s s",
        conn.key,
        trigger,
        token.fingerprint,
        None if token.lifetime is None else round(token.lifetime),
    )
    conn._notify(event)
    return token


def _as_authorization_error(
    conn: Connection, trigger: str, exc: BaseException, redact: Callable[[str], str]
) -> AuthorizationError:
    if isinstance(exc, AuthorizationError):
        return exc
    status = exc.status if isinstance(exc, OAuthKitError) else None
    detail = exc.detail if isinstance(exc, OAuthKitError) else None
    again = "conn.login(...)" if trigger == "login" else "conn.authorize()"
    endpoint = "the login endpoint" if trigger == "login" else "the token endpoint"
    reason, message, hint = (
        "refused",
        f"the provider refused the {trigger} request",
        (
            "check the client id and secret, the redirect URI and the adapter's "
            + ("login" if trigger == "login" else "authorize")
            + " section"
        ),
    )
    if isinstance(exc, InvalidGrant) and trigger == "login":
        reason, message, hint = (
            "invalid_credentials",
            "the provider refused the login",
            ("check the credentials and call conn.login(...) again"),
        )
    elif isinstance(exc, InvalidGrant):
        reason, message, hint = (
            "invalid_grant",
            (
                "the provider refused the authorization code: it expired, was already used, or was "
                "issued for another client or redirect URI"
            ),
            "run conn.authorize() again and let it exchange the new code at once",
        )
    elif isinstance(exc, RateLimited):
        wait = f" after {exc.retry_after:.0f} s" if exc.retry_after is not None else " later"
        reason, message, hint = "rate_limited", "the provider is rate limiting", f"call {again} again{wait}"
    elif isinstance(exc, ProviderError):
        reason, message, hint = "provider_error", "the provider failed", f"try {again} again later"
    elif isinstance(exc, MalformedResponse):
        reason, message, hint = (
            "malformed",
            "the provider's answer is not a usable token",
            ("check the adapter's response fields; nothing was stored"),
        )
    elif isinstance(exc, RefreshError) and exc.status is not None and 300 <= exc.status < 400:
        reason, message, hint = (
            "redirected",
            exc.message.replace("the token endpoint", endpoint, 1),
            "if that is really the provider's endpoint, set the URL setting to it; nothing was sent "
            "there and nothing was stored",
        )
    elif isinstance(exc, transport.Overdue):
        reason, message, detail = (
            "transport",
            f"{endpoint} sent no complete answer within {exc.seconds:g} s",
            None,
        )
        hint = f"the provider is slow or stalled; call {again} later, or connect() with a larger timeout="
    elif isinstance(exc, transport_exceptions()):
        reason, message = "transport", "could not reach the token endpoint"
        detail, hint = (
            f"{type(exc).__name__}: {shorten(redact(str(exc)), _DETAIL_CHARS)}",
            "check the network and base_url",
        )
    elif not isinstance(exc, RefreshError):
        message, detail = f"the {trigger} failed unexpectedly", type(exc).__name__
        hint = "this is a bug in oauthkit or the adapter; nothing was stored"
    return AuthorizationError(
        message,
        reason=reason,
        adapter=conn.adapter.name,
        connection=conn.name,
        status=status,
        detail=detail,
        hint=hint,
    )


def _failer(conn: Connection) -> Callable[..., AuthorizationError]:
    def fail(reason: str, message: str, *, hint: str, detail: str | None = None) -> AuthorizationError:
        return AuthorizationError(
            message, reason=reason, adapter=conn.adapter.name, connection=conn.name, detail=detail, hint=hint
        )

    return fail


# ---- settings ---------------------------------------------------------------------------------


def _authorize_spec(conn: Connection) -> AuthorizeSpec:
    if conn.adapter.authorize is None:
        raise ConfigError(
            "this adapter declares no authorization step",
            adapter=conn.adapter.name,
            connection=conn.name,
            hint="use conn.login(...)" if conn.adapter.login is not None else _by_hand(conn),
        )
    return conn.adapter.authorize


def _login_spec(conn: Connection) -> LoginSpec:
    if conn.adapter.login is None:
        raise ConfigError(
            "this adapter declares no login",
            adapter=conn.adapter.name,
            connection=conn.name,
            hint="use conn.authorize()" if conn.adapter.authorize is not None else _by_hand(conn),
        )
    return conn.adapter.login


def _by_hand(conn: Connection) -> str:
    return f"obtain a refresh token by hand and set {conn.adapter.env_name('refresh_token', conn.name)}"


def _answer_params(redirected_url: str) -> dict[str, str]:
    """The answer's parameters; a bare query string ("code=...&state=...") is accepted too."""
    text = redirected_url.strip()
    query = urlsplit(text).query if "://" in text else text.lstrip("?")
    return {key: value for key, value in parse_qsl(query, keep_blank_values=True)}


# ---- the one-shot loopback server -------------------------------------------------------------
def _default_redirect(port: int) -> str:
    return f"http://127.0.0.1:{port}{CALLBACK_PATH}"


def _listen_address(conn: Connection, redirect_uri: str | None) -> tuple[str, int, str]:
    if redirect_uri is None:
        return "127.0.0.1", 0, CALLBACK_PATH
    parts = urlsplit(redirect_uri)
    if parts.scheme != "http" or not is_loopback(parts.hostname):
        raise ConfigError(
            f"cannot receive a redirect to {redirect_uri!r} here (only http on 127.0.0.1, ::1 or localhost)",
            adapter=conn.adapter.name,
            connection=conn.name,
            hint="use conn.authorize(redirect_uri=..., listen=False), then paste the address the browser "
            'ended on into conn.authorize("...")',
        )
    host = "::1" if parts.hostname == "::1" else "127.0.0.1"  # "localhost" is served on 127.0.0.1
    return host, parts.port or 80, parts.path or "/"


class _Loopback(ThreadingHTTPServer):
    """Receives one redirect on a loopback address, on a background thread, then is closed."""

    daemon_threads = True

    def __init__(self, conn: Connection, host: str, port: int, path: str) -> None:
        self.callback_path = path
        self.expected_state: str | None = None  # only the answer to this request is kept
        self.received: str | None = None
        self.arrived = threading.Event()
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        try:
            super().__init__((host, port), _Callback)
        except OSError as exc:
            raise ConfigError(
                f"cannot listen on {host} port {port} for the redirect ({exc.strerror})",
                adapter=conn.adapter.name,
                connection=conn.name,
                hint="pass another redirect_uri (and register it), or use listen=False",
            ) from None
        shown = f"[{host}]" if ":" in host else host
        self.port = int(self.server_address[1])
        self.origin = f"http://{shown}:{self.port}"

    def redirect_uri_for(self, wanted: str | None) -> str:
        """The redirect URI as the user wrote it (its host must match the registration), with the
        port we listen on when it asked for any (port 0); by default http://127.0.0.1:<port>/callback."""
        if wanted is None:
            return _default_redirect(self.port)
        parts = urlsplit(wanted)
        if parts.port == 0:
            host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
            parts = parts._replace(netloc=f"{host}:{self.port}")
        return urlunsplit(parts)

    def __enter__(self) -> _Loopback:
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, name="oauthkit-redirect", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread is not None:
            self.shutdown()
            self._thread.join()
        self.server_close()

    def deliver(self, target: str) -> bool:
        """Keep the first answer; later ones (a reload) change nothing."""
        with self._guard:
            if self.received is not None:
                return False
            self.received = self.origin + target
        self.arrived.set()
        return True

    def wait(self, timeout: float) -> str | None:
        # Short waits keep the notebook's interrupt (KeyboardInterrupt) responsive.
        deadline = time.monotonic() + timeout
        while not self.arrived.wait(min(0.1, max(0.0, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                return None
        return self.received


class _Callback(BaseHTTPRequestHandler):
    server: _Loopback

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != self.server.callback_path or not parts.query:
            self._page(404, "This is not the address oauthkit is waiting on.")
            return
        # A stray or forged request must not take the place of the provider's redirect: keep
        # waiting for the one that carries this request's state.
        state = _answer_params(parts.query).get("state", "")
        expected = self.server.expected_state
        if expected is None or not secrets.compare_digest(state.encode(), expected.encode()):
            self._page(400, "This is not the answer to oauthkit's authorization request.")
            return
        first = self.server.deliver(self.path)
        self._page(
            200,
            "oauthkit received the provider's answer. You can close this tab and go back to the notebook."
            if first
            else "oauthkit already received an answer.",
        )

    def _page(self, status: int, text: str) -> None:
        body = f"<!doctype html><meta charset='utf-8'><title>oauthkit</title><p>{html.escape(text)}</p>"
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")  # the page's own URL holds the code
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request line holds the code: never written anywhere


def _announce(request: AuthorizationRequest, timeout: float) -> None:
    """Show the link: clickable in a notebook, printed elsewhere."""
    waiting = (
        f"Waiting up to {timeout:.0f} s for the redirect to {request.redirect_uri}. If the browser "
        'cannot reach this machine, interrupt, then run conn.authorize("<the address it ended on>").'
    )
    shell = _notebook_shell()
    if shell is not None:
        display = sys.modules["IPython.display"]
        display.display(display.HTML(f"{request._repr_html_()}<small>{html.escape(waiting)}</small>"))
        return
    print(
        f"Open this link to authorize {request.title} ({request.adapter}/{request.connection}):\n"
        f"  {request.url}\n{waiting}",
        flush=True,
    )


def _notebook_shell() -> Any:
    """The Jupyter kernel's shell when running in one (IPython is already loaded there)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return None
    shell = ipython.get_ipython()
    if shell is None or type(shell).__name__ != "ZMQInteractiveShell":
        return None
    import IPython.display  # noqa: F401 - loaded for _announce

    return shell


__all__ = ["AuthorizationRequest", "authorize", "complete", "complete_pending", "login", "start"]
