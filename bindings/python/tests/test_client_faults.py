"""The client against the mock provider over real sockets: a healthy call for each provider
kind, and the issue's faults (stall, cut, 429 + Retry-After, 402, silent provider, circuit
breaker, flapping provider), through ``stream_sync``, ``stream``, ``complete_sync`` and
``complete``.

Each fault test asserts the attempts the mock saw, the attempt list the call reports, that the
wall time stays inside the configured bounds, that no truncated answer is ever ``done``, and
that the same client then serves a healthy request.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Dict

import pytest

from calls import Run, run_async, run_sync
from genie_core import (
    CallSummary,
    Client,
    GenieError,
    PaymentRequiredError,
    RateLimitedError,
)
from mockprovider import (
    CANONICAL_TEXT,
    FIRST_BYTE_MS,
    PROVIDERS,
    STALL_MS,
    MockProvider,
    client_config,
    request,
)

MODES = ["sync", "async"]

# Headroom for a loaded 2-core machine on top of what a scenario must take.
SLACK_MS = 1_500


def run(mode: str, client: Client, req: Dict[str, Any]) -> Run:
    return run_sync(client, req) if mode == "sync" else asyncio.run(run_async(client, req))


def complete(client: Client, req: Dict[str, Any]) -> CallSummary:
    """``await client.complete(req)`` in a fresh event loop."""
    async def call() -> CallSummary:
        return await client.complete(req)
    return asyncio.run(call())


def assert_canonical(summary: CallSummary, model: str) -> None:
    assert summary.model == model
    assert summary.text == CANONICAL_TEXT
    assert summary.complete is True
    assert summary.finish_reason == "stop"
    assert summary.usage.output_tokens == 39


def assert_healthy_after(mock: MockProvider, client: Client, mode: str) -> None:
    """The client that just went through a fault serves a plain request."""
    before = mock.attempts("ok")
    summary = run(mode, client, request("ok")).served()
    assert_canonical(summary, "ok")
    assert [a.outcome for a in summary.attempts] == ["ok"]
    assert mock.attempts("ok") == before + 1


def client(mock: MockProvider, **overrides: Any) -> Client:
    """Models ``p`` (the primary, faults go here), ``b`` (its fallback when the test gives
    one) and ``ok``, all on the OpenAI provider unless ``models`` says otherwise."""
    models = overrides.pop("models", {"p": "openai", "b": "anthropic", "ok": "openai"})
    return Client(client_config(mock.base_url, models, **overrides))


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
@pytest.mark.parametrize("mode", MODES)
def test_a_healthy_call_for_every_provider_kind(mock: MockProvider, provider: str,
                                                mode: str) -> None:
    c = Client(client_config(mock.base_url, {"m": provider}))
    r = run(mode, c, request("m"))
    summary = r.served()
    assert_canonical(summary, "m")
    assert summary.provider == provider
    started = r.events[0]
    assert (started.type, started.model, started.provider, started.attempt, started.mode) == (
        "started", "m", provider, 1, "stream")
    assert [e.type for e in r.events[1:-2]] == ["text"] * (len(r.events) - 3)
    assert r.attempts() == ["m:stream:ok"]
    assert summary.attempts[0].http_status == 200
    assert summary.ttfb_ms <= summary.total_ms and summary.ttft_ms is not None
    assert mock.attempts("m") == 1


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_complete_and_complete_sync_for_every_provider_kind(mock: MockProvider,
                                                            provider: str) -> None:
    config = client_config(mock.base_url, {"m": provider, "plain": provider})
    config["models"]["plain"]["stream"] = False
    c = Client(config)
    assert_canonical(c.complete_sync(request("m")), "m")
    assert_canonical(complete(c, request("m")), "m")
    plain = c.complete_sync(request("plain"))
    assert_canonical(plain, "plain")
    assert [a.mode for a in plain.attempts] == ["non_stream"]
    assert mock.attempts("m") == 2 and mock.attempts("plain") == 1
    assert not mock.log("plain")[0]["stream"]


@pytest.mark.parametrize("mode", MODES)
def test_a_stall_reconnects_once_and_resets_the_partial_text(mock: MockProvider,
                                                             mode: str) -> None:
    mock.set_fault("p", "seq=stall_after=3,stall_ms=5000|ok")
    c = client(mock)
    r = run(mode, c, request("p"))
    assert_canonical(r.served(), "p")
    assert r.attempts() == ["p:stream:STREAM_STALLED", "p:reconnect:ok"]
    assert len(r.notices("reconnecting")) == 1 and len(r.of_type("reset")) == 1
    assert mock.attempts("p") == 2
    assert STALL_MS <= r.elapsed_ms < STALL_MS + SLACK_MS
    assert_healthy_after(mock, c, mode)


@pytest.mark.parametrize("mode", MODES)
def test_stalling_twice_falls_back_to_a_non_stream_request(mock: MockProvider,
                                                           mode: str) -> None:
    mock.set_fault("p", "seq=stall_after=3|stall_after=3|ok")
    c = client(mock)
    r = run(mode, c, request("p"))
    assert_canonical(r.served(), "p")
    assert r.attempts() == ["p:stream:STREAM_STALLED", "p:reconnect:STREAM_STALLED",
                            "p:non_stream:ok"]
    assert len(r.notices("non_stream_fallback")) == 1
    assert mock.attempts("p") == 3
    assert [a["stream"] for a in mock.log("p")] == [True, True, False]
    assert 2 * STALL_MS <= r.elapsed_ms < 2 * STALL_MS + SLACK_MS
    assert_healthy_after(mock, c, mode)


@pytest.mark.parametrize("mode", MODES)
def test_a_cut_stream_is_never_complete_and_fails_over(mock: MockProvider, mode: str) -> None:
    mock.set_fault("p", "cut_after=4")
    c = client(mock, fallbacks={"p": ["b"]})
    r = run(mode, c, request("p"))
    assert_canonical(r.served(), "b")
    attempts = r.attempts()
    assert attempts[:2] == ["p:stream:STREAM_INCOMPLETE", "p:reconnect:STREAM_INCOMPLETE"]
    assert attempts[2].startswith("p:non_stream:") and not attempts[2].endswith(":ok")
    assert attempts[3:] == ["b:stream:ok"]
    assert len(r.notices("failed_over")) == 1
    assert (mock.attempts("p"), mock.attempts("b")) == (3, 1)
    assert r.elapsed_ms < SLACK_MS
    assert_healthy_after(mock, c, mode)


@pytest.mark.parametrize("mode", MODES)
def test_a_cut_stream_with_nowhere_to_go_is_an_error_not_an_answer(mock: MockProvider,
                                                                   mode: str) -> None:
    mock.set_fault("p", "cut_after=10")  # all the text, no end marker
    c = client(mock)
    r = run(mode, c, request("p"))
    error = r.failed()
    assert "".join(e.text or "" for e in r.of_type("text")).startswith(CANONICAL_TEXT)
    assert [a.model for a in error.attempts] == ["p", "p", "p"]
    assert error.attempts[0].outcome == "STREAM_INCOMPLETE"
    assert mock.attempts("p") == 3
    assert_healthy_after(mock, c, mode)


@pytest.mark.parametrize("mode", MODES)
def test_a_429_with_retry_after_is_waited_out(mock: MockProvider, mode: str) -> None:
    mock.set_fault("p", "seq=status=429,retry_after=1|ok")
    c = client(mock)
    r = run(mode, c, request("p"))
    summary = r.served()
    assert_canonical(summary, "p")
    assert r.attempts() == ["p:stream:RATE_LIMITED", "p:stream:ok"]
    assert summary.attempts[0].http_status == 429
    (notice,) = r.notices("retrying")
    assert notice.delay_ms is not None and 1_000 <= notice.delay_ms < 1_100
    assert summary.attempts[1].waited_ms >= 1_000
    assert mock.attempts("p") == 2
    log = mock.log("p")
    assert log[1]["at_ms"] - log[0]["at_ms"] >= 1_000, "the retry came before Retry-After"
    assert 1_000 <= r.elapsed_ms < 1_000 + SLACK_MS
    assert_healthy_after(mock, c, mode)


@pytest.mark.parametrize("mode", MODES)
def test_a_429_asking_longer_than_the_deadline_is_not_waited(mock: MockProvider,
                                                             mode: str) -> None:
    mock.set_fault("p", "status=429,retry_after=30")
    c = client(mock)
    r = run(mode, c, request("p"))
    error = r.failed()
    assert isinstance(error, RateLimitedError)
    assert (error.http_status, error.retry_after_ms) == (429, 30_000)
    assert error.provider_code is not None
    assert [(a.model, a.outcome, a.http_status) for a in error.attempts] == [
        ("p", "RATE_LIMITED", 429)]
    assert mock.attempts("p") == 1
    assert r.elapsed_ms < SLACK_MS
    with_fallback = client(mock, fallbacks={"p": ["b"]})
    assert_canonical(run(mode, with_fallback, request("p")).served(), "b")
    assert_healthy_after(mock, c, mode)


@pytest.mark.parametrize("mode", MODES)
def test_a_402_is_its_own_error_never_retried_nor_failed_over(mock: MockProvider,
                                                              mode: str) -> None:
    mock.set_fault("p", "status=402")
    c = client(mock, fallbacks={"p": ["b"]})
    r = run(mode, c, request("p"))
    error = r.failed()
    assert isinstance(error, PaymentRequiredError)
    assert (error.code, error.status, error.http_status) == ("PAYMENT_REQUIRED", 2002, 402)
    assert error.provider_code is not None
    assert [(a.model, a.outcome) for a in error.attempts] == [("p", "PAYMENT_REQUIRED")]
    assert (mock.attempts("p"), mock.attempts("b")) == (1, 0)
    assert r.elapsed_ms < SLACK_MS
    assert_healthy_after(mock, c, mode)


@pytest.mark.parametrize("mode", MODES)
def test_a_silent_provider_is_failed_over_without_a_retry(mock: MockProvider,
                                                          mode: str) -> None:
    mock.set_fault("p", "silent")
    c = client(mock, fallbacks={"p": ["b"]})
    r = run(mode, c, request("p"))
    assert_canonical(r.served(), "b")
    assert r.attempts() == ["p:stream:DEADLINE_EXCEEDED", "b:stream:ok"]
    assert (mock.attempts("p"), mock.attempts("b")) == (1, 1)
    assert FIRST_BYTE_MS <= r.elapsed_ms < FIRST_BYTE_MS + SLACK_MS
    assert_healthy_after(mock, c, mode)


BREAKER = {"consecutive_failures": 2, "failure_rate": 0.5, "window": 10, "min_calls": 4,
           "open_ms": 300, "half_open_probes": 1}


@pytest.mark.parametrize("mode", MODES)
def test_a_breaker_opens_routes_around_and_closes_soon_after_recovery(mock: MockProvider,
                                                                      mode: str) -> None:
    mock.set_fault("p", "status=503")
    c = client(mock, fallbacks={"p": ["b"]}, retry={"max_attempts": 1}, breaker=BREAKER)
    for _ in range(2):
        assert run(mode, c, request("p")).served().model == "b"
    routed = run(mode, c, request("p"))
    assert routed.served().model == "b"
    assert len(routed.notices("circuit_open")) == 1
    assert routed.attempts() == ["b:stream:ok"]
    assert mock.attempts("p") == 2, "an open circuit still sent requests"

    mock.set_fault("p", None)
    recovered = time.perf_counter()
    while run(mode, c, request("p")).served().model != "p":
        assert time.perf_counter() - recovered < 3, "the breaker never closed"
        time.sleep(0.025)
    closed_after_ms = (time.perf_counter() - recovered) * 1000
    assert closed_after_ms <= BREAKER["open_ms"] + 250 + SLACK_MS / 3
    assert_healthy_after(mock, c, mode)


def test_a_flapping_provider_never_leaves_its_breaker_stuck(mock: MockProvider) -> None:
    c = client(mock, fallbacks={"p": ["b"]}, retry={"max_attempts": 1}, breaker=BREAKER)
    mock.set_fault("p", "flap=400/400")
    mock.reset()  # the flap clock starts now: down [0, 400), up [400, 800), ...
    start = time.perf_counter()
    served = []
    i = 0
    while time.perf_counter() - start < 3.2:
        mode = MODES[i % 2]  # both surfaces share the client and its breakers
        served.append(run(mode, c, request("p")).served().model)
        time.sleep(0.04)
        i += 1
    log = mock.log("p")
    for period in range(4):
        down, up = period * 800, period * 800 + 400
        in_down = sum(1 for a in log if down <= a["at_ms"] < up)
        ok_in_up = sum(1 for a in log if up + 20 <= a["at_ms"] < up + 400 and a["action"] == "ok")
        assert in_down <= 5, f"period {period}: {in_down} attempts while down: {log}"
        assert ok_in_up >= 1, f"period {period}: never served while up: {log}"
    assert "b" in served and "p" in served
    assert_healthy_after(mock, c, "sync")


def test_errors_before_any_attempt_have_an_empty_attempt_list(mock: MockProvider) -> None:
    c = client(mock)
    for mode in MODES:
        error = run(mode, c, request("no-such-model")).failed()
        assert error.code == "INVALID_ARGUMENT" and "no-such-model" in error.message
        assert error.attempts == [] and error.http_status is None
    with pytest.raises(GenieError) as info:
        c.complete_sync(request("no-such-model"))
    assert info.value.code == "INVALID_ARGUMENT"
    with pytest.raises(GenieError) as info:
        complete(c, request("no-such-model"))
    assert info.value.code == "INVALID_ARGUMENT"
