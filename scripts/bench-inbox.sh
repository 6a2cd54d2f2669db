#!/usr/bin/env bash
# The inbox budget: with N generated dossiers, every inbox view (counts of all tabs, the page,
# the total; filters, deep pages, searches) answers in ≤ 100 ms at p95, on SQLite and on
# PostgreSQL. The test command runs 100 000; a province's ten years is `scripts/bench-inbox.sh
# 1000000` (about 90 s of generation per database, a few minutes in all).
# Usage: scripts/bench-inbox.sh [dossiers] [budget-ms]   (PORTAL_BENCH_PG names the server;
# PORTAL_BENCH_KEEP=1 keeps the database, PORTAL_BENCH_DB=<url> runs against a kept one)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/portal-target}"
n="${1:-100000}"
budget="${2:-100}"
cargo build --release -q -p server --example bench_inbox
for backend in sqlite postgres; do
  "$CARGO_TARGET_DIR/release/examples/bench_inbox" "$backend" "$n" "$budget"
done
