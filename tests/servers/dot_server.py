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

Also django-oauth-toolkit's device authorization grant (RFC 8628, since 3.0: /o/device-authorization/,
polling at /o/token/, interval 1 s) for two more applications (confidential and public, grant type
device code), approved or denied through its own verification pages (POST /o/device/ with the
user_code, then POST /o/device-confirm/<client_id>/<user_code> with action=accept or deny; the
middleware signs the test user in there too), and its RFC 7009 revocation endpoint
(/o/revoke_token/, always there). Its RFC 8414 metadata (/o/.well-known/oauth-authorization-server)
lists the revocation endpoint but not the device authorization endpoint; its OpenID discovery
lists neither.

Two shims, for django-oauth-toolkit 3.4.1 on oauthlib 4 (each applied only while needed, and
named in the JSON line under "shims"): without them every device flow ends in a 500.
- ``device_authorization``: django-oauth-toolkit builds its ``DeviceCodeResponse`` from every
  field of oauthlib's answer, and oauthlib 4 added ``scope`` to it, which ``DeviceCodeResponse``
  does not take (TypeError). The shim hands it only the fields ``DeviceCodeResponse`` declares;
  the request, its validation and the answer stay django-oauth-toolkit's.
- ``device_validator``: oauthlib 4's device code grant asks the request validator
  ``validate_device_code`` for the device code's status, which django-oauth-toolkit's
  ``OAuth2Validator`` lacks (AttributeError). The shim answers it from django-oauth-toolkit's own
  ``DeviceGrant`` row (its status, set by its verification pages); django-oauth-toolkit's token
  view has already answered pending, denied and expired codes before oauthlib is asked, and its
  pre-token hook sets the user and scope.
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
DEVICE_CONFIDENTIAL = {"client_id": "dot-device-confidential", "secret": "dot-device-secret-5b1d"}
DEVICE_PUBLIC = {"client_id": "dot-device-public"}
# Registered once, matched on any port (django-oauth-toolkit's RFC 8252 loopback rule).
REDIRECT_URI = "http://127.0.0.1/callback"


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def signed_in(get_response: Any) -> Any:
    """Middleware: on the authorization endpoint and the device verification pages the test user
    is always signed in (the only pages that need a user; no sessions, no login form)."""

    def middleware(request: Any) -> Any:
        if request.path.startswith(("/o/authorize", "/o/device/", "/o/device-confirm/")):
            from django.contrib.auth import get_user_model

            request.user = get_user_model().objects.get(username=USER["username"])
        return get_response(request)

    return middleware


def me(request: Any) -> Any:
    from django.http import JsonResponse

    return JsonResponse({"user": request.resource_owner.username})


def device_authorization() -> Any:
    """django-oauth-toolkit's device authorization view, given only the answer fields its
    ``DeviceCodeResponse`` declares (see the module docstring)."""
    import dataclasses

    from oauth2_provider.models import DeviceCodeResponse
    from oauth2_provider.views import DeviceAuthorizationView

    known = {f.name for f in dataclasses.fields(DeviceCodeResponse)}

    if "scope" not in known:
        SHIMS.append("device_authorization")

    class View(DeviceAuthorizationView):  # type: ignore[misc]
        def create_device_authorization_response(self, request: Any) -> Any:
            headers, response, status = super().create_device_authorization_response(request)
            if status == 200 and isinstance(response, dict):
                response = {k: v for k, v in response.items() if k in known}
            return headers, response, status

    return View.as_view()


def device_validator() -> Any | None:
    """django-oauth-toolkit's request validator with oauthlib 4's ``validate_device_code`` (see
    the module docstring); None when oauthlib does not ask for it or the validator has it."""
    from oauth2_provider.models import get_device_grant_model
    from oauth2_provider.oauth2_validators import OAuth2Validator
    from oauthlib.oauth2.rfc8628.grant_types import DeviceCodeGrant

    if not hasattr(DeviceCodeGrant, "DEVICE_CODE_AUTHORIZED") or hasattr(
        OAuth2Validator, "validate_device_code"
    ):
        return None
    model = get_device_grant_model()
    statuses = {
        model.AUTHORIZED: DeviceCodeGrant.DEVICE_CODE_AUTHORIZED,
        model.AUTHORIZATION_PENDING: DeviceCodeGrant.DEVICE_CODE_PENDING,
        model.DENIED: DeviceCodeGrant.DEVICE_CODE_DENIED,
        model.EXPIRED: DeviceCodeGrant.DEVICE_CODE_EXPIRED,
    }

    class Validator(OAuth2Validator):  # type: ignore[misc]
        def validate_device_code(
            self, client_id: str, code: str, request: Any, *args: Any, **kwargs: Any
        ) -> Any:
            device = model.objects.filter(device_code=code, client_id=request.client.client_id).first()
            if device is None:
                return None  # invalid_grant
            return DeviceCodeGrant.DEVICE_CODE_EXPIRED if device.is_expired() else statuses.get(device.status)

    return Validator


def configure(lifetime: int, origin: str) -> None:
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
            # RFC 8628 section 3.2: REQUIRED in the answer; django-oauth-toolkit has no default
            "OAUTH_DEVICE_VERIFICATION_URI": origin + "/o/device/",
            "DEVICE_FLOW_INTERVAL": 1,  # seconds between polls (its default, 5, only slows the tests)
        },
    )
    django.setup()
    validator = device_validator()
    if validator is not None:
        from oauth2_provider.settings import oauth2_settings

        settings.OAUTH2_PROVIDER["OAUTH2_VALIDATOR_CLASS"] = validator
        oauth2_settings.reload()
        SHIMS.append("device_validator")


urlpatterns: list[Any] = []
SHIMS: list[str] = []  # the shims applied (see the module docstring)


def build_urls() -> None:
    from oauth2_provider.decorators import protected_resource

    urlpatterns[:] = [
        path("o/device-authorization/", device_authorization()),  # before django-oauth-toolkit's own
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
    device = {**common, "authorization_grant_type": app.GRANT_DEVICE_CODE}
    app.objects.create(
        name="device-confidential",
        client_id=DEVICE_CONFIDENTIAL["client_id"],
        client_secret=DEVICE_CONFIDENTIAL["secret"],
        client_type=app.CLIENT_CONFIDENTIAL,
        **device,
    )
    app.objects.create(
        name="device-public", client_id=DEVICE_PUBLIC["client_id"], client_type=app.CLIENT_PUBLIC, **device
    )


def main() -> None:
    lifetime = int(sys.argv[1])
    wsgi: list[Any] = []  # the Django application, once configured with the port it listens on
    httpd = make_server("127.0.0.1", 0, lambda env, start: wsgi[0](env, start), handler_class=QuietHandler)
    configure(lifetime, f"http://127.0.0.1:{httpd.server_port}")
    build_urls()
    seed()
    from django.core.wsgi import get_wsgi_application

    wsgi.append(get_wsgi_application())
    info = {
        "port": httpd.server_port,
        "confidential": CONFIDENTIAL,
        "public": PUBLIC,
        "code_confidential": CODE_CONFIDENTIAL,
        "code_public": CODE_PUBLIC,
        "device_confidential": DEVICE_CONFIDENTIAL,
        "device_public": DEVICE_PUBLIC,
        "shims": SHIMS,
        "user": USER,
    }
    print(json.dumps(info), flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
