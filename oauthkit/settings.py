"""A connection's settings, read later-wins from: adapter defaults < .env < environment < keywords.

Environment names are ``{ADAPTER}_{SETTING}`` upper-cased (``ACME_REFRESH_TOKEN``); a connection
named other than ``default`` reads ``{ADAPTER}_{NAME}_{SETTING}``. The ``.env`` file is read with
python-dotenv without touching ``os.environ``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .adapter import Adapter, template_fields
from .errors import ConfigError

# Settings every connection may pass that are not the adapter's own (kept out of templates).
SEED_SETTING = "refresh_token"


def find_env_file(env_file: str | os.PathLike[str] | None) -> Path | None:
    from dotenv import find_dotenv

    if env_file is not None:
        path = Path(env_file).expanduser()
        if not path.is_file():
            raise ConfigError(
                f"the .env file {str(path)!r} does not exist",
                hint="pass env_file= an existing file, or None to search from the working directory up",
            )
        return path
    found = find_dotenv(usecwd=True)
    return Path(found) if found else None


def resolve(
    adapter: Adapter,
    connection: str,
    overrides: Mapping[str, Any],
    env_file: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, str | None]:
    """The settings of one connection; raises ConfigError for unknown or missing settings."""
    declared = {s.name: s for s in adapter.settings}
    unknown = sorted(set(overrides) - set(declared))
    if unknown:
        raise ConfigError(
            f"unknown setting(s) {', '.join(unknown)}",
            adapter=adapter.name,
            connection=connection,
            hint=f"{adapter.name} takes: {', '.join(declared)}",
        )
    environ = os.environ if environ is None else environ
    path = find_env_file(env_file)
    dotenv: dict[str, str | None] = {}
    if path is not None:
        from dotenv import dotenv_values

        dotenv = dict(dotenv_values(path))

    values: dict[str, str | None] = {}
    for name, setting in declared.items():
        env = adapter.env_name(name, connection)
        value: Any = setting.default
        if dotenv.get(env):
            value = dotenv[env]
        if environ.get(env):
            value = environ[env]
        if overrides.get(name) is not None:
            value = overrides[name]
        values[name] = None if value is None else str(value)

    # Defaults may be templates over other settings (base_url = "https://{domain}").
    for name, setting in declared.items():
        value = values[name]
        if value is not None and value == setting.default and template_fields(value):
            missing = [ref for ref in template_fields(value) if not values.get(ref)]
            if missing:
                values[name] = None
            else:
                values[name] = value.format_map({k: v or "" for k, v in values.items()})

    for name, setting in declared.items():
        refs = template_fields(setting.default or "")
        # A templated default ("https://{domain}") is as required as a plain one is not.
        if (setting.required or refs) and not values[name] and name != SEED_SETTING:
            env = adapter.env_name(name, connection)
            also = f" (or {', '.join(adapter.env_name(r, connection) for r in refs)})" if refs else ""
            raise ConfigError(
                f"missing setting {name!r}",
                adapter=adapter.name,
                connection=connection,
                hint=f"set {env}{also} in .env or the environment, or pass {name}=... to connect()",
            )
    return values
