"""The device (RFC 8628) and revocation (RFC 7009) sections are validated like the rest of an
adapter: a broken one is an AdapterError naming the adapter, the file, the dotted field and what
is allowed, before anything is sent. Auth0's shipped adapter, which has both, is broken one key
at a time."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from oauthkit.shipped_adapters import auth0

import oauthkit
from oauthkit.adapter import Adapter


def _with(path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(auth0.ADAPTER)
    node = data
    *parents, last = path.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value
    return data


def test_the_shipped_sections_are_valid() -> None:
    adapter = Adapter.from_dict(copy.deepcopy(auth0.ADAPTER), source="auth0.py")
    assert adapter.device is not None and adapter.revoke is not None


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        ("device.url", "", "non-empty string"),
        ("device.interval", -1, "positive number of seconds"),
        ("device.interval", 0, "positive number of seconds"),
        ("device.grant_typ", "x", "allowed: url, poll"),
        ("device.poll.interval", 5, "is unknown"),  # the interval belongs to device, not its request
        ("revoke.tokens", ["id_token"], "refresh_token, access_token, both"),
        ("revoke.urll", "x", "did you mean 'url'"),
        ("revoke.method", "PATCH", "GET, POST, DELETE"),
    ],
)
def test_a_broken_device_or_revoke_section_names_the_field(path: str, value: Any, words: str) -> None:
    with pytest.raises(oauthkit.AdapterError) as info:
        Adapter.from_dict(_with(path, value), source="auth0_copy.py")
    text = str(info.value)
    assert f"field '{path}'" in text and words in text
    assert "adapter 'auth0'" in text and "auth0_copy.py" in text
