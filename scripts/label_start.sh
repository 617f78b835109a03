#!/usr/bin/env bash
# How long `ofsted label` takes to be ready (address printed) on a folder of N corpus articles:
# the first start (the models read every article) against a restart (suggestions from the
# folder's cache). Usage: scripts/label_start.sh [N=100]. A benchmark, not a test.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-100}"
bin="$root/target/release/ofsted"
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 2; }
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/new/articles"
files=("$root"/corpus/articles/*.txt)
cp "${files[@]:0:$n}" "$tmp/new/articles/"
ready() {  # seconds from start until the address is on stdout
  local t0 t1 pid
  t0=$(date +%s.%N)
  "$bin" label "$tmp/new" --port 0 -q --models-dir "$root/models" > "$tmp/url" 2> "$tmp/log" & pid=$!
  until [ -s "$tmp/url" ]; do kill -0 $pid 2>/dev/null || { cat "$tmp/log" >&2; exit 1; }; sleep 0.05; done
  t1=$(date +%s.%N)
  kill $pid; wait $pid 2>/dev/null || true; rm -f "$tmp/url"
  echo "$t1 - $t0" | bc -l
}
first=$(ready); again=$(ready)
units=$(python3 -c "import json;print(sum(len(a[1]['units']) for a in json.load(open('$tmp/new/.ofsted-label/suggestions.json'))['articles'].values()))")
printf "articles %d, units %d\nfirst start  %.1f s\nrestart      %.1f s (cache)\nratio        %.1fx\n" "$(ls "$tmp/new/articles" | wc -l)" "$units" "$first" "$again" "$(echo "$first / $again" | bc -l)"
