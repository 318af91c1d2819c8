"""Running one client call to its end, sync or async, and the invariants every call keeps.

Every run checks: nothing follows the outcome; ``done`` comes right after ``usage``; a
``reset`` is followed at once by its replacement text; the summary's text is exactly what the
caller was shown since the last reset; a served call is ``complete``; a failed call's error
carries its attempt list.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from genie_core import CallEvent, CallSummary, Client, GenieError


@dataclass
class Run:
    """One call's events and outcome."""

    events: List[CallEvent]
    summary: Optional[CallSummary]
    error: Optional[GenieError]
    elapsed_ms: float

    def served(self) -> CallSummary:
        """The summary, or an assertion error showing what happened instead."""
        assert self.summary is not None, f"the call failed: {self.error!r} {self.events!r}"
        return self.summary

    def failed(self) -> GenieError:
        """The error, or an assertion error showing the summary instead."""
        assert self.error is not None, f"the call succeeded: {self.summary!r}"
        return self.error

    def of_type(self, kind: str) -> List[CallEvent]:
        return [e for e in self.events if e.type == kind]

    def notices(self, kind: str) -> List[CallEvent]:
        return [e for e in self.events if e.type == "notice" and e.kind == kind]

    def attempts(self) -> List[str]:
        """The attempts as ``model:mode:outcome``."""
        attempts = self.summary.attempts if self.summary is not None else self.failed().attempts
        return [f"{a.model}:{a.mode}:{a.outcome}" for a in attempts]


def _check(run: Run) -> Run:
    shown = ""
    for i, event in enumerate(run.events):
        if event.type == "text":
            assert event.text, "an empty text event"
            shown += event.text
        elif event.type == "reset":
            assert event.reason and event.model
            assert i + 1 < len(run.events) and run.events[i + 1].type == "text", (
                f"a reset not followed by its replacement text: {run.events[i:i + 2]!r}")
            shown = ""
        elif event.type == "done":
            assert i == len(run.events) - 1, "events after done"
            assert i > 0 and run.events[i - 1].type == "usage", "done without usage before it"
        elif event.type == "notice":
            assert event.message and event.model
    if run.summary is not None:
        assert run.error is None
        assert run.events[-1].type == "done" and run.events[-1].summary == run.summary
        assert run.summary.complete is True, "a done that is not complete"
        assert run.summary.text == shown, "the summary is not what the caller was shown"
        assert run.summary.attempts[-1].outcome == "ok"
        assert run.summary.usage == run.events[-2].usage
    else:
        assert run.error is not None
        assert not run.of_type("done"), "a failed call reported done"
        assert isinstance(run.error.attempts, list)
    return run


def run_sync(client: Client, request: Dict[str, Any]) -> Run:
    """Runs ``request`` with :meth:`Client.stream_sync`."""
    started = time.perf_counter()
    events: List[CallEvent] = []
    summary, error = None, None
    try:
        for event in client.stream_sync(request):
            assert summary is None, f"an event after done: {event!r}"
            events.append(event)
            if event.type == "done":
                summary = event.summary
    except GenieError as e:
        error = e
    return _check(Run(events, summary, error, (time.perf_counter() - started) * 1000))


async def run_async(client: Client, request: Dict[str, Any]) -> Run:
    """Runs ``request`` with :meth:`Client.stream`."""
    started = time.perf_counter()
    events: List[CallEvent] = []
    summary, error = None, None
    try:
        async for event in client.stream(request):
            assert summary is None, f"an event after done: {event!r}"
            events.append(event)
            if event.type == "done":
                summary = event.summary
    except GenieError as e:
        error = e
    return _check(Run(events, summary, error, (time.perf_counter() - started) * 1000))
