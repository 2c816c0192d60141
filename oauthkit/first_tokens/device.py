"""First tokens from a kernel no browser can reach: the device authorization grant (RFC 8628).

1. ``request_code``: the device authorization request (the adapter's ``device.url``, client
   authenticated as for a refresh, the scope) and its answer, a ``DeviceCode``.
2. The user is shown the code and the link (``on_code``, a notebook widget or printed text) and
   approves on any device.
3. ``poll``: the token request with ``grant_type=urn:ietf:params:oauth:grant-type:device_code``
   every ``interval`` seconds: ``authorization_pending`` waits, ``slow_down`` adds 5 s
   (section 3.5), ``access_denied`` and ``expired_token`` end it as an ``AuthorizationError``
   (reasons ``access_denied``, ``expired``); the token answer is read and stored as
   ``authorize()``'s is, with trigger ``device``.
4. ``wait=False``: the polling runs on a background thread and ``DevicePending`` is returned at
   once (``.done``, ``.result()``, ``.cancel()``).

The device code is a secret (it buys tokens): never in a repr, a message or a log line.
"""

from __future__ import annotations

import dataclasses
import json
import math
import threading
import time
from collections.abc import Callable
from typing import Any

from .. import transport
from ..adapter import DeviceSpec, RequestSpec
from ..discovery import fill_endpoint
from ..errors import AuthorizationError, ConfigError
from ..response import Answer, Context, answer_error, read_token
from ..token import Token
from .device_code import DeviceCode
from .errors import as_authorization_error, by_hand, failer
from .flow import Secrets, obtain_tokens
from .host import FirstTokenHost

SLOW_DOWN_S = 5.0  # RFC 8628 section 3.5: "increased by 5 seconds for this and all subsequent requests"
TRIGGER = "device"


def device_spec(conn: FirstTokenHost) -> DeviceSpec:
    spec = conn.adapter.device
    if spec is None:
        other = "conn.authorize(flow='paste')" if conn.adapter.authorize is not None else by_hand(conn)
        raise ConfigError(
            "this adapter declares no device flow (RFC 8628)",
            adapter=conn.adapter.name,
            connection=conn.name,
            hint=f"use {other}",
        )
    return spec


# ---- the two requests --------------------------------------------------------------------------
def request_code(conn: FirstTokenHost, scope: str | None = None) -> DeviceCode:
    """Ask for a device code (RFC 8628 section 3.1) and read the answer (section 3.2)."""
    spec = device_spec(conn)
    poll = spec.poll.request
    ask = dataclasses.replace(poll, url=spec.url, method="POST", grant_type=None, extra={})
    dialect = conn.dialect
    fill_endpoint(dialect, spec.url, conn.timeout)
    chosen = scope if scope is not None else spec.scope
    wire = dialect.build(
        ask, dialect.auth_kind(ask), dialect.url(spec.url, "device authorization URL"),
        [("scope", chosen)] if chosen else [],
    )  # fmt: skip
    fail = failer(conn)
    t0 = time.monotonic()
    try:
        answer = _fetch(conn, wire.method, wire.url, wire.headers, wire.body)
    except Exception as exc:  # unreachable, slow, refused: typed, and a row in the log
        error = as_authorization_error(conn, TRIGGER, exc, conn.redact)
        conn.log_failure(error, TRIGGER, t0)
        raise error from None
    try:
        body = json.loads(answer.body) if answer.body else None
    except ValueError:
        body = None
    if answer.status != 200 or not isinstance(body, dict) or "error" in body:
        said = body.get("error") if isinstance(body, dict) else None
        error = fail(
            "refused",
            f"the provider refused the device authorization request (HTTP {answer.status})",
            status=answer.status,
            detail=conn.redact(str(said or answer.body[:200].decode("utf-8", "replace"))),
            hint="check the client id, that the device flow is enabled for this application, "
            "and the scope",
        )
        conn.log_failure(error, TRIGGER, t0)
        raise error

    def get(name: str) -> Any:
        return body.get(spec.field_name(name))

    code, user_code, uri = get("device_code"), get("user_code"), get("verification_uri")
    if not all(isinstance(v, str) and v for v in (code, user_code, uri)):
        raise fail(
            "refused",
            "the device authorization answer lacks device_code, user_code or verification_uri",
            hint="check the adapter's device.fields against the provider's documentation",
        )
    complete = get("verification_uri_complete")
    return DeviceCode(
        user_code=str(user_code),
        verification_uri=str(uri),
        verification_uri_complete=complete if isinstance(complete, str) and complete else None,
        expires_in=_seconds(get("expires_in"), 900.0, _MAX_SECONDS["expires_in"]),
        interval=_seconds(get("interval"), spec.interval, _MAX_SECONDS["interval"]),
        device_code=str(code),
    )


def poll(
    conn: FirstTokenHost,
    code: DeviceCode,
    *,
    timeout: float | None = None,
    stop: threading.Event | None = None,
    on_state: Callable[[str, bool], object] | None = None,
) -> Token:
    """Poll until the user approves, refuses, the code expires or ``timeout`` passes; every end
    but a cancel is a row in the log (trigger ``device``). ``on_state(text, final)`` hears how
    it goes (the notebook panel)."""
    secret = Secrets(conn, [code.device_code])
    tell = on_state or (lambda text, final: None)
    t0 = time.monotonic()
    try:
        answer, ctx = _until_answered(conn, code, timeout, stop or threading.Event(), secret.redact, tell)
    except Exception as exc:
        error = as_authorization_error(conn, TRIGGER, exc, secret.redact)
        if error.reason != "cancelled":
            conn.log_failure(error, TRIGGER, t0)
        tell(f"{error.reason}: {error.args[0] if error.args else ''}", True)
        if error is exc:
            raise
        raise error from None
    try:  # obtain_tokens logs its own failure
        token = obtain_tokens(conn, TRIGGER, lambda: read_token(answer, ctx), secret.redact)
    except AuthorizationError as error:
        tell(f"{error.reason}: {error.args[0] if error.args else ''}", True)
        raise
    tell("approved: tokens stored", True)
    return token


def _until_answered(
    conn: FirstTokenHost,
    code: DeviceCode,
    timeout: float | None,
    stop: threading.Event,
    redact: Callable[[str], str],
    tell: Callable[[str, bool], object],
) -> tuple[Answer, Context]:
    """The first poll answer that is not "wait": a token, or an error for ``read_token``."""
    spec = device_spec(conn)
    fail = failer(conn)
    again = "nothing was stored; run conn.authorize(flow='device') again for a new code"
    interval = max(code.interval, 0.0)
    # One poll past the code's expiry by our clock: the provider's answer (expired_token, or the
    # tokens if its clock is behind ours) decides, not a skewed local clock.
    lifetime = code.remaining + interval
    give_up = time.time() + (min(lifetime, timeout) if timeout is not None else lifetime)
    polls = 0
    while True:
        # Never sleep past the end: an answer's interval is the provider's word, not a promise.
        if stop.wait(min(interval, max(0.0, give_up - time.time()))):
            raise fail("cancelled", "the device authorization was cancelled", hint=again)
        if time.time() >= give_up:
            if code.remaining <= 0:
                raise fail("expired", "the device code expired before it was approved", hint=again)
            raise fail("timeout", f"the device code was not approved within {timeout:g} s", hint=again)
        answer = _poll_once(conn, spec, code)
        ctx = _context(conn, spec, redact)
        error = answer_error(answer, ctx)
        polls += 1
        if error == "authorization_pending":
            tell(f"waiting for approval (asked {polls} times, every {interval:g} s)", False)
            continue
        if error == "slow_down":
            # Section 3.5's 5 s more, or the interval the answer names when larger (some name one)
            interval = max(interval + SLOW_DOWN_S, _answer_interval(answer))
            tell(f"waiting for approval (the provider asked to slow down: every {interval:g} s)", False)
            continue
        if error == "access_denied":
            raise fail("access_denied", "the user refused the device authorization", hint="nothing stored")
        if error == "expired_token":
            raise fail("expired", "the device code expired before it was approved", hint=again)
        return answer, ctx


def _poll_once(conn: FirstTokenHost, spec: DeviceSpec, code: DeviceCode) -> Answer:
    request: RequestSpec = spec.poll.request
    dialect = conn.dialect
    wire = dialect.build(
        request, dialect.auth_kind(request), dialect.url(request.url, "token request URL"),
        [("device_code", code.device_code)],
    )  # fmt: skip
    return _fetch(conn, wire.method, wire.url, wire.headers, wire.body)


def _context(conn: FirstTokenHost, spec: DeviceSpec, redact: Callable[[str], str]) -> Context:
    adapter = dataclasses.replace(
        conn.adapter,
        response=spec.poll.response,
        errors=spec.poll.errors,
        rotation="if_present",
        response_hook=None,
    )
    return Context(adapter, conn.name, time.time(), None, redact)


def _fetch(conn: FirstTokenHost, method: str, url: str, headers: dict[str, str], body: bytes) -> Answer:
    return transport.send_once(method, url, headers, body, conn.timeout)


def _answer_interval(answer: Answer) -> float:
    try:
        body = json.loads(answer.body)
    except ValueError:
        return 0.0
    return _seconds(body.get("interval") if isinstance(body, dict) else None, 0.0, _MAX_SECONDS["interval"])


# Bounds on what an answer may say: a day for a code's life, ten minutes between polls.
_MAX_SECONDS = {"expires_in": 86400.0, "interval": 600.0}


def _seconds(value: Any, default: float, limit: float = 86400.0) -> float:
    """A number of seconds from an answer: the default when absent or not a finite number >= 0,
    and never beyond ``limit`` (a hostile 1e308 would otherwise overflow a wait)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return default
    try:
        number = float(value)
    except ValueError:
        return default
    if not math.isfinite(number) or number < 0:
        return default
    return min(number, limit)


# ---- waiting in the background -----------------------------------------------------------------
class DevicePending:
    """A device authorization polling on a background thread (``authorize(wait=False)``)."""

    def __init__(
        self,
        conn: FirstTokenHost,
        code: DeviceCode,
        timeout: float | None,
        on_state: Callable[[str, bool], object] | None = None,
    ) -> None:
        self._on_state = on_state
        self.code = code
        self._stop = threading.Event()
        self._finished = threading.Event()
        self._token: Token | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(conn, timeout), name=f"oauthkit-device-{conn.key}", daemon=True
        )
        self._thread.start()

    def _run(self, conn: FirstTokenHost, timeout: float | None) -> None:
        try:
            self._token = poll(conn, self.code, timeout=timeout, stop=self._stop, on_state=self._on_state)
        except BaseException as exc:  # handed to result(): a thread has no caller to raise to
            self._error = exc
        finally:
            self._finished.set()

    @property
    def done(self) -> bool:
        return self._finished.is_set()

    def result(self, timeout: float | None = None) -> Token:
        """The Token once approved (waiting up to ``timeout`` s), or the flow's error."""
        if not self._finished.wait(timeout):
            raise TimeoutError(f"the device authorization is still pending after {timeout} s")
        if self._error is not None:
            raise self._error
        assert self._token is not None
        return self._token

    def cancel(self) -> None:
        """Stop polling; ``result()`` then raises ``AuthorizationError`` (reason ``cancelled``)."""
        self._stop.set()
        self._finished.wait(5)

    def __repr__(self) -> str:
        state = "done" if self.done else "polling"
        return f"<DevicePending {self.code.user_code} at {self.code.verification_uri} ({state})>"


def authorize_device(
    conn: FirstTokenHost,
    *,
    scope: str | None = None,
    on_code: Callable[[DeviceCode], object] | None = None,
    wait: bool = True,
    timeout: float | None = None,
) -> Token | DevicePending:
    """``conn.authorize(flow="device", ...)``: ask for a code, show it, poll, store the tokens."""
    code = request_code(conn, scope)
    on_state: Callable[[str, bool], object] | None = None
    if on_code is not None:
        on_code(code)
    else:
        from .device_view import show

        view = show(code, conn.adapter.title)
        on_state = lambda text, final: view.update(text, final=final)  # noqa: E731
    if not wait:
        return DevicePending(conn, code, timeout, on_state)
    return poll(conn, code, timeout=timeout, on_state=on_state)


__all__ = ["DeviceCode", "DevicePending", "authorize_device", "poll", "request_code"]
