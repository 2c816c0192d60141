"""Finds adapters: the shipped ``adapters/`` folder, the files or folders a user loads, the
folders in ``OAUTHKIT_ADAPTERS`` and installed plug-ins (entry-point group ``oauthkit.adapters``).

An adapter module defines ``ADAPTER``: a dict in the format of ``oauthkit.adapter`` (or an
``Adapter``). Modules are loaded from their file path, never imported from the working
directory by name. A folder may hold the adapters' tests (``test_*.py``): they are skipped.

Names are unique. Loading a second adapter under a taken name is an error naming both sources,
unless the caller passes ``replace=True``. Sources found implicitly (the environment variable,
plug-ins) never replace anything: a clash makes that one name an error until the user chooses.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import importlib.util
import os
import threading
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .adapter import Adapter
from .errors import AdapterError, ConfigError, OAuthKitError

if TYPE_CHECKING:
    import pandas as pd

_lock = threading.RLock()
_adapters: dict[str, Adapter] = {}
_shipped_loaded: set[str] = set()
_shipped_index: dict[str, Path] | None = None
_sources_loaded = False
# Names two implicit sources both define: asking for one raises the error naming both.
_clashes: dict[str, AdapterError] = {}
ENTRY_POINT_GROUP = "oauthkit.adapters"


def shipped_folder() -> Path:
    """Inside the wheel: ``oauthkit/shipped_adapters``; in a source checkout: ``adapters/``."""
    spec = importlib.util.find_spec("oauthkit.shipped_adapters")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(__file__).resolve().parent.parent / "adapters"


def _is_test(path: Path) -> bool:
    return path.name.startswith("test_") or path.stem.endswith("_test")


def module_files(path: Path) -> list[Path]:
    """The adapter files at ``path``: the file itself, or a folder's ``*.py`` but tests and ``_*``."""
    if path.is_dir():
        return sorted(p for p in path.glob("*.py") if not p.name.startswith("_") and not _is_test(p))
    if path.is_file() and path.suffix == ".py":
        return [path]
    raise ConfigError(
        f"no adapter file or folder at {str(path)!r}",
        hint="pass a .py file that defines ADAPTER, or a folder of them",
    )


def load_module_data(path: Path) -> Any:
    """Execute one adapter module from its path; its ``ADAPTER`` as written (not validated)."""
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
    if data is None:
        raise AdapterError(
            f"adapter file {str(path)!r} defines no ADAPTER",
            hint="define ADAPTER = {...} (the format: docs/DESIGN.md)",
        )
    return data


def load_file(path: Path) -> Adapter:
    """Execute one adapter module from its path and validate its ``ADAPTER``."""
    return _validated(load_module_data(path), str(path))


def _validated(data: Any, source: str) -> Adapter:
    if isinstance(data, Adapter):
        return data if data.source else dataclasses.replace(data, source=source)
    if not isinstance(data, Mapping):
        raise AdapterError(
            f"{source}: ADAPTER is a {type(data).__name__}, not a dict",
            hint="define ADAPTER = {...} (the format: docs/DESIGN.md)",
        )
    return Adapter.from_dict(data, source=source)


def _clash(existing: Adapter, adapter: Adapter, hint: str) -> AdapterError:
    return AdapterError(
        f"adapter name {adapter.name!r} is taken",
        detail=f"{existing.source or 'built in'} and {adapter.source or 'an Adapter object'} both define it",
        hint=hint,
    )


def _register(adapters: Iterable[Adapter], *, replace: bool) -> list[Adapter]:
    loaded = list(adapters)
    with _lock:
        for adapter in loaded:
            _load_shipped(adapter.name)  # a name a shipped adapter has: they clash
            existing = _adapters.get(adapter.name)
            if existing is not None and not replace and existing.source != adapter.source:
                raise _clash(
                    existing, adapter, "rename one of them, or pass replace=True to replace the first"
                )
            _adapters[adapter.name] = adapter
            _clashes.pop(adapter.name, None)  # the user chose
    return loaded


def _register_implicit(adapter: Adapter, how_to_replace: str) -> None:
    """Start-up sources: a clash is recorded, not raised, so other adapters keep working."""
    existing = _adapters.get(adapter.name)
    if existing is not None and existing.source != adapter.source:
        _clashes[adapter.name] = _clash(
            existing, adapter, f"rename or remove one of them; to use the second on purpose: {how_to_replace}"
        )
        return
    _adapters[adapter.name] = adapter


def _entry_point_adapters() -> Iterable[tuple[Adapter, str]]:
    """Installed plug-ins: each entry point names a module defining ADAPTER, a dict or an Adapter."""
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist.name if ep.dist is not None else "an unknown distribution"
        source = f"plug-in {dist} (entry point {ep.name} = {ep.value})"
        try:
            obj = ep.load()
            data = getattr(obj, "ADAPTER", None) if isinstance(obj, ModuleType) else obj
            adapter = _validated(data, source)
        except Exception as exc:  # one broken plug-in must not take the other adapters down
            warnings.warn(f"oauthkit: {source} failed to load: {exc}", RuntimeWarning, stacklevel=3)
            continue
        module = importlib.import_module(ep.module)
        file = getattr(module, "__file__", None)
        if file and getattr(module, "ADAPTER", None) is data:
            how = f"oauthkit.load_adapters({file!r}, replace=True)"
        else:
            how = f"oauthkit.register(<{ep.value}>, replace=True)"
        yield adapter, how


def _shipped_files() -> dict[str, Path]:
    """The shipped adapter files by name: each is named after its adapter (a test sees to it),
    so one can be loaded alone when it is asked for."""
    global _shipped_index
    if _shipped_index is None:
        _shipped_index = {p.stem: p for p in module_files(shipped_folder())}
    return _shipped_index


def _load_shipped(name: str) -> None:
    """Register the shipped adapter ``name`` if there is one and it is not loaded yet."""
    path = _shipped_files().get(name)
    if path is None or name in _shipped_loaded:
        return
    _shipped_loaded.add(name)  # first: registering it below comes back here
    try:
        _register([load_file(path)], replace=True)
    except BaseException:
        _shipped_loaded.discard(name)  # tried again next time
        raise


def _ensure_shipped(name: str | None = None) -> None:
    """Load what start-up sources define: the user's adapter folders and plug-ins always (a
    shipped adapter they also define is loaded first, so the clash is seen), the shipped
    adapters one by one as they are asked for, or all of them when ``name`` is None."""
    global _sources_loaded
    with _lock:
        if not _sources_loaded:
            for path in _environment_files():
                try:
                    adapter = load_file(path)
                except OAuthKitError as exc:  # like a broken plug-in: the other adapters still load
                    warnings.warn(f"oauthkit: {exc}", RuntimeWarning, stacklevel=3)
                    continue
                _load_shipped(adapter.name)
                _register_implicit(adapter, f"oauthkit.load_adapters({str(path)!r}, replace=True)")
            for adapter, how in _entry_point_adapters():
                _load_shipped(adapter.name)
                _register_implicit(adapter, how)
            _sources_loaded = True  # only now: a failure above leaves it to be tried again
        for wanted in _shipped_files() if name is None else (name,):
            _load_shipped(wanted)


def reset() -> None:
    """Forget every registered adapter: the registry as a new process sees it, reading
    ``OAUTHKIT_ADAPTERS`` and the plug-ins again on first use (a test helper)."""
    global _shipped_index, _sources_loaded
    with _lock:
        _adapters.clear()
        _clashes.clear()
        _shipped_loaded.clear()
        _shipped_index = None
        _sources_loaded = False


def _environment_files() -> list[Path]:
    """The adapter files of the folders in ``OAUTHKIT_ADAPTERS``; a missing folder is a warning."""
    files: list[Path] = []
    for folder in filter(None, os.environ.get("OAUTHKIT_ADAPTERS", "").split(os.pathsep)):
        try:
            files += module_files(Path(folder).expanduser())
        except OAuthKitError as exc:
            warnings.warn(f"oauthkit: OAUTHKIT_ADAPTERS: {exc}", RuntimeWarning, stacklevel=4)
    return files


def load_adapters(path: str | os.PathLike[str], *, replace: bool = False) -> list[Adapter]:
    """Register the adapters of a ``.py`` file or of every ``.py`` file in a folder."""
    _ensure_shipped()
    return _register((load_file(p) for p in module_files(Path(path).expanduser())), replace=replace)


def register(adapter: Adapter | dict[str, Any], *, replace: bool = False) -> Adapter:
    """Register an adapter defined in code (a notebook cell, a test)."""
    obj = adapter if isinstance(adapter, Adapter) else Adapter.from_dict(adapter, source="<code>")
    _ensure_shipped(obj.name)  # only the shipped one it could clash with
    return _register([obj], replace=replace)[0]


def get_adapter(name: str) -> Adapter:
    _ensure_shipped(name)
    with _lock:
        adapter = _adapters.get(name)
        known = sorted(_adapters)
        clash = _clashes.get(name)
    if clash is not None:
        raise clash
    if adapter is None:
        _ensure_shipped()  # every name, for the message
        with _lock:
            known = sorted(_adapters)
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

    from .frames import readable

    table: pd.DataFrame = readable(pd.DataFrame([a.describe() for a in adapters()]))
    return table
