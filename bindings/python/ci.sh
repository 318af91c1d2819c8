#!/usr/bin/env bash
# Builds, installs and tests the Python wheel (genie-core, `import genie_core`) on a fresh
# machine: a venv under the workspace's target/, maturin and pytest from PyPI, one abi3 wheel
# built with the workspace's target dir, the mock provider the client tests and example run
# against, then pytest, mypy --strict on the typed package and the examples, and the Python
# examples.
#
#   bash bindings/python/ci.sh            # uses python3 from PATH (>= 3.9)
#   PYTHON=python3.9 bash bindings/python/ci.sh
#   GENIE_PY_BENCH=1 bash bindings/python/ci.sh   # also runs the httpx-sse benchmarks (short)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"
VENV="$ROOT/target/python-venv"
WHEELS="$ROOT/target/wheels/python"

if [[ ! -x "$VENV/bin/python" ]]; then
    "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"
"$PY" -m pip install --quiet --disable-pip-version-check "maturin>=1.16,<2" "pytest>=8,<10" \
    "mypy>=1.10,<3"

# Only this script writes here; a stale wheel must not be the one installed.
mkdir -p "$WHEELS"
rm -f "$WHEELS"/genie_core-*.whl
"$VENV/bin/maturin" build --release --manifest-path bindings/python/Cargo.toml \
    --interpreter "$PY" --out "$WHEELS"
"$PY" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps \
    "$WHEELS"/genie_core-*.whl

# The fault-injecting provider of the client tests and example (tests/mock-provider).
cargo build --release -p genie-mock-provider

# `import genie_core` must find the installed wheel: the source package (without its native
# module) is in bindings/python/python, which is never on sys.path here.
"$PY" -m pytest -p no:cacheprovider -q bindings/python/tests

# The stub, the typed package and the examples as a type checker sees them.
(cd bindings/python && "$VENV/bin/mypy" --strict --cache-dir "$ROOT/target/mypy-cache" python/genie_core \
    ../../examples/python/decode_stream.py ../../examples/python/redact.py \
    ../../examples/python/client.py)

"$PY" examples/python/decode_stream.py
"$PY" examples/python/decode_stream.py anthropic tests/fixtures/providers/anthropic-interrupted.sse
"$PY" examples/python/redact.py
"$PY" examples/python/client.py
"$PY" examples/python/client.py --async

if [[ "${GENIE_PY_BENCH:-0}" == "1" ]]; then
    "$PY" -m pip install --quiet --disable-pip-version-check "httpx>=0.28,<1" "httpx-sse>=0.4,<1"
    "$PY" bindings/python/bench/bench_decode.py --mb 2 --repeat 3
    "$PY" bindings/python/bench/bench_client.py --calls 300 --rounds 2
fi
