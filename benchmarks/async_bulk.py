"""Async bulk refresh: 1,000 connections refreshing at once through ``async_client()``."""

from __future__ import annotations

import asyncio
import functools
import gc
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence

import httpx

import oauthkit

from .harness import Result, interleaved, median
from .refresh import connect
from .remote import RemoteEmulator
from .sizes import Sizes
from .wire import Capture, Template, same_request, tokens_from

NAME = "async bulk refresh"
TARGET = 1.3


async def gather_gated(limit: int, jobs: Sequence[Callable[[], Awaitable[object]]]) -> None:
    """Start every job at once (one ``asyncio.gather``), at most `limit` inside the HTTP pool.

    Why the gate: httpcore's pool scans its whole wait queue on every state change, so 1,000
    requests queued on 10 connections cost seconds of pure bookkeeping (measured: 7-28 s for
    1,000 bare httpx posts that take 2 s one after another). Gating both sides alike keeps that
    out of the comparison; a real bulk job bounds its concurrency for the same reason.
    """
    gate = asyncio.Semaphore(limit)

    async def gated(job: Callable[[], Awaitable[object]]) -> None:
        async with gate:
            await job()

    await asyncio.gather(*(gated(job) for job in jobs))


class Bulk:
    """Both sides of the benchmark, sharing one emulator, one httpx transport and one store."""

    def __init__(self, p: RemoteEmulator, size: Sizes, transport: httpx.AsyncHTTPTransport) -> None:
        self.p = p
        self.size = size
        self.transport = transport
        self.store = oauthkit.open_store(f"memory://{uuid.uuid4().hex}")
        self.rounds = 0
        self.counts: list[int] = []
        self.all_refreshed = True
        self.template: Template | None = None

    def _connections(self) -> list[oauthkit.Connection]:
        self.rounds += 1
        grants = self.p.new_grants(self.size.async_connections)
        return [connect(self.p, f"r{self.rounds}c{i}", g, self.store) for i, g in enumerate(grants)]

    async def capture_template(self) -> Template:
        """One refresh through ``async_client()``, captured as it went on the wire."""
        (seed,) = self.p.new_grants(1)
        conn = connect(self.p, "template", seed, self.store)
        capture = Capture()
        client = conn.async_client(transport=self.transport, event_hooks={"request": [capture.httpx_hook]})
        await client.ensure_active_token()
        sent = capture.last
        self.template = Template.capture(sent.method, str(sent.url), sent.headers, sent.content, seed)
        return self.template

    async def with_oauthkit(self) -> float:
        conns = self._connections()  # settings and store look-ups: set-up, not timed
        self.p.clear_requests()
        gc.collect()  # no garbage of an earlier round is collected on this round's clock
        start = time.perf_counter()
        clients = [c.async_client(transport=self.transport) for c in conns]
        await gather_gated(self.size.async_concurrency, [c.ensure_active_token for c in clients])
        elapsed = time.perf_counter() - start
        self.counts.append(self.p.token_request_count())
        self.all_refreshed &= all(c.token is not None for c in conns)
        for conn in conns:  # else every round's 1,000 connections stay alive and the heap grows
            conn.close()
        return elapsed

    async def bare_one(self, client: httpx.AsyncClient, refresh_token: str) -> tuple[str, str]:
        assert self.template is not None
        method, url, headers, body = self.template.render(refresh_token)
        response = await client.request(method, url, headers=headers, content=body or None)
        response.raise_for_status()
        return tokens_from(self.p.provider, response.json(), refresh_token)

    async def with_httpx(self) -> float:
        grants = self.p.new_grants(self.size.async_connections)
        gc.collect()
        start = time.perf_counter()
        # Not closed: closing would close the transport both sides share.
        client = httpx.AsyncClient(transport=self.transport)
        jobs = [functools.partial(self.bare_one, client, g) for g in grants]
        await gather_gated(self.size.async_concurrency, jobs)
        return time.perf_counter() - start

    async def baseline_matches(self) -> bool:
        assert self.template is not None
        (grant,) = self.p.new_grants(1)
        capture = Capture()
        client = httpx.AsyncClient(transport=self.transport, event_hooks={"request": [capture.httpx_hook]})
        await self.bare_one(client, grant)
        sent = capture.last
        return same_request(
            Template.capture(sent.method, str(sent.url), sent.headers, sent.content, grant), self.template
        )


def run(size: Sizes, provider: str) -> Result:
    """Wall time for N seeded connections (one memory store, each its own store key and token
    chain) to refresh concurrently: N ``conn.async_client()`` clients created and
    ``ensure_active_token()`` gathered, against one bare ``httpx.AsyncClient`` posting the same N
    requests (replayed byte for byte) and parsing the answers. Both sides share one httpx
    transport (pool of `async_concurrency` keep-alive connections) and the same gate; the
    connections' ``connect()`` is set-up, outside the clock. Interleaved.

    Profile (cProfile of one round per side), when this missed at 1.33-1.41: every refresh
    took the store's lock on a worker thread (``anyio.to_thread``), a thread hop per refresh
    even when the lock was free and in-process. ``Store.try_lock`` now takes a free in-process
    lock in place (a file or Redis lock still waits on a thread): 1.08-1.25 over the next runs.
    Rounds vary from 0.8 to 1.8 between neighbours on 2 cores, so each round starts from a
    collected heap and closes its connections, and there are 11 of them. Both sides also pay
    httpcore's import attempt of the optional ``sniffio`` on every lock it creates (~25 % of
    either side's profile here; not installed).
    """
    limit = size.async_concurrency
    transport = httpx.AsyncHTTPTransport(
        limits=httpx.Limits(max_connections=limit, max_keepalive_connections=limit)
    )
    loop = asyncio.new_event_loop()
    try:
        with RemoteEmulator(provider) as p:
            bulk = Bulk(p, size, transport)
            loop.run_until_complete(bulk.capture_template())
            identical = loop.run_until_complete(bulk.baseline_matches())
            ours, theirs = interleaved(
                lambda: loop.run_until_complete(bulk.with_oauthkit()),
                lambda: loop.run_until_complete(bulk.with_httpx()),
                reps=size.async_reps,
                warmup=1,
            )
            loop.run_until_complete(transport.aclose())
    finally:
        loop.close()
    n = size.async_connections
    return Result(
        name=NAME,
        unit="s",
        oauthkit=median(ours),
        baseline=median(theirs),
        target=TARGET,
        reps=size.async_reps,
        checks={
            "identical request": identical,
            f"{n} refreshes each": set(bulk.counts) == {n} and bulk.all_refreshed,
        },
        details={"provider": provider, "connections": n, "in_flight": limit, "store": "memory"},
    )
