//! Word lists more than one stage (or the scorer) relies on, kept in one place so they cannot drift.

/// Titles written before a name ("Cllr Ann Hale"); never part of the name itself.
pub const TITLES: &[&str] = &["Cllr", "Councillor", "Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Sir", "Dame", "Prof", "Professor", "Lord", "Lady", "Baroness", "Rev"];

/// Plural titles before a list of names ("Cllrs Ann Hale and Mo Ali"), with the title each name takes.
pub const PLURAL_TITLES: &[(&str, &str)] = &[("Cllrs", "Cllr"), ("Councillors", "Councillor"), ("Drs", "Dr"), ("Profs", "Prof")];

/// The title each name of a list takes after a plural title ("Cllrs" or "Cllrs." -> "Cllr").
pub fn singular_title(word: &str) -> Option<&'static str> {
    let word = word.trim_end_matches('.');
    PLURAL_TITLES.iter().find(|(p, _)| *p == word).map(|(_, t)| *t)
}

/// Is `word` (any case, no full stop) one of [`TITLES`]?
pub fn is_title(word: &str) -> bool {
    TITLES.iter().any(|t| t.eq_ignore_ascii_case(word))
}
