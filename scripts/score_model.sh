#!/usr/bin/env bash
# Score one sentence model the way the README's method table reports it: macro-F1 with its 95%
# article-bootstrap interval and ECE on the model's own dev split (from its manifest), on the
# blind sets (eval/blind ... eval/blind5) and on the eval set (eval/), plus training time and classify
# throughput (end to end on the blind articles). Prints one Markdown table row.
#   scripts/score_model.sh MODEL_DIR NAME [extra ofsted flags, e.g. --models-dir DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
model=${1:?usage: score_model.sh MODEL_DIR NAME [flags]}; name=${2:?name}; shift 2
bin=$root/target/release/ofsted
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$root"
python3 scripts/subset.py --dev-of "$model" --out "$work/dev" >/dev/null
for set in dev blind blind2 blind3 blind4 blind5 eval; do
  case $set in dev) gold=$work/dev ;; eval) gold=eval ;; *) gold=eval/$set ;; esac
  "$bin" eval -q --model "$model" --gold "$gold" --out "$work/r-$set" "$@"
done
"$bin" classify -q --model "$model" eval/blind/articles --out "$work/speed" "$@"
python3 - "$work" "$model" "$name" <<'PY'
import json, sys
work, model, name = sys.argv[1:]
cells = []
for s in ["dev", "blind", "blind2", "blind3", "blind4", "blind5", "eval"]:
    r = json.load(open(f"{work}/r-{s}/report.json"))["sentences"]
    m = r["macro_f1"]
    cells.append(f"{m['value']:.3f} [{m['low']:.3f}, {m['high']:.3f}]")
    cells.append(f"{r['ece']:.3f}")
man = json.load(open(f"{model}/manifest.json"))
secs = man.get("report", {}).get("wall_seconds")
run = json.load(open(f"{work}/speed/run.json"))
sps = run["counts"]["sentences"] / run["wall_seconds"]
print(f"| {name} | " + " | ".join(cells) + f" | {secs / 60:.1f} min | {sps:.0f} |" if secs else f"| {name} | " + " | ".join(cells) + f" | - | {sps:.0f} |")
PY
