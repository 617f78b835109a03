//! `ofsted eval`: reports on the gold set, scoring a classify folder, thresholds, comparisons, and
//! the HTML report rendered in headless Chromium.

mod common;
use common::*;
use std::path::{Path, PathBuf};

/// A tiny gold folder: one article, four units.
fn gold(dir: &Path) -> PathBuf {
    let g = dir.join("gold");
    let text = "Good work. Poor plans. A fact. More good.";
    write(&g, "articles/a1.txt", text.as_bytes());
    write(&g, "sentences.csv", b"article_id,start,end,label,text\na1,0,10,strength,Good work.\na1,11,22,improvement,Poor plans.\na1,23,30,other,A fact.\na1,31,41,strength,More good.\n");
    write(&g, "officials.csv", b"article_id,name,title,role,organisation,is_official,ward,party\na1,Jane Smith,,director,Barnsley Council,true,,\n");
    write(&g, "grades.csv", b"article_id,authority,judgement_area,grade\na1,Barnsley Council,overall effectiveness,good\n");
    g
}

/// A classify-style output folder with the given labels for the four units.
fn predictions(dir: &Path, name: &str, labels: [&str; 4], official: &str) -> PathBuf {
    let p = dir.join(name);
    let spans = [(0, 10, "Good work."), (11, 22, "Poor plans."), (23, 30, "A fact."), (31, 41, "More good.")];
    let mut csv = String::from("article_id,sentence_index,start,end,label,confidence,p_strength,p_improvement,p_other,text\n");
    for (i, ((s, e, t), l)) in spans.iter().zip(labels).enumerate() {
        csv.push_str(&format!("a1,{i},{s},{e},{l},0.9,0.3,0.3,0.4,{t}\n"));
    }
    write(&p, "sentences.csv", csv.as_bytes());
    write(&p, "officials.csv", format!("article_id,name,role,organisation,is_official,start,end,confidence\n{official}").as_bytes());
    p
}

fn report(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap()
}

#[test]
fn scoring_a_classify_folder_gives_hand_computed_numbers_and_threshold_exit_codes() {
    let d = tempfile::tempdir().unwrap();
    let g = gold(d.path());
    // one error: "A fact." (other) predicted strength
    let p = predictions(d.path(), "p", ["strength", "improvement", "strength", "strength"], "a1,Jane Smith,director,Barnsley Council,true,0,1,0.9\n");
    let out = d.path().join("r");
    let r = ofsted(&["eval", "-q", "--gold"]).arg(&g).arg("--predictions").arg(&p).arg("--out").arg(&out).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = report(&out);
    // strength: tp2 pred3 gold2 -> p .667 r 1 f .8; improvement f 1; other f 0 -> macro .6
    assert!((j["sentences"]["macro_f1"]["value"].as_f64().unwrap() - 0.6).abs() < 1e-9);
    assert!((j["sentences"]["accuracy"]["value"].as_f64().unwrap() - 0.75).abs() < 1e-9);
    assert_eq!(j["sentences"]["confusion"][2][0], 1);
    assert_eq!(j["segmentation"]["exact"], 4);
    assert_eq!(j["officials"]["criteria"][0]["f1"], 1.0);
    assert!(j["grades"].is_null(), "no grades.csv in the predictions: grades are not scored");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("| other | strength | 0.900 | A fact. |"), "the error table lists the wrong unit:\n{md}");
    for f in ["report.json", "report.md", "report.html"] {
        assert!(out.join(f).is_file());
    }
    let r = ofsted(&["eval", "-q", "--min-macro-f1", "0.61", "--gold"]).arg(&g).arg("--predictions").arg(&p).arg("--out").arg(&out).run();
    assert_eq!(r.code, 1, "below the threshold");
    assert!(r.stderr.contains("below --min-macro-f1"));
    let r = ofsted(&["eval", "-q", "--min-macro-f1", "0.59", "--gold"]).arg(&g).arg("--predictions").arg(&p).arg("--out").arg(&out).run();
    assert_eq!(r.code, 0);
}

#[test]
fn compare_reports_fixed_broken_and_moved_units_with_mcnemar() {
    let d = tempfile::tempdir().unwrap();
    let g = gold(d.path());
    let pa = predictions(d.path(), "pa", ["strength", "other", "strength", "strength"], "a1,Jane Smith,director,Barnsley Council,true,0,1,0.9\n");
    let pb = predictions(d.path(), "pb", ["strength", "improvement", "improvement", "other"], "");
    for (p, o) in [(&pa, "ra"), (&pb, "rb")] {
        let r = ofsted(&["eval", "-q", "--gold"]).arg(&g).arg("--predictions").arg(p).arg("--out").arg(d.path().join(o)).run();
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let r = ofsted(&["eval", "--compare"]).arg(d.path().join("ra")).arg(d.path().join("rb/report.json")).arg("--out").arg(d.path().join("cmp")).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    // unit 2 fixed (other->improvement), unit 4 broken (strength->other), unit 3 moved (strength->improvement)
    assert!(r.stdout.contains("| fixed (wrong in A, right in B) | 1 |"), "{}", r.stdout);
    assert!(r.stdout.contains("| broken (right in A, wrong in B) | 1 |"));
    assert!(r.stdout.contains("| moved (wrong in both, label changed) | 1 |"));
    assert!(r.stdout.contains("p = 1.0000"), "one each way: no evidence of a difference");
    assert!(r.stdout.contains("Lost by B: Jane Smith (a1)"));
    assert!(r.stdout.contains("| macro-F1 |"));
    assert!(d.path().join("cmp/compare.html").is_file());

    // reports on different gold sets are refused
    let g2 = d.path().join("g2");
    write(&g2, "articles/a1.txt", b"Good work. Poor plans. A fact. More good.");
    write(&g2, "sentences.csv", b"article_id,start,end,label,text\na1,0,10,strength,Good work.\n");
    write(&g2, "officials.csv", b"article_id,name,title,role,organisation,is_official,ward,party\n");
    write(&g2, "grades.csv", b"article_id,authority,judgement_area,grade\n");
    let r = ofsted(&["eval", "-q", "--gold"]).arg(&g2).arg("--predictions").arg(&pa).arg("--out").arg(d.path().join("rc")).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = ofsted(&["eval", "--compare"]).arg(d.path().join("ra")).arg(d.path().join("rc")).arg("--out").arg(d.path().join("cmp2")).run();
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("different gold units"));
}

#[test]
fn eval_runs_the_default_model_on_the_bundled_gold_set() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("r");
    let r = ofsted(&["eval", "-q", "--out"]).arg(&out).arg("--models-dir").arg(models()).cwd(Path::new(env!("CARGO_MANIFEST_DIR"))).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = report(&out);
    assert_eq!(j["sentences"]["units"], 200);
    assert_eq!(j["sentences"]["articles"], 5);
    let m = &j["sentences"]["macro_f1"];
    let (v, lo, hi) = (m["value"].as_f64().unwrap(), m["low"].as_f64().unwrap(), m["high"].as_f64().unwrap());
    assert!(lo <= v && v <= hi, "{v} [{lo}, {hi}]");
    // issue 13's bar for the default model on the seeds (reached 0.939 when it became the default)
    assert!(v >= 0.86, "default model's seed macro-F1 {v} fell below 0.86");
    // the officials extractor on the seeds, guarded at the levels it reached (README, Officials)
    let f1 = |name: &str| j["officials"]["criteria"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("no {name}"))["f1"].as_f64().unwrap();
    assert!(f1("name (exact)") >= 0.95 && f1("name + role") >= 0.85 && f1("name + organisation") >= 0.85, "{}", j["officials"]);
    let grades = &j["grades"];
    assert!(grades["f1"].as_f64().unwrap() >= 0.90, "grades on the seeds, the issue's target (README, Grades): {grades}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("@import"), "self-contained: nothing loaded from the network");

    // the files classify writes, read back by eval, score exactly as the run in memory: one row
    // type per file (confidences once differed in the ninth digit, read as f64 from f32 text)
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let folder = d.path().join("classified");
    let r = ofsted(&["classify", "-q", "eval/articles", "--out"]).arg(&folder).arg("--models-dir").arg(models()).cwd(root).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let scored = d.path().join("scored");
    let r = ofsted(&["eval", "-q", "--predictions"]).arg(&folder).arg("--out").arg(&scored).cwd(root).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut s = report(&scored);
    s["system"] = j["system"].clone();
    assert_eq!(s, j, "scoring the classify folder differs from scoring in memory");
}

#[test]
fn report_html_renders_in_headless_chromium_with_its_charts_and_script() {
    let d = tempfile::tempdir().unwrap();
    let g = gold(d.path());
    let p = predictions(d.path(), "p", ["strength", "improvement", "strength", "other"], "a1,Jane Smith,director,Barnsley Council,true,0,1,0.9\n");
    let out = d.path().join("r");
    assert_eq!(ofsted(&["eval", "-q", "--gold"]).arg(&g).arg("--predictions").arg(&p).arg("--out").arg(&out).run().code, 0);
    let page = out.join("report.html");
    let o = headless(&["--dump-dom", "--virtual-time-budget=2000"], &page, "");
    let dom = String::from_utf8_lossy(&o.stdout);
    let log = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{log}");
    assert!(dom.contains("data-ready=\"1\""), "the inline script ran to the end:\n{log}");
    for id in ["confusion", "f1", "reliability"] {
        assert!(dom.contains(&format!("<svg class=\"chart\" id=\"{id}\"")), "chart {id} is in the page");
    }
    assert!(dom.contains("<th class=\"sortable\">article</th>"), "the error table is made sortable");
    assert!(!log.contains("Uncaught"), "no script errors:\n{log}");
    let shot = out.join("report.png");
    let o = headless(&[&format!("--screenshot={}", shot.display()), "--window-size=1200,1600"], &page, "");
    assert!(o.status.success());
    assert!(std::fs::metadata(&shot).map(|m| m.len() > 10_000).unwrap_or(false), "a non-blank screenshot");
}
