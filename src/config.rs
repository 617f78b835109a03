//! Validated configuration: what the CLI flags become after one checking step.

use crate::error::{Error, Result};
use crate::input::Fields;
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

#[derive(Debug, Clone)]
pub struct ClassifyConfig {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    pub model: PathBuf,
    pub encoder: PathBuf,
    pub ner: PathBuf,
    pub threads: Option<usize>,
    pub batch_size: usize,
    pub fields: Fields,
    pub quiet: bool,
    pub parallel: bool,
}

impl ClassifyConfig {
    pub fn validate(self) -> Result<Self> {
        if self.inputs.is_empty() {
            return Err(Error::Config("no inputs given".into()));
        }
        if self.out.is_file() {
            return Err(Error::Config(format!("--out {} is a file; give a folder", self.out.display())));
        }
        if self.threads == Some(0) || self.batch_size == 0 {
            return Err(Error::Config("--threads and --batch-size must be at least 1".into()));
        }
        if self.fields.id.is_empty() || self.fields.text.is_empty() {
            return Err(Error::Config("--id-field and --text-field cannot be empty".into()));
        }
        Ok(self)
    }
}
