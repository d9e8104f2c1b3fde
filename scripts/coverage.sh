#!/usr/bin/env bash
# Line and region coverage of the engine and the CLI by their Rust tests, to find verdicts and
# error paths that no test takes. Not part of CI (it rebuilds everything instrumented, about
# a minute on this machine's 2 cores); see docs/performance.md, "Coverage of the tests".
#
#   bash scripts/coverage.sh            # per-file table, then target/coverage/uncovered.txt
#   bash scripts/coverage.sh input/     # also print the uncovered lines of files matching input/
#
# Needs llvm-profdata and llvm-cov. The toolchain's own (rustup's llvm-tools) cannot be
# downloaded here, so this uses Debian's llvm-19, installing it when missing: it reads the raw
# profiles of Rust 1.95 (LLVM 22) correctly (checked against counts known from the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
llvm=${LLVM_BIN:-/usr/lib/llvm-19/bin}
if [ ! -x "$llvm/llvm-cov" ]; then
  echo "[coverage] installing Debian llvm-19 for llvm-cov and llvm-profdata" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq llvm-19 >/dev/null
fi
out=target/coverage
rm -rf "$out/profiles"
mkdir -p "$out/profiles"
# A target directory of its own: instrumented builds share nothing with the normal ones.
# Fewer proptest cases: coverage needs each path once, not the full search.
RUSTFLAGS="-C instrument-coverage" LLVM_PROFILE_FILE="$PWD/$out/profiles/%p-%m.profraw" \
  PROPTEST_CASES=${PROPTEST_CASES:-64} INSTA_UPDATE=no \
  cargo test -p sentinel-readiness-engine -p sentinel-readiness-cli --locked --target-dir "$out/build" \
  >"$out/tests.log" 2>&1 || { cat "$out/tests.log"; exit 1; }
"$llvm/llvm-profdata" merge -sparse "$out"/profiles/*.profraw -o "$out/tests.profdata"
# Every test binary and the CLI (its tests run it as a process): the files that hold
# coverage maps.
objects=()
for f in "$out"/build/debug/deps/* "$out"/build/debug/sentinel-readiness; do
  if [ -f "$f" ] && [ -x "$f" ] && grep -q __llvm_covmap "$f"; then
    objects+=(-object "$f")
  fi
done
skip='/\.cargo/|/rustc/|/tests/'
"$llvm/llvm-cov" report "${objects[@]}" -instr-profile "$out/tests.profdata" \
  --ignore-filename-regex="$skip" | sed -E 's#^[^ ]*/crates/##' \
  | awk 'NR == 1 { printf "%-28s %8s %7s %8s %8s %7s %8s\n", "file", "regions", "missed", "cover", "lines", "missed", "cover"; next }
         /^---/ { next } { printf "%-28s %8s %7s %8s %8s %7s %8s\n", $1, $2, $3, $4, $8, $9, $10 }'
"$llvm/llvm-cov" show "${objects[@]}" -instr-profile "$out/tests.profdata" \
  --ignore-filename-regex="$skip" -show-line-counts -use-color=false >"$out/show.txt"
# One line per source line that ran zero times: `file line text`.
awk '/^\/.*:$/ { file = $0; sub(/^.*\/crates\//, "", file); sub(/:$/, "", file); next }
     match($0, /^ *[0-9]+\| *0\|/) { split($0, p, "|"); gsub(/ /, "", p[1]); t = $0; sub(/^[^|]*\|[^|]*\|/, "", t); print file, p[1], t }' \
  "$out/show.txt" >"$out/uncovered.txt"
echo "uncovered lines: $(wc -l <"$out/uncovered.txt") (target/coverage/uncovered.txt)"
if [ -n "${1:-}" ]; then
  grep -F -- "$1" "$out/uncovered.txt" || true
fi
