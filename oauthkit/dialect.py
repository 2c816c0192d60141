"""One adapter's dialect: every token request it describes, built as a value, with no I/O.

A refresh, a code exchange and a login differ only in the parameters oauthkit puts in; the
dialect does the rest the same way for each (and for the device and revocation requests to
come, which are a ``RequestSpec`` and their parameters too):

1. the parameters get the provider's wire names (``spec.wire``), ``grant_type`` first when the
   request sends one;
2. the adapter's fixed parameters (``spec.extra``, templates over the settings) follow, and
   its fixed headers (``spec.headers``) replace the default ``Accept``;
3. the client authenticates as ``auth`` says: HTTP Basic, its credentials among the
   parameters, or nothing;
4. the parameters go where ``spec.encoding`` puts them: the query string, a form or a JSON body.

The result, a ``WireRequest`` (method, URL, headers, body bytes), is what requests, httpx and
the first-token flows send unchanged: nothing encodes it a second time.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from authlib.common.urls import add_params_to_uri

from .adapter import Adapter, RequestSpec, client_auth_kind
from .errors import ConfigError
from .urls import endpoint_url, template_values


@dataclass(frozen=True)
class WireRequest:
    """A token request exactly as it goes on the wire (its body already encoded)."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes


class Dialect:
    """One connection's adapter and settings: its endpoints, client auth and token requests."""

    def __init__(
        self,
        adapter: Adapter,
        settings: Mapping[str, str | None],
        connection: str,
        *,
        insecure_ok: bool = False,
    ) -> None:
        self.adapter = adapter
        self.settings = dict(settings)
        self.connection = connection
        self.insecure_ok = insecure_ok
        # The refresh request's fixed part, for the (spec, client auth) it was built for.
        self._refresh_fixed: tuple[RequestSpec, str, _Fixed] | None = None

    def url(self, template: str, what: str) -> str:
        """One of this connection's endpoints, checked (the plain-http rule included)."""
        return endpoint_url(
            self.adapter, self.connection, self.settings, template, what, insecure_ok=self.insecure_ok
        )

    def auth_kind(self, spec: RequestSpec) -> str:
        """basic | body | public | none for a request: fixed by the adapter, or named by a setting."""
        setting = spec.client_auth_setting
        if setting is None:
            return spec.client_auth
        value = self.settings.get(setting) or ""
        kind = client_auth_kind(value)
        env = self.adapter.env_name(setting, self.connection)
        if kind is None:
            raise ConfigError(
                f"unknown client auth method {value!r}",
                adapter=self.adapter.name,
                connection=self.connection,
                hint=f"set {env} to client_secret_basic, client_secret_post or none",
            )
        if kind == "basic" and not self.settings.get("client_secret"):
            raise ConfigError(
                f"client auth {value!r} needs a client secret",
                adapter=self.adapter.name,
                connection=self.connection,
                hint=f"set {self.adapter.env_name('client_secret', self.connection)}, "
                f"or {env}=none for a public client",
            )
        return kind

    def template_values(self) -> dict[str, str]:
        return template_values(self.settings)

    # ---- the requests ----------------------------------------------------------------------
    def refresh(self, url: str, auth: str, refresh_token: str | None) -> WireRequest:
        """The adapter's refresh request: the refresh token and the optional settings that are set."""
        spec = self.adapter.request
        params: list[tuple[str, str]] = []
        if refresh_token is not None:
            params.append(("refresh_token", refresh_token))
        for name in spec.required:
            value = self.settings.get(name)
            if not value:
                raise ConfigError(
                    f"the refresh request needs the {name!r} setting and it is not set",
                    adapter=self.adapter.name,
                    connection=self.connection,
                    hint=f"set {self.adapter.env_name(name, self.connection)}",
                )
            params.append((name, str(value)))
        params.extend((name, str(value)) for name in spec.optional if (value := self.settings.get(name)))
        return self.build(spec, auth, url, params)

    def code_exchange(
        self, spec: RequestSpec, auth: str, url: str, redirect_uri: str, code: str, code_verifier: str | None
    ) -> WireRequest:
        """RFC 6749 section 4.1.3 (with RFC 7636's verifier), in the parameter order Authlib used."""
        params = [("redirect_uri", redirect_uri), ("code", code)]
        if code_verifier:
            params.append(("code_verifier", code_verifier))
        return self.build(spec, auth, url, params)

    def login(
        self, spec: RequestSpec, auth: str, url: str, credentials: Sequence[tuple[str, str]]
    ) -> WireRequest:
        """A password-style login: the adapter's declared credentials, in its order."""
        return self.build(spec, auth, url, credentials)

    def build(self, spec: RequestSpec, auth: str, url: str, params: Sequence[tuple[str, str]]) -> WireRequest:
        """Steps 1 to 4 of the module docstring, for any request; ``params`` in oauthkit's names."""
        fixed = self._fixed(spec, auth)
        named = [(spec.wire(name), value) for name, value in params]
        headers = dict(fixed.headers)
        if spec.encoding == "query":
            wire = [*fixed.head, *named, *fixed.tail]
            return WireRequest(spec.method, add_params_to_uri(url, wire), headers, b"")
        if spec.encoding == "json":
            body = json.dumps(dict([*fixed.head, *named, *fixed.tail])).encode("utf-8")
            headers["Content-Type"] = "application/json"
        else:
            # urlencode() of the whole list, its fixed pairs encoded once per connection.
            parts = (fixed.form_head, urlencode(named), fixed.form_tail)
            body = "&".join(part for part in parts if part).encode("ascii")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Content-Length"] = str(len(body))
        return WireRequest(spec.method, url, headers, body)

    def _fixed(self, spec: RequestSpec, auth: str) -> _Fixed:
        """What a request sends besides its own parameters; kept for the refresh request, which
        every refresh builds again from the same spec, settings and client auth."""
        cached = self._refresh_fixed
        if cached is not None and cached[0] is spec and cached[1] == auth:
            return cached[2]
        fixed = self._fixed_parts(spec, auth)
        if spec is self.adapter.request:
            self._refresh_fixed = (spec, auth, fixed)
        return fixed

    def _fixed_parts(self, spec: RequestSpec, auth: str) -> _Fixed:
        head: list[tuple[str, str]] = []
        if spec.grant_type is not None:
            head.append((spec.wire("grant_type"), spec.grant_type))
        values = self.template_values()
        tail = [(key, tmpl.format_map(values)) for key, tmpl in spec.extra.items()]

        headers = {"Accept": "application/json"}
        headers.update((key, tmpl.format_map(values)) for key, tmpl in spec.headers.items())
        client_id = self.settings.get("client_id") or ""
        secret = self.settings.get("client_secret")
        if auth == "basic":
            # UTF-8: RFC 7617's charset; latin-1 would crash on a secret outside it.
            raw = f"{client_id}:{secret or ''}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(raw).decode("ascii")
        elif auth in ("body", "public"):  # public: RFC 8414 "none", the client_id alone
            tail.append((spec.wire("client_id"), client_id))
            if secret and auth == "body":
                tail.append((spec.wire("client_secret"), secret))
        return _Fixed(tuple(head), tuple(tail), tuple(headers.items()), urlencode(head), urlencode(tail))


@dataclass(frozen=True)
class _Fixed:
    """A request's pairs before and after its parameters (grant type; extras and client
    credentials), its headers, and both pair lists form-encoded."""

    head: tuple[tuple[str, str], ...]
    tail: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...]
    form_head: str
    form_tail: str


__all__ = ["Dialect", "WireRequest"]
