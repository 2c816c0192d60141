"""The old name of ``oauthkit.history`` (the refresh log as a DataFrame), kept importable."""

from __future__ import annotations

from .history import COLUMNS, TIME, TRIGGERS, summarize, to_frame

__all__ = ["COLUMNS", "TIME", "TRIGGERS", "summarize", "to_frame"]
