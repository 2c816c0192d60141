"""Authlib's own authorization server (Flask integration) on 127.0.0.1, for the standard adapters.

Run as a process: ``python authlib_server.py ACCESS_LIFETIME``. It prints one JSON line (port,
clients, user) and serves until killed. Everything OAuth here is Authlib's: client
authentication, the password grant that issues the first tokens, the refresh-token grant with
rotation (``INCLUDE_NEW_REFRESH_TOKEN`` plus revoking the used token) and the RFC 6750 resource
protector. The app only stores tokens in memory and serves an RFC 8414 metadata document
(validated by Authlib) at the OpenID discovery path.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from typing import Any, ClassVar

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector, current_token
from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin, grants
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from flask import Flask, jsonify
from werkzeug.serving import make_server

USER = {"id": 1, "username": "ada", "password": "analytical-engine"}
SCOPE = "profile email"
_lock = threading.Lock()


class Client(ClientMixin):  # type: ignore[misc]
    def __init__(self, client_id: str, secret: str | None, auth_method: str) -> None:
        self.client_id, self.secret, self.auth_method = client_id, secret, auth_method

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return "http://127.0.0.1/callback"

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in scope.split() if s in SCOPE.split())

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri == self.get_default_redirect_uri()

    def check_client_secret(self, client_secret: str) -> bool:
        return self.secret is not None and client_secret == self.secret

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == self.auth_method

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in ("password", "refresh_token")


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


CLIENTS = {
    "basic-client": Client("basic-client", "basic-secret", "client_secret_basic"),
    "post-client": Client("post-client", "post-secret", "client_secret_post"),
    "public-client": Client("public-client", None, "none"),
}
TOKENS: list[Token] = []
COUNTS = {"refreshes": 0, "discoveries": 0}


class PasswordGrant(grants.ResourceOwnerPasswordCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["client_secret_basic", "client_secret_post", "none"]

    def authenticate_user(self, username: str, password: str) -> dict[str, Any] | None:
        ok = username == USER["username"] and password == USER["password"]
        return USER if ok else None


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


def save_token(data: dict[str, Any], request: Any) -> None:
    with _lock:
        TOKENS.append(Token(data, request.client.client_id))


class Validator(BearerTokenValidator):  # type: ignore[misc]
    def authenticate_token(self, token_string: str) -> Token | None:
        with _lock:
            return next((t for t in TOKENS if t.access_token == token_string), None)


def build(lifetime: int, issuer_holder: dict[str, str]) -> Flask:
    app = Flask("authlib-server")
    app.config.update(
        OAUTH2_REFRESH_TOKEN_GENERATOR=True,
        OAUTH2_TOKEN_EXPIRES_IN={"password": lifetime, "refresh_token": lifetime},
    )
    server = AuthorizationServer(app, query_client=CLIENTS.get, save_token=save_token)
    server.register_grant(PasswordGrant)
    server.register_grant(RefreshGrant)
    require_oauth = ResourceProtector()
    require_oauth.register_token_validator(Validator())

    @app.post("/oauth/token")
    def issue_token() -> Any:
        return server.create_token_response()

    @app.get("/.well-known/openid-configuration")
    def metadata() -> Any:
        issuer = issuer_holder["issuer"]
        COUNTS["discoveries"] += 1
        doc = AuthorizationServerMetadata(
            {
                "issuer": issuer,
                "authorization_endpoint": issuer + "/oauth/authorize",
                "token_endpoint": issuer + "/oauth/token",
                "response_types_supported": ["code"],
                "grant_types_supported": ["password", "refresh_token"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                    "none",
                ],
            }
        )
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


def main() -> None:
    # Authlib refuses plain http unless told otherwise (read per request); only this process is told.
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    lifetime = int(sys.argv[1]) if len(sys.argv) > 1 else 3600
    holder: dict[str, str] = {}
    httpd = make_server("127.0.0.1", 0, build(lifetime, holder), threaded=True)
    holder["issuer"] = f"http://127.0.0.1:{httpd.server_port}"
    clients = {c.client_id: {"secret": c.secret, "auth_method": c.auth_method} for c in CLIENTS.values()}
    print(json.dumps({"port": httpd.server_port, "clients": clients, "user": USER}), flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
