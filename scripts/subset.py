"""Copy some articles of labelled folders (with their units, officials and grades) into a new
labelled folder, e.g. a model's dev split, to score it with `ofsted eval --gold`.

usage: python3 scripts/subset.py [SRC...] --out DIR (--dev-of MODEL_DIR [--only-from DIR...] | --ids ID...) [--prefix P]
--dev-of takes the dev articles a model's manifest.json lists, from the folders it was trained on
(its `training_data`, in order; SRC is then not needed); --only-from keeps the dev articles of
some of those folders (e.g. the batches an older model never saw). --ids takes articles of SRC.
--prefix keeps only ids starting P.
"""
import argparse
import csv
import json
import os
import shutil

FILES = ["sentences.csv", "officials.csv", "grades.csv"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src", nargs="*")
    ap.add_argument("--out", required=True)
    ap.add_argument("--dev-of")
    ap.add_argument("--only-from", nargs="*", default=[])
    ap.add_argument("--ids", nargs="*", default=[])
    ap.add_argument("--prefix", default="")
    a = ap.parse_args()
    # (folder, article id) pairs
    wanted = []
    if a.dev_of:
        m = json.load(open(os.path.join(a.dev_of, "manifest.json"), encoding="utf-8"))
        folders = [d["dir"] for d in m["training_data"]]
        # train qualifies ids by the index of their data folder ("0/<id>")
        for q in m["dev"]["articles"]:
            k, i = q.split("/", 1)
            wanted.append((folders[int(k)], i))
        keep = {os.path.normpath(d) for d in a.only_from}
        if keep:
            wanted = [(d, i) for d, i in wanted if os.path.normpath(d) in keep]
    if a.ids:
        if len(a.src) != 1:
            raise SystemExit("--ids takes one SRC folder")
        wanted += [(a.src[0], i) for i in a.ids]
    wanted = sorted({(d, i) for d, i in wanted if i.startswith(a.prefix)})
    if not wanted:
        raise SystemExit("no articles selected")
    os.makedirs(os.path.join(a.out, "articles"), exist_ok=True)
    for d, i in wanted:
        shutil.copyfile(os.path.join(d, "articles", i + ".txt"), os.path.join(a.out, "articles", i + ".txt"))
    for name in FILES:
        with open(os.path.join(a.out, name), "w", encoding="utf-8", newline="") as g:
            w = csv.writer(g, lineterminator="\n")
            header = False
            for d in sorted({d for d, _ in wanted}):
                ids = {i for dd, i in wanted if dd == d}
                with open(os.path.join(d, name), encoding="utf-8") as f:
                    r = csv.reader(f)
                    h = next(r)
                    if not header:
                        w.writerow(h)
                        header = True
                    w.writerows(row for row in r if row[0] in ids)
    print(f"{len(wanted)} articles -> {a.out}")


if __name__ == "__main__":
    main()
