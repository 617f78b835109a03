//! Sentence encoder: all-MiniLM-L6-v2 run by rust-bert, mean-pooled and L2-normalised, as
//! sentence-transformers does. Inference runs in length-sorted batches.

use crate::bert;
use crate::error::{Error, Result};
use ndarray::Array2;
use rust_bert::bert::{BertEmbeddings, BertModel};
use std::path::{Path, PathBuf};
use tch::{nn::VarStore, Device, Kind};
use tokenizers::Tokenizer;

pub struct Encoder {
    model: BertModel<BertEmbeddings>,
    tokenizer: Tokenizer,
    vs: VarStore,
    pub dim: usize,
    pub weights: PathBuf,
    pub sha256: String,
    pub batch_size: usize,
}

impl Encoder {
    pub fn load(dir: &Path) -> Result<Encoder> {
        let config = bert::load_config(dir)?;
        let tokenizer = bert::load_tokenizer(dir)?;
        let mut vs = VarStore::new(Device::Cpu);
        let model = BertModel::<BertEmbeddings>::new_with_optional_pooler(vs.root(), &config, false);
        let (weights, sha256) = bert::load_weights(&mut vs, dir)?;
        Ok(Encoder { model, tokenizer, vs, dim: config.hidden_size as usize, weights, sha256, batch_size: 32 })
    }

    /// Overwrite encoder layers with fine-tuned ones from a model folder's layers file.
    pub fn apply_layers(&mut self, file: &Path) -> Result<usize> {
        crate::finetune::load_layers(&self.vs.variables(), file)
    }

    /// Embeddings `[texts, dim]` in input order; `progress` is told how many texts each batch finished.
    pub fn embed(&self, texts: &[&str], progress: &mut dyn FnMut(usize)) -> Result<Array2<f32>> {
        let encodings = bert::encode_all(&self.tokenizer, texts)?;
        let lengths: Vec<usize> = encodings.iter().map(|e| e.len()).collect();
        let mut out = Array2::<f32>::zeros((texts.len(), self.dim));
        for batch in bert::sorted_batches(&lengths, self.batch_size) {
            let encs: Vec<_> = batch.iter().map(|&i| &encodings[i]).collect();
            let (ids, mask) = bert::batch_tensors(&encs);
            let pooled = tch::no_grad(|| -> Result<tch::Tensor> {
                let output = self
                    .model
                    .forward_t(Some(&ids), Some(&mask), None, None, None, None, None, false)
                    .map_err(|e| Error::Predict { article: String::new(), message: format!("encoder: {e}") })?;
                let m = mask.to_kind(Kind::Float).unsqueeze(-1);
                let summed = (output.hidden_state * &m).sum_dim_intlist([1i64].as_slice(), false, Kind::Float);
                let counts = m.sum_dim_intlist([1i64].as_slice(), false, Kind::Float).clamp_min(1e-9);
                let mean = summed / counts;
                let norm = mean.norm_scalaropt_dim(2, [1i64].as_slice(), true).clamp_min(1e-12);
                Ok(mean / norm)
            })?;
            let flat = bert::to_vec_f32(&pooled)?;
            for (r, &i) in batch.iter().enumerate() {
                out.row_mut(i).assign(&ndarray::ArrayView1::from(&flat[r * self.dim..(r + 1) * self.dim]));
            }
            progress(batch.len());
        }
        Ok(out)
    }
}
