#!/usr/bin/env bash
# Runs every test: formatting, clippy (server and wasm), unit tests, storage and API tests on
# SQLite and PostgreSQL, the release build, the operator's commands, the page-weight budget, a short run of the page
# benchmark (printed), the sign-up burst, the inbox benchmark and the Playwright journeys.
# Installs what it needs first (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/portal-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# A fresh clone gains nothing from incremental caches, and they fill the disk (gigabytes per run).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

NEED_BROWSER=1 NEED_POSTGRES=1 NEED_WRK=1 scripts/setup.sh

step "format"
cargo fmt --all --check

step "clippy (server side)"
cargo clippy -p app --features ssr --all-targets -- -D warnings
cargo clippy -p server --all-targets -- -D warnings
step "clippy (wasm side)"
cargo clippy -p frontend -p app --features app/hydrate --target wasm32-unknown-unknown -- -D warnings
# The desk's bundle, on its own (its features must not merge into the citizens' bundle).
cargo clippy -p frontend --features desk --target wasm32-unknown-unknown -- -D warnings

step "unit tests (domain, views, i18n)"
PORTAL_REQUIRE_PDFSIG=1 cargo test -p app --features ssr

step "storage and API tests on SQLite and PostgreSQL"
pg_admin="${PORTAL_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}"
drop_test_dbs() {
  command -v psql >/dev/null || return 0
  psql "$pg_admin" -Atc "select datname from pg_database where datname like 'portal\_test\_%'" 2>/dev/null |
    while read -r db; do psql "$pg_admin" -qc "drop database if exists \"$db\"" >/dev/null 2>&1 || true; done || true
}
drop_test_dbs
PORTAL_TEST_PG="$pg_admin" PORTAL_REQUIRE_PG=1 PORTAL_REQUIRE_PDFSIG=1 cargo test -p server -- --test-threads=2
drop_test_dbs

step "release build"
scripts/build.sh --release

step "the operator's commands (help, setup link, create-admin, backup while serving, restore, verify) on SQLite and PostgreSQL"
PORTAL_TEST_PG="$pg_admin" scripts/test-ops.sh

step "page weight budget"
node scripts/page-weight.mjs --check

step "speed, short run (printed, not judged on a shared machine: scripts/bench-pages.sh --check on a quiet one)"
"$CARGO_TARGET_DIR/release/examples/bench_fold" 1
scripts/bench-pages.sh --seconds 1 --rounds 1
# Lifecycles over HTTP on a small database: the rate is printed; a lost, duplicated, failed or
# unverifiable dossier fails the run (the full run: scripts/bench-lifecycle.sh, 1 000 000 dossiers).
PORTAL_BENCH_PG="$pg_admin" scripts/bench-lifecycle.sh 20000 4 5

step "sign-up burst (50 parallel sign-ups while /healthz is polled, p99 budget 50 ms)"
scripts/bench-signup.sh

step "inbox benchmark (100 000 dossiers, p95 budget 100 ms, SQLite and PostgreSQL)"
PORTAL_BENCH_PG="$pg_admin" scripts/bench-inbox.sh

step "Playwright journeys (citizen on a phone with and without JavaScript and on desktop; officers on desktop, reception also without JavaScript; the desk app: no reloads, live inbox, keyboard; slips printed to PDF)"
(cd end2end && npx playwright test)
