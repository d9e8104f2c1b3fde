#!/usr/bin/env bash
# Builds the JS API package (npm layout, TypeScript types) into pkg/ with wasm-pack from
# crates/wasm, then shrinks the Wasm with wasm-opt. Expects scripts/setup.sh's tools.
set -euo pipefail
cd "$(dirname "$0")/.."
# --mode no-install: use the wasm-bindgen-cli already on PATH (no download).
# wasm-pack 0.13 has no --profile: the release profile is optimised for size here, as the
# web app's `wasm-release` profile is (Cargo.toml). OPT=s or OPT=3 builds the faster, larger
# trade-offs weighed in docs/performance.md, "Decisions this issue needs".
# The inlining threshold (INLINE= builds without setting it): at `z`, LLVM inlines almost
# nothing, not even `Vec::push` in the evaluation's loops. 45 makes the streamed 100k
# evaluation about 15 % faster for +6.3 KB gzip (round 24; the thresholds tried and the
# figures: docs/performance.md, "Wasm against native"). The JS API only: issue 5's Wasm
# speed target is measured on it; the app keeps its size.
inline=${INLINE-45}
# ENGINE_OPT=2 builds the engine alone at that level, its dependencies staying at OPT: the
# speed option with the smallest size cost (round 26, same section of docs/performance.md).
engine=()
if [ -n "${ENGINE_OPT:-}" ]; then
  case $ENGINE_OPT in
    [0-3]) level=$ENGINE_OPT ;;
    s | z) level="\"$ENGINE_OPT\"" ;;
    *) echo "ENGINE_OPT=$ENGINE_OPT: use an opt-level, 0 to 3, s or z" >&2; exit 2 ;;
  esac
  engine=(-- --config "profile.release.package.sentinel-readiness-engine.opt-level=$level")
fi
# `${engine[@]+…}`: an empty array is an unset variable under `set -u` in bash before 4.4.
RUSTFLAGS="${RUSTFLAGS:-}${inline:+ -Cllvm-args=-inline-threshold=$inline}" \
CARGO_PROFILE_RELEASE_OPT_LEVEL=${OPT:-z} wasm-pack build crates/wasm --release --target web --out-dir ../../pkg --mode no-install ${engine[@]+"${engine[@]}"}
# --low-memory-unused: see scripts/size-budget.sh (round 19); index.html passes it to trunk too.
wasm-opt -Oz --converge --low-memory-unused --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  pkg/sentinel_readiness_wasm_bg.wasm -o pkg/sentinel_readiness_wasm_bg.wasm
printf 'JS API package: %s bytes wasm, %s bytes gzipped\n' \
  "$(wc -c <pkg/sentinel_readiness_wasm_bg.wasm)" "$(gzip -9 -c pkg/sentinel_readiness_wasm_bg.wasm | wc -c)"
