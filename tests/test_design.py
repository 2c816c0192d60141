"""docs/DESIGN.md says what the code does: the adapter format table is the one the dataclasses
generate, the validator takes exactly the dataclasses' keys, and the files that cite the design
cite the one in the repository."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

import oauthkit
from oauthkit.adapter import (
    Adapter,
    AuthorizeSpec,
    ErrorSpec,
    Expiry,
    RequestSpec,
    ResponseSpec,
    Setting,
    default_of,
    format_table,
)
from oauthkit.adapter._validate import TOP_KEYS

ROOT = Path(__file__).resolve().parent.parent
DESIGN = ROOT / "docs" / "DESIGN.md"


def test_the_adapter_format_table_is_generated_from_the_dataclasses() -> None:
    text = DESIGN.read_text(encoding="utf-8")
    block = re.search(r"<!-- adapter-format:begin[^\n]*-->\n(.*?)<!-- adapter-format:end -->", text, re.S)
    assert block, "docs/DESIGN.md lost its adapter-format markers"
    assert block.group(1) == format_table(), (
        "the adapter format changed: paste the output of "
        "`python -c 'import oauthkit.adapter as a; print(a.format_table())'` between the markers"
    )


def test_the_validator_takes_the_keys_of_the_dataclasses() -> None:
    assert {f.name for f in dataclasses.fields(Adapter) if f.name != "source"} == set(TOP_KEYS)
    bad = {"request": {"url": "https://x.example/token", "metod": "GET"}, "name": "x"}
    with pytest.raises(oauthkit.AdapterError, match="did you mean 'method'"):
        Adapter.from_dict(bad)


def test_an_unsaid_key_takes_the_dataclass_default() -> None:
    adapter = Adapter.from_dict(
        {
            "name": "bare",
            "settings": {"client_id": {}},
            "request": {"url": "https://x.example/token"},
            "authorize": {"url": "https://x.example/authorize"},
        }
    )
    assert adapter.request == RequestSpec(url="https://x.example/token")
    assert adapter.response == ResponseSpec() and adapter.errors == ErrorSpec()
    assert adapter.rotation == default_of(Adapter, "rotation")
    assert adapter.authorize is not None and adapter.authorize.pkce == default_of(AuthorizeSpec, "pkce")
    assert adapter.response.expires == Expiry(field="expires_in")
    assert adapter.setting("client_id") == Setting("client_id")
    with pytest.raises(LookupError, match="required"):
        default_of(RequestSpec, "url")


def test_files_cite_the_design_in_the_repository() -> None:
    stale = []
    files = ["oauthkit/**/*.py", "adapters/*.py", "benchmarks/*.py", "tests/*.py", "README.md"]
    for path in sorted({p for pattern in files for p in ROOT.glob(pattern)}):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"(?<![/\w\"'])DESIGN\.md", line):
                stale.append(f"{path.relative_to(ROOT)}:{n}")
    # Still to change, in modules other branches own (issue 12): their comments cite the old copy.
    waiting = {"oauthkit/store/base.py", "oauthkit/authorize.py"}
    stale = [s for s in stale if s.split(":")[0] not in waiting]
    assert not stale, f"cite docs/DESIGN.md: {stale}"
