//! The transformer models and what runs them: one [`runtime::Runtime`] (device, precision,
//! threads, batch size), shared BERT plumbing, MPNet and BERT on tch (one layer type), the sentence encoder (BERT or MPNet)
//! with its trained head, and the person tagger.

pub mod bert;
pub mod bertnet;
pub mod classifier;
pub mod encoder;
pub mod head;
pub mod manifest;
pub mod mpnet;
pub mod ner;
pub mod pool;
pub mod runtime;
