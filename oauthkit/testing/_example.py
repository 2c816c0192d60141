"""A documented refresh example, as an author copies it from a provider's page, checked as read.

The example is a dict (``Example.from_dict``) or an ``Example``; a mistake in it is a
``ContractError`` that names the field, never a silent default.
"""

from __future__ import annotations

import base64
import binascii
import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

# A value an author has still to copy from the documentation (the scaffold writes these).
TODO = "TODO"
TOKEN_FIELDS = ("access_token", "refresh_token", "token_type", "scope", "id_token", "extra")
TIMES = ("lifetime", "refresh_lifetime")


class ContractError(AssertionError):
    """The example or the adapter cannot be checked (unfilled example, nothing sent, ...)."""


class ContractMismatch(ContractError):
    """The adapter sent something else than the documentation shows, or read the answer otherwise."""

    def __init__(self, message: str, documented: list[str], sent: list[str]) -> None:
        super().__init__(message)
        self.documented = documented
        self.sent = sent


@dataclass(frozen=True)
class DocumentedRequest:
    """The refresh request as the page shows it. Parameter values are strings (a list for a
    name repeated in a query or form); ``json`` is the documented JSON body."""

    method: str = "POST"
    path: str = "/"
    query: Mapping[str, str | list[str]] = field(default_factory=dict)
    form: Mapping[str, str | list[str]] | None = None
    json: Mapping[str, Any] | None = None
    basic: tuple[str, str] | None = None  # HTTP Basic (user, password)
    headers: Mapping[str, str] = field(default_factory=dict)  # other headers the page requires


@dataclass(frozen=True)
class DocumentedResponse:
    """The answer as the page shows it. ``now``: the ISO-8601 instant at which the page's
    absolute expiry times were current (they are moved forward by the time since)."""

    body: Any
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    now: str | None = None


@dataclass(frozen=True)
class Example:
    """One documented refresh exchange, plus what the Token read from it must hold.

    ``expect`` keys: access_token, refresh_token, token_type, scope, id_token, extra (exact) and
    lifetime, refresh_lifetime (seconds, within a second). ``discovery``: fields of the metadata
    document served to an adapter with discovery (``token_endpoint`` defaults to the request).
    """

    request: DocumentedRequest
    response: DocumentedResponse
    settings: Mapping[str, str] = field(default_factory=dict)
    expect: Mapping[str, Any] = field(default_factory=dict)
    discovery: Mapping[str, Any] | None = None
    source: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Example:
        top = keys(data, "example", ("request", "response", "settings", "expect", "discovery", "source"))
        req = keys(
            top.get("request"), "request", ("method", "path", "query", "form", "json", "basic", "headers")
        )
        res = keys(top.get("response"), "response", ("body", "status", "headers", "now"))
        headers = dict(req.get("headers") or {})
        basic = basic_credentials(req.get("basic"), headers)
        if "body" not in res:
            raise ContractError("example field 'response.body' is required: the documented answer")
        expect = dict(top.get("expect") or {})
        unknown = sorted(set(expect) - {*TOKEN_FIELDS, *TIMES})
        if unknown:
            raise ContractError(
                f"example field 'expect.{unknown[0]}' is unknown; use {', '.join((*TOKEN_FIELDS, *TIMES))}"
            )
        return cls(
            request=DocumentedRequest(
                method=str(req.get("method", "POST")).upper(),
                path=str(req.get("path", "/")),
                query=dict(req.get("query") or {}),
                form=req.get("form"),
                json=req.get("json"),
                basic=basic,
                headers=headers,
            ),
            response=DocumentedResponse(
                body=res["body"],
                status=int(res.get("status", 200)),
                headers=dict(res.get("headers") or {}),
                now=res.get("now"),
            ),
            settings=dict(top.get("settings") or {}),
            expect=expect,
            discovery=top.get("discovery"),
            source=str(top.get("source", "")),
        )


# ---- checking the example itself ---------------------------------------------------------------
def keys(value: Any, path: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
    if value is None and path != "example":
        value = {}
    if not isinstance(value, Mapping):
        raise ContractError(f"example field {path!r} must be a dict, got {type(value).__name__}")
    for key in value:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(allowed)}"
            where = key if path == "example" else f"{path}.{key}"
            raise ContractError(f"example field {where!r} is unknown; {hint}")
    return value


def basic_credentials(value: Any, headers: dict[str, str]) -> tuple[str, str] | None:
    """Basic credentials from ``basic`` ([user, password] or "user:password"), or decoded from a
    documented ``Authorization: Basic ...`` header (some pages show only the header)."""
    for key in [k for k in headers if k.lower() == "authorization"]:
        scheme, _, encoded = headers[key].partition(" ")
        if scheme.lower() == "basic" and value is None:
            try:
                value = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                raise ContractError("example header 'Authorization' is not valid Basic credentials") from None
            del headers[key]
    if value is None:
        return None
    if isinstance(value, str):
        user, colon, password = value.partition(":")
        if not colon:
            raise ContractError("example field 'request.basic' must be 'user:password' or [user, password]")
        return user, password
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return str(value[0]), str(value[1])
    raise ContractError("example field 'request.basic' must be 'user:password' or [user, password]")


def walk(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for k, v in value.items():
            yield from walk(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from walk(v, f"{path}[{i}]")
    else:
        yield path, value


def refuse_todo(ex: Example) -> None:
    __tracebackhide__ = True
    parts = {
        "request": ex.request.__dict__,
        "response": ex.response.__dict__,
        "settings": ex.settings,
        "expect": ex.expect,
    }
    for path, value in walk(parts, ""):
        if isinstance(value, str) and value.strip().startswith(TODO):
            raise ContractError(
                f"the example is not filled in yet: {path} is {value!r}; copy it from the "
                "provider's documentation"
            )
