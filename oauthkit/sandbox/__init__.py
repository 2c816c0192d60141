"""Local emulators of five OAuth providers' refresh endpoints, for tests and benchmarks.

    import oauthkit.sandbox as sb
    with sb.serve("auth0", access_lifetime=5) as p:
        session = oauthkit.connect("auth0", **p.settings)

Each emulator follows its provider's documentation (see the provider modules); `p.fail`,
`p.delay` and `p.rate_limit` queue misbehaviour for the token endpoint, and `p.requests`
records everything the emulator received.

First tokens, offline: the four OAuth emulators serve their authorization endpoint, where a test
user approves at once (`consent=False` to refuse; `code_lifetime=` for expiry tests):

    with sb.serve("auth0") as p:
        conn = oauthkit.connect("auth0", **p.client_settings)   # no refresh token
        conn.authorize(open_browser=p.browse)                   # p.browse plays the browser

and the Xerial emulator a login for `p.user_email` / `p.user_password`.
"""

from __future__ import annotations

import importlib
from typing import Any

from .auth0 import Auth0Emulator
from .edgetag import EdgeTagEmulator
from .ellipsis_drive import EllipsisDriveEmulator
from .parqex import ParqexEmulator
from .records import RecordedRequest
from .server import Emulator
from .xerial import XerialEmulator

__all__ = [
    "PROVIDERS",
    "Auth0Emulator",
    "EdgeTagEmulator",
    "EllipsisDriveEmulator",
    "Emulator",
    "ParqexEmulator",
    "RecordedRequest",
    "XerialEmulator",
    "emulator_class",
    "serve",
    "start",
]

_EMULATORS: dict[str, type[Emulator]] = {
    cls.name: cls
    for cls in (
        ParqexEmulator,
        EllipsisDriveEmulator,
        Auth0Emulator,
        EdgeTagEmulator,
        XerialEmulator,
    )
}

PROVIDERS: tuple[str, ...] = tuple(_EMULATORS)


def emulator_class(name: str) -> type[Emulator]:
    try:
        return _EMULATORS[name]
    except KeyError:
        raise ValueError(f"unknown provider {name!r}; valid names: {', '.join(PROVIDERS)}") from None


def start(name: Any, **options: Any) -> Emulator:
    """Start the emulator for `name` (already serving on return); call `close()` when done.

    `name` is one of PROVIDERS (a hand-written emulator), or any other adapter: its name, the
    Adapter, or its dict. Those get an emulator driven by the adapter's own data, which
    `oauthkit.emulate` builds: loaded by name so that this package imports nothing of oauthkit."""
    if isinstance(name, str) and name in _EMULATORS:
        return emulator_class(name)(**options)
    emulate = importlib.import_module("oauthkit.emulate")
    emulator: Emulator = emulate.emulator_for(name, **options)
    return emulator


def serve(name: Any, **options: Any) -> Emulator:
    """Like `start`, for use as a context manager: `with serve("github") as p: ...`."""
    return start(name, **options)
