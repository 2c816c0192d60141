"""``python -m oauthkit``: the same command line as the ``oauthkit`` script, for a kernel or a
virtualenv whose scripts folder is not on PATH (``!python -m oauthkit token ADAPTER``)."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
