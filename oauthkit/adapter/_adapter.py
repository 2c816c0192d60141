"""The Adapter: one provider's spec, the facts derived from it, and how it shows in Jupyter."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import display
from ._spec import (
    AuthorizeSpec,
    DeviceSpec,
    ErrorSpec,
    LoginSpec,
    RequestSpec,
    ResponseHook,
    ResponseSpec,
    RevokeSpec,
    Rotation,
    Setting,
)
from ._validate import validate


@dataclass(frozen=True)
class Adapter:
    """A provider, as its adapter module describes it (``from_dict`` validates that dict).

    ``rotation``: whether an answer replaces the refresh token (always), never does (never), or
    does when it carries one (if_present). ``discovery``: a metadata URL template ("{issuer}/.well-
    known/openid-configuration") fetched once per process; its token_endpoint and
    authorization_endpoint fill the settings of those names (when declared) and its
    token_endpoint_auth_methods_supported picks the setting auth_method, unless the user set them.
    ``authorize`` or ``login``: how the first tokens are obtained; neither: by hand (a seed).
    """

    name: str
    title: str
    docs: str
    request: RequestSpec
    # Frozen, so one shared default instance is safe (ruff cannot see that across modules).
    response: ResponseSpec = ResponseSpec()  # noqa: RUF009
    rotation: Rotation = "if_present"
    errors: ErrorSpec = ErrorSpec()  # noqa: RUF009
    settings: tuple[Setting, ...] = ()
    response_hook: ResponseHook | None = None
    notes: str = ""
    source: str = ""  # where it was loaded from (set by the loader, not written in the dict)
    discovery: str | None = None
    authorize: AuthorizeSpec | None = None
    login: LoginSpec | None = None
    device: DeviceSpec | None = None
    revoke: RevokeSpec | None = None

    # ---- derived facts (pure) -------------------------------------------------------------
    def setting(self, name: str) -> Setting | None:
        for s in self.settings:
            if s.name == name:
                return s
        return None

    @property
    def secret_settings(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.settings if s.secret)

    @property
    def sends_secret_in_url(self) -> bool:
        return self.request.encoding == "query"

    def env_name(self, setting: str, connection: str = "default") -> str:
        parts = [self.name] if connection == "default" else [self.name, connection]
        return "_".join([*parts, setting]).upper().replace("-", "_")

    def describe(self) -> dict[str, Any]:
        """One row of the adapter table."""
        expires = self.response.expires
        return {
            "name": self.name,
            "title": self.title,
            "method": self.request.method,
            "encoding": self.request.encoding,
            "client_auth": self.request.client_auth,
            "url": self.request.url,
            "expiry": f"{expires.kind}:{expires.field}" if expires else "none",
            "rotates": self.rotation,
            "refresh_expiry": self.refresh_expiry,
            "settings": ", ".join(s.name + ("" if s.required else "?") for s in self.settings),
            "first_tokens": self.first_tokens,
            "docs": self.docs,
        }

    @property
    def refresh_expiry(self) -> str:
        """Where the answer says when the refresh token dies ("seconds:refresh_token_expires_in"),
        or "-" when it does not say."""
        spec = self.response.refresh_expires
        return f"{spec.kind}:{spec.field}" if spec else "-"

    @property
    def first_tokens(self) -> str:
        """How the first tokens are obtained: "code+S256", "code", "device", "login",
        several joined by ", ", or "" (by hand)."""
        flows = []
        if self.authorize is not None:
            flows.append("code" + (f"+{self.authorize.pkce}" if self.authorize.pkce else ""))
        if self.device is not None:
            flows.append("device")
        if self.login is not None:
            flows.append("login")
        return ", ".join(flows)

    def __repr__(self) -> str:
        r = self.request
        return (
            f"Adapter({self.name!r}: {r.method} {r.url} [{r.encoding}, auth={r.client_auth}, "
            f"rotation={self.rotation}])"
        )

    def _repr_html_(self) -> str:
        esc, code = display.esc, display.code
        r = self.request
        rows = [
            ("request", f"{code(r.method)} {code(r.url)}"),
            ("encoding", esc(r.encoding)),
            ("client auth", esc(r.client_auth)),
            ("expiry", esc(self.describe()["expiry"])),
            ("rotation", esc(self.rotation)),
            ("refresh token expiry", esc(self.refresh_expiry)),
            ("first tokens", esc(self.first_tokens or "by hand (a refresh token setting)")),
            ("settings", self._settings_html()),
            ("docs", display.link(self.docs)),
        ]
        head = f"<b>{esc(self.title)}</b> adapter {code(self.name)}"
        return display.boxed("oauthkit-adapter", head, rows)

    def _settings_html(self) -> str:
        parts = []
        for s in self.settings:
            label = display.esc(s.name) + ("" if s.required else "?")
            if s.secret:
                label += " <span title='secret: never shown'>&#128274;</span>"
            parts.append(label)
        return ", ".join(parts) or "-"

    # ---- loading ---------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "") -> Adapter:
        """Validate an adapter dict; an AdapterError names the adapter, the field and the problem."""
        return cls(**validate(data, source))
