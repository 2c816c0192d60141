"""Writing adapters: ``new-adapter`` scaffolds one, ``check`` explains one in plain words.

``new_adapter(name, folder)`` writes ``folder/NAME.py`` (a commented adapter) and
``folder/test_NAME.py`` (a contract test that replays the provider's documented example with
``oauthkit.testing.verify``; it fails until the example is filled in). Adapter folders may hold
their tests: the registry skips ``test_*.py``.

``check(path)`` loads an adapter file or a folder of them and reports, for each adapter, what it
will send and how it reads the answer, with warnings for risky choices and errors that name the
file, the field and the fix. ``main(argv)`` is the command line (``python -m oauthkit.authoring
check PATH``); ``add_subcommands`` wires the same into the ``oauthkit`` command.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .adapter import Adapter, Expiry, template_fields
from .errors import AdapterError, ConfigError, OAuthKitError
from .urls import is_loopback

__all__ = ["AdapterReport", "Report", "add_subcommands", "check", "main", "new_adapter"]

_TODO = "TODO"


# ---- scaffold ----------------------------------------------------------------------------------
_ADAPTER_TEMPLATE = '''"""<<title>> — refresh an access token.

TODO: the provider's documentation page, and its refresh example quoted as it is written:

    POST https://api.<<name>>.example/oauth/token
    Authorization: Basic base64(client_id:client_secret)
    grant_type=refresh_token&refresh_token=...

    {"access_token": "...", "token_type": "Bearer", "expires_in": 3600}

Choices where the page is silent or contradicts itself (state each one, with the reason):
- ...
"""

# The adapter is data: no Authlib, requests or pandas here. Check it with `oauthkit check <this
# file>`; the full format, with every default, is the docstring of oauthkit/adapter.py.
ADAPTER = {
    "name": "<<name>>",
    "title": "<<title>>",
    "docs": "TODO: the URL of the documentation page this adapter follows",
    # Each setting is read from connect(...) keywords, the environment (<<env>>_CLIENT_ID) or .env.
    # "default" makes a setting optional; "secret": True keeps its value out of logs and reprs.
    "settings": {
        "base_url": {"default": "https://api.<<name>>.example"},
        "client_id": {},
        "client_secret": {"secret": True},
        "refresh_token": {"secret": True},
    },
    "request": {
        "url": "{base_url}/oauth/token",  # a template over the settings
        "method": "POST",  # GET | POST
        "encoding": "form",  # query (URL) | form | json; a GET must use query
        # basic: HTTP Basic header; body: client_id and client_secret among the parameters;
        # none: no client credentials at all
        "client_auth": "basic",
        "grant_type": "refresh_token",  # None when the provider sends no grant_type
        # "names": {"refresh_token": "refreshToken"},  # wire names, where not RFC 6749's
        # "optional": ["scope"],  # settings sent only when set (declare them under settings)
    },
    "response": {
        # dotted paths into the JSON answer, e.g. "data.token"; None when never present
        "access_token": "access_token",
        "refresh_token": "refresh_token",
        "expires": {"field": "expires_in", "kind": "seconds"},
        # or {"field": "access.expires", "kind": "timestamp", "format": "iso8601"}  (epoch, epoch_ms)
        "default_lifetime": 3600,  # seconds, for an answer without an expiry
    },
    # always: every answer carries a new refresh token and the old one dies; never: the answer
    # has none and ours stays valid; if_present: take a new one when it comes back
    "rotation": "if_present",
    # What "this refresh token is dead: authorize again" looks like (RFC 6749: 400 invalid_grant)
    "errors": {"invalid_grant_codes": ["invalid_grant"]},
}
'''

_TEST_TEMPLATE = '''"""Contract test for the <<name>> adapter: the documented refresh example, replayed.

Fill in EXAMPLE from the documentation page (every "TODO" value), then run
`pytest <<test_file>>`. oauthkit.testing.verify runs the adapter against a local server on
127.0.0.1 that checks the request against "request" and answers "response"; a difference fails
with a diff of what the page documents (-) and what the adapter sent (+).
"""

from pathlib import Path
from typing import Any

from oauthkit.testing import load_adapter, verify

ADAPTER = load_adapter(Path(__file__).with_name("<<name>>.py"))

EXAMPLE: dict[str, Any] = {
    "source": "TODO: the URL of the documented example",
    "request": {
        "method": "POST",
        # The path as the page shows it; the URL setting is pointed at the local server.
        "path": "/oauth/token",
        # Which parameters go where, with the page's example values: "query" (URL query string),
        # "form" (form body) or "json" (JSON body); "basic": [client id, client secret] for HTTP
        # Basic, or "headers": {"Authorization": "Basic ..."} exactly as the page prints it.
        "form": {"grant_type": "refresh_token", "refresh_token": "TODO: the page's refresh token"},
        "basic": ["TODO: the page's client id", "TODO: the page's client secret"],
    },
    "response": {
        "status": 200,
        # The answer as the page shows it.
        "body": {"access_token": "TODO: the page's access token", "token_type": "Bearer", "expires_in": 3600},
    },
    # What the adapter must read from that answer: access_token, refresh_token, token_type,
    # scope, id_token, lifetime and refresh_lifetime (seconds).
    "expect": {"lifetime": 3600},
}


def test_documented_refresh_example() -> None:
    token = verify(ADAPTER, EXAMPLE)  # checks the request, reads the answer, checks "expect"
    assert token.access_token
'''


def new_adapter(name: str, folder: str | Path = ".") -> list[Path]:
    """Write ``folder/NAME.py`` and ``folder/test_NAME.py``; the paths written."""
    if not name or not name[0].isalpha() or not name.replace("_", "").isalnum() or name != name.lower():
        raise ConfigError(
            f"bad adapter name {name!r}",
            hint="use lower-case letters, digits and underscores, starting with a letter (e.g. acme)",
        )
    where = Path(folder).expanduser()
    adapter_file, test_file = where / f"{name}.py", where / f"test_{name}.py"
    for path in (adapter_file, test_file):
        if path.exists():
            raise ConfigError(
                f"{path} already exists", hint="choose another name or folder; nothing was written"
            )
    words = {
        "<<name>>": name,
        "<<title>>": name.replace("_", " ").title(),
        "<<env>>": name.upper(),
        "<<test_file>>": str(test_file),
    }
    where.mkdir(parents=True, exist_ok=True)
    for path, template in ((adapter_file, _ADAPTER_TEMPLATE), (test_file, _TEST_TEMPLATE)):
        text = template
        for key, value in words.items():
            text = text.replace(key, value)
        path.write_text(text, encoding="utf-8")
    return [adapter_file, test_file]


# ---- check -------------------------------------------------------------------------------------
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
    from . import registry

    target = Path(path).expanduser()
    try:
        files = registry._module_files(target)
    except ConfigError as exc:
        return Report([AdapterReport(target, errors=[str(exc)])])
    report = Report([_check_file(f) for f in files])
    _check_names(report, registry)
    return report


def _check_file(path: Path) -> AdapterReport:
    from .registry import load_module_data

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


def _check_names(report: Report, registry: Any) -> None:
    seen: dict[str, Path] = {}
    shipped = {p.stem: p for p in registry._module_files(registry.shipped_folder())}
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


# ---- plain words -------------------------------------------------------------------------------
def describe(adapter: Adapter) -> list[str]:
    """What the adapter sends and how it reads the answer, one line per fact."""
    r, res = adapter.request, adapter.response
    lines = [f"sends     {r.method} {_url(adapter)}"]
    if adapter.discovery:
        lines.append(
            f"discovery endpoints and client auth from {adapter.discovery} (once per process; "
            "settings the user set win)"
        )
    pairs = [(r.wire("grant_type"), r.grant_type)] if r.grant_type is not None else []
    pairs.append((r.wire("refresh_token"), "<refresh token>"))
    pairs += [(r.wire(n), f"<{n}, when set>") for n in r.optional]
    pairs += list(r.extra.items())
    # Shown as the wire shows them: name=value in a query or form, "name": value in JSON.
    params = [f"{k}={v}" for k, v in pairs]
    if r.encoding == "json":
        params = [f'"{k}": {v if v.startswith("<") else json.dumps(v)}' for k, v in pairs]
    where = {
        "query": "in the URL query string",
        "form": "in a form body (application/x-www-form-urlencoded)",
        "json": "in a JSON body",
    }[r.encoding]
    lines.append(f"params    {where}: {', '.join(params)}")
    lines.append(f"client    {_client_auth(adapter)}")
    lines.append(
        f"reads     access token at {res.access_token!r}; {_path_words('refresh token', res.refresh_token)}"
    )
    lines.append(f"expiry    {_expiry_words(res.expires, res.default_lifetime)}")
    if res.refresh_expires is not None:
        lines.append(f"          refresh token: {_expiry_words(res.refresh_expires, None)}")
    lines.append(f"rotation  {_rotation_words(adapter.rotation)}")
    lines.append(f"dead      {_error_words(adapter)} -> InvalidGrant (authorize again)")
    if adapter.response_hook is not None:
        lines.append("hook      a response_hook reshapes the answer before it is read")
    lines.append(f"first     {_first_token_words(adapter)}")
    lines.append(f"docs      {adapter.docs or '-'}")
    return lines


def _defaults(adapter: Adapter) -> dict[str, str]:
    values = {s.name: s.default for s in adapter.settings if s.default is not None}
    # A default may refer to other settings, one level deep (the validator sees to it), as
    # base_url = "https://{domain}" does: expand those whose references have plain defaults.
    return {
        name: value.format_map(values) if all(ref in values for ref in template_fields(value)) else value
        for name, value in values.items()
    }


def _url(adapter: Adapter) -> str:
    url = adapter.request.url
    if adapter.discovery and template_fields(url):
        return f"{url}  (from discovery)"
    defaults = _defaults(adapter)
    shown = url.format_map(defaults) if all(r in defaults for r in template_fields(url)) else url
    missing = template_fields(shown)
    if missing:
        envs = ", ".join(adapter.env_name(m) for m in missing)
        return f"{shown}  ({', '.join(missing)}: no default; set {envs})"
    return shown


def _client_auth(adapter: Adapter) -> str:
    r = adapter.request
    setting = r.client_auth_setting
    if setting is not None:
        default = adapter.setting(setting)
        chosen = f"default {default.default}" if default and default.default else "from discovery"
        return (
            f"chosen by the setting {setting} ({chosen}): client_secret_basic = HTTP Basic, "
            "client_secret_post = client_id and client_secret in the body, none = client_id only"
        )
    place = "URL query string" if r.encoding == "query" else "body"
    return {
        "basic": "HTTP Basic header: client_id:client_secret",
        "body": f"{r.wire('client_id')} and {r.wire('client_secret')} (when set) in the {place}",
        "none": "no client authentication",
    }[r.client_auth]


def _path_words(what: str, path: str | None) -> str:
    return f"{what} at {path!r}" if path else f"no {what} in the answer"


def _expiry_words(spec: Expiry | None, default: float | None) -> str:
    fallback = f"; {default:g} s when absent" if default is not None else "; no known expiry when absent"
    if spec is None:
        return f"no expiry in the answer{fallback}"
    if spec.kind == "seconds":
        return f"{spec.field!r} is a lifetime in seconds{fallback}"
    fmt = {"iso8601": "an ISO-8601 instant", "epoch": "a UNIX time (s)", "epoch_ms": "a UNIX time (ms)"}
    return f"{spec.field!r} is {fmt.get(spec.format or '', 'an instant')}{fallback}"


def _rotation_words(rotation: str) -> str:
    return {
        "always": "always: every answer carries a new refresh token and the used one is dead",
        "never": "never: the refresh token is kept; any in the answer is ignored",
        "if_present": "if_present: a refresh token in the answer replaces ours, else ours is kept",
    }[rotation]


def _error_words(adapter: Adapter) -> str:
    e = adapter.errors
    parts = [f"HTTP {', '.join(map(str, e.invalid_grant_status))}"] if e.invalid_grant_status else []
    if e.invalid_grant_codes:
        parts.append(f"{e.code_field!r} in ({', '.join(e.invalid_grant_codes)})")
    if e.invalid_grant_messages:
        parts.append(f"{e.message_field!r} mentions ({', '.join(e.invalid_grant_messages)})")
    return " or ".join(parts) or "nothing declared"


def _first_token_words(adapter: Adapter) -> str:
    """How the first tokens are obtained: conn.authorize(), conn.login(...) or by hand."""
    if adapter.authorize is not None:
        a = adapter.authorize
        pkce = f"PKCE {a.pkce}" if a.pkce else "no PKCE"
        exchange = a.exchange.request
        return (
            f"conn.authorize(): the user approves at {a.url} (scope {a.scope or '-'}, {pkce}); "
            f"the code is exchanged with {exchange.method} {exchange.url} ({exchange.encoding})"
        )
    if adapter.login is not None:
        login = adapter.login.exchange.request
        return (
            f"conn.login({', '.join(f'{c}=...' for c in adapter.login.credentials)}): "
            f"{login.method} {login.url} ({login.encoding}); the credentials are never stored"
        )
    return "by hand: no authorize or login section, so the refresh_token setting seeds it"


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
    defaults = _defaults(adapter)
    for template in candidates:
        refs = template_fields(template)
        url = template.format_map(defaults) if all(r in defaults for r in refs) else template
        parts = urlsplit(url)
        if parts.scheme == "http" and not is_loopback(parts.hostname):
            return f"{url} is not https"
    return None


# ---- command line ------------------------------------------------------------------------------


def cmd_new_adapter(args: argparse.Namespace) -> int:
    try:
        adapter_file, test_file = new_adapter(args.name, args.dir)
    except OAuthKitError as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {adapter_file}\nwrote {test_file}\n")
    print("next:")
    print(f"  1. edit {adapter_file} from the provider's documentation page")
    print(f"  2. oauthkit check {adapter_file}")
    print(f"  3. fill in EXAMPLE in {test_file} from the page, then: pytest {test_file}")
    print(f'  4. oauthkit.load_adapters("{adapter_file.parent}"); oauthkit.connect("{args.name}")')
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    report = check(args.path)
    print(report.text())
    return 0 if report.ok else 1


def add_subcommands(subparsers: Any) -> None:
    """Add ``new-adapter`` and ``check`` to an argparse subparsers object (the ``oauthkit`` command)."""
    sub = subparsers.add_parser("new-adapter", help="write a commented adapter and its contract test")
    sub.add_argument("name", help="the adapter's name: lower-case letters, digits, underscores")
    sub.add_argument("--dir", default=".", help="folder to write into (default: the current one)")
    sub.set_defaults(func=cmd_new_adapter)
    sub = subparsers.add_parser("check", help="explain an adapter file or folder; exit 1 on errors")
    sub.add_argument("path", help="an adapter .py file or a folder of them")
    sub.set_defaults(func=cmd_check)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="oauthkit", description="Write and check oauthkit adapters.")
    add_subcommands(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
