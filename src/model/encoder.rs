//! Sentence encoder: all-MiniLM-L6-v2 run by rust-bert, mean-pooled and L2-normalised, as
//! sentence-transformers does. Inference runs in length-sorted batches.

use crate::error::{Error, Result};
use crate::model::bert;
use crate::model::pool::mean_pool;
use crate::model::runtime::Runtime;
use ndarray::Array2;
use rust_bert::bert::{BertEmbeddings, BertModel};
use std::path::{Path, PathBuf};
use tch::nn::VarStore;
use tokenizers::Tokenizer;

pub struct Encoder {
    model: BertModel<BertEmbeddings>,
    tokenizer: Tokenizer,
    vs: VarStore,
    pub dim: usize,
    pub weights: PathBuf,
    pub sha256: String,
    rt: Runtime,
}

impl Encoder {
    pub fn load(dir: &Path, rt: &Runtime) -> Result<Encoder> {
        let config = bert::load_config(dir)?;
        let tokenizer = bert::load_tokenizer(dir)?;
        let mut vs = VarStore::new(rt.device);
        let model = BertModel::<BertEmbeddings>::new_with_optional_pooler(vs.root(), &config, false);
        let (weights, sha256) = bert::load_weights(&mut vs, dir)?;
        Ok(Encoder { model, tokenizer, vs, dim: config.hidden_size as usize, weights, sha256, rt: rt.clone() })
    }

    /// Overwrite encoder layers with fine-tuned ones from a model folder's layers file.
    pub fn apply_layers(&mut self, file: &Path) -> Result<usize> {
        crate::model::classifier::load_layers(&self.vs.variables(), file)
    }

    /// Embeddings `[texts, dim]` in input order; `progress` is told how many texts each batch finished.
    pub fn embed(&self, texts: &[&str], progress: &mut dyn FnMut(usize)) -> Result<Array2<f32>> {
        let encodings = bert::encode_all(&self.tokenizer, texts)?;
        let lengths: Vec<usize> = encodings.iter().map(|e| e.len()).collect();
        let mut out = Array2::<f32>::zeros((texts.len(), self.dim));
        for batch in bert::sorted_batches(&lengths, self.rt.batch_size) {
            let encs: Vec<_> = batch.iter().map(|&i| &encodings[i]).collect();
            let (ids, mask) = bert::batch_tensors(&encs, self.rt.device);
            let pooled = tch::no_grad(|| -> Result<tch::Tensor> {
                let output = self
                    .model
                    .forward_t(Some(&ids), Some(&mask), None, None, None, None, None, false)
                    .map_err(|e| Error::runtime("encoder", e))?;
                Ok(mean_pool(&output.hidden_state, &mask))
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
