"""What an emulator saw and what it answered: one immutable record per HTTP request."""

from __future__ import annotations

import base64
import binascii
import json as _json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the emulator received it, plus the status it answered.

    Secrets are kept verbatim: this is a test tool, and tests assert on them.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    content_type: str
    form: dict[str, list[str]] | None
    json: Any
    basic_auth: tuple[str, str] | None
    bearer: str | None
    kind: str
    status: int
    at: float

    def param(self, name: str) -> str | None:
        """The last value of `name` from the form body, a JSON object body or the query."""
        if self.form is not None and name in self.form:
            return self.form[name][-1]
        if isinstance(self.json, dict) and name in self.json:
            value = self.json[name]
            return value if isinstance(value, str) else None
        if name in self.query:
            return self.query[name][-1]
        return None


@dataclass(frozen=True)
class Reply:
    """An HTTP answer; Content-Length is always added by the server."""

    status: int
    body: bytes = b""
    content_type: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)


def json_reply(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Reply:
    body = _json.dumps(payload, separators=(",", ":")).encode()
    return Reply(status, body, "application/json; charset=utf-8", dict(headers or {}))


def seconds(value: float) -> int | float:
    """A lifetime as JSON: whole seconds as an int, as providers send; sub-second test
    lifetimes stay fractional so that a client does not read 0.5 s as "already expired"."""
    return int(value) if float(value).is_integer() else round(value, 3)


def parse_request(
    method: str,
    target: str,
    header_items: Iterable[tuple[str, str]],
    body: bytes,
    *,
    kind: str,
    at: float,
) -> RecordedRequest:
    """Decode what a client sent once, so that every provider reads the same view of it."""
    url = urlsplit(target)
    headers: dict[str, str] = {}
    for key, value in header_items:
        key = key.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    form = None
    if content_type == FORM:
        form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    basic_auth, bearer = _authorization(headers.get("authorization", ""))
    return RecordedRequest(
        method=method,
        path=url.path,
        query=parse_qs(url.query, keep_blank_values=True),
        headers=headers,
        body=body,
        content_type=content_type,
        form=form,
        json=_json_body(content_type, body),
        basic_auth=basic_auth,
        bearer=bearer,
        kind=kind,
        status=0,
        at=at,
    )


def _json_body(content_type: str, body: bytes) -> Any:
    if content_type != "application/json" and not content_type.endswith("+json"):
        return None
    try:
        return _json.loads(body)
    except ValueError:
        return None


def _authorization(value: str) -> tuple[tuple[str, str] | None, str | None]:
    scheme, _, credentials = value.strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "bearer":
        return None, credentials or None
    if scheme.lower() != "basic":
        return None, None
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    user, colon, password = decoded.partition(":")
    return ((user, password) if colon else None), None
