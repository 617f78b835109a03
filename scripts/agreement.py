"""Compare the first labelling pass (a labelled folder) with an independent second pass.

usage: python3 scripts/agreement.py LABELLED_DIR PASS2_DIR --disagreements OUT.jsonl [--passes OUT.csv]
PASS2_DIR holds <article_id>.json files with "labels" (one per unit, in sentences.csv order),
"officials" and "grades". Prints sentence-label agreement and Cohen's kappa, and name / grade-row
agreement; writes every disagreement for adjudication, and optionally a passes.csv table.
"""
import argparse
import collections
import csv
import json
import os
import unicodedata

LABELS = ["strength", "improvement", "other"]


def norm(s):
    s = unicodedata.normalize("NFKC", s).replace("’", "'").lower()
    return " ".join(s.split())


def kappa(a, b):
    n = len(a)
    po = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = collections.Counter(a), collections.Counter(b)
    pe = sum(ca[l] * cb[l] for l in LABELS) / (n * n)
    return po, (po - pe) / (1 - pe) if pe < 1 else 1.0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("labelled")
    ap.add_argument("pass2")
    ap.add_argument("--disagreements", required=True)
    ap.add_argument("--passes")
    a = ap.parse_args()
    units = collections.defaultdict(list)
    for r in csv.DictReader(open(os.path.join(a.labelled, "sentences.csv"), encoding="utf-8")):
        units[r["article_id"]].append(r)
    offs = collections.defaultdict(list)
    for r in csv.DictReader(open(os.path.join(a.labelled, "officials.csv"), encoding="utf-8")):
        offs[r["article_id"]].append(r)
    grades = collections.defaultdict(list)
    for r in csv.DictReader(open(os.path.join(a.labelled, "grades.csv"), encoding="utf-8")):
        grades[r["article_id"]].append(r)
    p1, p2, dis, rows = [], [], [], []
    name_agree = name_total = off_agree = off_total = 0
    grade_agree = grade_total = 0
    missing = []
    for aid, us in sorted(units.items()):
        jp = os.path.join(a.pass2, aid + ".json")
        if not os.path.exists(jp):
            missing.append(aid)
            continue
        j = json.load(open(jp, encoding="utf-8"))
        if len(j["labels"]) != len(us):
            raise SystemExit(f"{aid}: pass 2 has {len(j['labels'])} labels for {len(us)} units")
        for i, (u, l2) in enumerate(zip(us, j["labels"])):
            p1.append(u["label"]); p2.append(l2)
            rows.append([aid, u["start"], u["end"], u["label"], l2])
            if u["label"] != l2:
                dis.append({"kind": "sentence", "article_id": aid, "index": i, "start": int(u["start"]), "end": int(u["end"]),
                            "text": u["text"], "pass1": u["label"], "pass2": l2})
        n1 = {norm(o["name"]): o for o in offs[aid]}
        n2 = {norm(o["name"]): o for o in j.get("officials", [])}
        both = set(n1) & set(n2)
        name_agree += len(both); name_total += len(set(n1) | set(n2))
        for n in both:
            off_total += 1
            off_agree += (n1[n]["is_official"] == "true") == bool(n2[n]["is_official"])
        for n in sorted(set(n1) ^ set(n2)):
            dis.append({"kind": "official", "article_id": aid, "name": n, "in": "pass1" if n in n1 else "pass2",
                        "row": n1.get(n) or n2.get(n)})
        for n in sorted(both):
            if (n1[n]["is_official"] == "true") != bool(n2[n]["is_official"]) or norm(n1[n]["role"]) != norm(n2[n].get("role", "")) or norm(n1[n]["organisation"]) != norm(n2[n].get("organisation", "")):
                dis.append({"kind": "official-fields", "article_id": aid, "name": n, "pass1": n1[n], "pass2": n2[n]})
        g1 = {(norm(g["authority"]), norm(g["judgement_area"]), g["grade"]) for g in grades[aid]}
        g2 = {(norm(g["authority"]), norm(g["judgement_area"]), g["grade"]) for g in j.get("grades", [])}
        grade_agree += len(g1 & g2); grade_total += len(g1 | g2)
        for g in sorted(g1 ^ g2):
            dis.append({"kind": "grade", "article_id": aid, "row": g, "in": "pass1" if g in g1 else "pass2"})
    if missing:
        print(f"no second pass for {len(missing)} article(s): {' '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}")
    po, k = kappa(p1, p2)
    print(f"sentence labels: {len(p1)} units, agreement {po:.3f}, Cohen's kappa {k:.3f}, {sum(x != y for x, y in zip(p1, p2))} disagreements")
    cm = collections.Counter(zip(p1, p2))
    print("  pass1 \\ pass2: " + "  ".join(f"{l[:6]:>6}" for l in LABELS))
    for l in LABELS:
        print(f"  {l:>12}: " + "  ".join(f"{cm[(l, m)]:>6}" for m in LABELS))
    print(f"officials: names in both passes {name_agree} of {name_total} ({name_agree / max(name_total, 1):.3f}); is_official agrees on {off_agree} of {off_total}")
    print(f"grades: rows in both passes {grade_agree} of {grade_total} ({grade_agree / max(grade_total, 1):.3f})")
    with open(a.disagreements, "w", encoding="utf-8") as f:
        for d in dis:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    if a.passes:
        with open(a.passes, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["article_id", "start", "end", "pass1", "pass2"])
            w.writerows(rows)


if __name__ == "__main__":
    main()
