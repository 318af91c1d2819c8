"""Replays tests/fixtures/sse/conformance.json through SseParser under every chunking."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from conftest import chunks, load_json
from genie_core import LimitExceededError, SseEvent, SseParser

SUITE = load_json("sse/conformance.json")


def _input(case: Dict[str, Any]) -> bytes:
    if "input_hex" in case:
        return bytes.fromhex(case["input_hex"])
    return case["input"].encode("utf-8")


def _replay(case: Dict[str, Any], chunking: Dict[str, Any]) -> Dict[str, Any]:
    parser = SseParser(**case.get("options", {}))
    events: List[SseEvent] = []
    errors = 0
    for chunk in chunks(_input(case), chunking):
        try:
            events.extend(parser.feed(chunk))
        except LimitExceededError as e:
            errors += 1
            events.extend(e.events)
    parser.finish()
    assert all(isinstance(e, SseEvent) for e in events)
    return {
        "events": [{"event": e.event, "data": e.data, "id": e.id} for e in events],
        "last_event_id": parser.last_event_id,
        "retry_ms": parser.retry_ms,
        "errors": errors,
    }


def test_fixture_has_cases_and_chunkings() -> None:
    assert len(SUITE["cases"]) >= 20
    names = {c["name"] for c in SUITE["chunkings"]}
    assert {"whole", "bytes", "crlf"} <= names


@pytest.mark.parametrize("chunking", SUITE["chunkings"], ids=lambda c: c["name"])
@pytest.mark.parametrize("case", SUITE["cases"], ids=lambda c: c["name"])
def test_conformance(case: Dict[str, Any], chunking: Dict[str, Any]) -> None:
    assert _replay(case, chunking) == case["expect"]
