//! MPNet (Song et al., 2020), the architecture of sentence-transformers' all-mpnet-base-v2, on
//! tch: rust-bert 0.23 has no MPNet. The module tree and variable names follow Hugging Face's
//! `MPNetModel`, so the model's safetensors file loads into a [`tch::nn::VarStore`] as it is
//! (`embeddings.*`, `encoder.layer.N.attention.attn.{q,k,v,o}`, `encoder.relative_attention_bias`;
//! the unused `pooler.*` and `embeddings.position_ids` in the file are ignored).
//!
//! Differences from BERT: position ids count real tokens from `padding_idx + 1` (RoBERTa style),
//! there are no token-type embeddings, and every layer adds one relative-position bias to its
//! attention scores, computed once per forward from `encoder.relative_attention_bias`.
//! Dropout applies only with `train = true`.

use crate::error::{Error, Result};
use serde::Deserialize;
use std::path::Path;
use tch::nn::{self, Module};
use tch::{Kind, Tensor};

/// Relative distances from this far on share the last bucket (Hugging Face's default).
pub const MAX_DISTANCE: i64 = 128;

/// The fields of Hugging Face's `MPNetConfig` that the forward pass uses.
#[derive(Debug, Clone, Deserialize)]
pub struct MPNetConfig {
    pub vocab_size: i64,
    pub hidden_size: i64,
    pub num_hidden_layers: i64,
    pub num_attention_heads: i64,
    pub intermediate_size: i64,
    pub max_position_embeddings: i64,
    #[serde(default = "defaults::layer_norm_eps")]
    pub layer_norm_eps: f64,
    #[serde(default = "defaults::pad_token_id")]
    pub pad_token_id: i64,
    #[serde(default = "defaults::relative_attention_num_buckets")]
    pub relative_attention_num_buckets: i64,
    #[serde(default = "defaults::dropout")]
    pub hidden_dropout_prob: f64,
    #[serde(default = "defaults::dropout")]
    pub attention_probs_dropout_prob: f64,
    #[serde(default = "defaults::hidden_act")]
    pub hidden_act: String,
}

mod defaults {
    pub fn layer_norm_eps() -> f64 {
        1e-12
    }
    pub fn pad_token_id() -> i64 {
        1
    }
    pub fn relative_attention_num_buckets() -> i64 {
        32
    }
    pub fn dropout() -> f64 {
        0.1
    }
    pub fn hidden_act() -> String {
        "gelu".into()
    }
}

/// Read and check `config.json` of an MPNet model folder.
pub fn load_config(dir: &Path) -> Result<MPNetConfig> {
    let p = dir.join("config.json");
    let c: MPNetConfig = crate::model::bert::read_config(dir)?;
    if c.hidden_act != "gelu" {
        return Err(Error::model(&p, format!("hidden_act {:?} is not supported (only \"gelu\")", c.hidden_act)));
    }
    if c.num_attention_heads <= 0 || c.hidden_size % c.num_attention_heads != 0 {
        return Err(Error::model(&p, format!("hidden_size {} is not a multiple of num_attention_heads {}", c.hidden_size, c.num_attention_heads)));
    }
    if c.relative_attention_num_buckets < 4 {
        return Err(Error::model(&p, "relative_attention_num_buckets must be at least 4"));
    }
    Ok(c)
}

/// Suffixes of the two low-rank factors of a [`Dense`] layer's update, beside its `weight`.
pub const LORA_A: &str = "lora_a";
pub const LORA_B: &str = "lora_b";

/// A linear layer with an optional low-rank update (LoRA, Hu et al., 2021): `y = x Wᵀ + b + (x Aᵀ) Bᵀ`
/// with `A` `[rank, in]` and `B` `[out, rank]`. `B` starts at zero, so a new update changes
/// nothing; training only the factors (and biases and norms) makes a fine-tuned MPNet small
/// enough to commit: `W + B A` is formed when the factors are loaded ([`merge_lora`]).
struct Dense {
    linear: nn::Linear,
    lora: Option<(Tensor, Tensor)>,
}

impl Dense {
    fn new(p: nn::Path, inputs: i64, outputs: i64, rank: i64) -> Dense {
        let linear = nn::linear(&p, inputs, outputs, Default::default());
        let lora = (rank > 0).then(|| {
            let a = p.var(LORA_A, &[rank, inputs], nn::Init::Randn { mean: 0.0, stdev: 1.0 / (inputs as f64).sqrt() });
            let b = p.zeros(LORA_B, &[outputs, rank]);
            (a, b)
        });
        Dense { linear, lora }
    }

    fn forward(&self, x: &Tensor) -> Tensor {
        let y = x.apply(&self.linear);
        match &self.lora {
            Some((a, b)) => y + x.matmul(&a.tr()).matmul(&b.tr()),
            None => y,
        }
    }
}

/// The weight a pair of LoRA factors belongs to: `X.lora_a` and `X.lora_b` update `X.weight`.
pub fn lora_target(name: &str) -> Option<(&str, bool)> {
    let (base, suffix) = name.rsplit_once('.')?;
    match suffix {
        LORA_A => Some((base, true)),
        LORA_B => Some((base, false)),
        _ => None,
    }
}

/// `weight += b · a`, in the weight's precision; `Err` says why factors that do not fit the
/// weight (`a` `[rank, in]`, `b` `[out, rank]`) were refused.
pub fn merge_lora(weight: &Tensor, a: &Tensor, b: &Tensor) -> std::result::Result<(), String> {
    let (w, a_size, b_size) = (weight.size(), a.size(), b.size());
    if w.len() != 2 || a_size.len() != 2 || b_size.len() != 2 || a_size[1] != w[1] || b_size[0] != w[0] || a_size[0] != b_size[1] {
        return Err(format!("have shapes {a_size:?} and {b_size:?}, which do not fit a {w:?} weight"));
    }
    tch::no_grad(|| {
        let delta = b.to_kind(weight.kind()).matmul(&a.to_kind(weight.kind()));
        let _ = weight.shallow_clone().g_add_(&delta);
    });
    Ok(())
}

fn layer_norm(p: nn::Path, c: &MPNetConfig) -> nn::LayerNorm {
    nn::layer_norm(p, vec![c.hidden_size], nn::LayerNormConfig { eps: c.layer_norm_eps, ..Default::default() })
}

/// Bucket of each relative position (key position minus query position), as Hugging Face's
/// `MPNetEncoder.relative_position_bucket` computes it, op for op: half the buckets for keys
/// after the query, half for keys before; within a half, distances below a quarter of
/// `num_buckets` get a bucket each, longer ones share logarithmically wider buckets up to
/// `max_distance`, and everything beyond falls in the last bucket of the half.
pub fn relative_position_bucket(relative: &Tensor, num_buckets: i64, max_distance: i64) -> Tensor {
    let n = -relative;
    let half = num_buckets / 2;
    let ret = n.lt(0).to_kind(Kind::Int64) * half;
    let n = n.abs();
    let max_exact = half / 2;
    let is_small = n.lt(max_exact);
    let scale = (max_distance as f64 / max_exact as f64).ln();
    let large = ((n.to_kind(Kind::Float) / max_exact as f64).log() / scale * (half - max_exact) as f64).to_kind(Kind::Int64) + max_exact;
    let large = large.clamp_max(half - 1);
    ret + n.where_self(&is_small, &large)
}

/// The additive attention mask `[batch, 1, 1, tokens]`: 0 on tokens, the float minimum on padding
/// (what Hugging Face's `get_extended_attention_mask` gives).
pub fn attention_mask(mask: &Tensor) -> Tensor {
    let m = mask.to_kind(Kind::Float).unsqueeze(1).unsqueeze(1);
    (m.ones_like() - m) * f64::from(f32::MIN)
}

pub struct MPNetEmbeddings {
    word_embeddings: nn::Embedding,
    position_embeddings: nn::Embedding,
    layer_norm: nn::LayerNorm,
    padding_idx: i64,
    dropout: f64,
}

impl MPNetEmbeddings {
    pub fn new(p: nn::Path, c: &MPNetConfig) -> MPNetEmbeddings {
        let cfg = nn::EmbeddingConfig { padding_idx: c.pad_token_id, ..Default::default() };
        MPNetEmbeddings {
            word_embeddings: nn::embedding(&p / "word_embeddings", c.vocab_size, c.hidden_size, cfg),
            position_embeddings: nn::embedding(&p / "position_embeddings", c.max_position_embeddings, c.hidden_size, cfg),
            layer_norm: layer_norm(&p / "LayerNorm", c),
            padding_idx: c.pad_token_id,
            dropout: c.hidden_dropout_prob,
        }
    }

    /// `ids` and `mask` `[batch, tokens]`. Positions count the real tokens from `padding_idx + 1`;
    /// padding gets `padding_idx`. Taken from the mask rather than from the ids (as Hugging Face
    /// does), so the id a batch pads with does not matter; the two agree on every real token.
    pub fn forward_t(&self, ids: &Tensor, mask: &Tensor, train: bool) -> Tensor {
        let real = mask.ne(0).to_kind(Kind::Int64);
        let positions = real.cumsum(1, Kind::Int64) * &real + self.padding_idx;
        let h = self.word_embeddings.forward(ids) + self.position_embeddings.forward(&positions);
        h.apply(&self.layer_norm).dropout(self.dropout, train)
    }
}

struct SelfAttention {
    q: Dense,
    k: Dense,
    v: Dense,
    o: Dense,
    heads: i64,
    head_dim: i64,
    dropout: f64,
}

impl SelfAttention {
    fn new(p: nn::Path, c: &MPNetConfig, rank: i64) -> SelfAttention {
        let lin = |name: &str| Dense::new(&p / name, c.hidden_size, c.hidden_size, rank);
        SelfAttention {
            q: lin("q"),
            k: lin("k"),
            v: lin("v"),
            o: lin("o"),
            heads: c.num_attention_heads,
            head_dim: c.hidden_size / c.num_attention_heads,
            dropout: c.attention_probs_dropout_prob,
        }
    }

    fn forward_t(&self, h: &Tensor, mask: &Tensor, bias: &Tensor, train: bool) -> Tensor {
        let (b, n) = (h.size()[0], h.size()[1]);
        let split = |x: Tensor| x.view([b, n, self.heads, self.head_dim]).transpose(1, 2);
        let (q, k, v) = (split(self.q.forward(h)), split(self.k.forward(h)), split(self.v.forward(h)));
        let scores = q.matmul(&k.transpose(-1, -2)) / (self.head_dim as f64).sqrt() + bias + mask;
        // softmax in fp32 whatever the weights' precision, then back to it
        let probs = scores.softmax(-1, Kind::Float).to_kind(v.kind()).dropout(self.dropout, train);
        self.o.forward(&probs.matmul(&v).transpose(1, 2).contiguous().view([b, n, self.heads * self.head_dim]))
    }
}

pub struct MPNetLayer {
    attention: SelfAttention,
    attention_norm: nn::LayerNorm,
    intermediate: Dense,
    output: Dense,
    output_norm: nn::LayerNorm,
    dropout: f64,
}

impl MPNetLayer {
    /// `rank` > 0 gives every linear layer a LoRA update of that rank.
    pub fn new(p: nn::Path, c: &MPNetConfig, rank: i64) -> MPNetLayer {
        MPNetLayer {
            attention: SelfAttention::new(&p / "attention" / "attn", c, rank),
            attention_norm: layer_norm(&p / "attention" / "LayerNorm", c),
            intermediate: Dense::new(&p / "intermediate" / "dense", c.hidden_size, c.intermediate_size, rank),
            output: Dense::new(&p / "output" / "dense", c.intermediate_size, c.hidden_size, rank),
            output_norm: layer_norm(&p / "output" / "LayerNorm", c),
            dropout: c.hidden_dropout_prob,
        }
    }

    /// `h` `[batch, tokens, hidden]`; `mask` from [`attention_mask`]; `bias` from
    /// [`MPNetModel::position_bias`].
    pub fn forward_t(&self, h: &Tensor, mask: &Tensor, bias: &Tensor, train: bool) -> Tensor {
        let a = self.attention.forward_t(h, mask, bias, train).dropout(self.dropout, train);
        let a = (a + h).apply(&self.attention_norm);
        let i = self.intermediate.forward(&a).gelu("none");
        let o = self.output.forward(&i).dropout(self.dropout, train);
        (o + a).apply(&self.output_norm)
    }
}

/// Hugging Face's `MPNetModel` without the pooler: token states of the last layer.
pub struct MPNetModel {
    pub embeddings: MPNetEmbeddings,
    pub layers: Vec<MPNetLayer>,
    relative_attention_bias: nn::Embedding,
    num_buckets: i64,
}

impl MPNetModel {
    pub fn new(p: nn::Path, c: &MPNetConfig) -> MPNetModel {
        MPNetModel::with_lora(p, c, 0)
    }

    /// The model with LoRA factors of `rank` in every linear layer of every encoder layer, for
    /// training them ([`Dense`]); inference merges trained factors into the weights instead.
    pub fn with_lora(p: nn::Path, c: &MPNetConfig, rank: i64) -> MPNetModel {
        let enc = &p / "encoder";
        MPNetModel {
            embeddings: MPNetEmbeddings::new(&p / "embeddings", c),
            layers: (0..c.num_hidden_layers).map(|i| MPNetLayer::new(&enc / "layer" / i, c, rank)).collect(),
            relative_attention_bias: nn::embedding(&enc / "relative_attention_bias", c.relative_attention_num_buckets, c.num_attention_heads, Default::default()),
            num_buckets: c.relative_attention_num_buckets,
        }
    }

    /// The attention bias `[1, heads, tokens, tokens]` shared by every layer for inputs `tokens` long.
    pub fn position_bias(&self, tokens: i64) -> Tensor {
        let pos = Tensor::arange(tokens, (Kind::Int64, self.relative_attention_bias.ws.device()));
        let relative = pos.unsqueeze(0) - pos.unsqueeze(1); // [query, key]: key - query
        let bucket = relative_position_bucket(&relative, self.num_buckets, MAX_DISTANCE);
        self.relative_attention_bias.forward(&bucket).permute([2, 0, 1]).unsqueeze(0)
    }

    /// Last-layer token states `[batch, tokens, hidden]` for `ids` and `mask` `[batch, tokens]`.
    pub fn forward_t(&self, ids: &Tensor, mask: &Tensor, train: bool) -> Tensor {
        let mut h = self.embeddings.forward_t(ids, mask, train);
        let bias = self.position_bias(ids.size()[1]);
        let m = attention_mask(mask).to_kind(h.kind());
        for layer in &self.layers {
            h = layer.forward_t(&h, &m, &bias, train);
        }
        h
    }
}
