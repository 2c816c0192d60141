"""The command line: ``oauthkit new-adapter`` and ``check`` (also ``python -m oauthkit.authoring``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from ..errors import OAuthKitError
from ._check import check
from ._scaffold import new_adapter


def cmd_new_adapter(args: argparse.Namespace) -> int:
    try:
        adapter_file, test_file = new_adapter(args.name, args.dir)
    except OAuthKitError as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {adapter_file}\nwrote {test_file}\n")
    print("next:")
    print(f"  1. edit {adapter_file} from the provider's documentation page")
    print(f"  2. oauthkit check {adapter_file}")
    print(f"  3. fill in EXAMPLE in {test_file} from the page, then: pytest {test_file}")
    print(f'  4. oauthkit.load_adapters("{adapter_file.parent}"); oauthkit.connect("{args.name}")')
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    report = check(args.path)
    print(report.text())
    return 0 if report.ok else 1


def add_subcommands(subparsers: Any) -> None:
    """Add ``new-adapter`` and ``check`` to an argparse subparsers object (the ``oauthkit`` command)."""
    sub = subparsers.add_parser("new-adapter", help="write a commented adapter and its contract test")
    sub.add_argument("name", help="the adapter's name: lower-case letters, digits, underscores")
    sub.add_argument("--dir", default=".", help="folder to write into (default: the current one)")
    sub.set_defaults(func=cmd_new_adapter)
    sub = subparsers.add_parser("check", help="explain an adapter file or folder; exit 1 on errors")
    sub.add_argument("path", help="an adapter .py file or a folder of them")
    sub.set_defaults(func=cmd_check)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="oauthkit", description="Write and check oauthkit adapters.")
    add_subcommands(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code
