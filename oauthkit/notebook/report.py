"""A self-contained HTML report of a refresh log: timeline, per-adapter summary, the log itself.

One file with nothing to fetch (the timeline is an embedded PNG), for people outside a notebook.
The refresh log holds fingerprints only, and every value is escaped, so no secret can get in.
"""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..display import esc, when
from ..redact import redacted_url
from ..token import utc
from .plot import figure_png, plot_lifetimes
from .tables import history_table_html, summary_table_html

if TYPE_CHECKING:
    import pandas as pd

# A report stays a few megabytes at most; the newest rows are the interesting ones.
MAX_LOG_ROWS = 5000

PAGE_STYLE = """
:root { color-scheme: light dark; --fg: #1a1a1a; --muted: #555; --bg: #fff; --line: #d5d5d5; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8eaed; --muted: #b0b4ba; --bg: #16181b; --line: #3b4046; }
  .oauthkit-ok { color: #81c995 !important; } .oauthkit-bad { color: #f28b82 !important; }
}
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: var(--fg);
       background: var(--bg); }
h1 { font-size: 20px; margin-bottom: 4px; } h2 { font-size: 16px; margin-top: 28px; }
.meta { color: var(--muted); font-size: 13px; }
img.timeline { max-width: 100%; height: auto; border: 1px solid var(--line); background: #fff; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; }
th, td { border-color: var(--line) !important; }
@media (max-width: 600px) { body { margin: 10px; } h1 { font-size: 17px; } }
"""

def render_report(
    history: pd.DataFrame,
    *,
    title: str = "oauthkit refresh report",
    source: str | None = None,
    max_rows: int = MAX_LOG_ROWS,
) -> str:
    """The report as one HTML document (UTF-8 text)."""
    png = figure_png(plot_lifetimes(history, title=None))
    image = base64.b64encode(png).decode("ascii")
    newest_first = history.iloc[::-1].head(max_rows)
    shown = (
        f"{len(history)} refresh attempts"
        if len(history) <= max_rows
        else f"the newest {max_rows} of {len(history)} refresh attempts"
    )
    meta = f"generated {esc(when(utc(time.time())))}"
    if source:
        meta += f" from <code>{esc(redacted_url(source))}</code>"
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{esc(title)}</title><style>{PAGE_STYLE}</style></head><body>"
        f"<h1>{esc(title)}</h1><p class='meta'>{meta}; {esc(shown)}.</p>"
        "<h2>Token lifetimes</h2>"
        "<img class='timeline' alt='access token lifetimes per connection' "
        f"src='data:image/png;base64,{image}'>"
        "<h2>Summary per adapter</h2>"
        f"<div class='scroll'>{summary_table_html(history)}</div>"
        "<h2>Refresh log (newest first)</h2>"
        f"<div class='scroll'>{history_table_html(newest_first)}</div>"
        "</body></html>\n"
    )


def write_report(
    path: str | Path,
    history: pd.DataFrame,
    *,
    title: str = "oauthkit refresh report",
    source: str | None = None,
) -> Path:
    """Write ``render_report`` to ``path`` (parent folders created) and return the path."""
    target = Path(path).expanduser()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_report(history, title=title, source=source), encoding="utf-8")
    return target
