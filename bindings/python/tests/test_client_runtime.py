"""genie's runtime through Python: ``GENIE_WORKER_THREADS`` sets its worker threads (one when
unset), a bad value fails the first ``Client`` with ``InvalidConfigError`` naming the variable,
and a client on a runtime with several workers serves calls. Each case runs in a fresh
interpreter, since the runtime starts once per process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any, Dict, Optional

from mockprovider import CANONICAL_TEXT, MockProvider, client_config, request

SCRIPT = r"""
import json, os, sys, time
from genie_core import Client, InvalidConfigError
config, call = json.loads(sys.argv[1]), json.loads(sys.argv[2])
bad, expected = sys.argv[3], int(sys.argv[4])
def workers():
    tasks = os.listdir("/proc/self/task")
    return [open(f"/proc/self/task/{t}/comm").read().strip() for t in tasks].count("genie-worker")
out = {}
if bad:
    os.environ["GENIE_WORKER_THREADS"] = bad
    try:
        Client(config)
    except InvalidConfigError as e:
        out["error"] = {"code": e.code, "message": e.message}
    os.environ["GENIE_WORKER_THREADS"] = "3"
client = Client(config)
out["text"] = client.complete_sync(call).text
# A thread takes its name once it runs: give the workers a moment to show up under theirs.
deadline = time.monotonic() + 5
while workers() != expected and time.monotonic() < deadline:
    time.sleep(0.01)
out["workers"] = workers()
print(json.dumps(out))
"""


def run(mock: MockProvider, worker_threads: Optional[str], expected: int,
        bad: str = "") -> Dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "GENIE_WORKER_THREADS"}
    if worker_threads is not None:
        env["GENIE_WORKER_THREADS"] = worker_threads
    config = client_config(mock.base_url, {"p": "openai"})
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(config), json.dumps(request("p")), bad,
         str(expected)],
        env=env, capture_output=True, text=True, timeout=60, check=True)
    result: Dict[str, Any] = json.loads(done.stdout)
    return result


def test_one_worker_when_unset(mock: MockProvider) -> None:
    out = run(mock, None, expected=1)
    assert out == {"workers": 1, "text": CANONICAL_TEXT}


def test_the_variable_sets_the_workers(mock: MockProvider) -> None:
    out = run(mock, "2", expected=2)
    assert out == {"workers": 2, "text": CANONICAL_TEXT}


def test_a_bad_value_is_an_invalid_config_error_naming_it(mock: MockProvider) -> None:
    out = run(mock, None, expected=3, bad="zero")
    assert out["error"]["code"] == "INVALID_CONFIG"
    assert "GENIE_WORKER_THREADS" in out["error"]["message"]
    assert '"zero"' in out["error"]["message"]
    assert out["workers"] == 3 and out["text"] == CANONICAL_TEXT
