//! Validated configuration: what the CLI flags become after one checking step.

use crate::error::{Error, Result};
use crate::io::input::Fields;
use crate::model::runtime::Runtime;
use std::path::{Path, PathBuf};

/// Where the models live: `--models-dir`, else `./models`, else `models/` beside the checkout
/// the binary was built in (so `target/release/ofsted` works from any folder).
pub fn models_dir(flag: Option<&Path>) -> Result<PathBuf> {
    if let Some(d) = flag {
        return if d.is_dir() { Ok(d.to_path_buf()) } else { Err(Error::Config(format!("--models-dir {}: no such folder", d.display()))) };
    }
    let local = PathBuf::from("models");
    if local.join("encoder").is_dir() {
        return Ok(local);
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    if built.is_dir() {
        return Ok(built);
    }
    Err(Error::Config("cannot find the models folder; run scripts/setup.sh or pass --models-dir".into()))
}

/// The three model folders a pipeline needs.
#[derive(Debug, Clone)]
pub struct ModelPaths {
    pub model: PathBuf,
    pub encoder: PathBuf,
    pub ner: PathBuf,
}

impl ModelPaths {
    /// `model` defaults to `MODELS_DIR/default`; the encoder is the one its manifest names (a
    /// model trained on MPNet loads MPNet), else `MODELS_DIR/encoder`.
    pub fn new(models_dir: &Path, model: Option<PathBuf>) -> ModelPaths {
        let model = model.unwrap_or_else(|| models_dir.join("default"));
        let encoder = crate::model::manifest::Manifest::read(&model).ok().flatten().and_then(|m| m.encoder).map_or_else(|| crate::model::manifest::DEFAULT_ENCODER.to_string(), |e| e.dir);
        ModelPaths { model, encoder: models_dir.join(encoder), ner: models_dir.join("ner") }
    }
}

#[derive(Debug, Clone)]
pub struct EvalConfig {
    pub gold: PathBuf,
    pub predictions: Option<PathBuf>,
    pub models: ModelPaths,
    pub runtime: Runtime,
    pub out: PathBuf,
    pub quiet: bool,
}

#[derive(Debug, Clone)]
pub struct ClassifyConfig {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    pub models: ModelPaths,
    pub runtime: Runtime,
    pub fields: Fields,
    pub quiet: bool,
    /// Articles per chunk: batched together, written and journalled together.
    pub chunk: usize,
    /// Go on from an interrupted run's journal in `out` (`--resume`).
    pub resume: bool,
    /// Run only this shard's chunks (`--shard`, or a scheduler's environment).
    pub shard: Option<crate::app::plan::Shard>,
}

impl ClassifyConfig {
    pub fn validate(self) -> Result<Self> {
        if self.inputs.is_empty() {
            return Err(Error::Config("no inputs given".into()));
        }
        if self.out.is_file() {
            return Err(Error::Config(format!("--out {} is a file; give a folder", self.out.display())));
        }
        if self.chunk == 0 {
            return Err(Error::Config("--chunk-articles must be at least 1".into()));
        }
        if self.fields.id.is_empty() || self.fields.text.is_empty() {
            return Err(Error::Config("--id-field and --text-field cannot be empty".into()));
        }
        Ok(self)
    }
}

#[derive(Debug, Clone)]
pub struct LabelConfig {
    /// The folder being labelled: `articles/*.txt`, and the label files beside it.
    pub dir: PathBuf,
    pub models: ModelPaths,
    pub runtime: Runtime,
    pub host: std::net::IpAddr,
    /// 0 takes a free port.
    pub port: u16,
    pub quiet: bool,
}
