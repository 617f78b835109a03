"""Copy some articles of a labelled folder (with their units, officials and grades) into a new
labelled folder, e.g. a model's dev split, to score it with `ofsted eval --gold`.

usage: python3 scripts/subset.py SRC --out DIR (--dev-of MODEL_DIR | --ids ID...) [--prefix P]
--dev-of takes the dev articles a model's manifest.json lists; --prefix keeps only ids starting P.
"""
import argparse
import csv
import json
import os
import shutil


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src")
    ap.add_argument("--out", required=True)
    ap.add_argument("--dev-of")
    ap.add_argument("--ids", nargs="*", default=[])
    ap.add_argument("--prefix", default="")
    a = ap.parse_args()
    ids = set(a.ids)
    if a.dev_of:
        m = json.load(open(os.path.join(a.dev_of, "manifest.json"), encoding="utf-8"))
        # train qualifies ids by data folder ("0/<id>")
        ids |= {x.split("/", 1)[-1] for x in m["dev"]["articles"]}
    ids = {i for i in ids if i.startswith(a.prefix)}
    if not ids:
        raise SystemExit("no articles selected")
    os.makedirs(os.path.join(a.out, "articles"), exist_ok=True)
    for i in sorted(ids):
        shutil.copyfile(os.path.join(a.src, "articles", i + ".txt"), os.path.join(a.out, "articles", i + ".txt"))
    for name in ["sentences.csv", "officials.csv", "grades.csv"]:
        with open(os.path.join(a.src, name), encoding="utf-8") as f, open(os.path.join(a.out, name), "w", encoding="utf-8", newline="") as g:
            r = csv.reader(f)
            w = csv.writer(g, lineterminator="\n")
            w.writerow(next(r))
            w.writerows(row for row in r if row[0] in ids)
    print(f"{len(ids)} articles -> {a.out}")


if __name__ == "__main__":
    main()
