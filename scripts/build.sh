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
# A release build names each file after its content (`app.<sha256>.wasm`; the desk's bundle and
# its chunks: a directory `desk.<sha256>/`), long-cached by the server, and writes the names next
# to the binary, where Leptos reads them (`<bundle>-hash.txt`).
# Components are type-erased in every build (`.cargo/config.toml`).
bundle() {
  local name=$1; shift
  echo "==> WASM bundle $name ($wasm_profile)"
  local input="$CARGO_TARGET_DIR/wasm32-unknown-unknown/$wasm_dir/frontend.wasm"
  # Global, so that the trap can remove a stage a failed step left behind.
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' EXIT
  if [ "$name" = desk ]; then
    # The desk's screens marked `#[lazy]` are cut off into chunks loaded when first opened: the
    # link keeps its relocations for wasm-split (only the final link step of `frontend` gets the
    # flag, so no dependency is built twice), wasm-bindgen then keeps the exports the chunks use.
    cargo rustc -p frontend --lib --target wasm32-unknown-unknown --profile "$wasm_profile" "$@" -- -C link-args=--emit-relocs
    wasm-split-cli "$input" "$stage" --out-name "$name" --target web
    wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle --out-dir "$stage" --out-name "$name" "$stage/$name.wasm"
    rm "$stage/$name.wasm"
  else
    cargo build -p frontend --lib --target wasm32-unknown-unknown --profile "$wasm_profile" "$@"
    wasm-bindgen --target web --no-typescript --out-dir "$stage" --out-name "$name" "$input"
  fi
  # What an earlier build left: the plain names and the names after content. The desk's earlier
  # directories stay (the two newest, pruned below): a desk opened before this build still loads
  # its screens' chunks from its own.
  rm -rf "$site/pkg/$name".js "$site/pkg/${name}_bg.wasm" "$site/pkg/$name".*.js "$site/pkg/$name".*.wasm \
    target/bin/"$name"-hash.txt
  [ "$name" = desk ] && rm -f "$site/pkg/__wasm_split.js" "$site/pkg"/split_*.wasm "$site/pkg"/chunk_*.wasm
  if [ "$profile" != release ]; then
    mv "$stage"/* "$site/pkg/"
    rmdir "$stage"
    return
  fi
  for w in "$stage"/*.wasm; do
    PATH="$PWD/end2end/node_modules/.bin:$PATH" wasm-opt -Oz --converge --enable-bulk-memory --enable-nontrapping-float-to-int \
      --enable-sign-ext --enable-mutable-globals --enable-reference-types "$w" -o "$w"
  done
  if [ "$name" = desk ]; then
    # The bundle and its chunks import each other by plain relative names, so they move together
    # into one directory named after all their content (`desk.<sha256>/desk.js`, `…/desk.wasm`,
    # `…/__wasm_split.js`, `…/split_*.wasm`), which the server long-caches like any named file.
    mv "$stage/${name}_bg.wasm" "$stage/$name.wasm"
    local dir
    dir=$(cd "$stage" && cat $(ls | sort) | sha256sum | cut -c1-20)
    chmod 755 "$stage"
    rm -rf "$site/pkg/$name.$dir"
    mv "$stage" "$site/pkg/$name.$dir"
    touch "$site/pkg/$name.$dir"
    # Keep this build's directory and the two before it.
    ls -dt "$site/pkg/$name".*/ | tail -n +4 | xargs -r rm -rf
    printf 'js: %s/%s\nwasm: %s/%s\n' "$dir" "$name" "$dir" "$name" > "target/bin/$name-hash.txt"
  else
    local js wasm
    js=$(sha256sum "$stage/$name.js" | cut -c1-20)
    wasm=$(sha256sum "$stage/${name}_bg.wasm" | cut -c1-20)
    mv "$stage/$name.js" "$site/pkg/$name.$js.js"
    mv "$stage/${name}_bg.wasm" "$site/pkg/$name.$wasm.wasm"
    rmdir "$stage"
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
