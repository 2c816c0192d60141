"""Reads a provider's answer to a refresh request: a Token, or the typed error it means.

Pure functions over (adapter, status, headers, body): no HTTP library is imported here, so the
requests and httpx bridges share one reading of every provider. Authlib would accept any JSON
object without an ``error`` key as a token (a ``{"code": 401, ...}`` body included); nothing reaches Authlib
until it has passed through ``read_token``.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .adapter import Adapter, Expiry
from .errors import (
    InvalidGrant,
    MalformedResponse,
    ProviderError,
    RateLimited,
    RefreshError,
    shorten,
)
from .expiry import BadExpiry, clock_offset, expiry_instant
from .token import Token, utc

log = logging.getLogger("oauthkit")

# A token answer is a few kilobytes; anything far larger is not a token.
MAX_BODY_BYTES = 1 << 20
_DETAIL_CHARS = 200
# An extra answer field is a host, an id, a name: anything longer is not one (and is not kept).
_EXTRA_CHARS = 2048
# What a token may hold to be sent back: an access token goes into "Authorization: Bearer ...",
# so visible ASCII only (RFC 9110 field values; RFC 6750's b64token is a subset, but providers
# use "!" in them); a refresh token is 1*VSCHAR, space allowed (RFC 6749 A.17).
_NOT_ACCESS = re.compile(r"[^\x21-\x7e]")
_NOT_REFRESH = re.compile(r"[^\x20-\x7e]")


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]  # case-insensitive mapping from the HTTP library
    body: bytes
    oversized: bool = False  # the body passed MAX_BODY_BYTES and was not read further
    received_at: float = field(default_factory=time.time)

    @property
    def content_type(self) -> str:
        return str(self.headers.get("content-type", "")).split(";")[0].strip().lower()


@dataclass(frozen=True)
class Context:
    """What the reader needs besides the answer."""

    adapter: Adapter
    connection: str
    sent_at: float  # expiry is counted from when the request left, not when the answer came
    previous_refresh_token: str | None
    redact: Callable[[str], str] = lambda text: text


def read_token(answer: Answer, ctx: Context) -> Token:
    """The Token in a provider answer, or raise the RefreshError subclass it stands for."""
    if 300 <= answer.status < 400:  # never followed: the secrets would go with it
        raise redirect_error(answer, ctx)
    payload = _parse(answer, ctx)
    if answer.status >= 300 or _error_code(payload, ctx) is not None or _wrapped_failure(payload, ctx):
        raise error_for(answer, payload, ctx)
    if not isinstance(payload, dict):
        raise _malformed(ctx, answer, f"the answer is not a JSON object ({_describe(answer, payload)})")
    if ctx.adapter.response_hook is not None:
        try:
            payload = ctx.adapter.response_hook(payload)
        except Exception as exc:  # an adapter hook is user code: report it, never crash through
            raise _malformed(
                ctx, answer, f"the adapter's response_hook failed ({type(exc).__name__})"
            ) from None
        if not isinstance(payload, dict):
            raise _malformed(ctx, answer, "the adapter's response_hook did not return a dict")
    return _token_from(payload, answer, ctx)


def answer_error(answer: Answer, ctx: Context) -> str | None:
    """The error code an answer carries (at the adapter's ``code_field``, in any status), or None:
    what a polling flow needs to tell "not yet" from "never" (RFC 8628 section 3.5)."""
    return _error_code(_parse(answer, ctx), ctx)


def redirect_target(headers: Mapping[str, str]) -> str:
    """Where a redirect points, as host[:port] only: its path and query may carry secrets."""
    location = str(headers.get("location") or "").strip()
    if not location:
        return "nowhere (no Location header)"
    try:
        parts = urlsplit(location)
        host, port = parts.hostname, parts.port
    except ValueError:
        return "an unreadable Location"
    if not host:
        return "another path on the same host"
    shown = "".join(c if 0x21 <= ord(c) < 0x7F else "?" for c in host)[:100]
    return f"{shown}:{port}" if port else shown


def redirect_error(answer: Answer, ctx: Context) -> RefreshError:
    target = redirect_target(answer.headers)
    return RefreshError(
        f"the token endpoint redirected to {target} instead of answering; oauthkit never follows "
        "a redirect with secrets",
        adapter=ctx.adapter.name,
        connection=ctx.connection,
        status=answer.status,
        hint="if that is really the provider's token endpoint, set the URL setting to it; nothing "
        "was sent there and the stored token was kept",
    )


def error_for(answer: Answer, payload: Any, ctx: Context) -> RefreshError:
    """Classify a refusal by the adapter's declared error shapes."""
    spec = ctx.adapter.errors
    code = _error_code(payload, ctx)
    message = _field(payload, spec.message_field) if isinstance(payload, dict) else None
    if message is None and isinstance(payload, dict):
        message = payload.get("message")  # the most common non-RFC spelling
    parts = [code, message]
    if _wrapped_failure(payload, ctx):  # HTTP 200 with a failing status field: say which
        parts.insert(0, f"{spec.status_field} {_field(payload, str(spec.status_field))!r}")
    full = ", ".join(ctx.redact(str(p)) for p in parts if p is not None)
    full = full or _describe(answer, payload)
    common: dict[str, Any] = {
        "adapter": ctx.adapter.name,
        "connection": ctx.connection,
        "status": answer.status,
        "detail": shorten(full, _DETAIL_CHARS),
        "provider_text": full,
    }
    if answer.status == 429:
        return RateLimited(
            "the provider is rate limiting refreshes",
            retry_after=retry_after(answer.headers),
            hint="wait and retry; avoid refreshing on every call",
            **common,
        )
    if answer.status >= 500:
        return ProviderError("the provider failed to refresh", hint="try again later", **common)
    text = (message or "").lower() if isinstance(message, str) else ""
    if (
        answer.status in spec.invalid_grant_status
        or (code is not None and code in spec.invalid_grant_codes)
        or any(m in text for m in spec.invalid_grant_messages)
    ):
        env = ctx.adapter.env_name("refresh_token", ctx.connection)
        return InvalidGrant(
            "the refresh token is expired, revoked or was already used",
            **common,
            hint=f"authorize again and set {env} to the new refresh token",
        )
    if code == "invalid_scope":
        setting = "scope" if ctx.adapter.setting("scope") is not None else None
        where = (
            f"check the scope setting ({ctx.adapter.env_name('scope', ctx.connection)})"
            if setting
            else "check the scope the tokens were granted with"
        )
        return RefreshError(
            "the provider refused the requested scope",
            hint=f"{where}: a refresh may ask for the granted scopes or fewer, never more",
            **common,
        )
    return RefreshError(
        "the provider refused the refresh request",
        hint="check the client id, client secret and the adapter's request format",
        **common,
    )


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from ``Retry-After`` (seconds or HTTP date) or ``x-ratelimit-reset`` (UNIX time)."""
    now = time.time()
    value = headers.get("retry-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(value).timestamp() - now)
            except (TypeError, ValueError, IndexError):
                pass
    reset = headers.get("x-ratelimit-reset")
    if reset:
        try:
            stamp = float(reset)
        except ValueError:
            return None
        # Some providers send seconds-until-reset rather than a UNIX time.
        return max(0.0, stamp - now) if stamp > 1e9 else max(0.0, stamp)
    return None


# ---- internals ------------------------------------------------------------------------------


def _parse(answer: Answer, ctx: Context) -> Any:
    """The answer's body as the adapter says it is encoded; None when it is not."""
    if answer.oversized or len(answer.body) > MAX_BODY_BYTES or not answer.body.strip():
        return None
    if ctx.adapter.response.encoding == "form" and not answer.body.lstrip().startswith((b"{", b"[")):
        # A provider that answers forms may still send JSON errors (or JSON when asked for it):
        # only a body that cannot be JSON is read as a form.
        try:
            pairs = parse_qsl(answer.body.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
        except (ValueError, UnicodeDecodeError):
            return None
        return dict(pairs) or None
    try:
        return json.loads(answer.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def _wrapped_failure(payload: Any, ctx: Context) -> bool:
    """A wrapped answer (``{"status": 0, "body": ...}``) whose status is not a success value."""
    spec = ctx.adapter.errors
    if spec.status_field is None:
        return False
    value = _field(payload, spec.status_field) if isinstance(payload, dict) else None
    return not any(value == ok and type(value) is type(ok) for ok in spec.ok_status)


def _describe(answer: Answer, payload: Any) -> str:
    if answer.oversized or len(answer.body) > MAX_BODY_BYTES:
        return f"a body over {MAX_BODY_BYTES} bytes, larger than any token answer (not read further)"
    if not answer.body.strip():
        return "an empty body"
    if payload is None:
        kind = answer.content_type or "unknown content type"
        head = answer.body[:64].lstrip().lower()
        if head.startswith((b"<!doctype", b"<html")) or kind == "text/html":
            return "an HTML page"
        return f"a non-JSON body ({kind})"
    return f"a JSON {type(payload).__name__}" if not isinstance(payload, dict) else "a JSON object"


@functools.lru_cache(maxsize=256)
def _parts(path: str) -> tuple[str, ...]:
    # Adapter paths (no secrets), split once: each answer reads five to seven of them.
    return tuple(path.split("."))


def _field(payload: Any, path: str) -> Any:
    """The value at a dotted path; a number steps into a list ("errors.0.code")."""
    if "." not in path:  # most paths are one key
        return payload.get(path) if isinstance(payload, dict) else None
    node = payload
    for part in _parts(path):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node


def _error_code(payload: Any, ctx: Context) -> str | None:
    code = _field(payload, ctx.adapter.errors.code_field) if isinstance(payload, dict) else None
    return code if isinstance(code, str) and code else None


def _malformed(ctx: Context, answer: Answer, what: str) -> MalformedResponse:
    return MalformedResponse(
        "the provider's answer is not a usable token",
        adapter=ctx.adapter.name,
        connection=ctx.connection,
        status=answer.status,
        detail=what,
        hint="the stored token was kept; check the adapter's response fields or the provider's status",
    )


def _string(
    payload: dict[str, Any],
    path: str | None,
    answer: Answer,
    ctx: Context,
    *,
    required: bool = False,
) -> str | None:
    if path is None:
        return None
    value = _field(payload, path)
    if value is None or value == "":
        if required:
            raise _malformed(ctx, answer, f"no {path!r} in the answer")
        return None
    if isinstance(value, list) and path.endswith("scope") and all(isinstance(v, str) for v in value):
        return " ".join(value)
    if not isinstance(value, str):
        raise _malformed(ctx, answer, f"{path!r} is a {type(value).__name__}, not a string")
    return value


def _sendable(value: str, path: str, bad: re.Pattern[str], answer: Answer, ctx: Context) -> None:
    """A token we could not send back (a CR or LF would even split the header) is no token. The
    message names the character's position and code point, never the token."""
    found = bad.search(value)
    if found is not None:
        raise _malformed(
            ctx,
            answer,
            f"{path!r} holds a character that cannot be sent in an HTTP request "
            f"(U+{ord(found.group()):04X} at position {found.start()})",
        )


def _instant(
    spec: Expiry | None, payload: dict[str, Any], answer: Answer, ctx: Context, *, rotated: bool
) -> datetime | None:
    if spec is None:
        return None
    value = _field(payload, spec.field)
    if value is None:
        return None
    try:
        return expiry_instant(
            spec,
            value,
            sent_at=ctx.sent_at,
            # Only an instant is in the provider's clock: a lifetime in seconds needs no Date parsing.
            offset=clock_offset(answer.headers, answer.received_at) if spec.kind == "timestamp" else None,
            rotated=rotated,
            who=f"{ctx.adapter.name}/{ctx.connection}",
        )
    except BadExpiry as exc:
        raise _malformed(ctx, answer, str(exc)) from None


def _token_from(payload: dict[str, Any], answer: Answer, ctx: Context) -> Token:
    spec = ctx.adapter.response
    access = _string(payload, spec.access_token, answer, ctx, required=True)
    assert access is not None
    _sendable(access, spec.access_token, _NOT_ACCESS, answer, ctx)
    token_type = _string(payload, spec.token_type, answer, ctx) or "Bearer"
    if token_type.lower() != "bearer":
        raise _malformed(ctx, answer, f"token_type {token_type!r} is not supported (only Bearer)")

    fresh_refresh = _string(payload, spec.refresh_token, answer, ctx)
    if fresh_refresh is not None:
        _sendable(fresh_refresh, str(spec.refresh_token), _NOT_REFRESH, answer, ctx)
    rotated = fresh_refresh is not None and fresh_refresh != ctx.previous_refresh_token
    expires_at = _instant(spec.expires, payload, answer, ctx, rotated=rotated)
    if expires_at is None and spec.default_lifetime is not None:
        expires_at = utc(ctx.sent_at) + timedelta(seconds=spec.default_lifetime)

    rotation = ctx.adapter.rotation
    if rotation == "always" and fresh_refresh is None:
        raise _malformed(
            ctx,
            answer,
            f"the adapter declares rotation 'always' but the answer has no {spec.refresh_token!r}",
        )
    refresh = ctx.previous_refresh_token if rotation == "never" or fresh_refresh is None else fresh_refresh

    refresh_spec = spec.refresh_expires
    refresh_expires = _instant(refresh_spec, payload, answer, ctx, rotated=rotated)
    return Token(
        access_token=access,
        issued_at=utc(ctx.sent_at),
        expires_at=expires_at,
        refresh_token=refresh,
        token_type="Bearer",
        scope=_string(payload, spec.scope, answer, ctx),
        id_token=_string(payload, spec.id_token, answer, ctx),
        refresh_expires_at=refresh_expires,
        extra=_extra(payload, spec.extra),
    )


def _extra(payload: dict[str, Any], paths: tuple[str, ...]) -> dict[str, Any]:
    """The non-secret fields an adapter keeps (``response.extra``): JSON scalars, or small
    objects such as a ``team``; a missing one is left out, not an error."""
    kept: dict[str, Any] = {}
    for path in paths:
        value = _field(payload, path)
        if value is not None and len(json.dumps(value, default=str)) <= _EXTRA_CHARS:
            kept[path] = value
    return kept


__all__ = ["Answer", "Context", "answer_error", "error_for", "read_token", "retry_after"]
