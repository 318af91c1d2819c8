"""Decodes a recorded provider stream the way a server reads one off the network: in 2 KiB
chunks. Prints the answer's text, its usage, and whether it is complete or truncated.

    python examples/python/decode_stream.py [PROVIDER FILE]
    python examples/python/decode_stream.py anthropic tests/fixtures/providers/anthropic-interrupted.sse

Needs the genie-core wheel (``bindings/python/ci.sh`` builds and installs it). An incomplete
stream is reported, not an error: the exit status is non-zero only when the arguments or the
file are unusable.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

from genie_core import GenieError, LimitExceededError, StreamDecoder

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PROVIDER = "openai"
DEFAULT_FILE = ROOT / "tests" / "fixtures" / "providers" / "openai-complete.sse"
CHUNK = 2048


def count(n: Optional[int]) -> str:
    return "-" if n is None else str(n)


def run(provider: str, path: Path) -> None:
    decoder = StreamDecoder(provider)
    data = path.read_bytes()
    skipped: List[str] = []
    for start in range(0, len(data), CHUNK):
        try:
            events = decoder.feed(data[start : start + CHUNK])
        except LimitExceededError as error:
            print(f"warning: {error}", file=sys.stderr)
            events = error.events  # nothing else in the chunk is lost
        skipped.extend(ev.message for ev in events if ev.type == "malformed" and ev.message)
    summary = decoder.finish()
    usage = summary.usage
    print(f"provider:  {summary.provider}")
    print(f"text:      {summary.text}")
    print(
        f"usage:     input {count(usage.input_tokens)} · output {count(usage.output_tokens)} · "
        f"total {count(usage.total_tokens)} · cached {count(usage.cached_tokens)} · "
        f"reasoning {count(usage.reasoning_tokens)}"
    )
    finish = f"{summary.finish_reason} ({summary.raw_finish_reason})" if summary.finish_reason else "none"
    print(f"finish:    {finish}")
    if summary.error is not None:
        print(f"error:     {summary.error.kind} — {summary.error.message}")
    complete = "yes" if summary.complete else (
        "NO — the stream ended before the provider's end marker; the answer may be truncated"
    )
    print(f"complete:  {complete}")
    print(f"skipped:   {summary.malformed_events} malformed event(s); {summary.keepalives} keep-alive(s)")
    for message in skipped:
        print(f"           {message}")


def main(argv: List[str]) -> int:
    if not argv:
        provider, path = DEFAULT_PROVIDER, DEFAULT_FILE
    elif len(argv) == 2:
        provider, path = argv[0], Path(argv[1])
    else:
        print("usage: decode_stream.py [PROVIDER FILE]", file=sys.stderr)
        return 2
    try:
        run(provider, path)
    except (GenieError, OSError) as error:
        print(f"decode_stream: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
