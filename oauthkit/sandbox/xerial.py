"""Xerial: `POST {base}/auth/refresh-tokens` with a JSON `{"refreshToken"}` (xerial.md, NOTES.md).

No client credentials. The API follows a widely used Express boilerplate: tokens are
HS256 JWTs (`sub, iat, exp, type`), access lives 30 minutes and refresh 30 days, and each
refresh deletes the used refresh token before issuing a new pair, so reuse gets 401.
Expiry times are ISO-8601 timestamps, not durations. Errors are `{code, message}`; the
server's own 401 message is "Please authenticate" (lowercase, unlike the docs' example).

First tokens: `POST {base}/auth/login` with JSON `{"email", "password"}` for the test user
`user_email` / `user_password`; the answer is `{"user": {...}, "tokens": {...}}` (the refresh
answer's shape under `tokens`), or 401 `{"code":401,"message":"Incorrect email or password"}`.
"""

from __future__ import annotations

import hmac
import math
import secrets
import time
from datetime import datetime, timezone
from typing import Any

from . import hs256
from .records import RecordedRequest, Reply, json_reply
from .registry import Grant, RefreshToken
from .server import Emulator

_UNAUTHENTICATED = {"code": 401, "message": "Please authenticate"}
_BAD_LOGIN = {"code": 401, "message": "Incorrect email or password"}
_THIRTY_DAYS = 30 * 24 * 3600.0


def _bad_request(message: str) -> Reply:
    return json_reply(400, {"code": 400, "message": message})


def iso_ms(timestamp: float) -> str:
    """`2020-05-12T16:18:04.793Z`, as JavaScript's Date.toISOString() writes it."""
    millis = round(timestamp * 1000)
    moment = datetime.fromtimestamp(millis // 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{millis % 1000:03d}Z"


class XerialEmulator(Emulator):
    name = "xerial"
    base_path = "/v1"
    token_path = "/v1/auth/refresh-tokens"
    api_paths = ("/v1/wallet", "/v1/me")
    login_path = "/v1/auth/login"
    setting_keys = ("base_url", "refresh_token")
    default_access_lifetime = 1800.0
    default_refresh_lifetime = _THIRTY_DAYS
    default_rotation = True

    def __init__(
        self,
        *,
        user_email: str = "sandbox-user@example.com",
        user_password: str | None = None,
        **options: Any,
    ) -> None:
        self._jwt_secret = secrets.token_bytes(32)
        # The one test user who can log in; their id is the subject of every token.
        self.user_email = user_email
        self.user_password = user_password or secrets.token_urlsafe(12)
        super().__init__(**options)

    def handle_login(self, req: RecordedRequest) -> Reply:
        if req.method != "POST":
            return self.not_found()
        body = req.json if isinstance(req.json, dict) else {}
        for field in ("email", "password"):
            if not isinstance(body.get(field), str) or not body[field]:
                return _bad_request(f'"{field}" is required')
        email_ok = hmac.compare_digest(body["email"].lower().encode(), self.user_email.lower().encode())
        password_ok = hmac.compare_digest(body["password"].encode(), self.user_password.encode())
        if not (email_ok and password_ok):
            return json_reply(401, _BAD_LOGIN)
        grant = self._registry.add_grant(Grant(self._sub, self.scope))
        refresh = self.issue_refresh(grant)
        access = self.issue_access(grant)
        user = {"id": self._sub, "email": self.user_email, "name": "Sandbox User", "role": "user"}
        return json_reply(200, {"user": user, "tokens": self._pair(access.value, access.expires_at, refresh)})

    def _pair(self, access: str, access_expires: float, refresh: RefreshToken) -> dict[str, Any]:
        return {
            "access": {"token": access, "expires": iso_ms(access_expires)},
            "refresh": {
                "token": refresh.value,
                "expires": None if refresh.expires_at is None else iso_ms(refresh.expires_at),
            },
        }

    def handle_token(self, req: RecordedRequest) -> Reply:
        if req.method != "POST":
            return self.not_found()
        body = req.json if isinstance(req.json, dict) else {}
        value = body.get("refreshToken")
        if value is None:
            return _bad_request('"refreshToken" is required')
        if not isinstance(value, str):
            return _bad_request('"refreshToken" must be a string')
        if not value:
            return _bad_request('"refreshToken" is not allowed to be empty')

        claims = hs256.decode(value, self._jwt_secret)
        token = self.find_refresh(value)
        if claims is None or claims.get("type") != "refresh" or token is None:
            return json_reply(401, _UNAUTHENTICATED)
        if token.problem(time.time()):
            return json_reply(401, _UNAUTHENTICATED)

        if self.rotation:
            self.delete_refresh(token)
            refresh = self.issue_refresh(token.grant)
        else:
            refresh = token
        access = self.issue_access(token.grant)
        return json_reply(200, self._pair(access.value, access.expires_at, refresh))

    # Times are kept to the millisecond so that the JWT, the ISO string and the server's
    # own check agree exactly.
    def expiry(self, issued_at: float, lifetime: float) -> float:
        return round((issued_at + lifetime) * 1000) / 1000

    def mint_access(self, grant: Grant, issued_at: float, expires_at: float) -> str:
        return self._jwt(grant, issued_at, expires_at, "access")

    def mint_refresh(self, grant: Grant, issued_at: float, expires_at: float | None) -> str:
        return self._jwt(grant, issued_at, expires_at, "refresh")

    def _jwt(self, grant: Grant, issued_at: float, expires_at: float | None, kind: str) -> str:
        claims: dict[str, Any] = {"sub": grant.sub, "iat": math.floor(issued_at)}
        if expires_at is not None:
            # RFC 7519 NumericDate may be fractional; sub-second test lifetimes need it.
            claims["exp"] = int(expires_at) if expires_at.is_integer() else expires_at
        claims["type"] = kind
        # Tokens minted in the same millisecond for the same user would otherwise be
        # byte-identical; a random jti keeps every token distinct.
        claims["jti"] = secrets.token_hex(8)
        return hs256.encode(claims, self._jwt_secret)

    def unauthorized(self) -> Reply:
        return json_reply(401, _UNAUTHENTICATED)

    def not_found(self) -> Reply:
        return json_reply(404, {"code": 404, "message": "Not found"})

    def method_not_allowed(self, allow: str) -> Reply:
        return self.not_found()

    def rate_limited(self, reset_in: float) -> Reply:
        # express-rate-limit's stock answer: plain text, with Retry-After.
        return Reply(
            429,
            b"Too many requests, please try again later.",
            "text/html; charset=utf-8",
            {"Retry-After": str(math.ceil(reset_in))},
        )

    def new_subject(self) -> str:
        # A MongoDB ObjectId, like the boilerplate's user ids.
        return secrets.token_hex(12)
