"""The dashboard as static HTML: what a notebook shows when no kernel (or no widget manager) can
bring the live view back: a saved notebook on a code host, nbconvert, or a reopened file.

Inline styles only (JupyterLab's sanitizer drops ``<style>`` in untrusted outputs), colours from
JupyterLab's theme variables with light fallbacks, so it reads in the dark theme too, and a grid
that reflows from a phone's width up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from ..display import duration, esc
from .view_state import header, token_state

FONT = "var(--jp-ui-font-color0,#1a1a1a)"
MUTED = "var(--jp-ui-font-color1,#3d3d3d)"
BORDER = "var(--jp-border-color2,#c8c8c8)"
ERROR = "var(--jp-error-color0,#b71c1c)"
STATE_COLOURS = {"valid": "#1b5e20", "expiring": "#8a3c00", "expired": "#4a4a4a", "none": "#4a4a4a"}
ROWS_SHOWN = 10


def _clock(at: float | None) -> str:
    if at is None:
        return "-"
    return datetime.fromtimestamp(at, tz=timezone.utc).strftime("%H:%M:%S UTC")


def _card(c: Mapping[str, Any], now: float) -> str:
    token = c.get("token")
    state = token_state(token, float(c.get("leeway") or 0.0), now)
    if token is None:
        left = "no access token yet"
    elif token.get("expires_at") is None:
        left = "the provider gives no expiry"
    else:
        remaining = float(token["expires_at"]) - now
        left = f"{duration(remaining)} left" if remaining > 0 else f"expired {duration(-remaining)} ago"
    last = c.get("last") or {}
    outcome = ""
    if last:
        word = "ok" if last.get("outcome") == "ok" else "failed"
        outcome = f" · last refresh {word} at {_clock(last.get('at'))}"
    error = ""
    if last.get("outcome") == "error":
        error = (
            f"<div style='color:{ERROR};overflow-wrap:anywhere;margin-top:4px'>{esc(last.get('summary', ''))}"
            + (f"<br><span style='color:{MUTED}'>{esc(last['hint'])}</span>" if last.get("hint") else "")
            + "</div>"
        )
    fp = f"<code>{esc(token['fp'])}</code>" if token else "-"
    badge = (
        f"<span style='background:{STATE_COLOURS[state]};color:#fff;border-radius:8px;padding:0 7px'>"
        f"{esc(state if token else 'none')}</span>"
    )
    return (
        f"<div class='oauthkit-card' style='border:1px solid {BORDER};border-radius:6px;padding:6px 10px;"
        "min-width:0'>"
        f"<div style='display:flex;justify-content:space-between;gap:6px;flex-wrap:wrap'>"
        f"<span><b>{esc(c.get('title', ''))}</b> · <code>{esc(c.get('key', ''))}</code></span>{badge}</div>"
        f"<div style='color:{MUTED}'>{esc(left)}{esc(outcome)}</div>"
        f"<div>access token {fp} · rotations {esc(c.get('rotations', 0))}</div>{error}</div>"
    )


def _rows(events: Sequence[Mapping[str, Any]], total: int) -> str:
    shown = list(events)[-ROWS_SHOWN:][::-1]
    if not shown:
        return f"<div style='color:{MUTED}'>no refreshes logged yet</div>"
    cells = "text-align:left;padding:1px 8px;white-space:nowrap;border-bottom:1px solid " + BORDER
    head = "".join(
        f"<th style='{cells}'>{name}</th>" for name in ("at", "connection", "trigger", "outcome", "error")
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td style='{cells}'>{esc(v or '')}</td>"
            for v in (_clock(e.get("at")), e.get("key"), e.get("trigger"), e.get("outcome"), e.get("error"))
        )
        + "</tr>"
        for e in shown
    )
    return (
        f"<div style='color:{MUTED};margin-top:6px'>newest {len(shown)} of {total} log rows</div>"
        f"<div style='overflow-x:auto;max-width:100%'><table style='border-collapse:collapse'>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def snapshot_html(
    cards: Sequence[Mapping[str, Any]],
    events: Sequence[Mapping[str, Any]],
    total: int,
    now: float,
    notes: Sequence[str] = (),
) -> str:
    notes_html = "".join(f"<div style='color:{MUTED}'>{esc(n)}</div>" for n in notes)
    grid = "".join(_card(c, now) for c in cards)
    return (
        "<div class='oauthkit-dashboard oauthkit-snapshot' style='font-family:var(--jp-ui-font-family,"
        f"sans-serif);font-size:12px;color:{FONT};max-width:100%'>"
        f"<div><b>oauthkit</b> · {esc(header(cards, now))}</div>"
        f"<div style='color:{MUTED}'>snapshot at {_clock(now)}: run the cell again for the live view</div>"
        f"{notes_html}"
        "<div style='display:grid;grid-template-columns:repeat(auto-fill,minmax(min(280px,100%),1fr));"
        f"gap:6px;margin-top:6px'>{grid}</div>{_rows(events, total)}</div>"
    )


__all__ = ["snapshot_html"]
