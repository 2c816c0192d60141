"""Showing a device code: a live panel in a notebook, plain text in a terminal.

The panel is one HTML output updated in place (IPython's ``display_id``), so the polling thread
can redraw the countdown and the state while the kernel runs other cells. The QR code (segno,
inline SVG) is for a phone; the copy button copies the user code in the browser.
"""

from __future__ import annotations

import html
import sys
import threading
from typing import Any

from .announce import notebook_shell
from .device_code import DeviceCode


class DeviceView:
    """What the user sees while the kernel polls; ``update(state)`` redraws it."""

    def __init__(self, code: DeviceCode, title: str) -> None:
        self.code = code
        self.title = title
        self.state = "waiting for approval"
        self._handle: Any = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        if notebook_shell() is not None:
            display = sys.modules["IPython.display"]
            self._handle = display.display(display.HTML(self.html()), display_id=True)
            threading.Thread(target=self._tick, name="oauthkit-device-view", daemon=True).start()
        else:
            print(self.text(), flush=True)

    def update(self, state: str, *, final: bool = False) -> None:
        # The ticking thread and the polling thread both redraw: under one lock, and nothing
        # redraws after the final state, so a late tick can never paint "waiting" over "approved".
        with self._lock:
            if self._stop.is_set():
                return
            self.state = state
            if final:
                self._stop.set()
            self._draw(final)

    def _draw(self, final: bool) -> None:
        if self._handle is not None:
            display = sys.modules["IPython.display"]
            self._handle.update(display.HTML(self.html()))
        elif final:
            print(f"{self.title}: {self.state}", flush=True)

    def _tick(self) -> None:
        while not self._stop.wait(1.0):
            if self.code.remaining <= 0:
                self.update("expired", final=True)
                return
            with self._lock:
                if not self._stop.is_set():
                    self._draw(False)

    def text(self) -> str:
        lines = [
            f"To authorize {self.title}, open {self.code.verification_uri}",
            f"and enter the code: {self.code.user_code}",
        ]
        if self.code.verification_uri_complete:
            lines.append(f"(or open {self.code.verification_uri_complete})")
        lines.append(f"The code expires in {max(0, int(self.code.remaining))} s; waiting for approval...")
        return "\n".join(lines)

    def html(self) -> str:
        code, esc = self.code, html.escape
        left = max(0, int(code.remaining))
        copy = (
            "<button class='oauthkit-copy' "
            f"onclick=\"navigator.clipboard.writeText('{esc(code.user_code)}')\">copy</button>"
        )
        return (
            "<div class='oauthkit-device' style='display:flex;gap:16px;align-items:center;"
            "font-family:var(--jp-ui-font-family,sans-serif);border:1px solid #ccc;border-radius:8px;"
            "padding:12px;max-width:640px'>"
            f"<div>{qr_svg(code.link)}</div><div>"
            f"<div>Authorize <b>{esc(self.title)}</b> on any device:</div>"
            f"<div>open <a href='{esc(code.link)}' target='_blank'>{esc(code.verification_uri)}</a> "
            "and enter</div>"
            f"<div class='oauthkit-user-code' style='font-size:32px;font-weight:700;letter-spacing:4px;"
            f"font-family:monospace'>{esc(code.user_code)} {copy}</div>"
            f"<div class='oauthkit-countdown'>expires in {left // 60}:{left % 60:02d}</div>"
            f"<div class='oauthkit-device-state'>{esc(self.state)}</div>"
            "</div></div>"
        )


def qr_svg(link: str) -> str:
    """The link as an inline SVG QR code, or nothing when segno is missing."""
    try:
        import segno
    except ImportError:  # the panel works without it: the link and the code are enough
        return ""
    svg: str = segno.make(link, error="m").svg_inline(scale=3)
    return svg


def show(code: DeviceCode, title: str) -> DeviceView:
    return DeviceView(code, title)
