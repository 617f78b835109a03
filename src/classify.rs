//! Sentence classification stage: encoder embeddings through a trained head.

use crate::bert::sha256_file;
use crate::encoder::Encoder;
use crate::error::{Error, Result};
use crate::head::LinearHead;
use crate::label::Label;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prediction {
    pub label: Label,
    /// In [`Label::ALL`] order: strength, improvement, other.
    pub probs: [f32; 3],
}

impl Prediction {
    pub fn from_probs(probs: [f32; 3]) -> Prediction {
        let best = (0..3).max_by(|&a, &b| probs[a].total_cmp(&probs[b]).then(b.cmp(&a))).unwrap_or(2);
        Prediction { label: Label::from_index(best), probs }
    }
    pub fn confidence(&self) -> f32 {
        self.probs[self.label.index()]
    }
}

/// Labels a batch of unit texts; the output has one prediction per input, in order.
pub trait SentenceClassifier {
    fn predict(&self, texts: &[&str], progress: &mut dyn FnMut(usize)) -> Result<Vec<Prediction>>;
}

/// A model folder (`head.json` + `manifest.json`) bound to the encoder it was trained on.
pub struct SentenceModel {
    pub dir: PathBuf,
    pub encoder: Encoder,
    pub head: LinearHead,
    pub head_sha256: String,
    /// sha256 of the fine-tuned encoder layers applied over the base encoder, if any.
    pub layers_sha256: Option<String>,
}

pub const HEAD_FILE: &str = "head.json";
pub const MANIFEST_FILE: &str = "manifest.json";

impl SentenceModel {
    pub fn load(model_dir: &Path, mut encoder: Encoder) -> Result<SentenceModel> {
        let head_path = model_dir.join(HEAD_FILE);
        let head = LinearHead::read(&head_path)?;
        if head.dim() != encoder.dim || head.labels.len() != 3 || head.bias.len() != 3 {
            return Err(Error::model(&head_path, format!("head expects {}-d embeddings and 3 labels; encoder gives {}", head.dim(), encoder.dim)));
        }
        let manifest_path = model_dir.join(MANIFEST_FILE);
        // a model folder may have no manifest (a bare head.json); any other read error is an error
        let manifest: Option<serde_json::Value> = match std::fs::read_to_string(&manifest_path) {
            Ok(m) => Some(serde_json::from_str(&m).map_err(|e| Error::model(&manifest_path, e))?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::model(&manifest_path, e)),
        };
        let declares_no_layers = manifest.as_ref().and_then(|m| m.get("fine_tuned_layers")).is_some_and(|v| v.is_null());
        let pointer = |p: &str| manifest.as_ref().and_then(|m| m.pointer(p)).and_then(|v| v.as_str());
        if let Some(want) = pointer("/encoder/sha256") {
            if want != encoder.sha256 {
                return Err(Error::model(&manifest_path, format!("head was trained on encoder {want}, but the loaded encoder is {}", encoder.sha256)));
            }
        }
        let layers = model_dir.join(crate::finetune::LAYERS_FILE);
        // a head trained with fine-tuned layers is wrong without them, so a missing or changed file is an error
        let layers_sha256 = match (layers.is_file(), pointer("/fine_tuned_layers/sha256")) {
            (false, Some(_)) => return Err(Error::model(&layers, "the manifest lists fine-tuned encoder layers, but the file is missing (copy the whole model folder)")),
            (true, None) if declares_no_layers => return Err(Error::model(&layers, "the manifest says this model has no fine-tuned layers; remove this stray file or the manifest")),
            (true, want) => {
                let got = sha256_file(&layers)?;
                if let Some(want) = want.filter(|w| *w != got) {
                    return Err(Error::model(&layers, format!("sha256 is {got}, but the manifest records {want}")));
                }
                encoder.apply_layers(&layers)?;
                Some(got)
            }
            (false, None) => None,
        };
        let head_sha256 = sha256_file(&head_path)?;
        Ok(SentenceModel { dir: model_dir.to_path_buf(), encoder, head, head_sha256, layers_sha256 })
    }
}

impl SentenceClassifier for SentenceModel {
    fn predict(&self, texts: &[&str], progress: &mut dyn FnMut(usize)) -> Result<Vec<Prediction>> {
        let x = self.encoder.embed(texts, progress)?;
        let p = self.head.probabilities(&x);
        Ok(p.rows().into_iter().map(|r| Prediction::from_probs([r[0], r[1], r[2]])).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prediction_takes_the_most_probable_label_and_breaks_ties_toward_the_first() {
        assert_eq!(Prediction::from_probs([0.2, 0.5, 0.3]).label, Label::Improvement);
        assert_eq!(Prediction::from_probs([0.4, 0.4, 0.2]).label, Label::Strength);
        assert!((Prediction::from_probs([0.1, 0.1, 0.8]).confidence() - 0.8).abs() < 1e-6);
    }
}
