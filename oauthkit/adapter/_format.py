"""The adapter format as a Markdown table, generated from the dataclasses so it cannot drift.

docs/DESIGN.md holds the output of ``format_table()`` between two markers; a test compares them.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, get_args

from ._adapter import Adapter
from ._spec import (
    DEVICE_GRANT_TYPE,
    EXCHANGE_GRANT_TYPE,
    LOGIN_GRANT_TYPE,
    AuthorizeSpec,
    ClientAuth,
    ClientAuthKind,
    DeviceSpec,
    Encoding,
    ErrorSpec,
    Expiry,
    ExpiryKind,
    LoginSpec,
    Method,
    PkceMethod,
    RequestSpec,
    ResponseSpec,
    RevokeSpec,
    RevokeTokens,
    Rotation,
    Setting,
    TimestampFormat,
)
from ._validate import _EXCHANGE_INHERITS, _LOGIN_INHERITS, _REVOKE_INHERITS

# Where a default is a rule the validator applies rather than a value a field holds.
_RULES: dict[tuple[type[Any], str], str] = {
    (Adapter, "title"): "the name",
    (Adapter, "docs"): '`""`',
    (Adapter, "settings"): "`refresh_token` (secret) is always added",
    (Setting, "required"): "`True` without a `default`, else `False`",
}
_ALIASES: dict[str, Any] = {
    "Method": Method,
    "Encoding": Encoding,
    "ClientAuth": ClientAuth,
    "ClientAuthKind": ClientAuthKind,
    "Rotation": Rotation,
    "ExpiryKind": ExpiryKind,
    "TimestampFormat": TimestampFormat,
    "PkceMethod": PkceMethod,
    "RevokeTokens": RevokeTokens,
}


def _show(value: Any) -> str:
    """A default as an adapter dict would write it."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        written = {
            f.name: getattr(value, f.name)
            for f in dataclasses.fields(value)
            if f.default is dataclasses.MISSING or getattr(value, f.name) != f.default
        }
        return "`" + json.dumps(written) + "`" if written else "the defaults of its keys"
    if isinstance(value, (tuple, list)):
        return "`" + json.dumps(list(value)) + "`"
    if isinstance(value, str):
        return "`" + json.dumps(value) + "`"
    return f"`{value!r}`" if value is not None else "`None`"


def _type(f: dataclasses.Field[Any]) -> str:
    return "`" + str(f.type).replace("|", "\\|") + "`"  # a bare | would end the table cell


def _default(cls: type[Any], f: dataclasses.Field[Any]) -> str:
    if (cls, f.name) in _RULES:
        return _RULES[(cls, f.name)]
    if f.default is not dataclasses.MISSING:
        return _show(f.default)
    if f.default_factory is not dataclasses.MISSING:
        return _show(f.default_factory())
    return "required"


def _rows(prefix: str, cls: type[Any], without: tuple[str, ...] = ()) -> list[str]:
    return [
        f"| `{prefix}{f.name}` | {_type(f)} | {_default(cls, f)} |"
        for f in dataclasses.fields(cls)
        if f.name not in without
    ]


def _first_token_rows(prefix: str, inherits: tuple[str, ...], grant: str | None) -> list[str]:
    rows = []
    for f in dataclasses.fields(RequestSpec):
        if f.name == "names" and f.name in inherits:
            default = "the refresh request's that apply, then these"
        elif f.name in inherits:
            default = "the refresh request's"
        elif f.name == "grant_type":
            default = _show(grant)
        else:
            default = _default(RequestSpec, f)
        rows.append(f"| `{prefix}{f.name}` | {_type(f)} | {default} |")
    rows.append(f"| `{prefix}response` | `ResponseSpec` | the adapter's `response`, key by key |")
    rows.append(f"| `{prefix}errors` | `ErrorSpec` | the adapter's `errors`, key by key |")
    return rows


def _revoke_rows() -> list[str]:
    """The revocation request: a RequestSpec whose keys sit at ``revoke.`` beside its own."""
    rows = []
    for f in dataclasses.fields(RequestSpec):
        if f.name in _REVOKE_INHERITS:
            default = "the refresh request's"
        elif f.name == "grant_type":
            default = _show(None)
        else:
            default = _default(RequestSpec, f)
        rows.append(f"| `revoke.{f.name}` | {_type(f)} | {default} |")
    return rows


def format_table() -> str:
    """Every key of an adapter dict with its type and default (Markdown), then the allowed values."""
    lines = ["| key | type | default |", "|---|---|---|"]
    lines += _rows("", Adapter, without=("source",))
    lines += _rows("settings.NAME.", Setting, without=("name",))
    lines += _rows("request.", RequestSpec)
    lines += _rows("response.", ResponseSpec)
    lines += _rows("response.expires.", Expiry)
    lines += _rows("errors.", ErrorSpec)
    lines += _rows("authorize.", AuthorizeSpec, without=("exchange",))
    lines += _first_token_rows("authorize.exchange.", _EXCHANGE_INHERITS, EXCHANGE_GRANT_TYPE)
    lines += _rows("login.", LoginSpec, without=("exchange",))
    lines += _first_token_rows("login.", _LOGIN_INHERITS, LOGIN_GRANT_TYPE)
    lines += _rows("device.", DeviceSpec, without=("poll",))
    lines += _first_token_rows("device.poll.", _EXCHANGE_INHERITS, DEVICE_GRANT_TYPE)
    lines += _rows("revoke.", RevokeSpec, without=("request",))
    lines += _revoke_rows()
    lines += ["", "| type | values |", "|---|---|"]
    bar = " \\| "  # a | inside a Markdown table cell
    for name, alias in _ALIASES.items():
        lines.append(f"| `{name}` | {bar.join(_show(v) for v in get_args(alias))} |")
    return "\n".join(lines) + "\n"
