"""Benchmark: genie_core.StreamDecoder vs what a Python app writes by hand (httpx-sse + json).

The issue's target: decoding a provider stream to text deltas through Python with
``StreamDecoder.feed`` is at least 10x faster than httpx-sse + ``json.loads``.

Both sides decode the same bytes, generated here (a realistic OpenAI Chat Completions stream
of ~250-byte chunks ending with a usage chunk and ``[DONE]``, and an Anthropic Messages
stream), delivered in 2 KiB chunks, on the same machine in one run; each timing is the best of
``--repeat`` runs. Baselines:

- ``httpx-sse``: what an app runs: ``httpx_sse.EventSource(response).iter_sse()`` over an
  ``httpx.Response`` whose body is an iterator of the 2 KiB chunks (no network), then
  ``json.loads(sse.data)`` and the text delta out of it;
- ``httpx-sse decoders``: the stricter baseline, httpx-sse's own ``SSELineDecoder`` and
  ``SSEDecoder`` fed incrementally decoded text directly, skipping httpx's response machinery.

Ours: ``StreamDecoder(provider).feed(chunk)`` collecting ``ev.text`` of ``"text"`` events.

Run (from the repository root, with the wheel installed)::

    pip install "httpx>=0.28,<1" "httpx-sse>=0.4,<1"
    python bindings/python/bench/bench_decode.py [--mb 8] [--repeat 7]
"""

from __future__ import annotations

import argparse
import codecs
import json
import random
import sys
import time
from typing import Callable, Iterator, List, Tuple

import httpx
import httpx_sse
from httpx_sse._decoders import SSEDecoder, SSELineDecoder

from genie_core import SseParser, StreamDecoder, __version__

CHUNK = 2048
WORDS = ("the quick brown fox jumps over a lazy dog while streaming tokens from a model "
         "café naïve déjà vu 日本語 response latency budget guardrail server client").split()


def _deltas(rng: random.Random, total: int, overhead: int) -> Iterator[str]:
    made = 0
    while made < total:
        text = " " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
        made += overhead + len(text.encode())
        yield text


def openai_stream(megabytes: float) -> Tuple[bytes, str, int]:
    """An OpenAI Chat Completions stream of about ``megabytes`` MB: (body, text, events)."""
    rng = random.Random(1)
    head = {"id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG", "object": "chat.completion.chunk",
            "created": 1741570283, "model": "gpt-4o-mini-2024-07-18",
            "service_tier": "default", "system_fingerprint": "fp_06737a9306"}
    parts, texts = [], []

    def event(choices: object, **extra: object) -> None:
        payload = dict(head, choices=choices, **extra)
        parts.append(b"data: " + json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode() + b"\n\n")

    event([{"index": 0, "delta": {"role": "assistant", "content": "", "refusal": None},
            "logprobs": None, "finish_reason": None}])
    for text in _deltas(rng, int(megabytes * 1e6), 250):
        texts.append(text)
        event([{"index": 0, "delta": {"content": text}, "logprobs": None, "finish_reason": None}])
    event([{"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}])
    event([], usage={"prompt_tokens": 1200, "completion_tokens": len(texts), "total_tokens": 1200 + len(texts),
                     "prompt_tokens_details": {"cached_tokens": 1024, "audio_tokens": 0},
                     "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0}})
    parts.append(b"data: [DONE]\n\n")
    return b"".join(parts), "".join(texts), len(parts)


def anthropic_stream(megabytes: float) -> Tuple[bytes, str, int]:
    """An Anthropic Messages stream of about ``megabytes`` MB: (body, text, events)."""
    rng = random.Random(2)
    parts, texts = [], []

    def event(name: str, payload: object) -> None:
        data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        parts.append(f"event: {name}\ndata: {data}\n\n".encode())

    event("message_start", {"type": "message_start", "message": {
        "id": "msg_01XFDUDYJgAACzvnptvVoYEL", "type": "message", "role": "assistant",
        "model": "claude-sonnet-4-5", "content": [], "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": 1200, "cache_read_input_tokens": 1024, "output_tokens": 1}}})
    event("content_block_start", {"type": "content_block_start", "index": 0,
                                  "content_block": {"type": "text", "text": ""}})
    for i, text in enumerate(_deltas(rng, int(megabytes * 1e6), 130)):
        texts.append(text)
        event("content_block_delta", {"type": "content_block_delta", "index": 0,
                                      "delta": {"type": "text_delta", "text": text}})
        if i % 500 == 0:
            event("ping", {"type": "ping"})
    event("content_block_stop", {"type": "content_block_stop", "index": 0})
    event("message_delta", {"type": "message_delta",
                            "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                            "usage": {"output_tokens": len(texts)}})
    event("message_stop", {"type": "message_stop"})
    return b"".join(parts), "".join(texts), len(parts)


def chunked(body: bytes) -> List[bytes]:
    return [body[i : i + CHUNK] for i in range(0, len(body), CHUNK)]


def openai_text(data: str) -> str:
    if data == "[DONE]":
        return ""
    choices = json.loads(data).get("choices") or ()
    return (choices[0].get("delta") or {}).get("content") or "" if choices else ""


def anthropic_text(sse_event: str, data: str) -> str:
    if sse_event != "content_block_delta":
        return ""
    delta = json.loads(data)["delta"]
    return delta.get("text", "") if delta.get("type") == "text_delta" else ""


def httpx_sse_app(provider: str, chunks: List[bytes]) -> str:
    response = httpx.Response(200, headers={"content-type": "text/event-stream"}, content=iter(chunks))
    out = []
    for sse in httpx_sse.EventSource(response).iter_sse():
        out.append(openai_text(sse.data) if provider == "openai" else anthropic_text(sse.event, sse.data))
    return "".join(out)


def httpx_sse_decoders(provider: str, chunks: List[bytes]) -> str:
    utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
    lines, events, out = SSELineDecoder(), SSEDecoder(), []
    for chunk in chunks:
        for line in lines.decode(utf8.decode(chunk)):
            sse = events.decode(line)
            if sse is not None:
                out.append(openai_text(sse.data) if provider == "openai" else anthropic_text(sse.event, sse.data))
    return "".join(out)


def genie_decoder(provider: str, chunks: List[bytes]) -> str:
    decoder = StreamDecoder(provider)
    out = []
    for chunk in chunks:
        for ev in decoder.feed(chunk):
            if ev.type == "text":
                out.append(ev.text)
    if not decoder.finish().complete:
        raise AssertionError("genie: stream reported incomplete")
    return "".join(out)


def genie_sse_only(_provider: str, chunks: List[bytes]) -> str:
    parser = SseParser()
    n = 0
    for chunk in chunks:
        n += len(parser.feed(chunk))
    return str(n)


def httpx_sse_decoders_only(_provider: str, chunks: List[bytes]) -> str:
    utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
    lines, events, n = SSELineDecoder(), SSEDecoder(), 0
    for chunk in chunks:
        for line in lines.decode(utf8.decode(chunk)):
            if events.decode(line) is not None:
                n += 1
    return str(n)


def best_of(repeat: int, fn: Callable[[str, List[bytes]], str], provider: str,
            chunks: List[bytes]) -> Tuple[float, str]:
    best, result = float("inf"), ""
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(provider, chunks)
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=8.0, help="stream size in MB (default 8)")
    parser.add_argument("--repeat", type=int, default=7, help="runs per measurement, best kept")
    args = parser.parse_args()
    print(f"genie_core {__version__}, httpx {httpx.__version__}, Python {sys.version.split()[0]}; "
          f"{CHUNK}-byte chunks, best of {args.repeat}")
    worst_ratio = float("inf")
    for provider, make in (("openai", openai_stream), ("anthropic", anthropic_stream)):
        body, text, events = make(args.mb)
        chunks = chunked(body)
        mb = len(body) / 1e6
        print(f"\n{provider}: {mb:.1f} MB, {events} SSE events, {len(body) / events:.0f} bytes/event")
        timings = {}
        for name, fn, expect in (
            ("genie StreamDecoder.feed", genie_decoder, text),
            ("httpx-sse EventSource + json.loads", httpx_sse_app, text),
            ("httpx-sse decoders + json.loads", httpx_sse_decoders, text),
            ("genie SseParser.feed (SSE only)", genie_sse_only, str(events)),
            ("httpx-sse decoders (SSE only)", httpx_sse_decoders_only, str(events)),
        ):
            seconds, result = best_of(args.repeat, fn, provider, chunks)
            if result != expect:
                raise AssertionError(f"{name} decoded something else than the generator wrote")
            timings[name] = seconds
            print(f"  {name:38s} {seconds * 1e3:8.1f} ms {mb / seconds:8.1f} MB/s "
                  f"{events / seconds / 1e6:6.2f} M events/s")
        ours = timings["genie StreamDecoder.feed"]
        app = timings["httpx-sse EventSource + json.loads"] / ours
        strict = timings["httpx-sse decoders + json.loads"] / ours
        sse = timings["httpx-sse decoders (SSE only)"] / timings["genie SseParser.feed (SSE only)"]
        print(f"  speedup: {app:.1f}x vs EventSource+json, {strict:.1f}x vs decoders+json "
              f"(SSE parsing alone: {sse:.1f}x)")
        worst_ratio = min(worst_ratio, app, strict)
    verdict = "meets" if worst_ratio >= 10 else "MISSES"
    print(f"\nworst speedup {worst_ratio:.1f}x: {verdict} the >= 10x target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
