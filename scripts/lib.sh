# Shared by the bench scripts: `source scripts/lib.sh`.

# wait_listening LOG PID: prints the base URL once the server writes "listening on http://…" to
# LOG; fails with the log when the process exits, or after five minutes (a demo office generated on
# PostgreSQL on a loaded two-core machine takes about a minute; the wait ends as soon as it listens).
wait_listening() {
  local log=$1 pid=$2 base=""
  for _ in $(seq 1 1500); do
    base="$(grep -o 'listening on http://[0-9.:]*' "$log" | head -1 | sed 's/listening on //')" || true
    [ -n "$base" ] && { echo "$base"; return 0; }
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.2
  done
  echo "the server did not start" >&2
  cat "$log" >&2
  return 1
}
