"""Adapter spec: how one provider's documented token requests and answers look.

An adapter is data. A module in ``adapters/`` holds a dict named ``ADAPTER``; ``Adapter.from_dict``
validates it and raises ``AdapterError`` naming the adapter, the field and what is wrong. No I/O
happens here: the bridge to Authlib (``session.py``) and the answer reader (``response.py``)
interpret these fields.

The dict mirrors the dataclasses: each section (``request``, ``response``, ``errors``,
``authorize``, ``login``, each entry of ``settings``) takes the fields of its dataclass in
``_spec.py`` as keys, and a key left out takes that field's default. Every key with its type and
default is listed in docs/DESIGN.md ("The adapter format"), generated from these dataclasses by
``format_table()`` and checked by the test suite.
"""

from __future__ import annotations

from ._adapter import Adapter
from ._spec import (
    ANSWER_ENCODINGS,
    CLIENT_AUTH_METHODS,
    CLIENT_AUTHS,
    DEVICE_FIELDS,
    DEVICE_GRANT_TYPE,
    ENCODINGS,
    EXCHANGE_GRANT_TYPE,
    EXCHANGE_WIRE_NAMES,
    EXPIRY_KINDS,
    IMPLICIT_SETTINGS,
    LOGIN_GRANT_TYPE,
    METHODS,
    PKCE_METHODS,
    ROTATIONS,
    TIMESTAMP_FORMATS,
    WIRE_NAMES,
    AnswerEncoding,
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
    ResponseHook,
    ResponseSpec,
    RevokeSpec,
    Rotation,
    Setting,
    TimestampFormat,
    TokenRequest,
    choose_client_auth,
    client_auth_kind,
    default_of,
    template_fields,
)


def format_table() -> str:
    """Every key of an adapter dict with its type and default, as Markdown (docs/DESIGN.md)."""
    from ._format import format_table as table  # only the docs and their test need it

    return table()


__all__ = [
    "ANSWER_ENCODINGS",
    "CLIENT_AUTHS",
    "CLIENT_AUTH_METHODS",
    "DEVICE_FIELDS",
    "DEVICE_GRANT_TYPE",
    "ENCODINGS",
    "EXCHANGE_GRANT_TYPE",
    "EXCHANGE_WIRE_NAMES",
    "EXPIRY_KINDS",
    "IMPLICIT_SETTINGS",
    "LOGIN_GRANT_TYPE",
    "METHODS",
    "PKCE_METHODS",
    "ROTATIONS",
    "TIMESTAMP_FORMATS",
    "WIRE_NAMES",
    "Adapter",
    "AnswerEncoding",
    "AuthorizeSpec",
    "ClientAuth",
    "ClientAuthKind",
    "DeviceSpec",
    "Encoding",
    "ErrorSpec",
    "Expiry",
    "ExpiryKind",
    "LoginSpec",
    "Method",
    "PkceMethod",
    "RequestSpec",
    "ResponseHook",
    "ResponseSpec",
    "RevokeSpec",
    "Rotation",
    "Setting",
    "TimestampFormat",
    "TokenRequest",
    "choose_client_auth",
    "client_auth_kind",
    "default_of",
    "format_table",
    "template_fields",
]
