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

/// The sizes and settings one transformer layer needs, from either family's config.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub hidden: i64,
    pub heads: i64,
    pub intermediate: i64,
    pub layer_norm_eps: f64,
    pub hidden_dropout: f64,
    pub attention_dropout: f64,
}

impl MPNetConfig {
    pub fn shape(&self) -> Shape {
        Shape {
            hidden: self.hidden_size,
            heads: self.num_attention_heads,
            intermediate: self.intermediate_size,
            layer_norm_eps: self.layer_norm_eps,
            hidden_dropout: self.hidden_dropout_prob,
            attention_dropout: self.attention_probs_dropout_prob,
        }
    }
}

/// How a family names a layer's modules under `encoder.layer.N`: MPNet has
/// `attention.attn.{q,k,v,o}` and `attention.LayerNorm`; BERT `attention.self.{query,key,value}`,
/// `attention.output.dense` and `attention.output.LayerNorm`. The feed-forward names are shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    MPNet,
    Bert,
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

/// Initial values of weights that the model file always overwrites: zeros cost a memset, where
/// the default random initialisation of MPNet's 110M parameters took 0.4 s of every load.
pub const FROM_FILE: nn::LinearConfig = nn::LinearConfig { ws_init: nn::Init::Const(0.0), bs_init: Some(nn::Init::Const(0.0)), bias: true };

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
        let linear = nn::linear(&p, inputs, outputs, FROM_FILE);
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

pub fn layer_norm(p: nn::Path, hidden: i64, eps: f64) -> nn::LayerNorm {
    nn::layer_norm(p, vec![hidden], nn::LayerNormConfig { eps, ..Default::default() })
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
        let cfg = nn::EmbeddingConfig { padding_idx: c.pad_token_id, ws_init: nn::Init::Const(0.0), ..Default::default() };
        MPNetEmbeddings {
            word_embeddings: nn::embedding(&p / "word_embeddings", c.vocab_size, c.hidden_size, cfg),
            position_embeddings: nn::embedding(&p / "position_embeddings", c.max_position_embeddings, c.hidden_size, cfg),
            layer_norm: layer_norm(&p / "LayerNorm", c.hidden_size, c.layer_norm_eps),
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
    /// `p` is the layer's `attention` path.
    fn new(p: nn::Path, c: &Shape, rank: i64, naming: Naming) -> SelfAttention {
        let lin = |p: nn::Path| Dense::new(p, c.hidden, c.hidden, rank);
        let (q, k, v, o) = match naming {
            Naming::MPNet => {
                let a = &p / "attn";
                (lin(&a / "q"), lin(&a / "k"), lin(&a / "v"), lin(&a / "o"))
            }
            Naming::Bert => {
                let a = &p / "self";
                (lin(&a / "query"), lin(&a / "key"), lin(&a / "value"), lin(&p / "output" / "dense"))
            }
        };
        SelfAttention { q, k, v, o, heads: c.heads, head_dim: c.hidden / c.heads, dropout: c.attention_dropout }
    }

    fn forward_t(&self, h: &Tensor, mask: &Tensor, bias: Option<&Tensor>, train: bool) -> Tensor {
        let (b, n) = (h.size()[0], h.size()[1]);
        let split = |x: Tensor| x.view([b, n, self.heads, self.head_dim]).transpose(1, 2);
        let (q, k, v) = (split(self.q.forward(h)), split(self.k.forward(h)), split(self.v.forward(h)));
        let scores = q.matmul(&k.transpose(-1, -2)) / (self.head_dim as f64).sqrt();
        let scores = match bias {
            Some(bias) => scores + bias + mask,
            None => scores + mask,
        };
        // softmax in fp32 whatever the weights' precision, then back to it
        let probs = scores.softmax(-1, Kind::Float).to_kind(v.kind()).dropout(self.dropout, train);
        self.o.forward(&probs.matmul(&v).transpose(1, 2).contiguous().view([b, n, self.heads * self.head_dim]))
    }
}

/// One post-norm transformer layer, as both MPNet and BERT have it: self-attention, residual and
/// norm, then a GELU feed-forward, residual and norm. GELU is libtorch's single exact-erf op
/// (rust-bert's BERT computes the same function in five tensor ops).
pub struct Layer {
    attention: SelfAttention,
    attention_norm: nn::LayerNorm,
    intermediate: Dense,
    output: Dense,
    output_norm: nn::LayerNorm,
    dropout: f64,
}

impl Layer {
    /// `rank` > 0 gives every linear layer a LoRA update of that rank.
    pub fn new(p: nn::Path, c: &Shape, rank: i64, naming: Naming) -> Layer {
        let norm = |p: nn::Path| layer_norm(p, c.hidden, c.layer_norm_eps);
        let attention_norm = match naming {
            Naming::MPNet => norm(&p / "attention" / "LayerNorm"),
            Naming::Bert => norm(&p / "attention" / "output" / "LayerNorm"),
        };
        Layer {
            attention: SelfAttention::new(&p / "attention", c, rank, naming),
            attention_norm,
            intermediate: Dense::new(&p / "intermediate" / "dense", c.hidden, c.intermediate, rank),
            output: Dense::new(&p / "output" / "dense", c.intermediate, c.hidden, rank),
            output_norm: norm(&p / "output" / "LayerNorm"),
            dropout: c.hidden_dropout,
        }
    }

    /// `h` `[batch, tokens, hidden]`; `mask` from [`attention_mask`]; `bias`, MPNet's, from
    /// [`MPNetModel::position_bias`].
    pub fn forward_t(&self, h: &Tensor, mask: &Tensor, bias: Option<&Tensor>, train: bool) -> Tensor {
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
    pub layers: Vec<Layer>,
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
            layers: (0..c.num_hidden_layers).map(|i| Layer::new(&enc / "layer" / i, &c.shape(), rank, Naming::MPNet)).collect(),
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
        // position bias and padding mask added once for all layers: `[batch, heads, tokens, tokens]`
        let m = (self.position_bias(ids.size()[1]) + attention_mask(mask)).to_kind(h.kind());
        for layer in &self.layers {
            h = layer.forward_t(&h, &m, None, train);
        }
        h
    }
}
