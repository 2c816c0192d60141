"""Rich HTML for Jupyter: Token, Connection, Adapter and the adapter table.

Only fingerprints and public facts go in: every value passes through ``html.escape``, and a
token is shown by ``Token.fingerprint`` / ``refresh_fingerprint``, never by its value. Styles
are inline because JupyterLab's sanitizer drops ``<style>`` blocks of untrusted outputs.
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ..redact import redacted_url
from ..token import Token, default_leeway, fingerprint
from .status import COLOURS, countdown_text, duration, token_status, when

if TYPE_CHECKING:
    from ..adapter import Adapter
    from ..connection import Connection

BOX = (
    "display:inline-block;font-family:var(--jp-ui-font-family,sans-serif);font-size:12px;"
    "border:1px solid rgba(128,128,128,.35);border-radius:6px;padding:6px 10px;margin:2px 0"
)
# ipywidgets' HTML widget sets a 28px line height for its form controls: tables set their own.
TABLE = "border-collapse:collapse;margin-top:4px;line-height:1.35"
TH = "text-align:left;padding:1px 10px 1px 0;font-weight:600;opacity:.75;white-space:nowrap"
TD = "text-align:left;padding:1px 0"
GRID_TH = "text-align:left;padding:3px 8px;border-bottom:1px solid rgba(128,128,128,.5);white-space:nowrap"
GRID_TD = "text-align:left;padding:2px 8px;border-bottom:1px solid rgba(128,128,128,.15);white-space:nowrap"


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def badge(status: str) -> str:
    colour = COLOURS.get(status, "#616161")
    return (
        f"<span class='oauthkit-status oauthkit-status-{esc(status)}' style='background:{colour};"
        "color:#fff;border-radius:9px;padding:0 7px;font-size:11px;font-weight:600'>"
        f"{esc(status)}</span>"
    )


def code(value: object) -> str:
    return f"<code>{esc(value)}</code>"


def rows_table(rows: Iterable[tuple[str, str]], css_class: str) -> str:
    """A two-column table; values are HTML already (callers escape)."""
    body = "".join(f"<tr><th style='{TH}'>{esc(k)}</th><td style='{TD}'>{v}</td></tr>" for k, v in rows)
    return f"<table class='{css_class}' style='{TABLE}'>{body}</table>"


# ---- Token -------------------------------------------------------------------------------
def token_rows(token: Token) -> list[tuple[str, str]]:
    rows = [
        ("access token", code(token.fingerprint)),
        ("refresh token", code(token.refresh_fingerprint)),
        ("type", esc(token.token_type)),
        ("issued", esc(when(token.issued_at))),
        ("expires", esc(when(token.expires_at) if token.expires_at else "never (no expiry given)")),
        ("granted lifetime", esc(duration(token.lifetime))),
    ]
    if token.refresh_expires_at is not None:
        rows.append(("refresh token expires", esc(when(token.refresh_expires_at))))
    if token.scope:
        rows.append(("scope", esc(token.scope)))
    if token.id_token:
        rows.append(("id token", code(fingerprint(token.id_token))))
    return rows


def token_html(token: Token, leeway: float | None = None) -> str:
    now = time.time()
    status = token_status(token, default_leeway(token.lifetime) if leeway is None else leeway, now=now)
    head = f"<b>Token</b> {badge(status)} <span>{esc(countdown_text(token, now))}</span>"
    return f"<div class='oauthkit-token' style='{BOX}'>{head}{rows_table(token_rows(token), '')}</div>"


# ---- Connection --------------------------------------------------------------------------
def connection_html(conn: Connection) -> str:
    token = conn.token
    now = time.time()
    status = token_status(token, conn.leeway, now=now)
    head = (
        f"<b>{esc(conn.adapter.title)}</b> {code(conn.key)} {badge(status)} "
        f"<span>{esc(countdown_text(token, now))}</span>"
    )
    rows = token_rows(token) if token is not None else [("access token", "none yet (seeded)")]
    rows += [
        ("rotations", esc(conn.rotations)),
        ("refresh leeway", esc(duration(conn.leeway))),
        ("store", code(redacted_url(conn.store.url))),
    ]
    return f"<div class='oauthkit-connection' style='{BOX}'>{head}{rows_table(rows, '')}</div>"


# ---- Adapter -----------------------------------------------------------------------------
def _settings_text(adapter: Adapter) -> str:
    parts = []
    for s in adapter.settings:
        label = esc(s.name) + ("" if s.required else "?")
        if s.secret:
            label += " <span title='secret: never shown'>&#128274;</span>"
        parts.append(label)
    return ", ".join(parts) or "-"


def _docs_link(url: str) -> str:
    if url.startswith(("https://", "http://")):
        return f"<a href='{esc(url)}' target='_blank' rel='noopener'>{esc(url)}</a>"
    return esc(url or "-")


def adapter_html(adapter: Adapter) -> str:
    r = adapter.request
    facts = adapter.describe()
    rows = [
        ("request", f"{code(r.method)} {code(r.url)}"),
        ("encoding", esc(r.encoding)),
        ("client auth", esc(r.client_auth)),
        ("expiry", esc(facts["expiry"])),
        ("rotation", esc(adapter.rotation)),
        ("settings", _settings_text(adapter)),
        ("docs", _docs_link(adapter.docs)),
    ]
    head = f"<b>{esc(adapter.title)}</b> adapter {code(adapter.name)}"
    return f"<div class='oauthkit-adapter' style='{BOX}'>{head}{rows_table(rows, '')}</div>"


ADAPTER_TABLE_COLUMNS: Sequence[tuple[str, str]] = (
    ("name", "name"),
    ("title", "provider"),
    ("method", "method"),
    ("encoding", "encoding"),
    ("client_auth", "client auth"),
    ("expiry", "expiry"),
    ("rotates", "rotation"),
    ("docs", "docs"),
)


def adapter_table_html(adapters: Sequence[Adapter]) -> str:
    head = "".join(f"<th style='{GRID_TH}'>{esc(title)}</th>" for _, title in ADAPTER_TABLE_COLUMNS)
    body = []
    for adapter in adapters:
        facts = adapter.describe()
        cells = []
        for key, _ in ADAPTER_TABLE_COLUMNS:
            value = str(facts.get(key, ""))
            cell = _docs_link(value) if key == "docs" else code(value) if key == "name" else esc(value)
            cells.append(f"<td style='{GRID_TD}'>{cell}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f"<table class='oauthkit-adapters' style='{TABLE};font-size:12px'>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


class AdapterTable:
    """The registered adapters, shown as one HTML table in a notebook."""

    def __init__(self, adapters: Sequence[Adapter]) -> None:
        self.adapters = list(adapters)

    def __repr__(self) -> str:
        return f"AdapterTable({', '.join(a.name for a in self.adapters)})"

    def _repr_html_(self) -> str:
        return adapter_table_html(self.adapters)
