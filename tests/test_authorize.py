"""First tokens: conn.authorize() (code + state + PKCE) and conn.login(), against the emulators."""

from __future__ import annotations

import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.authorize import AuthorizationRequest, complete
from oauthkit.errors import AuthorizationError
from oauthkit.sandbox.authorization import s256
from oauthkit.store import Key, open_store

CODE_PROVIDERS = ["parqex", "ellipsis_drive", "auth0", "edgetag"]


def browse(url: str) -> str:
    """The test user opens the link and approves: the address the browser is sent back to."""
    resp = requests.get(url, allow_redirects=False, timeout=10)
    assert resp.status_code == 302, resp.text
    return resp.headers["Location"]


class Browser:
    """The user's browser for the loopback path: opens the link on its own thread and follows
    every redirect, so that the one-shot server receives the last one."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []
        self.pages: list[requests.Response] = []

    def __call__(self, url: str) -> None:
        thread = threading.Thread(target=self._open, args=(url,), daemon=True)
        thread.start()
        self.threads.append(thread)

    def _open(self, url: str) -> None:
        self.pages.append(requests.get(url, allow_redirects=True, timeout=10))

    def join(self) -> None:
        for thread in self.threads:
            thread.join(10)


def stored(store_url: str, name: str) -> Any:
    return open_store(store_url).load(Key(name))


def query(req: sb.RecordedRequest) -> dict[str, str]:
    return {key: values[-1] for key, values in req.query.items()}


def check_exchange_dialect(p: sb.Emulator, exchange: sb.RecordedRequest) -> None:
    """Each provider's code exchange, as its documentation shows it."""
    assert exchange.param("grant_type") == "authorization_code"
    assert exchange.param("redirect_uri")
    if p.name == "parqex":  # a GET, everything in the query string
        assert exchange.method == "GET" and exchange.body == b""
        assert query(exchange)["client_secret"] == p.client_secret and query(exchange)["code"]
    elif p.name == "ellipsis_drive":  # JSON, the code named authorization_code
        assert exchange.content_type == "application/json"
        assert "authorization_code" in exchange.json and "code" not in exchange.json
        assert exchange.json["client_secret"] == p.client_secret
    elif p.name == "auth0":  # a form, credentials in it
        assert exchange.form is not None and exchange.form["client_secret"] == [p.client_secret]
    else:  # edgetag: a form, HTTP Basic, no credentials in the body
        assert exchange.basic_auth == (p.client_id, p.client_secret)
        assert exchange.form is not None and "client_secret" not in exchange.form


@pytest.mark.parametrize("name", CODE_PROVIDERS)
def test_authorize_on_the_loopback_then_refresh_and_call_the_api(name: str, store_url: str) -> None:
    with sb.serve(name, access_lifetime=600) as p:
        conn = oauthkit.connect(name, store=store_url, **p.client_settings)  # no refresh token at all
        assert conn.token is None
        browser = Browser()
        token = conn.authorize(open_browser=browser, timeout=30)
        browser.join()
        assert [page.status_code for page in browser.pages] == [200]
        assert "close this tab" in browser.pages[0].text

        (auth,) = [r for r in p.requests if r.kind == "authorize"]
        asked = query(auth)
        assert asked["response_type"] == "code" and asked["client_id"] == p.client_id
        assert len(asked["state"]) >= 32
        assert asked["redirect_uri"].startswith("http://127.0.0.1:")
        (exchange,) = p.token_requests
        check_exchange_dialect(p, exchange)
        if name == "parqex":  # no PKCE documented: none sent
            assert "code_challenge" not in asked and exchange.param("code_verifier") is None
        else:
            assert asked["code_challenge_method"] == "S256"
            verifier = exchange.param("code_verifier")
            assert verifier and s256(verifier) == asked["code_challenge"]

        record = stored(store_url, name)
        assert record.token.access_token == token.access_token
        assert record.refresh_token == token.refresh_token is not None
        refreshed = conn.refresh()
        assert refreshed.access_token != token.access_token
        assert conn.session.get(p.api_url).status_code == 200
        history = conn.history()
        assert history["trigger"].tolist() == ["authorize", "manual"]
        assert history["outcome"].tolist() == ["ok", "ok"]
        assert history["access_fp"].iloc[0] == token.fingerprint

        # A new kernel resumes from the store, with nothing but the client settings.
        again = oauthkit.connect(name, store=store_url, **p.client_settings)
        assert again.token is not None and again.token.access_token == refreshed.access_token
        assert again.session.get(p.api_url).status_code == 200


@pytest.mark.parametrize("name", CODE_PROVIDERS)
def test_paste_back_from_a_url_string(name: str, memory_store: str) -> None:
    with sb.serve(name) as p:
        conn = oauthkit.connect(name, store=memory_store, **p.client_settings)
        request = conn.authorize(redirect_uri="http://127.0.0.1:8765/callback", listen=False)
        assert isinstance(request, AuthorizationRequest)
        assert request.url in repr(request) and "href=" in request._repr_html_()
        assert p.requests == []  # nothing happens until the user opens the link
        redirected = browse(request.url)
        assert redirected.startswith("http://127.0.0.1:8765/callback?code=")
        token = conn.authorize(redirected)
        assert p.token_requests[0].param("redirect_uri") == "http://127.0.0.1:8765/callback"
        assert conn.token == token and conn.session.get(p.api_url).status_code == 200
        # The same answer again: the client never sends a spent code a second time.
        with pytest.raises(AuthorizationError) as info:
            conn.authorize(redirected)
        assert info.value.reason == "no_pending"
        assert len(p.token_requests) == 1


@pytest.mark.parametrize("name", CODE_PROVIDERS)
def test_a_wrong_state_is_refused_before_anything_is_sent(name: str, store_url: str) -> None:
    with sb.serve(name) as p:
        conn = oauthkit.connect(name, store=store_url, **p.client_settings)
        request = conn.authorize(listen=False)
        assert isinstance(request, AuthorizationRequest)
        redirected = browse(request.url)
        state = parse_qs(urlsplit(redirected).query)["state"][0]
        for forged in (redirected.replace(state, "forged-by-someone-else"), redirected.split("&state=")[0]):
            with pytest.raises(AuthorizationError, match="state does not match") as info:
                conn.authorize(forged)
            assert info.value.reason == "state_mismatch"
        # An answer to an older request is refused as well.
        older = redirected
        request = conn.authorize(listen=False)
        with pytest.raises(AuthorizationError, match="state"):
            conn.authorize(older)
        assert p.token_requests == []
        assert stored(store_url, name) is None and conn.history().empty
        # Nothing was consumed: the genuine answer to the latest request still completes.
        assert conn.authorize(browse(request.url)).access_token


@pytest.mark.parametrize("name", CODE_PROVIDERS)
def test_denied_consent_stores_nothing(name: str, store_url: str) -> None:
    with sb.serve(name, consent=False) as p:
        conn = oauthkit.connect(name, store=store_url, **p.client_settings)
        request = conn.authorize(listen=False)
        assert isinstance(request, AuthorizationRequest)
        redirected = browse(request.url)
        assert "error=access_denied" in redirected
        with pytest.raises(AuthorizationError, match="denied") as info:
            conn.authorize(redirected)
        assert info.value.reason == "access_denied" and "access_denied" in str(info.value)
        browser = Browser()  # the loopback path reports it the same way
        with pytest.raises(AuthorizationError) as info:
            conn.authorize(open_browser=browser, timeout=30)
        browser.join()
        assert info.value.reason == "access_denied"
        assert p.token_requests == []
        assert stored(store_url, name) is None and conn.token is None and conn.history().empty


@pytest.mark.parametrize("name", CODE_PROVIDERS)
def test_an_expired_code_is_refused_and_stores_nothing(name: str, store_url: str) -> None:
    with sb.serve(name, code_lifetime=0.2) as p:
        conn = oauthkit.connect(name, store=store_url, **p.client_settings)
        request = conn.authorize(listen=False)
        assert isinstance(request, AuthorizationRequest)
        redirected = browse(request.url)
        time.sleep(0.4)
        with pytest.raises(AuthorizationError, match="authorization code") as info:
            conn.authorize(redirected)
        assert info.value.reason == "invalid_grant" and info.value.status in (400, 403)
        assert stored(store_url, name) is None and conn.token is None
        history = conn.history()  # the refused exchange is one error row of the log
        assert history["trigger"].tolist() == ["authorize"] and history["outcome"].tolist() == ["error"]
        assert history["error"].iloc[0] == "AuthorizationError"


@pytest.mark.parametrize("name", CODE_PROVIDERS)
def test_a_reused_code_is_refused_and_changes_nothing(name: str, store_url: str) -> None:
    with sb.serve(name) as p:
        conn = oauthkit.connect(name, store=store_url, **p.client_settings)
        request = conn.authorize(listen=False)
        assert isinstance(request, AuthorizationRequest)
        redirected = browse(request.url)
        conn.authorize(redirected)
        before = stored(store_url, name)
        # Exchanging the same answer again (as a second party holding the code would):
        with pytest.raises(AuthorizationError) as info:
            complete(conn, request, redirected)
        assert info.value.reason == "invalid_grant"
        assert stored(store_url, name) == before and conn.token == before.token
        assert len(p.token_requests) == 2
        # The provider revoked what the code bought (RFC 6749 4.1.2): authorize again.
        with pytest.raises(oauthkit.InvalidGrant):
            conn.refresh()


def test_a_timeout_leaves_the_request_pending_for_paste_back(memory_store: str) -> None:
    with sb.serve("auth0") as p:
        conn = oauthkit.connect("auth0", store=memory_store, **p.client_settings)
        links: list[str] = []
        started = time.monotonic()
        with pytest.raises(AuthorizationError, match="no redirect arrived") as info:
            conn.authorize(open_browser=links.append, timeout=0.3)
        assert info.value.reason == "timeout" and time.monotonic() - started < 5
        redirected = browse(links[0])  # the browser could not reach this machine; the user pastes
        with pytest.raises(requests.ConnectionError):  # the one-shot server is gone
            requests.get(redirected, timeout=2)
        assert conn.authorize(redirected).access_token


def test_the_loopback_server_answers_only_its_redirect(memory_store: str) -> None:
    with sb.serve("ellipsis_drive") as p:
        conn = oauthkit.connect("ellipsis_drive", store=memory_store, **p.client_settings)
        stray: list[int] = []
        browser = Browser()

        def open_link(url: str) -> None:
            callback = parse_qs(urlsplit(url).query)["redirect_uri"][0]
            stray.append(requests.get(callback.replace("/callback", "/favicon.ico"), timeout=5).status_code)
            stray.append(requests.get(callback, timeout=5).status_code)  # no answer in it
            forged = f"{callback}?code=stolen&state=not-this-one"  # must not take the real one's place
            stray.append(requests.get(forged, timeout=5).status_code)
            browser(url)

        conn.authorize(open_browser=open_link, redirect_uri="http://localhost:0/oauth/done", timeout=30)
        browser.join()
        assert stray == [404, 404, 400] and browser.pages[0].status_code == 200
        sent = str(p.token_requests[0].param("redirect_uri"))
        assert sent.startswith("http://localhost:") and sent.endswith("/oauth/done") and ":0/" not in sent


def test_in_a_notebook_the_link_is_displayed_as_html(
    memory_store: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import IPython
    import IPython.display

    class ZMQInteractiveShell:  # what get_ipython() returns inside a Jupyter kernel
        pass

    shown: list[str] = []
    updates: list[str] = []

    class Handle:  # what display(..., display_id=True) returns: the output, to update in place
        def update(self, obj: IPython.display.HTML) -> None:
            updates.append(obj.data)

    def display(obj: IPython.display.HTML, display_id: bool = False) -> Handle:
        assert display_id
        shown.append(obj.data)
        return Handle()

    monkeypatch.setattr(IPython, "get_ipython", ZMQInteractiveShell)
    monkeypatch.setattr(IPython.display, "display", display)
    with sb.serve("edgetag") as p:
        conn = oauthkit.connect("edgetag", store=memory_store, **p.client_settings)
        conn.authorize(open_browser=p.browse, timeout=30)
    (page,) = shown
    assert "<a href='http://127.0.0.1:" in page and "target='_blank'" in page and "code_challenge=" in page
    # Once the tokens are stored, the link and its "waiting" line give way to one line that says so.
    (done,) = updates
    assert "authorized" in done and "Waiting" not in done and "href" not in done
    assert capsys.readouterr().out == ""  # nothing printed besides


def test_only_loopback_redirects_can_be_received(memory_store: str) -> None:
    with sb.serve("auth0") as p:
        conn = oauthkit.connect("auth0", store=memory_store, **p.client_settings)
        with pytest.raises(oauthkit.ConfigError, match="listen=False"):
            conn.authorize(redirect_uri="https://notebooks.example.com/oauth/callback")
        request = conn.authorize(redirect_uri="https://notebooks.example.com/oauth/callback", listen=False)
        assert isinstance(request, AuthorizationRequest)
        assert "redirect_uri=https%3A%2F%2Fnotebooks.example.com" in request.url
        with pytest.raises(oauthkit.ConfigError, match="state"):
            conn.authorize(listen=False, params={"state": "mine"})


def test_scope_and_extra_parameters_reach_the_authorization_url(memory_store: str) -> None:
    with sb.serve("auth0") as p:
        conn = oauthkit.connect("auth0", store=memory_store, **p.client_settings)
        request = conn.authorize(
            listen=False, scope="openid profile offline_access", params={"audience": "https://api.example"}
        )
        assert isinstance(request, AuthorizationRequest)
        asked = parse_qs(urlsplit(request.url).query)
        assert asked["scope"] == ["openid profile offline_access"]
        assert asked["audience"] == ["https://api.example"]
        token = conn.authorize(browse(request.url))
        assert token.scope == "openid profile offline_access" and token.id_token


def test_auth0_public_application_uses_pkce_without_a_secret(memory_store: str) -> None:
    with sb.serve("auth0", confidential=False) as p:
        assert "client_secret" not in p.client_settings
        conn = oauthkit.connect("auth0", store=memory_store, **p.client_settings)
        request = conn.authorize(listen=False)
        assert isinstance(request, AuthorizationRequest)
        conn.authorize(browse(request.url))
        exchange = p.token_requests[0]
        assert exchange.param("client_secret") is None and exchange.param("code_verifier")
        assert conn.refresh().access_token


def test_authorized_tokens_survive_the_same_seed_on_a_later_run(store_url: str) -> None:
    with sb.serve("auth0") as p:
        conn = oauthkit.connect("auth0", store=store_url, **p.settings)  # an old seed in .env
        request = conn.authorize(listen=False)
        assert isinstance(request, AuthorizationRequest)
        token = conn.authorize(browse(request.url))
        again = oauthkit.connect("auth0", store=store_url, **p.settings)
        assert again.token is not None and again.token.access_token == token.access_token


# ---- Xerial: a login --------------------------------------------------------------------------
def test_xerial_login_then_refresh_and_call_the_api(tmp_path: Any) -> None:
    path = tmp_path / "login" / "tokens.db"
    url = f"sqlite:///{path}"
    with sb.serve("xerial") as p:
        conn = oauthkit.connect("xerial", store=url, **p.client_settings)
        assert conn.token is None
        token = conn.login(email=p.user_email, password=p.user_password)
        (sent,) = [r for r in p.requests if r.kind == "login"]
        assert sent.method == "POST" and sent.json == {"email": p.user_email, "password": p.user_password}
        assert token.refresh_token and token.refresh_expires_at is not None
        assert stored(url, "xerial").refresh_token == token.refresh_token
        assert conn.refresh().refresh_token != token.refresh_token  # rotated
        assert conn.session.get(p.api_url).status_code == 200
        history = conn.history()
        assert history["trigger"].tolist() == ["login", "manual"]
        again = oauthkit.connect("xerial", store=url, base_url=p.base_url)
        assert again.session.get(p.api_url).status_code == 200
        texts = [history.to_csv(), repr(conn), str(token)]
    stored_bytes = b"".join(f.read_bytes() for f in path.parent.iterdir() if f.is_file())
    assert p.user_password.encode() not in stored_bytes  # the password is never stored
    assert all(p.user_password not in text for text in texts)


def test_xerial_wrong_password_stores_nothing(store_url: str) -> None:
    with sb.serve("xerial") as p:
        conn = oauthkit.connect("xerial", store=store_url, **p.client_settings)
        with pytest.raises(AuthorizationError, match="refused the login") as info:
            conn.login(email=p.user_email, password="not-the-password")
        assert info.value.reason == "invalid_credentials" and info.value.status == 401
        assert "Incorrect email or password" in str(info.value) and "not-the-password" not in str(info.value)
        assert stored(store_url, "xerial") is None and conn.token is None
        history = conn.history()
        assert history["outcome"].tolist() == ["error"] and history["trigger"].tolist() == ["login"]
        assert "not-the-password" not in history.to_csv()


def test_login_takes_exactly_the_declared_credentials(memory_store: str) -> None:
    with sb.serve("xerial") as p:
        conn = oauthkit.connect("xerial", store=memory_store, **p.client_settings)
        with pytest.raises(
            oauthkit.ConfigError, match=r"missing password.*conn\.login\(email=\.\.\., password"
        ):
            conn.login(email=p.user_email)
        with pytest.raises(oauthkit.ConfigError, match="unknown username"):
            conn.login(username="u", email=p.user_email, password=p.user_password)
        assert p.requests == []


def test_each_adapter_offers_its_own_way_to_first_tokens(memory_store: str) -> None:
    with sb.serve("xerial") as p:
        conn = oauthkit.connect("xerial", store=memory_store, **p.client_settings)
        with pytest.raises(oauthkit.ConfigError, match=r"no authorization step.*conn\.login"):
            conn.authorize(listen=False)
        with pytest.raises(oauthkit.ConfigError, match=r"conn\.login\(\.\.\.\)"):
            conn.refresh()
    with sb.serve("edgetag") as p:
        conn = oauthkit.connect("edgetag", store=memory_store, **p.client_settings)
        with pytest.raises(oauthkit.ConfigError, match=r"no login.*conn\.authorize\(\)"):
            conn.login(email="e", password="p")
    table = oauthkit.list_adapters().set_index("name")["first_tokens"]
    assert table["parqex"] == "code" and table["edgetag"] == "code+S256" and table["xerial"] == "login"


def test_plain_http_to_a_remote_authorization_host_is_refused(memory_store: str) -> None:
    with sb.serve("edgetag") as p:
        conn = oauthkit.connect(
            "edgetag", store=memory_store, **{**p.client_settings, "app_url": "http://app.example.com"}
        )
        with pytest.raises(oauthkit.ConfigError, match="plain http"):
            conn.authorize(listen=False)


# ---- the adapter spec ------------------------------------------------------------------------
BASE: dict[str, Any] = {
    "name": "acme",
    "docs": "https://docs.acme.example",
    "settings": {"base_url": {"default": "https://acme.example"}, "client_id": {}, "client_secret": {}},
    "request": {"url": "{base_url}/token", "encoding": "json", "client_auth": "basic"},
}


def adapter(**sections: Any) -> oauthkit.Adapter:
    return oauthkit.Adapter.from_dict({**BASE, **sections})


def test_the_exchange_inherits_the_refresh_request_unless_it_says_otherwise() -> None:
    spec = adapter(authorize={"url": "{base_url}/authorize"}).authorize
    assert spec is not None and spec.pkce == "S256" and spec.scope is None
    request = spec.exchange.request
    assert (request.url, request.method, request.encoding, request.client_auth, request.grant_type) == (
        "{base_url}/token",
        "POST",
        "json",
        "basic",
        "authorization_code",
    )
    own = adapter(
        authorize={"url": "{base_url}/authorize", "exchange": {"encoding": "form", "names": {"code": "c"}}}
    ).authorize
    assert (
        own is not None
        and own.exchange.request.encoding == "form"
        and own.exchange.request.wire("code") == "c"
    )


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        (
            {"authorize": {"url": "{base_url}/a", "pkse": "S256"}},
            "'authorize.pkse' is unknown; did you mean 'pkce'",
        ),
        (
            {"authorize": {"url": "{base_url}/a", "pkce": "S512"}},
            "'authorize.pkce' must be one of S256, plain",
        ),
        ({"authorize": {"url": "{nowhere}/a"}}, "undeclared setting {nowhere}"),
        (
            {"authorize": {"url": "{base_url}/a", "exchange": {"method": "GET"}}},
            "'authorize.exchange.encoding' must be 'query' for a GET",
        ),
        (
            {"authorize": {"url": "{base_url}/a", "exchange": {"names": {"refresh_token": "rt"}}}},
            "'authorize.exchange.names.refresh_token' is unknown",
        ),
        (
            {"response": {"refresh_token": None}, "authorize": {"url": "{base_url}/a"}},
            "'authorize.exchange.response.refresh_token' must name where the refresh token is",
        ),
        ({"login": {"url": "{base_url}/login"}}, "'login.credentials' must be a list"),
        ({"login": {"credentials": ["email"]}}, "'login.url' is required"),
        (
            {"login": {"url": "{base_url}/l", "credentials": ["email"], "names": {"pasword": "p"}}},
            "'login.names",
        ),
        (
            {
                "authorize": {"url": "{base_url}/a"},
                "login": {"url": "{base_url}/l", "credentials": ["email"]},
            },
            "cannot be declared together",
        ),
    ],
)
def test_bad_first_token_sections_are_adapter_errors(sections: dict[str, Any], message: str) -> None:
    with pytest.raises(oauthkit.AdapterError) as info:
        adapter(**sections)
    assert message in str(info.value)


# ---- the README's quick start, run as written ----------------------------------------------------
def test_readme_quick_start_runs_offline_from_client_credentials_to_an_auto_refreshing_session() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = readme.split("## Notebook quick start", 1)[1].split("\n## ", 1)[0]
    blocks = [b.split("```", 1)[0] for b in section.split("```python\n")[1:]]
    (sandboxed,) = [b for b in blocks if "sandbox.serve(" in b]
    auth0, xerial = sandboxed.split('with sandbox.serve("xerial")')
    namespace: dict[str, Any] = {}
    exec(compile(auth0, "README", "exec"), namespace)
    history = namespace["conn"].history()
    assert history["trigger"].tolist() == ["authorize", "expired"]
    assert history["outcome"].tolist() == ["ok", "ok"]
    exec(compile('with sandbox.serve("xerial")' + xerial, "README", "exec"), namespace)
    assert namespace["conn"].history()["trigger"].tolist() == ["login"]
