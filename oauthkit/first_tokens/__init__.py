"""First tokens: ``conn.authorize()`` (authorization code grant, state, PKCE) and ``conn.login()``.

``flow.py`` holds the flows, ``loopback.py`` the one-shot redirect server, ``request.py`` the
pending authorization of each connection, ``host.py`` the protocol the connection implements
for them (they never import connection.py).
"""

from .flow import PASTE_REDIRECT, authorize, complete, complete_pending, login, start
from .host import FirstTokenHost
from .loopback import CALLBACK_PATH
from .request import AuthorizationRequest

__all__ = [
    "CALLBACK_PATH",
    "PASTE_REDIRECT",
    "AuthorizationRequest",
    "FirstTokenHost",
    "authorize",
    "complete",
    "complete_pending",
    "login",
    "start",
]
