"""The local server ``verify`` points an adapter at: it records every request and answers the
documented example (with its absolute expiry instants moved to the same distance from now)."""

from __future__ import annotations

import copy
import json
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any

from ..adapter import Adapter, Expiry, template_fields
from ..sandbox.httpd import Incoming, SandboxHTTPServer
from ..sandbox.records import RecordedRequest, Reply, parse_request
from ._example import Example


class ExampleServer:
    """A local server that records every request and answers the documented example."""

    def __init__(self, adapter: Adapter, ex: Example) -> None:
        self.adapter = adapter
        self.ex = ex
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._server = SandboxHTTPServer(0, self._dispatch)
        self.url = f"http://127.0.0.1:{self._server.port}"

    def __enter__(self) -> ExampleServer:
        self._server.start(f"contract-{self.adapter.name}")
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()

    @property
    def token_requests(self) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.kind == "token"]

    def _discovery_path(self) -> str | None:
        if not self.adapter.discovery:
            return None
        tail = self.adapter.discovery
        for ref in template_fields(tail):
            tail = tail.replace("{" + ref + "}", "")
        return tail

    def _dispatch(self, incoming: Incoming) -> Reply:
        path = incoming.target.split("?", 1)[0]
        kind = "discovery" if incoming.method == "GET" and path == self._discovery_path() else "token"
        record = parse_request(
            incoming.method, incoming.target, incoming.headers, incoming.body, kind=kind, at=incoming.at
        )
        with self._lock:
            self.requests.append(record)
        if kind == "discovery":
            doc = {"issuer": self.url, "token_endpoint": self.url + self.ex.request.path}
            doc.update(self.ex.discovery or {})
            return Reply(200, json.dumps(doc).encode(), "application/json")
        res = self.ex.response
        body = shifted(self.adapter, res.body, res.now)
        headers = dict(res.headers)
        ctype = next((headers.pop(k) for k in list(headers) if k.lower() == "content-type"), None)
        if isinstance(body, (bytes, str)):
            data = body.encode() if isinstance(body, str) else body
            return Reply(res.status, data, ctype or "text/plain", headers)
        return Reply(res.status, json.dumps(body).encode(), ctype or "application/json", headers)


def shifted(adapter: Adapter, body: Any, now: str | None) -> Any:
    """The body with its documented absolute expiry instants moved to the same distance from now."""
    if now is None or not isinstance(body, dict):
        return body
    delta = time.time() - instant(now).timestamp()
    body = copy.deepcopy(body)
    for spec in (adapter.response.expires, adapter.response.refresh_expires):
        if spec is not None and spec.kind == "timestamp":
            shift_field(body, spec, delta)
    return body


def shift_field(body: dict[str, Any], spec: Expiry, delta: float) -> None:
    *parents, last = spec.field.split(".")
    node: Any = body
    for part in parents:
        node = node.get(part) if isinstance(node, dict) else None
    if not isinstance(node, dict) or last not in node:
        return
    value = node[last]
    if spec.format == "iso8601" and isinstance(value, str):
        moved = instant(value) + timedelta(seconds=delta)
        node[last] = moved.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        node[last] = value + (delta * 1000 if spec.format == "epoch_ms" else delta)


def instant(text: str) -> datetime:
    value = text.strip()
    value = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
