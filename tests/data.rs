//! The labelled data itself: the training corpus and the eval set follow the annotation contract,
//! meet the corpus targets, and do not overlap.

use ofsted::corpus::{overlaps, LabelledSet};
use std::path::Path;

fn load(name: &str) -> LabelledSet {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    LabelledSet::load(&dir).unwrap_or_else(|errs| panic!("{name}: {}", errs.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")))
}

#[test]
fn corpus_rows_slice_their_articles_and_meet_the_size_targets() {
    let c = load("corpus");
    let counts = c.counts();
    let total: usize = counts.iter().sum();
    assert!(c.articles.len() >= 60, "{} articles", c.articles.len());
    assert!(total >= 1500, "{total} units");
    for (k, n) in counts.iter().enumerate() {
        assert!(*n * 4 >= total, "label {k} has {n} of {total} units (< 25%)");
    }
    let officials = c.officials().expect("officials.csv valid");
    assert!(officials.len() >= 150, "{} official mentions", officials.len());
    assert!(officials.iter().any(|o| !o.is_official), "non-officials are labelled too");
    let grades = c.grades().expect("grades.csv valid");
    for g in ofsted::corpus::GRADES {
        assert!(grades.iter().any(|r| r.grade == g), "no {g} grade in the corpus");
    }
    let with_units: std::collections::BTreeSet<&str> = c.units.iter().map(|u| u.article_id.as_str()).collect();
    assert_eq!(with_units.len(), c.articles.len(), "every article is labelled");
}

#[test]
fn eval_set_is_valid_and_never_overlaps_training() {
    let e = load("eval");
    let c = load("corpus");
    assert_eq!(e.articles.len(), 5);
    e.officials().expect("eval officials.csv valid");
    e.grades().expect("eval grades.csv valid");
    let found = overlaps(&c.units, &e.units, 0.8);
    let names: Vec<String> = found.iter().map(|o| format!("corpus {} line {} ~ eval {}: {:?}", o.train_article, o.train_line, o.eval_article, o.train_text)).collect();
    assert!(found.is_empty(), "training units that repeat eval units:\n{}", names.join("\n"));
}
