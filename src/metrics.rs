//! Classification metrics over the three labels, computed with ndarray.

use crate::label::Label;
use ndarray::Array2;
use serde::{Deserialize, Serialize};

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

/// Percentile interval of a sample (sorted copy), e.g. `percentile_interval(xs, 0.95)`.
pub fn percentile_interval(xs: &[f64], level: f64) -> (f64, f64) {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    v.sort_by(f64::total_cmp);
    let q = |p: f64| {
        let pos = p * (v.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
    };
    let tail = (1.0 - level) / 2.0;
    (q(tail), q(1.0 - tail))
}

/// Resample groups (articles) with replacement `rounds` times; `stat` sees the chosen group indices.
pub fn bootstrap_groups(groups: usize, rounds: usize, seed: u64, mut stat: impl FnMut(&[usize]) -> f64) -> Vec<f64> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut pick = vec![0usize; groups];
    (0..rounds)
        .map(|_| {
            for p in pick.iter_mut() {
                *p = rng.gen_range(0..groups.max(1));
            }
            stat(&pick)
        })
        .collect()
}

/// One bin of a reliability table.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ReliabilityBin {
    pub lower: f64,
    pub upper: f64,
    pub count: usize,
    pub mean_confidence: f64,
    pub accuracy: f64,
}

/// Reliability table over `bins` equal-width confidence bins, and the expected calibration error
/// (bin-size-weighted mean |accuracy - confidence|).
pub fn calibration(confidence: &[f64], correct: &[bool], bins: usize) -> (Vec<ReliabilityBin>, f64) {
    let mut table: Vec<ReliabilityBin> = (0..bins)
        .map(|b| ReliabilityBin { lower: b as f64 / bins as f64, upper: (b + 1) as f64 / bins as f64, count: 0, mean_confidence: 0.0, accuracy: 0.0 })
        .collect();
    for (&c, &ok) in confidence.iter().zip(correct) {
        let b = ((c * bins as f64).floor() as usize).min(bins - 1);
        table[b].count += 1;
        table[b].mean_confidence += c;
        table[b].accuracy += ok as u8 as f64;
    }
    let n = confidence.len().max(1) as f64;
    let mut ece = 0.0;
    for b in &mut table {
        if b.count > 0 {
            b.mean_confidence /= b.count as f64;
            b.accuracy /= b.count as f64;
            ece += b.count as f64 / n * (b.accuracy - b.mean_confidence).abs();
        }
    }
    (table, ece)
}

/// Probabilities at temperature `t`: softmax(log p / t), renormalised.
pub fn temper(p: &[f32; 3], t: f64) -> [f32; 3] {
    let logs: Vec<f64> = p.iter().map(|&x| (x.max(1e-12) as f64).ln() / t).collect();
    let m = logs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = logs.iter().map(|l| (l - m).exp()).collect();
    let z: f64 = e.iter().sum();
    [(e[0] / z) as f32, (e[1] / z) as f32, (e[2] / z) as f32]
}

/// Mean negative log-likelihood of the gold labels at temperature `t`.
pub fn nll(probs: &[[f32; 3]], gold: &[Label], t: f64) -> f64 {
    let n = probs.len().max(1) as f64;
    probs.iter().zip(gold).map(|(p, g)| -(temper(p, t)[g.index()].max(1e-12) as f64).ln()).sum::<f64>() / n
}

/// The temperature in [0.05, 20] minimising dev NLL: golden-section search on log t (NLL is
/// unimodal in t for a fixed set of logits).
pub fn fit_temperature(probs: &[[f32; 3]], gold: &[Label]) -> f64 {
    let f = |lt: f64| nll(probs, gold, lt.exp());
    let (mut a, mut b) = (0.05f64.ln(), 20f64.ln());
    let r = (5f64.sqrt() - 1.0) / 2.0;
    let (mut c, mut d) = (b - r * (b - a), a + r * (b - a));
    let (mut fc, mut fd) = (f(c), f(d));
    for _ in 0..60 {
        if fc < fd {
            b = d;
            d = c;
            fd = fc;
            c = b - r * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + r * (b - a);
            fd = f(d);
        }
    }
    ((a + b) / 2.0).exp()
}

/// Exact two-sided McNemar test from the discordant counts: `b` = only the first system right,
/// `c` = only the second right. Under no difference, b ~ Binomial(b + c, 1/2).
pub fn mcnemar_exact(b: usize, c: usize) -> f64 {
    let n = b + c;
    if n == 0 {
        return 1.0;
    }
    let k = b.min(c);
    // P(X <= k) for X ~ Bin(n, 0.5), in log space for large n
    let ln_half_n = n as f64 * 0.5f64.ln();
    let mut log_choose = 0.0; // ln C(n, 0)
    let mut tail = 0.0;
    for i in 0..=k {
        if i > 0 {
            log_choose += ((n - i + 1) as f64).ln() - (i as f64).ln();
        }
        tail += (log_choose + ln_half_n).exp();
    }
    (2.0 * tail).min(1.0)
}

/// Precision, recall and F1 from counts; 0 where undefined.
pub fn prf(tp: usize, n_pred: usize, n_gold: usize) -> (f64, f64, f64) {
    let p = ratio(tp, n_pred);
    let r = ratio(tp, n_gold);
    let f = if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
    (p, r, f)
}

#[cfg(test)]
mod more_tests {
    use super::*;

    #[test]
    fn percentile_interval_interpolates() {
        let xs: Vec<f64> = (0..=100).map(f64::from).collect();
        let (lo, hi) = percentile_interval(&xs, 0.95);
        assert!((lo - 2.5).abs() < 1e-9 && (hi - 97.5).abs() < 1e-9);
        assert!(percentile_interval(&[], 0.95).0.is_nan());
    }

    #[test]
    fn bootstrap_is_seeded_and_resamples_with_replacement() {
        let a = bootstrap_groups(5, 50, 3, |p| p.iter().sum::<usize>() as f64);
        let b = bootstrap_groups(5, 50, 3, |p| p.iter().sum::<usize>() as f64);
        let c = bootstrap_groups(5, 50, 4, |p| p.iter().sum::<usize>() as f64);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.iter().any(|&s| s != 10.0), "some resample repeats a group");
    }

    #[test]
    fn calibration_hand_computed() {
        // bin [0.9,1.0): confidences .95 .95, one right -> acc .5, |.5-.95| = .45 weight 2/4
        // bin [0.6,0.7): .65 .65 both right -> |1-.65| = .35 weight 2/4
        let (table, ece) = calibration(&[0.95, 0.95, 0.65, 0.65], &[true, false, true, true], 10);
        assert_eq!(table[9].count, 2);
        assert!((table[9].accuracy - 0.5).abs() < 1e-12);
        assert!((ece - (0.5 * 0.45 + 0.5 * 0.35)).abs() < 1e-12);
        assert_eq!(table[0].count, 0);
        let (_, perfect) = calibration(&[1.0, 1.0], &[true, true], 10);
        assert!(perfect.abs() < 1e-12, "confidence 1.0 falls in the last bin");
    }

    #[test]
    fn mcnemar_exact_hand_computed() {
        // b=0, c=5: 2 * 0.5^5 = 0.0625
        assert!((mcnemar_exact(0, 5) - 0.0625).abs() < 1e-12);
        // b=1, c=4: 2 * (1 + 5) / 32 = 0.375
        assert!((mcnemar_exact(1, 4) - 0.375).abs() < 1e-12);
        assert_eq!(mcnemar_exact(3, 3), 1.0);
        assert_eq!(mcnemar_exact(0, 0), 1.0);
        assert!(mcnemar_exact(0, 2000) < 1e-100);
    }

    #[test]
    fn prf_handles_empty_sides() {
        assert_eq!(prf(0, 0, 0), (0.0, 0.0, 0.0));
        assert_eq!(prf(0, 3, 0), (0.0, 0.0, 0.0));
        let (p, r, f) = prf(2, 4, 2);
        assert!((p - 0.5).abs() < 1e-12 && (r - 1.0).abs() < 1e-12 && (f - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn temperature_scaling_recovers_a_known_temperature_and_keeps_labels() {
        // gold drawn so that the true probabilities are the given ones tempered by 1/2.5: an
        // overconfident model, whose fitted temperature should come out near 2.5
        let mut probs = Vec::new();
        let mut gold = Vec::new();
        let mut state = 7u64;
        for i in 0..4000 {
            let raw = [0.2 + (i % 7) as f32 * 0.1, 0.3, 0.25 + (i % 3) as f32 * 0.2];
            let z: f32 = raw.iter().map(|v| v.powf(2.5)).sum();
            let sharp = [raw[0].powf(2.5) / z, raw[1].powf(2.5) / z, raw[2].powf(2.5) / z];
            let truth = temper(&sharp, 2.5);
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let u = (state >> 11) as f32 / (1u64 << 53) as f32;
            let g = if u < truth[0] { 0 } else if u < truth[0] + truth[1] { 1 } else { 2 };
            probs.push(sharp);
            gold.push(Label::from_index(g));
        }
        let t = fit_temperature(&probs, &gold);
        assert!((t - 2.5).abs() < 0.3, "fitted {t}");
        assert!(nll(&probs, &gold, t) < nll(&probs, &gold, 1.0));
        for p in &probs {
            let q = temper(p, t);
            let arg = |v: &[f32; 3]| (0..3).max_by(|&a, &b| v[a].total_cmp(&v[b])).unwrap();
            assert_eq!(arg(p), arg(&q), "tempering never changes the label");
        }
    }
}
