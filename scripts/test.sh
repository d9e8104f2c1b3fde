#!/usr/bin/env bash
# Runs every check and test: format, lints (native and wasm), unit/integration/snapshot/
# property tests, the release web build, and the browser test in headless Chromium.
# Installs whatever is missing first (see scripts/setup.sh); safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
export SETUP_BROWSER=1
# A clean build gains nothing from incremental state, which costs ~0.5 GB of disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
# shellcheck source=scripts/setup.sh
source scripts/setup.sh

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy (native, all targets)"
cargo clippy --workspace --all-targets --locked -- -D warnings
step "cargo clippy (web app, JS API and their memcmp for wasm32)"
cargo clippy --target wasm32-unknown-unknown -p sentinel-readiness-web -p sentinel-readiness-wasm -p sentinel-readiness-memcmp --locked -- -D warnings
step "cargo test"
# Snapshots are compared, never rewritten, here: review changes with `cargo insta review`.
INSTA_UPDATE=no cargo test --workspace --locked
step "trunk build --release + single-file page"
trunk build --release
node scripts/single-file.mjs
wasm=$(ls dist/*.wasm)
printf 'web app wasm: %s bytes, %s bytes gzipped; single file %s bytes gzipped\n' \
  "$(wc -c <"$wasm")" "$(gzip -9 -c "$wasm" | wc -c)" "$(gzip -9 -c dist/sentinel-readiness.html | wc -c)"
step "JS API package (wasm-pack)"
bash scripts/build-js-api.sh
mkdir -p dist/api
cp -r pkg dist/api/pkg
cp www/api-example.html dist/api/
step "JS API package in Node (evaluate, evaluateJson, evaluateBytes, searchDifferences)"
node tests/e2e/api.test.mjs
step "Wasm size budget"
bash scripts/size-budget.sh
step "browser test (headless Chromium)"
node tests/e2e/app.test.mjs
step "standalone HTML report in headless Chromium (charts, print to PDF)"
# The CLI that `cargo test` built: `cargo run -p` alone resolves other features and would
# compile it again.
SENTINEL_READINESS_CLI=target/debug/sentinel-readiness node tests/e2e/report.test.mjs
