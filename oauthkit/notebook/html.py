"""Rich HTML for Jupyter: the adapter table, and the names the reprs were once built from here.

The value types render themselves (``Token._repr_html_`` in ``token.py``, ``Adapter`` in
``adapter/``, ``Connection`` through ``connection_html.py``) from the pieces in
``oauthkit.display``, so nothing below the notebook layer imports this package. The names below
stay importable from here for callers of the old layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..connection_html import connection_html
from ..display import BOX, GRID_TD, GRID_TH, TABLE, TD, TH, badge, code, esc, link, rows_table
from ..token import token_html, token_rows

if TYPE_CHECKING:
    from ..adapter import Adapter

__all__ = [
    "ADAPTER_TABLE_COLUMNS",
    "BOX",
    "GRID_TD",
    "GRID_TH",
    "TABLE",
    "TD",
    "TH",
    "AdapterTable",
    "adapter_html",
    "adapter_table_html",
    "badge",
    "code",
    "connection_html",
    "esc",
    "rows_table",
    "token_html",
    "token_rows",
]


def adapter_html(adapter: Adapter) -> str:
    return adapter._repr_html_()


ADAPTER_TABLE_COLUMNS: Sequence[tuple[str, str]] = (
    ("name", "name"),
    ("title", "provider"),
    ("method", "method"),
    ("encoding", "encoding"),
    ("client_auth", "client auth"),
    ("expiry", "expiry"),
    ("rotates", "rotation"),
    ("docs", "docs"),
)


def adapter_table_html(adapters: Sequence[Adapter]) -> str:
    head = "".join(f"<th style='{GRID_TH}'>{esc(title)}</th>" for _, title in ADAPTER_TABLE_COLUMNS)
    body = []
    for adapter in adapters:
        facts = adapter.describe()
        cells = []
        for key, _ in ADAPTER_TABLE_COLUMNS:
            value = str(facts.get(key, ""))
            cell = link(value) if key == "docs" else code(value) if key == "name" else esc(value)
            cells.append(f"<td style='{GRID_TD}'>{cell}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f"<table class='oauthkit-adapters' style='{TABLE};font-size:12px'>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


class AdapterTable:
    """The registered adapters, shown as one HTML table in a notebook."""

    def __init__(self, adapters: Sequence[Adapter]) -> None:
        self.adapters = list(adapters)

    def __repr__(self) -> str:
        return f"AdapterTable({', '.join(a.name for a in self.adapters)})"

    def _repr_html_(self) -> str:
        return adapter_table_html(self.adapters)
