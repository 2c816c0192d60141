"""How a Connection shows in Jupyter: its status, countdown and token facts, fingerprints only.

Below ``connection.py`` on purpose: it reads a connection through the small ``ShownConnection``
protocol instead of importing the class, so ``Connection._repr_html_`` can call it without an
import cycle and without reaching up into the notebook layer.
"""

from __future__ import annotations

import time
from typing import Protocol

from . import display
from .redact import redacted_url
from .token import Token, remaining_at, token_rows


class _Titled(Protocol):
    @property
    def title(self) -> str: ...


class _Located(Protocol):
    @property
    def url(self) -> str: ...


class ShownConnection(Protocol):
    """What the HTML needs of a connection (``oauthkit.Connection`` has all of it)."""

    @property
    def adapter(self) -> _Titled: ...
    @property
    def key(self) -> object: ...
    @property
    def store(self) -> _Located: ...
    @property
    def token(self) -> Token | None: ...
    @property
    def leeway(self) -> float: ...
    @property
    def rotations(self) -> int: ...


def connection_html(conn: ShownConnection) -> str:
    token = conn.token
    remaining = remaining_at(token, time.time())
    status = display.status_word(remaining, conn.leeway, has_token=token is not None)
    esc, code = display.esc, display.code
    head = (
        f"<b>{esc(conn.adapter.title)}</b> {code(conn.key)} {display.badge(status)} "
        f"<span>{esc(display.countdown(remaining, has_token=token is not None))}</span>"
    )
    rows = token_rows(token) if token is not None else [("access token", "none yet (seeded)")]
    rows += [
        ("rotations", esc(conn.rotations)),
        ("refresh leeway", esc(display.duration(conn.leeway))),
        ("store", code(redacted_url(conn.store.url))),
    ]
    return display.boxed("oauthkit-connection", head, rows)
