//! Rule stages over a labelled document: the bodies an article names ([`authority`]), the named
//! officials ([`officials`]) and the Ofsted grades ([`grades`]), with the word lists they share
//! ([`lexicon`]).

pub mod authority;
pub mod grades;
pub mod lexicon;
pub mod officials;
