"""`python -m oauthkit.sandbox NAME`: serve one emulator and print its settings as .env lines."""

from __future__ import annotations

import argparse
import sys
import threading

from . import PROVIDERS, XerialEmulator, start


def env_lines(name: str, settings: dict[str, str]) -> list[str]:
    return [f"{name.upper()}_{key.upper()}={value}" for key, value in settings.items()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m oauthkit.sandbox",
        description="Serve a local emulator of an OAuth provider's token and authorization endpoints.",
    )
    parser.add_argument("name", choices=PROVIDERS)
    parser.add_argument("--access-lifetime", type=float, default=None, metavar="S")
    parser.add_argument("--port", type=int, default=0, metavar="N")
    args = parser.parse_args(argv)

    emulator = start(args.name, access_lifetime=args.access_lifetime, port=args.port)
    try:
        # Everything needed to authorize too (EdgeTag's app_url), after the usual settings.
        settings = {**emulator.settings, **emulator.client_settings}
        print("\n".join(env_lines(args.name, settings)))
        # Comments, so that the output stays a valid .env file.
        print(f"# token endpoint: {emulator.token_url}")
        print(f"# protected resource: {emulator.api_url}")
        if emulator.authorize_path is not None:
            print(f"# authorization endpoint: {emulator.authorize_url} (the test user approves)")
        if isinstance(emulator, XerialEmulator):
            print(f"# login: conn.login(email={emulator.user_email!r}, password={emulator.user_password!r})")
        print("# serving until Ctrl-C", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
