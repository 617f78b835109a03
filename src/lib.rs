//! ofsted: news about Ofsted inspections of children's services, turned into data.
//!
//! Stages, one module each, composed in [`pipeline`]:
//! [`input`] -> [`segment`] -> [`classify`] (via [`encoder`] + [`head`]) -> [`ner`] -> [`officials`]
//! and [`grades`] (both via [`authority`]) -> [`output`].

pub mod authority;
pub mod bert;
pub mod classify;
pub mod compare;
pub mod config;
pub mod corpus;
pub mod encoder;
pub mod error;
pub mod eval;
pub mod finetune;
pub mod grades;
pub mod head;
pub mod input;
pub mod label;
pub mod metrics;
pub mod ner;
pub mod officials;
pub mod output;
pub mod pipeline;
pub mod progress;
pub mod report;
pub mod run;
pub mod segment;
pub mod train;

pub use error::{Error, Result};
