"""Auto-refresh inside ordinary API calls, through every Authlib client a connection gives."""

from __future__ import annotations

import asyncio
import time

import pytest
from conftest import connect

import oauthkit
import oauthkit.sandbox as sb

# A GET-with-query provider, a JSON-body provider and a nested-response provider.
KINDS = ["parqex", "ellipsis_drive", "xerial"]
LIFETIME = 1.0


def _expire(conn: oauthkit.Connection) -> None:
    token = conn.token
    assert token is not None and token.expires_at is not None
    time.sleep(max(0.0, token.expires_at.timestamp() - time.time()) + 0.05)
    assert not conn.is_fresh()


@pytest.mark.parametrize("name", KINDS)
def test_requests_session_refreshes_an_expired_token(name: str, store_url: str) -> None:
    with sb.serve(name, access_lifetime=LIFETIME) as p:
        conn = connect(p, store_url)
        session = conn.session
        from authlib.integrations.requests_client import OAuth2Session

        assert isinstance(session, OAuth2Session)
        first = session.get(p.api_url)  # seeded: the first call refreshes
        assert first.status_code == 200
        _expire(conn)
        old = conn.token
        second = session.get(p.api_url)
        assert second.status_code == 200, second.text
        assert conn.token is not None and old is not None
        assert conn.token.access_token != old.access_token
        assert len(p.token_requests) == 2
        assert list(conn.history()["trigger"]) == ["expired", "expired"]
        # the protected call carried the new token
        assert p.requests[-1].bearer == conn.token.access_token


@pytest.mark.parametrize("name", KINDS)
def test_httpx_client_refreshes_an_expired_token(name: str, store_url: str) -> None:
    with sb.serve(name, access_lifetime=LIFETIME) as p:
        conn = connect(p, store_url)
        with conn.client() as client:
            from authlib.integrations.httpx_client import OAuth2Client

            assert isinstance(client, OAuth2Client)
            assert client.get(p.api_url).status_code == 200
            _expire(conn)
            response = client.get(p.api_url)
            assert response.status_code == 200, response.text
        assert len(p.token_requests) == 2
        assert conn.token is not None and p.requests[-1].bearer == conn.token.access_token


@pytest.mark.parametrize("name", KINDS)
def test_async_httpx_client_refreshes_an_expired_token(name: str, store_url: str) -> None:
    with sb.serve(name, access_lifetime=LIFETIME) as p:
        conn = connect(p, store_url)

        async def scenario() -> list[int]:
            async with conn.async_client() as client:
                from authlib.integrations.httpx_client import AsyncOAuth2Client

                assert isinstance(client, AsyncOAuth2Client)
                codes = [(await client.get(p.api_url)).status_code]
                await asyncio.sleep(LIFETIME + 0.1)
                # several tasks at once on the expired token: one refresh
                answers = await asyncio.gather(*(client.get(p.api_url) for _ in range(8)))
                return codes + [a.status_code for a in answers]

        assert asyncio.run(scenario()) == [200] * 9
        assert len(p.token_requests) == 2


def test_async_clients_on_a_memory_store_refresh_once(memory_store: str) -> None:
    # A memory store's lock is taken in place on the loop when free (Store.try_lock); clients
    # that find it held wait for it on a thread. Either way: one refresh, every call answered.
    with sb.serve("auth0", access_lifetime=LIFETIME) as p:
        conn = connect(p, memory_store)

        async def scenario() -> list[int]:
            clients = [conn.async_client() for _ in range(4)]
            try:
                await clients[0].get(p.api_url)
                await asyncio.sleep(LIFETIME + 0.1)
                calls = [client.get(p.api_url) for client in clients for _ in range(2)]
                return [answer.status_code for answer in await asyncio.gather(*calls)]
            finally:
                for client in clients:
                    await client.aclose()

        assert asyncio.run(scenario()) == [200] * 8
        assert len(p.token_requests) == 2


def test_clients_share_one_token_and_refresh_once(store_url: str) -> None:
    with sb.serve("xerial", access_lifetime=LIFETIME) as p:
        conn = connect(p, store_url)
        assert conn.session.get(p.api_url).status_code == 200
        with conn.client() as client:
            assert client.get(p.api_url).status_code == 200
            assert len(p.token_requests) == 1  # the httpx client reused the session's token
            _expire(conn)
            assert client.get(p.api_url).status_code == 200
            assert conn.session.get(p.api_url).status_code == 200
        assert len(p.token_requests) == 2


def test_a_thirty_second_token_is_not_expired_at_birth(store_url: str) -> None:
    with sb.serve("auth0", access_lifetime=30) as p:
        conn = connect(p, store_url)
        conn.refresh()
        assert conn.is_fresh()
        assert 0 < conn.leeway <= 3.0
        for _ in range(5):
            assert conn.session.get(p.api_url).status_code == 200
        assert len(p.token_requests) == 1  # Authlib's fixed 60 s leeway would refresh every call


def test_leeway_can_be_set_and_triggers_proactive_refresh(store_url: str) -> None:
    with sb.serve("edgetag", access_lifetime=30) as p:
        conn = oauthkit.connect("edgetag", store=store_url, leeway=28.5, **p.settings)
        conn.refresh()
        # Past the leeway, and past the one-request-a-second floor (MIN_REFRESH_INTERVAL).
        time.sleep(1.6)
        assert not conn.is_fresh()
        assert conn.session.get(p.api_url).status_code == 200
        assert list(conn.history()["trigger"]) == ["manual", "proactive"]


def test_ensure_fresh_refreshes_only_when_needed(store_url: str) -> None:
    with sb.serve("ellipsis_drive", access_lifetime=LIFETIME) as p:
        conn = connect(p, store_url)
        first = conn.ensure_fresh()
        assert conn.ensure_fresh() is first
        assert len(p.token_requests) == 1
        _expire(conn)
        assert conn.ensure_fresh().access_token != first.access_token
        assert len(p.token_requests) == 2
