#!/usr/bin/env bash
# Pages and server functions against a plain axum server answering the very same bytes, each on
# one core, wrk on the other; interleaved rounds; a table of req/s and ratios, and the server's
# memory. Builds nothing (run scripts/build.sh --release first). See scripts/bench-pages.py.
# Usage: scripts/bench-pages.sh [--seconds S] [--rounds R] [--connections C] [--check]
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 scripts/bench-pages.py "$@"
