//! Lines set in capitals ("SHROPSHIRE COUNCIL – PEOPLE OVERVIEW COMMITTEE", a roundup's "TOWER
//! HAMLETS") name bodies the way title-case text does; the rules that find bodies and grades
//! read them in title case. Only ASCII letters change, so every byte offset stays the same.

use std::borrow::Cow;

/// Short words kept in lower case inside a name ("Kensington and Chelsea", "Newcastle upon Tyne").
const SMALL: &[&str] = &["of", "and", "upon", "on", "the", "for", "in", "to", "at", "by"];

/// `text` with each line written wholly in capitals (four letters or more) in title case.
pub fn unshout(text: &str) -> Cow<'_, str> {
    let shouted = |line: &str| {
        let (letters, upper) = line.chars().filter(|c| c.is_alphabetic()).fold((0, true), |(n, u), c| (n + 1, u && c.is_uppercase()));
        // four letters or more: "NHS" or "BBC" alone on a line is an acronym, not a heading
        letters >= 4 && upper
    };
    if !text.split('\n').any(shouted) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if !shouted(line) {
            out.push_str(line);
            continue;
        }
        for (j, word) in line.split(' ').enumerate() {
            if j > 0 {
                out.push(' ');
            }
            // each part of a hyphenated name too: "STOKE-ON-TRENT" -> "Stoke-on-Trent"
            for (k, part) in word.split('-').enumerate() {
                if k > 0 {
                    out.push('-');
                }
                let lower = part.to_ascii_lowercase();
                let bare = lower.trim_matches(|c: char| !c.is_ascii_alphabetic());
                if (j > 0 || k > 0) && (SMALL.contains(&bare) || k > 0 && matches!(bare, "super" | "le" | "under")) {
                    out.push_str(&lower);
                    continue;
                }
                // capital first letter, the rest lower ("ST." -> "St.", "WIRRAL'S" -> "Wirral's")
                let mut seen_letter = false;
                for c in part.chars() {
                    out.push(if seen_letter { c.to_ascii_lowercase() } else { c });
                    seen_letter |= c.is_ascii_alphabetic();
                }
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capital_lines_become_title_case_and_nothing_moves() {
        let t = "SHROPSHIRE COUNCIL – PEOPLE OVERVIEW COMMITTEE\nThe council was rated good.\nTOWER HAMLETS\nKENSINGTON AND CHELSEA\nSTOKE-ON-TRENT\nOK\nStockport’s NHS trust";
        let u = unshout(t);
        assert_eq!(u, "Shropshire Council – People Overview Committee\nThe council was rated good.\nTower Hamlets\nKensington and Chelsea\nStoke-on-Trent\nOK\nStockport’s NHS trust");
        assert_eq!(u.len(), t.len());
        for (a, b) in t.char_indices().zip(u.char_indices()) {
            assert_eq!(a.0, b.0, "offsets stay");
        }
        assert!(matches!(unshout("Nothing shouted here.\nNHS"), Cow::Borrowed(_)), "two-letter and mixed lines are left");
    }
}
