#!/usr/bin/env bash
# The operator's commands, run as an operator would, with the release binary, on SQLite and
# PostgreSQL: --help and usage errors (exit 2); a fresh database without demo data prints its
# setup link; create-admin prints a password link; backup while the portal serves (demo data
# plus a few hundred handled dossiers), restore into an empty place, verify; a damaged backup is
# refused (exit 1) and so is a history edited behind the portal's back.
# Usage: scripts/test-ops.sh [sqlite|postgres]...   (default: both; PORTAL_TEST_PG names the
# PostgreSQL server, as for the API tests)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/portal-target}"
bin="$CARGO_TARGET_DIR/release/server"
[ -x "$bin" ] || { echo "build first: scripts/build.sh --release" >&2; exit 1; }
pg_admin="${PORTAL_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}"
export PGOPTIONS="-c client_min_messages=warning"
backends=("$@"); [ ${#backends[@]} -gt 0 ] || backends=(sqlite postgres)
work="$(mktemp -d)"
dbs=()
cleanup() {
  if [ -n "${server_pid:-}" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  for db in "${dbs[@]}"; do psql "$pg_admin" -qc "drop database if exists $db" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }
# expect CODE CMD...: runs CMD, fails unless it exits with CODE; its output is in $work/out.
expect() {
  local want=$1; shift
  local got=0
  "$@" >"$work/out" 2>&1 || got=$?
  [ "$got" = "$want" ] || { cat "$work/out" >&2; fail "$* exited $got, expected $want"; }
}
# A database URL for NAME on BACKEND (a throwaway PostgreSQL database, or a file under DIR).
db_url() {
  local backend=$1 name=$2 dir=$3
  if [ "$backend" = postgres ]; then
    local db="portal_ops_$$_$name"
    psql "$pg_admin" -qc "drop database if exists $db" >/dev/null
    psql "$pg_admin" -qc "create database $db" >/dev/null
    dbs+=("$db")
    echo "${pg_admin%/*}/$db"
  else
    echo "sqlite://$dir/portal.db"
  fi
}

echo "== usage"
expect 0 "$bin" --help
grep -q "backup --to DIR" "$work/out" || fail "--help lists the commands"
for c in serve migrate create-admin backup restore verify import-catalogue; do
  expect 0 "$bin" "$c" --help
  grep -q "Usage: server" "$work/out" || fail "$c --help"
done
expect 2 "$bin" frobnicate
expect 2 "$bin" backup
grep -q -- "--to is required" "$work/out" || fail "backup says what is missing"

for backend in "${backends[@]}"; do
  echo "== $backend: a fresh install"
  fresh="$work/$backend-fresh"
  url="$(db_url "$backend" fresh "$fresh")"
  expect 0 env DATA_DIR="$fresh" DATABASE_URL="$url" "$bin" migrate
  DATA_DIR="$fresh" DATABASE_URL="$url" LEPTOS_SITE_ADDR=127.0.0.1:0 LEPTOS_SITE_ROOT=target/site \
    PUBLIC_URL=https://dvc.example.vn "$bin" >"$work/fresh.log" 2>&1 &
  server_pid=$!
  wait_listening "$work/fresh.log" "$server_pid" >/dev/null
  grep -q "https://dvc.example.vn/cai-dat?t=" "$work/fresh.log" || fail "the setup link is printed"
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  expect 1 env DATA_DIR="$fresh" DATABASE_URL="$url" "$bin" create-admin --name "Võ Quốc Bảo" --cccd 045090000105 --phone 0905123456
  grep -q -- "--province-code" "$work/out" || fail "create-admin asks for the province"
  expect 0 env DATA_DIR="$fresh" DATABASE_URL="$url" PUBLIC_URL=https://dvc.example.vn "$bin" create-admin \
    --name "Võ Quốc Bảo" --cccd 045090000105 --phone 0905123456 --province-code 000.00.00.H45 --province-name "Tỉnh Quảng Trị"
  grep -q "https://dvc.example.vn/dat-mat-khau?t=" "$work/out" || fail "create-admin prints the password link"

  echo "== $backend: import the catalogue"
  ops() { env DATA_DIR="$fresh" DATABASE_URL="$url" LEPTOS_SITE_ROOT=public "$bin" "$@"; }
  expect 0 ops import-catalogue --check server/seed/catalogue.json
  grep -q "checked, nothing written: 35 new procedures" "$work/out" || { cat "$work/out"; fail "--check says what it would do"; }
  expect 0 ops import-catalogue server/seed/catalogue.json
  grep -q "imported: 35 new procedures, 35 new versions" "$work/out" || { cat "$work/out"; fail "the import says what it did"; }
  expect 0 ops import-catalogue server/seed/catalogue.json
  grep -q "imported: 0 new procedures, 0 new versions (0 taking effect later), 35 unchanged" "$work/out" \
    || { cat "$work/out"; fail "importing again changes nothing"; }
  sed 's/"sector": "ho-tich"/"sector": "khong-co"/' server/seed/catalogue.json >"$work/bad.json"
  expect 1 ops import-catalogue "$work/bad.json"
  grep -q 'PROBLEM 1.001193 procedures\[0\].sector: There is no sector “khong-co”' "$work/out" \
    || { cat "$work/out"; fail "a problem names its procedure and field"; }
  grep -q "nothing was imported" "$work/out" || fail "a file with problems imports nothing"

  echo "== $backend: backup while serving, restore, verify"
  live="$work/$backend-live"
  url="$(db_url "$backend" live "$live")"
  DATA_DIR="$live" DATABASE_URL="$url" DEMO_DATA=office LEPTOS_SITE_ADDR=127.0.0.1:0 LEPTOS_SITE_ROOT=target/site \
    "$bin" >"$work/live.log" 2>&1 &
  server_pid=$!
  base="$(wait_listening "$work/live.log" "$server_pid")"
  curl -fsS "$base/healthz" >/dev/null
  expect 0 env DATA_DIR="$live" DATABASE_URL="$url" "$bin" backup --to "$work/$backend-backup"
  cat "$work/out"
  curl -fsS "$base/healthz" >/dev/null || fail "the portal serves through the backup"
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  [ -f "$work/$backend-backup/manifest.json" ] || fail "the manifest is written"
  expect 0 env DATA_DIR="$live" DATABASE_URL="$url" "$bin" verify
  tail -1 "$work/out"

  back="$work/$backend-restored"
  url2="$(db_url "$backend" restored "$back")"
  expect 0 env DATA_DIR="$back" DATABASE_URL="$url2" "$bin" restore --from "$work/$backend-backup"
  tail -1 "$work/out"
  grep -q "0 problem(s)" "$work/out" || fail "the restored data verifies"
  expect 1 env DATA_DIR="$back" DATABASE_URL="$url2" "$bin" restore --from "$work/$backend-backup"
  grep -q "restore goes into" "$work/out" || fail "restore refuses a place that has data"

  # A history edited behind the portal's back (its guard dropped first) is found.
  if [ "$backend" = postgres ]; then
    psql "${url2}" -qc "drop trigger dossier_events_no_update on dossier_events; update dossier_events set note = 'x' where id = (select min(id) from dossier_events)" >/dev/null
  else
    python3 - "$back/portal.db" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("drop trigger dossier_events_no_update")
c.execute("update dossier_events set note = 'x' where id = (select min(id) from dossier_events)")
c.commit()
EOF
  fi
  expect 1 env DATA_DIR="$back" DATABASE_URL="$url2" "$bin" verify
  grep -q "was altered" "$work/out" || fail "verify names the altered event"

  # A damaged backup is refused before anything is written.
  first="$(find "$work/$backend-backup/uploads" -type f -print -quit)"
  printf 'x' >>"$first"
  damaged="$work/$backend-damaged"
  url3="$(db_url "$backend" damaged "$damaged")"
  expect 1 env DATA_DIR="$damaged" DATABASE_URL="$url3" "$bin" restore --from "$work/$backend-backup"
  grep -q "does not match the manifest" "$work/out" || fail "a damaged backup is named"
  echo "$backend: ok"
done
