"""DataFrames that read well in a notebook: text left-aligned, cells neither wrapped nor cut.

JupyterLab right-aligns table cells and pandas cuts long values at 50 characters, which turns a
list of URLs and flags into a ragged column of "https://developer.exa...". ``ReadableFrame`` is an
ordinary DataFrame (every pandas operation works and returns one) that draws itself with inline
styles, the only kind JupyterLab's sanitizer keeps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

CELL = "text-align:left;white-space:nowrap;vertical-align:top"


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as a ``ReadableFrame`` (same data, no copy of the values' meaning)."""
    made: pd.DataFrame = _readable_class()(frame)
    return made


_CLASS: Any = None


def _readable_class() -> Any:
    global _CLASS
    if _CLASS is None:
        import pandas as pd

        class ReadableFrame(pd.DataFrame):
            @property
            def _constructor(self) -> type[pd.DataFrame]:
                return ReadableFrame

            def _repr_html_(self) -> str:
                with pd.option_context("display.max_colwidth", None):
                    html: str = self.to_html(index=False, border=0, na_rep="-")
                return (
                    html.replace("<td>", f"<td style='{CELL}'>")
                    .replace("<th>", f"<th style='{CELL}'>")
                    .replace('<tr style="text-align: right;">', "<tr>")
                )

        _CLASS = ReadableFrame
    return _CLASS


__all__ = ["readable"]
