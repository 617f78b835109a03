//! The jobs the command line runs, each from one validated config: `classify`, `merge`
//! (of classify shards), `eval` (and `eval --compare`), `label` (a local labelling server);
//! `train` lives in [`crate::train`].

pub mod classify;
pub mod config;
pub mod evaluate;
pub mod label;
pub mod merge;
pub mod plan;
