#!/usr/bin/env python3
"""Scale benchmark: `ofsted classify` on synthetic archives of growing size, in one run.

Each synthetic article is a headline and one paragraph drawn (seeded) from a random corpus
article, about 4-5 units: short, so that 100,000 articles fit in a benchmark run. What this
measures is how time and memory grow with the number of articles (reading, chunking, the
journal, the outputs); per-unit model speed is scripts/bench.py's job. Articles are .txt files
in folders of 1,000, as a large archive on disk would be.

Prints a table of articles, units, wall seconds, peak resident MB, and each size's time ratio
against the smallest size (its baseline in the same run). A benchmark, not a test.
  scripts/scale.py                      # 1,000, 10,000 and 100,000 articles
  scripts/scale.py --sizes 1000,10000
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def paragraphs(corpus):
    """(headline, [paragraphs]) of every corpus article."""
    out = []
    for f in sorted((corpus / "articles").glob("*.txt")):
        blocks = [b.strip() for b in f.read_text(encoding="utf-8").split("\n\n") if b.strip()]
        if len(blocks) >= 2:
            out.append((blocks[0], blocks[1:]))
    return out


def build(dest, n, source, seed):
    rng = random.Random(seed)
    for i in range(n):
        sub = dest / f"{i // 1000:03}"
        if i % 1000 == 0:
            sub.mkdir(parents=True)
        headline = rng.choice(source)[0]
        body = rng.choice(rng.choice(source)[1])
        (sub / f"syn{i:06}.txt").write_text(f"{headline}\n\n{body}\n", encoding="utf-8")


def measured(cmd):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"scale: {' '.join(map(str, cmd))} failed with status {code}:\n{err.decode(errors='replace')[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000", help="article counts, smallest first (default: %(default)s)")
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "ofsted"), help="ofsted binary (default: the release build)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", metavar="DIR", help="build the archives here and keep them (default: a temporary folder, removed)")
    ap.add_argument("--args", default="", help="extra classify flags")
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    source = paragraphs(ROOT / "corpus")
    tmp = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="ofsted-scale-"))
    rows = []
    try:
        for n in sizes:
            arch = tmp / f"archive-{n}"
            if not arch.exists():
                t0 = time.perf_counter()
                build(arch, n, source, a.seed)
                print(f"  built {n} articles in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
            out = tmp / f"out-{n}"
            wall, peak = measured([a.bin, "classify", arch, "--out", out, "--quiet", "--threads", str(a.threads), *a.args.split()])
            run = json.loads((out / "run.json").read_text())
            rows.append((n, run["counts"]["sentences"], wall, peak))
            print(f"  {n:>7} articles: {wall:8.1f} s, {peak:6.0f} MB", file=sys.stderr)
            shutil.rmtree(out)
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    n0, _, t0, m0 = rows[0]
    print(f"synthetic articles (a corpus headline and paragraph each); {a.threads} threads; one run each; baseline {n0} articles")
    print("| articles | units | seconds | peak MB | x articles | x time | x peak memory |")
    print("|---|---|---|---|---|---|---|")
    for n, u, t, m in rows:
        print(f"| {n:,} | {u:,} | {t:.1f} | {m:.0f} | {n / n0:.0f} | {t / t0:.2f} | {m / m0:.2f} |")


if __name__ == "__main__":
    main()
