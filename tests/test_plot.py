"""The static timeline (matplotlib): one clock format on the axis, "now" only where it is near the
log, the current token outlined, the legend below the axes."""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone

import matplotlib.dates as mdates
import pytest

import oauthkit
from oauthkit.refresh_log import to_frame
from oauthkit.store import Event


def _log(start: float, n: int = 6, lifetime: float = 30.0) -> list[Event]:
    return [
        Event(
            at=start + i * 20,
            connection="default",
            adapter="auth0",
            trigger="proactive",
            outcome="ok",
            expires_at=start + i * 20 + lifetime,
            lifetime_s=lifetime,
            access_fp=f"{i:08x}",
        )
        for i in range(n)
    ]


def _tick_labels(fig: object) -> list[str]:
    ax = fig.axes[0]  # type: ignore[attr-defined]
    fig.canvas.draw()  # type: ignore[attr-defined]
    return [t.get_text() for t in ax.get_xticklabels() if t.get_text()]


def test_a_minutes_long_log_has_clock_ticks_only_and_shows_now() -> None:
    now = time.time()
    fig = oauthkit.plot_lifetimes(to_frame(_log(now - 100)), now=now)
    labels = _tick_labels(fig)
    assert labels and all(re.fullmatch(r"\d\d:\d\d:\d\d", label) for label in labels), labels
    ax = fig.axes[0]
    assert any(line.get_linestyle() == "--" for line in ax.get_lines())  # the "now" line
    legend = ax.get_legend()
    assert legend is not None and "current token" in [t.get_text() for t in legend.get_texts()]
    assert legend.get_bbox_to_anchor().y0 < ax.get_window_extent().y0 + 1  # below the axes


def test_an_old_log_is_not_squeezed_by_now() -> None:
    now = time.time()
    start = now - 86_400  # yesterday's two minutes
    fig = oauthkit.plot_lifetimes(to_frame(_log(start)), now=now)
    ax = fig.axes[0]
    low, high = ax.get_xlim()
    assert (high - low) * 86_400 < 600  # the window is the log's two minutes, not a day
    assert not any(line.get_linestyle() == "--" for line in ax.get_lines())
    assert "now is off the axis" in ax.get_title(loc="left")


def test_the_current_token_is_drawn_on_top_outlined() -> None:
    now = time.time()
    fig = oauthkit.plot_lifetimes(to_frame(_log(now - 100)), now=now)
    ax = fig.axes[0]
    outlined = [c for c in ax.collections if c.get_zorder() == 3]
    assert len(outlined) == 1  # one connection, one current token
    extents = outlined[0].get_paths()[0].get_extents()
    newest_expiry = datetime.fromtimestamp(now - 100 + 5 * 20 + 30, tz=timezone.utc)
    assert abs(extents.x1 - mdates.date2num(newest_expiry)) * 86_400 < 0.01  # it ends at the newest expiry
    assert extents.width * 86_400 == pytest.approx(30, abs=0.01)
