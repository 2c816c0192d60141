"""Auth0: `POST https://{domain}/oauth/token` (auth0.md, NOTES.md).

Form-urlencoded as documented (JSON also accepted, as the real service does). The client
secret is required only from confidential applications. With refresh token rotation each
exchange spends the used token, and reusing a spent token outside the reuse interval is
treated as theft: the whole family is revoked. Rate-limited answers carry x-ratelimit-*
headers, never Retry-After.

First tokens: `GET /authorize` (PKCE S256; required from public applications), then
`grant_type=authorization_code` with `code`, `redirect_uri`, and `client_secret`
(confidential) or `code_verifier` (public). A refresh token comes back only when the scope
asked for `offline_access`, an ID token only with `openid`.
"""

from __future__ import annotations

import math
import secrets
import time
from typing import Any

from . import hs256
from .devices import DeviceCodes
from .records import RecordedRequest, Reply, json_reply, seconds
from .registry import AccessToken, Grant
from .server import Emulator

_INVALID_GRANT = {
    "error": "invalid_grant",
    "error_description": "Unknown or invalid refresh token.",
}
_ACCESS_DENIED = {"error": "access_denied", "error_description": "Unauthorized"}
_RATE_LIMIT = 30
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
# What the token endpoint answers a device code in each state (Auth0's Device Authorization
# Flow: 403 authorization_pending / access_denied / expired_token, 429 slow_down).
_DEVICE_ERRORS = {
    "unknown": (403, "invalid_grant", "Invalid or expired device code."),
    "expired": (403, "expired_token", "Device code expired"),
    "pending": (403, "authorization_pending", "User has yet to authorize device code."),
    "denied": (403, "access_denied", "User cancelled the confirmation prompt."),
}


class Auth0Emulator(Emulator):
    name = "auth0"
    token_path = "/oauth/token"
    api_paths = ("/userinfo",)
    authorize_path = "/authorize"
    pkce_methods = ("S256",)
    # Auth0's documented default access token lifetime (expires_in 86400).
    default_access_lifetime = 86400.0
    default_rotation = True

    def __init__(
        self,
        *,
        reuse_interval: float = 0,
        confidential: bool = True,
        scope: str = "openid offline_access",
        device_lifetime: float = 900.0,
        device_interval: float = 5.0,
        device_approval_delay: float = 0.0,
        **options: Any,
    ) -> None:
        if reuse_interval < 0:
            raise ValueError("reuse_interval must be >= 0")
        self.reuse_interval = float(reuse_interval)
        self.confidential = bool(confidential)
        self.pkce_required = not self.confidential
        self.scope = scope
        self._id_token_key = secrets.token_bytes(32)
        # The device flow's test user (Auth0's defaults: a 900 s code, polled every 5 s).
        self.device_interval = float(device_interval)
        self._devices = DeviceCodes(
            device_lifetime, device_approval_delay, bool(options.get("consent", True))
        )
        super().__init__(**options)

    @property
    def settings(self) -> dict[str, str]:
        settings = super().settings
        if not self.confidential:
            del settings["client_secret"]
        return settings

    def handle_token(self, req: RecordedRequest) -> Reply:
        if req.method != "POST":
            return json_reply(
                405,
                {"error": "invalid_request", "error_description": "Method not allowed"},
                {"Allow": "POST"},
            )
        if not self._client_ok(req):
            return json_reply(401, _ACCESS_DENIED)
        grant_type = req.param("grant_type")
        if grant_type == "authorization_code":
            return self._exchange(req)
        if grant_type == DEVICE_GRANT:
            return self._device_poll(req)
        if grant_type != "refresh_token":
            return json_reply(
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": f"Unsupported grant type: {grant_type}",
                },
            )
        value = req.param("refresh_token")
        if not value:
            return json_reply(
                400,
                {
                    "error": "invalid_request",
                    "error_description": "Missing required parameter: refresh_token",
                },
            )

        token = self.find_refresh(value)
        if token is None or token.grant.revoked:
            return json_reply(403, _INVALID_GRANT)
        if token.expires_at is not None and time.time() >= token.expires_at:
            return json_reply(403, _INVALID_GRANT)

        granted = token.grant.scope.split()
        requested = req.param("scope")
        if requested is not None and not set(requested.split()) <= set(granted):
            return json_reply(
                403,
                {
                    "error": "invalid_scope",
                    "error_description": "Scope must be a subset of the granted scope.",
                },
            )
        scope = " ".join(requested.split()) if requested else token.grant.scope

        spent_at = token.rotated_at if self.rotation else None
        reused = spent_at is not None
        if spent_at is not None and time.time() - spent_at > self.reuse_interval:
            # Reuse of a spent token means two parties hold the family: revoke it all.
            self.revoke_family(token.grant)
            return json_reply(403, _INVALID_GRANT)

        access = self.issue_access(token.grant, scope)
        body: dict[str, Any] = {
            "access_token": access.value,
            "expires_in": seconds(self.access_lifetime),
            "scope": scope,
            "token_type": "Bearer",
        }
        if "openid" in scope.split():
            body["id_token"] = self._id_token(access)
        if self.rotation:
            # Inside the reuse interval the spent token keeps its original spend time, so
            # the interval is not extended by reusing it.
            successor = self.issue_refresh(token.grant) if reused else self.rotate(token)
            body["refresh_token"] = successor.value
        return json_reply(200, body)

    def _exchange(self, req: RecordedRequest) -> Reply:
        client_id = req.basic_auth[0] if req.basic_auth else req.param("client_id")
        grant = self.exchange_code(
            req.param("code"), client_id, req.param("redirect_uri"), req.param("code_verifier")
        )
        if isinstance(grant, str):
            return json_reply(403, {"error": "invalid_grant", "error_description": grant})
        access = self.issue_access(grant)
        body: dict[str, Any] = {
            "access_token": access.value,
            "expires_in": seconds(self.access_lifetime),
            "scope": grant.scope,
            "token_type": "Bearer",
        }
        if "openid" in grant.scope.split():
            body["id_token"] = self._id_token(access)
        if "offline_access" in grant.scope.split():
            body["refresh_token"] = self.issue_refresh(grant).value
        return json_reply(200, body)

    def _client_ok(self, req: RecordedRequest) -> bool:
        client_id, client_secret = req.basic_auth or (
            req.param("client_id"),
            req.param("client_secret"),
        )
        if not client_secret and not self.confidential:
            # A public application identifies itself by client_id alone; a secret it does
            # send must still be the right one.
            return self.client_id_matches(client_id)
        return self.client_matches(client_id, client_secret)

    def _id_token(self, access: AccessToken) -> str:
        # Auth0 signs HS256 ID tokens with the client secret; a public app has none to share.
        key = self.client_secret.encode() if self.confidential else self._id_token_key
        claims = {
            "iss": self.base_url + "/",
            "sub": access.grant.sub,
            "aud": self.client_id,
            "iat": int(access.issued_at),
            "exp": math.ceil(access.expires_at),
        }
        return hs256.encode(claims, key)

    def handle_other(self, req: RecordedRequest) -> Reply:
        if req.path == "/.well-known/openid-configuration" and req.method in ("GET", "HEAD"):
            return json_reply(200, self.discovery())
        if req.path == "/oauth/device/code" and req.method == "POST":
            with self._lock:
                return self._device_code(req)
        if req.path == "/oauth/revoke" and req.method == "POST":
            with self._lock:
                return self._revoke(req)
        return self.not_found()

    # Device Authorization Flow: POST /oauth/device/code (client_id, scope), then the token
    # endpoint with grant_type urn:ietf:params:oauth:grant-type:device_code and device_code.
    def _device_code(self, req: RecordedRequest) -> Reply:
        if not self.client_id_matches(req.param("client_id")):
            return json_reply(401, {"error": "unauthorized_client", "error_description": "Unknown client"})
        code = self._devices.issue()
        return json_reply(
            200,
            {
                "device_code": code.device_code,
                "user_code": code.user_code,
                "verification_uri": self.base_url + "/activate",
                "verification_uri_complete": f"{self.base_url}/activate?user_code={code.user_code}",
                "expires_in": seconds(self._devices.lifetime),
                "interval": seconds(self.device_interval),
            },
        )

    def _device_poll(self, req: RecordedRequest) -> Reply:
        if not self.client_id_matches(req.param("client_id")):
            return json_reply(401, _ACCESS_DENIED)
        state = self._devices.answer(req.param("device_code"))
        if state != "approved":
            status, code, text = _DEVICE_ERRORS[state]
            return json_reply(status, {"error": code, "error_description": text})
        grant = self._registry.add_grant(Grant(self.new_subject(), self.scope))
        access = self.issue_access(grant)
        body: dict[str, Any] = {
            "access_token": access.value,
            "expires_in": seconds(self.access_lifetime),
            "scope": grant.scope,
            "token_type": "Bearer",
            "refresh_token": self.issue_refresh(grant).value,
        }
        if "openid" in grant.scope.split():
            body["id_token"] = self._id_token(access)
        return json_reply(200, body)

    # Revoke Refresh Token: POST /oauth/revoke (client_id, client_secret for confidential
    # applications, token); 200 with an empty body, also for an unknown token.
    def _revoke(self, req: RecordedRequest) -> Reply:
        if not self._client_ok(req):
            return json_reply(401, _ACCESS_DENIED)
        token = self.find_refresh(req.param("token"))
        if token is not None:
            self.revoke_family(token.grant)
        return Reply(200, b"", "")

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.base_url + "/",
            "authorization_endpoint": self.base_url + "/authorize",
            "token_endpoint": self.token_url,
            "userinfo_endpoint": self.api_url,
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
                "none",
            ],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "response_types_supported": ["code"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "id_token_signing_alg_values_supported": ["HS256"],
        }

    def rate_limited(self, reset_in: float) -> Reply:
        return json_reply(
            429,
            {"error": "too_many_requests", "error_description": "Global limit has been reached"},
            {
                "x-ratelimit-limit": str(_RATE_LIMIT),
                "x-ratelimit-remaining": "0",
                "x-ratelimit-reset": str(math.ceil(time.time() + reset_in)),
            },
        )

    def new_subject(self) -> str:
        return "auth0|" + secrets.token_hex(12)
