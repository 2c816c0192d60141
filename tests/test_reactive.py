"""A 401 from the API on a token we thought valid: refresh once, retry the request once."""

from __future__ import annotations

import asyncio

import pytest

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.store import Key, Record, StaleWrite, open_store


def _revoked(p: sb.Emulator, store_url: str, **kw: object) -> oauthkit.Connection:
    conn = oauthkit.connect(p.name, store=store_url, **{**p.settings, **kw})
    conn.refresh()
    p.revoke_access_tokens()  # the API now refuses the access token; the refresh token still works
    assert conn.is_fresh()
    return conn


@pytest.mark.parametrize("name", ["xerial", "parqex"])
def test_requests_session_refreshes_on_401_and_retries_once(name: str, store_url: str) -> None:
    with sb.serve(name) as p:
        conn = _revoked(p, store_url)
        old = conn.token
        response = conn.session.get(p.api_url)
        assert response.status_code == 200
        assert conn.token is not None and old is not None and conn.token.access_token != old.access_token
        api = [r.status for r in p.requests if r.kind == "api"]
        assert api == [401, 200]
        assert conn.history()["trigger"].tolist() == ["manual", "unauthorized"]


def test_httpx_client_refreshes_on_401(store_url: str) -> None:
    with sb.serve("ellipsis_drive") as p:
        conn = _revoked(p, store_url)
        with conn.client() as client:
            assert client.get(p.api_url).status_code == 200
        assert [r.status for r in p.requests if r.kind == "api"] == [401, 200]
        assert len(p.token_requests) == 2


def test_async_client_refreshes_on_401_once_for_many_tasks(store_url: str) -> None:
    with sb.serve("auth0") as p:
        conn = _revoked(p, store_url)

        async def scenario() -> list[int]:
            async with conn.async_client() as client:
                answers = await asyncio.gather(*(client.get(p.api_url) for _ in range(6)))
                return [a.status_code for a in answers]

        assert asyncio.run(scenario()) == [200] * 6
        assert len(p.token_requests) == 2  # one reactive refresh, shared by the six 401s


def test_non_idempotent_requests_are_not_retried_by_default(store_url: str) -> None:
    with sb.serve("xerial") as p:
        conn = _revoked(p, store_url)
        assert conn.session.post(p.api_url, json={"x": 1}).status_code == 401
        assert len(p.token_requests) == 1


def test_reactive_refresh_can_be_turned_off(store_url: str) -> None:
    with sb.serve("xerial") as p:
        conn = _revoked(p, store_url, reactive_methods=())
        assert conn.session.get(p.api_url).status_code == 401
        assert len(p.token_requests) == 1


def test_a_second_401_is_returned_not_looped(store_url: str) -> None:
    with sb.serve("xerial") as p:
        conn = oauthkit.connect("xerial", store=store_url, **p.settings)
        conn.refresh()
        # An endpoint that always answers 401 (wrong audience, say): one refresh, one retry, done.
        response = conn.session.get(p.base_url + "/me", headers={})
        assert response.status_code == 200
        p.revoke_access_tokens()
        p.fail(
            200,
            {
                "access": {"token": "not-accepted-by-the-api", "expires": "2100-01-01T00:00:00.000Z"},
                "refresh": {"token": "r2", "expires": "2100-01-01T00:00:00.000Z"},
            },
        )
        assert conn.session.get(p.api_url).status_code == 401
        assert [r.status for r in p.requests if r.kind == "api"][-2:] == [401, 401]
        assert len(p.token_requests) == 2


def test_compare_and_set_refuses_a_late_writer(store_url: str) -> None:
    store = open_store(store_url)
    key = Key("xerial", "cas")
    store.save(key, Record(token=None, refresh_token="r1", version=1))
    store.save(key, Record(token=None, refresh_token="r2", version=2), replaces="r1")
    with pytest.raises(StaleWrite):  # a writer that started from r1 after r2 was stored
        store.save(key, Record(token=None, refresh_token="r2-late", version=2), replaces="r1")
    loaded = store.load(key)
    assert loaded is not None and loaded.refresh_token == "r2"


def test_oversized_answers_are_refused_without_reading_them_whole(store_url: str) -> None:
    with sb.serve("edgetag") as p:
        conn = oauthkit.connect("edgetag", store=store_url, retry=oauthkit.Retry(attempts=1), **p.settings)
        conn.refresh()
        before = open_store(store_url).load(conn.key)
        p.fail(
            200,
            '{"access_token": "' + "x" * (10 * 1024 * 1024) + '", "expires_in": 60}',
            content_type="application/json",
        )
        with pytest.raises(oauthkit.MalformedResponse, match="larger than any token answer"):
            conn.refresh()
        assert open_store(store_url).load(conn.key) == before
