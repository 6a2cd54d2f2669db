#!/usr/bin/env bash
# Installs what building and testing need, idempotently: a second run skips what is there.
# Used by scripts/run.sh and scripts/test.sh; safe to run by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
need_pg="${NEED_POSTGRES:-0}"
need_browser="${NEED_BROWSER:-0}"
need_wrk="${NEED_WRK:-0}"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen CLI must match the wasm-bindgen crate in Cargo.lock exactly.
wb_version=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  say "installing wasm-bindgen-cli $wb_version (about 10 minutes on 2 cores)"
  # Not --locked: its lock file pins a webpki-roots release the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$wb_version"
fi

# The splitter of the desk's bundle into chunks loaded on demand (the screens of `#[lazy]`), the
# release that matches the `wasm_split_helpers` runtime in Cargo.lock (docs/decisions.md, "The
# desk loads its rarer screens on demand").
ws_version=0.2.3
if ! cargo install --list | grep -x "wasm_split_cli_support v$ws_version:" >/dev/null; then
  say "installing wasm-split-cli $ws_version (about 2 minutes)"
  cargo install wasm_split_cli_support --version "$ws_version" --features build-binary --locked
fi

# npm packages: Playwright, axe-core and binaryen's wasm-opt (Debian's binaryen breaks hydration).
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ end2end/package-lock.json -nt end2end/node_modules/.installed ]; then
  say "installing npm packages in end2end/"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed)
fi

# The mail and SMS sinks (scripts/sinks.py): aiosmtpd in a virtual environment of its own.
sinks_venv="$HOME/.cache/portal-sinks-venv"
if ! "$sinks_venv/bin/python" -c "import aiosmtpd" 2>/dev/null; then
  say "installing the mail sink (aiosmtpd) in $sinks_venv"
  python3 -m venv "$sinks_venv"
  "$sinks_venv/bin/pip" install -q aiosmtpd==1.4.6
fi

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# Signed results (issue 14): the font the result PDFs are written in, and the tools that verify
# them in the tests (pdfsig from poppler, certutil from NSS to trust the demo CA).
if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || ! command -v pdfsig >/dev/null || ! command -v certutil >/dev/null; then
  say "installing the result font and the PDF signature tools"
  apt_install fonts-dejavu-core poppler-utils libnss3-tools
fi

if [ "$need_browser" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's Chromium"
  apt_install chromium fonts-noto-core
fi

# The HTTP load generator of scripts/bench-pages.sh.
if [ "$need_wrk" = 1 ] && ! command -v wrk >/dev/null; then
  say "installing wrk"
  apt_install wrk
fi

if [ "$need_pg" = 1 ]; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
      say "installing PostgreSQL"
      apt_install postgresql
    fi
    version="$(ls /etc/postgresql | sort -V | tail -n1)"
    hba="/etc/postgresql/$version/main/pg_hba.conf"
    # A fresh cluster asks for passwords over TCP; the throwaway test databases use trust on
    # loopback only, as on the project's machines.
    if ! grep -q "portal-tests" "$hba"; then
      sed -i '1i host all all 127.0.0.1/32 trust # portal-tests\nhost all all ::1/128 trust # portal-tests' "$hba"
    fi
    say "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster --skip-systemctl-redirect "$version" main reload || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL did not start" >&2; exit 1; }
  fi
fi
