"""Writing adapters: ``new-adapter`` scaffolds one, ``check`` explains one in plain words.

``new_adapter(name, folder)`` writes ``folder/NAME.py`` (a commented adapter) and
``folder/test_NAME.py`` (a contract test that replays the provider's documented example with
``oauthkit.testing.verify``; it fails until the example is filled in). Adapter folders may hold
their tests: the registry skips ``test_*.py``.

``check(path)`` loads an adapter file or a folder of them and reports, for each adapter, what it
will send and how it reads the answer, with warnings for risky choices and errors that name the
file, the field and the fix. ``main(argv)`` is the command line (``python -m oauthkit.authoring
check PATH``); ``add_subcommands`` wires the same into the ``oauthkit`` command.
``catalogue_markdown(adapters)`` is the README's adapter table (``oauthkit adapters --markdown``).
"""

from __future__ import annotations

from ._catalogue import catalogue_markdown
from ._check import AdapterReport, Report, check
from ._command import add_subcommands, main
from ._scaffold import new_adapter
from ._words import describe

__all__ = [
    "AdapterReport",
    "Report",
    "add_subcommands",
    "catalogue_markdown",
    "check",
    "describe",
    "main",
    "new_adapter",
]
