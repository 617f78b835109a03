#!/usr/bin/env bash
# Throughput of `ofsted classify` on a folder (default: the seed articles), as sentences per second
# of inference, for the shipped settings (length-sorted batches of 32) against a baseline in the
# same run (batch size 1, i.e. no batching). Median of REPEAT runs each.
# usage: scripts/bench.sh [INPUT_DIR] [REPEAT]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
input=${1:-$root/../shared/seeds}
repeat=${2:-5}
bin=$root/target/release/ofsted
[ -x "$bin" ] || { echo "build first: scripts/setup.sh" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
measure() { # NAME ARGS...
  local name=$1; shift
  for i in $(seq "$repeat"); do
    "$bin" classify "$input" --out "$tmp/$name" --quiet "$@"
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sentences_per_second"])' "$tmp/$name/run.json"
  done | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
sentences=$("$bin" classify "$input" --out "$tmp/warm" --quiet && python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counts"]["sentences"])' "$tmp/warm/run.json")
base=$(measure baseline --batch-size 1)
ours=$(measure default)
echo "input: $input ($sentences sentences), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf 'baseline (batch size 1):            %8.1f sentences/s\n' "$base"
printf 'default (sorted batches of 32):     %8.1f sentences/s\n' "$ours"
python3 -c "import sys; print(f'speed-up: {float(sys.argv[2])/float(sys.argv[1]):.2f}x')" "$base" "$ours"
