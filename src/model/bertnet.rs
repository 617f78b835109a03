//! The two BERT models (all-MiniLM-L6-v2 and the person tagger): rust-bert's BERT embeddings and
//! config, with the encoder layers of [`crate::model::mpnet::Layer`] under BERT's names. Why not
//! rust-bert's `BertModel` whole: its layers compute GELU in five tensor ops (one here), and its
//! attention mask is fp32, so its layers cannot run in bf16 (the [`Precision`] setting).
//! Variable names match Hugging Face's `BertModel`, so the safetensors files load as they are.

use crate::error::{Error, Result};
use crate::model::mpnet::{self, Layer, Naming, Shape};
use rust_bert::bert::{BertConfig, BertEmbedding, BertEmbeddings};
use rust_bert::Activation;
use std::path::Path;
use tch::nn;
use tch::Tensor;

/// Layer norm epsilon of BERT (the value rust-bert's embeddings use too).
const LAYER_NORM_EPS: f64 = 1e-12;

/// The layer shape of a BERT config; only GELU activations are supported.
pub fn shape(c: &BertConfig, config_file: &Path) -> Result<Shape> {
    if !matches!(c.hidden_act, Activation::gelu) {
        return Err(Error::model(config_file, format!("hidden_act {:?} is not supported (only \"gelu\")", c.hidden_act)));
    }
    if c.num_attention_heads <= 0 || c.hidden_size % c.num_attention_heads != 0 {
        return Err(Error::model(config_file, format!("hidden_size {} is not a multiple of num_attention_heads {}", c.hidden_size, c.num_attention_heads)));
    }
    Ok(Shape {
        hidden: c.hidden_size,
        heads: c.num_attention_heads,
        intermediate: c.intermediate_size,
        layer_norm_eps: LAYER_NORM_EPS,
        hidden_dropout: c.hidden_dropout_prob,
        attention_dropout: c.attention_probs_dropout_prob,
    })
}

/// Hugging Face's `BertModel` without the pooler: token states of the last layer.
pub struct BertNet {
    pub embeddings: BertEmbeddings,
    pub layers: Vec<Layer>,
}

impl BertNet {
    /// `p` is the path the model's names start from (the root for a sentence encoder, `bert`
    /// under a token classifier).
    pub fn new(p: nn::Path, c: &BertConfig, shape: &Shape) -> BertNet {
        let enc = &p / "encoder";
        BertNet {
            embeddings: BertEmbeddings::new(&p / "embeddings", c),
            layers: (0..c.num_hidden_layers).map(|i| Layer::new(&enc / "layer" / i, shape, 0, Naming::Bert)).collect(),
        }
    }

    /// Embedding output `[batch, tokens, hidden]`; `types` are token type ids (zeros if `None`).
    pub fn embed(&self, ids: &Tensor, types: Option<&Tensor>, train: bool) -> Result<Tensor> {
        self.embeddings.forward_t(Some(ids), types, None, None, train).map_err(|e| Error::runtime("BERT embeddings", e))
    }

    /// Last-layer token states `[batch, tokens, hidden]`, in the weights' precision.
    pub fn forward_t(&self, ids: &Tensor, mask: &Tensor, types: Option<&Tensor>, train: bool) -> Result<Tensor> {
        let mut h = self.embed(ids, types, train)?;
        let m = mpnet::attention_mask(mask).to_kind(h.kind());
        for layer in &self.layers {
            h = layer.forward_t(&h, &m, None, train);
        }
        Ok(h)
    }
}

/// Hugging Face's `BertForTokenClassification`: [`BertNet`] under `bert`, a linear `classifier`.
pub struct BertTokenClassifier {
    pub bert: BertNet,
    classifier: nn::Linear,
}

impl BertTokenClassifier {
    pub fn new(p: nn::Path, c: &BertConfig, shape: &Shape, labels: i64) -> BertTokenClassifier {
        BertTokenClassifier { bert: BertNet::new(&p / "bert", c, shape), classifier: nn::linear(&p / "classifier", c.hidden_size, labels, Default::default()) }
    }

    /// Label logits `[batch, tokens, labels]`, no dropout.
    pub fn forward(&self, ids: &Tensor, mask: &Tensor) -> Result<Tensor> {
        Ok(self.bert.forward_t(ids, mask, None, false)?.apply(&self.classifier))
    }
}
