//! Text into units: sentences, bullets and free-standing lines (the annotation guide's units).

pub mod segment;

pub use segment::{NewsSegmenter, Segmenter, Unit, UnitKind};
