"""The device-code panel as an anywidget: the browser counts down to the code's expiry, the
copy button works (JupyterLab strips the scripts of an HTML output), and the kernel only sends
the state when the polling says something new."""

from __future__ import annotations

import time
from pathlib import Path

import anywidget
import traitlets

from .device_code import DeviceCode

STATIC = Path(__file__).with_name("static")


class DeviceWidget(anywidget.AnyWidget):
    _esm = STATIC / "device.js"
    _css = STATIC / "device.css"

    title = traitlets.Unicode().tag(sync=True)
    user_code = traitlets.Unicode().tag(sync=True)
    verification_uri = traitlets.Unicode().tag(sync=True)
    link = traitlets.Unicode().tag(sync=True)
    qr_svg = traitlets.Unicode().tag(sync=True)
    expires_at = traitlets.Float().tag(sync=True)  # the kernel's clock, as `clock`
    clock = traitlets.Float().tag(sync=True)
    state = traitlets.Unicode().tag(sync=True)
    final = traitlets.Bool(False).tag(sync=True)

    def __init__(self, code: DeviceCode, title: str, qr_svg: str, state: str) -> None:
        now = time.time()
        super().__init__(
            title=title,
            user_code=code.user_code,
            verification_uri=code.verification_uri,
            link=code.link,
            qr_svg=qr_svg,
            expires_at=now + code.remaining,
            clock=now,
            state=state,
        )

    def show_state(self, state: str, final: bool) -> None:
        with self.hold_sync():
            self.state = state
            self.final = final
            self.clock = time.time()


__all__ = ["DeviceWidget"]
