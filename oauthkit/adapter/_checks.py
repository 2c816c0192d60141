"""The checks every section of an adapter dict is read with; each failure names the field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from ..errors import AdapterError
from ._spec import Setting, template_fields

_C = TypeVar("_C", bound=str)


class Checks:
    """Reads one adapter dict; ``fail`` makes the AdapterError that names the adapter and field."""

    def __init__(self, data: Mapping[str, Any], source: str) -> None:
        self.data = data
        self.source = source
        raw_name = data.get("name") if isinstance(data, Mapping) else None
        self.name = raw_name if isinstance(raw_name, str) and raw_name else "<unnamed>"

    def fail(self, path: str, problem: str) -> AdapterError:
        where = f" in {self.source}" if self.source else ""
        return AdapterError(
            f"adapter {self.name!r}{where}: field {path!r} {problem}",
            adapter=None,
            hint="fix the adapter definition (every key, its type and default: docs/DESIGN.md)",
        )

    def mapping(self, value: Any, path: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(path, f"must be a dict, got {type(value).__name__}")
        for key in value:
            if key not in allowed:
                import difflib  # only a broken adapter pays for it (benchmarks/import_time)

                close = difflib.get_close_matches(str(key), allowed, n=1)
                suggestion = f"; did you mean {close[0]!r}?" if close else f"; allowed: {', '.join(allowed)}"
                raise self.fail(f"{path}.{key}" if path else str(key), f"is unknown{suggestion}")
        return value

    def text(self, value: Any, path: str, *, optional: bool = False) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, f"must be a non-empty string, got {value!r}")
        return value

    def choice(self, value: Any, path: str, choices: tuple[_C, ...], also: str = "") -> _C:
        for allowed in choices:
            if value == allowed:
                return allowed
        raise self.fail(
            path, f"must be one of {', '.join(choices)}{' ' + also if also else ''}; got {value!r}"
        )

    def number(self, value: Any, path: str) -> float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise self.fail(path, f"must be a positive number of seconds, got {value!r}")
        return float(value)

    def templated(self, template: str, path: str, settings: tuple[Setting, ...]) -> None:
        declared = {s.name for s in settings}
        for ref in template_fields(template):
            if ref not in declared:
                raise self.fail(path, f"refers to undeclared setting {{{ref}}}")

    def templates(self, value: Any, path: str, settings: tuple[Setting, ...]) -> dict[str, str]:
        """A dict of fixed parameters whose values are templates over the settings."""
        given = self.mapping(value, path, tuple(value) if isinstance(value, Mapping) else ())
        for key, tmpl in given.items():
            self.text(tmpl, f"{path}.{key}")
            self.templated(tmpl, f"{path}.{key}", settings)
        return dict(given)
