"""Apply adjudicated decisions to a labelled folder (first pass), in place, and write passes.csv.

usage: python3 scripts/apply_adjudication.py LABELLED_DIR PASSES_CSV DECISIONS.jsonl
PASSES_CSV is what `scripts/agreement.py --passes` wrote (pass1, pass2 per unit).
DECISIONS.jsonl has one object per decided disagreement:
  {"kind": "sentence", "article_id": ..., "start": ..., "end": ..., "final": LABEL}
  {"kind": "official", "article_id": ..., "name": ..., "action": "keep" | "drop", "row": {...}}
  {"kind": "official-fields", "article_id": ..., "name": ..., "final": {row fields}}
  {"kind": "grade", "article_id": ..., "row": [authority, area, grade], "action": "keep" | "drop"}
Undecided disagreements keep the first pass. passes.csv gains the final label per unit.
"""
import csv
import json
import os
import sys

from agreement import norm  # the same name and text normalisation the agreement report used

OFFICIAL_COLUMNS = ["article_id", "name", "title", "role", "organisation", "is_official", "ward", "party"]


def read(path):
    with open(path, encoding="utf-8") as f:
        r = csv.DictReader(f)
        return r.fieldnames, list(r)


def write(path, header, rows):
    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, header, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    os.replace(tmp, path)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    d, passes_path, dec_path = sys.argv[1:]
    decisions = [json.loads(l) for l in open(dec_path, encoding="utf-8") if l.strip()]
    sh, sents = read(os.path.join(d, "sentences.csv"))
    oh, offs = read(os.path.join(d, "officials.csv"))
    gh, grades = read(os.path.join(d, "grades.csv"))
    final = {(x["article_id"], int(x["start"]), int(x["end"])): x["final"] for x in decisions if x["kind"] == "sentence"}
    changed = 0
    for s in sents:
        k = (s["article_id"], int(s["start"]), int(s["end"]))
        if k in final and final[k] != s["label"]:
            s["label"] = final[k]
            changed += 1
    for x in decisions:
        aid = x["article_id"]
        if x["kind"] == "official":
            here = [o for o in offs if o["article_id"] == aid and norm(o["name"]) == norm(x["name"])]
            if x["action"] == "drop":
                offs = [o for o in offs if o not in here]
            elif not here:
                row = dict(x["row"], article_id=aid)
                row["is_official"] = "true" if row.get("is_official") in (True, "true") else "false"
                offs.append({c: row.get(c, "") for c in OFFICIAL_COLUMNS})
        elif x["kind"] == "official-fields":
            for o in offs:
                if o["article_id"] == aid and norm(o["name"]) == norm(x["name"]):
                    for c in OFFICIAL_COLUMNS[1:]:
                        if c in x["final"]:
                            v = x["final"][c]
                            o[c] = ("true" if v in (True, "true") else "false") if c == "is_official" else v
        elif x["kind"] == "grade":
            a, area, g = x["row"]
            match = lambda r: r["article_id"] == aid and norm(r["authority"]) == norm(a) and norm(r["judgement_area"]) == norm(area) and r["grade"] == g
            if x["action"] == "drop":
                grades = [r for r in grades if not match(r)]
            elif not any(match(r) for r in grades):
                grades.append({"article_id": aid, "authority": a, "judgement_area": area, "grade": g})
    offs.sort(key=lambda o: o["article_id"])
    grades.sort(key=lambda r: r["article_id"])
    write(os.path.join(d, "sentences.csv"), sh, sents)
    write(os.path.join(d, "officials.csv"), oh, offs)
    write(os.path.join(d, "grades.csv"), gh, grades)
    ph, passes = read(passes_path)
    labels = {(s["article_id"], int(s["start"]), int(s["end"])): s["label"] for s in sents}
    for p in passes:
        p["final"] = labels[(p["article_id"], int(p["start"]), int(p["end"]))]
    write(os.path.join(d, "passes.csv"), ["article_id", "start", "end", "pass1", "pass2", "final"], passes)
    print(f"{len(decisions)} decisions; {changed} unit labels changed; {len(offs)} officials, {len(grades)} grade rows")


if __name__ == "__main__":
    main()
