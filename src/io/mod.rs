//! Files in and out: articles to read ([`input`]), labelled folders ([`corpus`]), and the
//! output contract of `classify`, written atomically ([`output`]), chunk by chunk with a
//! journal to resume from ([`partial`]); the results page ([`page`]); checksums ([`digest`]).

pub mod corpus;
pub mod digest;
pub mod input;
pub mod output;
pub mod page;
pub mod partial;
