#!/usr/bin/env bash
# genie vs Presidio on the labelled PII corpus, same machine, one run: F1 per type and throughput.
#
# Creates a throwaway venv under target/pii-bench/ with presidio-analyzer from PyPI (pattern
# recognizers only: the no_op NLP engine needs no spaCy model), runs both engines on
# tests/fixtures/pii/corpus.jsonl and prints the table (score.py explains the fair-comparison
# rules). Needs python3 (>= 3.11, with venv) and cargo; runs offline once the venv exists.
# ROUNDS (default 3) sets how many alternating throughput rounds each engine's best is kept of.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/target/pii-bench"
venv="$out/venv"
corpus="$root/tests/fixtures/pii/corpus.jsonl"
presidio_version="${PRESIDIO_VERSION:-2.2.366}"
mkdir -p "$out"

if ! "$venv/bin/python" -c "import presidio_analyzer" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "presidio-analyzer==$presidio_version"
fi

# tldextract (Presidio's e-mail validator) would fetch the public suffix list; an empty URL list
# makes it use the snapshot bundled in its wheel, so the run is offline and reproducible.
export TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS=""
export TLDEXTRACT_CACHE="$out/tldextract-cache"

cd "$root"
cargo build --quiet --release -p genie-core --example pii_throughput
genie="$root/target/release/examples/pii_throughput"
# The benchmark texts (mixed prompts, a typical 2 KB prompt, 2 KB of dense corpus text), written
# once so both engines read the same bytes.
mkdir -p "$out/texts"
"$genie" texts "$corpus" "$out/texts"
"$genie" findings "$corpus" "$out/genie-findings.jsonl"
"$venv/bin/python" "$root/bench/pii/presidio_run.py" findings "$corpus" "$out/presidio-findings.jsonl"
# Throughput in alternating rounds, each engine's best kept (score.py best): a busy moment of
# this shared machine then costs one round of one engine, not the comparison.
rounds="${ROUNDS:-3}"
for r in $(seq 1 "$rounds"); do
    "$genie" throughput "$corpus" "$out/texts" > "$out/genie-throughput-$r.json"
    "$venv/bin/python" "$root/bench/pii/presidio_run.py" throughput "$corpus" "$out/texts" \
        > "$out/presidio-throughput-$r.json"
done
for engine in genie presidio; do
    "$venv/bin/python" "$root/bench/pii/score.py" best "$out/$engine-throughput.json" \
        $(seq -f "$out/$engine-throughput-%g.json" 1 "$rounds")
done

echo "machine: $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), presidio-analyzer $presidio_version"
"$venv/bin/python" "$root/bench/pii/score.py" compare "$corpus" \
    "$out/genie-findings.jsonl" "$out/presidio-findings.jsonl" \
    "$out/genie-throughput.json" "$out/presidio-throughput.json"
