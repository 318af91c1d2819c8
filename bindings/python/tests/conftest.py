"""Shared helpers for the genie_core tests: where the shared fixtures are, how to chunk, and
the mock provider the client tests run against.

The fixtures live in the repository's ``tests/fixtures`` (see its README); set
``GENIE_FIXTURES`` to another directory of the same layout to replay other cases.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from mockprovider import MockProvider

FIXTURES = Path(
    os.environ.get("GENIE_FIXTURES", Path(__file__).resolve().parents[3] / "tests" / "fixtures")
)


def load_json(relative: str) -> Dict[str, Any]:
    """Reads a JSON fixture file under :data:`FIXTURES`."""
    with open(FIXTURES / relative, encoding="utf-8") as f:
        return json.load(f)


def chunks(data: bytes, chunking: Dict[str, Any]) -> Iterator[bytes]:
    """Splits ``data`` the way the fixtures README defines the chunking named ``chunking``."""
    name = chunking["name"]
    if name == "whole":
        yield data
    elif name == "bytes":
        for i in range(len(data)):
            yield data[i : i + 1]
    elif name == "crlf":
        start = 0
        at = data.find(b"\r\n")
        while at != -1:
            yield data[start : at + 1]
            start = at + 1
            at = data.find(b"\r\n", start)
        if start < len(data) or start == 0:
            yield data[start:]
    elif name.startswith("sizes"):
        sizes: List[int] = chunking["sizes"]
        assert any(sizes), f"chunking {name} never advances"
        pos, i = 0, 0
        while pos < len(data):
            size = sizes[i % len(sizes)]
            yield data[pos : pos + size]
            pos += size
            i += 1
    else:
        raise AssertionError(f"unknown chunking {name!r}: teach conftest.chunks about it")


@pytest.fixture(scope="session")
def mock_provider() -> Iterator[MockProvider]:
    """One mock provider process for the whole session."""
    mock = MockProvider()
    yield mock
    mock.close()


@pytest.fixture
def mock(mock_provider: MockProvider) -> MockProvider:
    """The session's mock provider with no scripts, and counts, logs and the flap clock reset."""
    mock_provider.clear_faults()
    mock_provider.reset()
    return mock_provider
