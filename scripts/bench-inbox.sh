#!/usr/bin/env bash
# The inbox budget: with 100 000 generated dossiers, every inbox view (counts of all tabs, the
# page, the total) answers in ≤ 100 ms at p95, on SQLite and on PostgreSQL.
# Usage: scripts/bench-inbox.sh [dossiers] [budget-ms]   (PORTAL_BENCH_PG names the server)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/portal-target}"
n="${1:-100000}"
budget="${2:-100}"
cargo build --release -q -p server --example bench_inbox
for backend in sqlite postgres; do
  "$CARGO_TARGET_DIR/release/examples/bench_inbox" "$backend" "$n" "$budget"
done
