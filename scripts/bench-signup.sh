#!/usr/bin/env bash
# The sign-up burst budget: while 50 citizens register at once (argon2 on the blocking pool,
# one hash per core at a time), /healthz answers with p99 < 50 ms. Starts the server binary on a
# throwaway SQLite database on a free port, runs the load (server/examples/bench_signup.rs),
# prints the figures and stops the server.
# Usage: scripts/bench-signup.sh [sign-ups] [budget-ms]   (PROFILE=debug for the debug build)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/portal-target}"
n="${1:-50}"
budget="${2:-50}"
profile="${PROFILE:-release}"
if [ "$profile" = release ]; then
  cargo build --release -q -p server --bin server --example bench_signup
else
  cargo build -q -p server --bin server --example bench_signup
fi
bin="$CARGO_TARGET_DIR/$profile"
dir="$(mktemp -d)"
log="$dir/server.log"
cleanup() {
  if [ -n "${server_pid:-}" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT
# The sign-ups come from many addresses through a local "reverse proxy" (X-Forwarded-For), as
# citizens do behind the province's proxy: registration is rate-limited per address.
TRUSTED_PROXIES=127.0.0.1 DATA_DIR="$dir" LEPTOS_SITE_ADDR=127.0.0.1:0 LEPTOS_SITE_ROOT="$dir/site" RUST_LOG=warn,server=info \
  "$bin/server" >"$log" 2>&1 &
server_pid=$!
base="$(wait_listening "$log" "$server_pid")"
echo "server ($profile) at $base, $(nproc) cores"
"$bin/examples/bench_signup" "$base" "$n" "$budget"
