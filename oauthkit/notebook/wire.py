"""What goes over the wire, fit to show: sandbox requests and provider answers with every secret
replaced by its fingerprint (the ``03_providers`` tour).

Values are hidden by default and shown only for a short list of names known to be harmless
(``grant_type``, ``scope``, expiry fields): a provider field nobody thought of stays hidden.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from ..token import fingerprint

if TYPE_CHECKING:
    from ..adapter import Adapter, Expiry
    from ..sandbox import Emulator, RecordedRequest
    from ..token import Token

SHOWN_PARAMS = frozenset({"grant_type", "scope"})
SHOWN_FIELDS = frozenset(
    {"token_type", "scope", "expires_in", "expires", "expires_at", "refresh_expires_in", "type"}
)


def hidden(value: object) -> str:
    return f"<{fingerprint(str(value))}>"


def redact_json(value: Any, key: str | None = None) -> Any:
    """A JSON value with every string replaced by its fingerprint, except under harmless keys."""
    if isinstance(value, Mapping):
        return {k: redact_json(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_json(v, key) for v in value]
    if isinstance(value, str) and key not in SHOWN_FIELDS:
        return hidden(value)
    return value


def _params(pairs: Mapping[str, list[str]]) -> str:
    return "&".join(
        f"{k}={v if k in SHOWN_PARAMS else hidden(v)}" for k, values in pairs.items() for v in values
    )


def request_view(req: RecordedRequest) -> dict[str, str]:
    """One recorded token request as a column of text: method, path, where each parameter went."""
    if req.basic_auth is not None:
        user, password = req.basic_auth
        auth = f"Basic {hidden(user)}:{hidden(password)}"
    elif req.bearer is not None:
        auth = f"Bearer {hidden(req.bearer)}"
    else:
        auth = "-"
    if req.form is not None:
        body = _params(req.form)
    elif req.json is not None:
        body = json.dumps(
            {k: (v if k in SHOWN_PARAMS else hidden(v)) for k, v in req.json.items()}
            if isinstance(req.json, dict)
            else redact_json(req.json)
        )
    else:
        body = "(empty)" if not req.body else f"({len(req.body)} bytes)"
    return {
        "method": req.method,
        "path": req.path,
        "query": _params(req.query) or "-",
        "content type": req.content_type or "-",
        "authorization": auth,
        "body": body,
        "answered": str(req.status),
    }


def replay(emulator: Emulator, req: RecordedRequest, adapter: Adapter) -> tuple[int, Any]:
    """Send ``req`` again with a refresh token of a brand-new grant, so the connection's own token
    family is untouched, and return the provider's status and decoded JSON answer."""
    import requests

    wire_name = adapter.request.wire("refresh_token")
    fresh = emulator.new_grant()

    def swap(pairs: Mapping[str, list[str]]) -> list[tuple[str, str]]:
        return [(k, fresh if k == wire_name else v) for k, values in pairs.items() for v in values]

    url = emulator.origin + req.path
    if req.query:
        url += "?" + urlencode(swap(req.query))
    headers = {k: v for k, v in req.headers.items() if k in ("authorization", "content-type", "accept")}
    data: bytes | None = None
    if req.form is not None:
        data = urlencode(swap(req.form)).encode()
    elif isinstance(req.json, dict):
        data = json.dumps({k: fresh if k == wire_name else v for k, v in req.json.items()}).encode()
    resp = requests.request(req.method, url, headers=headers, data=data, timeout=10, allow_redirects=False)
    try:
        return resp.status_code, resp.json()
    except ValueError:
        return resp.status_code, resp.text


def _expiry_source(spec: Expiry | None) -> str:
    if spec is None:
        return "-"
    return f"{spec.field} ({spec.kind}{', ' + spec.format if spec.format else ''})"


def token_mapping(adapter: Adapter, token: Token) -> dict[str, str]:
    """Where each Token field comes from in this adapter's answer, and what the token holds."""
    r = adapter.response
    lifetime = "-" if token.lifetime is None else f"{token.lifetime:.1f} s"
    default = f" (default {r.default_lifetime:g} s)" if r.default_lifetime else ""
    return {
        "access_token": f"{r.access_token} -> {token.fingerprint}",
        "refresh_token": f"{r.refresh_token or '-'} -> {token.refresh_fingerprint}"
        f" (rotation: {adapter.rotation})",
        "expires_at": f"{_expiry_source(r.expires)}{default} -> "
        + (f"{token.expires_at:%H:%M:%S} UTC, lifetime {lifetime}" if token.expires_at else "none"),
        "token_type": f"{r.token_type or '-'} -> {token.token_type}",
        "scope": f"{r.scope or '-'} -> {token.scope or '-'}",
    }
