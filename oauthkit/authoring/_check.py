"""``check``: load adapter files and report, per file, what each does, its risks and its errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .. import registry
from ..adapter import Adapter, template_fields
from ..errors import AdapterError, ConfigError
from ..registry import load_module_data
from ..urls import is_loopback
from ._words import default_values, describe

_TODO = "TODO"


@dataclass
class AdapterReport:
    """One file's verdict: what its adapter does (``description``), ``warnings`` and ``errors``."""

    file: Path
    adapter: Adapter | None = None
    description: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def text(self) -> str:
        title = f"{self.adapter.name} ({self.adapter.title})" if self.adapter else "(not loaded)"
        lines = [f"{title} — {self.file}"]
        lines += [f"  {line}" for line in self.description]
        lines += [f"  warning: {w}" for w in self.warnings]
        lines += [f"  error: {e}" for e in self.errors]
        return "\n".join(lines)


@dataclass
class Report:
    """What ``check`` found; ``ok`` is False when any file has an error."""

    entries: list[AdapterReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> list[str]:
        return [e for entry in self.entries for e in entry.errors]

    @property
    def warnings(self) -> list[str]:
        return [w for entry in self.entries for w in entry.warnings]

    def text(self) -> str:
        body = "\n\n".join(entry.text() for entry in self.entries) or "no adapter files found"
        n_err, n_warn = len(self.errors), len(self.warnings)
        return f"{body}\n\n{len(self.entries)} file(s), {n_err} error(s), {n_warn} warning(s)"

    def __str__(self) -> str:
        return self.text()


def check(path: str | Path) -> Report:
    """Load the adapter file, or every adapter file in a folder, and explain each one."""
    target = Path(path).expanduser()
    try:
        files = registry.module_files(target)
    except ConfigError as exc:
        return Report([AdapterReport(target, errors=[str(exc)])])
    report = Report([_check_file(f) for f in files])
    _check_names(report)
    return report


def _check_file(path: Path) -> AdapterReport:
    entry = AdapterReport(path)
    try:
        data = load_module_data(path)
        adapter = data if isinstance(data, Adapter) else Adapter.from_dict(data, source=str(path))
    except AdapterError as exc:
        entry.errors.append(str(exc))
        return entry
    except Exception as exc:  # ADAPTER is not even a dict: say so rather than crash the report
        entry.errors.append(f"{path}: ADAPTER cannot be read ({type(exc).__name__}: {exc})")
        return entry
    entry.adapter = adapter
    entry.description = describe(adapter)
    declared_rotation = isinstance(data, Adapter) or "rotation" in data
    entry.warnings, entry.errors = _findings(adapter, declared_rotation)
    return entry


def _check_names(report: Report) -> None:
    seen: dict[str, Path] = {}
    shipped = {p.stem: p for p in registry.module_files(registry.shipped_folder())}
    for entry in report.entries:
        if entry.adapter is None:
            continue
        name = entry.adapter.name
        if name in seen:
            entry.errors.append(
                f"adapter {name!r} in {entry.file}: field 'name' is also used by {seen[name]}; "
                "fix: give each adapter its own name"
            )
        seen.setdefault(name, entry.file)
        if name in shipped and shipped[name].resolve() != entry.file.resolve():
            entry.warnings.append(
                f"name {name!r} is a shipped adapter ({shipped[name]}): load_adapters() refuses it "
                "unless you pass replace=True; rename it to keep both"
            )


# ---- warnings and errors -------------------------------------------------------------------------
def _findings(adapter: Adapter, declared_rotation: bool) -> tuple[list[str], list[str]]:
    r, res = adapter.request, adapter.response
    warnings: list[str] = []
    errors: list[str] = []
    if r.encoding == "query":
        what = "the refresh token" + (" and the client secret" if r.client_auth == "body" else "")
        warnings.append(
            f"{what} travel in the URL query string, where proxy and server logs keep them; do this "
            "only when the provider documents it (oauthkit warns once per connection)"
        )
    urls = [r.url, adapter.discovery or ""] + ([adapter.authorize.url] if adapter.authorize else [])
    secret_in_url = sorted({s for u in urls for s in template_fields(u) if s in adapter.secret_settings})
    if secret_in_url:
        warnings.append(f"the URL template contains the secret setting(s) {', '.join(secret_in_url)}")
    plain = _plain_http(adapter)
    if plain:
        warnings.append(
            f"plain http: {plain}; oauthkit refuses it for any host but 127.0.0.1/localhost unless "
            "connect(..., allow_insecure_http=True)"
        )
    if res.expires is None and res.default_lifetime is None:
        warnings.append(
            "no expiry and no default_lifetime: tokens never count as expired and are refreshed only "
            "after the API answers 401; set response.expires or response.default_lifetime"
        )
    if not declared_rotation:
        warnings.append(
            "rotation is not declared ('if_present' assumed): say whether the provider rotates "
            "refresh tokens: always | never | if_present"
        )
    if not adapter.docs or adapter.docs.startswith(_TODO):
        warnings.append("docs: give the URL of the documentation page this adapter follows")
    if adapter.rotation == "always" and res.refresh_token is None:
        errors.append(
            f"adapter {adapter.name!r} in {adapter.source}: field 'rotation' is 'always' but "
            "'response.refresh_token' is None, so every refresh would fail; fix: set "
            "response.refresh_token to the answer's path, or rotation to 'never'"
        )
    return warnings, errors


def _plain_http(adapter: Adapter) -> str | None:
    candidates = [adapter.request.url, adapter.discovery or ""]
    if adapter.authorize is not None:  # the user's browser and the code go there too
        candidates += [adapter.authorize.url, adapter.authorize.exchange.request.url]
    if adapter.login is not None:  # the password goes there
        candidates.append(adapter.login.exchange.request.url)
    defaults = default_values(adapter)
    for template in candidates:
        refs = template_fields(template)
        url = template.format_map(defaults) if all(r in defaults for r in refs) else template
        parts = urlsplit(url)
        if parts.scheme == "http" and not is_loopback(parts.hostname):
            return f"{url} is not https"
    return None
