"""The value classes: exact reprs, equality, hashing, immutability, module names, pickling."""

from __future__ import annotations

import copy
import pickle

import pytest

import genie_core
from genie_core import SseEvent, SseParser, StreamDecoder, StreamEvent, StreamSummary, Usage

OPENAI = (
    b'data: {"choices":[{"delta":{"content":"it\'s \\"ok\\""}}]}\n\n'
    b'data: {"choices":[{"delta":{},"finish_reason":"length"}]}\n\n'
    b'data: {"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,'
    b'"prompt_tokens_details":{"cached_tokens":4}}}\n\n'
    b'data: {"error":{"message":"busy","type":"server_error","code":null}}\n\n'
    b"data: {nope\n\n"
)


def decode_openai() -> "list[StreamEvent]":
    return StreamDecoder("openai").feed(OPENAI)


def test_sse_event_repr_eq_hash() -> None:
    a = SseParser().feed(b"id: 7\nevent: ping\ndata: it's\ndata: \"two\"\n\n")[0]
    assert repr(a) == "SseEvent(event='ping', data='it\\'s\\n\"two\"', id='7')"
    b = SseParser().feed(b"event: ping\nid: 7\ndata: it's\ndata: \"two\"\n\n")[0]
    assert a == b and not (a != b) and hash(a) == hash(b) and len({a, b}) == 1
    c = SseParser().feed(b"id: 8\nevent: ping\ndata: it's\ndata: \"two\"\n\n")[0]
    assert a != c
    assert a != ("ping", "it's\n\"two\"", "7")
    assert repr(SseParser().feed(b"data\n\n")[0]) == "SseEvent(event='message', data='', id='')"


def test_stream_event_repr_shows_only_relevant_fields() -> None:
    text, finish, usage, error, malformed = decode_openai()
    assert repr(text) == "StreamEvent(type='text', text='it\\'s \"ok\"')"
    assert repr(finish) == "StreamEvent(type='finish', finish_reason='length', raw_finish_reason='length')"
    assert repr(usage) == (
        "StreamEvent(type='usage', usage=Usage(input_tokens=9, output_tokens=2, total_tokens=11, "
        "cached_tokens=4, reasoning_tokens=None))"
    )
    assert repr(error) == (
        "StreamEvent(type='error', error=ProviderError(kind='overloaded', message='busy', "
        "code='server_error'))"
    )
    assert repr(malformed).startswith("StreamEvent(type='malformed', message='")
    assert repr(malformed).endswith(", payload='{nope')")


def test_stream_event_equality() -> None:
    first, second = decode_openai(), decode_openai()
    assert first == second
    for i, a in enumerate(first):
        for j, b in enumerate(second):
            assert (a == b) == (i == j)
    assert first[0] != "text"
    assert first[2].usage == second[2].usage and hash(first[2].usage) == hash(second[2].usage)
    assert first[3].error == second[3].error


def test_summary_repr_and_equality() -> None:
    decoder = StreamDecoder("openai")
    decoder.feed(OPENAI)
    summary = decoder.finish()
    assert repr(summary) == (
        "StreamSummary(provider='openai', text='it\\'s \"ok\"', usage=Usage(input_tokens=9, "
        "output_tokens=2, total_tokens=11, cached_tokens=4, reasoning_tokens=None), "
        "finish_reason='length', raw_finish_reason='length', complete=False, "
        "error=ProviderError(kind='overloaded', message='busy', code='server_error'), "
        "malformed_events=1, keepalives=0)"
    )
    decoder.feed(OPENAI)
    assert decoder.finish() == summary
    decoder.feed(OPENAI + b"data: [DONE]\n\n")
    assert decoder.finish() != summary
    empty = StreamDecoder("anthropic").finish()
    assert isinstance(empty, StreamSummary) and empty.usage == StreamDecoder("gemini").finish().usage
    assert empty.error is None and empty.finish_reason is None and not empty.complete


@pytest.mark.parametrize("value", [
    lambda: SseParser().feed(b"data: x\n\n")[0],
    lambda: decode_openai()[0],
    lambda: decode_openai()[2].usage,
    lambda: decode_openai()[3].error,
    lambda: StreamDecoder("openai").finish(),
], ids=["SseEvent", "StreamEvent", "Usage", "ProviderError", "StreamSummary"])
def test_values_are_frozen(value) -> None:  # type: ignore[no-untyped-def]
    obj = value()
    for name in ("data", "text", "input_tokens", "message", "provider", "other"):
        with pytest.raises(AttributeError):
            setattr(obj, name, "changed")


def test_classes_live_in_genie_core() -> None:
    for name in ("SseParser", "SseEvent", "StreamDecoder", "StreamEvent", "Usage",
                 "ProviderError", "StreamSummary"):
        cls = getattr(genie_core, name)
        assert cls.__module__ == "genie_core" and cls.__qualname__ == name
        assert repr(cls) == f"<class 'genie_core.{name}'>"


def test_decoder_state_properties() -> None:
    decoder = StreamDecoder("anthropic", max_line_bytes=1024, max_event_bytes=4096)
    assert decoder.provider == "anthropic" and decoder.complete is False
    decoder.feed(b'event: message_stop\ndata: {"type":"message_stop"}\n\n')
    assert decoder.complete is True
    assert decoder.finish().complete is True
    assert decoder.complete is False, "finish() starts a new stream"


def test_parser_state_properties() -> None:
    parser = SseParser()
    assert (parser.last_event_id, parser.retry_ms) == ("", None)
    parser.feed(b"retry: 2500\nid: 42\ndata: x\n\nid: 43\ndata: unfinished")
    parser.finish()
    assert (parser.last_event_id, parser.retry_ms) == ("42", 2500)


def test_values_pickle_and_copy() -> None:
    decoder = StreamDecoder("openai")
    events = decoder.feed(OPENAI)
    summary = decoder.finish()
    sse = SseParser().feed(b"id: 1\nevent: e\ndata: d\n\n")[0]
    values = [*events, summary, summary.usage, summary.error, sse]
    assert {type(v).__name__ for v in values} == {
        "StreamEvent", "StreamSummary", "Usage", "ProviderError", "SseEvent"}
    for value in values:
        for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
            again = pickle.loads(pickle.dumps(value, protocol))
            assert type(again) is type(value) and again == value and repr(again) == repr(value)
        assert copy.copy(value) == value and copy.deepcopy(value) == value


def test_limit_exceeded_with_events_pickles() -> None:
    with pytest.raises(genie_core.LimitExceededError) as info:
        StreamDecoder("openai", max_line_bytes=64).feed(
            OPENAI[:56] + b"\n\ndata: " + b"x" * 100 + b"\n\n")
    err = info.value
    assert len(err.events) == 1
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is genie_core.LimitExceededError
    assert (again.message, again.events) == (err.message, err.events)


@pytest.mark.parametrize("state", [
    ("StreamEvent", ("nope", None, None, None, None, None, None, None)),
    ("StreamEvent", ("text", None, None, None, None, None, None, None)),
    ("StreamEvent", ("finish", None, None, "stopped", "x", None, None, None)),
    ("Usage", (1,)),
    ("ProviderError", ("angry", "m", None)),
    ("StreamSummary", ("gpt", "", None, None, None, False, None, 0, 0)),
    ("Nope", ()),
])
def test_unpickling_bad_state_is_invalid_argument(state: "tuple[str, tuple[object, ...]]") -> None:
    from genie_core._genie_core import _unpickle

    with pytest.raises(genie_core.InvalidArgumentError):
        _unpickle(*state)
