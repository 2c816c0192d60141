"""Secrets never reach a log line, a repr, an exception or the refresh log."""

from __future__ import annotations

import logging
import traceback

import pytest

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.redact import redact_params


def test_query_string_secrets_are_redacted_from_http_library_logs(
    store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with sb.serve("parqex", access_lifetime=600) as p:
        conn = oauthkit.connect("parqex", store=store_url, **p.settings)
        conn.session.get(p.api_url)
        with conn.client() as client:  # httpx logs every URL at INFO
            conn.refresh()
            client.get(p.api_url)
        secrets = [p.settings["client_secret"], p.settings["refresh_token"]]
        token = conn.token
        assert token is not None and token.refresh_token
        secrets += [token.access_token, token.refresh_token]
        text = "\n".join(r.getMessage() for r in caplog.records)
        assert "/oauth/v2/endpoints/token/" in text  # the URL was logged, by urllib3 or httpx
        for secret in secrets:
            assert secret not in text
        assert "query string" in text  # the one warning about secrets in URLs
        for value in (repr(conn), conn._repr_html_(), repr(token), conn.history().to_string()):
            for secret in secrets:
                assert secret not in value


def test_redact_params_keeps_harmless_parameters() -> None:
    text = "GET /t?client_id=abc&client_secret=s3cr3t&grant_type=refresh_token&refreshToken=r1 HTTP/1.1"
    out = redact_params(text)
    assert "client_id=abc" in out and "grant_type=refresh_token" in out
    assert "s3cr3t" not in out and "r1 " not in out


def _traceback(error: BaseException) -> str:
    """The traceback a notebook prints, and every exception reachable from the error through
    ``__cause__`` and ``__context__`` (a debugger or ``%debug`` shows those even when suppressed)."""
    texts = ["".join(traceback.format_exception(type(error), error, error.__traceback__))]
    seen: set[int] = set()
    stack: list[BaseException | None] = [error]
    while stack:
        exc = stack.pop()
        if exc is None or id(exc) in seen:
            continue
        seen.add(id(exc))
        texts += [str(exc), repr(exc), repr(getattr(exc, "args", ()))]
        stack += [exc.__cause__, exc.__context__]
    return "\n".join(texts)


def _secrets_seen(p: sb.Emulator, conn: oauthkit.Connection) -> set[str]:
    """Every secret that crossed the wire: client secret, refresh tokens, access tokens."""
    found = {p.settings.get("client_secret", "")}
    for req in p.requests:
        for name in ("refresh_token", "refreshToken", "client_secret"):
            value = req.param(name)
            if value:
                found.add(value)
        if req.basic_auth:
            found.add(req.basic_auth[1])
        if req.bearer:
            found.add(req.bearer)
    token = conn.token
    if token is not None:
        found |= {token.access_token, token.refresh_token or "", token.id_token or ""}
    return {s for s in found if s and len(s) >= 8}


@pytest.mark.parametrize("name", ["parqex", "ellipsis_drive", "auth0", "edgetag", "xerial"])
def test_secret_sweep_over_success_and_failure_paths(
    name: str, store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    import subprocess
    import sys

    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    with sb.serve(name, access_lifetime=600) as p:
        conn = oauthkit.connect(
            name, store=store_url, retry=oauthkit.Retry(attempts=2, backoff=0.01), **p.settings
        )
        token = conn.refresh()
        texts += [repr(token), str(token), token._repr_html_()]
        conn.session.get(p.api_url)
        with conn.client() as client:
            client.get(p.api_url)
        p.revoke_access_tokens()
        conn.session.get(p.api_url)  # reactive refresh
        failures: list[tuple[int, object, str | None, int]] = [  # status, body, type, attempts
            (500, {"error": "Internal Server Error"}, None, 2),
            (200, "<html><body>login</body></html>", "text/html", 1),
            (429, {"error": "slow_down"}, None, 2),
            (200, {"access_token": "", "expires_in": 5}, None, 1),
        ]
        for status, body, ctype, attempts in failures:
            p.fail(status, body, content_type=ctype, times=attempts)
            with pytest.raises(oauthkit.OAuthKitError) as info:
                conn.refresh()
            texts += [str(info.value), repr(info.value), _traceback(info.value)]
        # A provider that quotes the request back in its error message: that text reaches the
        # error, the log and the refresh log, so it must arrive there redacted.
        current = conn.token
        assert current is not None
        quoted = (
            f"refresh token {conn.refresh_token} of client {p.settings.get('client_secret', '')} "
            f"(access {current.access_token}) is not accepted here"
        )
        p.fail(400, {"error": "invalid_request", "error_description": quoted, "message": quoted})
        with pytest.raises(oauthkit.OAuthKitError) as quoting:
            conn.refresh()
        texts += [str(quoting.value), repr(quoting.value), _traceback(quoting.value)]
        p.revoke_all()
        with pytest.raises(oauthkit.InvalidGrant) as grant:
            conn.refresh()
        texts += [str(grant.value), repr(grant.value), _traceback(grant.value)]
        texts += [repr(conn), conn._repr_html_()]
        frame = conn.history()
        texts += [frame.to_string(), frame.to_csv(), oauthkit.history(store_url).to_json(date_format="iso")]
        texts += [repr(conn.adapter), conn.adapter._repr_html_(), oauthkit.list_adapters().to_string()]
        cli = subprocess.run(
            [sys.executable, "-m", "oauthkit.cli", "history", "--store", store_url],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert cli.returncode == 0, cli.stderr
        texts += [cli.stdout, cli.stderr]
        secrets = _secrets_seen(p, conn)
    # The emulator is gone: connection refused. requests' message quotes the URL, query string
    # (parqex's secrets) included; neither the error nor its printed traceback may carry it.
    # This connection now knows its refresh token is dead and sends nothing: a new object sends.
    with pytest.raises(oauthkit.InvalidGrant):
        conn.refresh()
    again = oauthkit.connect(name, store=store_url, retry=oauthkit.Retry(attempts=1), **p.settings)
    with pytest.raises(oauthkit.TransportError) as down:
        again.refresh()
    texts += [str(down.value), repr(down.value), _traceback(down.value)]
    for record in caplog.records:
        texts.append(record.getMessage())
        if record.exc_info:
            texts.append(logging.Formatter().formatException(record.exc_info))
    haystack = "\n".join(texts)
    assert len(secrets) >= 3
    leaked = [s for s in secrets if s in haystack]
    assert not leaked, f"{len(leaked)} secret(s) leaked"
    assert "refresh" in haystack.lower() and len(caplog.records) > 5  # the sweep saw real output


def _first_token_secrets(p: sb.Emulator, conn: oauthkit.Connection) -> set[str]:
    """What crossed the wire while obtaining first tokens: codes, verifiers, passwords, tokens."""
    found = _secrets_seen(p, conn)
    for req in p.requests:
        for name in ("code", "authorization_code", "code_verifier", "password"):
            value = req.param(name)
            if value:
                found.add(value)
    return {s for s in found if s and len(s) >= 8}


@pytest.mark.parametrize("name", ["parqex", "ellipsis_drive", "auth0", "edgetag", "xerial"])
def test_secret_sweep_over_the_first_token_paths(
    name: str, store_url: str, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    import threading
    from urllib.parse import parse_qs, urlsplit

    import requests

    from oauthkit.authorize import AuthorizationRequest, complete

    caplog.set_level(logging.DEBUG)
    texts: list[str] = []

    def refused(call: object) -> None:
        with pytest.raises(oauthkit.OAuthKitError) as info:
            call()  # type: ignore[operator]
        texts.extend([str(info.value), repr(info.value), _traceback(info.value)])

    codes: list[str] = []

    def approve(url: str) -> str:  # the user's browser: the address it ends on
        location = str(requests.get(url, allow_redirects=False, timeout=10).headers["Location"])
        codes.extend(parse_qs(urlsplit(location).query).get("code", []))
        return location

    with sb.serve(name, access_lifetime=600) as p:
        conn = oauthkit.connect(name, store=store_url, **p.client_settings)
        if name == "xerial":
            assert isinstance(p, sb.XerialEmulator)
            refused(lambda: conn.login(email=p.user_email, password=p.user_password + "-wrong"))
            p.fail(500, {"error": "Internal Server Error"})
            refused(lambda: conn.login(email=p.user_email, password=p.user_password))
            conn.login(email=p.user_email, password=p.user_password)
            conn.refresh()
            conn.session.get(p.api_url)
        else:
            threads: list[threading.Thread] = []

            def browser(url: str) -> None:  # the loopback path, with a real redirect carrying the code
                threads.append(threading.Thread(target=requests.get, args=(url,), kwargs={"timeout": 10}))
                threads[-1].start()

            conn.authorize(open_browser=browser, timeout=30)
            for thread in threads:
                thread.join(10)
            request = conn.authorize(listen=False)
            assert isinstance(request, AuthorizationRequest)
            texts += [repr(request), request._repr_html_()]
            answer = approve(request.url)
            refused(lambda: conn.authorize(answer.replace("state=", "state=x")))  # forged state
            conn.authorize(answer)
            refused(lambda: complete(conn, request, answer))  # a reused code
            for status, body in ((500, {"error": "server_error"}), (200, "<html>login</html>")):
                request = conn.authorize(listen=False)
                assert isinstance(request, AuthorizationRequest)
                p.fail(status, body)
                answer = approve(request.url)
                refused(lambda answer=answer: conn.authorize(answer))
            p.consent = False
            request = conn.authorize(listen=False)
            assert isinstance(request, AuthorizationRequest)
            refused(lambda: conn.authorize(approve(request.url)))
            p.consent = True
            request = conn.authorize(listen=False)
            assert isinstance(request, AuthorizationRequest)
            answer = approve(request.url)
        secrets = _first_token_secrets(p, conn) | set(codes)
        texts += [
            repr(conn),
            conn._repr_html_(),
            conn.history().to_csv(),
            oauthkit.history(store_url).to_json(date_format="iso"),
        ]
    if name != "xerial":  # the provider is gone: a transport error quoting a URL with the code in it
        refused(lambda: conn.authorize(answer))
    out = capsys.readouterr()
    texts += [out.out, out.err]
    for record in caplog.records:
        texts.append(record.getMessage())
        if record.exc_info:
            texts.append(logging.Formatter().formatException(record.exc_info))
    haystack = "\n".join(texts)
    assert len(secrets) >= 5
    leaked = [s for s in secrets if s in haystack]
    assert not leaked, f"{len(leaked)} secret(s) leaked"
    assert "authoriz" in haystack.lower() or "login" in haystack.lower()
