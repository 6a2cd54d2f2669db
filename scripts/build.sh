#!/usr/bin/env bash
# Builds the site: the WASM islands bundle (wasm-bindgen + wasm-opt), the CSS, public files,
# and the server binary. Usage: scripts/build.sh [--release]
# We drive cargo, wasm-bindgen and wasm-opt directly instead of cargo-leptos: it is the same
# pipeline, without a 30-minute tool install on every new machine (see docs/decisions.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/portal-target}"
profile=dev; wasm_profile=dev; server_dir=debug; wasm_dir=debug
if [ "${1:-}" = "--release" ]; then profile=release; wasm_profile=wasm-release; server_dir=release; wasm_dir=wasm-release; fi
site=target/site
mkdir -p "$site/pkg"

mkdir -p target/bin
# Two bundles from the one `frontend` crate, built one after the other (never with --workspace:
# cargo would unify their features): `app`, the citizens' islands, and `desk`, the officers' app.
# A release build names each file after its content (`desk.<sha256>.wasm`, long-cached by the
# server) and writes the names next to the binary, where Leptos reads them (`<bundle>-hash.txt`).
# Components are type-erased in every build (`.cargo/config.toml`).
bundle() {
  local name=$1; shift
  echo "==> WASM bundle $name ($wasm_profile)"
  cargo build -p frontend --lib --target wasm32-unknown-unknown --profile "$wasm_profile" "$@"
  wasm-bindgen --target web --no-typescript --out-dir "$site/pkg" --out-name "$name" \
    "$CARGO_TARGET_DIR/wasm32-unknown-unknown/$wasm_dir/frontend.wasm"
  rm -f "$site/pkg/$name".*.js "$site/pkg/$name".*.wasm target/bin/"$name"-hash.txt
  if [ "$profile" = release ]; then
    PATH="$PWD/end2end/node_modules/.bin:$PATH" wasm-opt -Oz --converge --enable-bulk-memory --enable-nontrapping-float-to-int \
      --enable-sign-ext --enable-mutable-globals --enable-reference-types \
      "$site/pkg/${name}_bg.wasm" -o "$site/pkg/${name}_bg.wasm"
    local js wasm
    js=$(sha256sum "$site/pkg/$name.js" | cut -c1-20)
    wasm=$(sha256sum "$site/pkg/${name}_bg.wasm" | cut -c1-20)
    mv "$site/pkg/$name.js" "$site/pkg/$name.$js.js"
    mv "$site/pkg/${name}_bg.wasm" "$site/pkg/$name.$wasm.wasm"
    printf 'js: %s\nwasm: %s\n' "$js" "$wasm" > "target/bin/$name-hash.txt"
  fi
}
bundle app
bundle desk --features desk

echo "==> CSS and public files"
cp style/main.css "$site/pkg/app.css"
cp style/desk.css style/register-print.css "$site/pkg/"
cp -r public/. "$site/"

echo "==> server ($profile)"
# The release build also builds the benchmarks' own binaries (same profile: nothing is built twice),
# so the bench scripts build nothing.
if [ "$profile" = release ]; then cargo build -p server --release --bins --examples; else cargo build -p server; fi
# Replace rather than overwrite, so a running server keeps its binary.
cp "$CARGO_TARGET_DIR/$server_dir/server" target/bin/server.new && mv -f target/bin/server.new target/bin/server
echo "==> built: target/bin/server and $site"
