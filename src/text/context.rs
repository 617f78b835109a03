//! The context a context model reads beside a unit: the article's headline (its first unit) and
//! the unit just before. Built from the segmenter's units, the same way in `train` and `classify`,
//! so a model sees at run time the context it was trained with.

use super::Unit;

/// Words kept from each part: enough to say what the article and the paragraph are about,
/// short enough that the unit keeps most of the token budget.
pub const CONTEXT_WORDS: usize = 32;

/// Between the headline and the previous unit.
pub const SEPARATOR: &str = " | ";

fn cut(s: &str) -> String {
    s.split_whitespace().take(CONTEXT_WORDS).collect::<Vec<_>>().join(" ")
}

/// Context of the unit starting at byte `start` of `text`, whose units are `units` (in order):
/// the headline when the unit is not the headline, then the previous unit when that is not the
/// headline too. `None` for the first unit.
pub fn context_before(text: &str, units: &[Unit], start: usize) -> Option<String> {
    let headline = units.first().filter(|h| h.end <= start)?;
    // units are in order: the ones ending by `start` are a prefix (a binary search, not a scan per unit)
    let before = units.partition_point(|u| u.end <= start);
    let previous = units[..before].last().filter(|p| p.start != headline.start);
    let mut out = cut(&text[headline.start..headline.end]);
    if let Some(p) = previous {
        out.push_str(SEPARATOR);
        out.push_str(&cut(&text[p.start..p.end]));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{NewsSegmenter, Segmenter};

    #[test]
    fn context_is_the_headline_then_the_previous_unit_and_none_for_the_headline() {
        let t = "Council services judged good\n\nInspectors visited in May. They found strong leadership. Plans are weak.\n";
        let units = NewsSegmenter::default().segment(t);
        let at = |s: &str| context_before(t, &units, t.find(s).unwrap());
        assert_eq!(at("Council services"), None);
        assert_eq!(at("Inspectors visited").as_deref(), Some("Council services judged good"));
        assert_eq!(at("Plans are weak").as_deref(), Some("Council services judged good | They found strong leadership."));
        // a gold unit that starts inside a segmenter unit gets the units that end before it
        assert_eq!(at("strong leadership").as_deref(), Some("Council services judged good | Inspectors visited in May."));
    }

    #[test]
    fn long_parts_are_cut_to_a_word_budget() {
        let head = (0..50).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
        let t = format!("{head}\n\nA finding.\n");
        let units = NewsSegmenter::default().segment(&t);
        let c = context_before(&t, &units, t.find("A finding").unwrap()).unwrap();
        assert_eq!(c.split_whitespace().count(), CONTEXT_WORDS);
    }
}
