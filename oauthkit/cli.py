"""The ``oauthkit`` command: ``adapters``, ``demo``, ``history``, ``refresh`` and ``report`` (and
``token``, ``status``, ``authorize`` from ``cli_tokens.py``).

Nothing printed here ever holds a token: lines come from refresh events (fingerprints),
``Token`` reprs (fingerprints) and oauthkit's error messages (built never to hold secrets).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import oauthkit
from oauthkit.connection import Connection
from oauthkit.errors import describe_error
from oauthkit.store import Event

if TYPE_CHECKING:
    import pandas as pd

    from oauthkit.sandbox import Emulator

ADAPTER_COLUMNS = ["name", "title", "first_tokens", "rotates", "refresh_expiry", "docs"]
LOG_COLUMNS = [
    "at",
    "connection",
    "adapter",
    "trigger",
    "outcome",
    "attempt",
    "http_status",
    "latency_ms",
    "lifetime_s",
    "rotated",
    "access_fp",
    "error",
]
POLL_INTERVAL = 0.25  # seconds between two API calls to the same provider


def _log_table(history: pd.DataFrame, columns: Sequence[str], *, dates: bool) -> str:
    table = history[[c for c in columns if c in history.columns]].copy()
    at = table["at"].dt.strftime("%Y-%m-%d %H:%M:%S" if dates else "%H:%M:%S.%f")
    table["at"] = at if dates else at.str[:-3]
    table["latency_ms"] = table["latency_ms"].round(1)
    table["lifetime_s"] = table["lifetime_s"].round(2)
    # Object dtype, so missing values of every dtype print as one dash, not <NA>/NaN/NaT.
    text: str = table.astype(object).fillna("-").to_string(index=False)
    return text


# ---- adapters --------------------------------------------------------------------------------
def cmd_adapters(args: argparse.Namespace) -> int:
    # The rows without pandas: listing the catalogue should not pay for importing it.
    from oauthkit.registry import adapters

    rows = [a.describe() for a in adapters()]
    if args.search:
        wanted = args.search.lower()
        rows = [r for r in rows if any(wanted in str(r[k]).lower() for k in ("name", "title", "docs"))]
    if args.markdown:
        from oauthkit.authoring import catalogue_markdown

        names = {r["name"] for r in rows}
        print(catalogue_markdown([a for a in adapters() if a.name in names]), end="")
        return 0
    if not rows:
        print(f"no adapter matches {args.search!r}; `oauthkit adapters` lists them all", file=sys.stderr)
        return 1
    print(text_table([{c: str(r[c] or "-") for c in ADAPTER_COLUMNS} for r in rows], ADAPTER_COLUMNS))
    return 0


def text_table(rows: list[dict[str, str]], columns: list[str]) -> str:
    """Left-aligned columns, a header line first (the last column is not padded)."""
    widths = [max([len(c), *(len(r[c]) for r in rows)]) for c in columns]
    lines = [[c for c in columns], *([r[c] for c in columns] for r in rows)]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line[:-1], widths[:-1], strict=True)) + "  " + line[-1]
        for line in lines
    )


# ---- history ---------------------------------------------------------------------------------
def cmd_history(args: argparse.Namespace) -> int:
    history = oauthkit.history(args.store)
    if history.empty:
        print("no refresh events in this store")
        return 0
    print(_log_table(history, LOG_COLUMNS, dates=True))
    return 0


# ---- report ----------------------------------------------------------------------------------
def _write_report(path: str, history: pd.DataFrame, *, title: str, source: str) -> None:
    from oauthkit.notebook.report import write_report

    written = write_report(path, history, title=title, source=source)
    print(f"wrote {written} ({len(history)} refresh attempts)")


def cmd_report(args: argparse.Namespace) -> int:
    from oauthkit.store import open_store

    store = open_store(args.store)
    _write_report(args.html, oauthkit.history(store), title=args.title, source=store.url)
    return 0


# ---- refresh ---------------------------------------------------------------------------------
def cmd_refresh(args: argparse.Namespace) -> int:
    conn = oauthkit.connect(args.adapter, name=args.name, store=args.store, env_file=args.env_file)
    print(repr(conn.refresh()))
    return 0


# ---- demo ------------------------------------------------------------------------------------
class _Demo:
    """Five emulators, one connection each, API calls round-robin; refreshes happen on their own."""

    def __init__(self, providers: dict[str, Emulator], store: str) -> None:
        self.providers = providers
        self.store = store
        self.started = time.monotonic()
        self.connections = {name: self._connect(name) for name in providers}
        self.calls = 0
        self.failed_calls = 0

    def _connect(self, name: str, refresh_token: str | None = None) -> Connection:
        settings: dict[str, Any] = dict(self.providers[name].settings)
        if refresh_token is not None:
            settings["refresh_token"] = refresh_token
        return oauthkit.connect(name, store=self.store, **settings)

    def say(self, text: str) -> None:
        print(f"{time.monotonic() - self.started:7.2f}s  {text}", flush=True)

    def on_refresh(self, conn: Connection, event: Event) -> None:
        status = "-" if event.http_status is None else str(event.http_status)
        text = (
            f"{event.adapter:<15} {event.trigger:<10} {event.outcome:<5} "
            f"attempt {event.attempt}  HTTP {status:<3} {event.latency_ms or 0:6.1f} ms  "
        )
        if event.outcome == "ok":
            lifetime = "-" if event.lifetime_s is None else f"{event.lifetime_s:.1f} s"
            text += f"access {event.access_fp}  lifetime {lifetime}"
            text += "  rotated" if event.rotated else ""
        else:
            text += str(event.error)
        self.say(text)

    def call_all(self) -> None:
        for name, conn in self.connections.items():
            self.calls += 1
            try:
                response = conn.session.get(self.providers[name].api_url, timeout=10)
            except oauthkit.OAuthKitError as exc:
                self.failed_calls += 1
                self.say(f"{name:<15} API call failed: {describe_error(exc)}")
                continue
            if response.status_code != 200:
                self.failed_calls += 1
                self.say(f"{name:<15} API call answered HTTP {response.status_code}")

    def provider_outage(self, name: str) -> None:
        self.say(f"--- {name}: the token endpoint answers 503 once; refresh() retries it")
        self.providers[name].fail(503, {"error": "temporarily_unavailable"}, times=1)
        self.connections[name].refresh()

    def revoked_grant(self, name: str) -> None:
        self.say(f"--- {name}: the user revokes the grant; refresh() must fail")
        provider = self.providers[name]
        provider.revoke_all()
        try:
            self.connections[name].refresh()
        except oauthkit.InvalidGrant as exc:
            self.say(describe_error(exc))
        else:
            raise RuntimeError(f"{name}: refresh succeeded after the grant was revoked")
        self.say(f"--- {name}: the user authorizes again; reconnect with the new refresh token")
        self.connections[name].close()
        self.connections[name] = self._connect(name, refresh_token=provider.new_grant())

    def run(self, seconds: float) -> None:
        # Any emulator can play either part (the library knows no provider by name): the first
        # has the outage, the last the revoked grant, so each scenario's rows stand apart.
        names = list(self.providers)
        scenarios = [
            (seconds / 3, self.provider_outage, names[0]),
            (2 * seconds / 3, self.revoked_grant, names[-1]),
        ]
        deadline = self.started + seconds
        next_round = time.monotonic()
        while time.monotonic() < deadline:
            if scenarios and time.monotonic() - self.started >= scenarios[0][0]:
                _, scenario, name = scenarios.pop(0)
                scenario(name)
            self.call_all()
            next_round += POLL_INTERVAL
            time.sleep(max(0.0, next_round - time.monotonic()))
        for _, scenario, name in scenarios:  # a very short run still shows both scenarios
            scenario(name)

    def close(self) -> None:
        for conn in self.connections.values():
            conn.close()


def cmd_demo(args: argparse.Namespace) -> int:
    import pandas as pd

    import oauthkit.sandbox as sandbox
    from oauthkit.refresh_log import summarize

    with contextlib.ExitStack() as stack:
        if args.store_dir is None:
            folder = stack.enter_context(
                tempfile.TemporaryDirectory(prefix="oauthkit-demo-", ignore_cleanup_errors=True)
            )
        else:
            folder = str(Path(args.store_dir).expanduser())
            Path(folder).mkdir(parents=True, exist_ok=True)
        store = f"sqlite:///{Path(folder) / 'tokens.db'}"
        providers = {
            name: stack.enter_context(sandbox.serve(name, access_lifetime=args.access_lifetime))
            for name in sandbox.PROVIDERS
        }
        print(
            f"oauthkit demo: {len(providers)} sandbox providers on 127.0.0.1, access tokens "
            f"live {args.access_lifetime:g} s; API calls for {args.seconds:g} s."
        )
        print(f"store: {store}\n")
        demo = _Demo(providers, store)
        stack.callback(demo.close)
        stack.callback(oauthkit.subscribe(demo.on_refresh))
        try:
            demo.run(args.seconds)
        except KeyboardInterrupt:  # stopping early still shows what happened so far
            print("\n(stopped)")

        history = oauthkit.history(store)
        print(f"\n{demo.calls} API calls, {demo.failed_calls} failed.")
        print("\nRefresh log (oauthkit.history):")
        print(_log_table(history, [c for c in LOG_COLUMNS if c != "connection"], dates=False))
        summary = summarize(history)
        summary = pd.DataFrame(
            {
                "refreshes": summary["refreshes"],
                "failures": summary["failures"],
                "median_latency_ms": summary["median_latency_ms"].round(1),
                "granted_lifetime_s": summary["median_lifetime_s"].round(2),
                "rotations": summary["rotations"],
            }
        )
        print("\nPer provider (oauthkit.refresh_log.summarize):")
        print(summary.to_string())
        if args.html:
            print()
            _write_report(args.html, history, title="oauthkit demo", source=store)
        if args.store_dir is None:
            print("\n(the temporary store is removed now; pass --store-dir to keep it)")
    return 0


# ---- entry point -----------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="oauthkit",
        description="Keep OAuth 2.0 access tokens alive: adapters, demo, refresh log, tokens for the shell.",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show oauthkit's log messages (every refresh, every retry)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub = commands.add_parser("adapters", help="list the known adapters (those matching SEARCH)")
    sub.add_argument(
        "search", nargs="?", default="", metavar="SEARCH", help="part of a name, title or docs URL"
    )
    sub.add_argument("--markdown", action="store_true", help="as the README's Markdown table")
    sub.set_defaults(func=cmd_adapters)

    sub = commands.add_parser("demo", help="offline demo: five sandbox providers, live refreshes")
    sub.add_argument("--seconds", type=float, default=20.0, help="how long to make API calls")
    sub.add_argument(
        "--access-lifetime", type=float, default=3.0, help="seconds the sandbox access tokens live"
    )
    sub.add_argument("--store-dir", help="keep the SQLite store here (default: a temporary folder)")
    sub.add_argument("--html", metavar="FILE", help="also write a self-contained HTML report to FILE")
    sub.set_defaults(func=cmd_demo)

    sub = commands.add_parser("history", help="print the refresh log of a store")
    sub.add_argument("--store", help="store URL (default: $OAUTHKIT_STORE or the user store)")
    sub.set_defaults(func=cmd_history)

    sub = commands.add_parser("report", help="write a self-contained HTML report of a store's refresh log")
    sub.add_argument("--html", metavar="FILE", required=True, help="the HTML file to write")
    sub.add_argument("--store", help="store URL (default: $OAUTHKIT_STORE or the user store)")
    sub.add_argument("--title", default="oauthkit refresh report", help="the report's title")
    sub.set_defaults(func=cmd_report)

    sub = commands.add_parser("refresh", help="refresh one connection now")
    sub.add_argument("adapter")
    sub.add_argument("--name", default="default", help="connection name")
    sub.add_argument("--store", help="store URL (default: $OAUTHKIT_STORE or the user store)")
    sub.add_argument("--env-file", help=".env file (default: found from the working directory up)")
    sub.set_defaults(func=cmd_refresh)

    from .authoring import add_subcommands  # new-adapter NAME [--dir DIR], check PATH
    from .cli_tokens import add_subcommands as add_token_commands  # token, status, authorize

    add_subcommands(commands)
    add_token_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # oauthkit's retry warnings repeat what the commands print themselves (the demo's event
    # lines, the final error message): only with -v, so the terminal says each thing once.
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        code: int = args.func(args)
    except oauthkit.OAuthKitError as exc:  # typed errors are messages for the user, not bugs
        print(describe_error(exc), file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    raise SystemExit(main())
