"""oauthkit: keep OAuth 2.0 access tokens alive from Jupyter notebooks.

Public API (docs/DESIGN.md, "Public names"); everything else lives in private modules behind it. pandas, httpx
and ipywidgets are imported only when a feature needs them.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from .adapter import Adapter
from .connection import Connection, connect, history, subscribe
from .errors import (
    AdapterError,
    AuthorizationError,
    ConfigError,
    InvalidGrant,
    MalformedResponse,
    MissingExtra,
    OAuthKitError,
    ProviderError,
    RateLimited,
    RefreshError,
    StoreError,
    TransportError,
)
from .registry import get_adapter, list_adapters, load_adapters, register
from .retry import Retry
from .store import Store, open_store
from .token import Token

if TYPE_CHECKING:  # real signatures for type checkers; at run time they load on first use
    from .notebook import dashboard, plot_lifetimes

__version__ = "0.1.0"

# A library stays quiet unless the application configures logging.
logging.getLogger(__name__).addHandler(logging.NullHandler())

_LAZY_MODULES = {"sandbox", "testing"}  # oauthkit.testing.verify: contract tests
# Notebook features need ipywidgets and matplotlib: loaded on first use, not by ``import oauthkit``.
_LAZY_NOTEBOOK = {"dashboard", "plot_lifetimes"}


def __getattr__(name: str) -> Any:
    # ``oauthkit.sandbox`` without paying for it on ``import oauthkit``.
    if name in _LAZY_MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _LAZY_NOTEBOOK:
        return getattr(importlib.import_module(".notebook", __name__), name)
    raise AttributeError(f"module 'oauthkit' has no attribute {name!r}")


__all__ = [
    "Adapter",
    "AdapterError",
    "AuthorizationError",
    "ConfigError",
    "Connection",
    "InvalidGrant",
    "MalformedResponse",
    "MissingExtra",
    "OAuthKitError",
    "ProviderError",
    "RateLimited",
    "RefreshError",
    "Retry",
    "Store",
    "StoreError",
    "Token",
    "TransportError",
    "connect",
    "dashboard",
    "get_adapter",
    "history",
    "list_adapters",
    "load_adapters",
    "open_store",
    "plot_lifetimes",
    "register",
    "subscribe",
]
