"""The fault-injecting mock provider (tests/mock-provider) for the client tests, over real sockets.

:class:`MockProvider` runs the ``genie-mock-provider`` binary with ``--exit-on-stdin-eof`` (a
test process that dies takes the mock with it), reads its ``PORT=`` line, and talks to its
control endpoints (``/_mock/attempts``, ``/_mock/reset``, ``/_mock/fault``). The binary is
``$GENIE_MOCK_PROVIDER``, else ``target/release/genie-mock-provider``, else the debug one;
``bindings/python/ci.sh`` builds the release one. :func:`client_config` is the client config
the tests use: the four providers on the mock and millisecond-scale timeouts.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

ROOT = Path(__file__).resolve().parents[3]

# Small enough for a fast suite, apart enough that each test can tell which one fired (the same
# values as the Rust client tests, core/tests/client_common).
FIRST_BYTE_MS = 500
FIRST_TOKEN_MS = 1_500
STALL_MS = 300
NON_STREAM_MS = 2_000
TOTAL_MS = 5_000

PROVIDERS = {"gemini": "gemini", "openai": "openai", "responses": "openai-responses",
             "anthropic": "anthropic"}
"""Provider name in the test config -> its kind."""

CANONICAL_TEXT = (
    "Genie streams this canonical answer so every test can compare it exactly: naïve café "
    "résumé, 東京 and Zürich, emoji 🚀 included. Resilient clients reconnect once, fall back "
    "to a non-stream call and never report a truncated answer as complete."
)
"""The mock's answer (its README: ten deltas, 39 words)."""


def binary() -> Path:
    """The mock provider's binary, or an error saying how to build it."""
    given = os.environ.get("GENIE_MOCK_PROVIDER")
    candidates = [Path(given)] if given else [
        ROOT / "target" / "release" / "genie-mock-provider",
        ROOT / "target" / "debug" / "genie-mock-provider",
    ]
    for path in candidates:
        if path.is_file():
            return path
    raise RuntimeError(
        "genie-mock-provider is not built: run `cargo build --release -p genie-mock-provider` "
        f"(looked for {', '.join(map(str, candidates))})"
    )


class MockProvider:
    """A running ``genie-mock-provider``: its base URL and its control endpoints."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [str(binary()), "--exit-on-stdin-eof", *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith("PORT="):
            self.close()
            raise RuntimeError(f"genie-mock-provider printed {line!r} instead of PORT=<n>")
        self.port = int(line[len("PORT="):])
        self.base_url = f"http://127.0.0.1:{self.port}"

    def _call(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method,
                                         headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def attempts(self, model: str) -> int:
        """Requests the mock saw for ``model`` since start or the last :meth:`reset`."""
        return int(self._log(model)["attempts"])

    def log(self, model: str) -> List[Dict[str, Any]]:
        """The attempt records of ``model``, in order (``at_ms``, ``action``, ``status``, ...)."""
        return list(self._log(model)["log"])

    def _log(self, model: str) -> Dict[str, Any]:
        query = urllib.parse.urlencode({"model": model})
        return dict(self._call("GET", f"/_mock/attempts?{query}"))

    def reset(self) -> None:
        """Forgets counts and logs and restarts the flap clock (registered scripts stay)."""
        self._call("POST", "/_mock/reset")

    def clear_faults(self) -> None:
        """Unregisters every script."""
        self._call("DELETE", "/_mock/faults")

    def set_fault(self, model: str, script: Optional[str]) -> None:
        """Registers ``script`` for ``model`` (``None`` clears it)."""
        self._call("POST", "/_mock/fault", {"model": model, "fault": script})

    def close(self) -> None:
        """Stops the mock (closing its stdin ends it)."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def client_config(base_url: str, models: Mapping[str, str], **overrides: Any) -> Dict[str, Any]:
    """A client config: the four providers at ``base_url``, ``models`` (name -> provider name
    of :data:`PROVIDERS`), the test timeouts, fast backoff, then ``overrides`` (top-level keys,
    dicts merged one level deep)."""
    config: Dict[str, Any] = {
        "providers": {name: {"kind": kind, "base_url": base_url}
                      for name, kind in PROVIDERS.items()},
        "models": {name: {"provider": provider} for name, provider in models.items()},
        "timeouts": {"connect_ms": 500, "first_byte_ms": FIRST_BYTE_MS,
                     "first_token_ms": FIRST_TOKEN_MS, "stall_gap_ms": STALL_MS,
                     "non_stream_ms": NON_STREAM_MS, "total_ms": TOTAL_MS},
        "retry": {"max_attempts": 3, "base_ms": 50, "cap_ms": 200},
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key] = {**config[key], **value}
        else:
            config[key] = value
    return config


def request(model: str, text: str = "Hi", **fields: Any) -> Dict[str, Any]:
    """A one-message request to ``model``."""
    return {"model": model, "messages": [{"role": "user", "content": text}], **fields}
