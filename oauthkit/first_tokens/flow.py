"""First tokens from a notebook: the authorization code grant with state and PKCE, or a login.

``conn.authorize()`` and ``conn.login()`` land here; the adapter's ``authorize`` or ``login``
section says how the provider does it.

1. ``start``: a fresh ``state`` and PKCE verifier (RFC 7636), and the authorization URL, built by
   Authlib's ``create_authorization_url`` from the adapter's endpoint, scope and extra parameters.
2. The redirect comes back to a one-shot server on 127.0.0.1 (``loopback.py``, RFC 8252 section
   7.3), or the user pastes the address the browser ended on (a remote notebook cannot be reached).
3. ``complete``: the state is checked before anything else, an error answer becomes an
   ``AuthorizationError``, and the code is exchanged: the request is the dialect's
   (``dialect.py``, as for a refresh), its answer read through ``response.read_token``.
4. The host stores the tokens and logs the event (trigger ``authorize`` or ``login``); a refusal
   by the provider is logged as an error row, nothing else is written.

The flows see the connection only through ``FirstTokenHost`` (``host.py``). Codes, verifiers
and passwords are secrets: they never reach a message, a log line or the store.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
import time
import weakref
from collections.abc import Callable, Mapping, Sequence

import requests
from authlib.integrations.requests_client import OAuth2Session

from .. import transport
from ..adapter import TokenRequest
from ..dialect import WireRequest
from ..discovery import fill_endpoint, issuer_of
from ..errors import AuthorizationError, ConfigError, OAuthKitError, frames_of, shorten
from ..redact import redact_params
from ..response import Context, read_token
from ..session import transport_exceptions
from ..token import Token, fingerprint
from .announce import announce
from .errors import DETAIL_CHARS, as_authorization_error, authorize_spec, failer, login_spec
from .host import FirstTokenHost
from .loopback import CALLBACK_PATH, Loopback, answer_params, listen_address
from .request import AuthorizationRequest, restore_pending, set_pending, take_pending

log = logging.getLogger("oauthkit")

# listen=False without a redirect_uri: a loopback URI with no port (RFC 8252 section 7.3 style).
# Nothing listens; the browser's error page still shows the address to paste.
PASTE_REDIRECT = "http://127.0.0.1" + CALLBACK_PATH
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


# ---- the entry points --------------------------------------------------------------------------
def authorize(
    conn: FirstTokenHost,
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
    authorize_spec(conn)  # before listening: an adapter without one says what to do instead
    if not listen:
        request = start(conn, redirect_uri or PASTE_REDIRECT, scope=scope, params=params)
        return dataclasses.replace(request, _finish=_finisher(conn))
    host, port, path = listen_address(conn, redirect_uri)
    with Loopback(conn, host, port, path) as server:
        request = start(conn, server.redirect_uri_for(redirect_uri), scope=scope, params=params)
        server.expected_state = request.state
        shown = announce(request, timeout)
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
    token = complete_pending(conn, received)
    shown.done(f"{conn.adapter.title} authorized: tokens stored for {conn.adapter.name}/{conn.name}.")
    return token


def _finisher(conn: FirstTokenHost) -> Callable[[str], object]:
    # Weak: the pending request is kept per connection in a weak-keyed table, and a strong
    # reference from the request back to its connection would keep both alive forever.
    ref = weakref.ref(conn)

    def finish(redirected_url: str) -> object:
        host = ref()
        if host is None:
            raise AuthorizationError(
                "the connection this authorization was started on is gone",
                reason="no_pending",
                hint="run conn.authorize() again on a live connection",
            )
        return complete_pending(host, redirected_url)

    return finish


def start(
    conn: FirstTokenHost,
    redirect_uri: str,
    *,
    scope: str | None = None,
    params: Mapping[str, str] | None = None,
) -> AuthorizationRequest:
    """A new pending authorization for ``conn``: fresh state and verifier, the URL to open."""
    spec = authorize_spec(conn)
    extra = dict(params or {})
    clash = sorted(_RESERVED & set(extra))
    if clash:
        raise ConfigError(
            f"params may not set {', '.join(clash)}",
            adapter=conn.adapter.name,
            connection=conn.name,
            hint="pass scope= and redirect_uri= to authorize(); state and PKCE are oauthkit's",
        )
    fill_endpoint(conn.dialect, spec.url, conn.timeout)
    values = conn.dialect.template_values()
    extra = {**{key: tmpl.format_map(values) for key, tmpl in spec.extra.items()}, **extra}
    endpoint = conn.dialect.url(spec.url, "authorization URL")
    state = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64) if spec.pkce else None  # 86 characters (43 to 128)
    if spec.pkce == "plain":  # Authlib only derives S256 challenges; plain sends the verifier
        extra.update(code_challenge=str(verifier), code_challenge_method="plain")
    with OAuth2Session(
        client_id=conn.dialect.settings.get("client_id"),
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
    set_pending(conn, request)
    return request


def complete_pending(conn: FirstTokenHost, redirected_url: str) -> Token:
    """Finish the connection's pending authorization with the address the browser ended on."""
    request = take_pending(conn)
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
            restore_pending(conn, request)
        raise


def complete(conn: FirstTokenHost, request: AuthorizationRequest, redirected_url: str) -> Token:
    """Check the redirect against ``request`` and exchange its code (no pending bookkeeping: a
    code is single-use, so calling this twice with one answer asks the provider twice)."""
    answer = answer_params(redirected_url)
    fail = failer(conn)
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
        detail = ", ".join(shorten(v, DETAIL_CHARS) for v in (error, answer.get("error_description")) if v)
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
    exchange = authorize_spec(conn).exchange
    secret = Secrets(conn, [code, request.code_verifier])
    spec = exchange.request
    wire = conn.dialect.code_exchange(
        spec,
        conn.dialect.auth_kind(spec),
        conn.dialect.url(spec.url, "token request URL"),
        request.redirect_uri,
        code,
        request.code_verifier,
    )
    send = lambda: send_token_request(conn, wire, exchange, secret.redact)  # noqa: E731
    return obtain_tokens(conn, "authorize", send, secret.redact)


def _check_issuer(conn: FirstTokenHost, iss: str | None, fail: Callable[..., AuthorizationError]) -> None:
    """RFC 9207: an answer (a code or an error) from another issuer than the one this request was
    sent to is a mix-up, refused before its code is used. Only discovery adapters know their
    issuer; for the others an ``iss`` cannot be checked and is ignored."""
    dialect = conn.dialect
    issuer = issuer_of(conn.adapter, conn.name, dialect.settings, insecure_ok=dialect.insecure_ok)
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
        shown = "".join(c if c.isprintable() else "?" for c in iss[:DETAIL_CHARS])
        raise fail(
            "issuer_mismatch",
            f"the authorization response comes from issuer {shown!r}, not {expected!r} (RFC 9207)",
            hint="nothing was stored and the code was not used: it may be a mix-up attack; run "
            "conn.authorize() again",
        )


def login(conn: FirstTokenHost, credentials: Mapping[str, str]) -> Token:
    """``conn.login(**credentials)``: the adapter's login request, its tokens stored."""
    spec = login_spec(conn)
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
    secret = Secrets(conn, list(credentials.values()))
    wire = conn.dialect.login(
        request,
        conn.dialect.auth_kind(request),
        conn.dialect.url(request.url, "token request URL"),
        [(name, str(credentials[name])) for name in spec.credentials],
    )
    send = lambda: send_token_request(conn, wire, spec.exchange, secret.redact)  # noqa: E731
    return obtain_tokens(conn, "login", send, secret.redact)


# ---- the token request ---------------------------------------------------------------------------
class Secrets:
    """The secrets of one first-token request (code, verifier, credentials), kept out of every
    message, on top of everything the connection itself redacts."""

    def __init__(self, conn: FirstTokenHost, values: Sequence[str | None]) -> None:
        self.conn = conn
        self._values = [s for s in values if s]

    def redact(self, text: str) -> str:
        for secret in self._values:
            text = text.replace(secret, f"<{fingerprint(secret)}>")
        # Also by parameter name: a library's message may quote the request URL.
        return redact_params(self.conn.redact(text))


def send_token_request(
    conn: FirstTokenHost, wire: WireRequest, request: TokenRequest, redact: Callable[[str], str]
) -> Token:
    """Send the dialect's request once, no redirect followed, within the connection's deadline;
    the answer is read like a refresh answer, with this request's fields and errors."""
    # A refresh token is taken when present, and there is no previous one to keep.
    adapter = dataclasses.replace(
        conn.adapter,
        response=request.response,
        errors=request.errors,
        rotation="if_present",
        response_hook=None,
    )
    ctx = Context(adapter, conn.name, time.time(), None, redact)
    with requests.Session() as http:
        transport.mount(http)
        answer = transport.fetch_requests(
            lambda limit: http.request(
                wire.method,
                wire.url,
                data=wire.body or None,
                headers=wire.headers,
                stream=True,
                timeout=limit if limit is not None else conn.timeout,
                allow_redirects=False,  # never: the code, the password and the client secret would follow
            ),
            transport.deadline_seconds(conn.timeout),
        )
    return read_token(answer, ctx)


def obtain_tokens(
    conn: FirstTokenHost, trigger: str, send: Callable[[], Token], redact: Callable[[str], str]
) -> Token:
    """Send the token request once (a code is single-use: never retried), then store the tokens."""
    t0 = time.monotonic()
    try:
        token = send()
    except Exception as exc:  # every failure becomes a typed, logged AuthorizationError ...
        failure: BaseException | None = exc
    else:
        failure = None
    if failure is not None:  # ... raised out here, so no library exception is its __context__
        error = as_authorization_error(conn, trigger, failure, redact)
        conn.log_failure(error, trigger, t0)
        if not isinstance(failure, (OAuthKitError, *transport_exceptions())):
            log.debug("%s: unexpected %s at\n%s", conn.key, type(failure).__name__, frames_of(failure))
        raise error
    if token.refresh_token is None:
        log.warning(
            "%s: the provider issued no refresh token; this access token cannot be refreshed "
            "(many providers issue one only for the offline_access scope)",
            conn.key,
        )
    return conn.adopt_first_tokens(token, trigger, t0)


__all__ = ["AuthorizationRequest", "authorize", "complete", "complete_pending", "login", "start"]
