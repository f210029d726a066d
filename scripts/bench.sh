#!/usr/bin/env bash
# Prints benchmark figures; see scripts/bench.mjs. Not a test: nothing here asserts timings.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== native: in-process, single thread =="
"$CARGO_TARGET_DIR/native/medportal-bench" "${BENCH_N:-2000}"
node_modules/.bin/node scripts/bench.mjs
node_modules/.bin/node scripts/bench-edge.mjs
