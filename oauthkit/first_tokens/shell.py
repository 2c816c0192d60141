"""Whether this code runs in a Jupyter kernel, where output can be HTML and widgets."""

from __future__ import annotations

import sys
from typing import Any


def notebook_shell() -> Any:
    """The Jupyter kernel's shell when running in one (IPython is already loaded there)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return None
    shell = ipython.get_ipython()
    if shell is None or type(shell).__name__ != "ZMQInteractiveShell":
        return None
    import IPython.display  # noqa: F401 - loaded for announce

    return shell


__all__ = ["notebook_shell"]
