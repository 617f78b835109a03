"""Leave out of a gold set's sentences.csv the units that repeat a unit of other labelled sets
(stock lines such as "Notes to editors" or "Adoption: good"), so every scored unit is unseen and
`ofsted train` never has to refuse its training data. Same test as `io::corpus::overlaps`:
identical after normalisation, or word-set Jaccard >= 0.8 for units of at least 6 words.

usage: python3 scripts/drop_overlaps.py GOLD_DIR --against DIR... [--dry-run]
Prints each dropped unit with the unit it repeats; rewrites GOLD_DIR/sentences.csv atomically.
"""
import argparse
import csv
import os
import re


def words(text):
    return [w.lower() for w in re.split(r"[^\w]|_", text) if w]


def repeats(a, b, threshold=0.8):
    if a[1] and a[1] == b[1]:
        return True
    if min(len(a[0]), len(b[0])) < 6:
        return False
    return len(a[0] & b[0]) / len(a[0] | b[0]) >= threshold


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold")
    ap.add_argument("--against", nargs="+", required=True)
    ap.add_argument("--dry-run", action="store_true")
    a = ap.parse_args()
    key = lambda t: (set(words(t)), " ".join(words(t)))
    others = []
    for d in a.against:
        with open(os.path.join(d, "sentences.csv"), encoding="utf-8") as f:
            others += [(key(r["text"]), d, r["text"]) for r in csv.DictReader(f)]
    path = os.path.join(a.gold, "sentences.csv")
    with open(path, encoding="utf-8") as f:
        r = csv.reader(f)
        header = next(r)
        rows = list(r)
    text_col = header.index("text")
    keep, dropped = [], 0
    for row in rows:
        k = key(row[text_col])
        hit = next((o for o in others if repeats(k, o[0])), None)
        if hit:
            dropped += 1
            print(f"drop {row[0]}: {row[text_col]!r} ~ {hit[1]}: {hit[2]!r}")
        else:
            keep.append(row)
    print(f"{dropped} of {len(rows)} units dropped, {len(keep)} kept")
    if not a.dry_run:
        tmp = path + ".part"
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(keep)
        os.replace(tmp, path)


if __name__ == "__main__":
    main()
