"""Showing the authorization link: clickable in a notebook, printed elsewhere."""

from __future__ import annotations

import html
import sys
from typing import Any

from .request import AuthorizationRequest
from .shell import notebook_shell


class Shown:
    """The link as shown; ``done(text)`` replaces it in a notebook once the redirect came (the
    "waiting" line must not stay on screen after success)."""

    def __init__(self, handle: Any = None) -> None:
        self._handle = handle

    def done(self, text: str) -> None:
        if self._handle is not None:
            display = sys.modules["IPython.display"]
            shown = f"<small class='oauthkit-authorized'>{html.escape(text)}</small>"
            self._handle.update(display.HTML(shown))


def announce(request: AuthorizationRequest, timeout: float) -> Shown:
    """Show the link: clickable in a notebook, printed elsewhere."""
    waiting = (
        f"Waiting up to {timeout:.0f} s for the redirect to {request.redirect_uri}. If the browser "
        'cannot reach this machine, interrupt, then run conn.authorize("<the address it ended on>").'
    )
    shell = notebook_shell()
    if shell is not None:
        display = sys.modules["IPython.display"]
        handle = display.display(
            display.HTML(f"{request._repr_html_()}<small>{html.escape(waiting)}</small>"), display_id=True
        )
        return Shown(handle)
    print(
        f"Open this link to authorize {request.title} ({request.adapter}/{request.connection}):\n"
        f"  {request.url}\n{waiting}",
        flush=True,
    )
    return Shown()


__all__ = ["Shown", "announce", "notebook_shell"]
