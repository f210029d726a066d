#!/usr/bin/env bash
# Build medportal-spin-host and run its self test (unit tests + tests/host.rs, which
# builds the probe component for wasm32-wasip2 and drives a real host process).
# Build caches live outside the clone; override with SPIN_HOST_TARGET_DIR /
# SPIN_PROBE_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR="${SPIN_HOST_TARGET_DIR:-$HOME/.cache/medportal/spin-host-target}"
export SPIN_PROBE_TARGET_DIR="${SPIN_PROBE_TARGET_DIR:-$HOME/.cache/medportal/spin-probe-target}"
rustup target list --installed 2>/dev/null | grep -qx wasm32-wasip2 || rustup target add wasm32-wasip2
cargo build --release --locked
cargo test --release --locked -- "$@"
echo "host binary: $CARGO_TARGET_DIR/release/medportal-spin-host"
