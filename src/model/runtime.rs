//! How models run: device, precision, threads and batch size, decided once from the flags and
//! handed to every loader, trainer and stage. The only place that names a device.

use crate::error::{Error, Result};
use serde::Serialize;
use tch::{Device, Kind};

/// Numeric precision of inference, recorded in run.json (the CLI defaults to bf16; the library
/// and training to fp32). bf16 runs the MPNet sentence encoder's
/// weights and activations in bfloat16 (this CPU's bf16 matrix multiply is about 4x its fp32 one);
/// attention softmax, pooling and the head stay in fp32, and the NER model and MiniLM stay fp32.
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
    /// Rayon for reading, segmentation and the rule stages; off runs them on one thread.
    pub parallel: bool,
}

pub const DEFAULT_BATCH_SIZE: usize = 32;

impl Default for Runtime {
    fn default() -> Self {
        Runtime { device: Device::Cpu, precision: Precision::Float32, threads: None, batch_size: DEFAULT_BATCH_SIZE, parallel: true }
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
