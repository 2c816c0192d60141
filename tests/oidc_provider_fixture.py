"""A real, certified OpenID provider for the tests: panva's `oidc-provider` (npm), run with node.

The server lives in tests/servers/oidc_provider/ (server.mjs, package.json, package-lock.json);
its node_modules/ is installed here with `npm ci` on first use.

Use it from a test module:

    from oidc_provider_fixture import oidc_provider, oidc_provider_factory  # noqa: F401

    def test_device(oidc_provider):
        client_id, secret = oidc_provider.clients["confidential"]
        ...
        oidc_provider.approve_device(user_code)            # play the user: code, login, consent
        oidc_provider.approve_device(user_code, deny=True)  # ... or refuse at the consent page

`oidc_provider` is one server for the whole session (ACCESS_TTL=60, DEVICE_TTL=600);
`oidc_provider_factory(**env)` starts an extra one with other settings (e.g. DEVICE_TTL="2",
SLOW_DOWN_INTERVAL="1"), stopped at the end of the test. Without node or npm the tests are
skipped, or fail when CI == "true".

Only the standard library, requests and pytest are used.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any
from urllib.parse import urljoin

import pytest
import requests

SERVER_DIR = Path(__file__).resolve().parent / "servers" / "oidc_provider"

CLIENTS: dict[str, tuple[str, str | None]] = {
    "confidential": ("oauthkit-confidential", "oauthkit-secret-0123456789"),
    "public": ("oauthkit-public", None),
}
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
TEST_USER = "ada"

START_TIMEOUT = 30.0
INSTALL_TIMEOUT = 600.0
HTTP_TIMEOUT = 10.0


# --------------------------------------------------------------------------- availability


def _unavailable(reason: str) -> None:
    """Fail on CI (the provider must run there), skip elsewhere."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def _tools() -> tuple[str, str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        _unavailable(f"oidc-provider needs node and npm on PATH (node={node}, npm={npm})")
    assert node and npm
    return node, npm


def _installed_version() -> str | None:
    try:
        meta = json.loads((SERVER_DIR / "node_modules" / "oidc-provider" / "package.json").read_text())
    except (OSError, ValueError):
        return None
    return str(meta.get("version"))


def _pinned_version() -> str:
    meta = json.loads((SERVER_DIR / "package.json").read_text())
    return str(meta["dependencies"]["oidc-provider"])


@contextlib.contextmanager
def _install_lock() -> Iterator[None]:
    """Serialise `npm ci` between pytest-xdist workers (no-op where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not Linux/macOS
        yield
        return
    with open(Path(tempfile.gettempdir()) / "oauthkit-oidc-provider-npm.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_installed() -> str:
    """Return the node executable, after `npm ci` in the server folder when needed."""
    node, npm = _tools()
    if _installed_version() == _pinned_version():
        return node
    with _install_lock():
        if _installed_version() == _pinned_version():
            return node
        command = [npm, "ci", "--no-audit", "--no-fund"]
        if not (SERVER_DIR / "package-lock.json").exists():
            command[1] = "install"
        try:
            done = subprocess.run(
                command,
                cwd=SERVER_DIR,
                capture_output=True,
                text=True,
                timeout=INSTALL_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            _unavailable(f"`{' '.join(command)}` in {SERVER_DIR} took over {INSTALL_TIMEOUT:.0f} s")
            raise  # unreachable: _unavailable raises
        if done.returncode != 0 or _installed_version() != _pinned_version():
            _unavailable(
                f"`{' '.join(command)}` in {SERVER_DIR} failed (exit {done.returncode}):\n"
                f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
            )
    return node


# --------------------------------------------------------------------------- HTML forms


class _Form:
    def __init__(self, attrs: Mapping[str, str | None]) -> None:
        self.id = attrs.get("id") or ""
        self.action = attrs.get("action") or ""
        self.method = (attrs.get("method") or "get").lower()
        self.fields: dict[str, str] = {}  # hidden and text inputs, in order
        self.buttons: list[tuple[str, str]] = []  # named submit buttons: (name, value)


class _PageParser(HTMLParser):
    """Collects forms (inputs, named buttons, also buttons outside with form="id"), links, text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.title = ""
        self._text: list[str] = []
        self._form: _Form | None = None
        self._link: str | None = None
        self._link_text: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attrs_list)
        if tag in ("style", "script"):
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "form":
            self._form = _Form(attrs)
            self.forms.append(self._form)
        elif tag == "input":
            form = self._owner(attrs)
            name = attrs.get("name")
            kind = (attrs.get("type") or "text").lower()
            if form is not None and name and kind not in ("submit", "button", "image", "reset"):
                form.fields[name] = attrs.get("value") or ""
        elif tag == "button":
            form = self._owner(attrs)
            name = attrs.get("name")
            if form is not None and name:
                form.buttons.append((name, attrs.get("value") or ""))
        elif tag == "a" and attrs.get("href"):
            self._link = attrs["href"]
            self._link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag == "form":
            self._form = None
        elif tag == "a" and self._link is not None:
            self.links.append((self._link, " ".join("".join(self._link_text).split())))
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_title:
            self.title += data
        self._text.append(data)
        if self._link is not None:
            self._link_text.append(data)

    def _owner(self, attrs: Mapping[str, str | None]) -> _Form | None:
        form_id = attrs.get("form")
        if form_id:
            return next((f for f in self.forms if f.id == form_id), None)
        return self._form

    @property
    def text(self) -> str:
        return " ".join(" ".join(self._text).split())


class _Page:
    def __init__(self, response: requests.Response) -> None:
        self.response = response
        self.url = response.url
        parser = _PageParser()
        parser.feed(response.text)
        parser.close()
        self.forms = parser.forms
        self.links = parser.links
        self.title = " ".join(parser.title.split())
        self.text = parser.text

    def form_with(self, field: str) -> _Form | None:
        return next((f for f in self.forms if field in f.fields), None)

    def form_with_value(self, field: str, value: str) -> _Form | None:
        return next((f for f in self.forms if f.fields.get(field) == value), None)

    def describe(self) -> str:
        return (
            f"{self.response.request.method} {self.url} -> HTTP {self.response.status_code}, "
            f"title {self.title!r}: {self.text[:1500]}"
        )


# --------------------------------------------------------------------------- the running server


class OidcProvider:
    """A running oidc-provider: issuer, clients, discovery, and a user who approves device codes."""

    def __init__(
        self,
        process: subprocess.Popen[str],
        issuer: str,
        port: int,
        version: str,
        stderr_path: Path,
        env: Mapping[str, str],
    ) -> None:
        self.process = process
        self.issuer = issuer
        self.port = port
        self.version = version  # the oidc-provider package version actually running
        self.env = dict(env)  # the settings it was started with (PORT, ACCESS_TTL, ...)
        self.clients: dict[str, tuple[str, str | None]] = dict(CLIENTS)
        self.user = TEST_USER
        self._stderr_path = stderr_path
        self.metadata: dict[str, Any] = {}

    # -- discovery ------------------------------------------------------------------------------

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def endpoint(self, name: str) -> str:
        """An endpoint from discovery, e.g. endpoint("device_authorization") or endpoint("token")."""
        key = name if name.endswith(("_endpoint", "_uri")) else f"{name}_endpoint"
        return str(self.metadata[key])

    def stderr(self) -> str:
        """What the node process wrote to stderr so far (warnings, server errors)."""
        try:
            return self._stderr_path.read_text(errors="replace")
        except OSError:
            return ""

    def _session(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # no proxies, no netrc: the server is on 127.0.0.1
        return session

    def _wait_ready(self, deadline: float) -> None:
        session = self._session()
        last: object = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"oidc-provider exited with {self.process.returncode} before answering:\n{self.stderr()}"
                )
            try:
                response = session.get(self.discovery_url, timeout=2)
                if response.status_code == 200:
                    self.metadata = response.json()
                    return
                last = f"HTTP {response.status_code}"
            except (requests.RequestException, ValueError) as exc:
                last = exc
            time.sleep(0.1)
        raise RuntimeError(
            f"oidc-provider at {self.issuer} never answered discovery ({last}):\n{self.stderr()}"
        )

    # -- the user at the verification page ------------------------------------------------------

    def approve_device(
        self,
        user_code: str,
        *,
        deny: bool = False,
        deny_at: str = "consent",
        login: str | None = None,
        complete: bool = False,
        verification_uri: str | None = None,
    ) -> str:
        """Play the user of RFC 8628 with requests, as a browser would (fresh cookie jar).

        Steps: GET verification_uri; POST the user-code form (xsrf + user_code); POST the
        "Confirm Device" form (xsrf, user_code, confirm=yes); POST the login form
        (prompt=login, login=<login, default "ada">, password); POST the consent form
        (prompt=consent); expect the "Sign-in Success" page.

        deny=True refuses instead: by default at the consent page (GET its abort link,
        /interaction/<uid>/abort) after logging in; with deny_at="confirm" by pressing
        "[ Abort ]" on the confirm page (abort=yes), before any login. Either way the device's
        next poll answers access_denied. complete=True starts from verification_uri_complete
        (code pre-filled) instead of typing the code. verification_uri defaults to
        <issuer>/device, what the device authorization answer names.

        Returns the final page's text; raises AssertionError with the page text when a step
        does not show what a user would expect.
        """
        if deny_at not in ("consent", "confirm"):
            raise ValueError("deny_at must be 'consent' or 'confirm'")
        login = login or self.user
        session = self._session()
        # Not in discovery; the device authorization answer's verification_uri is this route.
        verification_uri = verification_uri or f"{self.issuer}/device"

        def submit(page: _Page, form: _Form, extra: Mapping[str, str] = {}) -> _Page:
            if form.method != "post":
                raise AssertionError(f"expected a POST form on the page: {page.describe()}")
            target = urljoin(page.url, form.action or page.url)
            response = session.post(target, data={**form.fields, **extra}, timeout=HTTP_TIMEOUT)
            return _Page(response)

        # 1. the verification page, and the user code typed into its form
        if complete:
            # verification_uri_complete answers a self-submitting form ("Submitting Callback")
            # that a browser posts with JavaScript: post it as the browser would.
            page = _Page(session.get(verification_uri, params={"user_code": user_code}, timeout=HTTP_TIMEOUT))
            form = page.form_with("user_code")
            if page.response.status_code != 200 or form is None:
                raise AssertionError(f"verification_uri_complete shows no code form: {page.describe()}")
            page = submit(page, form)
        else:
            page = _Page(session.get(verification_uri, timeout=HTTP_TIMEOUT))
            form = page.form_with("user_code")
            if page.response.status_code != 200 or form is None:
                raise AssertionError(f"device verification page has no user_code form: {page.describe()}")
            page = submit(page, form, {"user_code": user_code})

        # 2. "Confirm Device": the client's name and the code, Continue or [ Abort ]
        confirm = page.form_with_value("confirm", "yes")
        if page.response.status_code != 200 or confirm is None:
            raise AssertionError(f"user code {user_code!r} was not accepted: {page.describe()}")
        if deny and deny_at == "confirm":
            page = submit(page, confirm, {"abort": "yes"})
            return self._expect_denied(page)
        page = submit(page, confirm)

        # 3. login, then consent (either may be skipped by the provider), then success
        for _ in range(6):
            if page.title == "Sign-in Success" or "Sign-in Success" in page.text[:200]:
                if deny:
                    raise AssertionError(f"denial ended in success: {page.describe()}")
                return page.text
            prompt = page.form_with_value("prompt", "login")
            if prompt is not None:
                page = submit(page, prompt, {"login": login, "password": "any-password"})
                continue
            prompt = page.form_with_value("prompt", "consent")
            if prompt is not None:
                if deny:
                    abort = next(
                        (href for href, _ in page.links if href.rstrip("/").endswith("/abort")), None
                    )
                    if abort is None:
                        raise AssertionError(f"consent page has no abort link: {page.describe()}")
                    page = _Page(session.get(urljoin(page.url, abort), timeout=HTTP_TIMEOUT))
                    return self._expect_denied(page)
                page = submit(page, prompt)
                continue
            raise AssertionError(f"unexpected page while approving {user_code!r}: {page.describe()}")
        raise AssertionError(f"too many pages while approving {user_code!r}: {page.describe()}")

    @staticmethod
    def _expect_denied(page: _Page) -> str:
        # oidc-provider shows the user-code input page again with "The Sign-in request was interrupted".
        if "interrupted" not in page.text and "denied" not in page.text.lower():
            raise AssertionError(f"denial was not acknowledged: {page.describe()}")
        return page.text

    # -- shutdown -------------------------------------------------------------------------------

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


def _read_first_line(stream: IO[str], timeout: float) -> str | None:
    """The first stdout line (the JSON announcement), then keep draining so node never blocks."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        first = True
        for line in stream:
            if first:
                lines.put(line)
                first = False
        if first:
            lines.put(None)

    threading.Thread(target=pump, name="oidc-provider-stdout", daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return None


@contextlib.contextmanager
def start_oidc_provider(**env: str) -> Iterator[OidcProvider]:
    """Start one oidc-provider (settings as environment strings: ACCESS_TTL, DEVICE_TTL, ...)."""
    node = ensure_installed()
    settings = {"PORT": "0", "ACCESS_TTL": "60", "DEVICE_TTL": "600", **{k: str(v) for k, v in env.items()}}
    child_env = {k: v for k, v in os.environ.items() if k not in ("NODE_ENV", "NODE_OPTIONS")}
    child_env.update(settings)
    child_env["EXIT_ON_STDIN_EOF"] = "1"  # dies with us even if pytest is killed
    stderr_file = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept open for the process' life
        prefix="oidc-provider-", suffix=".log", delete=False
    )
    stderr_path = Path(stderr_file.name)
    process = subprocess.Popen(
        [node, "server.mjs"],
        cwd=SERVER_DIR,
        env=child_env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr_file,
        text=True,
    )
    stderr_file.close()
    provider: OidcProvider | None = None
    try:
        deadline = time.monotonic() + START_TIMEOUT
        assert process.stdout is not None
        line = _read_first_line(process.stdout, START_TIMEOUT)
        if not line:
            raise RuntimeError(
                f"oidc-provider printed no start line (exit {process.poll()}):\n"
                f"{stderr_path.read_text(errors='replace')}"
            )
        announced = json.loads(line)
        provider = OidcProvider(
            process,
            issuer=str(announced["issuer"]),
            port=int(announced["port"]),
            version=str(announced.get("version", "")),
            stderr_path=stderr_path,
            env=settings,
        )
        provider._wait_ready(deadline)
        yield provider
    finally:
        if provider is not None:
            provider.stop()
        elif process.poll() is None:
            process.kill()
            process.wait(timeout=5)
        with contextlib.suppress(OSError):
            stderr_path.unlink()


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    """One oidc-provider for the session: ACCESS_TTL=60 s, DEVICE_TTL=600 s, no slow_down shim."""
    with start_oidc_provider() as provider:
        yield provider


@pytest.fixture
def oidc_provider_factory() -> Iterator[Callable[..., OidcProvider]]:
    """Start extra providers with other settings, e.g. factory(DEVICE_TTL="2"); stopped after the test."""
    with contextlib.ExitStack() as stack:

        def start(**env: str) -> OidcProvider:
            return stack.enter_context(start_oidc_provider(**env))

        yield start


__all__ = [
    "CLIENTS",
    "DEVICE_CODE_GRANT",
    "OidcProvider",
    "ensure_installed",
    "oidc_provider",
    "oidc_provider_factory",
    "start_oidc_provider",
]
