#!/usr/bin/env python3
"""Throughput of `ofsted classify` against the Python stack doing the same model work, in one run.

Every system runs once per round, in the same order, for --repeat rounds (alternating, so a
slow spell of the machine hits every system alike); the table shows medians. ofsted is timed
end to end (process wall time: loading models, reading, segmentation, inference, rules and
writing outputs); the Python stack (scripts/bench_python.py) is timed on its model work only,
after loading, so every ratio is conservative for ofsted. Peak memory is each process's
maximum resident set.

A benchmark, not a test: nothing here asserts a time. scripts/bench.sh sets up the Python side.
"""
import argparse
import csv
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PY = ROOT / ".deps" / "bench-venv" / "bin" / "python"
DEFAULT_INPUTS = ["eval/blind/articles", "eval/blind2/articles", "eval/blind3/articles", "eval/articles"]


def run(cmd, env=None):
    """Run one process to completion; a failure stops the benchmark with its stderr."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    if p.returncode != 0:
        sys.exit(f"bench: {shlex.join(map(str, cmd))} failed with status {p.returncode}:\n{p.stderr.decode(errors='replace')[-3000:]}")


def run_measured(cmd, env=None):
    """Wall seconds, peak resident MB (from wait4's rusage of this one child) and stdout."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"bench: {shlex.join(map(str, cmd))} failed with status {p.returncode}")
    return wall, usage.ru_maxrss / 1024, out.decode()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", action="append", help=f"article folder or file (repeatable; default: {' '.join(DEFAULT_INPUTS)})")
    ap.add_argument("--model", default="models/default", help="ofsted model folder (default: %(default)s)")
    ap.add_argument("--repeat", type=int, default=3, help="rounds (default: %(default)s)")
    ap.add_argument("--threads", type=int, default=2, help="threads for both sides (default: %(default)s)")
    ap.add_argument("--variant", action="append", metavar="NAME=ARGS",
                    help="an ofsted run with extra classify flags, e.g. 'fp32=--precision fp32' (repeatable; default: 'default=' and 'fp32=--precision fp32'); "
                         "ARGS starting with 'bin=PATH' run another build, e.g. 'before=bin=/tmp/ofsted-before'")
    ap.add_argument("--no-python", action="store_true", help="ofsted variants only (the first is the baseline)")
    ap.add_argument("--python", default="fp32,bf16", help="precisions of the Python side (fp32, bf16, int8; default: %(default)s)")
    ap.add_argument("--csv", help="also write every run as CSV here")
    ap.add_argument("--scale", type=int, metavar="K",
                    help="instead: the first variant on the input once and K times over (copies under new ids), "
                         "for the time ratio (linear: K) and peak memory (flat: the same)")
    a = ap.parse_args()

    os.chdir(ROOT)
    bin_ = ROOT / "target" / "release" / "ofsted"
    if not bin_.exists():
        sys.exit("bench: build first: scripts/setup.sh")
    inputs = a.input or DEFAULT_INPUTS
    variants = [v.split("=", 1) for v in (a.variant or ["default=", "fp32=--precision fp32"])]
    if any(len(v) != 2 or not v[0] for v in variants):
        sys.exit("bench: --variant takes NAME=ARGS")
    manifest = json.loads((Path(a.model) / "manifest.json").read_text())
    encoder_dir = ROOT / "models" / manifest["encoder"]["dir"]
    tmp = Path(tempfile.mkdtemp(prefix="ofsted-bench-"))
    env = dict(os.environ, OFSTED_MODEL=a.model)

    # one warm-up run: fills the page cache and gives the units the Python side reads
    run([bin_, "classify", *inputs, "--out", tmp / "warm", "--quiet", "--threads", str(a.threads)], env)
    units_csv = tmp / "warm" / "sentences.csv"
    with open(units_csv, newline="", encoding="utf-8") as f:
        units = sum(1 for _ in csv.DictReader(f))
    articles = json.loads((tmp / "warm" / "run.json").read_text())["counts"]

    if a.scale:
        return scale(a, bin_, inputs, variants[0], env, tmp)

    systems = []
    for name, args in variants:
        words = shlex.split(args)
        exe = bin_
        if words and words[0].startswith("bin="):
            exe = Path(words.pop(0)[4:])
        threads = [] if "--threads" in words else ["--threads", str(a.threads)]
        cmd = [exe, "classify", *inputs, "--out", tmp / name, "--quiet", *threads, *words]
        systems.append((f"ofsted {name}", cmd, "ofsted"))
    if not a.no_python:
        if not VENV_PY.exists():
            sys.exit("bench: the Python side is not installed; run scripts/bench.sh, which installs it")
        for prec in a.python.split(","):
            cmd = [VENV_PY, ROOT / "scripts" / "bench_python.py", "--units", units_csv, "--encoder", encoder_dir,
                   "--head", Path(a.model) / "head.json", "--ner", ROOT / "models" / "ner", "--precision", prec, "--threads", str(a.threads)]
            systems.append((f"python {prec}", cmd, "python"))

    rows = []
    for r in range(a.repeat):
        for name, cmd, kind in systems:
            wall, peak, out = run_measured(cmd, env)
            seconds = json.loads(out.strip().splitlines()[-1])["seconds"] if kind == "python" else wall
            rows.append({"round": r + 1, "system": name, "seconds": round(seconds, 3), "wall_seconds": round(wall, 3),
                         "peak_mb": round(peak), "units": units, "units_per_second": round(units / seconds, 2)})
            print(f"  round {r + 1}: {name:<20} {seconds:8.1f} s  {units / seconds:7.1f} units/s  {peak:6.0f} MB", file=sys.stderr)

    med = {}
    for name, _, _ in systems:
        mine = [x for x in rows if x["system"] == name]
        med[name] = (statistics.median(x["seconds"] for x in mine), max(x["peak_mb"] for x in mine))
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"input: {' '.join(inputs)}: {articles.get('articles', '?')} articles, {units} units; model {a.model}; "
          f"{a.threads} threads; {os.cpu_count()} cores ({cpu}); medians of {a.repeat} alternating rounds")
    baselines = [f"python {p}" for p in a.python.split(",")][:2] if not a.no_python else [systems[0][0]]
    head = f"| system | timed | seconds | units/s | peak MB | " + " | ".join(f"x {b}" for b in baselines) + " |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for name, _, kind in systems:
        s, peak = med[name]
        timed = "end to end" if kind == "ofsted" else "models only"
        ratios = " | ".join(f"{med[b][0] / s:.2f}" for b in baselines)
        print(f"| {name} | {timed} | {s:.1f} | {units / s:.1f} | {peak:.0f} | {ratios} |")
    if a.csv:
        part = Path(a.csv + ".part")
        with open(part, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        part.replace(a.csv)
    subprocess.run(["rm", "-rf", tmp])


def scale(a, bin_, inputs, variant, env, tmp):
    """The input 1x and K x: every .txt article copied K times under new ids (k00_..., k01_...).
    Chunks hold 64 articles and the inputs here hold more than 64, so no chunk sees two copies of
    one article (identical units within a chunk are encoded once)."""
    import shutil
    files = sorted(p for i in inputs for p in (Path(i).rglob("*.txt") if Path(i).is_dir() else [Path(i)]))
    if len(files) <= 64:
        sys.exit("bench: --scale needs more than 64 articles in the input (one chunk)")
    for k in [None, *range(a.scale)]:
        d = tmp / "x1" if k is None else tmp / f"x{a.scale}" / f"k{k:02}"
        d.mkdir(parents=True)
        for f in files:
            shutil.copyfile(f, d / (f.name if k is None else f"k{k:02}_{f.name}"))
    words = shlex.split(variant[1])
    rows = []
    for r in range(a.repeat):
        for name in ["1x", f"{a.scale}x"]:
            inp = tmp / ("x1" if name == "1x" else f"x{a.scale}")
            wall, peak, _ = run_measured([bin_, "classify", inp, "--out", tmp / f"out-{name}", "--quiet", "--threads", str(a.threads), *words], env)
            run = json.loads((tmp / f"out-{name}" / "run.json").read_text())
            rows.append((name, wall, peak, run["counts"]["articles"], run["counts"]["sentences"]))
            print(f"  round {r + 1}: {name:<4} {wall:8.1f} s {peak:6.0f} MB", file=sys.stderr)
    med = {n: (statistics.median(w for m, w, *_ in rows if m == n), max(p for m, _, p, *_ in rows if m == n), next((x[3], x[4]) for x in rows if x[0] == n)) for n in ["1x", f"{a.scale}x"]}
    (t1, m1, (a1, u1)), (tk, mk, (ak, uk)) = med["1x"], med[f"{a.scale}x"]
    print(f"| input | articles | units | seconds | peak MB |\n|---|---|---|---|---|")
    print(f"| 1x | {a1} | {u1} | {t1:.1f} | {m1:.0f} |\n| {a.scale}x | {ak} | {uk} | {tk:.1f} | {mk:.0f} |")
    print(f"time ratio {tk / t1:.2f} for {a.scale}x the input; peak memory ratio {mk / m1:.2f} (medians of {a.repeat}, variant {variant[0]!r})")
    subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
