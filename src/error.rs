//! Library errors. Each carries the context a user needs to find the problem (file, line, article).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input could not be read or parsed; `line` is 1-based where it is known.
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Input { path: PathBuf, line: Option<u64>, message: String },

    /// A model or its files are missing or unusable: a setup problem, not a data problem.
    #[error("model {}: {message}", path.display())]
    Model { path: PathBuf, message: String },

    /// A model, tokenizer or tensor operation failed at run time; `what` says which step.
    #[error("{what}: {source}")]
    Runtime { what: String, #[source] source: BoxError },

    /// One article failed in the pipeline; the batch goes on without it.
    #[error("article {article}: {source}")]
    Article { article: String, #[source] source: Box<Error> },

    /// A bug caught at a stage boundary (a panic), reported instead of aborting the batch.
    #[error("internal error, please report it: {0}")]
    Internal(String),

    /// Labelled data breaks the annotation contract.
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Data { path: PathBuf, line: Option<u64>, message: String },

    #[error("writing {}: {source}", path.display())]
    Output { path: PathBuf, source: std::io::Error },

    #[error("{0}")]
    Config(String),
}

impl Error {
    pub fn input(path: impl Into<PathBuf>, line: Option<u64>, message: impl Into<String>) -> Self {
        Error::Input { path: path.into(), line, message: message.into() }
    }
    pub fn model(path: impl Into<PathBuf>, message: impl std::fmt::Display) -> Self {
        Error::Model { path: path.into(), message: message.to_string() }
    }
    pub fn runtime(what: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Error::Runtime { what: what.into(), source: source.into() }
    }
    pub fn data(path: impl Into<PathBuf>, line: Option<u64>, message: impl Into<String>) -> Self {
        Error::Data { path: path.into(), line, message: message.into() }
    }
}

pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

pub type Result<T, E = Error> = std::result::Result<T, E>;
