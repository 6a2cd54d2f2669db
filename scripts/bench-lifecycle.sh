#!/usr/bin/env bash
# The lifecycle benchmark: concurrent clients drive dossiers over HTTP from submission to
# delivery (8 posts by 5 people each) against the release server pinned to one core, on a
# database already holding N generated dossiers, on SQLite and on PostgreSQL; then checks that
# no code was lost or given twice and that every history verifies. Prints lifecycles per second
# per core, p50/p99 per step, the database's size and the server's peak memory.
# Builds nothing (run scripts/build.sh --release first).
# Usage: scripts/bench-lifecycle.sh [dossiers=1000000] [clients=8] [seconds=30] [backends="sqlite postgres"]
#   SQLITE_SYNCHRONOUS=normal|full (default full) is passed on to the server.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/portal-target}"
n="${1:-1000000}"
clients="${2:-8}"
seconds="${3:-30}"
backends="${4:-sqlite postgres}"
bench="$CARGO_TARGET_DIR/release/examples/bench_lifecycle"
[ -x "$bench" ] && [ -x target/bin/server ] || { echo "run scripts/build.sh --release first (this script builds nothing)"; exit 1; }
for backend in $backends; do
  dir="$(mktemp -d)"
  server_pid=""
  url=""
  cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    if [[ "$url" == postgres* ]]; then "$bench" drop "$url" || true; fi
    rm -rf "$dir"
  }
  trap cleanup EXIT
  url="$("$bench" prepare "$backend" "$n" "$dir" | sed -n 's/^DATABASE_URL=//p')"
  DATABASE_URL="$url" DATA_DIR="$dir" LEPTOS_SITE_ADDR=127.0.0.1:0 LEPTOS_SITE_ROOT=target/site \
    taskset -c 0 target/bin/server >"$dir/server.log" 2>&1 &
  server_pid=$!
  base="$(wait_listening "$dir/server.log" "$server_pid")"
  echo "== $backend, server on core 0 (SQLITE_SYNCHRONOUS=${SQLITE_SYNCHRONOUS:-full}), $clients clients on core 1 for $seconds s"
  taskset -c 1 "$bench" run "$base" "$url" "$clients" "$seconds"
  echo "server memory at its peak: $(awk '/VmHWM/ {printf "%.1f MB", $2/1024}' "/proc/$server_pid/status")"
  cleanup
  trap - EXIT
done
