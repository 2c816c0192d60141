"""``conn.headers()`` for tools that take headers: pandas reading a protected CSV and JSON from
the sandbox over real HTTP (its ``storage_options`` become urllib request headers for http URLs;
no fsspec), and the README's example run as written."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
from pathlib import Path

import pandas as pd
import pytest

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.sandbox.datasets import COLUMNS, ROWS

pytestmark = pytest.mark.timeout(60)

README = Path(__file__).resolve().parents[1] / "README.md"


def _expected() -> pd.DataFrame:
    return pd.DataFrame([dict(zip(COLUMNS, row, strict=True)) for row in ROWS])


def test_headers_carry_a_fresh_token_and_refresh_when_it_expired(store_url: str) -> None:
    with sb.serve("parqex", access_lifetime=1.0) as p:
        conn = oauthkit.connect("parqex", store=store_url, min_interval=0, **p.settings)
        assert conn.token is None
        headers = conn.headers()  # seeded only: refreshed first
        assert conn.token is not None
        first = conn.token.access_token
        assert headers == {"Authorization": f"Bearer {first}"}
        assert conn.headers() == headers and len(p.token_requests) == 1  # fresh: no new request
        expires_at = conn.token.expires_at
        assert expires_at is not None
        time.sleep(max(0.0, expires_at.timestamp() - time.time()) + 0.05)
        again = conn.headers()
        assert conn.token.access_token != first
        assert again == {"Authorization": f"Bearer {conn.token.access_token}"}
        assert len(p.token_requests) == 2
        assert conn.history()["trigger"].tolist() == ["expired", "expired"]


def test_pandas_reads_a_protected_csv_and_json_with_the_headers_alone(store_url: str) -> None:
    fsspec_before = "fsspec" in sys.modules
    with sb.serve("xerial") as p:
        conn = oauthkit.connect("xerial", store=store_url, **p.settings)
        with pytest.raises(urllib.error.HTTPError) as refused:  # the table really is protected
            pd.read_csv(p.csv_url)
        assert refused.value.code == 401
        readings = pd.read_csv(p.csv_url, storage_options=conn.headers())
        records = pd.read_json(p.json_url, storage_options=conn.headers())
        pd.testing.assert_frame_equal(readings, _expected())
        pd.testing.assert_frame_equal(records, _expected())
        assert conn.token is not None
        data = [r for r in p.requests if r.path.startswith("/sandbox/data/")]
        assert [(r.path, r.status) for r in data] == [
            ("/sandbox/data/readings.csv", 401),
            ("/sandbox/data/readings.csv", 200),
            ("/sandbox/data/readings.json", 200),
        ]
        assert data[1].bearer == data[2].bearer == conn.token.access_token
    assert ("fsspec" in sys.modules) == fsspec_before  # pandas alone: urllib, no fsspec


def test_a_dead_token_on_the_table_is_401_like_on_the_api(store_url: str) -> None:
    with sb.serve("auth0") as p:
        conn = oauthkit.connect("auth0", store=store_url, **p.settings)
        headers = conn.headers()
        p.revoke_access_tokens()
        with pytest.raises(urllib.error.HTTPError) as refused:
            pd.read_json(p.json_url, storage_options=headers)
        assert refused.value.code == 401
        assert conn.refresh() and len(pd.read_json(p.json_url, storage_options=conn.headers())) == len(ROWS)


def _readme_block(title: str) -> str:
    section = README.read_text(encoding="utf-8").split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    (block,) = [b.split("```", 1)[0] for b in section.split("```python\n")[1:]]
    return block


_CHECK = """
import json
import pandas as pd
from oauthkit.sandbox.datasets import COLUMNS, ROWS
expected = pd.DataFrame([dict(zip(COLUMNS, row, strict=True)) for row in ROWS])
pd.testing.assert_frame_equal(readings, expected)
pd.testing.assert_frame_equal(records, expected)
print(json.dumps({"me": me, "again": again, "triggers": conn.history()["trigger"].tolist()}))
"""


def test_the_readme_example_runs_as_written() -> None:
    # A fresh interpreter, as a reader runs it: "memory://" is one store per process, and other
    # README examples run in this one (the quick start logs in to xerial on the same URL).
    code = _readme_block("Any client, pandas and the shell")
    assert "storage_options=conn.headers()" in code and "auth=conn.auth" in code
    done = subprocess.run(
        [sys.executable, "-c", code + _CHECK], capture_output=True, text=True, timeout=50, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    me, again = seen["me"], seen["again"]
    assert me["provider"] == again["provider"] == "xerial" and me["sub"] == again["sub"]
    assert seen["triggers"] == ["expired"]  # one refresh served all four calls
