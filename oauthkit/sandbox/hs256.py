"""Minimal HS256 JSON Web Tokens (RFC 7519), enough to issue and check the sandbox's own."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

_HEADER = {"alg": "HS256", "typ": "JWT"}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _segment(obj: Mapping[str, Any]) -> str:
    return b64url(json.dumps(obj, separators=(",", ":")).encode())


def _sign(signing_input: str, key: bytes) -> str:
    return b64url(hmac.new(key, signing_input.encode("ascii"), hashlib.sha256).digest())


def encode(claims: Mapping[str, Any], key: bytes) -> str:
    signing_input = f"{_segment(_HEADER)}.{_segment(claims)}"
    return f"{signing_input}.{_sign(signing_input, key)}"


def decode(token: str, key: bytes) -> dict[str, Any] | None:
    """The claims when the signature is valid and the header says HS256, else None.
    Expiry is not checked here: callers decide what time means."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    header_b64, claims_b64, signature = parts
    if not hmac.compare_digest(_sign(f"{header_b64}.{claims_b64}", key), signature):
        return None
    try:
        header = json.loads(b64url_decode(header_b64))
        claims = json.loads(b64url_decode(claims_b64))
    except (ValueError, binascii.Error):
        return None
    if not isinstance(header, dict) or header.get("alg") != "HS256" or not isinstance(claims, dict):
        return None
    return claims
