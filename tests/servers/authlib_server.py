"""Authlib's own authorization server (Flask integration) on 127.0.0.1, for the standard adapters.

Run as a process: ``python authlib_server.py ACCESS_LIFETIME [--iss]``. It prints one JSON line
(port, clients, user) and serves until killed. With ``--iss`` it also names itself in every
authorization response (RFC 9207, Authlib's ``IssuerParameter``) and says so in its metadata.
Everything OAuth here is Authlib's: client authentication, the two grants that issue first
tokens (the password grant, and the authorization code grant with PKCE, RFC 7636, optional), the
refresh-token grant with rotation
(``INCLUDE_NEW_REFRESH_TOKEN`` plus revoking the used token) and the RFC 6750 resource protector.
The app only stores codes and tokens in memory, approves every authorization request as the one
test user (no login page, no consent screen), and serves an RFC 8414 metadata document
(validated by Authlib) at the OpenID discovery path.

Also Authlib's device authorization grant (RFC 8628: ``DeviceAuthorizationEndpoint`` at
/oauth/device/code and ``DeviceCodeGrant`` at the token endpoint, interval 1 s) and its RFC 7009
``RevocationEndpoint`` at /oauth/revoke, both listed in the metadata. The app stores the device
credentials; the user's decision comes from a test-only route standing in for the verification
page: ``POST /test/device/approve`` with ``user_code`` (and ``deny=1`` to refuse). Revoking either
token of a grant kills both (RFC 7009 section 2.1: "SHOULD also invalidate the access token").
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from typing import Any, ClassVar
from urllib.parse import urlsplit

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector, current_token
from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin, grants
from authlib.oauth2.rfc6749.errors import OAuth2Error
from authlib.oauth2.rfc6749.models import AuthorizationCodeMixin
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from authlib.oauth2.rfc8628 import (
    DEVICE_CODE_GRANT_TYPE,
    DeviceAuthorizationEndpoint,
    DeviceCodeGrant,
    DeviceCredentialDict,
)
from authlib.oauth2.rfc9207 import IssuerParameter
from flask import Flask, jsonify, request
from werkzeug.serving import WSGIRequestHandler, make_server

USER = {"id": 1, "username": "ada", "password": "analytical-engine"}
SCOPE = "profile email"
DEFAULT_SCOPE = "profile"  # an authorization request without scope (RFC 6749 section 3.3)
_lock = threading.Lock()


class Client(ClientMixin):  # type: ignore[misc]
    def __init__(self, client_id: str, secret: str | None, auth_method: str) -> None:
        self.client_id, self.secret, self.auth_method = client_id, secret, auth_method

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return "http://127.0.0.1/callback"

    def get_allowed_scope(self, scope: str | None) -> str:
        if scope is None:
            return DEFAULT_SCOPE
        return " ".join(s for s in scope.split() if s in SCOPE.split())

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        # The registered http://127.0.0.1/callback, on any port: "The authorization server MUST
        # allow any port to be specified at the time of the request for loopback IP redirect
        # URIs" (RFC 8252 section 7.3).
        parts = urlsplit(redirect_uri)
        return (
            parts.scheme == "http"
            and parts.hostname == "127.0.0.1"
            and parts.path == "/callback"
            and not parts.query
            and not parts.fragment
            and "@" not in parts.netloc
        )

    def check_client_secret(self, client_secret: str) -> bool:
        return self.secret is not None and client_secret == self.secret

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == self.auth_method

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in ("password", "authorization_code", "refresh_token", DEVICE_CODE_GRANT_TYPE)


class Token(TokenMixin):  # type: ignore[misc]
    def __init__(self, data: dict[str, Any], client_id: str) -> None:
        self.access_token = data["access_token"]
        self.refresh_token = data.get("refresh_token")
        self.scope = data.get("scope", "")
        self.expires_in = int(data["expires_in"])
        self.issued_at = time.time()
        self.client_id = client_id
        self.revoked = False

    def check_client(self, client: Client) -> bool:
        return self.client_id == client.client_id

    def get_scope(self) -> str:
        return str(self.scope)

    def get_expires_in(self) -> int:
        return self.expires_in

    def is_expired(self) -> bool:
        return time.time() > self.issued_at + self.expires_in

    def is_revoked(self) -> bool:
        return self.revoked

    def get_user(self) -> dict[str, Any]:
        return USER

    def get_client(self) -> Client:
        return CLIENTS[self.client_id]


class AuthorizationCode(AuthorizationCodeMixin):  # type: ignore[misc]
    def __init__(self, code: str, client_id: str, redirect_uri: str, scope: str, request: Any) -> None:
        self.code, self.client_id, self.redirect_uri, self.scope = code, client_id, redirect_uri, scope
        self.code_challenge = request.payload.data.get("code_challenge")
        self.code_challenge_method = request.payload.data.get("code_challenge_method")
        self.issued_at = time.time()

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def is_expired(self) -> bool:
        return time.time() > self.issued_at + 60


CLIENTS = {
    "basic-client": Client("basic-client", "basic-secret", "client_secret_basic"),
    "post-client": Client("post-client", "post-secret", "client_secret_post"),
    "public-client": Client("public-client", None, "none"),
}
TOKENS: list[Token] = []
CODES: dict[str, AuthorizationCode] = {}
COUNTS = {"refreshes": 0, "discoveries": 0, "authorizations": 0, "code_exchanges": 0, "revocations": 0}
DEVICES: dict[str, DeviceCredentialDict] = {}  # device_code -> what the device endpoint issued
DECISIONS: dict[str, bool] = {}  # user_code -> approved (True) or denied (False)
AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]


class PasswordGrant(grants.ResourceOwnerPasswordCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["client_secret_basic", "client_secret_post", "none"]

    def authenticate_user(self, username: str, password: str) -> dict[str, Any] | None:
        ok = username == USER["username"] and password == USER["password"]
        return USER if ok else None


class CodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["client_secret_basic", "client_secret_post", "none"]

    def save_authorization_code(self, code: str, request: Any) -> None:
        # The client's default scope when none was asked for (RFC 6749 section 3.3), decided here
        # as for the device grant: Authlib 1.6.0 applies get_allowed_scope only to a requested
        # scope, so the code, and the token bought with it, would otherwise carry none there.
        granted = request.client.get_allowed_scope(request.scope)
        client_id, redirect_uri = request.client.client_id, request.payload.redirect_uri
        item = AuthorizationCode(code, client_id, redirect_uri, granted, request)
        with _lock:
            CODES[code] = item
            COUNTS["authorizations"] += 1

    def query_authorization_code(self, code: str, client: Client) -> AuthorizationCode | None:
        with _lock:
            item = CODES.get(code)
        if item is None or item.client_id != client.client_id or item.is_expired():
            return None
        return item

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        with _lock:  # single use (RFC 6749 section 4.1.2)
            CODES.pop(authorization_code.code, None)
            COUNTS["code_exchanges"] += 1

    def authenticate_user(self, authorization_code: AuthorizationCode) -> dict[str, Any]:
        return USER


class RefreshGrant(grants.RefreshTokenGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["client_secret_basic", "client_secret_post", "none"]
    INCLUDE_NEW_REFRESH_TOKEN = True  # rotation: a new refresh token with every access token

    def authenticate_refresh_token(self, refresh_token: str) -> Token | None:
        with _lock:
            found = [t for t in TOKENS if t.refresh_token == refresh_token and not t.revoked]
        return found[0] if found else None

    def authenticate_user(self, refresh_token: Token) -> dict[str, Any]:
        return USER

    def revoke_old_credential(self, refresh_token: Token) -> None:
        with _lock:  # the used refresh token and its access token die: a reuse is invalid_grant
            refresh_token.revoked = True
            COUNTS["refreshes"] += 1


class DeviceEndpoint(DeviceAuthorizationEndpoint):  # type: ignore[misc]
    """RFC 8628 section 3.1, the client authenticated as at the token endpoint."""

    CLIENT_AUTH_METHODS: ClassVar[list[str]] = AUTH_METHODS
    INTERVAL = 1  # seconds between polls (Authlib's default, 5, only slows the tests)
    _authenticated = threading.local()

    def __init__(self, server: Any, issuer_holder: dict[str, str]) -> None:
        super().__init__(server)
        self.issuer_holder = issuer_holder

    def authenticate_client(self, request: Any) -> Any:
        client = super().authenticate_client(request)
        self._authenticated.client_id = client.get_client_id()
        return client

    def get_verification_uri(self) -> str:
        return self.issuer_holder["issuer"] + "/device"

    def save_device_credential(self, client_id: str | None, scope: str | None, data: dict[str, Any]) -> None:
        # The authenticated client, not the argument: Authlib 1.6.0 passes request.payload.client_id,
        # None for a client authenticated by HTTP Basic (later versions pass the client's id).
        owner = self._authenticated.client_id
        # The scope the grant covers, the client's default when none was asked for (RFC 6749
        # section 3.3), decided here: Authlib 1.6.0 applies get_allowed_scope only to a requested
        # scope, so a device token would otherwise carry none there.
        granted = CLIENTS[owner].get_allowed_scope(scope)
        item = DeviceCredentialDict(
            client_id=owner, scope=granted, expires_at=time.time() + int(data["expires_in"]), **data
        )
        with _lock:
            DEVICES[item["device_code"]] = item


class DeviceGrant(DeviceCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = AUTH_METHODS

    def query_device_credential(self, device_code: str) -> DeviceCredentialDict | None:
        with _lock:
            return DEVICES.get(device_code)

    def query_user_grant(self, user_code: str) -> tuple[dict[str, Any], bool] | None:
        with _lock:
            if user_code not in DECISIONS:
                return None  # authorization_pending
            approved = DECISIONS[user_code]
            if approved:  # a device code buys tokens once (RFC 8628 section 3.5)
                for code, item in list(DEVICES.items()):
                    if item["user_code"] == user_code:
                        del DEVICES[code]
        return USER, approved

    def should_slow_down(self, credential: DeviceCredentialDict) -> bool:
        return False


class Revocation(RevocationEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS: ClassVar[list[str]] = AUTH_METHODS

    def query_token(self, token_string: str, token_type_hint: str | None) -> Token | None:
        with _lock:
            for t in TOKENS:
                by_access = token_type_hint != "refresh_token" and t.access_token == token_string
                by_refresh = token_type_hint != "access_token" and t.refresh_token == token_string
                if by_access or by_refresh:
                    return t
            # A wrong hint is only a hint (RFC 7009 section 2.1): look under the other type too.
            return next((t for t in TOKENS if token_string in (t.access_token, t.refresh_token)), None)

    def revoke_token(self, token: Token, request: Any) -> None:
        with _lock:  # the refresh token and its access token together
            token.revoked = True
            COUNTS["revocations"] += 1


def save_token(data: dict[str, Any], request: Any) -> None:
    with _lock:
        TOKENS.append(Token(data, request.client.client_id))


class Validator(BearerTokenValidator):  # type: ignore[misc]
    def authenticate_token(self, token_string: str) -> Token | None:
        with _lock:
            return next((t for t in TOKENS if t.access_token == token_string), None)


class Issuer(IssuerParameter):  # type: ignore[misc]
    def __init__(self, issuer_holder: dict[str, str]) -> None:
        self.issuer_holder = issuer_holder

    def get_issuer(self) -> str | None:
        return self.issuer_holder["issuer"]


def build(lifetime: int, issuer_holder: dict[str, str], iss: bool = False) -> Flask:
    app = Flask("authlib-server")
    app.config.update(
        OAUTH2_REFRESH_TOKEN_GENERATOR=True,
        OAUTH2_TOKEN_EXPIRES_IN={
            "password": lifetime,
            "authorization_code": lifetime,
            "refresh_token": lifetime,
            DEVICE_CODE_GRANT_TYPE: lifetime,
        },
    )
    server = AuthorizationServer(app, query_client=CLIENTS.get, save_token=save_token)
    server.register_grant(PasswordGrant)
    # PKCE verified whenever the authorization request carried a challenge; not required, so a
    # client without PKCE still works (as most servers behave).
    server.register_grant(CodeGrant, [CodeChallenge(required=False)])
    server.register_grant(RefreshGrant)
    server.register_grant(DeviceGrant)
    server.register_endpoint(DeviceEndpoint(server, issuer_holder))
    server.register_endpoint(Revocation)
    if iss:
        server.register_extension(Issuer(issuer_holder))
    require_oauth = ResourceProtector()
    require_oauth.register_token_validator(Validator())

    @app.post("/oauth/token")
    def issue_token() -> Any:
        return server.create_token_response()

    @app.post("/oauth/device/code")
    def device_authorization() -> Any:
        return server.create_endpoint_response(DeviceEndpoint.ENDPOINT_NAME)

    @app.post("/oauth/revoke")
    def revoke() -> Any:
        return server.create_endpoint_response(Revocation.ENDPOINT_NAME)

    @app.post("/test/device/approve")
    def decide_device() -> Any:
        # Test-only, standing in for the verification page where the signed-in user decides.
        user_code = request.form.get("user_code", "")
        deny = request.form.get("deny", "") not in ("", "0", "false")
        with _lock:
            pending = any(item["user_code"] == user_code for item in DEVICES.values())
            if pending and user_code not in DECISIONS:
                DECISIONS[user_code] = not deny
        if not pending:
            return jsonify(error="unknown user_code"), 404
        return jsonify(user_code=user_code, approved=DECISIONS[user_code])

    @app.get("/oauth/authorize")
    def authorize() -> Any:
        # The test user is always signed in and approves at once: no login page, no consent.
        try:
            grant = server.get_consent_grant(end_user=USER)
        except OAuth2Error as error:  # redirected once the redirect URI is validated, else shown
            return server.handle_error_response(None, error)
        return server.create_authorization_response(grant=grant, grant_user=USER)

    @app.get("/.well-known/openid-configuration")
    @app.get("/.well-known/oauth-authorization-server")  # RFC 8414 section 3: the same metadata
    def metadata() -> Any:
        issuer = issuer_holder["issuer"]
        COUNTS["discoveries"] += 1
        doc = AuthorizationServerMetadata(
            {
                "issuer": issuer,
                "authorization_endpoint": issuer + "/oauth/authorize",
                "token_endpoint": issuer + "/oauth/token",
                "response_types_supported": ["code"],
                "grant_types_supported": [
                    "authorization_code",
                    "password",
                    "refresh_token",
                    DEVICE_CODE_GRANT_TYPE,
                ],
                "code_challenge_methods_supported": ["S256", "plain"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                    "none",
                ],
                "device_authorization_endpoint": issuer + "/oauth/device/code",  # RFC 8628 section 4
                "revocation_endpoint": issuer + "/oauth/revoke",  # RFC 7009, RFC 8414 section 2
                "revocation_endpoint_auth_methods_supported": AUTH_METHODS,
            }
        )
        if iss:
            doc["authorization_response_iss_parameter_supported"] = True
        doc.validate()
        return jsonify(dict(doc))

    @app.get("/api/me")
    @require_oauth("profile")
    def me() -> Any:
        return jsonify(user=current_token.get_user()["username"], scope=current_token.get_scope())

    @app.get("/stats")
    def stats() -> Any:
        return jsonify(COUNTS)

    return app


class QuietHandler(WSGIRequestHandler):
    # The test reads stderr only after the server stops: a request log could fill the pipe.
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


def main() -> None:
    # Authlib refuses plain http unless told otherwise (read per request); only this process is told.
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    lifetime = int(sys.argv[1]) if len(sys.argv) > 1 else 3600
    holder: dict[str, str] = {}
    app = build(lifetime, holder, iss="--iss" in sys.argv[2:])
    httpd = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    holder["issuer"] = f"http://127.0.0.1:{httpd.server_port}"
    clients = {c.client_id: {"secret": c.secret, "auth_method": c.auth_method} for c in CLIENTS.values()}
    print(json.dumps({"port": httpd.server_port, "clients": clients, "user": USER}), flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
