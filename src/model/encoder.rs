//! Sentence encoder: a transformer backbone, mean-pooled and L2-normalised, as
//! sentence-transformers does. The backbone is chosen by `config.json`'s `model_type`: "bert"
//! (all-MiniLM-L6-v2, run by [`crate::model::bertnet`]) or "mpnet" (all-mpnet-base-v2, run by [`crate::model::mpnet`]).
//! Tokenisation, length-sorted batching and pooling are the same for both.

use crate::error::{Error, Result};
use crate::model::bert;
use crate::model::mpnet::{self, MPNetModel};
use crate::model::pool::mean_pool;
use crate::model::runtime::Runtime;
use ndarray::Array2;
use crate::model::bertnet::{self, BertNet};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use tch::nn::VarStore;
use tch::Tensor;
use tokenizers::Tokenizer;

/// The transformer architectures an encoder folder may hold (`config.json` `model_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Architecture {
    Bert,
    MPNet,
}

impl Architecture {
    pub fn of(dir: &Path) -> Result<Architecture> {
        #[derive(Deserialize)]
        struct ModelType {
            model_type: Option<String>,
        }
        let t: ModelType = bert::read_config(dir)?;
        match t.model_type.as_deref() {
            Some("bert") => Ok(Architecture::Bert),
            Some("mpnet") => Ok(Architecture::MPNet),
            other => Err(Error::model(dir.join("config.json"), format!("model_type {other:?} is not supported (\"bert\" or \"mpnet\")"))),
        }
    }
}

enum Backbone {
    Bert(BertNet),
    MPNet(MPNetModel),
}

impl Backbone {
    /// Last-layer token states `[batch, tokens, dim]`, no dropout.
    /// `types`: token type ids of unit-and-context pairs (BERT; MPNet has none).
    fn forward(&self, ids: &Tensor, mask: &Tensor, types: Option<&Tensor>) -> Result<Tensor> {
        match self {
            Backbone::Bert(m) => m.forward_t(ids, mask, types, false),
            Backbone::MPNet(m) => Ok(m.forward_t(ids, mask, false)),
        }
    }
}

pub struct Encoder {
    model: Backbone,
    tokenizer: Tokenizer,
    vs: VarStore,
    pub architecture: Architecture,
    pub dim: usize,
    pub weights: PathBuf,
    pub sha256: String,
    rt: Runtime,
}

impl Encoder {
    pub fn load(dir: &Path, rt: &Runtime) -> Result<Encoder> {
        let architecture = Architecture::of(dir)?;
        let mut vs = VarStore::new(rt.device);
        let (model, dim) = match architecture {
            Architecture::Bert => {
                let config = bert::load_config(dir)?;
                let shape = bertnet::shape(&config, &dir.join("config.json"))?;
                (Backbone::Bert(BertNet::new(vs.root(), &config, &shape)), config.hidden_size)
            }
            Architecture::MPNet => {
                let config = mpnet::load_config(dir)?;
                (Backbone::MPNet(MPNetModel::new(vs.root(), &config)), config.hidden_size)
            }
        };
        let tokenizer = bert::load_tokenizer(dir)?;
        let (weights, sha256) = bert::load_weights(&mut vs, dir)?;
        Ok(Encoder { model, tokenizer, vs, architecture, dim: dim as usize, weights, sha256, rt: rt.clone() })
    }

    /// Run inference at the runtime's precision: called once the weights are final (after any
    /// fine-tuned layers or LoRA factors were applied in fp32).
    pub fn apply_precision(&mut self) {
        if self.precision() == crate::model::runtime::Precision::BFloat16 {
            self.vs.bfloat16();
        }
    }

    /// The precision inference runs at. bf16 asked of a BERT encoder (MiniLM) stays fp32: cast,
    /// the fast model's eval macro-F1 fell by 0.007 (README, Speed), beyond the 0.005 allowed.
    pub fn precision(&self) -> crate::model::runtime::Precision {
        use crate::model::runtime::Precision;
        if self.rt.precision == Precision::BFloat16 && self.architecture == Architecture::MPNet { Precision::BFloat16 } else { Precision::Float32 }
    }

    /// Overwrite encoder layers with fine-tuned ones from a model folder's layers file.
    pub fn apply_layers(&mut self, file: &Path) -> Result<usize> {
        crate::model::classifier::load_layers(&self.vs.variables(), file)
    }

    /// Embeddings `[texts, dim]` in input order; `progress` is told how many texts each batch
    /// finished. Identical texts are encoded once.
    pub fn embed(&self, texts: &[&str], progress: &mut dyn FnMut(usize)) -> Result<Array2<f32>> {
        let (unique, index) = bert::distinct(texts);
        let out = self.embed_encoded(&bert::encode_all(&self.tokenizer, &unique)?, progress)?;
        progress(texts.len() - unique.len());
        Ok(out.select(ndarray::Axis(0), &index))
    }

    /// Embeddings of units read with their contexts ([`bert::encode_with_context`]): still the
    /// mean over each unit's own tokens, now computed with the context in view.
    pub fn embed_with_context(&self, texts: &[&str], contexts: &[Option<String>], progress: &mut dyn FnMut(usize)) -> Result<Array2<f32>> {
        if texts.len() != contexts.len() {
            return Err(Error::Internal(format!("{} units but {} contexts", texts.len(), contexts.len())));
        }
        let pairs: Vec<(&str, Option<&str>)> = texts.iter().zip(contexts).map(|(&t, c)| (t, c.as_deref())).collect();
        let (unique, index) = bert::distinct(&pairs);
        let (t, c): (Vec<&str>, Vec<Option<String>>) = unique.iter().map(|&(t, c)| (t, c.map(str::to_string))).unzip();
        let out = self.embed_encoded(&bert::encode_with_context(&self.tokenizer, &t, &c)?, progress)?;
        progress(texts.len() - unique.len());
        Ok(out.select(ndarray::Axis(0), &index))
    }

    fn embed_encoded(&self, encodings: &[tokenizers::Encoding], progress: &mut dyn FnMut(usize)) -> Result<Array2<f32>> {
        let lengths: Vec<usize> = encodings.iter().map(|e| e.len()).collect();
        let mut out = Array2::<f32>::zeros((encodings.len(), self.dim));
        for batch in bert::batches(&lengths, &self.rt) {
            let encs: Vec<_> = batch.iter().map(|&i| &encodings[i]).collect();
            let (ids, mask) = bert::batch_tensors(&encs, self.rt.device);
            let (pool, types) = bert::pool_tensors(&encs, self.rt.device);
            let pooled = tch::no_grad(|| -> Result<tch::Tensor> { Ok(mean_pool(&self.model.forward(&ids, &mask, types.as_ref())?.to_kind(tch::Kind::Float), &pool)) })?;
            let flat = bert::to_vec_f32(&pooled)?;
            for (r, &i) in batch.iter().enumerate() {
                out.row_mut(i).assign(&ndarray::ArrayView1::from(&flat[r * self.dim..(r + 1) * self.dim]));
            }
            progress(batch.len());
        }
        Ok(out)
    }
}
