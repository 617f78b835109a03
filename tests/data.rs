//! The labelled data itself: the training corpus and the eval set follow the annotation contract,
//! meet the corpus targets, and do not overlap.

use ofsted::io::corpus::{overlaps, LabelledSet};
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
    for g in ofsted::grade::Grade::ALL {
        assert!(grades.iter().any(|r| r.grade == g), "no {g} grade in the corpus");
    }
    let with_units: std::collections::BTreeSet<&str> = c.units.iter().map(|u| u.article_id.as_str()).collect();
    assert_eq!(with_units.len(), c.articles.len(), "every article is labelled");
}

#[test]
fn eval_set_is_valid_and_never_overlaps_training() {
    let e = load("eval");
    assert_eq!(e.articles.len(), 5);
    e.officials().expect("eval officials.csv valid");
    e.grades().expect("eval grades.csv valid");
    // the corpus and the development batches a retrained model may use
    for train in ["corpus", "corpus/incoming/m", "corpus/incoming/v", "corpus/incoming/w"] {
        let c = load(train);
        let found = overlaps(&c.units, &e.units, 0.8);
        let names: Vec<String> = found.iter().map(|o| format!("{train} {} line {} ~ eval {}: {:?}", o.train_article, o.train_line, o.eval_article, o.train_text)).collect();
        assert!(found.is_empty(), "training units that repeat eval units:\n{}", names.join("\n"));
    }
}

#[test]
fn blind_sets_are_valid_and_never_overlap_training_eval_or_each_other() {
    let sets = [
        ("eval/blind", 30, &["corpus", "eval"][..]), ("eval/blind2", 30, &["corpus", "eval", "eval/blind"][..]), ("eval/blind3", 20, &["corpus", "eval", "eval/blind", "eval/blind2", "corpus/incoming/m"][..]),
        ("eval/blind4", 30, &["corpus", "eval", "eval/blind", "eval/blind2", "eval/blind3", "corpus/incoming/m", "corpus/incoming/v"][..]),
        ("eval/blind5", 30, &["corpus", "eval", "eval/blind", "eval/blind2", "eval/blind3", "eval/blind4", "corpus/incoming/m", "corpus/incoming/v"][..]),
    ];
    // a development batch may be trained on: it repeats no blind-set or eval unit
    let sets = sets.map(|(blind, n, others)| (blind, n, [others, &["corpus/incoming/w"][..]].concat()));
    for (blind, min_articles, others) in sets {
        let b = load(blind);
        assert!(b.articles.len() >= min_articles, "{} articles in {blind}", b.articles.len());
        b.officials().expect("blind officials.csv valid");
        b.grades().expect("blind grades.csv valid");
        for other in &others {
            let o = load(other);
            let found = overlaps(&o.units, &b.units, 0.8);
            let names: Vec<String> = found.iter().map(|x| format!("{other} {} line {} {:?} ~ {blind} {} {:?}", x.train_article, x.train_line, x.train_text, x.eval_article, x.eval_text)).collect();
            assert!(found.is_empty(), "units that repeat {blind} units:\n{}", names.join("\n"));
        }
    }
}

/// The rule stages see every bundled article, cut at eight points each, with name spans at every capitalised word: no panic
/// (slicing inside a multi-byte quote or dash was the risk), and every grade is one of the four.
#[test]
fn officials_and_grades_rules_never_panic_on_bundled_articles_cut_anywhere() {
    use ofsted::rules::officials::{resolve, Mention};
    use ofsted::text::segment::{NewsSegmenter, Segmenter};
    let seg = NewsSegmenter::default();
    for set in ["corpus", "corpus/incoming/m", "corpus/incoming/v", "corpus/incoming/w", "eval", "eval/blind", "eval/blind2", "eval/blind3", "eval/blind4", "eval/blind5"] {
        for text in load(set).articles.values() {
            let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(text.chars().count() / 7 + 1).chain([text.len()]).collect();
            for &cut in &cuts {
                let t = &text[..cut];
                let units = seg.segment(t);
                for g in ofsted::rules::grades::extract(t, &units, &ofsted::rules::authority::Bodies::find_with(t, &[])) {
                    assert!(ofsted::grade::Grade::ALL.contains(&g.grade) && g.sentence_index < units.len());
                }
                // every capitalised word pair in a unit stands in for an NER span
                let mut mentions = Vec::new();
                for u in &units {
                    let s = &t[u.start..u.end];
                    let words: Vec<(usize, &str)> = s.split_whitespace().map(|w| (w.as_ptr() as usize - s.as_ptr() as usize, w)).collect();
                    for p in words.windows(2).filter(|p| p[0].1.starts_with(char::is_uppercase)) {
                        let (start, end) = (u.start + p[0].0, u.start + p[1].0 + p[1].1.len());
                        mentions.push(Mention { start, end, sentence: (u.start, u.end), confidence: 0.5 });
                    }
                }
                for o in resolve(t, &mentions, &ofsted::rules::officials::bodies_of(t, &mentions)) {
                    assert!(!o.name.is_empty() && o.start < o.end && o.end <= t.len());
                }
            }
        }
    }
}
