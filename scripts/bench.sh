#!/usr/bin/env bash
# Speed benchmark: `ofsted classify` end to end against the Python stack (sentence-transformers +
# transformers, fp32 and bf16) doing the same model work on the same units, alternating rounds,
# medians, ratios and peak memory. Installs the Python side on first use into its own virtualenv
# under the git-ignored .deps/ (torch 2.4.0 as the Rust side links, from PyPI; about 3 GB, a few
# minutes). A benchmark, not a test. Flags go to scripts/bench.py; see `scripts/bench.sh --help`.
#
#   scripts/bench.sh                                  # default model, bf16 and fp32, vs Python
#   scripts/bench.sh --variant 'batch1=--batch-size 1' --variant default= --no-python
#   scripts/bench.sh --model models/fast --input corpus/articles --repeat 5
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=$root/.deps/bench-venv
stamp=$venv/.ofsted-complete
needs_python=1
for a in "$@"; do case $a in -h|--help|--no-python|--scale|--scale=*) needs_python=0 ;; esac; done
if [ "$needs_python" = 1 ] && [ ! -f "$stamp" ]; then
  echo "[bench] installing the Python side into $venv (first run only)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    torch==2.4.0 transformers==4.44.2 sentence-transformers==3.0.1 numpy==1.26.4 \
    || { echo "[bench] could not install the Python side (disk space? registry?); rerun scripts/bench.sh" >&2; exit 2; }
  touch "$stamp"
fi
exec python3 "$root/scripts/bench.py" "$@"
