"""Append an adjudicated batch (a labelled folder with passes.csv) to a labelled folder such as
corpus/: articles, units, officials, grade rows and both passes. Refuses ids already present.

usage: python3 scripts/add_batch.py BATCH_DIR --into corpus [--skip ID...]
"""
import argparse
import csv
import os
import shutil


def rows(path):
    with open(path, encoding="utf-8") as f:
        r = csv.reader(f)
        return next(r), list(r)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("batch")
    ap.add_argument("--into", required=True)
    ap.add_argument("--skip", nargs="*", default=[])
    a = ap.parse_args()
    have = {n[:-4] for n in os.listdir(os.path.join(a.into, "articles"))}
    new = sorted(n[:-4] for n in os.listdir(os.path.join(a.batch, "articles")) if n[:-4] not in a.skip)
    clash = [i for i in new if i in have]
    if clash:
        raise SystemExit(f"already in {a.into}: {' '.join(clash)}")
    for i in new:
        shutil.copyfile(os.path.join(a.batch, "articles", i + ".txt"), os.path.join(a.into, "articles", i + ".txt"))
    keep = set(new)
    for name in ["sentences.csv", "officials.csv", "grades.csv", "passes.csv"]:
        header, old = rows(os.path.join(a.into, name))
        bh, add = rows(os.path.join(a.batch, name))
        if bh != header:
            raise SystemExit(f"{name}: columns {bh} differ from {header}")
        tmp = os.path.join(a.into, name + ".part")
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(old)
            w.writerows(r for r in add if r[0] in keep)
        os.replace(tmp, os.path.join(a.into, name))
    print(f"{len(new)} articles added to {a.into}")


if __name__ == "__main__":
    main()
