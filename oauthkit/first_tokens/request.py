"""An authorization in progress (``AuthorizationRequest``) and the pending one of each connection."""

from __future__ import annotations

import dataclasses
import html
import threading
import weakref
from collections.abc import Callable
from typing import Any

from .host import FirstTokenHost


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class AuthorizationRequest:
    """One authorization in progress: the link to open and what checks the answer.

    Its repr and HTML show the link (it carries ``state`` and the PKCE *challenge*, both meant
    for the browser); the verifier is a secret and never shown.
    """

    url: str
    redirect_uri: str
    state: str
    code_verifier: str | None
    adapter: str
    connection: str
    title: str
    created_at: float
    # Set for paste-back: finishes the authorization with the pasted address, so a notebook can
    # show a box for it under the link (``_repr_mimebundle_``).
    _finish: Callable[[str], object] | None = dataclasses.field(default=None, compare=False)

    def __repr__(self) -> str:
        return f"AuthorizationRequest({self.adapter}/{self.connection}: open {self.url})"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any] | None:
        from .shell import notebook_shell

        if self._finish is None or notebook_shell() is None:
            return None  # the link as HTML and text, from the other _repr_ methods
        from .paste_widget import paste_box

        done = f"{self.title} authorized: tokens stored for {self.adapter}/{self.connection}."

        box = paste_box(self._paste_html(), self.redirect_uri, self._finish, done)
        bundle: dict[str, Any] = box._repr_mimebundle_()
        bundle["text/html"] = self._repr_html_()  # what a saved notebook or a widgetless viewer shows
        bundle["text/plain"] = repr(self)
        return bundle

    def _paste_html(self) -> str:
        return (
            f"Authorize <b>{html.escape(self.title)}</b> for <code>{html.escape(self.adapter)}/"
            f"{html.escape(self.connection)}</code>: {self._anchor()}<br><small>After you approve, the "
            f"browser is sent to <code>{html.escape(self.redirect_uri)}</code>, which may not load "
            "here. Copy that page's whole address into the box below and press Finish.</small>"
        )

    def _anchor(self) -> str:
        url = html.escape(self.url, quote=True)
        return f"<a href='{url}' target='_blank' rel='noopener noreferrer'>open the authorization page</a>"

    def _repr_html_(self) -> str:
        return (
            "<div class='oauthkit-authorize'>"
            f"Authorize <b>{html.escape(self.title)}</b> for <code>{html.escape(self.adapter)}/"
            f"{html.escape(self.connection)}</code>: {self._anchor()}"
            f"<br><small>It sends you back to <code>{html.escape(self.redirect_uri)}</code>. If that "
            "page does not load (a remote notebook), copy its address and run "
            '<code>conn.authorize("&lt;that address&gt;")</code>.</small></div>'
        )


# One pending authorization per connection object; a new one replaces the old (whose state then
# no longer matches). In memory only: the verifier must not outlive the kernel.
_PENDING: weakref.WeakKeyDictionary[FirstTokenHost, AuthorizationRequest] = weakref.WeakKeyDictionary()
_PENDING_GUARD = threading.Lock()


def set_pending(host: FirstTokenHost, request: AuthorizationRequest) -> None:
    with _PENDING_GUARD:
        _PENDING[host] = request


def take_pending(host: FirstTokenHost) -> AuthorizationRequest | None:
    """Taken out under the lock, so two completions at once cannot both spend the code (a second
    use makes the provider revoke what the first bought, RFC 6749 section 4.1.2)."""
    with _PENDING_GUARD:
        return _PENDING.pop(host, None)


def restore_pending(host: FirstTokenHost, request: AuthorizationRequest) -> None:
    """Put back a request its answer did not consume (unless a newer one took its place)."""
    with _PENDING_GUARD:
        _PENDING.setdefault(host, request)


__all__ = ["AuthorizationRequest", "restore_pending", "set_pending", "take_pending"]
