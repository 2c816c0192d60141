"""The facts the dashboard view shows, as plain JSON values (``docs/dashboard-view.md``).

No widgets, threads or I/O here: a card is built from a connection's token, its last log row and
what its worker is doing, so the live view, the static snapshot and the tests all read the same
dicts. Instants stay Unix seconds on the kernel's clock; the browser turns them into words.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import shorten

if TYPE_CHECKING:
    from ..connection import Connection
    from ..store import Event
    from ..token import Token

SUMMARY_CHARS = 140
# What a card's error line says to do, by error class, when the message itself has no better hint.
_ADVICE = {
    "InvalidGrant": "the provider no longer accepts this refresh token: authorize again",
    "TransportError": "the provider could not be reached: check the network or the base_url setting",
    "DeadlineExceeded": "the provider did not answer in time: try again later",
    "RateLimited": "the provider asked to slow down: the next attempt waits as it asked",
    "MalformedResponse": "the provider's answer did not match the adapter: check the adapter",
    "StoreError": "the token store failed: check its disk or server",
}


def identity(conn: Connection) -> str:
    """A card's id: the same connection of the same store is one card, whichever object holds it."""
    return f"{conn.store.url}|{conn.key}"


def finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def cut_at_word(text: str, limit: int = SUMMARY_CHARS) -> str:
    """``text`` on one line in at most ``limit`` characters, cut between words (the errors' own
    ``shorten``: one rule for every cut message)."""
    return shorten(text, limit)


def token_view(token: Token | None) -> dict[str, Any] | None:
    if token is None:
        return None
    return {
        "fp": token.fingerprint,
        "refresh_fp": token.refresh_fingerprint,
        "issued_at": token.issued_at.timestamp(),
        "expires_at": finite(token.expires_at.timestamp()) if token.expires_at else None,
        "lifetime": finite(token.lifetime),
        "refresh_expires_at": token.refresh_expires_at.timestamp() if token.refresh_expires_at else None,
    }


def token_from_event(event: Event) -> dict[str, Any] | None:
    """What an ``ok`` log row says about the token it brought (a refresh made by another process
    is known here only through its row)."""
    if event.outcome != "ok" or not event.access_fp or event.trigger == "revoke":
        return None
    return {
        "fp": event.access_fp,
        "refresh_fp": None,
        "issued_at": event.at,
        "expires_at": finite(event.expires_at),
        "lifetime": finite(event.lifetime_s),
        "refresh_expires_at": finite(event.refresh_expires_at),
    }


def newest_token(own: dict[str, Any] | None, seen: dict[str, Any] | None) -> dict[str, Any] | None:
    if own is None or seen is None:
        return own or seen
    return own if own["issued_at"] >= seen["issued_at"] - 1e-6 else seen


def advice(error: str | None) -> str | None:
    """A general hint by error class, for rows read back from the store (their own hint stays in
    the process that logged them)."""
    return _ADVICE.get(error) if error else None


def last_view(event: Event | None, reauthorize: bool = False) -> dict[str, Any] | None:
    if event is None:
        return None
    detail = event.detail or ""
    text = f"{event.error}: {detail}" if event.error else detail
    failed = event.outcome != "ok"
    hint = event.extra.get("hint") or advice(event.error)
    if reauthorize:
        hint = "the provider no longer accepts this refresh token: authorize again with Re-authorize"
    full = event.extra.get("full")
    return {
        "at": event.at,
        "trigger": event.trigger,
        "outcome": event.outcome,
        "error": event.error,
        "status": event.http_status,
        "summary": cut_at_word(text) if failed else "",
        "detail": (f"{event.error}: {full}" if full else text) if failed else "",
        "hint": hint if failed else None,
    }


def row(event: Event) -> dict[str, Any]:
    return {
        "at": event.at,
        "key": f"{event.adapter}/{event.connection}",
        "trigger": event.trigger,
        "outcome": event.outcome,
        "attempt": event.attempt,
        "status": event.http_status,
        "latency_ms": finite(event.latency_ms),
        "expires_at": finite(event.expires_at),
        "lifetime_s": finite(event.lifetime_s),
        "access_fp": event.access_fp,
        "error": event.error,
        "detail": event.detail,
    }


def has_first_token_flow(conn: Connection) -> bool:
    adapter = conn.adapter
    return adapter.authorize is not None or adapter.device is not None


@dataclass
class CardState:
    """What a connection's worker knows beyond the connection itself."""

    auto: bool = False
    phase: str = "idle"
    retry: dict[str, Any] | None = None
    next_refresh_at: float | None = None
    last: Event | None = None
    failures: int = 0
    seen_token: dict[str, Any] | None = None
    revoked_at: float | None = None
    authorize: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def card(conn: Connection, state: CardState) -> dict[str, Any]:
    own = token_view(conn.token)
    token = newest_token(own, state.seen_token)
    if token is not None and state.revoked_at is not None and token["issued_at"] <= state.revoked_at:
        token = None
    last = state.last
    reauthorize = bool(last is not None and last.error == "InvalidGrant" and has_first_token_flow(conn))
    return {
        "id": identity(conn),
        "key": str(conn.key),
        "title": conn.adapter.title,
        "store": conn.store.url,
        "token": token,
        "leeway": conn.leeway,
        "auto": state.auto,
        "next_refresh_at": state.next_refresh_at if state.auto else None,
        "phase": state.phase,
        "retry": state.retry,
        "last": last_view(last, reauthorize),
        "failures": state.failures,
        "can_reauthorize": reauthorize,
        "authorize": state.authorize,
        "rotations": conn.rotations,
    }


def header(cards: Iterable[Mapping[str, Any]], now: float) -> str:
    """The dashboard's first line, as the snapshot prints it (the live view computes its own)."""
    listed = list(cards)
    states = [token_state(c.get("token"), c.get("leeway", 0.0), now) for c in listed]
    valid = sum(1 for state in states if state in ("valid", "expiring"))
    failing = sum(1 for c in listed if (c.get("last") or {}).get("outcome") == "error")
    n = len(listed)
    return f"{n} connection{'s' if n != 1 else ''} · {valid} valid · {failing} failing"


def token_state(token: Mapping[str, Any] | None, leeway: float, now: float) -> str:
    """valid / expiring / expired / none: the token's own state, whatever its last refresh did."""
    if token is None:
        return "none"
    expires = token.get("expires_at")
    if expires is None:
        return "valid"
    left = expires - now
    if left <= 0:
        return "expired"
    return "expiring" if left <= leeway else "valid"


__all__ = [
    "CardState",
    "advice",
    "card",
    "cut_at_word",
    "header",
    "identity",
    "row",
    "token_from_event",
    "token_state",
]
