//! `ofsted train`: fit the sentence classifier on labelled folders. Three methods, chosen by
//! measurement (see README): a logistic head on frozen embeddings (ndarray), an MLP head on frozen
//! embeddings, or fine-tuning the top encoder layers (tch autograd). The dev split is by article;
//! the manifest records data, hyperparameters, seed, history and dev scores.

use crate::io::digest::sha256_file;
use crate::model::classifier::{save_layers, Prediction, Units, HEAD_FILE, LAYERS_FILE};
use crate::model::manifest::{self, LabelCounts, Manifest};
use crate::model::runtime::{Runtime, STORED_LAYERS_NAME};
use crate::io::corpus::{self, LabelledSet, LabelledUnit};
use crate::model::encoder::Encoder;
use crate::error::{Error, Result};
pub mod finetune;

pub use finetune::{EpochStat, FitSettings};
use finetune::SplitEncoder;
use crate::model::head::{sample_weights, FitOptions, LinearHead};
use crate::label::Label;
use crate::metrics;
use crate::io::output::{write_json, Row};
use crate::progress::{Mode, Progress};
use ndarray::{Array2, Axis};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Logistic-regression head on frozen sentence embeddings
    Logistic,
    /// One-hidden-layer MLP head on frozen sentence embeddings
    Mlp,
    /// Fine-tune the top --layers encoder layers together with a linear head
    Finetune,
}

#[derive(Debug, Clone)]
pub struct TrainConfig {
    pub data: Vec<PathBuf>,
    /// Gold sets the training data must not overlap.
    pub eval: Vec<PathBuf>,
    pub out: PathBuf,
    pub encoder_dir: PathBuf,
    /// Model folder to start from (its head, and its fine-tuned layers if any).
    pub init: Option<PathBuf>,
    pub method: Method,
    /// Encoder layers to fine-tune (top of the stack), for `Method::Finetune`.
    pub layers: usize,
    pub seed: u64,
    pub dev_fraction: f64,
    pub logistic: FitOptions,
    pub fit: FitSettings,
    /// Distillation (fine-tuning only): a teacher model folder and its encoder folder, whose
    /// probabilities on the training units are computed and written to `SOFT_LABELS_FILE`...
    pub teacher: Option<(PathBuf, PathBuf)>,
    /// ...or a file of such probabilities made before (so a rebuild needs no teacher).
    pub soft_labels: Option<PathBuf>,
    /// Read each unit with its context (headline and previous unit, [`crate::text::context_before`]).
    pub context: bool,
    pub runtime: Runtime,
    /// The command line, recorded in the manifest (settings from the environment are in `hyperparameters`).
    pub command: Vec<String>,
}

/// What `train` reads from the command line that a `--init` model also fixes.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelShape {
    /// Base encoder folder name in the models folder.
    pub encoder: String,
    pub lora_rank: usize,
    pub context: bool,
    /// Encoder layers to fine-tune, from the top.
    pub layers: usize,
}

/// Layers fine-tuned when neither a flag nor an init model says.
pub const DEFAULT_LAYERS: usize = 6;

/// Settle the encoder, LoRA rank, context and fine-tuned layers of a run: a flag given wins, else the `--init`
/// model's own, else the defaults. A flag that contradicts the init model is refused here, before
/// an hour of training fails on a shape mismatch (continuing the default MPNet LoRA model must
/// not silently switch to MiniLM just because `--encoder` defaults to it).
pub fn settle_shape(init: Option<(&std::path::Path, &Manifest)>, encoder: Option<String>, lora_rank: Option<usize>, context: bool, layers: Option<usize>) -> Result<ModelShape> {
    let Some((dir, m)) = init else {
        return Ok(ModelShape { encoder: encoder.unwrap_or_else(|| manifest::DEFAULT_ENCODER.into()), lora_rank: lora_rank.unwrap_or(0), context, layers: layers.unwrap_or(DEFAULT_LAYERS) });
    };
    let own_layers = m.fine_tuned_layers.as_ref().and_then(|l| l.as_ref()).map_or(0, |l| l.layers);
    let own_encoder = m.encoder.as_ref().map_or_else(|| manifest::DEFAULT_ENCODER.to_string(), |e| e.dir.clone());
    let own_rank = m.hyperparameters.as_ref().map_or(0, |h| h.fit.lora_rank);
    let refuse = |what: String| Error::Config(format!("--init {}: {what}", dir.display()));
    let encoder = match encoder {
        Some(e) if e != own_encoder => return Err(refuse(format!("the model was trained on encoder \"{own_encoder}\", not \"{e}\"; drop --encoder to continue it"))),
        _ => own_encoder,
    };
    let lora_rank = match lora_rank {
        // rank 0 merges the init model's factors into its weights and fine-tunes those
        Some(r) if own_rank > 0 && r != own_rank && r != 0 => return Err(refuse(format!("the model holds rank-{own_rank} LoRA factors, so --lora-rank must be {own_rank} (or 0 to merge them and fine-tune the weights)"))),
        Some(r) => r,
        None => own_rank,
    };
    // only the layers trained in this run are written, so fewer would drop the init model's lower ones
    let layers = match layers {
        Some(n) if n < own_layers => return Err(refuse(format!("the model fine-tuned its top {own_layers} layers; --layers {n} would write only the top {n} and lose the rest (give at least {own_layers})"))),
        Some(n) => n,
        None if own_layers > 0 => own_layers,
        None => DEFAULT_LAYERS,
    };
    Ok(ModelShape { encoder, lora_rank, context: context || m.context, layers })
}

#[derive(Debug, Serialize)]
pub struct TrainReport {
    pub method: Method,
    pub units: usize,
    pub articles: usize,
    pub dev_articles: usize,
    pub dev_units: usize,
    pub dev_macro_f1: f64,
    pub best_epoch: usize,
    pub train_loss_first: f64,
    pub train_loss_last: f64,
    pub wall_seconds: f64,
    pub history: Vec<EpochStat>,
    /// Mean pair loss of each contrastive epoch (empty without that phase).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contrastive_loss: Vec<f64>,
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
    let n_dev = if ids.len() < 2 || fraction <= 0.0 { 0 } else { ((ids.len() as f64 * fraction).round() as usize).clamp(1, ids.len() - 1) };
    let dev: BTreeSet<String> = order[..n_dev].iter().cloned().collect();
    let train = ids.difference(&dev).cloned().collect();
    (train, dev)
}

fn rows(x: &Array2<f32>, idx: &[usize]) -> Array2<f32> {
    x.select(Axis(0), idx)
}

fn predict_labels(head: &LinearHead, x: &Array2<f32>) -> Vec<Label> {
    head.probabilities(x).rows().into_iter().map(|r| Prediction::from_probs([r[0], r[1], r[2]]).label).collect()
}

/// Refuse training units that repeat an eval unit, naming them.
fn check_overlap(cfg: &TrainConfig, sets: &[LabelledSet]) -> Result<()> {
    for e in &cfg.eval {
        let gold = corpus::load_or_report(e)?;
        let mut list = Vec::new();
        for s in sets {
            for o in corpus::overlaps(&s.units, &gold.units, 0.8) {
                list.push(format!("  training {}:{} ({}) ~ eval {} (jaccard {:.2}): {:?}", s.dir.join("sentences.csv").display(), o.train_line, o.train_article, o.eval_article, o.jaccard, o.train_text));
            }
        }
        if !list.is_empty() {
            let n = list.len();
            list.truncate(20);
            return Err(Error::data(e, None, format!("{n} training unit(s) overlap the eval set; remove them:\n{}", list.join("\n"))));
        }
    }
    Ok(())
}

pub fn train(cfg: &TrainConfig, progress_mode: Mode) -> Result<TrainReport> {
    let started = Instant::now();
    let mut sets = Vec::new();
    for d in &cfg.data {
        sets.push(corpus::load_or_report(d)?);
    }
    let units: Vec<(usize, LabelledUnit)> = sets.iter().enumerate().flat_map(|(si, s)| s.units.iter().cloned().map(move |u| (si, u))).collect();
    if units.is_empty() {
        return Err(Error::Config("no labelled units in the training data".into()));
    }
    check_overlap(cfg, &sets)?;
    // article ids are qualified by set so two folders may reuse an id
    let key = |si: usize, id: &str| format!("{si}/{id}");
    let ids: BTreeSet<String> = units.iter().map(|(si, u)| key(*si, &u.article_id)).collect();
    let (_, dev_ids) = split_articles(&ids, cfg.seed, cfg.dev_fraction);
    let texts: Vec<&str> = units.iter().map(|(_, u)| u.text.as_str()).collect();
    // every unit's context, for a model trained with it and for a teacher that reads it
    let contexts = unit_contexts(&sets, &units);
    let labels: Vec<Label> = units.iter().map(|(_, u)| u.label).collect();
    let (mut tr, mut dv) = (Vec::new(), Vec::new());
    for (i, (si, u)) in units.iter().enumerate() {
        if dev_ids.contains(&key(*si, &u.article_id)) { dv.push(i) } else { tr.push(i) }
    }
    let pick = |idx: &[usize]| idx.iter().map(|&i| labels[i]).collect::<Vec<Label>>();
    let pick_text = |idx: &[usize]| idx.iter().map(|&i| texts[i]).collect::<Vec<&str>>();
    let pick_context = |idx: &[usize]| cfg.context.then(|| idx.iter().map(|&i| contexts[i].clone()).collect::<Vec<_>>());
    let encoder_sha = sha256_file(&cfg.encoder_dir.join("model.safetensors"))?;
    std::fs::create_dir_all(&cfg.out).map_err(|e| Error::Output { path: cfg.out.clone(), source: e })?;

    let epochs_bar = |n: usize| Progress::new(progress_mode, "epochs", n as u64);
    fn on_epoch(bar: &Progress) -> impl FnMut(&EpochStat) + '_ {
        move |s: &EpochStat| {
            bar.set_message(&format!("| loss {:.3}, dev macro-F1 {:.3}", s.train_loss, s.dev_macro_f1));
            bar.println(&format!("[ofsted] epoch {}: loss {:.4}, dev macro-F1 {:.4}", s.epoch, s.train_loss, s.dev_macro_f1));
            bar.items_done(1);
        }
    }
    let embed = |encoder: &Encoder| -> Result<Array2<f32>> {
        let bar = Progress::new(progress_mode, "units embedded", texts.len() as u64);
        let mut done = |n| {
            bar.sentences_done(n);
            bar.items_done(n)
        };
        let x = if cfg.context { encoder.embed_with_context(&texts, &contexts, &mut done)? } else { encoder.embed(&texts, &mut done)? };
        bar.finish();
        Ok(x)
    };

    let mut contrastive_loss = Vec::new();
    let (head, layers, history, best_epoch) = match cfg.method {
        Method::Logistic => {
            let encoder = Encoder::load(&cfg.encoder_dir, &cfg.runtime)?;
            let x = embed(&encoder)?;
            let w = sample_weights(&labels, cfg.logistic.balanced);
            let zero = LinearHead { labels: Label::ALL.to_vec(), weight: Array2::zeros((3, encoder.dim)), bias: ndarray::Array1::zeros(3), hidden: None };
            let head = LinearHead::fit(&rows(&x, &tr), &pick(&tr), &cfg.logistic);
            let dev_f1 = if dv.is_empty() { f64::NAN } else { metrics::score(&pick(&dv), &predict_labels(&head, &rows(&x, &dv))).macro_f1 };
            // the shipped head: same settings, all the data
            let all: Vec<usize> = (0..units.len()).collect();
            let final_head = LinearHead::fit(&rows(&x, &all), &labels, &cfg.logistic);
            let history = vec![
                EpochStat { epoch: 0, train_loss: zero.loss(&x, &labels, &w) as f64, dev_macro_f1: f64::NAN },
                EpochStat { epoch: cfg.logistic.epochs, train_loss: final_head.loss(&x, &labels, &w) as f64, dev_macro_f1: dev_f1 },
            ];
            (final_head, Vec::new(), history, cfg.logistic.epochs)
        }
        Method::Mlp => {
            let encoder = Encoder::load(&cfg.encoder_dir, &cfg.runtime)?;
            let x = embed(&encoder)?;
            let bar = epochs_bar(cfg.fit.epochs);
            let t = finetune::fit_mlp(&rows(&x, &tr), &pick(&tr), &rows(&x, &dv), &pick(&dv), 256, &cfg.fit, &cfg.runtime, &mut on_epoch(&bar))?;
            bar.finish();
            (t.head, t.layers, t.history, t.best_epoch)
        }
        Method::Finetune => {
            let mut split = SplitEncoder::load(&cfg.encoder_dir, &cfg.runtime, cfg.fit.lora_rank)?;
            let n_layers = split.layer_count();
            if cfg.layers == 0 || cfg.layers > n_layers {
                return Err(Error::Config(format!("--layers must be between 1 and {n_layers}")));
            }
            match &cfg.init {
                Some(init) => {
                    let lf = init.join(LAYERS_FILE);
                    split.init_from(&LinearHead::read(&init.join(HEAD_FILE))?, lf.is_file().then_some(lf.as_path()))?;
                }
                None if cfg.fit.contrastive_epochs > 0 => {
                    let bar = Progress::new(progress_mode, "contrastive epochs", cfg.fit.contrastive_epochs as u64);
                    let (tr_text, tr_ctx) = (pick_text(&tr), pick_context(&tr));
                    contrastive_loss = split.contrast((Units { texts: &tr_text, contexts: tr_ctx.as_deref() }, &pick(&tr)), n_layers - cfg.layers, &cfg.fit, &mut |epoch, loss| {
                        bar.println(&format!("[ofsted] contrastive epoch {epoch}: pair loss {loss:.4}"));
                        bar.items_done(1);
                    })?;
                    bar.finish();
                    // as SetFit does, the head is then fitted on the contrasted embeddings
                    let x = split.embed(Units { texts: &tr_text, contexts: tr_ctx.as_deref() })?;
                    split.init_from(&LinearHead::fit(&x, &pick(&tr), &cfg.logistic), None)?;
                }
                None => {
                    // warm start: the head begins as a logistic fit on the frozen embeddings
                    let encoder = Encoder::load(&cfg.encoder_dir, &cfg.runtime)?;
                    let x = embed(&encoder)?;
                    split.init_from(&LinearHead::fit(&rows(&x, &tr), &pick(&tr), &cfg.logistic), None)?;
                }
            }
            let soft = soft_labels(cfg, &units.iter().map(|(_, u)| u).collect::<Vec<_>>(), &contexts, &tr, progress_mode)?;
            let bar = epochs_bar(cfg.fit.epochs);
            let (tr_text, tr_ctx, dv_text, dv_ctx) = (pick_text(&tr), pick_context(&tr), pick_text(&dv), pick_context(&dv));
            let t = split.fit((Units { texts: &tr_text, contexts: tr_ctx.as_deref() }, &pick(&tr)), (Units { texts: &dv_text, contexts: dv_ctx.as_deref() }, &pick(&dv)), n_layers - cfg.layers, &cfg.fit, soft.as_deref(), &mut on_epoch(&bar))?;
            bar.finish();
            (t.head, t.layers, t.history, t.best_epoch)
        }
    };

    // dev scores of the artefact written (for the logistic method, from its train-split fit)
    let best = history.iter().find(|h| h.epoch == best_epoch).map_or(f64::NAN, |h| h.dev_macro_f1);
    write_json(&cfg.out.join(HEAD_FILE), &head)?;
    let layers_path = cfg.out.join(LAYERS_FILE);
    if layers.is_empty() {
        // a layers file left from an earlier run in this folder would be applied to the new head
        match std::fs::remove_file(&layers_path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(Error::Output { path: layers_path, source: e }),
            _ => {}
        }
    } else {
        save_layers(&layers, &layers_path)?;
    }
    let report = TrainReport {
        method: cfg.method,
        units: units.len(),
        articles: ids.len(),
        dev_articles: dev_ids.len(),
        dev_units: dv.len(),
        dev_macro_f1: best,
        best_epoch,
        train_loss_first: history.first().map_or(f64::NAN, |h| h.train_loss),
        train_loss_last: history.last().map_or(f64::NAN, |h| h.train_loss),
        wall_seconds: started.elapsed().as_secs_f64(),
        history,
        contrastive_loss,
    };
    let distillation = match (&cfg.teacher, &cfg.soft_labels) {
        (Some((teacher, _)), _) => Some((Some(teacher.clone()), cfg.out.join(SOFT_LABELS_FILE))),
        (None, Some(file)) => Some((None, file.clone())),
        (None, None) => None,
    }
    .map(|(teacher, soft_labels)| Ok::<_, Error>(manifest::Distillation { teacher, sha256: sha256_file(&soft_labels)?, soft_labels, weight: cfg.fit.distill_weight }))
    .transpose()?;
    let mut manifest = Manifest {
        calibration: None,
        distillation,
        command: cfg.command.clone(),
        context: cfg.context,
        crate_version: env!("CARGO_PKG_VERSION").into(),
        dev: Some(manifest::Dev { articles: dev_ids.iter().cloned().collect(), best_epoch, macro_f1: Some(report.dev_macro_f1).filter(|f| !f.is_nan()) }),
        encoder: Some({
            let dir = cfg.encoder_dir.file_name().map_or_else(|| manifest::DEFAULT_ENCODER.to_string(), |d| d.to_string_lossy().into_owned());
            manifest::EncoderRef { name: manifest::EncoderRef::describe(&dir), dir, sha256: encoder_sha }
        }),
        eval_sets_checked_for_overlap: cfg.eval.clone(),
        fine_tuned_layers: Some(if layers.is_empty() {
            None
        } else {
            Some(manifest::LayersRef { file: LAYERS_FILE.into(), layers: cfg.layers, precision: STORED_LAYERS_NAME.into(), sha256: sha256_file(&layers_path)? })
        }),
        hyperparameters: Some(manifest::Hyperparameters {
            dev_fraction: cfg.dev_fraction,
            fit: cfg.fit.clone(),
            layers: cfg.layers,
            logistic: cfg.logistic.clone(),
            method: cfg.method,
            seed: cfg.seed,
            split: "by article".into(),
            threads: cfg.runtime.torch_threads(),
        }),
        init: cfg.init.clone(),
        labels: Label::ALL.to_vec(),
        method: Some(cfg.method),
        report: Some(serde_json::to_value(&report).map_err(|e| Error::runtime("manifest", e))?),
        training_data: sets
            .iter()
            .map(|s| manifest::TrainingSet { articles: s.articles.len(), dir: s.dir.clone(), files: s.files.clone(), label_counts: LabelCounts::of(s.units.iter().map(|u| u.label)) })
            .collect(),
    };
    manifest.write(&cfg.out)?;
    if !dv.is_empty() {
        let dev_contexts: Vec<Option<String>> = dv.iter().map(|&i| contexts[i].clone()).collect();
        manifest.calibration = Some(calibrate(cfg, Units { texts: &pick_text(&dv), contexts: Some(&dev_contexts) }, &pick(&dv))?);
        manifest.write(&cfg.out)?;
    }
    Ok(report)
}

/// File of teacher probabilities per training unit, written into the model folder by `--teacher`
/// and read back by `--soft-labels`: `article_id,start,end,p_strength,p_improvement,p_other`.
pub const SOFT_LABELS_FILE: &str = <SoftRow as Row>::FILE;

#[derive(Debug, Serialize, Deserialize)]
struct SoftRow {
    article_id: String,
    start: usize,
    end: usize,
    p_strength: f32,
    p_improvement: f32,
    p_other: f32,
}

impl Row for SoftRow {
    const FILE: &'static str = "soft_labels.csv";
    const COLUMNS: &'static [&'static str] = &["article_id", "start", "end", "p_strength", "p_improvement", "p_other"];
    fn article_id(&self) -> &str {
        &self.article_id
    }
}

/// The teacher's probabilities for the training units `tr`, when distilling.
fn soft_labels(cfg: &TrainConfig, units: &[&LabelledUnit], contexts: &[Option<String>], tr: &[usize], mode: Mode) -> Result<Option<Vec<[f32; 3]>>> {
    use crate::model::classifier::{SentenceClassifier, SentenceModel};
    let key = |u: &LabelledUnit| (u.article_id.clone(), u.start, u.end);
    if let Some((model, encoder)) = &cfg.teacher {
        let teacher = SentenceModel::load(model, Encoder::load(encoder, &cfg.runtime)?)?;
        let texts: Vec<&str> = tr.iter().map(|&i| units[i].text.as_str()).collect();
        let ctx: Vec<Option<String>> = tr.iter().map(|&i| contexts[i].clone()).collect();
        let bar = Progress::new(mode, "units (teacher)", texts.len() as u64);
        let probs: Vec<[f32; 3]> = teacher.predict(Units { texts: &texts, contexts: Some(&ctx) }, &mut |n| bar.items_done(n))?.into_iter().map(|p| p.probs).collect();
        bar.finish();
        let rows = tr.iter().zip(&probs).map(|(&i, p)| {
            let (article_id, start, end) = key(units[i]);
            SoftRow { article_id, start, end, p_strength: p[0], p_improvement: p[1], p_other: p[2] }
        });
        crate::io::output::write_rows(&cfg.out, rows)?;
        return Ok(Some(probs));
    }
    let Some(file) = &cfg.soft_labels else { return Ok(None) };
    let (rows, errors) = corpus::read_rows::<SoftRow>(file);
    if let Some(e) = errors.into_iter().next() {
        return Err(e);
    }
    let by_unit: std::collections::HashMap<(String, usize, usize), [f32; 3]> = rows.into_iter().map(|(_, r)| ((r.article_id, r.start, r.end), [r.p_strength, r.p_improvement, r.p_other])).collect();
    tr.iter()
        .map(|&i| by_unit.get(&key(units[i])).copied().ok_or_else(|| Error::data(file, None, format!("no soft label for unit {}:{}-{} (made for other training data?)", units[i].article_id, units[i].start, units[i].end))))
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// Each unit's context in its article, from the segmenter's units as `classify` makes them.
fn unit_contexts(sets: &[LabelledSet], units: &[(usize, LabelledUnit)]) -> Vec<Option<String>> {
    use crate::text::{context_before, NewsSegmenter, Segmenter};
    let segmenter = NewsSegmenter::default();
    let mut segmented: std::collections::HashMap<(usize, &str), Vec<crate::text::Unit>> = std::collections::HashMap::new();
    units
        .iter()
        .map(|(si, u)| {
            let text = sets[*si].articles.get(&u.article_id)?;
            let segs = segmented.entry((*si, u.article_id.as_str())).or_insert_with(|| segmenter.segment(text));
            context_before(text, segs, u.start)
        })
        .collect()
}

/// Fit the temperature of the model just written on its dev units, through the inference path
/// (so it is fitted on exactly the probabilities `classify` will temper).
fn calibrate(cfg: &TrainConfig, units: Units<'_>, gold: &[Label]) -> Result<manifest::Calibration> {
    use crate::model::classifier::{SentenceClassifier, SentenceModel};
    let model = SentenceModel::load(&cfg.out, Encoder::load(&cfg.encoder_dir, &cfg.runtime)?)?;
    let probs: Vec<[f32; 3]> = model.predict(units, &mut |_| {})?.into_iter().map(|p| p.probs).collect();
    let t = metrics::fit_temperature(&probs, gold);
    let ece = |t: f64| {
        let (conf, ok): (Vec<f64>, Vec<bool>) = probs.iter().zip(gold).map(|(p, g)| {
            let q = metrics::temper(p, t);
            let pred = Prediction::from_probs(q);
            (pred.confidence() as f64, pred.label == *g)
        }).unzip();
        metrics::calibration(&conf, &ok, 10).1
    };
    Ok(manifest::Calibration { temperature: t, dev_units: units.texts.len(), dev_nll_before: metrics::nll(&probs, gold, 1.0), dev_nll_after: metrics::nll(&probs, gold, t), dev_ece_before: ece(1.0), dev_ece_after: ece(t) })
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
        assert_eq!(split_articles(&ids, 1, 0.0).1.len(), 0);
    }

    #[test]
    fn init_from_the_mpnet_lora_default_keeps_its_encoder_and_rank_unless_a_flag_contradicts_it() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/default");
        let m = Manifest::read(&dir).unwrap().expect("models/default/manifest.json is committed");
        let init = Some((dir.as_path(), &m));
        let own = settle_shape(init, None, None, false, None).unwrap();
        assert_eq!(own, ModelShape { encoder: "mpnet".into(), lora_rank: 16, context: false, layers: 6 });
        assert_eq!(settle_shape(init, Some("mpnet".into()), Some(0), false, Some(12)).unwrap().lora_rank, 0, "rank 0 merges and fine-tunes");
        let e = settle_shape(init, Some("encoder".into()), None, false, None).unwrap_err().to_string();
        assert!(e.contains("mpnet") && e.contains("--init"), "{e}");
        let e = settle_shape(init, None, Some(8), false, None).unwrap_err().to_string();
        assert!(e.contains("rank-16"), "{e}");
        // no init: the flags, else MiniLM without LoRA
        assert_eq!(settle_shape(None, None, None, true, None).unwrap(), ModelShape { encoder: "encoder".into(), lora_rank: 0, context: true, layers: DEFAULT_LAYERS });
        // a model that reads context passes that on
        let mut ctx = m.clone();
        ctx.context = true;
        ctx.encoder = None;
        ctx.hyperparameters = None;
        ctx.fine_tuned_layers = None;
        assert_eq!(settle_shape(Some((dir.as_path(), &ctx)), None, Some(4), false, Some(2)).unwrap(), ModelShape { encoder: "encoder".into(), lora_rank: 4, context: true, layers: 2 });
    }

    #[test]
    fn init_with_fewer_layers_than_the_model_fine_tuned_is_refused_not_silently_truncated() {
        // regression: train --init M --layers 1 wrote only the top layer, dropping M's other five
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/default");
        let m = Manifest::read(&dir).unwrap().unwrap();
        let e = settle_shape(Some((dir.as_path(), &m)), None, None, false, Some(1)).unwrap_err().to_string();
        assert!(e.contains("top 6") && e.contains("--layers 1"), "{e}");
        assert_eq!(settle_shape(Some((dir.as_path(), &m)), None, None, false, Some(8)).unwrap().layers, 8);
    }
}
