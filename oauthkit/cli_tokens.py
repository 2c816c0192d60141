"""``oauthkit token``, ``oauthkit status`` and ``oauthkit authorize``: the tokens from a shell.

``token`` is made for command substitution (``curl -H "Authorization: Bearer $(oauthkit token
NAME)" ...``): its stdout is the access token and one newline, nothing else, whatever happens;
every message (errors, log lines) goes to stderr, and a failure exits nonzero with stdout empty.
``status`` reads the store alone (no settings, no adapter code), so it lists connections of any
adapter; like every other command it shows fingerprints, never a token.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from . import display
from .connection import Connection, connect
from .first_tokens import FLOWS, AuthorizationRequest
from .store import Event, Key, Record, open_store
from .token import default_leeway, fingerprint, utc

STATUS_COLUMNS = ["connection", "state", "time_left", "last_refresh", "failures", "access", "refresh"]
STORE_HELP = "store URL, e.g. sqlite:///path/tokens.db (default: $OAUTHKIT_STORE or the user store)"


def _connect(args: argparse.Namespace) -> Connection:
    return connect(args.adapter, name=args.connection, store=args.store, env_file=args.env_file)


# ---- token -------------------------------------------------------------------------------------
def cmd_token(args: argparse.Namespace) -> int:
    conn = _connect(args)
    try:
        token = conn.ensure_fresh()
    finally:
        conn.close()
    # One write, flushed before exit: a reader never sees half a token.
    sys.stdout.write(token.access_token + "\n")
    sys.stdout.flush()
    return 0


# ---- status ------------------------------------------------------------------------------------
def _failures(events: list[Event]) -> int:
    """Failed attempts since the last success: what still needs looking at."""
    count = 0
    for event in reversed(events):
        if event.outcome == "ok":
            break
        count += event.outcome == "error"
    return count


def _last_ok(events: list[Event]) -> Event | None:
    # A revoke row is "ok" too, but it obtained no token.
    return next((e for e in reversed(events) if e.outcome == "ok" and e.trigger != "revoke"), None)


def status_row(key: Key, record: Record | None, events: list[Event], now: float) -> dict[str, str]:
    """One connection as the status table shows it: words, durations and fingerprints."""
    token = record.token if record is not None else None
    failures = _failures(events)
    remaining = None if token is None or token.expires_at is None else token.expires_at.timestamp() - now
    leeway = default_leeway(token.lifetime if token is not None else None)
    state = display.status_word(remaining, leeway, has_token=token is not None, failed=failures > 0)
    last = _last_ok(events)
    refresh = record.refresh_token if record is not None else None
    return {
        "connection": str(key),
        "state": state,
        "time_left": "-" if token is None else display.countdown(remaining),
        "last_refresh": "-" if last is None else display.when(utc(last.at)),
        "failures": str(failures),
        "access": "-" if token is None else token.fingerprint,
        "refresh": fingerprint(refresh),
    }


def _table(rows: list[dict[str, str]], columns: list[str]) -> str:
    widths = [max([len(c), *(len(r[c]) for r in rows)]) for c in columns]
    lines = [columns, *([r[c] for c in columns] for r in rows)]
    return "\n".join(
        "  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() for line in lines
    )


def cmd_status(args: argparse.Namespace) -> int:
    store = open_store(args.store)
    try:
        keys = sorted(store.keys(), key=str)
        if not keys:
            print(f"no connections in {store.url}")
            return 0
        now = time.time()
        rows = [status_row(key, store.load(key), store.events(key), now) for key in keys]
    finally:
        store.close()
    print(_table(rows, STATUS_COLUMNS))
    return 0


# ---- authorize ---------------------------------------------------------------------------------
def cmd_authorize(args: argparse.Namespace) -> int:
    conn = _connect(args)
    try:
        result: Any = conn.authorize(flow=args.flow, open_browser=args.open_browser, timeout=args.timeout)
        if isinstance(result, AuthorizationRequest):  # paste: the address comes back on stdin
            print(f"Open this link to authorize {result.title} ({conn.key}):\n  {result.url}", flush=True)
            print("Approve, then paste the address the browser ended on here:", flush=True)
            redirected = sys.stdin.readline().strip()
            if not redirected:
                print("no address given: nothing stored", file=sys.stderr)
                return 1
            result = conn.authorize(redirected)
    except KeyboardInterrupt:
        print("interrupted: nothing stored", file=sys.stderr)
        return 130
    finally:
        conn.close()
    print(f"authorized {conn.key}: {result!r}")  # the Token's repr: fingerprints
    return 0


# ---- wiring --------------------------------------------------------------------------------------
def _connection_arguments(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("adapter", metavar="ADAPTER", help="adapter name (`oauthkit adapters` lists them)")
    sub.add_argument(
        "--connection", "--name", dest="connection", default="default", metavar="NAME", help="connection name"
    )
    sub.add_argument("--store", metavar="URL", help=STORE_HELP)
    sub.add_argument("--env-file", help=".env file (default: found from the working directory up)")


def add_subcommands(commands: Any) -> None:
    """Register ``token``, ``status`` and ``authorize`` on ``oauthkit``'s subcommand parsers."""
    sub = commands.add_parser("token", help="print a fresh access token (refreshed if needed), nothing else")
    _connection_arguments(sub)
    sub.set_defaults(func=cmd_token)

    sub = commands.add_parser("status", help="every connection of a store: state, time left, failures")
    sub.add_argument("--store", metavar="URL", help=STORE_HELP)
    sub.set_defaults(func=cmd_status)

    sub = commands.add_parser("authorize", help="get the first tokens from a terminal")
    _connection_arguments(sub)
    sub.add_argument(
        "--flow", choices=FLOWS, help="loopback, paste or device (default: chosen as conn.authorize() does)"
    )
    sub.add_argument("--open-browser", action="store_true", help="open the link in a browser (loopback)")
    sub.add_argument("--timeout", type=float, help="seconds to wait for the approval")
    sub.set_defaults(func=cmd_authorize)


__all__ = ["add_subcommands", "cmd_authorize", "cmd_status", "cmd_token", "status_row"]
