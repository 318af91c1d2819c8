"""The canonical JSON shape of decoder output (tests/fixtures/README.md), from the objects."""

from __future__ import annotations

from typing import Any, Dict, Optional

from genie_core import ProviderError, StreamEvent, StreamSummary, Usage

# Which optional fields each event type sets; all others must be None.
RELEVANT = {
    "text": ("text",),
    "usage": ("usage",),
    "finish": ("finish_reason", "raw_finish_reason"),
    "error": ("error",),
    "malformed": ("message", "payload"),
}
FIELDS = ("text", "usage", "finish_reason", "raw_finish_reason", "error", "message", "payload")


def usage(u: Usage) -> Dict[str, Optional[int]]:
    return {
        "input_tokens": u.input_tokens,
        "output_tokens": u.output_tokens,
        "total_tokens": u.total_tokens,
        "cached_tokens": u.cached_tokens,
        "reasoning_tokens": u.reasoning_tokens,
    }


def error(e: Optional[ProviderError]) -> Optional[Dict[str, Any]]:
    if e is None:
        return None
    return {"kind": e.kind, "message": e.message, "code": e.code}


def event(ev: StreamEvent) -> Dict[str, Any]:
    """The canonical shape; a malformed event's ``message`` is left out (not compared)."""
    out: Dict[str, Any] = {"type": ev.type}
    for name in RELEVANT[ev.type]:
        if name == "message":
            continue
        value = getattr(ev, name)
        if name == "usage":
            value = usage(value)
        elif name == "error":
            value = error(value)
        out[name] = value
    return out


def summary(s: StreamSummary) -> Dict[str, Any]:
    return {
        "provider": s.provider,
        "text": s.text,
        "usage": usage(s.usage),
        "finish_reason": s.finish_reason,
        "raw_finish_reason": s.raw_finish_reason,
        "complete": s.complete,
        "error": error(s.error),
        "malformed_events": s.malformed_events,
        "keepalives": s.keepalives,
    }
