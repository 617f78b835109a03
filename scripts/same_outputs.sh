#!/usr/bin/env bash
# Check that a change kept the pipeline's outputs byte for byte: run BIN (default the release
# build) on corpus/, the seeds and eval/ (in memory, and scoring the seeds' classify folder), and compare with the outputs of REF_BIN (an earlier
# build kept aside, e.g. `cp target/release/ofsted /tmp/ofsted-before`). Timings are left out; the
# seeds' folder is scored by a relative path, so the report names the same system in both.
#   scripts/same_outputs.sh /tmp/ofsted-before [BIN]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ref=${1:?usage: same_outputs.sh REF_BIN [BIN]}
bin=${2:-$root/target/release/ofsted}
seeds=$root/../shared/seeds
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { # BIN DIR
  (cd "$root" && "$1" classify corpus --out "$2/corpus" -q && "$1" classify "$seeds" --out "$2/seeds" -q && "$1" eval --out "$2/eval" -q && cd "$2" && "$1" eval --gold "$root/eval" --predictions seeds --out scored -q) 2>/dev/null
}
run "$ref" "$work/ref" && run "$bin" "$work/new"
status=0
for f in corpus/sentences.csv corpus/officials.csv corpus/grades.csv corpus/articles.jsonl seeds/sentences.csv seeds/officials.csv seeds/grades.csv seeds/articles.jsonl eval/report.json eval/report.md scored/report.json; do
  if cmp -s "$work/ref/$f" "$work/new/$f"; then echo "same     $f"; else echo "DIFFERS  $f"; status=1; fi
done
exit $status
