"""The client's control surface over real sockets: cancellation (an asyncio task cancelled, a
sync loop left, ``close()`` from another thread) aborts the HTTP request at once; Ctrl-C
interrupts ``stream_sync`` and ``complete_sync`` promptly; waits release the GIL; one client
serves 100 concurrent asyncio streams and many threads; a stream is read by one reader at a
time.

Cancellation is observed from the server side: :class:`HangingServer` answers a streaming
request with its headers and one text delta, then sends nothing, and records when the client
closes the connection.
"""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Iterator, List, Optional

import pytest

from calls import Run, run_async, run_sync
from genie_core import CallEvent, CancelledError, Client, InvalidArgumentError
from mockprovider import CANONICAL_TEXT, STALL_MS, MockProvider, client_config, request

PROMPT_MS = 200
"""How soon a cancellation must reach the socket, or Ctrl-C the caller."""

CHUNK = b'data: {"choices":[{"delta":{"content":"Hi"}}]}\n\n'


class HangingServer:
    """Serves one OpenAI-style streaming request: headers and one delta, then silence."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.answering = threading.Event()
        self.closed = threading.Event()
        self.closed_at: Optional[float] = None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, body = data.split(b"\r\n\r\n", 1)
            length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            while len(body) < length:
                body += conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                         b"transfer-encoding: chunked\r\n\r\n"
                         + f"{len(CHUNK):x}\r\n".encode() + CHUNK + b"\r\n")
            self.answering.set()
            try:
                while conn.recv(65536):
                    pass
            except OSError:
                pass
            self.closed_at = time.perf_counter()
            self.closed.set()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def hanging() -> Any:
    server = HangingServer()
    yield server
    server.close()


@pytest.fixture
def ctrl_c() -> Iterator[None]:
    """Python turns SIGINT into ``KeyboardInterrupt`` only if SIGINT was not ignored when it
    started, and a job a non-interactive shell starts in the background inherits it ignored:
    install the handler an interactive run has, as the Ctrl-C tests assume."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def hanging_client(server: HangingServer) -> Client:
    # Long limits: only the caller ends these calls.
    config = client_config(server.base_url, {"hang": "openai"},
                           timeouts={"stall_gap_ms": 30_000, "first_token_ms": 30_000,
                                     "total_ms": 60_000})
    return Client(config)


def test_cancelling_the_asyncio_task_aborts_the_http_request(hanging: HangingServer) -> None:
    c = hanging_client(hanging)

    async def main() -> float:
        stream = c.stream(request("hang"))
        seen: List[CallEvent] = []

        async def consume() -> None:
            async for event in stream:
                seen.append(event)

        task = asyncio.create_task(consume())
        while not any(e.type == "text" for e in seen):
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # the task now awaits an event that never comes
        cancelled_at = time.perf_counter()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        with pytest.raises(CancelledError, match="cancelled"):
            await stream.__anext__()
        return cancelled_at

    cancelled_at = asyncio.run(main())
    assert hanging.closed.wait(5), "the connection stayed open"
    assert hanging.closed_at is not None
    assert (hanging.closed_at - cancelled_at) * 1000 < PROMPT_MS


def test_cancelling_a_task_awaiting_complete_aborts_the_http_request(
        hanging: HangingServer) -> None:
    c = hanging_client(hanging)

    async def main() -> float:
        # `complete` gives a coroutine: `create_task` takes it, as it takes an `async def`.
        task = asyncio.create_task(c.complete(request("hang")))
        assert await asyncio.to_thread(hanging.answering.wait, 5)
        await asyncio.sleep(0.05)  # the call now waits for a delta that never comes
        cancelled_at = time.perf_counter()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return cancelled_at

    cancelled_at = asyncio.run(main())
    assert hanging.closed.wait(5), "the connection stayed open"
    assert hanging.closed_at is not None
    assert (hanging.closed_at - cancelled_at) * 1000 < PROMPT_MS


def test_a_complete_dropped_unawaited_aborts_the_http_request(hanging: HangingServer) -> None:
    c = hanging_client(hanging)

    async def main() -> float:
        pending = c.complete(request("hang"))  # the call starts at once
        assert await asyncio.to_thread(hanging.answering.wait, 5)
        dropped_at = time.perf_counter()
        del pending
        return dropped_at

    dropped_at = asyncio.run(main())
    assert hanging.closed.wait(5), "the connection stayed open"
    assert hanging.closed_at is not None
    assert (hanging.closed_at - dropped_at) * 1000 < PROMPT_MS


def test_complete_is_a_coroutine_for_gather_wait_for_and_tasks(mock: MockProvider) -> None:
    c = Client(client_config(mock.base_url, {"p": "openai"}))

    async def main() -> List[str]:
        first = c.complete(request("p"))
        assert asyncio.iscoroutine(first)
        gathered = await asyncio.gather(first, c.complete(request("p")))
        waited = await asyncio.wait_for(c.complete(request("p")), 10)
        tasked = await asyncio.create_task(c.complete(request("p")))
        return [s.text for s in [*gathered, waited, tasked]]

    assert asyncio.run(main()) == [CANONICAL_TEXT] * 4
    assert asyncio.run(c.complete(request("p"))).text == CANONICAL_TEXT
    assert mock.attempts("p") == 5


def test_a_complete_gives_its_summary_once(mock: MockProvider) -> None:
    c = Client(client_config(mock.base_url, {"p": "openai"}))

    async def main() -> None:
        pending = c.complete(request("p"))
        assert (await pending).text == CANONICAL_TEXT
        with pytest.raises(RuntimeError, match="already awaited"):
            await pending

    asyncio.run(main())


def test_a_cancelled_async_stream_stops_the_call_no_retry_follows(mock: MockProvider) -> None:
    mock.set_fault("p", "stall_after=3")  # silent forever after three deltas
    c = Client(client_config(mock.base_url, {"p": "openai"}))

    async def main() -> None:
        task = asyncio.ensure_future(run_async(c, request("p")))
        await asyncio.sleep(STALL_MS / 2000)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # A call still running would reconnect once the stall gap passed.
        await asyncio.sleep(3 * STALL_MS / 1000)

    asyncio.run(main())
    assert mock.attempts("p") == 1


def test_leaving_a_sync_loop_aborts_the_http_request(hanging: HangingServer) -> None:
    c = hanging_client(hanging)
    left_at = 0.0
    for event in c.stream_sync(request("hang")):
        if event.type == "text":
            left_at = time.perf_counter()
            break
    assert hanging.closed.wait(5), "the connection stayed open"
    assert hanging.closed_at is not None
    assert (hanging.closed_at - left_at) * 1000 < PROMPT_MS


def test_ctrl_c_during_complete_sync_aborts_the_http_request(hanging: HangingServer,
                                                            ctrl_c: None) -> None:
    # complete_sync runs its call as a task on genie's runtime: the KeyboardInterrupt must
    # abort that task, not leave it reading the answer in the background.
    c = hanging_client(hanging)
    threading.Timer(0.3, lambda: signal.raise_signal(signal.SIGINT)).start()
    with pytest.raises(KeyboardInterrupt):
        c.complete_sync(request("hang"))
    interrupted_at = time.perf_counter()
    assert hanging.closed.wait(5), "the connection stayed open"
    assert hanging.closed_at is not None
    assert (hanging.closed_at - interrupted_at) * 1000 < PROMPT_MS


def test_ctrl_c_in_a_stream_sync_loop_aborts_the_http_request(hanging: HangingServer,
                                                              ctrl_c: None) -> None:
    # stream_sync runs its call as a task on genie's runtime too: the KeyboardInterrupt leaves
    # the loop and drops the stream, which must abort that task and close the connection.
    c = hanging_client(hanging)
    seen: List[str] = []
    threading.Timer(0.3, lambda: signal.raise_signal(signal.SIGINT)).start()
    with pytest.raises(KeyboardInterrupt):
        for event in c.stream_sync(request("hang")):
            seen.append(event.type)
    interrupted_at = time.perf_counter()
    assert seen == ["started", "text"]
    assert hanging.closed.wait(5), "the connection stayed open"
    assert hanging.closed_at is not None
    assert (hanging.closed_at - interrupted_at) * 1000 < PROMPT_MS


def serve_deltas(count: int) -> str:
    """Serves one OpenAI-style streaming request on a new port: ``count`` one-word deltas, a
    millisecond apart (so each is its own network read), then the finish and ``[DONE]``.
    Returns the base URL."""
    sock = socket.create_server(("127.0.0.1", 0))

    def chunk(conn: socket.socket, payload: bytes) -> None:
        conn.sendall(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")

    def serve() -> None:
        conn, _ = sock.accept()
        with conn, sock:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                         b"transfer-encoding: chunked\r\n\r\n")
            for i in range(count):
                delta = {"choices": [{"delta": {"content": f"w{i} "}}]}
                chunk(conn, f"data: {json.dumps(delta)}\n\n".encode())
                time.sleep(0.001)
            finish = {"choices": [{"delta": {}, "finish_reason": "stop"}]}
            chunk(conn, f"data: {json.dumps(finish)}\n\ndata: [DONE]\n\n".encode())
            conn.sendall(b"0\r\n\r\n")

    threading.Thread(target=serve, daemon=True).start()
    return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_a_slow_sync_reader_gets_the_whole_answer_in_order() -> None:
    # The call reads on while the reader sleeps, until the events waiting for it fill the
    # stream's room; then it waits for the reader to take some, and goes on.
    count = 300
    config = client_config(serve_deltas(count), {"p": "openai"},
                           timeouts={"stall_gap_ms": 30_000, "first_token_ms": 30_000,
                                     "total_ms": 60_000})
    stream = Client(config).stream_sync(request("p"))
    assert next(stream).type == "started"
    time.sleep(0.5)  # the answer arrives meanwhile, one delta per network read
    events: List[CallEvent] = []
    reader = threading.Thread(target=lambda: events.extend(stream), daemon=True)
    reader.start()
    reader.join(10)
    assert not reader.is_alive(), "the call never went on after the reader made room"
    texts = [e.text for e in events if e.type == "text"]
    assert "".join(texts) == "".join(f"w{i} " for i in range(count))  # type: ignore[arg-type]
    assert events[-1].type == "done" and events[-1].summary is not None
    assert events[-1].summary.complete


def test_an_async_stream_reads_ahead_of_a_slow_reader_within_bounds() -> None:
    # The call reads on while the reader's task is busy elsewhere, so the reads that follow
    # find their events there and finish without suspending, as many as the stream holds
    # (64); then it waits for the reader to take some, and goes on.
    count = 300
    config = client_config(serve_deltas(count), {"p": "openai"},
                           timeouts={"stall_gap_ms": 30_000, "first_token_ms": 30_000,
                                     "total_ms": 60_000})

    async def main() -> List[CallEvent]:
        stream = Client(config).stream(request("p"))
        events = [await stream.__anext__()]
        await asyncio.sleep(0.5)  # the answer arrives meanwhile, one delta per network read
        for _ in range(64):
            steps = stream.__anext__().__await__()
            with pytest.raises(StopIteration) as ready:
                next(steps)  # a read that had to wait would yield a future here
            events.append(ready.value.value)
        events += [event async for event in stream]
        return events

    events = asyncio.run(asyncio.wait_for(main(), 10))
    assert events[0].type == "started"
    texts = [e.text for e in events if e.type == "text"]
    assert "".join(texts) == "".join(f"w{i} " for i in range(count))  # type: ignore[arg-type]
    assert events[-1].type == "done" and events[-1].summary is not None
    assert events[-1].summary.complete


def test_an_async_read_outlives_its_stream_object(mock: MockProvider) -> None:
    c = Client(client_config(mock.base_url, {"p": "openai"}))

    async def main() -> CallEvent:
        return await c.stream(request("p")).__anext__()

    assert asyncio.run(main()).type == "started"


def test_closing_a_coroutine_that_awaits_an_event_aborts_the_http_request(
        hanging: HangingServer) -> None:
    c = hanging_client(hanging)
    stream = c.stream(request("hang"))
    seen: List[str] = []

    async def consume() -> None:
        async for event in stream:
            seen.append(event.type)

    async def main() -> float:
        # Drives `consume` by hand, as a task would, until it waits for an event that never
        # comes; then closes it, as the garbage collector does with an abandoned coroutine.
        coro = consume()
        while True:
            future = coro.send(None)
            if seen == ["started", "text"]:
                break  # it waits for the next event
            future._asyncio_future_blocking = False  # taken over, as a task does
            await future
        await asyncio.sleep(0.05)
        closed_at = time.perf_counter()
        coro.close()
        with pytest.raises(CancelledError, match="cancelled"):
            await stream.__anext__()
        return closed_at

    closed_at = asyncio.run(main())
    assert seen == ["started", "text"]
    assert hanging.closed.wait(5), "the connection stayed open"
    assert hanging.closed_at is not None
    assert (hanging.closed_at - closed_at) * 1000 < PROMPT_MS


def test_close_from_another_thread_ends_a_waiting_read(hanging: HangingServer) -> None:
    c = hanging_client(hanging)
    stream = c.stream_sync(request("hang"))
    outcome: Dict[str, Any] = {}

    def read() -> None:
        try:
            for event in stream:
                outcome.setdefault("events", []).append(event.type)
        except CancelledError as e:
            outcome["error"] = e
            outcome["at"] = time.perf_counter()

    reader = threading.Thread(target=read)
    reader.start()
    assert hanging.answering.wait(5)
    time.sleep(0.1)
    closed_at = time.perf_counter()
    stream.close()
    reader.join(5)
    assert not reader.is_alive()
    assert outcome["events"] == ["started", "text"]
    assert "closed" in outcome["error"].message
    assert (outcome["at"] - closed_at) * 1000 < PROMPT_MS
    assert hanging.closed.wait(5)
    assert list(stream) == [], "a closed stream ends"


def test_a_stream_has_one_reader_at_a_time(hanging: HangingServer) -> None:
    c = hanging_client(hanging)

    async def main() -> None:
        stream = c.stream(request("hang"))
        assert (await stream.__anext__()).type == "started"
        assert (await stream.__anext__()).type == "text"
        pending = asyncio.ensure_future(stream.__anext__())
        await asyncio.sleep(0.05)
        with pytest.raises(InvalidArgumentError, match="one place at a time"):
            stream.__anext__()
        stream.close()
        with pytest.raises(CancelledError, match="closed"):
            await pending
        with pytest.raises(StopAsyncIteration):
            await stream.__anext__()

    asyncio.run(main())
    assert hanging.closed.wait(5)


def test_a_sync_stream_has_one_reader_at_a_time(hanging: HangingServer) -> None:
    c = hanging_client(hanging)
    stream = c.stream_sync(request("hang"))
    assert [next(stream).type, next(stream).type] == ["started", "text"]
    outcome: Dict[str, Any] = {}

    def read() -> None:
        try:
            next(stream)
        except CancelledError as e:
            outcome["error"] = e

    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(0.05)
    with pytest.raises(InvalidArgumentError, match="one place at a time"):
        next(stream)
    stream.close()
    reader.join(5)
    assert "closed" in outcome["error"].message
    with pytest.raises(StopIteration):
        next(stream)
    assert hanging.closed.wait(5)


CTRL_C = r"""
import json, os, signal, sys, threading, time
from genie_core import Client
signal.signal(signal.SIGINT, signal.default_int_handler)  # see the ctrl_c fixture
client = Client(json.loads(sys.argv[1]))
request = {"model": "slow", "messages": [{"role": "user", "content": "Hi"}]}
sent = {}
def interrupt():
    sent["at"] = time.perf_counter()
    os.kill(os.getpid(), signal.SIGINT)
out = {}
for name, call in [("stream_sync", lambda: list(client.stream_sync(request))),
                   ("complete_sync", lambda: client.complete_sync(request))]:
    timer = threading.Timer(0.3, interrupt)
    timer.start()
    try:
        call()
        out[name] = "not interrupted"
    except KeyboardInterrupt:
        out[name] = (time.perf_counter() - sent["at"]) * 1000
    timer.join()
print(json.dumps(out))
"""


def test_ctrl_c_interrupts_sync_calls_promptly(mock: MockProvider) -> None:
    config = client_config(mock.base_url, {"slow": "openai"},
                           timeouts={"first_byte_ms": 20_000, "total_ms": 30_000})
    mock.set_fault("slow", "slow_first_byte=10000")
    done = subprocess.run([sys.executable, "-c", CTRL_C, json.dumps(config)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    latency = json.loads(done.stdout)
    for name in ("stream_sync", "complete_sync"):
        assert isinstance(latency[name], float), f"{name}: {latency[name]}"
        assert latency[name] < PROMPT_MS, f"{name}: KeyboardInterrupt after {latency[name]} ms"


@pytest.mark.parametrize("call", ["stream_sync", "complete_sync"])
def test_sync_waits_release_the_gil(mock: MockProvider, call: str) -> None:
    mock.set_fault("slow", "slow_first_byte=600")
    c = Client(client_config(mock.base_url, {"slow": "openai"},
                             timeouts={"first_byte_ms": 5_000}))
    results: List[Any] = []

    def work() -> None:
        if call == "stream_sync":
            results.append(run_sync(c, request("slow")).served().text)
        else:
            results.append(c.complete_sync(request("slow")).text)

    # Timing starts before the other thread does: a wait holding the GIL from its first
    # instant would otherwise show as a late start, not as a gap.
    ticks = [time.perf_counter()]
    other = threading.Thread(target=work)
    other.start()
    while other.is_alive():
        sum(range(100))
        ticks.append(time.perf_counter())
    other.join()
    assert results == [CANONICAL_TEXT]
    assert ticks[-1] - ticks[0] >= 0.55, "the call did not wait for the slow first byte"
    longest = max(b - a for a, b in zip(ticks, ticks[1:]))
    assert longest < 0.1, f"this thread was held up for {longest * 1000:.0f} ms"


def test_one_client_serves_100_concurrent_async_streams(mock: MockProvider) -> None:
    c = Client(client_config(mock.base_url, {"p": "openai", "a": "anthropic"}))

    async def main() -> List[Run]:
        return await asyncio.gather(*(run_async(c, request("p" if i % 2 else "a", f"#{i}"))
                                      for i in range(100)))

    runs = asyncio.run(main())
    assert all(r.served().text == CANONICAL_TEXT for r in runs)
    assert mock.attempts("p") == 50 and mock.attempts("a") == 50


def test_one_client_serves_many_threads_and_loops_at_once(mock: MockProvider) -> None:
    c = Client(client_config(mock.base_url, {"p": "gemini"}))

    def sync_calls(_: int) -> List[str]:
        return [run_sync(c, request("p")).served().text for _ in range(5)]

    def async_calls(_: int) -> List[str]:
        async def main() -> List[str]:
            runs = await asyncio.gather(*(run_async(c, request("p")) for _ in range(5)))
            return [r.served().text for r in runs]
        return asyncio.run(main())

    with ThreadPoolExecutor(8) as pool:
        texts = [t for batch in pool.map(sync_calls, range(4)) for t in batch]
        texts += [t for batch in pool.map(async_calls, range(4)) for t in batch]
    assert texts == [CANONICAL_TEXT] * 40
    assert mock.attempts("p") == 40
