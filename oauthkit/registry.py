"""Finds adapters: the shipped ``adapters/`` folder and the files or folders a user loads.

An adapter module defines ``ADAPTER``: a dict in the format of ``oauthkit.adapter`` (or an
``Adapter``). Modules are loaded from their file path, never imported from the working
directory by name.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .adapter import Adapter
from .errors import AdapterError, ConfigError

if TYPE_CHECKING:
    import pandas as pd

_lock = threading.RLock()
_adapters: dict[str, Adapter] = {}
_shipped_loaded = False


def shipped_folder() -> Path:
    """Inside the wheel: ``oauthkit/shipped_adapters``; in a source checkout: ``adapters/``."""
    spec = importlib.util.find_spec("oauthkit.shipped_adapters")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(__file__).resolve().parent.parent / "adapters"


def _module_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.glob("*.py") if not p.name.startswith("_"))
    if path.is_file() and path.suffix == ".py":
        return [path]
    raise ConfigError(
        f"no adapter file or folder at {str(path)!r}",
        hint="pass a .py file that defines ADAPTER, or a folder of them",
    )


def load_file(path: Path) -> Adapter:
    """Execute one adapter module from its path and validate its ``ADAPTER``."""
    module_name = f"oauthkit_adapter_{abs(hash(str(path.resolve())))}_{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise AdapterError(f"cannot load adapter file {str(path)!r}")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise AdapterError(
            f"adapter file {str(path)!r} failed to import",
            detail=f"{type(exc).__name__}: {exc}",
            hint="fix the Python error in the adapter module",
        ) from exc
    data: Any = getattr(module, "ADAPTER", None)
    if isinstance(data, Adapter):
        return data
    if data is None:
        raise AdapterError(
            f"adapter file {str(path)!r} defines no ADAPTER",
            hint="define ADAPTER = {...} (see oauthkit/adapter.py)",
        )
    return Adapter.from_dict(data, source=str(path))


def _register(adapters: Iterable[Adapter], *, replace: bool) -> list[Adapter]:
    loaded = list(adapters)
    with _lock:
        for adapter in loaded:
            existing = _adapters.get(adapter.name)
            if existing is not None and not replace and existing.source != adapter.source:
                raise AdapterError(
                    f"adapter name {adapter.name!r} is taken",
                    detail=f"{existing.source or 'built in'} and {adapter.source or 'an Adapter object'}",
                    hint="rename one of them, or pass replace=True to replace the first",
                )
            _adapters[adapter.name] = adapter
    return loaded


def _ensure_shipped() -> None:
    global _shipped_loaded
    with _lock:
        if not _shipped_loaded:
            _shipped_loaded = True
            _register((load_file(p) for p in _module_files(shipped_folder())), replace=True)
            extra = os.environ.get("OAUTHKIT_ADAPTERS")
            for folder in filter(None, (extra or "").split(os.pathsep)):
                _register((load_file(p) for p in _module_files(Path(folder))), replace=False)


def load_adapters(path: str | os.PathLike[str], *, replace: bool = False) -> list[Adapter]:
    """Register the adapters of a ``.py`` file or of every ``.py`` file in a folder."""
    _ensure_shipped()
    return _register((load_file(p) for p in _module_files(Path(path).expanduser())), replace=replace)


def register(adapter: Adapter | dict[str, Any], *, replace: bool = False) -> Adapter:
    """Register an adapter defined in code (a notebook cell, a test)."""
    _ensure_shipped()
    obj = adapter if isinstance(adapter, Adapter) else Adapter.from_dict(adapter, source="<code>")
    return _register([obj], replace=replace)[0]


def get_adapter(name: str) -> Adapter:
    _ensure_shipped()
    with _lock:
        adapter = _adapters.get(name)
        known = sorted(_adapters)
    if adapter is None:
        raise ConfigError(
            f"unknown adapter {name!r}",
            hint=f"available: {', '.join(known)}; or oauthkit.load_adapters(path)",
        )
    return adapter


def adapters() -> list[Adapter]:
    _ensure_shipped()
    with _lock:
        return [_adapters[n] for n in sorted(_adapters)]


def list_adapters() -> pd.DataFrame:
    """The adapter table: one row per adapter."""
    import pandas as pd

    table: pd.DataFrame = pd.DataFrame([a.describe() for a in adapters()])
    return table
