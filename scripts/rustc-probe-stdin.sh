#!/usr/bin/env bash
# RUSTC_WRAPPER set by scripts/test.sh. Cargo asks the compiler about each target with
# `rustc - --crate-name ___ …`, whose source is an empty stdin it writes through a pipe. On
# this project's sandboxed machines such a pipe has handed that probe bytes of earlier
# output, and cargo then keeps the failed answer in target/.rustc_info.json for every later
# call (round 33). Here the probe reads /dev/null, the same empty input; every other call,
# build scripts' own probes included, runs as it is.
probe=0
prev=
for arg in "$@"; do
  if [ "$prev" = --crate-name ] && [ "$arg" = ___ ]; then probe=1; fi
  prev=$arg
done
if [ "$probe" = 1 ]; then exec "$@" </dev/null; fi
exec "$@"
