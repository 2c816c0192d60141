"""django-oauth-toolkit on 127.0.0.1, for the standard adapters.

Run as a process: ``python dot_server.py ACCESS_LIFETIME``. It migrates a fresh in-memory SQLite
database (served from the migrating thread, so it lives as long as the process), creates a user
and four applications (confidential and public, for the password grant and for the authorization
code grant: a django-oauth-toolkit application has one grant type), prints one JSON line (port,
clients, user) and serves until killed. Everything OAuth here is django-oauth-toolkit's (on
oauthlib): the authorization endpoint (PKCE required, its default; loopback redirect URIs on any
port, RFC 8252 section 7.3, its own matching), the token endpoint with refresh-token rotation
(``ROTATE_REFRESH_TOKEN``, no grace period), OpenID Connect discovery and a protected view. The
test user is signed in on the authorization endpoint by a middleware, and the code applications
skip the consent screen (``skip_authorization``), so an authorization request is approved at once.
"""

from __future__ import annotations

import json
import sys
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import django
from django.conf import settings
from django.urls import include, path

USER = {"username": "grace", "password": "cobol-1959"}
CONFIDENTIAL = {"client_id": "dot-confidential", "secret": "dot-secret-7f3a"}
PUBLIC = {"client_id": "dot-public"}
CODE_CONFIDENTIAL = {"client_id": "dot-code-confidential", "secret": "dot-code-secret-2c9e"}
CODE_PUBLIC = {"client_id": "dot-code-public"}
# Registered once, matched on any port (django-oauth-toolkit's RFC 8252 loopback rule).
REDIRECT_URI = "http://127.0.0.1/callback"


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def signed_in(get_response: Any) -> Any:
    """Middleware: on the authorization endpoint the test user is always signed in (the only page
    that needs a user; no sessions, no login form)."""

    def middleware(request: Any) -> Any:
        if request.path.startswith("/o/authorize"):
            from django.contrib.auth import get_user_model

            request.user = get_user_model().objects.get(username=USER["username"])
        return get_response(request)

    return middleware


def me(request: Any) -> Any:
    from django.http import JsonResponse

    return JsonResponse({"user": request.resource_owner.username})


def configure(lifetime: int) -> None:
    from jwcrypto import jwk

    key = jwk.JWK.generate(kty="RSA", size=2048).export_to_pem(private_key=True, password=None)
    settings.configure(
        DEBUG=False,
        SECRET_KEY="oauthkit-test-only",
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "oauth2_provider"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        MIDDLEWARE=[f"{__name__}.signed_in"],
        # For django-oauth-toolkit's own error page (e.g. an unregistered redirect URI).
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}],
        USE_TZ=True,
        # Hashing is slow on purpose; nothing here needs it to be.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        OAUTH2_PROVIDER={
            "ACCESS_TOKEN_EXPIRE_SECONDS": lifetime,
            "ROTATE_REFRESH_TOKEN": True,
            "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,  # a used refresh token is dead at once
            "OIDC_ENABLED": True,
            "OIDC_RSA_PRIVATE_KEY": key.decode(),
            "SCOPES": {"openid": "OpenID Connect", "read": "read"},
            "DEFAULT_SCOPES": ["read"],
        },
    )
    django.setup()


urlpatterns: list[Any] = []


def build_urls() -> None:
    from oauth2_provider.decorators import protected_resource

    urlpatterns[:] = [
        path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
        path("api/me", protected_resource(scopes=["read"])(me)),
    ]


def seed() -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from oauth2_provider.models import get_application_model

    call_command("migrate", verbosity=0, interactive=False)
    user = get_user_model().objects.create_user(USER["username"], password=USER["password"])
    app = get_application_model()
    common = {"user": user, "authorization_grant_type": app.GRANT_PASSWORD, "algorithm": app.RS256_ALGORITHM}
    app.objects.create(
        name="confidential",
        client_id=CONFIDENTIAL["client_id"],
        client_secret=CONFIDENTIAL["secret"],
        client_type=app.CLIENT_CONFIDENTIAL,
        **common,
    )
    app.objects.create(name="public", client_id=PUBLIC["client_id"], client_type=app.CLIENT_PUBLIC, **common)
    code = {
        **common,
        "authorization_grant_type": app.GRANT_AUTHORIZATION_CODE,
        "redirect_uris": REDIRECT_URI,
        "skip_authorization": True,  # in-house application: no consent screen
    }
    app.objects.create(
        name="code-confidential",
        client_id=CODE_CONFIDENTIAL["client_id"],
        client_secret=CODE_CONFIDENTIAL["secret"],
        client_type=app.CLIENT_CONFIDENTIAL,
        **code,
    )
    app.objects.create(
        name="code-public", client_id=CODE_PUBLIC["client_id"], client_type=app.CLIENT_PUBLIC, **code
    )


def main() -> None:
    lifetime = int(sys.argv[1])
    configure(lifetime)
    build_urls()
    seed()
    from django.core.wsgi import get_wsgi_application

    httpd = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=QuietHandler)
    info = {
        "port": httpd.server_port,
        "confidential": CONFIDENTIAL,
        "public": PUBLIC,
        "code_confidential": CODE_CONFIDENTIAL,
        "code_public": CODE_PUBLIC,
        "user": USER,
    }
    print(json.dumps(info), flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
