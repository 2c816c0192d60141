"""The catalogue as Markdown: the README's adapter table, written from the adapters themselves
(a test keeps the README equal to ``catalogue_markdown()``)."""

from __future__ import annotations

from ..adapter import Adapter

_REQUEST = {"query": "query string", "form": "form body", "json": "JSON body"}
_AUTH = {"basic": "HTTP Basic", "body": "in the parameters", "none": "none"}
_ROTATION = {"always": "every refresh", "never": "never", "if_present": "when the answer has one"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _row(a: Adapter) -> str:
    r = a.request
    setting = r.client_auth_setting
    auth = f"setting `{setting}`" if setting else _AUTH.get(r.client_auth, r.client_auth)
    flows = a.first_tokens
    first = {"": "by hand", "login": "login"}.get(flows, flows.replace("code", "code grant"))
    refresh_expiry = f"`{a.response.refresh_expires.field}`" if a.response.refresh_expires else "-"
    docs = f"[docs]({a.docs})" if a.docs.startswith("https://") else _cell(a.docs or "-")
    cells = [
        f"`{a.name}`",
        _cell(a.title),
        f"{r.method}, {_REQUEST[r.encoding]}",
        auth,
        first.replace("+", ", PKCE "),
        _ROTATION[a.rotation],
        refresh_expiry,
        docs,
    ]
    return "| " + " | ".join(cells) + " |"


def catalogue_markdown(adapters: list[Adapter]) -> str:
    """One row per adapter, by name: what it sends, how first tokens come, rotation, docs."""
    columns = [
        "name",
        "provider",
        "request",
        "client_auth",
        "first_tokens",
        "rotation",
        "refresh-token_expiry",
        "docs",
    ]
    head = "| " + " | ".join(c.replace("_", " ") for c in columns) + " |\n"
    head += "|" + "---|" * len(columns) + "\n"
    return head + "".join(_row(a) + "\n" for a in sorted(adapters, key=lambda a: a.name))
