"""Contract tests from documentation: replay a provider's documented refresh example.

An author copies the provider's documented example — the request (method, path, which
parameters go where, the client auth) and the answer (its body) — and ``verify`` runs the
adapter against a local server on 127.0.0.1 that records the request and answers the example::

    from oauthkit.testing import verify

    token = verify("oauth2", {  # RFC 6749 section 6 and 5.1
        "request": {"method": "POST", "path": "/token",
                    "headers": {"Authorization": "Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW"},
                    "form": {"grant_type": "refresh_token",
                             "refresh_token": "tGzv3JOkF0XG5Qx2TlKWIA"}},
        "response": {"body": {"access_token": "2YotnFZFEjr1zCsicMWpAA", "expires_in": 3600,
                              "token_type": "Bearer"}},
        "expect": {"lifetime": 3600},
    })

``verify`` returns the Token the adapter read, or raises ``ContractMismatch`` (an
AssertionError) whose message lines up what the page documents (``-``) against what the adapter
sent (``+``). An example with an error status makes ``verify`` raise the typed error the adapter
turns it into (``InvalidGrant``, ``ProviderError``, ...), once the request matched.

The settings the connection needs are taken from the example itself: the refresh token and the
client credentials from where the page shows them, and the URL setting (``base_url``,
``token_url``, a discovery ``issuer``) pointed at the local server. ``settings`` in the example
adds or overrides any of them; ``"{server}"`` in a value is the local server's root URL.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..adapter import Adapter, template_fields
from ..errors import MalformedResponse, OAuthKitError
from ..token import Token
from ._compare import check_expectations, diff_lines, documented_lines, sent_lines
from ._example import (  # TODO: the scaffold's placeholder, importable from here as before
    TODO,  # noqa: F401
    ContractError,
    ContractMismatch,
    DocumentedRequest,
    DocumentedResponse,
    Example,
    refuse_todo,
)
from ._server import ExampleServer

SERVER = "{server}"

__all__ = [
    "ContractError",
    "ContractMismatch",
    "DocumentedRequest",
    "DocumentedResponse",
    "Example",
    "load_adapter",
    "verify",
]


def load_adapter(path: str | Path) -> Adapter:
    """Validate the adapter module at ``path`` without registering it (for a contract test)."""
    from ..registry import load_file

    return load_file(Path(path))


def verify(adapter: Adapter | str | Path | Mapping[str, Any], example: Example | Mapping[str, Any]) -> Token:
    """Run ``adapter`` against a local server answering ``example``; the Token it reads."""
    __tracebackhide__ = True  # pytest: show the failing test's line and this message, not our insides
    spec = _adapter(adapter)
    ex = example if isinstance(example, Example) else Example.from_dict(example)
    refuse_todo(ex)
    with ExampleServer(spec, ex) as server:
        settings = _settings(spec, ex, server.url)
        token, error = _exchange(spec, settings)
        sent = server.token_requests
    if not sent:
        raise ContractError(
            f"adapter {spec.name!r} sent no refresh request to the local server"
            + (f": {error}" if error else "")
            + f"; its settings were {sorted(settings)}"
        ) from error
    documented, actual = documented_lines(ex.request), sent_lines(sent[0], ex.request.headers)
    if documented != actual or len(sent) > 1:
        extra = f"\n(the adapter sent {len(sent)} requests, the page shows one)" if len(sent) > 1 else ""
        raise ContractMismatch(
            f"adapter {spec.name!r}: the refresh request differs from the documented example"
            f"{' (' + ex.source + ')' if ex.source else ''}; - documented, + sent:\n"
            + diff_lines(documented, actual)
            + extra,
            documented,
            actual,
        )
    if error is not None:
        if ex.response.status < 300 and isinstance(error, MalformedResponse):
            raise ContractError(
                f"adapter {spec.name!r} sent the documented request but cannot read the documented "
                f"answer: {error}"
            ) from error
        raise error
    assert token is not None
    check_expectations(spec, ex, token)
    return token


# ---- the exchange ------------------------------------------------------------------------------
def _adapter(adapter: Adapter | str | Path | Mapping[str, Any]) -> Adapter:
    if isinstance(adapter, Adapter):
        return adapter
    if isinstance(adapter, Mapping):
        return Adapter.from_dict(adapter, source="<example>")
    if isinstance(adapter, Path) or str(adapter).endswith(".py"):
        return load_adapter(adapter)
    from ..registry import get_adapter

    return get_adapter(str(adapter))


def _exchange(adapter: Adapter, settings: dict[str, Any]) -> tuple[Token | None, OAuthKitError | None]:
    from ..connection import connect
    from ..retry import NO_RETRY

    conn = None
    try:
        # A connection name of its own: no {ADAPTER}_{SETTING} from the environment or a .env leaks in.
        conn = connect(
            adapter, name="contract", store=f"memory://{uuid.uuid4().hex}", retry=NO_RETRY, **settings
        )
        return conn.refresh(), None
    except OAuthKitError as exc:
        return None, exc
    finally:
        if conn is not None:
            conn.close()


def _settings(adapter: Adapter, ex: Example, server: str) -> dict[str, str]:
    """The connection's settings: the example's own, else read from the documented request."""
    declared = {s.name for s in adapter.settings}
    req, wire = ex.request, adapter.request.wire
    values: dict[str, str] = {}
    documented = {
        "refresh_token": _param(req, wire("refresh_token")),
        "client_id": req.basic[0] if req.basic else _param(req, wire("client_id")),
        "client_secret": req.basic[1] if req.basic else _param(req, wire("client_secret")),
    }
    if "scope" in adapter.request.optional + adapter.request.required:
        documented["scope"] = _param(req, wire("scope"))
    values.update({k: v for k, v in documented.items() if v is not None and k in declared})
    from_discovery = {"token_endpoint", "auth_method"} if adapter.discovery else set()
    for name in template_fields(adapter.discovery or ""):
        values[name] = SERVER
    url = adapter.request.url
    refs = template_fields(url)
    if refs and url.startswith("{" + refs[0] + "}") and refs[0] not in from_discovery:
        # "{base_url}/oauth/token" and a documented "/v3/oauth/token": base_url is server + "/v3".
        suffix = url[len(refs[0]) + 2 :]
        prefix = req.path[: -len(suffix)] if suffix and req.path.endswith(suffix) else req.path
        values[refs[0]] = SERVER + (prefix if suffix else req.path)
    values.update(ex.settings)
    return {k: v.replace(SERVER, server) for k, v in values.items()}


def _param(req: DocumentedRequest, name: str) -> str | None:
    for params in (req.query, req.form or {}, req.json or {}):
        value = params.get(name)
        if isinstance(value, list):
            value = value[-1] if value else None
        if isinstance(value, str):
            return value
    return None
