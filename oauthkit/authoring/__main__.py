"""``python -m oauthkit.authoring new-adapter NAME`` / ``check PATH``."""

from __future__ import annotations

from . import main

raise SystemExit(main())
