"""Showing a device code: a live panel in a notebook, plain text in a terminal.

In a notebook the panel is an anywidget whose browser side keeps the countdown, with a static
HTML copy in the same output (IPython's ``display_id``) for viewers without the kernel. The QR
code (segno, inline SVG) is for a phone; the copy button copies the user code in the browser.
"""

from __future__ import annotations

import html
import sys
import threading
from typing import Any

from .announce import notebook_shell
from .device_code import DeviceCode


class DeviceView:
    """What the user sees while the kernel polls; ``update(state)`` tells it how it goes.

    In a notebook: one output holding the live widget (``device_widget``; the browser counts
    down) and, for viewers without the kernel, the same panel as static HTML, rewritten when
    the flow ends. No thread ticks in the kernel. In a terminal: the text, then the outcome."""

    def __init__(self, code: DeviceCode, title: str) -> None:
        self.code = code
        self.title = title
        self.state = "waiting for approval"
        self._handle: Any = None
        self._widget: Any = None
        self._final = False
        self._lock = threading.Lock()
        if notebook_shell() is not None:
            from .device_widget import DeviceWidget

            self._widget = DeviceWidget(code, title, qr_svg(code.link), self.state)
            display = sys.modules["IPython.display"]
            self._handle = display.display(self._bundle(), raw=True, display_id=True)
        else:
            print(self.text(), flush=True)

    def _bundle(self) -> dict[str, Any]:
        data, _metadata = self._widget._repr_mimebundle_()
        return {**data, "text/html": self.html()}

    def update(self, state: str, *, final: bool = False) -> None:
        # Nothing changes after the final state: a late message can never paint "waiting" over
        # "approved".
        with self._lock:
            if self._final:
                return
            self.state, self._final = state, final
            if self._widget is not None:
                self._widget.show_state(state, final)
                if final:  # the static copy too, for a saved notebook
                    self._handle.update(self._bundle(), raw=True)
            elif final:
                print(f"{self.title}: {state}", flush=True)

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
        return (
            "<div class='oauthkit-device' style='display:flex;gap:16px;align-items:center;"
            "font-family:var(--jp-ui-font-family,sans-serif);border:1px solid #ccc;border-radius:8px;"
            "padding:12px;max-width:640px'>"
            f"<div>{qr_svg(code.link)}</div><div>"
            f"<div>Authorize <b>{esc(self.title)}</b> on any device:</div>"
            f"<div>open <a href='{esc(code.link)}' target='_blank'>{esc(code.verification_uri)}</a> "
            "and enter</div>"
            f"<div class='oauthkit-user-code' style='font-size:32px;font-weight:700;letter-spacing:4px;"
            f"font-family:monospace'>{esc(code.user_code)}</div>"
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
