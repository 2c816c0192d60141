"""Paste-back from the output itself: ``authorize(flow="paste")`` in a notebook shows the link
with a text box and a Finish button, so the redirected address needs no second cell.

The widgets are real ipywidgets objects and the click is ipywidgets' own ``Button.click()``
(what the comm message from the browser calls); the authorization server is the sandbox
emulator, over HTTP; the last test runs it in a real kernel (nbclient)."""

from __future__ import annotations

import gc
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.first_tokens import AuthorizationRequest
from oauthkit.first_tokens.paste_widget import paste_box

pytestmark = pytest.mark.timeout(60)


def _browse(url: str) -> str:
    resp = requests.get(url, allow_redirects=False, timeout=10)
    assert resp.status_code == 302, resp.text
    return str(resp.headers["Location"])


def _box(request: AuthorizationRequest) -> Any:
    assert request._finish is not None
    return paste_box(request._paste_html(), request.redirect_uri, request._finish, "done: authorized")


def _parts(box: Any) -> tuple[Any, Any, Any]:
    _, row, status = box.children
    address, button = row.children
    return address, button, status


def test_pasting_the_address_into_the_box_stores_the_tokens(memory_store: str) -> None:
    with sb.serve("auth0") as p:
        conn = oauthkit.connect("auth0", store=memory_store, **p.client_settings)
        request = conn.authorize(flow="paste")
        assert isinstance(request, AuthorizationRequest) and request._finish is not None
        assert request._repr_mimebundle_() is None  # not in a kernel: the plain link, as before
        box = _box(request)
        address, button, status = _parts(box)
        assert request.url.replace("&", "&amp;") in box.children[0].value

        button.click()  # nothing pasted yet: says so, sends nothing
        assert "Paste the whole address" in status.value and p.token_requests == []

        redirected = _browse(request.url)
        state = parse_qs(urlsplit(redirected).query)["state"][0]
        address.value = redirected.replace(state, "forged")
        button.click()
        assert "state does not match" in status.value and not button.disabled
        assert conn.token is None and p.token_requests == []  # refused before anything was sent

        address.value = f"  {redirected}\n"  # a paste often brings blanks along
        button.click()
        assert conn.token is not None and len(p.token_requests) == 1
        assert conn.history()["trigger"].tolist() == ["authorize"]
        (done,) = box.children
        assert done.value.endswith(">done: authorized</small>")
        assert address.value == ""  # the spent code is not left on screen
        assert conn.session.get(p.api_url).status_code == 200


def test_the_box_holds_no_strong_reference_to_its_connection(memory_store: str) -> None:
    with sb.serve("parqex") as p:
        conn = oauthkit.connect("parqex", store=memory_store, **p.client_settings)
        request = conn.authorize(flow="paste")
        assert isinstance(request, AuthorizationRequest) and request._finish is not None
        box = _box(request)
        address, button, status = _parts(box)
        del conn
        gc.collect()
        address.value = _browse(request.url)
        button.click()
        assert "gone" in status.value and p.token_requests == []


_CELLS = [
    "import oauthkit, oauthkit.sandbox as sb, requests\n"
    "p = sb.serve('edgetag').__enter__()\n"
    "conn = oauthkit.connect('edgetag', store='memory://', **p.client_settings)",
    "conn.authorize(flow='paste')",
]


def test_in_a_real_kernel_the_request_renders_as_the_box_and_its_click_finishes() -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(_CELLS[0]), nbformat.v4.new_code_cell(_CELLS[1])]
    client = NotebookClient(nb, timeout=60, kernel_name="python3")
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        (shown,) = [o for o in nb.cells[1].outputs if o["output_type"] == "execute_result"]
        data = shown["data"]
        model_id = data["application/vnd.jupyter.widget-view+json"]["model_id"]
        assert "href=" in data["text/html"]  # a saved notebook or a widgetless viewer shows the link
        click = nbformat.v4.new_code_cell(
            "import ipywidgets, re, requests, html\n"
            f"box = ipywidgets.Widget.widgets[{model_id!r}]\n"
            "link = re.search(r\"href='([^']+)'\", box.children[0].value).group(1)\n"
            "answer = requests.get(html.unescape(link), allow_redirects=False, timeout=10)\n"
            "location = answer.headers['Location']\n"
            "address, button = box.children[1].children\n"
            "address.value = location\n"
            "button.click()\n"
            "print(conn.history()['trigger'].tolist(), conn.token is not None, box.children[0].value)"
        )
        nb.cells.append(click)
        client.execute_cell(click, 2)
        text = "".join(o.get("text", "") for o in click.outputs if o.get("name") == "stdout")
        assert text.startswith("['authorize'] True")
        assert "EdgeTag authorized: tokens stored for edgetag/default" in text
