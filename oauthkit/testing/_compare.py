"""Comparing what the adapter sent and read with what the page documents, as diffable lines."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from typing import Any

from ..adapter import Adapter
from ..sandbox.records import RecordedRequest
from ..token import Token
from ._example import TIMES, ContractMismatch, DocumentedRequest, Example

LIFETIME_TOLERANCE_S = 1.0


def values_of(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def documented_lines(req: DocumentedRequest) -> list[str]:
    """The documented request as sorted, comparable lines ("form: grant_type = 'refresh_token'")."""
    lines = [f"{req.method} {req.path}"]
    lines += [f"query: {k} = {v!r}" for k, vs in req.query.items() for v in values_of(vs)]
    body = "json" if req.json is not None else "form" if req.form is not None else "none"
    lines.append(f"body: {body}")
    lines += [f"form: {k} = {v!r}" for k, vs in (req.form or {}).items() for v in values_of(vs)]
    lines += [f"json: {k} = {json.dumps(v, sort_keys=True)}" for k, v in (req.json or {}).items()]
    if req.basic:
        lines.append(f"basic auth: {req.basic[0]!r} : {req.basic[1]!r}")
    lines += [f"header {k.lower()}: {v}" for k, v in req.headers.items()]
    return [lines[0], *sorted(lines[1:])]


def sent_lines(rec: RecordedRequest, headers: Mapping[str, str]) -> list[str]:
    """What the adapter sent, in the lines of the documented requests it is compared with."""
    lines = [f"{rec.method} {rec.path}"]
    lines += [f"query: {k} = {v!r}" for k, vs in rec.query.items() for v in vs]
    if not rec.body:
        body = "none"
    elif rec.form is not None:
        body = "form"
    elif rec.json is not None:
        body = "json"
    else:
        body = f"other ({rec.content_type or 'no content type'})"
    lines.append(f"body: {body}")
    lines += [f"form: {k} = {v!r}" for k, vs in (rec.form or {}).items() for v in vs]
    if isinstance(rec.json, dict):
        lines += [f"json: {k} = {json.dumps(v, sort_keys=True)}" for k, v in rec.json.items()]
    elif rec.json is not None:
        lines.append(f"json: {json.dumps(rec.json, sort_keys=True)}")
    if rec.basic_auth:
        lines.append(f"basic auth: {rec.basic_auth[0]!r} : {rec.basic_auth[1]!r}")
    # Only the headers the page requires: every client adds its own (User-Agent, Accept, ...).
    lines += [f"header {k.lower()}: {rec.headers.get(k.lower(), '<absent>')}" for k in headers]
    return [lines[0], *sorted(lines[1:])]


def diff_lines(documented: list[str], sent: list[str]) -> str:
    out = []
    for line in difflib.ndiff(documented, sent):
        if line.startswith(("- ", "+ ", "  ")):
            out.append(line)
    return "\n".join(out)


def check_expectations(adapter: Adapter, ex: Example, token: Token) -> None:
    __tracebackhide__ = True
    wrong: list[tuple[str, str]] = []
    for key, want in ex.expect.items():
        if key in TIMES:
            end = token.expires_at if key == "lifetime" else token.refresh_expires_at
            got: Any = None if end is None else round((end - token.issued_at).total_seconds(), 3)
            ok = (got is None and want is None) or (
                got is not None and want is not None and abs(got - float(want)) <= LIFETIME_TOLERANCE_S
            )
        else:
            got = getattr(token, key)
            ok = got == want
        if not ok:
            wrong.append((f"token.{key} = {want!r}", f"token.{key} = {got!r}"))
    if wrong:
        documented = [w for w, _ in wrong]
        read = [g for _, g in wrong]
        raise ContractMismatch(
            f"adapter {adapter.name!r} read the documented answer otherwise than expected; "
            "- expected, + read:\n" + "\n".join(f"- {w}\n+ {g}" for w, g in wrong),
            documented,
            read,
        )
