//! Sentence segmentation for news text, producing the units of the annotation guide: sentences,
//! bullet items (one unit even when they hold two sentences) and free-standing lines (headlines,
//! captions, bylines, navigation and boilerplate). Offsets are UTF-8 byte offsets into the text.

use serde::Serialize;
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    Sentence,
    Bullet,
    /// A line with no sentence-final punctuation: headline, caption, byline, navigation item.
    Line,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Unit {
    pub start: usize,
    pub end: usize,
    pub kind: UnitKind,
}

/// A segmentation stage: text in, ordered non-overlapping units out.
pub trait Segmenter: Send + Sync {
    fn segment(&self, text: &str) -> Vec<Unit>;
}

/// Rule-based segmenter tuned for English news copy (not for any one article).
pub struct NewsSegmenter {
    /// Lower-cased words that end with a full stop without ending the sentence.
    abbreviations: HashSet<&'static str>,
}

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "mx", "dr", "cllr", "clr", "prof", "rev", "revd", "st", "sr", "jr", "hon", "rt", "gen", "col",
    "capt", "lt", "sgt", "insp", "supt", "det", "cons", "no", "nos", "vs", "v", "approx", "dept", "est", "fig", "e.g",
    "i.e", "eg", "ie", "cf", "al", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "co", "ltd", "inc", "plc", "bros", "mt", "ft", "ref", "para", "pp", "vol",
];

impl Default for NewsSegmenter {
    fn default() -> Self {
        NewsSegmenter { abbreviations: ABBREVIATIONS.iter().copied().collect() }
    }
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}'
}
fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}
fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '’' | '”' | ')' | ']' | '»')
}
fn has_content(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

/// Byte length of a leading bullet or list marker (with the space after it), if the line has one.
fn bullet_marker_len(line: &str) -> Option<usize> {
    let mut chars = line.char_indices();
    let (_, first) = chars.next()?;
    let after = |i: usize| line[i..].chars().next().filter(|&c| is_space(c)).map(|c| i + c.len_utf8());
    match first {
        '•' | '·' | '▪' | '◦' | '‣' | '●' | '■' | '-' | '*' | '–' | '—' | '○' => after(first.len_utf8()),
        '0'..='9' | '(' | 'a'..='z' => {
            // "1." "12)" "(a)" "a)" followed by a space
            let end = line.find(|c: char| c == '.' || c == ')')?;
            let body = line[..end].trim_start_matches('(');
            let ok = (1..=3).contains(&body.len()) && (body.chars().all(|c| c.is_ascii_digit()) || (body.len() == 1 && body.chars().all(|c| c.is_ascii_lowercase())));
            let ok = ok && (first != '(' || line[end..].starts_with(')')) && (first.is_ascii_digit() || line[end..].starts_with(')'));
            if ok { after(end + 1) } else { None }
        }
        _ => None,
    }
}

impl NewsSegmenter {
    /// Lines joined into blocks: a line that does not end a sentence continues onto a next line
    /// that starts in lower case (hard-wrapped paragraphs); every other line break ends a block.
    fn blocks(text: &str) -> Vec<(usize, usize)> {
        let mut lines = Vec::new();
        let mut pos = 0;
        for piece in text.split_inclusive('\n') {
            let content = piece.trim_end_matches(['\n', '\r']);
            lines.push((pos, pos + content.len()));
            pos += piece.len();
        }
        let mut blocks: Vec<(usize, usize)> = Vec::new();
        let mut open: Option<(usize, usize)> = None;
        for (s, e) in lines {
            let line = text[s..e].trim_matches(is_space);
            if line.is_empty() {
                blocks.extend(open.take());
                continue;
            }
            if let Some((bs, be)) = open {
                let prev = text[bs..be].trim_end_matches(is_space);
                let continues = !prev.ends_with(|c: char| is_terminal(c) || is_closer(c) || c == ':')
                    && line.starts_with(|c: char| c.is_lowercase())
                    && bullet_marker_len(line).is_none();
                if continues {
                    open = Some((bs, e));
                    continue;
                }
                blocks.push((bs, be));
            }
            open = Some((s, e));
        }
        blocks.extend(open);
        blocks
    }

    /// The word (letters, digits, inner dots) that ends at `dot`, as written.
    fn word_before(s: &str, dot: usize) -> &str {
        let start = s[..dot].rfind(|c: char| !(c.is_alphanumeric() || c == '.')).map_or(0, |i| i + s[i..].chars().next().unwrap().len_utf8());
        &s[start..dot]
    }

    fn is_abbreviation(&self, s: &str, dot: usize) -> bool {
        let bare = Self::word_before(s, dot).trim_start_matches('.');
        if self.abbreviations.contains(bare.to_lowercase().as_str()) {
            return true;
        }
        // Initials ("J. Smith", "U.K.") and single letters. Read from the word as written:
        // lower-casing can change a letter's byte length ("Ⱥ" is 2 bytes, "ⱥ" 3).
        let last = bare.rsplit('.').next().unwrap_or("");
        last.chars().count() == 1 && last.chars().all(|c| c.is_uppercase())
    }

    /// Split one block (no bullets) into sentence ranges relative to `s`.
    fn sentences(&self, s: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = 0;
        let chars: Vec<(usize, char)> = s.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            let (at, c) = chars[i];
            if !is_terminal(c) {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < chars.len() && is_terminal(chars[j].1) {
                j += 1;
            }
            while j < chars.len() && is_closer(chars[j].1) {
                j += 1;
            }
            let end = chars.get(j).map_or(s.len(), |&(b, _)| b);
            let mut k = j;
            while k < chars.len() && is_space(chars[k].1) {
                k += 1;
            }
            if k == j || k == chars.len() {
                // no space after (decimals, "U.K.'s") or end of block
                i = j.max(i + 1);
                continue;
            }
            let next = chars[k].1;
            // a dot leader of a table row ("Care leavers ........ Good") is no sentence end
            let dots: usize = chars[i..j].iter().map(|&(_, ch)| match ch { '.' => 1, '…' => 3, _ => 4 }).sum();
            if dots >= 4 && chars[i..j].iter().all(|&(_, ch)| ch == '.' || ch == '…') {
                i = k;
                continue;
            }
            let single_dot = c == '.' && j - i == 1 || (c == '.' && chars[i + 1..j].iter().all(|&(_, ch)| is_closer(ch)));
            let inside_parens = {
                let seen = &s[start..at];
                seen.matches('(').count() > seen.matches(')').count() && s[end..].contains(')')
            };
            let split = if next.is_lowercase() || inside_parens {
                false
            } else if single_dot && self.is_abbreviation(s, at) {
                // "Dr. Smith", "J. Bloggs"; but "No. 10" only before a digit
                let word = Self::word_before(s, at);
                word.eq_ignore_ascii_case("no") && !next.is_ascii_digit()
            } else {
                true
            };
            if split {
                out.push((start, end));
                start = chars[k].0;
            }
            i = k;
        }
        out.push((start, s.len()));
        out
    }
}

/// Longest unit in bytes. A longer stretch with no sentence end (a pasted table, a page with its
/// line breaks lost, a file that is not prose) is cut at the last whitespace before each limit,
/// or at a character boundary where a piece has none: so no unit costs more than a full-length
/// one and a run stays linear in its input. 1,000 bytes of news text is about 200 word pieces, so
/// the models (which read 256) see all of every piece; no unit in the corpus or the eval sets
/// reaches 500 bytes.
pub const MAX_UNIT_BYTES: usize = 1_000;

/// Longest stretch, in bytes, that an article may have with no sentence end and no line break;
/// beyond it the article is not prose (a minified page, a data dump) and is reported and skipped
/// instead of being cut into hundreds of units ([`longest_unbroken`]).
pub const MAX_UNBROKEN_BYTES: usize = 20_000;

/// The longest stretch of `text` with no sentence-final mark and no line break: its start and length.
pub fn longest_unbroken(text: &str) -> (usize, usize) {
    let (mut best, mut start) = ((0, 0), 0);
    for (i, c) in text.char_indices() {
        if is_terminal(c) || c == '\n' {
            if i - start > best.1 {
                best = (start, i - start);
            }
            start = i + c.len_utf8();
        }
    }
    if text.len() - start > best.1 {
        best = (start, text.len() - start);
    }
    best
}

/// `unit` as pieces of at most `max` bytes, each trimmed of surrounding whitespace, same kind.
fn split_long(text: &str, unit: Unit, max: usize) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut start = unit.start;
    while start < unit.end {
        start += text[start..unit.end].len() - text[start..unit.end].trim_start_matches(is_space).len();
        if start >= unit.end {
            break;
        }
        let mut end = unit.end.min(start + max);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        if end < unit.end {
            // cut after the last whitespace in the window, if the window has any
            if let Some((i, c)) = text[start..end].char_indices().rev().find(|&(_, c)| is_space(c)) {
                if i > 0 {
                    end = start + i + c.len_utf8();
                }
            }
        }
        let piece_end = start + text[start..end].trim_end_matches(is_space).len();
        if piece_end > start {
            out.push(Unit { start, end: piece_end, kind: unit.kind });
        }
        start = end;
    }
    out
}

impl Segmenter for NewsSegmenter {
    fn segment(&self, text: &str) -> Vec<Unit> {
        let units = self.segment_unbounded(text);
        if units.iter().all(|u| u.end - u.start <= MAX_UNIT_BYTES) {
            return units;
        }
        units.into_iter().flat_map(|u| if u.end - u.start > MAX_UNIT_BYTES { split_long(text, u, MAX_UNIT_BYTES) } else { vec![u] }).collect()
    }
}

impl NewsSegmenter {
    fn segment_unbounded(&self, text: &str) -> Vec<Unit> {
        let mut units = Vec::new();
        let mut push = |start: usize, end: usize, kind: UnitKind| {
            let piece = &text[start..end];
            let lead = piece.len() - piece.trim_start_matches(is_space).len();
            let trail = piece.len() - piece.trim_end_matches(is_space).len();
            let (s, e) = (start + lead, end - trail);
            if s < e && has_content(&text[s..e]) {
                units.push(Unit { start: s, end: e, kind });
            }
        };
        for (bs, be) in Self::blocks(text) {
            let block = &text[bs..be];
            let lead = block.len() - block.trim_start_matches(is_space).len();
            let body = &block[lead..];
            if let Some(m) = bullet_marker_len(body) {
                push(bs + lead + m, be, UnitKind::Bullet);
                continue;
            }
            let sents = self.sentences(block);
            let single_line = sents.len() == 1 && !block.trim_end_matches(is_space).trim_end_matches(is_closer).ends_with(is_terminal);
            for (s, e) in sents {
                push(bs + s, bs + e, if single_line { UnitKind::Line } else { UnitKind::Sentence });
            }
        }
        units
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        NewsSegmenter::default().segment(text).iter().map(|u| &text[u.start..u.end]).collect()
    }

    #[test]
    fn regression_a_megabyte_line_with_no_sentence_end_becomes_bounded_units() {
        // issue 16: one 12 MB line took 97 s as a single unit
        let word = "waiting ";
        let t = format!("Headline\n\n{}", word.repeat(200_000));
        let units = NewsSegmenter::default().segment(&t);
        assert_eq!(&t[units[0].start..units[0].end], "Headline");
        assert!(units.len() > 1_500, "{}", units.len());
        for w in units.windows(2) {
            assert!(w[0].end <= w[1].start, "ordered and not overlapping");
        }
        for u in &units {
            assert!(u.end - u.start <= MAX_UNIT_BYTES, "{} bytes", u.end - u.start);
            assert!(t[u.start..u.end].ends_with("waiting") || u.start == 0, "cut at whitespace, not inside a word");
        }
        // every word is kept
        let words: usize = units[1..].iter().map(|u| t[u.start..u.end].split_whitespace().count()).sum();
        assert_eq!(words, 200_000);
    }

    #[test]
    fn the_longest_unbroken_stretch_is_found() {
        assert_eq!(longest_unbroken("Ab. Cdefg\nhi"), (3, 6));
        assert_eq!(longest_unbroken(""), (0, 0));
        assert_eq!(longest_unbroken("no end at all"), (0, 13));
    }

    #[test]
    fn a_long_piece_with_no_whitespace_is_cut_on_character_boundaries() {
        let t = "é".repeat(3_000); // 6,000 bytes, no space
        let units = NewsSegmenter::default().segment(&t);
        assert_eq!(units.iter().map(|u| u.end - u.start).sum::<usize>(), t.len());
        assert!(units.iter().all(|u| u.end - u.start <= MAX_UNIT_BYTES && t.is_char_boundary(u.start) && t.is_char_boundary(u.end)));
    }

    #[test]
    fn regression_a_capital_whose_lower_case_is_longer_does_not_panic_before_a_full_stop() {
        // found by tests/fuzz.rs: 'Ⱥ' lower-cases to a 3-byte letter, and the initial check sliced by that length
        assert_eq!(texts("Ⱥ. • "), ["Ⱥ. •"], "an initial, so no sentence end");
        assert_eq!(texts("Met Ⱥ. Smith today. Then left."), ["Met Ⱥ. Smith today.", "Then left."]);
    }

    #[test]
    fn regression_a_bullet_followed_by_a_no_break_space_does_not_panic() {
        assert_eq!(texts("Findings:\n\n•\u{a0}Leaders know their services well.\n•\u{a0}Plans lack detail."), ["Findings:", "Leaders know their services well.", "Plans lack detail."]);
    }

    #[test]
    fn splits_plain_sentences_and_keeps_offsets_exact() {
        let t = "Inspectors visited in May. They found strong practice!  Was it enough? Yes.";
        let units = NewsSegmenter::default().segment(t);
        let got: Vec<_> = units.iter().map(|u| &t[u.start..u.end]).collect();
        assert_eq!(got, ["Inspectors visited in May.", "They found strong practice!", "Was it enough?", "Yes."]);
        assert!(units.iter().all(|u| u.kind == UnitKind::Sentence));
    }

    #[test]
    fn abbreviations_titles_and_initials_do_not_end_sentences() {
        let t = "Cllr. Ann Hale and Dr. Tom Reyes met at St. Mary's school. J. R. Patel, of Acme Ltd. Services, spoke. Ms. Obi agreed.";
        assert_eq!(texts(t), ["Cllr. Ann Hale and Dr. Tom Reyes met at St. Mary's school.", "J. R. Patel, of Acme Ltd. Services, spoke.", "Ms. Obi agreed."]);
    }

    #[test]
    fn decimals_and_numbers_stay_inside_sentences() {
        let t = "Caseloads fell to 14.5 per worker. No. 3 on the list was early help. The rate was 2.75 per cent.";
        assert_eq!(texts(t), ["Caseloads fell to 14.5 per worker.", "No. 3 on the list was early help.", "The rate was 2.75 per cent."]);
    }

    #[test]
    fn quotes_keep_closing_marks_and_attribution() {
        let t = "“We are proud of our staff. The work is paying off,” said Cllr Ann Hale. He asked: “Is it good?” and waited. She said \"it is.\" Then she left.";
        assert_eq!(
            texts(t),
            ["“We are proud of our staff.", "The work is paying off,” said Cllr Ann Hale.", "He asked: “Is it good?” and waited.", "She said \"it is.\"", "Then she left."]
        );
    }

    #[test]
    fn headlines_bullets_and_boilerplate_are_their_own_units() {
        let t = "Council services rated good\n\nBy Jo Bloggs\n\nInspectors found:\n• Leaders know their services well. Staff feel supported.\n- Some plans lack detail\n1. Improve return-home interviews.\n\nSubscribe now\nRead more";
        let seg = NewsSegmenter::default().segment(t);
        let got: Vec<_> = seg.iter().map(|u| (&t[u.start..u.end], u.kind)).collect();
        assert_eq!(
            got,
            [
                ("Council services rated good", UnitKind::Line),
                ("By Jo Bloggs", UnitKind::Line),
                ("Inspectors found:", UnitKind::Line),
                ("Leaders know their services well. Staff feel supported.", UnitKind::Bullet),
                ("Some plans lack detail", UnitKind::Bullet),
                ("Improve return-home interviews.", UnitKind::Bullet),
                ("Subscribe now", UnitKind::Line),
                ("Read more", UnitKind::Line),
            ]
        );
    }

    #[test]
    fn hard_wrapped_lines_are_joined_but_dashes_in_text_are_not_bullets() {
        let t = "The council said it would act on\nevery recommendation. Leadership – Good\n\n-5 degrees is not a bullet.";
        assert_eq!(texts(t), ["The council said it would act on\nevery recommendation.", "Leadership – Good", "-5 degrees is not a bullet."]);
    }

    #[test]
    fn units_without_letters_or_digits_are_dropped_and_crlf_is_handled() {
        let t = "\u{feff}Title line\r\n\r\n“\r\n—\r\nA sentence here.\r\n";
        let seg = NewsSegmenter::default().segment(t);
        let got: Vec<_> = seg.iter().map(|u| &t[u.start..u.end]).collect();
        assert_eq!(got, ["Title line", "A sentence here."]);
    }

    #[test]
    fn full_stops_inside_an_open_parenthesis_do_not_split() {
        let t = "Staff were praised. (Image: Town Hall, Anytown. Source: J Bloggs) Next sentence. (Unclosed. Then more.";
        assert_eq!(texts(t), ["Staff were praised.", "(Image: Town Hall, Anytown. Source: J Bloggs) Next sentence.", "(Unclosed.", "Then more."]);
    }

    #[test]
    fn a_dot_leader_in_a_table_row_does_not_end_a_sentence() {
        let t = "Overall effectiveness ........ Good\nCare leavers …… Requires improvement\nIt was good.... Then it was not.";
        assert_eq!(texts(t), ["Overall effectiveness ........ Good", "Care leavers …… Requires improvement", "It was good.... Then it was not."]);
    }

    #[test]
    fn lowercase_after_full_stop_and_ellipsis_do_not_split() {
        let t = "Services e.g. early help were praised... but not all. It was a first… The end.";
        assert_eq!(texts(t), ["Services e.g. early help were praised... but not all.", "It was a first…", "The end."]);
    }

    #[test]
    fn multibyte_text_has_char_boundary_offsets() {
        let t = "Café staff – ‘good’ – were praised. Next: naïve résumé!";
        for u in NewsSegmenter::default().segment(t) {
            assert!(t.is_char_boundary(u.start) && t.is_char_boundary(u.end));
        }
        assert_eq!(texts(t), ["Café staff – ‘good’ – were praised.", "Next: naïve résumé!"]);
    }
}
