"""Replays tests/fixtures/providers/cases.json through StreamDecoder under every chunking."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

import canonical
from conftest import FIXTURES, chunks, load_json
from genie_core import LimitExceededError, StreamDecoder, StreamEvent

SUITE = load_json("providers/cases.json")
PROVIDERS = ("gemini", "openai", "openai-responses", "anthropic")


def _expected_event(expected: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in expected.items() if not (expected["type"] == "malformed" and k == "message")}


def test_fixture_covers_every_provider() -> None:
    assert {c["provider"] for c in SUITE["cases"]} == set(PROVIDERS)
    assert len(SUITE["cases"]) >= 2


@pytest.mark.parametrize("chunking", SUITE["chunkings"], ids=lambda c: c["name"])
@pytest.mark.parametrize("case", SUITE["cases"], ids=lambda c: c["name"])
def test_case(case: Dict[str, Any], chunking: Dict[str, Any]) -> None:
    data = (FIXTURES / "providers" / case["file"]).read_bytes()
    decoder = StreamDecoder(case["provider"], **case.get("options", {}))
    assert decoder.provider == case["provider"]
    events: List[StreamEvent] = []
    errors = 0
    for chunk in chunks(data, chunking):
        try:
            events.extend(decoder.feed(chunk))
        except LimitExceededError as e:
            errors += 1
            events.extend(e.events)
    assert errors == case["expect"].get("errors", 0)
    for ev in events:
        for name in canonical.FIELDS:
            if name not in canonical.RELEVANT[ev.type]:
                assert getattr(ev, name) is None, f"{ev!r}.{name} should be None"
    expect = case["expect"]
    assert [canonical.event(e) for e in events] == [_expected_event(e) for e in expect["events"]]
    assert decoder.complete == expect["summary"]["complete"]
    summary = decoder.finish()
    assert canonical.summary(summary) == expect["summary"]
    # finish() readied the decoder for another stream: a replay gives the same again.
    events_again: List[StreamEvent] = []
    for chunk in chunks(data, chunking):
        try:
            events_again.extend(decoder.feed(chunk))
        except LimitExceededError as e:
            events_again.extend(e.events)
    assert events_again == events
    assert decoder.finish() == summary
