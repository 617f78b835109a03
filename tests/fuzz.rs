//! Property tests over the text-facing stages (issue 16): whatever the input, no panic; units are
//! ordered, do not overlap, sit on character boundaries and stay within the unit limit; readers
//! report bad bytes as errors; the rule stages accept whatever the segmenter gives them. A bounded
//! number of cases runs in CI (proptest's 256 per property; PROPTEST_CASES=N sets another).

use ofsted::io::input::{load, Fields};
use ofsted::rules::{grades, officials};
use ofsted::text::segment::MAX_UNIT_BYTES;
use ofsted::text::{NewsSegmenter, Segmenter};
use proptest::prelude::*;

/// News-like text: words, capitals, titles, punctuation, quotes, bullets, line breaks, grades.
fn newsy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[A-Z][a-z]{0,8}",
        "[a-z]{1,10}",
        Just(" ".to_string()),
        Just(". ".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("• ".to_string()),
        Just("- ".to_string()),
        Just("“".to_string()),
        Just("”".to_string()),
        Just("’s".to_string()),
        Just("Cllr ".to_string()),
        Just("Mayor ".to_string()),
        Just(" Council".to_string()),
        Just(" was rated inadequate".to_string()),
        Just("requires improvement to be good".to_string()),
        Just("Overall effectiveness: good\n".to_string()),
        Just("...".to_string()),
        Just("é".to_string()),
        Just("\u{a0}".to_string()),
        "[0-9]{1,4}",
        "\\PC{1,3}",
    ];
    prop::collection::vec(piece, 0..120).prop_map(|v| v.concat())
}

fn check_units(text: &str) {
    let units = NewsSegmenter::default().segment(text);
    let mut last = 0;
    for u in &units {
        assert!(u.start >= last && u.start < u.end && u.end <= text.len(), "{u:?} after {last} in {text:?}");
        assert!(text.is_char_boundary(u.start) && text.is_char_boundary(u.end), "{u:?} in {text:?}");
        assert!(u.end - u.start <= MAX_UNIT_BYTES, "{u:?}");
        last = u.end;
    }
}

proptest! {

    #[test]
    fn segmenter_units_are_ordered_disjoint_and_on_char_boundaries(text in newsy()) {
        check_units(&text);
    }

    #[test]
    fn segmenter_survives_any_unicode(text in "\\PC{0,400}") {
        check_units(&text);
    }

    #[test]
    fn rule_stages_accept_whatever_the_segmenter_gives(text in newsy()) {
        let units = NewsSegmenter::default().segment(&text);
        let people = officials::candidates::titled_names(&text, &units, &[]);
        for m in &people {
            prop_assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end) && m.start < m.end);
        }
        let bodies = officials::bodies_of(&text, &people);
        for o in officials::resolve(&text, &people, &bodies) {
            prop_assert!(o.start < o.end && o.end <= text.len());
        }
        for g in grades::extract(&text, &units, &bodies) {
            prop_assert!(g.sentence_index < units.len().max(1));
        }
    }

    #[test]
    fn readers_turn_any_bytes_into_articles_or_errors(body in prop::collection::vec(any::<u8>(), 0..600), newsy_body in newsy(), kind in 0..3usize) {
        let d = tempfile::tempdir().unwrap();
        let (name, bytes) = match kind {
            0 => ("a.csv", [b"id,text\n".as_slice(), &body].concat()),
            1 => ("a.jsonl", body.clone()),
            _ => ("a.csv", format!("id,text\n1,\"{newsy_body}\n2,{newsy_body}\n").into_bytes()),
        };
        let p = d.path().join(name);
        std::fs::write(&p, &bytes).unwrap();
        let l = load(&[p], &Fields::default(), false);
        for a in &l.articles {
            prop_assert!(!a.text.trim().is_empty() && !a.id.is_empty());
            prop_assert!(a.line.is_some_and(|n| n >= 1));
        }
    }
}
