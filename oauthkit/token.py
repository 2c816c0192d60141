"""The Token value object: expiry maths, fingerprints and redaction, and how it shows in Jupyter."""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from . import display

# Authlib's fixed 60 s leeway makes any token living 60 s or less expired at birth
# (authlib issue #716). A tenth of the lifetime, capped at Authlib's 60 s, keeps short
# sandbox tokens usable and long ones refreshed a minute early, as users expect.
MAX_LEEWAY = 60.0
LEEWAY_FRACTION = 0.1


def fingerprint(secret: str | None) -> str:
    """A short, stable, non-reversible label for a secret (8 hex digits of SHA-256)."""
    if not secret:
        return "-"
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()[:8]


def default_leeway(lifetime: float | None) -> float:
    if lifetime is None or lifetime <= 0:
        return MAX_LEEWAY
    return min(MAX_LEEWAY, lifetime * LEEWAY_FRACTION)


def utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=timezone.utc)


@dataclasses.dataclass(frozen=True, repr=False)
class Token:
    """An access token and what came with it. Times are timezone-aware UTC datetimes."""

    access_token: str
    issued_at: datetime
    expires_at: datetime | None = None
    refresh_token: str | None = None
    token_type: str = "Bearer"
    scope: str | None = None
    id_token: str | None = None
    refresh_expires_at: datetime | None = None
    # Non-secret fields the adapter keeps from the answer (``response.extra``): an API host
    # (an instance URL), a user or team id. Not hashed: a dict is not hashable.
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict, hash=False)

    @property
    def lifetime(self) -> float | None:
        """Seconds granted by the provider, counted from when the request was sent."""
        if self.expires_at is None:
            return None
        return (self.expires_at - self.issued_at).total_seconds()

    @property
    def remaining(self) -> float | None:
        """Seconds left now (negative once expired); None when the provider gave no expiry."""
        if self.expires_at is None:
            return None
        return self.expires_at.timestamp() - time.time()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.access_token)

    @property
    def refresh_fingerprint(self) -> str:
        return fingerprint(self.refresh_token)

    def is_expired(self, leeway: float = 0.0) -> bool:
        if self.expires_at is None:
            return False
        return self.expires_at.timestamp() - leeway <= time.time()

    def to_authlib(self) -> dict[str, Any]:
        """The dict Authlib's clients sign requests with (absolute `expires_at`, never `expires_in`,
        because Authlib recomputes `expires_in` relative to *now*)."""
        data: dict[str, Any] = {"access_token": self.access_token, "token_type": self.token_type}
        if self.expires_at is not None:
            data["expires_at"] = self.expires_at.timestamp()
        if self.refresh_token is not None:
            data["refresh_token"] = self.refresh_token
        if self.scope is not None:
            data["scope"] = self.scope
        return data

    # Storage form: secrets included on purpose; only stores call these.
    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = dataclasses.asdict(self)
        for key in ("issued_at", "expires_at", "refresh_expires_at"):
            value = record[key]
            record[key] = value.timestamp() if value is not None else None
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Token:
        data = dict(record)
        for key in ("issued_at", "expires_at", "refresh_expires_at"):
            value = data.get(key)
            data[key] = utc(float(value)) if value is not None else None
        fields = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in fields})

    def __repr__(self) -> str:
        parts = [f"access={self.fingerprint}"]
        if self.refresh_token:
            parts.append(f"refresh={self.refresh_fingerprint}")
        if self.expires_at is not None:
            remaining = self.remaining or 0.0
            state = f"expires in {remaining:.0f}s" if remaining > 0 else "expired"
            parts.append(f"{state} at {self.expires_at:%Y-%m-%d %H:%M:%S}Z")
        else:
            parts.append("no expiry")
        parts += [f"{key}={display.shorten_value(value)}" for key, value in self.extra.items()]
        return f"Token({', '.join(parts)})"

    __str__ = __repr__

    def _repr_html_(self) -> str:
        return token_html(self)


# ---- Jupyter -----------------------------------------------------------------------------------
# Here rather than in the notebook layer: a value type must not import the UI that imports it.
def token_rows(token: Token) -> list[tuple[str, str]]:
    """The facts of a token as (label, HTML) rows: fingerprints, never the secrets."""
    esc, code, when = display.esc, display.code, display.when
    rows = [
        ("access token", code(token.fingerprint)),
        ("refresh token", code(token.refresh_fingerprint)),
        ("type", esc(token.token_type)),
        ("issued", esc(when(token.issued_at))),
        ("expires", esc(when(token.expires_at) if token.expires_at else "never (no expiry given)")),
        ("granted lifetime", esc(display.duration(token.lifetime))),
    ]
    if token.refresh_expires_at is not None:
        rows.append(("refresh token expires", esc(when(token.refresh_expires_at))))
    if token.scope:
        rows.append(("scope", esc(token.scope)))
    if token.id_token:
        rows.append(("id token", code(fingerprint(token.id_token))))
    rows += [(esc(key), code(display.shorten_value(value))) for key, value in token.extra.items()]
    return rows


def remaining_at(token: Token | None, now: float) -> float | None:
    """Seconds ``token`` has left at ``now`` (None: no expiry, or no token), for ``display``."""
    if token is None or token.expires_at is None:
        return None
    return token.expires_at.timestamp() - now


def token_html(token: Token, leeway: float | None = None) -> str:
    remaining = remaining_at(token, time.time())
    wait = default_leeway(token.lifetime) if leeway is None else leeway
    status = display.status_word(remaining, wait)
    head = f"<b>Token</b> {display.badge(status)} <span>{display.esc(display.countdown(remaining))}</span>"
    return display.boxed("oauthkit-token", head, token_rows(token))
