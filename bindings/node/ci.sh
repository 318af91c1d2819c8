#!/usr/bin/env bash
# Builds and checks the Node addon from a fresh checkout: installs the pinned build tools,
# builds the addon (release) into the workspace target/, fails if the generated index.js /
# index.d.ts differ from the committed ones, type-checks index.d.ts against typecheck.ts, runs
# the tests (node --test) and the examples.
#
# Needs Node >= 20 with npm, and a Rust toolchain. Run from anywhere:
#     bash bindings/node/ci.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"

echo "== node addon: npm ci"
npm ci --no-audit --no-fund

echo "== node addon: build (release) and regenerate index.js / index.d.ts"
committed="$(mktemp -d)"
trap 'rm -rf "$committed"' EXIT
cp index.js index.d.ts "$committed/"
npm run build

echo "== node addon: generated files match the committed ones"
for file in index.js index.d.ts; do
    if ! diff -u "$committed/$file" "$file"; then
        echo "bindings/node/$file is out of date: run \`npm run build\` in bindings/node and commit it" >&2
        exit 1
    fi
done

echo "== node addon: index.d.ts type-checks (tsc --strict)"
npm run typecheck

echo "== node addon: node --test (the client tests run against the mock provider binary)"
cargo build --release --manifest-path "$root/Cargo.toml" -p genie-mock-provider
npm test

echo "== node addon: examples"
node "$root/examples/node/decode_stream.js"
node "$root/examples/node/decode_stream.js" anthropic "$root/tests/fixtures/providers/anthropic-interrupted.sse"
node "$root/examples/node/redact.js"
node "$root/examples/node/client.js"
node "$root/examples/node/client.js" --each
