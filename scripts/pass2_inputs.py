"""Write the input of an independent second labelling pass: each article's text and its units in
order, without labels, officials or grades (the second labeller sees only these and the guide).

usage: python3 scripts/pass2_inputs.py LABELLED_DIR OUT_DIR
writes OUT_DIR/<article_id>.json: {"id", "text", "units": [unit text, ...]}
The second pass answers with <article_id>.json files as scripts/agreement.py reads them.
"""
import collections
import csv
import json
import os
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    units = collections.defaultdict(list)
    for r in csv.DictReader(open(os.path.join(src, "sentences.csv"), encoding="utf-8")):
        units[r["article_id"]].append(r["text"])
    for aid, us in sorted(units.items()):
        text = open(os.path.join(src, "articles", aid + ".txt"), encoding="utf-8").read()
        with open(os.path.join(out, aid + ".json"), "w", encoding="utf-8") as f:
            json.dump({"id": aid, "text": text, "units": us}, f, ensure_ascii=False, indent=1)
    print(f"{len(units)} articles, {sum(map(len, units.values()))} units -> {out}")


if __name__ == "__main__":
    main()
