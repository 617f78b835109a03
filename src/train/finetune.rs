//! Training on top of the encoder with tch autograd: an MLP head on frozen embeddings, or
//! fine-tuning the top K encoder layers with a linear head. The layers below K are frozen, so
//! their outputs are computed once and cached: each epoch only runs the trainable top. The
//! encoder may be BERT or MPNet ([`Architecture`]); for MPNet the relative-position bias table,
//! shared by all layers, stays frozen with the embeddings.

use crate::error::{Error, Result};
use crate::model::bert;
use crate::model::classifier::{load_layers, Units};
use crate::model::encoder::Architecture;
use crate::model::mpnet::{self, MPNetModel};
use crate::model::pool::mean_pool;
use crate::model::runtime::Runtime;
use crate::model::head::{Hidden, LinearHead};
use crate::label::Label;
use crate::metrics;
use ndarray::{Array1, Array2};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use crate::model::bertnet::{self, BertNet};
use serde::{Deserialize, Serialize};
use std::path::Path;
use tch::nn::{self, OptimizerConfig, VarStore};
use tch::{Kind, Tensor};
use tokenizers::Tokenizer;

#[derive(Debug, Clone, Serialize)]
pub struct EpochStat {
    pub epoch: usize,
    pub train_loss: f64,
    pub dev_macro_f1: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FitSettings {
    pub epochs: usize,
    pub learning_rate: f64,
    pub batch_size: usize,
    pub patience: usize,
    pub seed: u64,
    pub weight_decay: f64,
    /// Share of the loss taken from a teacher's probabilities (distillation), when given.
    #[serde(default)]
    pub distill_weight: f64,
    /// Epochs of a SetFit-style contrastive phase before the head is fitted (0 = none).
    #[serde(default)]
    pub contrastive_epochs: usize,
    /// Rank of LoRA updates trained in place of the layers' weights (0 = train the weights).
    #[serde(default)]
    pub lora_rank: usize,
}

pub struct Trained {
    pub head: LinearHead,
    /// Fine-tuned encoder tensors (HF names), when layers were trained.
    pub layers: Vec<(String, Tensor)>,
    pub history: Vec<EpochStat>,
    pub best_epoch: usize,
}

/// Class weights as a tensor (inverse frequency, mean 1).
fn class_weights(y: &[Label]) -> Tensor {
    let w = crate::model::head::sample_weights(y, true);
    let mut per = [1.0f32; 3];
    for (i, l) in y.iter().enumerate() {
        per[l.index()] = w[i];
    }
    Tensor::from_slice(&per)
}

fn targets(y: &[Label]) -> Tensor {
    Tensor::from_slice(&y.iter().map(|l| l.index() as i64).collect::<Vec<_>>())
}

fn macro_f1(logits: &Tensor, y: &[Label]) -> Result<f64> {
    let pred: Vec<i64> = Vec::<i64>::try_from(logits.argmax(-1, false)).map_err(|e| Error::runtime("dev predictions", e))?;
    let pred: Vec<Label> = pred.iter().map(|&i| Label::from_index(i as usize)).collect();
    Ok(metrics::score(y, &pred).macro_f1)
}

/// Early stopping bookkeeping: remembers the best trainable tensors.
struct Best {
    f1: f64,
    epoch: usize,
    saved: Vec<Tensor>,
}

impl Best {
    fn offer(&mut self, f1: f64, epoch: usize, vars: &[Tensor]) -> bool {
        if f1 > self.f1 + 1e-9 {
            self.f1 = f1;
            self.epoch = epoch;
            self.saved = vars.iter().map(|t| t.detach().copy()).collect();
            true
        } else {
            false
        }
    }
    fn restore(&self, vars: &[Tensor]) {
        tch::no_grad(|| {
            for (v, s) in vars.iter().zip(&self.saved) {
                let mut v = v.shallow_clone();
                v.copy_(s);
            }
        });
    }
}

fn to_array2(t: &Tensor) -> Result<Array2<f32>> {
    let shape = t.size();
    let v = bert::to_vec_f32(t)?;
    Array2::from_shape_vec((shape[0] as usize, shape[1] as usize), v).map_err(|e| Error::runtime("tensor to array", e))
}
fn to_array1(t: &Tensor) -> Result<Array1<f32>> {
    Ok(Array1::from(bert::to_vec_f32(t)?))
}

/// MLP head (dim -> hidden -> 3, ReLU, dropout 0.1) on fixed embeddings, AdamW, early stopping.
#[allow(clippy::too_many_arguments)]
pub fn fit_mlp(x_train: &Array2<f32>, y_train: &[Label], x_dev: &Array2<f32>, y_dev: &[Label], hidden: i64, s: &FitSettings, rt: &Runtime, on_epoch: &mut dyn FnMut(&EpochStat)) -> Result<Trained> {
    tch::manual_seed(s.seed as i64);
    let vs = VarStore::new(rt.device);
    let dim = x_train.ncols() as i64;
    let l1 = nn::linear(vs.root() / "l1", dim, hidden, Default::default());
    let l2 = nn::linear(vs.root() / "l2", hidden, 3, Default::default());
    let mut opt = nn::AdamW { wd: s.weight_decay, ..Default::default() }.build(&vs, s.learning_rate).map_err(|e| Error::Config(e.to_string()))?;
    let xt = Tensor::from_slice(x_train.as_slice().unwrap()).view([x_train.nrows() as i64, dim]).to(rt.device);
    let xd = Tensor::from_slice(x_dev.as_slice().unwrap()).view([x_dev.nrows() as i64, dim]).to(rt.device);
    let (yt, w) = (targets(y_train).to(rt.device), class_weights(y_train).to(rt.device));
    let vars = vs.trainable_variables();
    let mut best = Best { f1: -1.0, epoch: 0, saved: Vec::new() };
    let mut history = Vec::new();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(s.seed);
    let mut order: Vec<i64> = (0..x_train.nrows() as i64).collect();
    let forward = |x: &Tensor, train: bool| x.apply(&l1).relu().dropout(0.1, train).apply(&l2);
    for epoch in 1..=s.epochs {
        order.shuffle(&mut rng);
        let mut total = 0.0;
        for chunk in order.chunks(s.batch_size) {
            let idx = Tensor::from_slice(chunk);
            let loss = forward(&xt.index_select(0, &idx), true).cross_entropy_loss::<Tensor>(&yt.index_select(0, &idx), Some(w.shallow_clone()), tch::Reduction::Mean, -100, 0.0);
            opt.backward_step(&loss);
            total += loss.double_value(&[]) * chunk.len() as f64;
        }
        let f1 = if y_dev.is_empty() { 0.0 } else { macro_f1(&tch::no_grad(|| forward(&xd, false)), y_dev)? };
        let stat = EpochStat { epoch, train_loss: total / order.len() as f64, dev_macro_f1: f1 };
        on_epoch(&stat);
        history.push(stat);
        if !best.offer(f1, epoch, &vars) && epoch >= best.epoch + s.patience {
            break;
        }
    }
    best.restore(&vars);
    let head = LinearHead {
        labels: Label::ALL.to_vec(),
        weight: to_array2(&l2.ws)?,
        bias: to_array1(l2.bs.as_ref().unwrap())?,
        hidden: Some(Hidden { weight: to_array2(&l1.ws)?, bias: to_array1(l1.bs.as_ref().unwrap())? }),
    };
    Ok(Trained { head, layers: Vec::new(), history, best_epoch: best.epoch })
}

/// Squared error between the cosine of every pair of (unit-length) embeddings and 1 for the same
/// label, 0 otherwise; the mean over positive pairs and over negative pairs count half each.
pub fn pair_loss(e: &Tensor, y: &Tensor) -> Tensor {
    let n = e.size()[0];
    let cos = e.matmul(&e.transpose(0, 1));
    let same = y.unsqueeze(1).eq_tensor(&y.unsqueeze(0)).to_kind(Kind::Float);
    let upper = Tensor::ones([n, n], (Kind::Float, e.device())).triu(1);
    let err = (&cos - &same).square() * &upper;
    let pos = &same * &upper;
    let neg = (same.ones_like() - &same) * &upper;
    let part = |w: &Tensor| (&err * w).sum(Kind::Float) / w.sum(Kind::Float).clamp_min(1.0);
    (part(&pos) + part(&neg)) * 0.5
}

/// End a training phase: nothing keeps a gradient.
fn freeze(vars: &[Tensor]) {
    for t in vars {
        let _ = t.set_requires_grad(false);
    }
}

/// Embeddings and layers of either backbone, run one layer at a time.
enum Stack {
    Bert(BertNet),
    MPNet(MPNetModel),
}

impl Stack {
    fn len(&self) -> usize {
        match self {
            Stack::Bert(m) => m.layers.len(),
            Stack::MPNet(m) => m.layers.len(),
        }
    }

    /// Embedding output, no dropout (the embeddings are never trained here). `types`: token type
    /// ids of unit-and-context pairs (BERT only).
    fn embed(&self, ids: &Tensor, mask: &Tensor, types: Option<&Tensor>) -> Result<Tensor> {
        match self {
            Stack::Bert(m) => m.embed(ids, types, false),
            Stack::MPNet(m) => Ok(m.embeddings.forward_t(ids, mask, false)),
        }
    }

    /// What every layer of a batch needs besides the hidden states: the additive attention mask,
    /// and for MPNet the relative-position bias.
    fn attention(&self, mask: &Tensor) -> (Tensor, Option<Tensor>) {
        match self {
            Stack::Bert(_) => (mpnet::attention_mask(mask), None),
            Stack::MPNet(m) => (mpnet::attention_mask(mask), Some(m.position_bias(mask.size()[1]))),
        }
    }

    /// Run layers `range` over `h`.
    fn run(&self, mut h: Tensor, range: std::ops::Range<usize>, attention: &(Tensor, Option<Tensor>), train: bool) -> Tensor {
        match self {
            Stack::Bert(m) => {
                for l in &m.layers[range] {
                    h = l.forward_t(&h, &attention.0, None, train);
                }
            }
            Stack::MPNet(m) => {
                for l in &m.layers[range] {
                    h = l.forward_t(&h, &attention.0, attention.1.as_ref(), train);
                }
            }
        }
        h
    }
}

/// The encoder split into embeddings and layers, with a linear head, in one var store whose
/// names match the base model's safetensors file.
pub struct SplitEncoder {
    vs: VarStore,
    stack: Stack,
    head: nn::Linear,
    tokenizer: Tokenizer,
    rt: Runtime,
    /// The layers carry LoRA factors, which are trained instead of the weights.
    lora: bool,
}

pub const HEAD_PREFIX: &str = "ofsted_head";

struct Batch {
    idx: Vec<usize>,
    mask: Tensor,
    /// The tokens a unit's embedding averages (its own, not its context's).
    pool: Tensor,
    /// Output of the frozen lower layers.
    lower: Tensor,
}

impl SplitEncoder {
    /// `lora_rank` > 0: the layers get LoRA factors, and training changes those, the biases and
    /// the layer norms, never the weights (MPNet only, the one encoder it was measured on).
    pub fn load(encoder_dir: &Path, rt: &Runtime, lora_rank: usize) -> Result<SplitEncoder> {
        let architecture = Architecture::of(encoder_dir)?;
        let mut vs = VarStore::new(rt.device);
        let root = vs.root();
        let (stack, hidden) = match architecture {
            Architecture::Bert if lora_rank > 0 => return Err(Error::Config(format!("--lora-rank needs an MPNet encoder; {} is BERT", encoder_dir.display()))),
            Architecture::Bert => {
                let config = bert::load_config(encoder_dir)?;
                let shape = bertnet::shape(&config, &encoder_dir.join("config.json"))?;
                (Stack::Bert(BertNet::new(root.clone(), &config, &shape)), config.hidden_size)
            }
            Architecture::MPNet => {
                let config = mpnet::load_config(encoder_dir)?;
                (Stack::MPNet(MPNetModel::with_lora(vs.root(), &config, lora_rank as i64)), config.hidden_size)
            }
        };
        let tokenizer = bert::load_tokenizer(encoder_dir)?;
        let head = nn::linear(&root / HEAD_PREFIX, hidden, 3, Default::default());
        let weights = encoder_dir.join("model.safetensors");
        let missing = vs.load_partial(&weights).map_err(|e| Error::model(&weights, e))?;
        if let Some(m) = missing.iter().find(|m| !m.starts_with(HEAD_PREFIX) && mpnet::lora_target(m).is_none()) {
            return Err(Error::model(&weights, format!("missing tensor {m}")));
        }
        Ok(SplitEncoder { vs, stack, head, tokenizer, rt: rt.clone(), lora: lora_rank > 0 })
    }

    pub fn layer_count(&self) -> usize {
        self.stack.len()
    }

    /// Start from an existing model folder: its head and any fine-tuned layers.
    pub fn init_from(&mut self, head: &LinearHead, layers_file: Option<&Path>) -> Result<()> {
        if head.hidden.is_some() {
            return Err(Error::Config("--init: an MLP head cannot start a fine-tuning run".into()));
        }
        let vars = self.vs.variables();
        tch::no_grad(|| -> Result<()> {
            let w = Tensor::from_slice(head.weight.as_slice().unwrap()).view([3, head.dim() as i64]).to(self.rt.device);
            let b = Tensor::from_slice(head.bias.as_slice().unwrap()).to(self.rt.device);
            vars[&format!("{HEAD_PREFIX}.weight")].shallow_clone().copy_(&w);
            vars[&format!("{HEAD_PREFIX}.bias")].shallow_clone().copy_(&b);
            if let Some(f) = layers_file {
                load_layers(&vars, f)?;
            }
            Ok(())
        })
    }

    fn trainable(&self, from: usize) -> Vec<(String, Tensor)> {
        let mut out: Vec<(String, Tensor)> = self
            .vs
            .variables()
            .into_iter()
            .filter(|(name, _)| {
                name.starts_with(HEAD_PREFIX)
                    || (name.strip_prefix("encoder.layer.").and_then(|r| r.split('.').next()).and_then(|i| i.parse::<usize>().ok()).is_some_and(|i| i >= from)
                        && (!self.lora || mpnet::lora_target(name).is_some() || name.ends_with(".bias") || name.contains("LayerNorm")))
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// Tokenise (with contexts when given), batch by length, and run the frozen part once.
    fn batches(&self, units: Units<'_>, batch_size: usize, from: usize) -> Result<Vec<Batch>> {
        let enc = match units.contexts {
            Some(c) => bert::encode_with_context(&self.tokenizer, units.texts, c)?,
            None => bert::encode_all(&self.tokenizer, units.texts)?,
        };
        let lengths: Vec<usize> = enc.iter().map(|e| e.len()).collect();
        let mut out = Vec::new();
        for idx in bert::sorted_batches(&lengths, batch_size) {
            let encs: Vec<_> = idx.iter().map(|&i| &enc[i]).collect();
            let (ids, mask) = bert::batch_tensors(&encs, self.rt.device);
            let (pool, types) = bert::pool_tensors(&encs, self.rt.device);
            let lower = tch::no_grad(|| -> Result<Tensor> {
                let h = self.stack.embed(&ids, &mask, types.as_ref())?;
                Ok(self.stack.run(h, 0..from, &self.stack.attention(&mask), false))
            })?;
            out.push(Batch { idx, mask, pool, lower });
        }
        Ok(out)
    }

    /// Sentence embeddings from the layers `from..` over a batch's cached lower output.
    fn pooled(&self, b: &Batch, from: usize, train: bool) -> Tensor {
        let h = self.stack.run(b.lower.shallow_clone(), from..self.stack.len(), &self.stack.attention(&b.mask), train);
        mean_pool(&h, &b.pool)
    }

    fn logits(&self, b: &Batch, from: usize, train: bool) -> Tensor {
        self.pooled(b, from, train).apply(&self.head)
    }

    /// Embeddings `[texts, dim]` as training computes them (all layers, no dropout), so tests
    /// can check they are the ones inference gives.
    pub fn embed(&self, units: Units<'_>) -> Result<Array2<f32>> {
        let batches = self.batches(units, self.rt.batch_size, self.stack.len())?;
        let dim = self.head.ws.size()[1];
        let mut out = Tensor::zeros([units.texts.len() as i64, dim], (Kind::Float, self.rt.device));
        tch::no_grad(|| {
            for b in &batches {
                let idx = Tensor::from_slice(&b.idx.iter().map(|&i| i as i64).collect::<Vec<_>>()).to(self.rt.device);
                let _ = out.index_copy_(0, &idx, &self.pooled(b, self.stack.len(), false));
            }
        });
        to_array2(&out)
    }

    fn predict_logits(&self, batches: &[Batch], n: usize, from: usize) -> Tensor {
        let mut out = Tensor::zeros([n as i64, 3], (Kind::Float, self.rt.device));
        tch::no_grad(|| {
            for b in batches {
                let idx = Tensor::from_slice(&b.idx.iter().map(|&i| i as i64).collect::<Vec<_>>()).to(self.rt.device);
                let _ = out.index_copy_(0, &idx, &self.logits(b, from, false));
            }
        });
        out
    }

    /// Freeze every variable but `vars`, and an AdamW optimiser over them: the set-up both
    /// training phases share.
    fn train_only(&self, vars: &[(String, Tensor)], s: &FitSettings) -> Result<(Vec<Tensor>, nn::Optimizer)> {
        for (_, t) in self.vs.variables() {
            let _ = t.set_requires_grad(false);
        }
        let vars: Vec<Tensor> = vars.iter().map(|(_, t)| t.set_requires_grad(true)).collect();
        let opt = nn::AdamW { wd: s.weight_decay, ..Default::default() }.build(&self.vs, s.learning_rate).map_err(|e| Error::Config(e.to_string()))?;
        Ok((vars, opt))
    }

    /// SetFit-style contrastive phase (Tunstall et al., 2022): train layers `from..` so that the
    /// cosine of two training units' embeddings approaches 1 when they share a label and 0 when
    /// not. Pairs are all pairs within a batch, batches re-drawn at random each epoch, positive
    /// and negative pairs weighted equally. Returns the mean loss of each epoch.
    pub fn contrast(&mut self, train: (Units<'_>, &[Label]), from: usize, s: &FitSettings, on_epoch: &mut dyn FnMut(usize, f64)) -> Result<Vec<f64>> {
        tch::manual_seed(s.seed as i64);
        let from = from.min(self.stack.len());
        let layers: Vec<(String, Tensor)> = self.trainable(from).into_iter().filter(|(n, _)| !n.starts_with(HEAD_PREFIX)).collect();
        let (vars, mut opt) = self.train_only(&layers, s)?;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(s.seed ^ 0x5e7f17);
        let mut order: Vec<usize> = (0..train.0.texts.len()).collect();
        // twice the fine-tuning batch: n units give n(n-1)/2 pairs
        let group = (2 * s.batch_size).max(2);
        let mut losses = Vec::new();
        for epoch in 1..=s.contrastive_epochs {
            order.shuffle(&mut rng);
            let (mut total, mut seen) = (0.0, 0usize);
            for chunk in order.chunks(group).filter(|c| c.len() >= 2) {
                let texts: Vec<&str> = chunk.iter().map(|&i| train.0.texts[i]).collect();
                let contexts: Option<Vec<Option<String>>> = train.0.contexts.map(|c| chunk.iter().map(|&i| c[i].clone()).collect());
                let labels: Vec<i64> = chunk.iter().map(|&i| train.1[i].index() as i64).collect();
                for b in self.batches(Units { texts: &texts, contexts: contexts.as_deref() }, chunk.len(), from)? {
                    let y = Tensor::from_slice(&b.idx.iter().map(|&i| labels[i]).collect::<Vec<_>>()).to(self.rt.device);
                    let loss = pair_loss(&self.pooled(&b, from, true), &y);
                    opt.backward_step(&loss);
                    total += loss.double_value(&[]) * b.idx.len() as f64;
                    seen += b.idx.len();
                }
            }
            let mean = total / seen.max(1) as f64;
            on_epoch(epoch, mean);
            losses.push(mean);
        }
        freeze(&vars);
        Ok(losses)
    }

    /// Fine-tune layers `from..` and the head; early stopping on dev macro-F1.
    /// `soft`: a teacher's probabilities for the training units (in [`Label::ALL`] order), mixed
    /// into the loss with weight `s.distill_weight`.
    pub fn fit(&mut self, train: (Units<'_>, &[Label]), dev: (Units<'_>, &[Label]), from: usize, s: &FitSettings, soft: Option<&[[f32; 3]]>, on_epoch: &mut dyn FnMut(&EpochStat)) -> Result<Trained> {
        tch::manual_seed(s.seed as i64);
        let from = from.min(self.stack.len());
        let trainable = self.trainable(from);
        let (vars, mut opt) = self.train_only(&trainable, s)?;
        let train_b = self.batches(train.0, s.batch_size, from)?;
        let dev_b = self.batches(dev.0, 64, from)?;
        let (yt, w) = (targets(train.1).to(self.rt.device), class_weights(train.1).to(self.rt.device));
        if soft.is_some_and(|q| q.len() != train.0.texts.len()) {
            return Err(Error::Internal("soft labels do not match the training units".into()));
        }
        let qt = soft.map(|q| Tensor::from_slice(&q.iter().flatten().copied().collect::<Vec<f32>>()).view([-1, 3]).to(self.rt.device));
        let mut best = Best { f1: -1.0, epoch: 0, saved: Vec::new() };
        let mut history = Vec::new();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(s.seed);
        let mut order: Vec<usize> = (0..train_b.len()).collect();
        for epoch in 1..=s.epochs {
            order.shuffle(&mut rng);
            let mut total = 0.0;
            for &bi in &order {
                let b = &train_b[bi];
                let idx = Tensor::from_slice(&b.idx.iter().map(|&i| i as i64).collect::<Vec<_>>()).to(self.rt.device);
                let z = self.logits(b, from, true);
                let hard = z.cross_entropy_loss::<Tensor>(&yt.index_select(0, &idx), Some(w.shallow_clone()), tch::Reduction::Mean, -100, 0.0);
                let loss = match &qt {
                    // cross-entropy against the teacher's distribution (KL up to a constant)
                    Some(q) => {
                        let soft = -(q.index_select(0, &idx) * z.log_softmax(-1, tch::Kind::Float)).sum_dim_intlist([-1i64].as_slice(), false, tch::Kind::Float).mean(tch::Kind::Float);
                        hard * (1.0 - s.distill_weight) + soft * s.distill_weight
                    }
                    None => hard,
                };
                opt.backward_step(&loss);
                total += loss.double_value(&[]) * b.idx.len() as f64;
            }
            let f1 = if dev.1.is_empty() { 0.0 } else { macro_f1(&self.predict_logits(&dev_b, dev.0.texts.len(), from), dev.1)? };
            let stat = EpochStat { epoch, train_loss: total / train.0.texts.len().max(1) as f64, dev_macro_f1: f1 };
            on_epoch(&stat);
            history.push(stat);
            if !best.offer(f1, epoch, &vars) && epoch >= best.epoch + s.patience {
                break;
            }
        }
        best.restore(&vars);
        freeze(&vars);
        let head_w = &trainable.iter().find(|(n, _)| n == &format!("{HEAD_PREFIX}.weight")).unwrap().1;
        let head_b = &trainable.iter().find(|(n, _)| n == &format!("{HEAD_PREFIX}.bias")).unwrap().1;
        let head = LinearHead { labels: Label::ALL.to_vec(), weight: to_array2(head_w)?, bias: to_array1(head_b)?, hidden: None };
        let layers = trainable.into_iter().filter(|(n, _)| !n.starts_with(HEAD_PREFIX)).map(|(n, t)| (n, t.detach().copy())).collect();
        Ok(Trained { head, layers, history, best_epoch: best.epoch })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit_rows(rows: &[[f32; 2]]) -> Tensor {
        let flat: Vec<f32> = rows.iter().flatten().copied().collect();
        let t = Tensor::from_slice(&flat).view([rows.len() as i64, 2]);
        &t / t.norm_scalaropt_dim(2, [1i64].as_slice(), true)
    }

    #[test]
    fn pair_loss_is_zero_when_labels_match_geometry_and_grows_when_they_do_not() {
        let y = Tensor::from_slice(&[0i64, 0, 1]);
        // the two strengths point the same way, the improvement is orthogonal to them
        let good = pair_loss(&unit_rows(&[[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), &y).double_value(&[]);
        assert!(good.abs() < 1e-6, "{good}");
        // swapped: the improvement sits on the first strength, the second strength is orthogonal
        let bad = pair_loss(&unit_rows(&[[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]), &y).double_value(&[]);
        // positive pair cos 0 -> error 1; negatives: cos 1 (error 1) and 0 (error 0) -> mean 0.5
        assert!((bad - 0.75).abs() < 1e-6, "{bad}");
    }
}
