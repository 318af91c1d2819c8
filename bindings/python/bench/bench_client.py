"""Benchmark: genie_core.Client through Python against what a Python app uses instead, on the
same mock provider stream (the issue's "Evidence").

1. **Events/s**: the whole streamed answer consumed, one call after another on one pooled
   connection: ``Client.stream_sync`` against ``httpx.Client`` + ``httpx_sse.connect_sse`` +
   ``json.loads``, and ``Client.stream`` against ``httpx.AsyncClient`` + ``aconnect_sse``.
   Target: >= 3x the deltas/s of httpx + httpx-sse. The mock's answer is fixed at ten deltas
   (it has no option for a longer one), so this is answers/s x 10: per-answer cost, request
   and response included, not the throughput of one long stream. genie may deliver several
   deltas in one ``text`` event (those of one network read); both sides are counted in the
   provider's deltas, and both are checked to have received the whole answer.
2. **Per-call cost** on one thread, p50 and p99: a non-streaming call (``complete_sync`` on a
   model configured ``"stream": false``) and a streaming call (``stream_sync`` read to
   ``done``), against a raw-socket floor: a minimal Python client that sends the very request
   genie sent (method, path, headers, body as recorded by the mock) on a kept-alive socket and
   reads the whole response (``Content-Length`` or chunked), parsing nothing. Target: <= 0.1 ms
   added per call. A third row, ``complete_sync`` on the streaming model, runs the same
   streaming call without surfacing its events to Python: the difference to ``stream_sync`` is
   what the Python events cost, the rest is the Rust client and its runtime. Two more rows
   time ``await client.complete(...)`` inside one event loop against the same blocking floor:
   what they add includes the loop's own hops.
3. **What a call costs the process**, over the same calls: CPU time (``getrusage``: the
   Python thread and genie's worker thread) and voluntary context switches per call, genie
   against the floor. Unix only (``resource``).

Both sides run in this process against one ``genie-mock-provider`` (OpenAI Chat Completions
wire format), alternating in rounds so machine noise hits both alike. Run (from the
repository root, with the wheel installed)::

    cargo build --release -p genie-mock-provider
    pip install "httpx>=0.28,<1" "httpx-sse>=0.4,<1"
    python bindings/python/bench/bench_client.py [--calls 2000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import httpx
import httpx_sse

from genie_core import Client, __version__

ROOT = Path(__file__).resolve().parents[3]
DELTAS = 10  # the mock's canonical answer
TEXT = (
    "Genie streams this canonical answer so every test can compare it exactly: naïve café "
    "résumé, 東京 and Zürich, emoji 🚀 included. Resilient clients reconnect once, fall back "
    "to a non-stream call and never report a truncated answer as complete."
)
REQUEST = {"messages": [{"role": "user", "content": "Say the canonical answer."}]}


class Mock:
    def __init__(self) -> None:
        binary = os.environ.get("GENIE_MOCK_PROVIDER",
                                str(ROOT / "target" / "release" / "genie-mock-provider"))
        self.process = subprocess.Popen([binary, "--exit-on-stdin-eof"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.port = int(self.process.stdout.readline().strip().removeprefix("PORT="))
        self.base_url = f"http://127.0.0.1:{self.port}"

    def last_request(self, model: str) -> Dict[str, Any]:
        url = f"{self.base_url}/_mock/last_request?model={model}"
        with urllib.request.urlopen(url) as response:
            return dict(json.loads(response.read()))

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


# --- 1. events/s ---------------------------------------------------------------------------

def genie_sync(client: Client) -> Callable[[], int]:
    request = {"model": "stream", **REQUEST}

    def answer() -> int:
        text = []
        for event in client.stream_sync(request):
            if event.type == "text":
                text.append(event.text)
        assert "".join(text) == TEXT  # type: ignore[arg-type]
        return DELTAS
    return answer


def httpx_sync(http: httpx.Client, url: str) -> Callable[[], int]:
    body = {"model": "stream", "stream": True, "stream_options": {"include_usage": True},
            **REQUEST}

    def answer() -> int:
        deltas = []
        with httpx_sse.connect_sse(http, "POST", url, json=body) as source:
            for sse in source.iter_sse():
                if sse.data == "[DONE]":
                    break
                chunk = json.loads(sse.data)
                if chunk["choices"] and chunk["choices"][0]["delta"].get("content"):
                    deltas.append(chunk["choices"][0]["delta"]["content"])
        assert "".join(deltas) == TEXT and len(deltas) == DELTAS
        return len(deltas)
    return answer


async def genie_async(client: Client, n: int) -> float:
    request = {"model": "stream", **REQUEST}
    start = time.perf_counter()
    for _ in range(n):
        text = []
        async for event in client.stream(request):
            if event.type == "text":
                text.append(event.text)
        assert "".join(text) == TEXT  # type: ignore[arg-type]
    return time.perf_counter() - start


async def httpx_async(url: str, n: int) -> float:
    body = {"model": "stream", "stream": True, "stream_options": {"include_usage": True},
            **REQUEST}
    async with httpx.AsyncClient() as http:
        start = time.perf_counter()
        for _ in range(n):
            deltas = []
            async with httpx_sse.aconnect_sse(http, "POST", url, json=body) as source:
                async for sse in source.aiter_sse():
                    if sse.data == "[DONE]":
                        break
                    chunk = json.loads(sse.data)
                    if chunk["choices"] and chunk["choices"][0]["delta"].get("content"):
                        deltas.append(chunk["choices"][0]["delta"]["content"])
            assert "".join(deltas) == TEXT
        return time.perf_counter() - start


def timed(call: Callable[[], int], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        call()
    return time.perf_counter() - start


# --- 2. per-call cost over a raw-socket floor ------------------------------------------------

class RawHttp:
    """Sends one recorded request again and again on a kept-alive socket, reading each whole
    response without parsing it beyond its framing."""

    def __init__(self, port: int, recorded: Dict[str, Any]) -> None:
        body = json.dumps(recorded["body"], separators=(",", ":")).encode()
        skip = {"content-length", "host", "connection"}
        headers = "".join(f"{k}: {v}\r\n" for k, v in recorded["headers"] if k not in skip)
        self.request = (f"{recorded['method']} {recorded['path']} HTTP/1.1\r\n"
                        f"host: 127.0.0.1:{port}\r\n{headers}content-length: {len(body)}\r\n"
                        "\r\n").encode() + body
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.file = self.sock.makefile("rb")

    def call(self) -> int:
        self.sock.sendall(self.request)
        read = self.file.readline
        status = read()
        length, chunked = -1, False
        while True:
            line = read()
            if line == b"\r\n":
                break
            name, _, value = line.partition(b":")
            name = name.lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
        if chunked:
            total = 0
            while True:
                size = int(read().split(b";")[0], 16)
                total += len(self.file.read(size + 2)) - 2
                if size == 0:
                    return total
        assert status.startswith(b"HTTP/1.1 200") and length >= 0, status
        return len(self.file.read(length))

    def close(self) -> None:
        self.file.close()
        self.sock.close()


def latencies(call: Callable[[], Any], n: int) -> List[float]:
    out = []
    clock = time.perf_counter
    for _ in range(n):
        start = clock()
        call()
        out.append((clock() - start) * 1e3)
    return out


def pct(values: List[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


# --- main ------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000, help="calls per measurement")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (best kept)")
    args = parser.parse_args()

    mock = Mock()
    config = {
        "providers": {"openai": {"kind": "openai", "base_url": mock.base_url}},
        "models": {"stream": {"provider": "openai"},
                   "plain": {"provider": "openai", "stream": False}},
    }
    client = Client(config)
    url = f"{mock.base_url}/v1/chat/completions"
    http = httpx.Client()
    n = args.calls

    # Warm-up: connections, caches, the runtime's threads.
    ours_sync, theirs_sync = genie_sync(client), httpx_sync(http, url)
    timed(ours_sync, 200), timed(theirs_sync, 200)
    asyncio.run(genie_async(client, 200)), asyncio.run(httpx_async(url, 200))

    best: Dict[str, float] = {}
    for _ in range(args.rounds):
        for name, seconds in [
            ("genie stream_sync", timed(ours_sync, n)),
            ("httpx + httpx-sse (sync)", timed(theirs_sync, n)),
            ("genie stream (asyncio)", asyncio.run(genie_async(client, n))),
            ("httpx + httpx-sse (asyncio)", asyncio.run(httpx_async(url, n))),
        ]:
            best[name] = min(best.get(name, float("inf")), seconds)

    print(f"genie-core {__version__}, Python {sys.version.split()[0]}, httpx {httpx.__version__}; "
          f"{n} calls x {args.rounds} rounds (best), {DELTAS} deltas per answer")
    print("\n1. Streamed answers, consumed whole (OpenAI wire format, one pooled connection)")
    print(f"{'':30} {'answers/s':>10} {'deltas/s':>10} {'us/answer':>10} {'vs httpx':>9}")
    for ours, theirs in [("genie stream_sync", "httpx + httpx-sse (sync)"),
                         ("genie stream (asyncio)", "httpx + httpx-sse (asyncio)")]:
        for name in (ours, theirs):
            rate = n / best[name]
            ratio = best[theirs] / best[name]
            print(f"{name:30} {rate:>10,.0f} {rate * DELTAS:>10,.0f} "
                  f"{best[name] / n * 1e6:>10.1f} {ratio:>8.2f}x")

    # 2. Per-call cost: the floor replays the request genie sent, as the mock recorded it.
    client.complete_sync({"model": "plain", **REQUEST})
    raw_plain = RawHttp(mock.port, mock.last_request("plain"))
    for _ in client.stream_sync({"model": "stream", **REQUEST}):
        pass
    raw_stream = RawHttp(mock.port, mock.last_request("stream"))

    def plain() -> None:
        client.complete_sync({"model": "plain", **REQUEST})

    def streamed() -> None:
        for _ in client.stream_sync({"model": "stream", **REQUEST}):
            pass

    def streamed_quietly() -> None:
        client.complete_sync({"model": "stream", **REQUEST})

    # `await client.complete()`, timed inside one event loop (the floor stays the blocking
    # socket: what the asyncio call costs on top of it includes the loop's own hops).
    loop = asyncio.new_event_loop()

    def awaited(model: str) -> Callable[[int], List[float]]:
        request = {"model": model, **REQUEST}

        async def timed_calls(n: int) -> List[float]:
            out, clock = [], time.perf_counter
            for _ in range(n):
                start = clock()
                await client.complete(request)
                out.append((clock() - start) * 1e3)
            return out
        return lambda n: loop.run_until_complete(timed_calls(n))

    def each(call: Callable[[], Any]) -> Callable[[int], List[float]]:
        return lambda n: latencies(call, n)

    cases: List[Tuple[str, Callable[[int], List[float]], Callable[[], Any]]] = [
        ("non-streaming (complete_sync)", each(plain), raw_plain.call),
        ("streaming (stream_sync to done)", each(streamed), raw_stream.call),
        ("streaming, no events (complete_sync)", each(streamed_quietly), raw_stream.call),
        ("non-streaming (await complete)", awaited("plain"), raw_plain.call),
        ("streaming, no events (await complete)", awaited("stream"), raw_stream.call),
    ]
    samples: Dict[str, List[float]] = {}
    usage: Dict[str, List[float]] = {}  # CPU seconds, voluntary context switches, calls

    def measure(key: str, timed_calls: Callable[[int], List[float]], calls: int) -> None:
        before = resource.getrusage(resource.RUSAGE_SELF)
        samples.setdefault(key, []).extend(timed_calls(calls))
        after = resource.getrusage(resource.RUSAGE_SELF)
        spent = [after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
                 after.ru_nvcsw - before.ru_nvcsw, calls]
        usage[key] = [a + b for a, b in zip(usage.get(key, [0.0, 0.0, 0.0]), spent)]

    for _, genie_calls, floor in cases:
        genie_calls(200), latencies(floor, 200)
    for _ in range(args.rounds):
        for label, genie_calls, floor in cases:
            measure(label + "/genie", genie_calls, n // args.rounds)
            measure(label + "/floor", each(floor), n // args.rounds)
    print("\n2. Whole call through Python, one thread (ms)")
    print(f"{'':37} {'genie p50':>9} {'floor p50':>9} {'added':>7}   "
          f"{'genie p99':>9} {'floor p99':>9} {'added':>7}")
    for label, _, _ in cases:
        ours_ms, floor_ms = samples[label + "/genie"], samples[label + "/floor"]
        p50 = (pct(ours_ms, 50), pct(floor_ms, 50))
        p99 = (pct(ours_ms, 99), pct(floor_ms, 99))
        print(f"{label:37} {p50[0]:>9.3f} {p50[1]:>9.3f} {p50[0] - p50[1]:>+7.3f}   "
              f"{p99[0]:>9.3f} {p99[1]:>9.3f} {p99[0] - p99[1]:>+7.3f}")

    print("\n3. What a call costs this process: CPU (the Python thread and genie's worker) and "
          "sleeps (voluntary context switches), per call")
    print(f"{'':37} {'genie CPU':>9} {'floor CPU':>9} {'added':>7}   "
          f"{'genie sleeps':>12} {'floor sleeps':>12}")
    for label, _, _ in cases:
        (ours_cpu, ours_sleeps, calls), (floor_cpu, floor_sleeps, _) = (
            usage[label + "/genie"], usage[label + "/floor"])
        print(f"{label:37} {ours_cpu / calls * 1e6:>7.1f}us {floor_cpu / calls * 1e6:>7.1f}us "
              f"{(ours_cpu - floor_cpu) / calls * 1e6:>+6.1f}   "
              f"{ours_sleeps / calls:>12.2f} {floor_sleeps / calls:>12.2f}")

    loop.close()
    raw_plain.close()
    raw_stream.close()
    http.close()
    mock.close()


if __name__ == "__main__":
    main()
