"""The old name of ``oauthkit.refresh_log`` (refresh events as a DataFrame), kept importable."""

from __future__ import annotations

from .refresh_log import COLUMNS, TIME, TRIGGERS, summarize, to_frame

__all__ = ["COLUMNS", "TIME", "TRIGGERS", "summarize", "to_frame"]
