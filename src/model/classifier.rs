//! Sentence classification stage: encoder embeddings through a trained head.

use crate::error::{Error, Result};
use crate::label::Label;
use crate::io::digest::sha256_file;
use crate::model::encoder::Encoder;
use crate::model::head::LinearHead;
use crate::model::manifest::{Manifest, MANIFEST_FILE};
use crate::model::runtime::STORED_LAYERS;
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tch::Tensor;

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

/// What a sentence classifier reads: the unit texts and, when the caller made them, each unit's
/// context ([`crate::text::context_before`]), which only a model trained with context uses.
#[derive(Clone, Copy)]
pub struct Units<'a> {
    pub texts: &'a [&'a str],
    pub contexts: Option<&'a [Option<String>]>,
}

impl<'a> Units<'a> {
    pub fn plain(texts: &'a [&'a str]) -> Units<'a> {
        Units { texts, contexts: None }
    }
}

/// Labels a batch of units; the output has one prediction per input, in order.
pub trait SentenceClassifier {
    /// Whether predictions read the units' contexts (callers build contexts only then).
    fn reads_context(&self) -> bool {
        false
    }
    fn predict(&self, units: Units<'_>, progress: &mut dyn FnMut(usize)) -> Result<Vec<Prediction>>;
}

/// A model folder (`head.json`, `manifest.json`, maybe fine-tuned layers) bound to the encoder it was trained on.
pub struct SentenceModel {
    pub dir: PathBuf,
    pub encoder: Encoder,
    pub head: LinearHead,
    pub head_sha256: String,
    /// sha256 of the fine-tuned encoder layers applied over the base encoder, if any.
    pub layers_sha256: Option<String>,
    /// Fitted on dev by `train` (manifest `calibration`); 1 leaves the head's probabilities as they are.
    pub temperature: f64,
    /// Trained on units read with their context (manifest `context`), so it needs them at run time.
    pub context: bool,
}

pub const HEAD_FILE: &str = "head.json";
/// File in a model folder holding fine-tuned encoder layers, loaded over the base encoder.
pub const LAYERS_FILE: &str = "encoder_layers.safetensors";

impl SentenceModel {
    pub fn load(model_dir: &Path, mut encoder: Encoder) -> Result<SentenceModel> {
        let head_path = model_dir.join(HEAD_FILE);
        let head = LinearHead::read(&head_path)?;
        if head.dim() != encoder.dim || head.labels.len() != 3 || head.bias.len() != 3 {
            return Err(Error::model(&head_path, format!("head expects {}-d embeddings and 3 labels; encoder gives {}", head.dim(), encoder.dim)));
        }
        let manifest = Manifest::read(model_dir)?;
        let manifest_path = model_dir.join(MANIFEST_FILE);
        if let Some(want) = manifest.as_ref().and_then(|m| m.encoder.as_ref()).map(|e| e.sha256.as_str()) {
            if want != encoder.sha256 {
                return Err(Error::model(&manifest_path, format!("head was trained on encoder {want}, but the loaded encoder is {}", encoder.sha256)));
            }
        }
        let declared = manifest.as_ref().and_then(|m| m.fine_tuned_layers.as_ref());
        let declares_no_layers = declared.is_some_and(|l| l.is_none());
        let want_layers = declared.and_then(|l| l.as_ref()).map(|l| l.sha256.as_str());
        let layers = model_dir.join(LAYERS_FILE);
        // a head trained with fine-tuned layers is wrong without them, so a missing or changed file is an error
        let layers_sha256 = match (layers.is_file(), want_layers) {
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
        encoder.apply_precision();
        let head_sha256 = sha256_file(&head_path)?;
        let temperature = manifest.as_ref().and_then(|m| m.calibration.as_ref()).map_or(1.0, |c| c.temperature);
        if !(temperature.is_finite() && temperature > 0.0) {
            return Err(Error::model(&manifest_path, format!("calibration temperature {temperature} is not a positive number")));
        }
        let context = manifest.as_ref().is_some_and(|m| m.context);
        Ok(SentenceModel { dir: model_dir.to_path_buf(), encoder, head, head_sha256, layers_sha256, temperature, context })
    }
}

/// Copy tensors from a layers file into matching variables, upcast to the variables' precision
/// whatever the file holds ([`STORED_LAYERS`] when `train` wrote it).
pub fn load_layers(vars: &HashMap<String, Tensor>, file: &Path) -> Result<usize> {
    let tensors = Tensor::read_safetensors(file).map_err(|e| Error::model(file, e))?;
    let by_name: HashMap<&str, &Tensor> = tensors.iter().map(|(n, t)| (n.as_str(), t)).collect();
    tch::no_grad(|| {
        for (name, t) in &tensors {
            // LoRA factors: copied into a model that trains them, otherwise merged into their weight
            if let (None, Some((base, is_a))) = (vars.get(name), crate::model::mpnet::lora_target(name)) {
                let weight = format!("{base}.weight");
                let w = vars.get(&weight).ok_or_else(|| Error::model(file, format!("LoRA factor {name} has no weight {weight} in the encoder")))?;
                let other = format!("{base}.{}", if is_a { crate::model::mpnet::LORA_B } else { crate::model::mpnet::LORA_A });
                let pair = by_name.get(other.as_str()).ok_or_else(|| Error::model(file, format!("LoRA factor {name} has no partner {other}")))?;
                if is_a {
                    crate::model::mpnet::merge_lora(w, t, pair).map_err(|why| Error::model(file, format!("LoRA factors of {base} {why}")))?;
                }
                continue;
            }
            let v = vars.get(name).ok_or_else(|| Error::model(file, format!("tensor {name} does not belong to the encoder")))?;
            if v.size() != t.size() {
                return Err(Error::model(file, format!("tensor {name} has shape {:?}, expected {:?}", t.size(), v.size())));
            }
            v.shallow_clone().copy_(&t.to_kind(v.kind()));
        }
        Ok(tensors.len())
    })
}

/// Write fine-tuned layers in [`STORED_LAYERS`] precision (the artefact stays small).
pub fn save_layers(layers: &[(String, Tensor)], file: &Path) -> Result<()> {
    let stored: Vec<(String, Tensor)> = layers.iter().map(|(n, t)| (n.clone(), t.to_kind(STORED_LAYERS))).collect();
    let tmp = file.with_extension("safetensors.part");
    Tensor::write_safetensors(&stored, &tmp).map_err(|e| Error::Output { path: file.to_path_buf(), source: std::io::Error::other(e.to_string()) })?;
    std::fs::rename(&tmp, file).map_err(|e| Error::Output { path: file.to_path_buf(), source: e })
}

impl SentenceClassifier for SentenceModel {
    fn reads_context(&self) -> bool {
        self.context
    }
    fn predict(&self, units: Units<'_>, progress: &mut dyn FnMut(usize)) -> Result<Vec<Prediction>> {
        let x = match (self.context, units.contexts) {
            (false, _) => self.encoder.embed(units.texts, progress)?,
            (true, Some(c)) => self.encoder.embed_with_context(units.texts, c, progress)?,
            (true, None) => return Err(Error::Internal(format!("model {} reads units with their context, but none was given", self.dir.display()))),
        };
        let p = self.head.probabilities(&x);
        let t = self.temperature;
        Ok(p.rows().into_iter().map(|r| Prediction::from_probs(if t == 1.0 { [r[0], r[1], r[2]] } else { crate::metrics::temper(&[r[0], r[1], r[2]], t) })).collect())
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
