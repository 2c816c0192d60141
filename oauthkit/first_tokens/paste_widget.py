"""The paste-back box: the link to open, a text box for the address the browser ended on, and a
button that finishes the authorization from the same output, so no second cell is needed.

A remote kernel cannot receive the redirect, so the user copies the address of the page the
browser could not load. The button's click reaches the kernel as a widget message; the kernel
is free to take it, since ``authorize(flow="paste")`` returns at once.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from typing import Any

from ..errors import OAuthKitError, describe_error

log = logging.getLogger(__name__)

Finish = Callable[[str], object]


def paste_box(link_html: str, redirect_uri: str, finish: Finish, done: str) -> Any:
    """An ipywidgets box under ``link_html``; ``finish(address)`` completes the authorization
    (raising on failure) and ``done`` is what the box then says."""
    import ipywidgets as w

    link = w.HTML(link_html)
    address = w.Text(
        placeholder=f"{redirect_uri}?code=...&state=...",
        description="Address:",
        layout=w.Layout(width="min(100%, 44em)"),
    )
    button = w.Button(description="Finish", button_style="primary", tooltip="exchange the code for tokens")
    status = w.HTML()
    box = w.VBox([link, w.HBox([address, button], layout=w.Layout(flex_flow="row wrap")), status])
    box.add_class("oauthkit-paste")

    def submit(_: object = None) -> None:
        text = address.value.strip()
        if not text:
            status.value = "<small>Paste the whole address the browser ended on first.</small>"
            return
        button.disabled = True
        status.value = "<small>Exchanging the code...</small>"
        try:
            finish(text)
        except Exception as err:  # nothing was stored; a corrected paste may still finish it
            if not isinstance(err, OAuthKitError):
                log.exception("the pasted authorization failed")
            status.value = f"<small class='oauthkit-paste-error'>{html.escape(describe_error(err))}</small>"
            button.disabled = False
            return
        address.value = ""  # the code is spent; keep nothing of it on screen
        box.children = (w.HTML(f"<small class='oauthkit-authorized'>{html.escape(done)}</small>"),)

    button.on_click(submit)
    return box


__all__ = ["paste_box"]
