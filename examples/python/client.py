"""Streams an answer through a route whose primary model stalls mid-answer, showing what
genie's client does about it: reconnect once, ask without streaming, then fail over.

    cargo build --release -p genie-mock-provider     # the fault-injecting mock provider
    python examples/python/client.py [--async]

No API key and no network: the script starts the mock provider (``$GENIE_MOCK_PROVIDER``, else
``target/release/genie-mock-provider``), tells it that ``gemini-2.5-pro`` goes silent after three
deltas, and asks ``gemini-2.5-pro`` with ``gemini-2.5-flash`` as its fallback. It prints each
event as it arrives — text, the ``reset`` that discards a stalled partial answer, the
user-facing notices — then the summary: which model answered, whether the answer is complete,
the timings and every attempt. ``--async`` does the same with ``async for``. Needs the
genie-core wheel (``bindings/python/ci.sh`` builds and installs it).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

from genie_core import CallEvent, CallSummary, Client, GenieError

ROOT = Path(__file__).resolve().parents[2]


def start_mock() -> "subprocess.Popen[str]":
    binary = os.environ.get("GENIE_MOCK_PROVIDER",
                            str(ROOT / "target" / "release" / "genie-mock-provider"))
    if not Path(binary).is_file():
        sys.exit(f"{binary} not found: run `cargo build --release -p genie-mock-provider`")
    # Every attempt at the pro model stalls after the third delta (and a plain request stalls
    # halfway through its body); closing stdin stops the mock.
    return subprocess.Popen(
        [binary, "--exit-on-stdin-eof", "--fault", "gemini-2.5-pro=stall_after=3"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def config(base_url: str) -> Dict[str, Any]:
    return {
        "providers": {"gemini": {"kind": "gemini", "base_url": base_url}},
        "models": {
            "gemini-2.5-pro": {"provider": "gemini", "context_window": 1048576},
            "gemini-2.5-flash": {"provider": "gemini", "context_window": 1048576},
        },
        "fallbacks": {"gemini-2.5-pro": ["gemini-2.5-flash"]},
        # The runbook's 10 s stall gap, scaled down so the demo takes a second or two.
        "timeouts": {"stall_gap_ms": 400, "non_stream_ms": 800, "total_ms": 10000},
    }


REQUEST = {
    "model": "gemini-2.5-pro",
    "system": "You are terse.",
    "messages": [{"role": "user", "content": "Why do resilient clients matter?"}],
    "max_output_tokens": 256,
}


def show(event: CallEvent) -> None:
    if event.type == "started":
        print(f"\n[attempt {event.attempt}: {event.model} via {event.provider}, {event.mode}]")
    elif event.type == "text":
        print(event.text, end="", flush=True)
    elif event.type == "reset":
        print(f"\n[reset: discard the text above — {event.reason}]")
    elif event.type == "notice":
        delay = f" in {event.delay_ms} ms" if event.delay_ms is not None else ""
        print(f"\n[notice {event.kind}{delay}: {event.message}]")
    elif event.type == "usage" and event.usage is not None:
        print(f"\n[usage: {event.usage.input_tokens} in, {event.usage.output_tokens} out]")


def report(summary: CallSummary) -> None:
    print(f"\nanswered by {summary.model} ({summary.provider}), complete={summary.complete}, "
          f"finish={summary.finish_reason}")
    ttft = f"{summary.ttft_ms:.0f}" if summary.ttft_ms is not None else "-"
    print(f"first byte {summary.ttfb_ms:.0f} ms, first kept token {ttft} ms, "
          f"total {summary.total_ms:.0f} ms")
    print("attempts:")
    for a in summary.attempts:
        print(f"  {a.model:<18} {a.mode:<10} {a.outcome:<20} http={a.http_status} "
              f"{a.duration_ms} ms (waited {a.waited_ms} ms)")


async def stream_async(client: Client) -> CallSummary:
    async for event in client.stream(REQUEST):
        show(event)
        if event.type == "done" and event.summary is not None:
            return event.summary
    raise RuntimeError("the stream ended without done")


def stream_sync(client: Client) -> CallSummary:
    for event in client.stream_sync(REQUEST):
        show(event)
        if event.type == "done" and event.summary is not None:
            return event.summary
    raise RuntimeError("the stream ended without done")


def main() -> int:
    mock = start_mock()
    try:
        assert mock.stdout is not None
        port = mock.stdout.readline().strip().removeprefix("PORT=")
        client = Client(config(f"http://127.0.0.1:{port}"))
        try:
            summary = asyncio.run(stream_async(client)) if "--async" in sys.argv[1:] \
                else stream_sync(client)
        except GenieError as e:
            print(f"\nthe call failed: {e}")
            for a in e.attempts:
                print(f"  {a.model} {a.mode} {a.outcome}")
            return 1
        report(summary)
        return 0
    finally:
        if mock.stdin is not None:
            mock.stdin.close()
        mock.wait()


if __name__ == "__main__":
    sys.exit(main())
