#!/usr/bin/env bash
# Fuzzes the engine's parsers and the whole report pipeline with cargo-fuzz (libFuzzer).
#   bash scripts/fuzz.sh                 # every target, 10 million executions each
#   bash scripts/fuzz.sh load 100000     # one target, a given number of executions
# FUZZ_TIMEOUT (seconds, default 10) raises the hang limit when the fuzzer shares a busy machine:
# libFuzzer measures it in wall-clock time.
# Corpora start from the repository's fixtures; crashes land in fuzz/artifacts/<target>/ and
# each one becomes a case in the hostile-input test (crates/engine/tests/formats.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.12.0 --locked
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal

targets=(load decode patterns report ffi)
[ $# -ge 1 ] && targets=("$1")
runs="${2:-10000000}"

# A custom role defined differently by three exports (dated, later, undated), with the
# assignments that use it (round 29).
redefined() {
  local f=crates/engine/tests/fixtures/formats
  { printf 7; cat "$f/az-role-assignment-list.json"; printf '\0'; cat "$f/az-role-definition-list-custom.json"
    printf '\0'; sed -e '0,/"Microsoft.SecurityInsights\/\*\/read",/s///' -e 's/2025-07-29T13:30:02.117845/2026-01-10T08:00:00.5/' \
      "$f/az-role-definition-list-custom.json"
    printf '\0'; cat "$f/get-azroledefinition.json"; } >"$1/redefined-roles"
}

# Every fixture is a seed, also one added after the corpus was made (each seed is named after
# its file, and an existing one is left as it is).
seed() {
  local dir="fuzz/corpus/$1"
  mkdir -p "$dir"
  case "$1" in
    patterns)
      printf '/subscriptions/x/resourceGroups/y\nMicrosoft.SecurityInsights/*/read' >"$dir/scope-action"
      printf "((!(ActionMatches{'Microsoft.Storage/*/read'})))\n2026-11-23" >"$dir/condition" ;;
    ffi)
      printf '{"files":[{"name":"a.json","text":"[]"}],"today":"2026-11-23"}' >"$dir/request"
      printf '{"files":[{"name":"a.json","length":2},{"name":"b.json","length":3}]}\0[]{ }' >"$dir/bytes-request" ;;
    report)
      # The first byte picks the options (see fuzz/fuzz_targets/report.rs): "0" JSON,
      # "1" the same with every verdict, "7" every verdict and every rendering; bit 3 ("8",
      # "?") evaluates on two threads.
      find crates/engine/tests/fixtures -type f \( -name '*.json' -o -name '*.csv' -o -name '*.txt' \) -size -64k \
        | while read -r f; do
            for opt in 0 1 7; do
              s="$dir/$opt-$(echo "$f" | tr '/' '_')"
              [ -e "$s" ] || { printf '%s' "$opt"; cat "$f"; } >"$s"
            done
          done
      # And three files of the sample tenant together, so evaluation starts with workspaces.
      f=crates/engine/tests/fixtures/formats
      { printf 7; cat "$f/az-role-assignment-list.json"; printf '\0'; cat "$f/graph-groups-members.json"
        printf '\0'; cat "$f/arg-resourcecontainers.json"; } >"$dir/sample-tenant"
      # And the same export twice, one role changed in the second: records in conflict.
      { printf 0; cat "$f/az-role-assignment-list.json"; printf '\0'
        sed '0,/8e3af657-a8ff-443c-a75c-2fe8c4bcb635/s//acdd72a7-3385-48ef-bd42-f606fba81ae7/' "$f/az-role-assignment-list.json"; } >"$dir/conflicting-records"
      { printf '?'; tail -c +2 "$dir/sample-tenant"; } >"$dir/sample-tenant-two-threads"
      redefined "$dir" ;;
    *)
      find crates/engine/tests/fixtures -type f \( -name '*.json' -o -name '*.csv' -o -name '*.txt' \) -size -64k \
        | while read -r f; do cp -n "$f" "$dir/$(echo "$f" | tr '/' '_')"; done ;;
  esac
}

status=0
mkdir -p fuzz/logs
for t in "${targets[@]}"; do
  seed "$t"
  echo "== $t: $runs executions"
  # -rss_limit_mb and -timeout turn unbounded memory and hangs into reported failures.
  # No AddressSanitizer: the engine is safe Rust with no unsafe code, and ASan would cost 2-3x
  # in executions; libFuzzer still catches panics, hangs and memory growth.
  if ! cargo +nightly fuzz run --sanitizer none "$t" "fuzz/corpus/$t" -- -runs="$runs" -max_len=65536 \
      -rss_limit_mb=2048 -timeout="${FUZZ_TIMEOUT:-10}" -print_final_stats=1 >"fuzz/logs/$t.log" 2>&1; then
    tail -40 "fuzz/logs/$t.log"
    status=1
  fi
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|^Done' "fuzz/logs/$t.log" || true
done
exit $status
