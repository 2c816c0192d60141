"""First tokens: ``conn.authorize()`` (authorization code grant, state, PKCE) and ``conn.login()``.

``flow.py`` holds the flows, ``loopback.py`` the one-shot redirect server, ``request.py`` the
pending authorization of each connection, ``host.py`` the protocol the connection implements
for them (they never import connection.py).
"""

from .choose import FLOWS, choose_flow, remote_reason
from .device import DevicePending, authorize_device, poll, request_code
from .device_code import DeviceCode
from .flow import PASTE_REDIRECT, authorize, complete, complete_pending, login, start
from .host import FirstTokenHost
from .loopback import CALLBACK_PATH
from .request import AuthorizationRequest

__all__ = [
    "CALLBACK_PATH",
    "FLOWS",
    "PASTE_REDIRECT",
    "AuthorizationRequest",
    "DeviceCode",
    "DevicePending",
    "FirstTokenHost",
    "authorize",
    "authorize_device",
    "choose_flow",
    "complete",
    "complete_pending",
    "login",
    "poll",
    "remote_reason",
    "request_code",
    "start",
]
