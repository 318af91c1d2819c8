#!/usr/bin/env bash
# genie's SSE parser against its peers, measured in one run, side by side.
#
# One command, from a fresh checkout (needs cargo, node >= 20 and npm):
#   bash bench/compare.sh
# It installs the Node peer (npm ci in bench/node), writes the benchmark streams
# (examples/gen_streams.rs) to target/bench-data, runs the criterion benches `sse` and `decode`
# (release), the npm eventsource-parser on the same files, the memory check at 20 and 200 MB
# (examples/sse_memory.rs), and prints the table (also saved as target/bench-data/report.md).
#
# Environment: MEASURE_SECS (criterion measurement time per benchmark, default 3),
# NODE_RUNS (timed runs per stream for the Node peer, default 15).
# The machine may be shared: compare the ratios of one run, not absolute numbers across runs.

set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
data="$target/bench-data"
measure="${MEASURE_SECS:-3}"
node_runs="${NODE_RUNS:-15}"

for tool in cargo node npm; do
    if ! command -v "$tool" >/dev/null; then
        echo "compare.sh: $tool is required (cargo from rustup; node >= 20 and npm from your package manager)" >&2
        exit 1
    fi
done

echo "== installing the Node peer (bench/node: npm ci)"
(cd bench/node && npm ci --no-audit --no-fund --loglevel=error)

echo "== building the examples and generating the benchmark streams into $data"
mkdir -p "$data"
# Compiler warnings from elsewhere in the crate are not this report's business; errors are.
if ! cargo build --release --quiet -p genie-core --example gen_streams --example sse_memory \
    2>"$data/build.log"; then
    cat "$data/build.log" >&2
    exit 1
fi
"$target/release/examples/gen_streams" "$data"

echo "== criterion benches (sse, decode), ${measure}s per benchmark"
# Results of an earlier run must not stand in for a benchmark that failed to run this time.
rm -rf "$target/criterion/sse_openai" "$target/criterion/sse_gemini" \
    "$target/criterion/sse_anthropic" "$target/criterion/sse_long_line" "$target/criterion/decode"
# pipefail: a build failure or a panicking benchmark stops the script here.
cargo bench -p genie-core --bench sse --bench decode -- \
    --warm-up-time 1 --measurement-time "$measure" 2>&1 |
    tee "$data/criterion.log" | awk '/^(sse|decode)\// || (/thrpt:/ && !/%\]/)'


echo "== eventsource-parser (npm) under Node $(node --version)"
node bench/node/bench.mjs --dir "$data" --runs "$node_runs" --json >"$data/node.jsonl"

echo "== memory: 20 MB and 200 MB streams generated on the fly"
: >"$data/memory.txt"
for mb in 20 200; do
    "$target/release/examples/sse_memory" "$mb" openai | tee -a "$data/memory.txt"
done

echo
{
    echo "## genie SSE benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "$(nproc) CPUs: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1);" \
        "$(rustc --version); Node $(node --version); load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
    echo
    node bench/node/report.mjs --criterion "$target/criterion" --node "$data/node.jsonl" \
        --memory "$data/memory.txt"
} | tee "$data/report.md"
