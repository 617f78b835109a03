//! Files in and out: articles to read ([`input`]), labelled folders ([`corpus`]), and the
//! output contract of `classify`, written atomically ([`output`]).

pub mod corpus;
pub mod input;
pub mod output;
