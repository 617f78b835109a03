"""Assemble authored article JSON files into the labelled-data format that `ofsted train` reads.

Each source file holds an article as an ordered list of units (text, label, optional `before`
marker, `after` separator), plus its officials and grades. The article text is the
concatenation, so every unit's byte offsets are exact by construction.

usage: python3 scripts/build_corpus.py SRC_DIR... --out DIR
writes DIR/articles/<id>.txt, DIR/sentences.csv, DIR/officials.csv, DIR/grades.csv
"""
import argparse
import csv
import json
import os
import sys

LABELS = {"strength", "improvement", "other"}
GRADES = {"outstanding", "good", "requires improvement to be good", "inadequate"}
OFFICIAL_COLUMNS = ["article_id", "name", "title", "role", "organisation", "is_official", "ward", "party"]


def add_people_and_grades(doc, aid, path, offs, grades, problems):
    for o in doc.get("officials", []):
        offs.append([aid, o["name"], o.get("title", ""), o.get("role", ""), o.get("organisation", ""),
                     "true" if o.get("is_official") else "false", o.get("ward", ""), o.get("party", "")])
    for g in doc.get("grades", []):
        if g["grade"] not in GRADES:
            problems.append(f"{path}: bad grade {g['grade']!r}")
        grades.append([aid, g["authority"], g["judgement_area"], g["grade"]])


def build(paths, out):
    arts, sents, offs, grades, problems = {}, [], [], [], []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        aid = doc["id"]
        if aid in arts:
            problems.append(f"{path}: duplicate id {aid}")
            continue
        if "article_file" in doc:
            # units of an existing article (the eval set): locate each one in order
            src = os.path.join(os.path.dirname(path), doc["article_file"])
            with open(src, "rb") as f:
                raw = f.read()
            article = raw.decode("utf-8")
            pos = 0
            for i, u in enumerate(doc["units"]):
                needle = u["text"].encode()
                at = raw.find(needle, pos)
                if at < 0 or u["label"] not in LABELS:
                    problems.append(f"{path}: unit {i} not found after byte {pos} or bad label: {u['text'][:60]!r}")
                    continue
                sents.append([aid, at, at + len(needle), u["label"], u["text"]])
                pos = at + len(needle)
            arts[aid] = article
            add_people_and_grades(doc, aid, path, offs, grades, problems)
            continue
        text, pos = [], 0
        for i, u in enumerate(doc["units"]):
            before, body, after = u.get("before", ""), u["text"], u.get("after", "\n")
            if u["label"] not in LABELS:
                problems.append(f"{path}: unit {i}: bad label {u['label']!r}")
            if body != body.strip() or "\n" in body or not any(c.isalnum() for c in body):
                problems.append(f"{path}: unit {i}: text must be trimmed, one line, with a letter or digit: {body!r}")
            pos += len(before.encode())
            start = pos
            pos += len(body.encode())
            sents.append([aid, start, pos, u["label"], body])
            pos += len(after.encode())
            text.append(before + body + after)
        arts[aid] = "".join(text)
        add_people_and_grades(doc, aid, path, offs, grades, problems)
    if problems:
        sys.exit("\n".join(problems))
    os.makedirs(os.path.join(out, "articles"), exist_ok=True)
    for aid, t in arts.items():
        with open(os.path.join(out, "articles", aid + ".txt"), "w", encoding="utf-8", newline="") as f:
            f.write(t)
    for name, header, rows in [("sentences.csv", ["article_id", "start", "end", "label", "text"], sents),
                               ("officials.csv", OFFICIAL_COLUMNS, offs),
                               ("grades.csv", ["article_id", "authority", "judgement_area", "grade"], grades)]:
        with open(os.path.join(out, name), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)
    counts = {l: sum(1 for s in sents if s[3] == l) for l in sorted(LABELS)}
    print(f"{len(arts)} articles, {len(sents)} units {counts}, {len(offs)} officials, {len(grades)} grades -> {out}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src", nargs="+")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    files = []
    for s in a.src:
        if os.path.isdir(s):
            files += sorted(os.path.join(s, n) for n in os.listdir(s) if n.endswith(".json"))
        else:
            files.append(s)
    build(files, a.out)
