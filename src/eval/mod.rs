//! Scoring predictions against a gold folder: sentences (with article-level bootstrap intervals
//! and calibration), segmentation, officials and grades. Gold units are matched to predicted
//! units by largest byte overlap, so scores stay meaningful when segmentation differs.

use crate::io::corpus::{self, GoldGrade, GoldOfficial, LabelledSet};
use crate::error::{Error, Result};
use crate::label::Label;
use crate::metrics::{bootstrap_groups, calibration, percentile_interval, prf, ReliabilityBin};
use crate::grade::{Grade, JudgementArea};
use crate::io::output::{self, GradeRow, OfficialRow, Row, SentenceRow};
use crate::pipeline::{Doc, FromDoc};

pub mod compare;
pub mod grades;
pub mod officials;
pub mod render;

pub use grades::grades_report;
pub use officials::{name_tokens, officials_report, organisations_match, roles_match};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[derive(Debug, Clone)]
pub struct PredUnit {
    pub start: usize,
    pub end: usize,
    pub label: Label,
    pub confidence: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PredOfficial {
    pub name: String,
    pub role: String,
    pub organisation: String,
    pub is_official: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PredGrade {
    pub authority: String,
    pub judgement_area: JudgementArea,
    pub grade: Grade,
}

/// What a system produced, per article id.
#[derive(Debug, Default)]
pub struct Predictions {
    pub units: BTreeMap<String, Vec<PredUnit>>,
    pub officials: BTreeMap<String, Vec<PredOfficial>>,
    /// None when the system does not extract grades (no grades.csv).
    pub grades: Option<BTreeMap<String, Vec<PredGrade>>>,
}

impl Predictions {
    /// A pipeline run in memory: the same rows `classify` writes.
    pub fn from_outputs(results: &[Doc]) -> Predictions {
        fn by_article<R: FromDoc>(results: &[Doc]) -> BTreeMap<String, Vec<R>> {
            results.iter().map(|d| (d.article.id.clone(), R::of(d))).collect()
        }
        Predictions::from_rows(by_article(results), by_article(results), Some(by_article(results)))
    }

    /// Read a `classify` output folder (sentences.csv, officials.csv, and grades.csv if present).
    pub fn from_dir(dir: &Path) -> Result<Predictions> {
        let grades = dir.join(GradeRow::FILE).is_file().then(|| output::read_rows::<GradeRow>(dir)).transpose()?;
        Ok(Predictions::from_rows(output::read_rows(dir)?, output::read_rows(dir)?, grades))
    }

    fn from_rows(sentences: BTreeMap<String, Vec<SentenceRow>>, officials: BTreeMap<String, Vec<OfficialRow>>, grades: Option<BTreeMap<String, Vec<GradeRow>>>) -> Predictions {
        fn each<R, T>(m: BTreeMap<String, Vec<R>>, f: impl Fn(R) -> T) -> BTreeMap<String, Vec<T>> {
            m.into_iter().map(|(id, rows)| (id, rows.into_iter().map(&f).collect())).collect()
        }
        Predictions {
            units: each(sentences, |s| PredUnit { start: s.start, end: s.end, label: s.label, confidence: s.confidence as f64 }),
            officials: each(officials, |o| PredOfficial { name: o.name, role: o.role, organisation: o.organisation, is_official: o.is_official }),
            grades: grades.map(|g| each(g, |g| PredGrade { authority: g.authority, judgement_area: g.judgement_area, grade: g.grade })),
        }
    }
}

/// The gold folder: labelled units, officials and grades.
pub struct Gold {
    pub set: LabelledSet,
    pub officials: Vec<GoldOfficial>,
    pub grades: Vec<GoldGrade>,
}

impl Gold {
    pub fn load(dir: &Path) -> Result<Gold> {
        let set = corpus::load_or_report(dir)?;
        let join = |errs: Vec<Error>| Error::data(dir, None, errs.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"));
        let officials = set.officials().map_err(join)?;
        let grades = set.grades().map_err(join)?;
        Ok(Gold { set, officials, grades })
    }
}

/// One gold unit and what the system said about it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnitResult {
    pub article_id: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub gold: Label,
    /// Label of the predicted unit overlapping this gold unit most; None when nothing overlaps.
    pub pred: Option<Label>,
    pub confidence: Option<f64>,
    pub exact_boundaries: bool,
}

impl UnitResult {
    pub fn correct(&self) -> bool {
        self.pred == Some(self.gold)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Interval {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClassRow {
    pub label: Label,
    pub precision: f64,
    pub recall: f64,
    pub f1: Interval,
    pub support: usize,
    pub predicted: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SentenceReport {
    pub units: usize,
    pub articles: usize,
    pub unmatched: usize,
    pub per_class: Vec<ClassRow>,
    pub macro_f1: Interval,
    pub micro_f1: Interval,
    pub accuracy: Interval,
    /// rows: gold strength/improvement/other; columns: predicted strength/improvement/other/none
    pub confusion: Vec<Vec<usize>>,
    pub ece: f64,
    pub reliability: Vec<ReliabilityBin>,
    pub bootstrap_rounds: usize,
    pub bootstrap_seed: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SegmentationReport {
    pub gold_units: usize,
    pub predicted_units: usize,
    pub exact: usize,
    pub exact_rate: f64,
    pub boundary_precision: f64,
    pub boundary_recall: f64,
    pub boundary_f1: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Criterion {
    pub name: String,
    pub true_positives: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OfficialMiss {
    pub article_id: String,
    pub name: String,
    pub role: String,
    pub organisation: String,
    pub is_official: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OfficialsReport {
    pub gold: usize,
    pub predicted: usize,
    pub criteria: Vec<Criterion>,
    pub is_official_accuracy: f64,
    pub missed: Vec<OfficialMiss>,
    pub spurious: Vec<OfficialMiss>,
    /// (article, gold name) pairs matched by name, for `--compare`
    pub matched: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GradesReport {
    pub gold: usize,
    pub predicted: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub missed: Vec<(String, PredGrade)>,
    pub spurious: Vec<(String, PredGrade)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub tool_version: String,
    pub gold: String,
    pub system: String,
    pub sentences: SentenceReport,
    pub segmentation: SegmentationReport,
    pub officials: OfficialsReport,
    /// None when the system produced no grades.
    pub grades: Option<GradesReport>,
    pub units: Vec<UnitResult>,
}

pub const BOOTSTRAP_ROUNDS: usize = 1000;
pub const BOOTSTRAP_SEED: u64 = 2024;

/// Predicted unit with the largest byte overlap with `[s, e)`; ties go to the earlier unit.
fn best_overlap(preds: &[PredUnit], s: usize, e: usize) -> Option<&PredUnit> {
    let mut best: Option<(&PredUnit, usize)> = None;
    for p in preds {
        let ov = e.min(p.end).saturating_sub(s.max(p.start));
        if ov > 0 && best.is_none_or(|(_, b)| ov > b) {
            best = Some((p, ov));
        }
    }
    best.map(|(p, _)| p)
}

pub fn match_units(gold: &LabelledSet, preds: &Predictions) -> Vec<UnitResult> {
    let empty = Vec::new();
    gold.units
        .iter()
        .map(|g| {
            let ps = preds.units.get(&g.article_id).unwrap_or(&empty);
            let best = best_overlap(ps, g.start, g.end);
            UnitResult {
                article_id: g.article_id.clone(),
                start: g.start,
                end: g.end,
                text: g.text.clone(),
                gold: g.label,
                pred: best.map(|p| p.label),
                confidence: best.map(|p| p.confidence),
                exact_boundaries: best.is_some_and(|p| p.start == g.start && p.end == g.end),
            }
        })
        .collect()
}

/// Confusion counts `[gold][pred or none]` (3 x 4) of a set of units.
fn confusion(units: &[&UnitResult]) -> [[usize; 4]; 3] {
    let mut m = [[0usize; 4]; 3];
    for u in units {
        m[u.gold.index()][u.pred.map_or(3, Label::index)] += 1;
    }
    m
}

struct Point {
    per_class: [(f64, f64, f64, usize, usize); 3],
    macro_f1: f64,
    micro_f1: f64,
    accuracy: f64,
}

fn point(m: &[[usize; 4]; 3]) -> Point {
    let mut per_class = [(0.0, 0.0, 0.0, 0, 0); 3];
    let (mut tp_all, mut pred_all, mut gold_all) = (0, 0, 0);
    for k in 0..3 {
        let tp = m[k][k];
        let n_pred: usize = (0..3).map(|g| m[g][k]).sum();
        let n_gold: usize = m[k].iter().sum();
        let (p, r, f) = prf(tp, n_pred, n_gold);
        per_class[k] = (p, r, f, n_gold, n_pred);
        tp_all += tp;
        pred_all += n_pred;
        gold_all += n_gold;
    }
    let macro_f1 = per_class.iter().map(|c| c.2).sum::<f64>() / 3.0;
    let micro_f1 = prf(tp_all, pred_all, gold_all).2;
    let accuracy = if gold_all == 0 { 0.0 } else { tp_all as f64 / gold_all as f64 };
    Point { per_class, macro_f1, micro_f1, accuracy }
}

pub fn sentence_report(units: &[UnitResult]) -> SentenceReport {
    let mut by_article: BTreeMap<&str, Vec<&UnitResult>> = BTreeMap::new();
    for u in units {
        by_article.entry(&u.article_id).or_default().push(u);
    }
    let per_article: Vec<[[usize; 4]; 3]> = by_article.values().map(|us| confusion(us)).collect();
    let all = confusion(&units.iter().collect::<Vec<_>>());
    let p = point(&all);
    let resampled = |stat: &dyn Fn(&Point) -> f64| {
        let xs = bootstrap_groups(per_article.len(), BOOTSTRAP_ROUNDS, BOOTSTRAP_SEED, |pick| {
            let mut m = [[0usize; 4]; 3];
            for &a in pick {
                for g in 0..3 {
                    for q in 0..4 {
                        m[g][q] += per_article[a][g][q];
                    }
                }
            }
            stat(&point(&m))
        });
        percentile_interval(&xs, 0.95)
    };
    let interval = |value: f64, stat: &dyn Fn(&Point) -> f64| {
        let (low, high) = resampled(stat);
        Interval { value, low, high }
    };
    let per_class = Label::ALL
        .iter()
        .map(|&l| {
            let k = l.index();
            let c = p.per_class[k];
            ClassRow { label: l, precision: c.0, recall: c.1, f1: interval(c.2, &|q: &Point| q.per_class[k].2), support: c.3, predicted: c.4 }
        })
        .collect();
    let matched: Vec<&UnitResult> = units.iter().filter(|u| u.pred.is_some()).collect();
    let conf: Vec<f64> = matched.iter().map(|u| u.confidence.unwrap_or(0.0)).collect();
    let ok: Vec<bool> = matched.iter().map(|u| u.correct()).collect();
    let (reliability, ece) = calibration(&conf, &ok, 10);
    SentenceReport {
        units: units.len(),
        articles: by_article.len(),
        unmatched: units.len() - matched.len(),
        per_class,
        macro_f1: interval(p.macro_f1, &|q: &Point| q.macro_f1),
        micro_f1: interval(p.micro_f1, &|q: &Point| q.micro_f1),
        accuracy: interval(p.accuracy, &|q: &Point| q.accuracy),
        confusion: all.iter().map(|r| r.to_vec()).collect(),
        ece,
        reliability,
        bootstrap_rounds: BOOTSTRAP_ROUNDS,
        bootstrap_seed: BOOTSTRAP_SEED,
    }
}

pub fn segmentation_report(gold: &LabelledSet, preds: &Predictions) -> SegmentationReport {
    let (mut exact, mut bp, mut bg, mut both, mut n_pred) = (0, 0, 0, 0, 0);
    for id in gold.articles.keys() {
        let g: Vec<(usize, usize)> = gold.units.iter().filter(|u| &u.article_id == id).map(|u| (u.start, u.end)).collect();
        let p: Vec<(usize, usize)> = preds.units.get(id).map(|v| v.iter().map(|u| (u.start, u.end)).collect()).unwrap_or_default();
        n_pred += p.len();
        let pset: BTreeSet<(usize, usize)> = p.iter().copied().collect();
        exact += g.iter().filter(|x| pset.contains(x)).count();
        let gb: BTreeSet<usize> = g.iter().flat_map(|&(s, e)| [s, e]).collect();
        let pb: BTreeSet<usize> = p.iter().flat_map(|&(s, e)| [s, e]).collect();
        both += gb.intersection(&pb).count();
        bg += gb.len();
        bp += pb.len();
    }
    let (precision, recall, f1) = prf(both, bp, bg);
    let gold_units = gold.units.len();
    SegmentationReport {
        gold_units,
        predicted_units: n_pred,
        exact,
        exact_rate: if gold_units == 0 { 0.0 } else { exact as f64 / gold_units as f64 },
        boundary_precision: precision,
        boundary_recall: recall,
        boundary_f1: f1,
    }
}

pub fn evaluate(gold: &Gold, preds: &Predictions, gold_name: &str, system: &str) -> Report {
    let units = match_units(&gold.set, preds);
    let articles: BTreeSet<String> = gold.set.articles.keys().cloned().collect();
    Report {
        tool_version: env!("CARGO_PKG_VERSION").into(),
        gold: gold_name.into(),
        system: system.into(),
        sentences: sentence_report(&units),
        segmentation: segmentation_report(&gold.set, preds),
        officials: officials_report(&gold.officials, preds),
        grades: grades_report(&gold.grades, preds, &articles),
        units,
    }
}

/// Scores of one class from confusion rows, for callers that only need F1 (compare).
pub fn class_f1(units: &[&UnitResult], label: Label) -> f64 {
    point(&confusion(units)).per_class[label.index()].2
}

pub fn macro_f1_of(units: &[&UnitResult]) -> f64 {
    point(&confusion(units)).macro_f1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::corpus::LabelledUnit;
    use Label::*;

    fn gold_set(units: &[(&str, usize, usize, Label)]) -> LabelledSet {
        let mut articles = BTreeMap::new();
        for (a, _, _, _) in units {
            articles.insert(a.to_string(), "x".repeat(200));
        }
        LabelledSet {
            dir: "gold".into(),
            articles,
            units: units.iter().map(|&(a, s, e, l)| LabelledUnit { article_id: a.into(), start: s, end: e, label: l, text: String::new(), line: 0 }).collect(),
            files: vec![],
        }
    }

    fn pred(units: &[(&str, usize, usize, Label, f64)]) -> Predictions {
        let mut p = Predictions::default();
        for &(a, s, e, l, c) in units {
            p.units.entry(a.into()).or_default().push(PredUnit { start: s, end: e, label: l, confidence: c });
        }
        p
    }

    #[test]
    fn gold_units_take_the_label_of_the_largest_overlap_and_unmatched_count_as_misses() {
        let g = gold_set(&[("a", 0, 10, Strength), ("a", 10, 30, Improvement), ("a", 40, 50, Other)]);
        // one predicted unit spans 0..14 (4 bytes into the second gold unit), another 14..30
        let p = pred(&[("a", 0, 14, Strength, 0.9), ("a", 14, 30, Other, 0.6)]);
        let u = match_units(&g, &p);
        assert_eq!(u[0].pred, Some(Strength));
        assert!(!u[0].exact_boundaries);
        assert_eq!(u[1].pred, Some(Other), "16 bytes overlap beats 4");
        assert_eq!(u[2].pred, None);
        let r = sentence_report(&u);
        assert_eq!(r.unmatched, 1);
        assert_eq!(r.confusion[2][3], 1);
        // strength: tp1 pred1 gold1 -> f1 1; improvement: tp0 -> 0; other: tp0, pred1 gold1 -> 0
        assert!((r.per_class[0].f1.value - 1.0).abs() < 1e-12);
        assert!((r.macro_f1.value - 1.0 / 3.0).abs() < 1e-12);
        // micro: tp1, predicted 2, gold 3 -> p .5 r .333 f .4
        assert!((r.micro_f1.value - 0.4).abs() < 1e-12);
        assert!((r.accuracy.value - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn overlap_ties_go_to_the_earlier_unit() {
        let g = gold_set(&[("a", 0, 10, Strength)]);
        let p = pred(&[("a", 0, 5, Improvement, 0.5), ("a", 5, 10, Strength, 0.5)]);
        assert_eq!(match_units(&g, &p)[0].pred, Some(Improvement));
    }

    #[test]
    fn bootstrap_interval_contains_the_point_and_collapses_for_one_article() {
        let g = gold_set(&[("a", 0, 5, Strength), ("a", 5, 9, Other), ("b", 0, 5, Improvement), ("b", 5, 9, Other), ("c", 0, 5, Strength)]);
        let p = pred(&[("a", 0, 5, Strength, 0.9), ("a", 5, 9, Other, 0.8), ("b", 0, 5, Other, 0.7), ("b", 5, 9, Other, 0.9), ("c", 0, 5, Strength, 0.6)]);
        let r = sentence_report(&match_units(&g, &p));
        assert!(r.macro_f1.low <= r.macro_f1.value && r.macro_f1.value <= r.macro_f1.high);
        assert!(r.macro_f1.low < r.macro_f1.high);
        let one = sentence_report(&match_units(&gold_set(&[("a", 0, 5, Strength)]), &pred(&[("a", 0, 5, Strength, 0.9)])));
        assert_eq!((one.accuracy.low, one.accuracy.high), (1.0, 1.0));
    }

    #[test]
    fn segmentation_counts_exact_units_and_boundaries() {
        let g = gold_set(&[("a", 0, 10, Other), ("a", 11, 20, Other)]);
        let p = pred(&[("a", 0, 10, Other, 1.0), ("a", 11, 15, Other, 1.0), ("a", 16, 20, Other, 1.0)]);
        let s = segmentation_report(&g, &p);
        assert_eq!(s.exact, 1);
        // gold boundaries {0,10,11,20}; predicted {0,10,11,15,16,20}
        assert!((s.boundary_recall - 1.0).abs() < 1e-12);
        assert!((s.boundary_precision - 4.0 / 6.0).abs() < 1e-12);
    }

    fn gold_off(a: &str, name: &str, role: &str, org: &str, off: bool) -> GoldOfficial {
        GoldOfficial { article_id: a.into(), name: name.into(), title: String::new(), role: role.into(), organisation: org.into(), is_official: off, ward: String::new(), party: String::new() }
    }

    #[test]
    fn officials_match_exactly_then_partially_and_score_each_criterion() {
        let gold = vec![
            gold_off("a", "Jane Smith", "director of children's services", "Barnsley Council", true),
            gold_off("a", "Tom Reyes", "council leader", "Barnsley Council", true),
            gold_off("a", "Sam Hughes", "reporter", "", false),
        ];
        let mut p = pred(&[("a", 0, 1, Other, 1.0)]);
        p.officials.insert(
            "a".into(),
            vec![
                PredOfficial { name: "Jane Smith".into(), role: "Director of Children’s Services".into(), organisation: "the Barnsley Council".into(), is_official: true },
                PredOfficial { name: "Cllr Reyes".into(), role: "leader".into(), organisation: "Kent County Council".into(), is_official: true },
                PredOfficial { name: "Ann Other".into(), role: String::new(), organisation: String::new(), is_official: false },
            ],
        );
        let r = officials_report(&gold, &p);
        let tp: Vec<usize> = r.criteria.iter().map(|c| c.true_positives).collect();
        assert_eq!(tp, [1, 2, 2, 1, 2, 1, 2], "exact, partial, role, organisation, is_official, officials only: exact, role");
        assert!((r.criteria[0].precision - 1.0 / 3.0).abs() < 1e-12);
        // officials only: 2 gold officials, 2 predicted officials (the reporter and Ann Other leave)
        let only_role = &r.criteria[6];
        assert_eq!(only_role.name, "officials only: name + role");
        assert!((only_role.precision - 1.0).abs() < 1e-12 && (only_role.recall - 1.0).abs() < 1e-12, "{only_role:?}");
        assert_eq!(r.missed.len(), 1);
        assert_eq!(r.missed[0].name, "Sam Hughes");
        assert_eq!(r.spurious[0].name, "Ann Other");
    }

    #[test]
    fn grades_are_absent_without_predictions_and_match_on_normalised_tuples() {
        let gold = vec![GoldGrade { article_id: "a".into(), authority: "Barnsley Council".into(), judgement_area: "overall effectiveness".parse().unwrap(), grade: "good".parse().unwrap() }];
        let articles: BTreeSet<String> = ["a".to_string()].into();
        assert!(grades_report(&gold, &Predictions::default(), &articles).is_none());
        let mut p = Predictions::default();
        p.grades = Some(BTreeMap::from([(
            "a".to_string(),
            vec![
                PredGrade { authority: "the Barnsley Council".into(), judgement_area: "Overall effectiveness".parse().unwrap(), grade: "good".parse().unwrap() },
                PredGrade { authority: "Barnsley Council".into(), judgement_area: "care leavers".parse().unwrap(), grade: "good".parse().unwrap() },
            ],
        )]));
        let r = grades_report(&gold, &p, &articles).unwrap();
        assert_eq!((r.gold, r.predicted), (1, 2));
        assert!((r.recall - 1.0).abs() < 1e-12 && (r.precision - 0.5).abs() < 1e-12);
        assert_eq!(r.spurious.len(), 1);
    }
}
