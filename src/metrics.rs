//! Classification metrics over the three labels, computed with ndarray.

use crate::label::Label;
use ndarray::Array2;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClassScores {
    pub label: Label,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Scores {
    pub accuracy: f64,
    pub macro_f1: f64,
    pub per_class: Vec<ClassScores>,
    /// rows = gold, columns = predicted, in [`Label::ALL`] order
    pub confusion: Array2<usize>,
}

pub fn confusion(gold: &[Label], pred: &[Label]) -> Array2<usize> {
    let mut m = Array2::zeros((3, 3));
    for (g, p) in gold.iter().zip(pred) {
        m[[g.index(), p.index()]] += 1;
    }
    m
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Precision, recall and F1 per class, macro-F1 and accuracy. A class with no gold and no
/// predicted items scores 0 (it is still counted in the macro average).
pub fn score(gold: &[Label], pred: &[Label]) -> Scores {
    let m = confusion(gold, pred);
    let per_class: Vec<ClassScores> = Label::ALL
        .iter()
        .map(|&l| {
            let k = l.index();
            let tp = m[[k, k]];
            let precision = ratio(tp, m.column(k).sum());
            let recall = ratio(tp, m.row(k).sum());
            let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
            ClassScores { label: l, precision, recall, f1, support: m.row(k).sum() }
        })
        .collect();
    let macro_f1 = per_class.iter().map(|c| c.f1).sum::<f64>() / per_class.len() as f64;
    let accuracy = ratio(m.diag().sum(), gold.len());
    Scores { accuracy, macro_f1, per_class, confusion: m }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Label::*;

    #[test]
    fn hand_computed_scores() {
        // gold S S I O O O; pred S I I O O S
        let gold = [Strength, Strength, Improvement, Other, Other, Other];
        let pred = [Strength, Improvement, Improvement, Other, Other, Strength];
        let s = score(&gold, &pred);
        // S: tp1 fp1 fn1 -> p .5 r .5 f .5; I: tp1 fp1 fn0 -> p .5 r 1 f .6667; O: tp2 fp0 fn1 -> p 1 r .6667 f .8
        let f: Vec<f64> = s.per_class.iter().map(|c| c.f1).collect();
        assert!((f[0] - 0.5).abs() < 1e-9 && (f[1] - 2.0 / 3.0).abs() < 1e-9 && (f[2] - 0.8).abs() < 1e-9);
        assert!((s.macro_f1 - (0.5 + 2.0 / 3.0 + 0.8) / 3.0).abs() < 1e-9);
        assert!((s.accuracy - 4.0 / 6.0).abs() < 1e-9);
        assert_eq!(s.confusion[[2, 0]], 1);
    }

    #[test]
    fn empty_class_scores_zero_without_dividing_by_zero() {
        let s = score(&[Other, Other], &[Other, Other]);
        assert_eq!(s.per_class[0].f1, 0.0);
        assert_eq!(s.per_class[2].f1, 1.0);
        assert!((s.macro_f1 - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(score(&[], &[]).accuracy, 0.0);
    }
}
