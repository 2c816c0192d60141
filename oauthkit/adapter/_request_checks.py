"""The checks for the requests an adapter describes: its settings, each token request's
method, encoding, client auth, names, fixed parameters and headers, and what a first-token
request inherits from the refresh request."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._answer_checks import AnswerChecks
from ._spec import (
    CLIENT_AUTHS,
    ENCODINGS,
    IMPLICIT_SETTINGS,
    METHODS,
    WIRE_NAMES,
    RequestSpec,
    Setting,
    TokenRequest,
    default_of,
    keys_of,
    template_fields,
)

_REQUEST_KEYS = keys_of(RequestSpec)
# RFC 9110 token characters; the headers a request builds itself are not the adapter's to set.
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_OWN_HEADERS = frozenset({"authorization", "content-type", "content-length", "transfer-encoding", "host"})


class RequestChecks(AnswerChecks):
    """Reads ``settings``, ``request`` and the token requests of the first-token sections."""

    def settings(self, value: Any) -> tuple[Setting, ...]:
        raw: dict[str, Any] = dict(
            self.mapping(value, "settings", tuple(value) if isinstance(value, Mapping) else ())
        )
        for implicit, spec in IMPLICIT_SETTINGS.items():
            raw.setdefault(implicit, spec)
        result = []
        for sname, spec in raw.items():
            path = f"settings.{sname}"
            if not isinstance(sname, str) or not sname.isidentifier() or sname != sname.lower():
                raise self.fail(path, "must be a lower-case identifier")
            given = self.mapping(spec, path, keys_of(Setting, without=("name",)))
            default = given.get("default")
            if default is not None and not isinstance(default, str):
                raise self.fail(f"{path}.default", f"must be a string, got {default!r}")
            for flag in ("required", "secret"):
                if flag in given and not isinstance(given[flag], bool):
                    raise self.fail(f"{path}.{flag}", f"must be True or False, got {given[flag]!r}")
            # A setting with a default is optional unless it says otherwise: the one rule here.
            required = given.get("required", default_of(Setting, "required") and default is None)
            result.append(
                Setting(
                    name=sname,
                    required=bool(required),
                    secret=bool(given.get("secret", default_of(Setting, "secret"))),
                    default=default,
                    doc=str(given.get("doc", default_of(Setting, "doc"))),
                )
            )
        by_name = {s.name: s for s in result}
        for s in result:
            for ref in template_fields(s.default or ""):
                if ref not in by_name:
                    raise self.fail(f"settings.{s.name}.default", f"refers to undeclared setting {{{ref}}}")
                # One level only, so every reader expands defaults the same single way.
                if template_fields(by_name[ref].default or ""):
                    raise self.fail(
                        f"settings.{s.name}.default",
                        f"refers to {{{ref}}}, whose own default is a template: write it out",
                    )
        return tuple(result)

    def request(
        self,
        value: Any,
        settings: tuple[Setting, ...],
        path: str = "request",
        wire_names: tuple[str, ...] = WIRE_NAMES,
        grant_default: str | None = default_of(RequestSpec, "grant_type"),
        also: tuple[str, ...] = (),
    ) -> RequestSpec:
        """A request to a token endpoint; ``also`` names keys the caller reads itself, and
        ``grant_default`` replaces RequestSpec's grant_type default for a first-token request."""
        if value is None:
            raise self.fail(path, "is required (at least its 'url')")
        spec = self.mapping(value, path, _REQUEST_KEYS + also)
        declared = {s.name for s in settings}

        def given(key: str) -> Any:
            return spec[key] if key in spec else default_of(RequestSpec, key)

        url = self.text(spec.get("url"), f"{path}.url")
        assert url is not None
        self.templated(url, f"{path}.url", settings)
        method = self.choice(str(given("method")).upper(), f"{path}.method", METHODS)
        encoding = self.choice(given("encoding"), f"{path}.encoding", ENCODINGS)
        if method == "DELETE" and path != "revoke":
            raise self.fail(f"{path}.method", "DELETE is only for a revocation request (revoke.method)")
        if method == "GET" and encoding != "query":
            raise self.fail(f"{path}.encoding", "must be 'query' for a GET request (a GET has no body)")
        client_auth = self.client_auth(given("client_auth"), declared, path)
        if client_auth != "none":
            for needed in ("client_id", "client_secret") if client_auth == "basic" else ("client_id",):
                if needed not in declared:
                    raise self.fail("settings", f"must declare {needed!r}: client_auth is {client_auth!r}")
        grant_type = spec.get("grant_type", grant_default)
        if grant_type is not None:
            self.text(grant_type, f"{path}.grant_type")
        names = self.mapping(given("names"), f"{path}.names", wire_names)
        for key, wire in names.items():
            self.text(wire, f"{path}.names.{key}")
        extra = self.templates(given("extra"), f"{path}.extra", settings)
        headers = self.templates(given("headers"), f"{path}.headers", settings)
        for header in headers:
            if not _HEADER_NAME.fullmatch(header) or header.lower() in _OWN_HEADERS:
                raise self.fail(
                    f"{path}.headers.{header}",
                    "must be an HTTP header name that oauthkit does not set itself "
                    f"({', '.join(sorted(_OWN_HEADERS))} are)",
                )
        sent: dict[str, tuple[str, ...]] = {}
        for key in ("optional", "required"):
            names_given = given(key)
            if not isinstance(names_given, (list, tuple)):
                raise self.fail(f"{path}.{key}", "must be a list of setting names")
            for opt in names_given:
                if opt not in declared:
                    raise self.fail(f"{path}.{key}", f"names undeclared setting {opt!r}")
            sent[key] = tuple(names_given)
        both = set(sent["optional"]) & set(sent["required"])
        if both:
            raise self.fail(f"{path}.required", f"{sorted(both)} cannot be both optional and required")
        return RequestSpec(
            url=url,
            method=method,
            encoding=encoding,
            client_auth=client_auth,
            grant_type=grant_type,
            names=dict(names),
            extra=extra,
            optional=sent["optional"],
            required=sent["required"],
            headers=headers,
        )

    def client_auth(self, value: Any, declared: set[str], path: str = "request") -> str:
        # "{auth_method}": the method is a setting (RFC 8414 names), checked when connecting.
        try:
            refs = template_fields(value) if isinstance(value, str) else []
        except ValueError:  # unbalanced braces: not a template, so not a valid method either
            refs = []
        if refs and value == "{" + refs[0] + "}":
            if refs[0] not in declared:
                raise self.fail(f"{path}.client_auth", f"refers to undeclared setting {{{refs[0]}}}")
            return str(value)
        return self.choice(
            value,
            f"{path}.client_auth",
            CLIENT_AUTHS,
            also="or a setting such as '{auth_method}' (client_secret_basic, client_secret_post, none)",
        )

    # ---- first tokens: the authorization code grant, or a login -------------------------------
    def _section(self, key: str) -> Mapping[str, Any]:
        """A top-level section as written (already checked to be a dict), or {} when absent."""
        value = self.data.get(key)
        return value if isinstance(value, Mapping) else {}

    def token_request(
        self,
        spec: Mapping[str, Any],
        path: str,
        settings: tuple[Setting, ...],
        *,
        inherits: tuple[str, ...],
        wire_names: tuple[str, ...],
        grant_default: str | None,
        also: tuple[str, ...],
    ) -> TokenRequest:
        # Unsaid fields come from the refresh request, response and errors: a provider's token
        # endpoint usually differs from refresh only in the grant and its parameters.
        base = self._section("request")
        merged: dict[str, Any] = {key: base[key] for key in inherits if key in base}
        merged.update(spec)
        inherited = base.get("names") if "names" in inherits else None
        own = spec.get("names", {})
        if isinstance(inherited, Mapping) and isinstance(own, Mapping):
            # Only the renames this request can use (a refresh's refreshToken is not one of them).
            merged["names"] = {**{k: v for k, v in inherited.items() if k in wire_names}, **own}
        request = self.request(merged, settings, path, wire_names, grant_default, also)
        answer = spec.get("response", {})
        problems = spec.get("errors", {})
        if not isinstance(answer, Mapping):
            raise self.fail(f"{path}.response", f"must be a dict, got {type(answer).__name__}")
        if not isinstance(problems, Mapping):
            raise self.fail(f"{path}.errors", f"must be a dict, got {type(problems).__name__}")
        response = self.response({**self._section("response"), **answer}, f"{path}.response")
        if response.refresh_token is None:
            raise self.fail(
                f"{path}.response.refresh_token",
                "must name where the refresh token is in the answer (the refresh answer has none)",
            )
        errors = self.errors({**self._section("errors"), **problems}, f"{path}.errors")
        return TokenRequest(request=request, response=response, errors=errors)
