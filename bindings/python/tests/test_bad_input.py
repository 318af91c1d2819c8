"""Bad input: wrong argument types, odd bytes, hostile sizes. Never a crash, a hang or
unbounded memory; always a typed, explanatory error."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
import time
from typing import Any, Callable, List

import pytest

from genie_core import (
    InvalidArgumentError,
    LimitExceededError,
    SseParser,
    StreamDecoder,
)

PROVIDERS = ("gemini", "openai", "openai-responses", "anthropic")
FEEDERS: List[Callable[[], Any]] = [SseParser] + [
    (lambda p=p: StreamDecoder(p)) for p in PROVIDERS  # type: ignore[misc]
]
FEEDER_IDS = ["sse"] + list(PROVIDERS)


@pytest.mark.parametrize("make", FEEDERS, ids=FEEDER_IDS)
@pytest.mark.parametrize(
    "bad, type_name",
    [("data: x\n\n", "str"), (None, "NoneType"), (7, "int"), (1.5, "float"),
     ([100, 97], "list"), ({}, "dict"), (object(), "object")],
    ids=lambda v: type(v).__name__,
)
def test_wrong_data_type_is_invalid_argument(make: Callable[[], Any], bad: Any, type_name: Any) -> None:
    feeder = make()
    with pytest.raises(InvalidArgumentError) as info:
        feeder.feed(bad)
    message = str(info.value)
    assert f"got {type_name}" in message
    assert "expected bytes, bytearray or memoryview" in message
    assert isinstance(info.value, TypeError)
    # The failed call changed nothing.
    assert feeder.feed(b"") == []


def test_str_error_suggests_encoding() -> None:
    with pytest.raises(InvalidArgumentError, match=r"encode"):
        SseParser().feed("data: x\n\n")  # type: ignore[arg-type]


def test_bytes_like_types_are_accepted() -> None:
    stream = b"id: 1\ndata: \xc3\xa9t\xc3\xa9\n\n"
    expected = SseParser().feed(stream)
    assert [(e.data, e.id) for e in expected] == [("\u00e9t\u00e9", "1")]

    class MyBytes(bytes):
        pass

    for data in (bytearray(stream), memoryview(stream), memoryview(bytearray(stream)), MyBytes(stream)):
        assert SseParser().feed(data) == expected
    padded = b"xx" + stream + b"yy"
    assert SseParser().feed(memoryview(padded)[2:-2]) == expected
    assert SseParser().feed(memoryview(b"d-a-t-a-:-x-\n-\n")[::2]) == SseParser().feed(b"data:x\n\n")


def test_released_memoryview_is_invalid_argument() -> None:
    view = memoryview(b"data: x\n\n")
    view.release()
    with pytest.raises(InvalidArgumentError, match="memoryview"):
        SseParser().feed(view)


def test_bytearray_is_copied_not_borrowed() -> None:
    data = bytearray(b"data: abc")
    parser = SseParser()
    assert parser.feed(data) == []
    data[:] = b"XXXXXXXXX"
    assert [e.data for e in parser.feed(b"\n\n")] == ["abc"]


def test_invalid_utf8_decodes_to_replacement_characters() -> None:
    events = SseParser().feed(b"event: \xff\ndata: a\xc3\x28b\xe2\x82\nid: \xf0\x9f\n\n")
    assert [(e.event, e.data, e.id) for e in events] == [("\ufffd", "a\ufffd(b\ufffd", "\ufffd")]
    decoder = StreamDecoder("openai")
    events = decoder.feed(b'data: {"choices":[{"delta":{"content":"ok \xff!"}}]}\n\n')
    assert [e.text for e in events] == ["ok \ufffd!"]


def test_multibyte_character_split_across_chunks() -> None:
    parser = SseParser()
    data = "data: \U0001F469\u200d\U0001F467 caf\u00e9\n\n".encode()
    events = [e for i in range(len(data)) for e in parser.feed(data[i : i + 1])]
    assert [e.data for e in events] == ["\U0001F469\u200d\U0001F467 caf\u00e9"]


def test_nul_bytes_are_data_and_poison_an_id() -> None:
    events = SseParser().feed(b"id: 9\ndata: a\x00b\n\nid: x\x00y\ndata: c\n\n")
    assert [(e.data, e.id) for e in events] == [("a\x00b", "9"), ("c", "9")]
    events = StreamDecoder("openai").feed(b"data: \x00\n\n")
    assert [(e.type, e.payload) for e in events] == [("malformed", "\x00")]


@pytest.mark.parametrize("make", FEEDERS, ids=FEEDER_IDS)
def test_a_stream_of_only_crs(make: Callable[[], Any]) -> None:
    feeder = make()
    start = time.perf_counter()
    assert feeder.feed(b"\r" * 2_000_000) == []
    for _ in range(20_000):
        assert feeder.feed(b"\r") == []
    assert time.perf_counter() - start < 10
    summary = feeder.finish()
    if isinstance(feeder, StreamDecoder):
        assert (summary.text, summary.complete, summary.keepalives) == ("", False, 0)


@pytest.mark.parametrize("make", FEEDERS, ids=FEEDER_IDS)
def test_random_binary_never_crashes(make: Callable[[], Any]) -> None:
    rng = random.Random(20240229)
    alphabet = [b"data:", b"data: ", b"event: ", b"id: ", b"retry: 5", b":", b"\r", b"\n", b"\r\n",
                b"{", b"}", b'"', b"[DONE]", b"\xff", b"\x00", b"\xef\xbb\xbf", b"choices",
                b"candidates", b"content_block_delta", b"response.output_text.delta"]
    for round_ in range(200):
        feeder = make()
        for _ in range(rng.randrange(1, 30)):
            if round_ % 2:
                chunk = rng.randbytes(rng.randrange(0, 300)) if hasattr(rng, "randbytes") else bytes(
                    rng.randrange(256) for _ in range(rng.randrange(0, 300)))
            else:
                chunk = b"".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
            for event in feeder.feed(chunk):
                assert repr(event)
        feeder.finish()


@pytest.mark.parametrize("make", FEEDERS, ids=FEEDER_IDS)
def test_random_binary_with_tiny_limits(make: Callable[[], Any]) -> None:
    rng = random.Random(7)
    feeder = make()
    limited = type(feeder)(*( [] if isinstance(feeder, SseParser) else [feeder.provider]),
                           max_line_bytes=8, max_event_bytes=16)
    for _ in range(2_000):
        chunk = bytes(rng.choice(b"data: x\r\n:{}") for _ in range(rng.randrange(0, 64)))
        try:
            limited.feed(chunk)
        except LimitExceededError as e:
            assert isinstance(e.events, list)
    limited.finish()


@pytest.mark.parametrize("name", ["max_line_bytes", "max_event_bytes"])
@pytest.mark.parametrize("value, fragment", [
    (0, "must be > 0"), (-1, "must be > 0"), (-(2**70), "must be > 0"),
    (2**70, "too large"), (True, "got bool"), (1.5, "got float"), ("16", "got str"),
])
def test_bad_limits_are_invalid_argument(name: str, value: Any, fragment: str) -> None:
    for make in (lambda: SseParser(**{name: value}), lambda: StreamDecoder("openai", **{name: value})):
        with pytest.raises(InvalidArgumentError) as info:
            make()
        assert str(info.value).startswith(f"INVALID_ARGUMENT: {name}: ")
        assert fragment in str(info.value)


def test_none_limits_mean_the_defaults() -> None:
    line = b"data: " + b"x" * (15 << 20) + b"\n\n"  # under the 16 MiB default line limit
    assert len(SseParser(None, None).feed(line)[0].data) == 15 << 20
    assert SseParser(max_line_bytes=1 << 20).feed(b"data: ok\n\n")[0].data == "ok"


def test_unknown_provider_lists_the_valid_names() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        StreamDecoder("gpt-4o")
    message = str(info.value)
    assert "gpt-4o" in message
    for name in PROVIDERS:
        assert f'"{name}"' in message
    for bad in (None, 3, b"openai"):
        with pytest.raises(InvalidArgumentError, match="provider: expected str"):
            StreamDecoder(bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        StreamDecoder("\udc80")


MEMORY_PROBE = textwrap.dedent(
    """
    import sys
    from genie_core import LimitExceededError, SseParser, StreamDecoder

    def peak_kib():
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])

    make = SseParser if sys.argv[1] == "sse" else (lambda: StreamDecoder(sys.argv[1]))
    feeder = make()
    mib = b"x" * (1 << 20)
    feeder.feed(b"data: ok\\n\\n")
    before = peak_kib()
    errors = 0
    events = []
    for chunk in [b"data: "] + [mib] * 100 + [b"\\n\\ndata: after\\n\\n"]:
        try:
            events.extend(feeder.feed(chunk))
        except LimitExceededError as e:
            errors += 1
            events.extend(e.events)
    print(errors, len(events), peak_kib() - before)
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
@pytest.mark.parametrize("kind", ["sse", "openai"])
def test_a_100_mb_line_is_dropped_with_bounded_memory(kind: str) -> None:
    # A fresh process, so the high-water mark is not an earlier test's.
    out = subprocess.run([sys.executable, "-c", MEMORY_PROBE, kind], check=True,
                         capture_output=True, text=True, timeout=120).stdout.split()
    errors, events, grew_kib = (int(x) for x in out)
    assert errors == 1
    assert events == 1  # "after" (the decoder reports it as malformed JSON: still one event)
    # The parser holds at most max_line_bytes (16 MiB) of the line before dropping it.
    assert grew_kib < 48 * 1024, f"peak memory grew by {grew_kib} KiB for a 100 MiB line"
