//! How models run: device, precision, threads and batch size, decided once from the flags and
//! handed to every loader, trainer and stage. The only place that names a device.

use crate::error::{Error, Result};
use serde::Serialize;
use tch::{Device, Kind};

/// Numeric precision of inference, recorded in run.json (the CLI defaults to bf16; the library
/// and training to fp32). bf16 runs the weights and activations of the MPNet sentence encoder and
/// the person tagger in bfloat16 (this CPU's bf16 matrix multiply is about 4x its fp32 one);
/// attention softmax, pooling, tag probabilities and the head stay in fp32. MiniLM stays fp32
/// ([`crate::model::encoder::Encoder::precision`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    #[value(name = "fp32")]
    Float32,
    #[value(name = "bf16")]
    BFloat16,
}

/// Precision of fine-tuned layers on disk: half the size of fp32, upcast to [`Precision`] on load.
pub const STORED_LAYERS: Kind = Kind::Half;
pub const STORED_LAYERS_NAME: &str = "float16";

#[derive(Debug, Clone, Serialize)]
pub struct Runtime {
    #[serde(skip)]
    pub device: Device,
    pub precision: Precision,
    /// Threads for libtorch and rayon; `None` leaves both at their defaults (all cores).
    pub threads: Option<usize>,
    /// Units per inference batch (batches are sorted by length).
    pub batch_size: usize,
    /// When set, batches are cut by padded tokens instead of by `batch_size` ([`crate::model::bert::token_batches`]).
    pub batch_tokens: Option<usize>,
    /// Rayon for reading, segmentation and the rule stages; off runs them on one thread.
    pub parallel: bool,
    /// Run the NER model on every unit, not only those that can hold a name (`--ner-every-unit`).
    pub ner_every_unit: bool,
}

pub const DEFAULT_BATCH_SIZE: usize = 32;
/// The CLI's token budget per batch: best of 384-4,096 on the benchmark (README, Speed).
pub const DEFAULT_BATCH_TOKENS: usize = 1024;
/// A token budget below the longest possible unit would put every long unit in a batch of its own.
const MIN_BATCH_TOKENS: usize = crate::model::bert::MAX_TOKENS;

impl Default for Runtime {
    fn default() -> Self {
        Runtime { device: Device::Cpu, precision: Precision::Float32, threads: None, batch_size: DEFAULT_BATCH_SIZE, batch_tokens: None, parallel: true, ner_every_unit: false }
    }
}

impl Runtime {
    /// Check the settings and apply the process-wide ones (thread pools, tokenizer parallelism).
    pub fn new(threads: Option<usize>, batch_size: usize, parallel: bool) -> Result<Runtime> {
        Runtime::with_precision(threads, batch_size, parallel, Precision::Float32)
    }

    pub fn with_precision(threads: Option<usize>, batch_size: usize, parallel: bool, precision: Precision) -> Result<Runtime> {
        if threads == Some(0) {
            return Err(Error::Config("--threads must be at least 1".into()));
        }
        if batch_size == 0 {
            return Err(Error::Config("--batch-size must be at least 1".into()));
        }
        let rt = Runtime { threads, batch_size, parallel, precision, ..Runtime::default() };
        rt.install();
        Ok(rt)
    }

    /// Cut inference batches by padded tokens (`--batch-tokens`); `None` keeps `batch_size`.
    /// `ner_every_unit` turns off the NER model's name gate.
    pub fn with_batching(self, batch_tokens: Option<usize>, ner_every_unit: bool) -> Result<Runtime> {
        if let Some(b) = batch_tokens {
            if b < MIN_BATCH_TOKENS {
                return Err(Error::Config(format!("--batch-tokens {b} is too small: at least {MIN_BATCH_TOKENS}, the longest unit")));
            }
        }
        Ok(Runtime { batch_tokens, ner_every_unit, ..self })
    }

    fn install(&self) {
        if let Some(t) = self.threads {
            tch::set_num_threads(t as i32);
            // the global pool can be built once per process; a second runtime keeps the first pool
            let _ = rayon::ThreadPoolBuilder::new().num_threads(t).build_global();
        }
        if !self.parallel {
            tokenizers::utils::parallelism::set_parallelism(false);
        }
    }

    /// Threads libtorch uses now (what run.json and manifests record).
    pub fn torch_threads(&self) -> usize {
        self.threads.unwrap_or_else(|| tch::get_num_threads() as usize)
    }
}
