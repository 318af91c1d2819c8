"""The client's values and inputs: ``CallEvent``, ``CallSummary`` and ``Attempt`` (reprs,
equality, immutability, pickling), the details a call's error carries, bad configs and
requests (typed errors naming the path), and API keys that never show anywhere.
"""

from __future__ import annotations

import copy
import json
import os
import pickle
from pathlib import Path
from typing import Any, List

import pytest

from calls import Run, run_sync
from genie_core import (
    Attempt,
    CallEvent,
    CallSummary,
    Client,
    GenieError,
    InvalidArgumentError,
    InvalidConfigError,
    RateLimitedError,
    Usage,
)
from mockprovider import CANONICAL_TEXT, MockProvider, client_config, request


def stalled_then_served(mock: MockProvider) -> Run:
    """A call with every event type: started, text, notice, reset, usage, done."""
    mock.set_fault("p", "seq=stall_after=2,stall_ms=5000|ok")
    return run_sync(Client(client_config(mock.base_url, {"p": "anthropic"})), request("p"))


def test_event_reprs_show_their_type_and_fields(mock: MockProvider) -> None:
    r = stalled_then_served(mock)
    reprs = [repr(e) for e in r.events]
    assert reprs[0] == "CallEvent(type='started', model='p', provider='anthropic', attempt=1, mode='stream')"
    assert reprs[1] == "CallEvent(type='text', text='Genie streams this ')"
    (notice,) = [x for x in reprs if "notice" in x]
    assert notice == ("CallEvent(type='notice', kind='reconnecting', message="
                      f"{r.notices('reconnecting')[0].message!r}, model='p', delay_ms=None)")
    (reset,) = [x for x in reprs if "reset" in x]
    assert reset == f"CallEvent(type='reset', reason={r.of_type('reset')[0].reason!r}, model='p')"
    usage = r.events[-2].usage
    assert isinstance(usage, Usage)
    assert reprs[-2] == f"CallEvent(type='usage', usage={usage!r})"
    assert reprs[-1] == f"CallEvent(type='done', summary={r.served()!r})"


def test_event_fields_outside_their_type_are_none(mock: MockProvider) -> None:
    r = stalled_then_served(mock)
    fields = ["model", "provider", "attempt", "mode", "text", "reason", "kind", "message",
              "delay_ms", "usage", "summary"]
    relevant = {"started": {"model", "provider", "attempt", "mode"}, "text": {"text"},
                "reset": {"reason", "model"}, "notice": {"kind", "message", "model"},
                "usage": {"usage"}, "done": {"summary"}}
    assert {e.type for e in r.events} == set(relevant)
    for event in r.events:
        for name in fields:
            if name not in relevant[event.type]:
                assert getattr(event, name) is None, f"{event.type}.{name}"
            else:
                assert getattr(event, name) is not None, f"{event.type}.{name}"


def test_summary_and_attempt_fields_and_reprs(mock: MockProvider) -> None:
    summary = stalled_then_served(mock).served()
    assert isinstance(summary, CallSummary)
    assert (summary.model, summary.provider, summary.text) == ("p", "anthropic", CANONICAL_TEXT)
    assert (summary.finish_reason, summary.raw_finish_reason) == ("stop", "end_turn")
    assert summary.complete is True and summary.malformed_events == 0
    assert 0 < summary.ttfb_ms <= summary.total_ms
    assert summary.ttft_ms is not None and summary.ttfb_ms <= summary.ttft_ms <= summary.total_ms
    first, second = summary.attempts
    assert isinstance(first, Attempt)
    assert (first.model, first.provider, first.mode, first.outcome, first.http_status,
            first.error_code) == ("p", "anthropic", "stream", "STREAM_STALLED", 200, None)
    assert (second.mode, second.outcome, second.waited_ms) == ("reconnect", "ok", 0)
    assert first.duration_ms >= 300
    assert repr(first) == (
        f"Attempt(model='p', provider='anthropic', mode='stream', outcome='STREAM_STALLED', "
        f"http_status=200, error_code=None, duration_ms={first.duration_ms}, waited_ms=0)")
    assert repr(summary).startswith(
        f"CallSummary(model='p', provider='anthropic', text={CANONICAL_TEXT!r}, "
        f"usage={summary.usage!r}, finish_reason='stop', raw_finish_reason='end_turn', "
        f"complete=True, ttfb_ms={summary.ttfb_ms!r}, ")
    assert repr(summary).endswith(f"malformed_events=0, attempts={summary.attempts!r})")


def test_values_compare_by_value_and_are_immutable(mock: MockProvider) -> None:
    c = Client(client_config(mock.base_url, {"p": "openai"}))
    a, b = run_sync(c, request("p")), run_sync(c, request("p"))
    assert a.events[:-1] == b.events[:-1], "same answer, same events (but for the timings)"
    assert a.events[0] != a.events[1] and a.events[0] != "started"
    assert a.served() == a.served() and a.served() != b.served()
    assert a.served().attempts[0] == copy.copy(a.served().attempts[0])
    with pytest.raises(TypeError):
        hash(a.events[0])
    for value in (a.events[0], a.served(), a.served().attempts[0]):
        with pytest.raises(AttributeError):
            value.model = "x"  # type: ignore[misc]
        assert type(value).__module__ == "genie_core"


def test_every_value_pickles_and_copies(mock: MockProvider) -> None:
    r = stalled_then_served(mock)
    for value in [*r.events, r.served(), *r.served().attempts]:
        again = pickle.loads(pickle.dumps(value))
        assert type(again) is type(value) and again == value and repr(again) == repr(value)
        assert copy.deepcopy(value) == value


def test_unpickling_checks_the_state() -> None:
    from genie_core import _genie_core

    unpickle = _genie_core._unpickle  # type: ignore[attr-defined]
    good = ("m", "p", "stream", "ok", 200, None, 1, 0)
    assert unpickle("Attempt", good).mode == "stream"
    for bad in [("m", "p", "walk", "ok", 200, None, 1, 0), ("m", "p", "stream", "NOPE", 200, None, 1, 0),
                ("m",)]:
        with pytest.raises(InvalidArgumentError, match="cannot unpickle"):
            unpickle("Attempt", bad)
    with pytest.raises(InvalidArgumentError, match="cannot unpickle"):
        unpickle("CallEvent", ("notice", ("shouting", "m", "p", None)))
    assert unpickle("CallEvent", ("text", ("hi",))).text == "hi"


def test_call_errors_carry_details_and_pickle(mock: MockProvider) -> None:
    mock.set_fault("p", "status=429,retry_after=30")
    c = Client(client_config(mock.base_url, {"p": "gemini"}))
    with pytest.raises(RateLimitedError) as info:
        c.complete_sync(request("p"))
    error = info.value
    assert (error.code, error.status, error.http_status, error.retry_after_ms) == (
        "RATE_LIMITED", 2001, 429, 30_000)
    assert error.provider_code == "RESOURCE_EXHAUSTED"
    assert [(a.model, a.outcome) for a in error.attempts] == [("p", "RATE_LIMITED")]
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is RateLimitedError and again.message == error.message
    assert (again.attempts, again.http_status, again.provider_code, again.retry_after_ms) == (
        error.attempts, error.http_status, error.provider_code, error.retry_after_ms)


def test_errors_default_to_no_details() -> None:
    error = RateLimitedError("slow down")
    assert (error.attempts, error.http_status, error.provider_code, error.retry_after_ms) == (
        [], None, None, None)
    made = RateLimitedError("slow down", http_status=429, retry_after_ms=1500)
    assert (made.http_status, made.retry_after_ms) == (429, 1500)


def config_error(config: Any) -> GenieError:
    with pytest.raises(GenieError) as info:
        Client(config)
    return info.value


BAD_CONFIGS = [
    (["providers", "openai", "kind"], "nope", "providers.openai.kind: unknown provider kind"),
    (["timeouts", "stall_gap_ms"], 0, "timeouts.stall_gap_ms: must be > 0"),
    (["timeouts", "total_ms"], -5, "timeouts.total_ms: must be > 0"),
    (["fallbacks"], {"p": []}, "fallbacks.p: an empty route"),
    (["fallbacks"], {"p": ["x"]}, 'fallbacks.p[0]: unknown model "x"'),
    (["models"], {}, "models: must name at least one model"),
    (["models", "p", "provider"], "zzz", 'models.p.provider: unknown provider "zzz"'),
    (["providers", "openai", "api_key_env"], "GENIE_TEST_KEY_NOT_SET",
     "providers.openai.api_key_env: environment variable GENIE_TEST_KEY_NOT_SET is not set"),
    (["retry", "base_ms"], {1, 2}, "retry.base_ms: expected a dict, list, tuple, str, int"),
]


@pytest.mark.parametrize("path, value, message", BAD_CONFIGS, ids=[m for _, _, m in BAD_CONFIGS])
def test_a_bad_config_names_the_path(path: List[str], value: Any, message: str) -> None:
    config = client_config("http://127.0.0.1:9", {"p": "openai"})
    target = config
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    error = config_error(config)
    assert isinstance(error, InvalidConfigError) and error.message.startswith(message)


def test_a_config_can_be_json_a_path_or_a_pathlike(tmp_path: Path) -> None:
    config = client_config("http://127.0.0.1:9", {"p": "openai"})
    text = json.dumps(config)
    file = tmp_path / "client.json"
    file.write_text(text, encoding="utf-8")
    for given in (text, str(file), file):
        assert repr(Client(given)) == "Client(models=['p'])"
    assert "missing.json: cannot read" in config_error(str(tmp_path / "missing.json")).message
    for wrong in (None, 3, b"{}", ["p"]):
        error = config_error(wrong)
        assert isinstance(error, InvalidArgumentError)
        assert error.message.startswith("config: expected a dict, a JSON str, a file path")


BAD_REQUESTS: List[Any] = [
    ("a string", "request: expected a dict"),
    ([{"role": "user", "content": "Hi"}], "request: expected a dict"),
    (None, "request: expected a dict"),
    ({"model": "p"}, "missing field `messages`"),
    ({"model": "p", "messages": []}, "messages: must hold at least one message"),
    ({"model": "p", "messages": [{"role": "bot", "content": "x"}]},
     "messages[0].role: unknown variant `bot`"),
    ({"model": "p", "messages": [{"role": "user", "content": object()}]},
     "messages[0].content: expected a dict, list, tuple, str, int"),
    ({"model": "p", "messages": [{"role": "user", "content": "x"}], "temprature": 1},
     "temprature: unknown field"),
]


@pytest.mark.parametrize("req, message", BAD_REQUESTS, ids=[m for _, m in BAD_REQUESTS])
def test_a_bad_request_is_refused_before_anything_is_sent(req: Any, message: str) -> None:
    c = Client(client_config("http://127.0.0.1:9", {"p": "openai"}))
    for method in (c.stream, c.stream_sync, c.complete, c.complete_sync):
        with pytest.raises(InvalidArgumentError) as info:
            method(req)
        assert message in info.value.message, method.__name__


SECRET = "sk-genie-test-Zq8KfY2vLw0RtX5u"
HEADER_SECRET = "hdr-genie-test-9pQ3mN7a"


def test_api_keys_never_appear(mock: MockProvider, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENIE_TEST_API_KEY", SECRET)
    config = client_config(mock.base_url, {"p": "openai", "g": "gemini", "a": "anthropic"},
                           fallbacks={"g": ["a"]})
    for provider in config["providers"].values():
        provider["api_key_env"] = "GENIE_TEST_API_KEY"
        provider["headers"] = {"x-team-token": HEADER_SECRET}
    c = Client(config)
    seen: List[str] = [repr(c), str(c)]
    faults = {"p": "seq=status=429,retry_after_ms=10|stall_after=2|ok", "g": "status=402",
              "a": "status=401"}
    for model, script in faults.items():
        mock.set_fault(model, script)
    runs: List[Run] = [run_sync(c, request(m)) for m in ("p", "g")]
    with pytest.raises(GenieError) as info:
        c.complete_sync(request("a"))
    errors: List[BaseException] = [info.value, *(r.error for r in runs if r.error)]
    for r in runs:
        seen += [repr(e) for e in r.events]
    for error in errors:
        assert isinstance(error, GenieError)
        seen += [str(error), repr(error), repr(error.attempts), repr(vars(error))]
        seen.append(pickle.dumps(error).decode("latin-1"))
    seen += [pickle.dumps(e).decode("latin-1") for r in runs for e in r.events]
    text = "\n".join(seen)
    assert "RATE_LIMITED" in text and "PAYMENT_REQUIRED" in text, "the faults happened"
    assert SECRET not in text and HEADER_SECRET not in text
    assert SECRET[-8:] not in text and HEADER_SECRET[-8:] not in text
    assert all(record["api_key"] for m in faults for record in mock.log(m)), "keys were sent"
    assert os.environ["GENIE_TEST_API_KEY"] == SECRET


def test_client_repr_shows_models_only(mock: MockProvider) -> None:
    c = Client(client_config(mock.base_url, {"b": "openai", "a": "gemini"}))
    assert repr(c) == "Client(models=['a', 'b'])"
    assert isinstance(hash(c), int), "a client is an identity, usable as a key"
    with pytest.raises(TypeError, match="cannot create|No constructor"):
        CallEvent()
