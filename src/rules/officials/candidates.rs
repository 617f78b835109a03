//! A second source of person mentions besides the NER model: a title written before capitalised
//! words ("Mayor Rukshana Begum", "Dame Jo Hale", "Cllrs Ann Hale and Mo Ali"). The NER model
//! misses some names after titles it rarely saw; these candidates fill only where it tagged
//! nothing, and go through the same checks as NER spans in `resolve`.

use super::{Mention, NOT_NAME, PARTICLES};
use crate::rules::lexicon::singular_title;
use crate::text::Unit;
use regex::Regex;
use std::sync::LazyLock;

/// Titles that are followed by a name (not "Mr", which the NER model handles, nor "Mayor of").
static TITLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:Cllrs?|Councillors?|Mayor|Lord|Lady|Dame|Sir|Professor|Prof|Dr|Baroness)\.?[ \t]+").unwrap()
});

/// What joins the names of a list after a plural title.
static LIST_NEXT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:,\s*(?:and\s+)?|\s+(?:and|&)\s+)").unwrap());

/// Confidence given to a rule-found name (NER spans carry the model's).
pub const CANDIDATE_CONFIDENCE: f32 = 0.5;

/// The run of name words starting at `at`: capitalised words (hyphens and apostrophes inside),
/// lower-case particles between them, at most four words, never a body word ("Council").
fn name_run(s: &str, at: usize) -> Option<(usize, usize)> {
    let mut end = at;
    let mut words = 0;
    let mut pos = at;
    for w in s[at..].split_inclusive([' ', '\t']) {
        let word = w.trim_end();
        let bare = word.trim_end_matches([',', '.', ';', ':', '’', '\'', ')', '"', '”']);
        let cap = bare.chars().next().is_some_and(char::is_uppercase) && bare.chars().skip(1).all(|c| c.is_alphabetic() || "-'’".contains(c)) && bare.chars().count() > 1;
        let particle = PARTICLES.contains(&bare) && words > 0;
        // "Lord Mayor of Leeds", "Dr Professor": a second title or a role word is not a name
        if words == 0 && (crate::rules::lexicon::is_title(bare) || ["Mayor", "Lord", "Mayoress", "Chief", "Leader", "Commissioner"].contains(&bare)) {
            return None;
        }
        if NOT_NAME.contains(&bare) {
            return None; // "Sir Ivor Smith House" is a building
        }
        if !(cap || particle) || words == 4 {
            break;
        }
        words += 1;
        if cap {
            end = pos + bare.len();
        }
        // punctuation after the word ends the name
        if bare.len() < word.len() {
            break;
        }
        pos += w.len();
    }
    (end > at).then_some((at, end))
}

/// Whether a unit can hold a name the NER model would find: some word after the first starts
/// with a capital letter (after any opening quote or bracket). News capitalises names, and a
/// unit's first word is capitalised anyway, so a unit whose other words are all lower case
/// names nobody new; about half of all units, which the NER model then skips.
pub fn may_name_person(unit: &str) -> bool {
    unit.split_whitespace().skip(1).any(|w| w.trim_start_matches(['"', '“', '‘', '\'', '(', '[']).chars().next().is_some_and(char::is_uppercase))
}

/// Names after titles in the units that no existing mention covers, as mentions.
pub fn titled_names(text: &str, units: &[Unit], existing: &[Mention]) -> Vec<Mention> {
    let mut out = Vec::new();
    for u in units {
        let s = &text[u.start..u.end];
        for m in TITLED.find_iter(s) {
            let plural = singular_title(m.as_str().trim_end()).is_some();
            let mut at = m.end();
            while let Some((a, b)) = name_run(s, at) {
                let (start, end) = (u.start + a, u.start + b);
                if !existing.iter().chain(&out).any(|e: &Mention| e.start < end && start < e.end) {
                    out.push(Mention { start, end, sentence: (u.start, u.end), confidence: CANDIDATE_CONFIDENCE });
                }
                // a plural title heads a list: "Cllrs Ann Hale, Mo Ali and Rasheed"
                let Some(next) = plural.then(|| LIST_NEXT.find(&s[b..])).flatten().filter(|j| j.start() == 0) else { break };
                at = b + next.end();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{NewsSegmenter, Segmenter};

    #[test]
    fn units_with_capitals_after_the_first_word_may_name_people() {
        assert!(may_name_person("The report was written by Jane Smith."));
        assert!(may_name_person("Inspectors met “Amir and staff."));
        assert!(may_name_person("It said (Cllr Ali agreed) that"));
        assert!(!may_name_person("Inspectors found that children waited too long."));
        assert!(!may_name_person("Overall effectiveness: good"));
        assert!(!may_name_person("Smith"));
        assert!(!may_name_person(""));
    }

    fn found(text: &str, existing: &[(usize, usize)]) -> Vec<String> {
        let units = NewsSegmenter::default().segment(text);
        let ex: Vec<Mention> = existing.iter().map(|&(s, e)| Mention { start: s, end: e, sentence: (0, text.len()), confidence: 0.9 }).collect();
        titled_names(text, &units, &ex).into_iter().map(|m| text[m.start..m.end].to_string()).collect()
    }

    #[test]
    fn names_after_titles_the_ner_model_left_are_found() {
        let t = "Mayor Rukshana Begum-Talukdar welcomed the report. Dame Jo Hale, the commissioner, agreed. The Mayor of Hackney and the Lord Mayor of Leeds said nothing.";
        assert_eq!(found(t, &[]), ["Rukshana Begum-Talukdar", "Jo Hale"]);
        let t = "Cllrs Ann Hale and Mo Ali spoke at Sir Ivor Smith House. Professor Pieter van der Merwe, who chairs the board, agreed.";
        assert_eq!(found(t, &[]), ["Ann Hale", "Mo Ali", "Pieter van der Merwe"], "not the building named after Sir Ivor");
        // surnames alone after a plural title
        assert_eq!(found("Cllrs Rasheed and Hollingworth, the opposition spokespeople, objected.", &[]), ["Rasheed", "Hollingworth"]);
        assert_eq!(found("Cllrs Ng, Obi & Kaur agreed. Cllr Day and Ann Bell did not.", &[]), ["Ng", "Obi", "Kaur", "Day"], "a singular title heads no list");
    }

    #[test]
    fn spans_the_ner_model_found_are_left_alone() {
        let t = "Dr Ada Eze said so. Lord Tom Bell agreed.";
        let ada = t.find("Ada Eze").unwrap();
        assert_eq!(found(t, &[(ada, ada + 7)]), ["Tom Bell"]);
    }
}
