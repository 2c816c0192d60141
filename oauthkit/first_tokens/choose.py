"""Which first-token flow ``conn.authorize()`` runs when none is named.

The loopback redirect needs a browser on the machine the kernel runs on; a remote kernel
(Colab, JupyterHub, an SSH session, a VS Code or container remote) cannot receive it. There the
device flow works when the adapter has one; otherwise the link is shown and the address the
browser ends on is pasted back. ``OAUTHKIT_FLOW=loopback|paste|device`` overrides the guess.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from ..adapter import Adapter
from ..errors import ConfigError

FLOWS = ("loopback", "paste", "device")

# What says "this kernel is not on the user's machine" (each: the variable, and where it comes from).
_REMOTE_SIGNS = (
    "COLAB_RELEASE_TAG",  # Colab sets it in every runtime
    "JUPYTERHUB_API_TOKEN",  # JupyterHub's single-user servers
    "SSH_CONNECTION",  # OpenSSH, in every session it starts
    "SSH_CLIENT",
    "CODESPACES",  # Codespaces
    "REMOTE_CONTAINERS",  # VS Code Dev Containers
)


def remote_reason(environ: Mapping[str, str] | None = None) -> str | None:
    """Why this kernel looks remote (the first sign found), or None when it looks local."""
    env = os.environ if environ is None else environ
    if "google.colab" in sys.modules:
        return "google.colab is loaded"
    return next((f"{name} is set" for name in _REMOTE_SIGNS if env.get(name)), None)


def choose_flow(adapter: Adapter, environ: Mapping[str, str] | None = None) -> str:
    """loopback where the browser is; device (when declared) or paste on a remote kernel."""
    env = os.environ if environ is None else environ
    forced = env.get("OAUTHKIT_FLOW", "").strip().lower()
    if forced:
        if forced not in FLOWS:
            raise ConfigError(
                f"OAUTHKIT_FLOW={forced!r} is not a flow",
                adapter=adapter.name,
                hint=f"use one of {', '.join(FLOWS)}, or unset it to let oauthkit choose",
            )
        return forced
    if remote_reason(env) is None and adapter.authorize is not None:
        return "loopback"
    if adapter.device is not None:
        return "device"
    return "paste"


__all__ = ["FLOWS", "choose_flow", "remote_reason"]
