//! ofsted: news about Ofsted inspections of children's services, turned into data.
//!
//! The pipeline ([`pipeline`]) is a list of [`pipeline::Stage`]s over one document type
//! ([`pipeline::Doc`]): [`text`] segments, [`model`] labels units and finds people, [`rules`]
//! reads officials and grades. [`io`] reads articles and writes outputs, [`app`] holds the jobs
//! the command line runs, [`train`] fits the sentence model and [`eval`] scores it.

pub mod app;
pub mod error;
pub mod eval;
pub mod grade;
pub mod io;
pub mod label;
pub mod metrics;
pub mod model;
pub mod pipeline;
pub mod progress;
pub mod rules;
pub mod text;
pub mod train;

pub use error::{Error, Result};
