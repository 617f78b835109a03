//! Which authority a grade belongs to: where the article names its bodies in a unit (by name,
//! place, "the council"), and which units set the topic for the ones after.

use crate::rules::authority::{Bodies, Body, BodyKind};
use crate::text::UnitKind;

/// How an article names its authorities: (words to look for, the body they name), built once per
/// article, and every body's place.
pub(super) struct Names {
    keys: Vec<Key>,
    places: Vec<String>,
}

/// Words that name a body in this article.
struct Key {
    words: String,
    body: String,
    kind: BodyKind,
    /// "the council", "the trust": which body depends on the unit ([`authority_mentions`]).
    generic: bool,
}

/// A body named in a unit, at byte `at`: what [`authority_mentions`] returns.
pub(super) struct Mention {
    pub(super) at: usize,
    pub(super) body: String,
    /// Named as "the council" or "the trust", not by its own name.
    pub(super) generic: bool,
}

/// A body named in a unit, at bytes `at..end`.
struct Found {
    at: usize,
    end: usize,
    body: String,
    kind: BodyKind,
    generic: bool,
}

impl Names {
    /// By name, place, or "the council" / "the trust".
    pub(super) fn of(bodies: &Bodies) -> Names {
        let mut keys: Vec<Key> = Vec::new();
        for b in bodies.list.iter().filter(|b| b.kind.is_authority()) {
            let place = b.place();
            // "Kingston" for "Kingston upon Thames", "Richmond" for "Richmond upon Thames"
            let short = place.split_once(" upon ").map(|(p, _)| p.to_string()).unwrap_or_default();
            for key in [b.name.clone(), place, short].into_iter().filter(|k| !k.is_empty()) {
                keys.push(Key { words: key.replace('\'', "’"), body: b.name.clone(), kind: b.kind, generic: false });
                keys.push(Key { words: key, body: b.name.clone(), kind: b.kind, generic: false });
            }
        }
        for (word, kind) in [("the council", BodyKind::Council), ("the authority", BodyKind::Council), ("the trust", BodyKind::Trust)] {
            let name = match kind {
                BodyKind::Trust => bodies.trust().map(|b| b.name.clone()),
                _ => bodies.council_name(),
            };
            if let Some(name) = name {
                keys.push(Key { words: word.to_string(), body: name.clone(), kind, generic: true });
                keys.push(Key { words: capitalise(word), body: name, kind, generic: true });
            }
        }
        Names { keys, places: bodies.list.iter().map(Body::place).collect() }
    }
}

/// Where a body is named in a unit, so a grade can take the authority named nearest before it.
pub(super) fn authority_mentions(unit: &str, names: &Names, subject: &str) -> Vec<Mention> {
    let mut found: Vec<Found> = Vec::new();
    for k in &names.keys {
        for (at, _) in unit.match_indices(k.words.as_str()) {
            let end = at + k.words.len();
            if !unit[end..].starts_with(char::is_alphanumeric) && !unit[..at].ends_with(char::is_alphanumeric) {
                found.push(Found { at, end, body: k.body.clone(), kind: k.kind, generic: k.generic });
            }
        }
    }
    // places the article never names a body for: "In neighbouring Stockport" -> Stockport Council
    for (at, council) in crate::rules::authority::place_mentions(unit, &[]) {
        let word = unit[at..].split([' ', ',', '.', '’', '\'']).next().unwrap_or("");
        if !found.iter().any(|o| o.at == at) && !names.places.iter().any(|p| p == word) {
            found.push(Found { at, end: at + word.len(), body: council.to_string(), kind: BodyKind::Council, generic: false });
        }
    }
    // "Somerset" inside "North Somerset Council" names no body of its own
    let within = |f: &Found| found.iter().any(|o| o.at <= f.at && f.end <= o.end && o.end - o.at > f.end - f.at);
    let keep: Vec<bool> = found.iter().map(|f| !within(f)).collect();
    let mut keep = keep.into_iter();
    found.retain(|_| keep.next().unwrap_or(true));
    found.sort_by_key(|f| (f.at, f.end));
    // "Calderdale Council's focused visit ...; the council remains rated outstanding": "the
    // council" after a council named in the same unit is that council
    let mut out: Vec<Mention> = Vec::new();
    for (i, f) in found.iter().enumerate() {
        let named_before = found[..i].iter().rev().find(|o| !o.generic && o.kind == f.kind);
        let body = match named_before {
            Some(n) if f.generic && f.kind == BodyKind::Council => n.body.clone(),
            _ => f.body.clone(),
        };
        out.push(Mention { at: f.at, body, generic: f.generic });
    }
    // "delivered by the trust on behalf of Sunderland City Council": the council is not the one graded
    out.retain(|m| !unit[..m.at].trim_end().ends_with("on behalf of"));
    out.sort_by(|a, b| (a.at, &a.body, a.generic).cmp(&(b.at, &b.body, b.generic)));
    // "Brighter Futures, the company that runs services in Reading, was rated ...": a body named
    // inside a phrase set off by commas right after another body describes it; it is not graded
    let inside: Vec<bool> = out.iter().map(|m| out.iter().any(|p| p.at < m.at && aside(unit, p.at, m.at))).collect();
    let mut inside = inside.into_iter();
    out.retain(|_| !inside.next().unwrap_or(false));
    // "services in Kingston, delivered by Achieving for Children, were judged good": the body
    // that runs them for an authority named first is not the one graded
    let runner = |at: usize| ["delivered by", "run by", "provided by", "managed by", "operated by"].iter().any(|w| unit[..at].trim_end().ends_with(w));
    let named_first = out.first().filter(|m| unit[m.at..].starts_with(m.body.as_str())).map(|m| m.at);
    out.retain(|m| named_first.is_none() || Some(m.at) == named_first || !runner(m.at));
    // a place naming two bodies ("Doncaster"): the subject, else the council
    let mut kept: Vec<Mention> = Vec::new();
    for m in out {
        match kept.last_mut() {
            Some(k) if k.at == m.at => {
                // the body whose full name is written here, else the subject
                let written = |n: &str| unit[m.at..].starts_with(n);
                if !written(&k.body) && (written(&m.body) || m.body == subject) {
                    *k = m;
                }
            }
            _ => kept.push(m),
        }
    }
    kept
}

/// Whether `at` lies in a comma-bounded aside that opens right after the body named at `prev`:
/// "Wokingham Borough Council, Reading's neighbour, is rated good".
fn aside(unit: &str, prev: usize, at: usize) -> bool {
    let Some(open) = unit[prev..at].find(", ").map(|i| prev + i) else { return false };
    let name = &unit[prev..open];
    let opens = unit[open + 2..].split_whitespace().next().unwrap_or("");
    let describes = matches!(opens, "the" | "a" | "an" | "which" | "where" | "whose" | "its" | "now") || opens.ends_with("'s") || opens.ends_with("’s");
    // the aside closes with a comma after the body in it, and nothing ends the sentence before
    let closes = unit[at..].find(',').is_some_and(|c| !unit[at..at + c].contains('.'));
    name.split_whitespace().count() <= 6 && !name.contains(['.', ';', ':']) && describes && closes && !unit[open..at].contains('.')
}

pub(super) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// The body a unit makes the topic of what follows: a short subheading that names one body
/// ("Nottingham"), or a sentence opening "In Nottingham, ..." in a roundup.
pub(super) fn sets_topic(unit: &str, kind: UnitKind, mentions: &[Mention]) -> Option<String> {
    let first = mentions.first()?;
    if mentions.iter().any(|m| m.body != first.body) {
        return None;
    }
    let heading = kind == UnitKind::Line && unit.split_whitespace().count() <= 5;
    let lead = unit[..first.at].trim().to_lowercase();
    let opening = matches!(lead.as_str(), "in" | "at" | "for" | "in neighbouring" | "over in" | "meanwhile, in") && unit[first.at..].contains(',');
    (heading || opening).then(|| first.body.clone())
}

