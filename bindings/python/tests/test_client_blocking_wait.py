"""How a Python thread blocked on a call waits (genie_core's ``client::handover``): it
busy-waits up to ``GENIE_BLOCKING_SPIN_US`` microseconds before it sleeps, only while its recent
waits were that short and a core is spare; a bad value fails the first ``Client`` with
``InvalidConfigError`` naming the variable. Each case runs in a fresh interpreter, since the
variable is read once per process, when the runtime starts.

What these catch: a spin that never happens (every fast call still sleeps), one that is not
bounded by its budget, and one that does not learn (a slow provider then costs a budget of CPU
on every wait). Sleeps are read from ``/proc/thread-self/status`` (Linux)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any, Dict

import pytest

from mockprovider import CANONICAL_TEXT, MockProvider, client_config, request

LINUX = os.path.exists("/proc/thread-self/status")
# The cores this process may run on, as genie counts its spare ones (affinity included).
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)

SCRIPT = r"""
import json, sys, time
from genie_core import Client, InvalidConfigError
config, call, how, calls = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3], int(sys.argv[4])
def sleeps():
    with open("/proc/thread-self/status") as status:
        for line in status:
            if line.startswith("voluntary_ctxt_switches:"):
                return int(line.split()[1])
out = {"texts": [], "slept": 0}
try:
    client = Client(config)
except InvalidConfigError as e:
    print(json.dumps({"error": {"code": e.code, "message": e.message}}))
    sys.exit(0)
def one():
    if how == "complete_sync":
        return client.complete_sync(call).text
    return "".join(e.text for e in client.stream_sync(call) if e.type == "text")
one()  # connects, and starts the runtime's worker
cpu = time.thread_time()
for _ in range(calls):
    before = sleeps()
    out["texts"].append(one())
    out["slept"] += sleeps() > before
out["cpu_ms"] = (time.thread_time() - cpu) * 1000
print(json.dumps(out))
"""


def run(mock: MockProvider, spin: str, how: str = "complete_sync", calls: int = 50,
        model: str = "p") -> Dict[str, Any]:
    env = {**os.environ, "GENIE_BLOCKING_SPIN_US": spin}
    config = client_config(mock.base_url, {model: "openai"})
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(config), json.dumps(request(model)), how,
         str(calls)],
        env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    result: Dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.skipif(not LINUX or CORES < 2,
                    reason="counts sleeps in /proc; spinning needs a core beside the worker")
@pytest.mark.parametrize("how", ["complete_sync", "stream_sync"])
def test_fast_calls_skip_the_sleep_only_when_spinning_is_on(mock: MockProvider, how: str) -> None:
    # 10 ms is far beyond what the mock needs, so a busy machine does not turn spins into sleeps.
    spinning = run(mock, "10000", how)
    sleeping = run(mock, "0", how)
    assert spinning["texts"] == sleeping["texts"] == [CANONICAL_TEXT] * 50
    assert sleeping["slept"] >= 45, sleeping  # every call must wait for the network somehow
    assert spinning["slept"] <= 25, spinning


@pytest.mark.skipif(not LINUX, reason="thread CPU time")
@pytest.mark.parametrize(("how", "limit_ms"), [("complete_sync", 60), ("stream_sync", 300)])
def test_a_slow_provider_costs_at_most_one_spin_per_call(mock: MockProvider, how: str,
                                                          limit_ms: int) -> None:
    # Ten calls whose first byte takes 100 ms, with the longest budget (10 ms). Spinning through
    # each wait would cost a second of CPU. A complete_sync call waits once: after the first
    # wait spun in vain the thread sleeps, ~10 ms in all. A stream's reads after its first
    # event are short, so the next call's first wait spins once more: one budget per call.
    mock.set_fault("slow", "slow_first_byte=100")
    out = run(mock, "10000", how, calls=10, model="slow")
    assert out["texts"] == [CANONICAL_TEXT] * 10
    assert out["cpu_ms"] < limit_ms, out


@pytest.mark.parametrize("bad", ["fast", "-1", "10001"])
def test_a_bad_value_is_an_invalid_config_error_naming_it(mock: MockProvider, bad: str) -> None:
    out = run(mock, bad)
    assert out["error"]["code"] == "INVALID_CONFIG"
    assert "GENIE_BLOCKING_SPIN_US" in out["error"]["message"]
    assert json.dumps(bad) in out["error"]["message"]
