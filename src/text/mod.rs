//! Text into units: sentences, bullets and free-standing lines (the annotation guide's units).

pub mod case;
pub mod context;
pub mod segment;

pub use context::context_before;
pub use segment::{NewsSegmenter, Segmenter, Unit, UnitKind};
