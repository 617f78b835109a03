//! Ofsted grades an article reports: (authority, judgement area, grade) for the inspection it is
//! about. Rules over each unit: judgement areas and grade words are paired clause by clause
//! ("help and protection, children in care and care leavers were all rated good", "rated
//! inadequate overall and for help and protection", "Leadership – Good"); grades given as history
//! ("rated inadequate in 2013", "up from good") are dropped; each grade goes to the authority
//! named nearest before it, else the article's subject.

mod attribution;
mod words;

use crate::grade::{Grade, JudgementArea};
use crate::rules::authority::Bodies;
use crate::text::segment::{Unit, UnitKind};
use attribution::*;
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;
use words::*;

/// A grade the article states for an authority's inspection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeFinding {
    pub authority: String,
    pub judgement_area: JudgementArea,
    pub grade: Grade,
    /// The unit that states it.
    pub sentence_index: usize,
    /// How direct the statement is: an area named with its grade (1.0); an unnamed area taken as
    /// overall effectiveness, or "the same judgement" as an earlier sentence (0.8); an area
    /// filled from "four of the five areas were good" (0.6).
    pub confidence: f32,
}

/// A clause of a unit, and whether it follows a dash, a colon or a table cell's edge ("Care
/// leavers: good", "Care leavers | Good", "Care leavers ....... RI").
struct Clause<'a> {
    offset: usize,
    text: &'a str,
    after_mark: bool,
    /// After a semicolon: a new statement, so areas named before it do not carry over.
    fresh: bool,
}

/// Split a unit into clauses at punctuation and at joining words; the joining word stays with
/// the clause it opens ("up from good" is history, "apart from care leavers" an exception).
fn clauses(unit: &str) -> Vec<Clause<'_>> {
    const JOINERS: &[&str] = &[" but ", " while ", " whereas ", " although ", " with ", " up from ", " down from ", " when ", " apart from ", " except ", " other than ", " with the exception of "];
    let mut out = Vec::new();
    let (mut start, mut after_mark, mut fresh) = (0, false, false);
    for (at, c) in unit.char_indices() {
        if at < start {
            continue; // inside a dot leader already cut
        }
        let dash = c == '-' && unit[at..].starts_with("- ") && unit[..at].ends_with(' ');
        // a number grade, then its word, is one statement: "graded 2 (good)"
        let numbered = c == '(' && unit[..at].trim_end().ends_with(['1', '2', '3', '4']);
        if numbered {
            continue;
        }
        if let Some(len) = leader_at(&unit[at..]) {
            out.push(Clause { offset: start, text: &unit[start..at], after_mark, fresh });
            start = at + len;
            (after_mark, fresh) = (true, false);
        } else if matches!(c, ',' | ';' | ':' | '–' | '—' | '(' | ')' | '|' | '\t') || dash {
            out.push(Clause { offset: start, text: &unit[start..at], after_mark, fresh });
            start = at + c.len_utf8();
            after_mark = matches!(c, ':' | '–' | '—' | '|' | '\t') || dash;
            fresh = c == ';';
        } else if at > start && JOINERS.iter().any(|w| unit[at..].starts_with(w)) {
            out.push(Clause { offset: start, text: &unit[start..at], after_mark, fresh });
            start = at + 1;
            (after_mark, fresh) = (false, false);
        }
    }
    out.push(Clause { offset: start, text: &unit[start..], after_mark, fresh });
    out.into_iter().filter(|c| !c.text.trim().is_empty()).collect()
}

/// The length of a dot leader starting here (four or more dots, or two or more ellipsis
/// characters, spaces between them allowed): a table cell's edge, as in "Care leavers ....... RI".
/// Three dots are an ellipsis in prose.
fn leader_at(s: &str) -> Option<usize> {
    let (mut dots, mut len) = (0, 0);
    for (i, c) in s.char_indices() {
        match c {
            '.' => dots += 1,
            '…' => dots += 3,
            ' ' if dots > 0 => {}
            _ => break,
        }
        if c != ' ' {
            len = i + c.len_utf8();
        }
    }
    (dots >= 4 && s.starts_with(['.', '…'])).then_some(len)
}

/// "all four judgement areas", "every area", "across the board"; "its other three areas" (every
/// area not stated otherwise).
static ALL_AREAS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:(?:its|the|their) (?:other|remaining) (?:(?:two|three|four|2|3|4) )?(?:judgement |judgment )?areas|all (?:(?:four|five|5|4) )?(?:other |remaining )?(?:of (?:the|its) )?(?:(?:judgement|judgment|key|inspection|individual) )?(?:areas|judgements|judgments)|every (?:judgement |judgment |single )?area|each of the (?:other |remaining )?(?:four|five|4|5) (?:other )?(?:individual |judgement )?areas|every (?:category|judgement)|across the board|in every area)\b").unwrap()
});

/// One grade a unit states, before it has an authority.
#[derive(Debug, Clone, Copy)]
struct Stated {
    area: JudgementArea,
    grade: Grade,
    confidence: f32,
    /// Byte position of the grade word in the unit: the authority named nearest before it wins.
    at: usize,
}

/// How many areas a count statement covers ("four of the five areas were good"), or all of them
/// ("every area was inadequate").
#[derive(Debug, Clone, Copy, PartialEq)]
enum Coverage {
    Count(usize),
    All,
}

/// What one unit states: its grades, a count or all-areas statement, and areas given "the same
/// judgement" as the grade stated last before this unit.
#[derive(Default)]
struct UnitGrades {
    rows: Vec<Stated>,
    counted: Option<(Grade, usize)>,
    all: Option<Grade>,
    same: Vec<JudgementArea>,
}

fn unit_grades(unit: &str) -> UnitGrades {
    if SCALE_LINE.is_match(unit) {
        return UnitGrades::default();
    }
    let parts = clauses(unit);
    let bullet_line = {
        let t = unit.trim();
        let tail = parts.last().filter(|c| c.after_mark).map_or_else(|| t.rsplit(['–', '-', ':', '—']).next().unwrap_or(""), |c| c.text).trim().trim_end_matches('.');
        t.len() < 120 && GRADE_WORD.find(tail).is_some_and(|m| m.start() == 0 && m.end() == tail.len()) && t.len() > tail.len()
    };
    let mut u = UnitGrades::default();
    let mut pending: Vec<JudgementArea> = Vec::new();
    // the last current grade that took its areas after it ("rated inadequate overall and for help and protection")
    let mut last_forward: Option<(Grade, usize)> = None;
    let mut last_grade: Option<(Grade, usize)> = None;
    let graded: Vec<Vec<(usize, usize, Grade)>> = parts.iter().map(|c| grades_in(c.text, bullet_line || c.after_mark)).collect();
    let mut in_past = PAST_FRAME.is_match(unit);
    // "gave the same grade for help and protection, for children in care and for leaders": the
    // list goes on past the clause that opened it
    let mut same_list = false;
    for (ci, clause) in parts.iter().enumerate() {
        let (offset, text) = (clause.offset, clause.text);
        if clause.fresh {
            pending.clear();
        }
        in_past &= !BACK_TO_NOW.is_match(text);
        let areas = areas_in(text);
        let grades = &graded[ci];
        if grades.is_empty() {
            let later_grade = graded[ci + 1..].iter().any(|g| !g.is_empty());
            let exception = ["apart from", "except", "other than", "with the exception"].iter().any(|w| text.trim_start().to_lowercase().starts_with(w));
            let lead = text.trim_start().to_lowercase();
            match (last_forward, last_grade) {
                // "... outstanding overall and for help and protection, children in care, and leadership"
                // (the clause opens with the list: not "..., despite delays in its child protection work")
                (Some((g, pos)), _) if !later_grade && !exception && !lead.starts_with("but") && opens_with_area(text, &areas) => u.rows.extend(areas.iter().map(|a| Stated { area: a.area, grade: g, confidence: 1.0, at: pos })),
                // "help and protection was inadequate, as was the impact of leaders"
                (_, Some((g, pos))) if lead.starts_with("as was") || lead.starts_with("as were") || lead.starts_with("as did") => u.rows.extend(areas.iter().map(|a| Stated { area: a.area, grade: g, confidence: 1.0, at: pos })),
                // "Leadership received the same judgement."
                _ if (SAME_GRADE.is_match(text) || same_list && !areas.is_empty()) && !later_grade => {
                    same_list = true;
                    let named: Vec<JudgementArea> = pending.drain(..).chain(areas.iter().map(|a| a.area)).collect();
                    match last_grade {
                        Some((g, pos)) => u.rows.extend(named.into_iter().map(|area| Stated { area, grade: g, confidence: 1.0, at: pos })),
                        None => u.same.extend(named),
                    }
                }
                _ => pending.extend(areas.iter().map(|a| a.area)),
            }
            continue;
        }
        same_list = false;
        let mut prev_end = 0;
        for (gi, &(gs, ge, grade)) in grades.iter().enumerate() {
            let next_start = grades.get(gi + 1).map_or(text.len(), |g| g.0);
            let before: Vec<JudgementArea> = areas.iter().filter(|a| a.start >= prev_end && a.end <= gs).map(|a| a.area).collect();
            // areas named after the grade belong to it only as a list starting close by ("inadequate overall and for help and protection")
            let mut after: Vec<JudgementArea> = Vec::new();
            let mut reach = ge;
            for a in areas.iter().filter(|a| a.start >= ge && a.end <= next_start) {
                if a.start - reach > if after.is_empty() { 40 } else { 30 } {
                    break;
                }
                after.push(a.area);
                reach = a.end;
            }
            let from_lead = words_before(&text[..gs], 2).iter().any(|w| w == "from");
            let forward = before.is_empty() && pending.is_empty() && !after.is_empty();
            // "with two areas judged outstanding": some areas, named elsewhere, not the overall grade
            let unnamed = PARTIAL.is_match(text) && before.is_empty() && !forward;
            let chosen: Vec<JudgementArea> = if forward { after } else if unnamed { pending.clear(); Vec::new() } else { pending.drain(..).chain(before).collect() };
            // history is read in this grade's own stretch: "Wigan out of 'inadequate' and Stockport still 'good'"
            let history = HISTORY.is_match(&text[prev_end..next_start]) || history_before(&text[prev_end..gs]) || in_past;
            let prev_start = std::mem::replace(&mut prev_end, ge);
            if history || from_lead {
                // "children in care moved from inadequate to requires improvement": the areas
                // before the old grade belong to the new one
                if text[ge..next_start].trim() == "to" {
                    pending = chosen;
                }
                last_forward = None;
                continue;
            }
            last_grade = Some((grade, offset + gs));
            // "four of the five areas were good", "now requires improvement in all five judgement areas"
            let stretch = &text[prev_start..next_start];
            if let Some(c) = COUNTED.captures(stretch) {
                u.counted = Some((grade, number(&c[1])));
            } else if ALL_AREAS.is_match(stretch) {
                u.all = Some(grade);
            }
            if unnamed {
                continue;
            } else if chosen.is_empty() {
                u.rows.push(Stated { area: JudgementArea::Overall, grade, confidence: 0.8, at: offset + gs });
            } else {
                u.rows.extend(chosen.into_iter().map(|area| Stated { area, grade, confidence: 1.0, at: offset + gs }));
            }
            last_forward = forward.then_some((grade, offset + gs));
        }
    }
    u
}

/// Whether a clause's first area opens it ("children in care", "and for care leavers"): a list
/// going on from the clause before.
fn opens_with_area(clause: &str, areas: &[words::Hit]) -> bool {
    let lead = clause.trim_start();
    let skipped = clause.len() - lead.len();
    areas.first().is_some_and(|a| {
        let before = clause[skipped..a.start].trim().to_lowercase();
        before.split_whitespace().all(|w| matches!(w, "and" | "for" | "in" | "the" | "its" | "their" | "of" | "also" | "both" | "as" | "well" | "services" | "work" | "with" | "was" | "were" | "rated" | "judged" | "graded") || GRADE_WORD.is_match(w))
    })
}

fn number(word: &str) -> usize {
    match word.to_lowercase().as_str() {
        "two" | "2" => 2,
        "three" | "3" => 3,
        "four" | "4" => 4,
        "five" | "5" => 5,
        _ => 6,
    }
}

/// Extract the grades of an article from the segmenter's units.
pub fn extract(text: &str, units: &[Unit], bodies: &Bodies) -> Vec<GradeFinding> {
    // a roundup's "TOWER HAMLETS" names its body as "Tower Hamlets" does
    let text = &*crate::text::case::unshout(text);
    let subject = bodies.subject().map(|b| b.name.clone()).or_else(|| bodies.council_name()).unwrap_or_default();
    let names = Names::of(bodies);
    let mut rows: Vec<GradeFinding> = Vec::new();
    let mut current = subject.clone();
    let mut covered: Vec<(String, Grade, Coverage, usize)> = Vec::new();
    // the headline and whatever page furniture sits above the first sentence (section links, a date)
    // (an article of lines only keeps the old reading: its first line is the headline)
    let top = units.iter().position(|u| u.kind != UnitKind::Line).unwrap_or(1);
    // a header line of areas ("overall / help and protection / children in care"), for rows under it
    let mut table: Option<Vec<JudgementArea>> = None;
    for (index, unit_span) in units.iter().enumerate() {
        let unit = &text[unit_span.start..unit_span.end];
        let mentions = authority_mentions(unit, &names, &subject);
        if let Some(areas) = table_header(unit) {
            table = Some(areas);
            continue;
        }
        if let Some(cells) = table.as_deref().and_then(|areas| table_row(unit, areas)) {
            let authority = mentions.first().map_or_else(|| current.clone(), |m| m.body.clone());
            for (area, grade) in cells {
                push(&mut rows, GradeFinding { authority: authority.clone(), judgement_area: area, grade, sentence_index: index, confidence: 1.0 });
            }
            continue;
        }
        table = None;
        let u = unit_grades(unit);
        // the body named nearest before the grade, with any joined to it by "and" ("Somerset and
        // Bristol councils are both rated good"), else the first one named, else the one in force
        let authorities_at = |pos: usize| -> Vec<String> {
            let Some(i) = mentions.iter().rposition(|m| m.at <= pos) else {
                // a body named after the grade ("..., Oldham Council said"), but not "the council"
                // there: that is the one in force ("... not in contact with the council at all")
                return vec![mentions.iter().find(|m| !m.generic).map_or_else(|| current.clone(), |m| m.body.clone())];
            };
            let mut out = vec![mentions[i].body.clone()];
            let plural = plural_verdict(&unit[mentions[i].at..pos]);
            let mut j = i;
            while j > 0 && plural && joined(unit, mentions[j - 1].at, mentions[j].at) && !out.contains(&mentions[j - 1].body) {
                out.insert(0, mentions[j - 1].body.clone());
                j -= 1;
            }
            out
        };
        let authority_at = |pos: usize| authorities_at(pos).pop().unwrap_or_default();
        // a headline restates the story in few words: the body's statements win over it
        let weight = if index < top && unit_span.kind == UnitKind::Line { 0.9 } else { 1.0 };
        let mut last = None;
        for s in &u.rows {
            for authority in authorities_at(s.at) {
                last = Some(authority.clone());
                push(&mut rows, GradeFinding { authority, judgement_area: s.area, grade: s.grade, sentence_index: index, confidence: s.confidence * weight });
            }
        }
        if let Some(g) = rows.last().filter(|_| !u.same.is_empty()).map(|r| r.grade) {
            let authority = authority_at(0);
            for &area in &u.same {
                push(&mut rows, GradeFinding { authority: authority.clone(), judgement_area: area, grade: g, sentence_index: index, confidence: 0.8 });
            }
            last = Some(authority);
        }
        if let Some((grade, n)) = u.counted {
            covered.push((authority_at(0), grade, Coverage::Count(n), index));
        }
        if let Some(grade) = u.all {
            covered.push((authority_at(0), grade, Coverage::All, index));
        }
        // "Hampshire was rated outstanding in every area, as was Portsmouth": the second body
        // shares what this unit gave the first
        if let Some((from, to)) = shares(unit, &mentions) {
            let copied: Vec<GradeFinding> = rows.iter().filter(|r| r.sentence_index == index && r.authority == from).map(|r| GradeFinding { authority: to.clone(), ..r.clone() }).collect();
            for r in copied {
                push(&mut rows, r);
            }
            let cov: Vec<_> = covered.iter().filter(|c| c.3 == index && c.0 == from).map(|c| (to.clone(), c.1, c.2, c.3)).collect();
            covered.extend(cov);
        }
        // a unit that states grades moves the authority later units refer to, and so does one
        // that sets a topic: a subheading naming one body, or "In Nottingham, ..."
        if let Some(a) = last.or_else(|| sets_topic(unit, unit_span.kind, &mentions)) {
            current = a;
        }
    }
    // "four of the five areas were good": when the areas not graded otherwise are exactly the ones
    // the count leaves, they take that grade; "all areas": every standard area not stated otherwise.
    // The body's statements first, so a headline's "across the board" does not take their place
    covered.sort_by_key(|c| c.3 < top);
    for (authority, grade, coverage, index) in covered {
        let stated = |a: JudgementArea| rows.iter().find(|r| r.authority == authority && r.judgement_area == a).map(|r| r.grade);
        let same = JudgementArea::STANDARD.iter().filter(|&&a| stated(a) == Some(grade)).count();
        let missing: Vec<JudgementArea> = JudgementArea::STANDARD.iter().copied().filter(|&a| stated(a).is_none()).collect();
        let fits = match coverage {
            Coverage::All => true,
            Coverage::Count(n) => same + missing.len() == n,
        };
        if !missing.is_empty() && fits {
            for area in missing {
                push(&mut rows, GradeFinding { authority: authority.clone(), judgement_area: area, grade, sentence_index: index, confidence: 0.6 });
            }
        }
    }
    // a headline's bare place can name the wrong body ("Kingston" for the company that runs its
    // services): a headline-only body yields to the body the article states the same grades for
    let body_only = |a: &str, rows: &[GradeFinding]| rows.iter().any(|r| r.authority == a && r.sentence_index >= top);
    let restated = |g: &GradeFinding, rows: &[GradeFinding]| rows.iter().any(|r| r.authority != g.authority && r.sentence_index >= top && r.judgement_area == g.judgement_area && r.grade == g.grade);
    let keep: Vec<bool> = rows.iter().map(|g| g.sentence_index >= top || body_only(&g.authority, &rows) || !restated(g, &rows)).collect();
    let mut keep = keep.iter();
    rows.retain(|_| *keep.next().unwrap_or(&true));
    rows
}

/// Two mentions joined as one subject: the first body's words, then "and", "&" or a comma.
fn joined(unit: &str, first_at: usize, next_at: usize) -> bool {
    let Some(gap) = unit.get(first_at..next_at) else { return false };
    let words: Vec<&str> = gap.split_whitespace().collect();
    let Some((last, name)) = words.split_last() else { return false };
    let joiner = matches!(*last, "and" | "&") || name.is_empty() && last.ends_with(',');
    let name_ok = name.iter().enumerate().all(|(i, w)| w.starts_with(char::is_uppercase) || i > 0 && matches!(*w, "of" | "upon" | "on" | "and" | "&") || i + 1 == name.len() && w.ends_with(','));
    !gap.contains(['.', ';', ':']) && words.len() <= 7 && joiner && name_ok
}

/// A plural verdict ("are both rated", "were all judged"): what makes joined bodies share a grade.
fn plural_verdict(stretch: &str) -> bool {
    let s = stretch.to_lowercase();
    [" are ", " were ", " both ", " all ", " each ", " have been "].iter().any(|w| s.contains(w))
}

/// "…, as was Portsmouth City Council": (the body graded before, the body that shares it).
fn shares(unit: &str, mentions: &[Mention]) -> Option<(String, String)> {
    static AS_WAS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)[,;]\s*(?:and\s+)?(?:so\s+(?:was|were|did)|as\s+(?:was|were|did))\s+(?:neighbouring\s+|the\s+)?").unwrap());
    let m = AS_WAS.find(unit)?;
    let to = mentions.iter().find(|x| x.at == m.end())?;
    let from = mentions.iter().rev().find(|x| x.at < m.start() && x.body != to.body)?;
    Some((from.body.clone(), to.body.clone()))
}

/// Cells of a results table's header line: "The results (overall / help and protection / children
/// in care / leadership):" -> the areas, when every cell is one area.
fn table_header(unit: &str) -> Option<Vec<JudgementArea>> {
    let body = unit.trim().trim_end_matches(':').trim_end_matches(')');
    let body = body.rsplit_once('(').map_or(body, |(_, inner)| inner);
    let body = body.rsplit_once(':').map_or(body, |(_, after)| after);
    let cells: Vec<&str> = body.split(['/', '|']).map(str::trim).collect();
    if cells.len() < 2 {
        return None;
    }
    let areas: Vec<JudgementArea> = cells.iter().filter_map(|c| match areas_in(c).as_slice() { [one] if c.len() < one.end - one.start + 12 => Some(one.area), _ => None }).collect();
    (areas.len() == cells.len()).then_some(areas)
}

/// A row under a table header: "Kirklees Council: good / good / requires improvement / good".
fn table_row(unit: &str, areas: &[JudgementArea]) -> Option<Vec<(JudgementArea, Grade)>> {
    let (_, row) = unit.trim().rsplit_once([':', '–', '—'])?;
    let cells: Vec<&str> = row.split(['/', '|']).map(|c| c.trim().trim_end_matches('.')).collect();
    let grades: Vec<Grade> = cells.iter().filter_map(|c| GRADE_WORD.find(c).filter(|m| m.start() == 0 && m.end() == c.len()).map(|m| normalise_grade(m.as_str()))).collect();
    (cells.len() == areas.len() && grades.len() == areas.len()).then(|| areas.iter().copied().zip(grades).collect())
}

/// One row per (authority, area): the first, most direct statement wins.
fn push(rows: &mut Vec<GradeFinding>, g: GradeFinding) {
    match rows.iter_mut().find(|r| r.authority == g.authority && r.judgement_area == g.judgement_area) {
        Some(r) if r.confidence < g.confidence => *r = g,
        Some(_) => {}
        None => rows.push(g),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OVERALL: &str = "overall effectiveness";

    /// One unit per line.
    fn grades(text: &str) -> Vec<(String, String, String)> {
        grades_of(&text.split('\n').map(|l| (l, UnitKind::Line)).collect::<Vec<_>>())
    }

    fn row(a: &str, area: &str, g: &str) -> (String, String, String) {
        (a.into(), area.into(), g.into())
    }

    #[test]
    fn rated_good_overall_in_quotes() {
        let g = grades("Barnsley Council's children's services have been rated 'good' overall by Ofsted.");
        assert_eq!(g, [row("Barnsley Council", OVERALL, "good")]);
    }

    #[test]
    fn results_tables_flattened_into_text_by_pipes_tabs_and_dot_leaders() {
        let t = "Thornbury Council's inspection results\nJudgement | Grade\nOverall effectiveness | Good\nHelp and protection | Requires improvement to be good\nChildren in care\tOutstanding\nCare leavers ....... RI\nLeadership, management and governance …… Good";
        assert_eq!(
            grades(t),
            [
                row("Thornbury Council", OVERALL, "good"),
                row("Thornbury Council", "help and protection", "requires improvement to be good"),
                row("Thornbury Council", "children in care", "outstanding"),
                row("Thornbury Council", "care leavers", "requires improvement to be good"),
                row("Thornbury Council", "leadership", "good"),
            ]
        );
        // a pipe in navigation is no table cell, and "RI" outside a cell or judgement is no grade
        assert!(grades("Home | News | Good Food Guide\nRI residents face parking changes.").is_empty());
    }

    #[test]
    fn a_grade_given_by_number_with_its_word_in_brackets() {
        let t = "Fenchester City Council was graded 3 (requires improvement) in the report out today.\nAdoption performance was graded 2 (good).\nIn 2014 the service was graded 4 (inadequate).";
        assert_eq!(grades(t), [row("Fenchester City Council", OVERALL, "requires improvement to be good"), row("Fenchester City Council", "adoption", "good")]);
    }

    #[test]
    fn a_roundup_subheading_in_capitals_sets_the_authority_of_the_table_under_it() {
        let t = "Three boroughs rated\nNORTHAM\nOverall effectiveness | Outstanding\nNortham Council was praised.\nWESTLEY\nOverall effectiveness ........ RI\nWestley Council must improve.";
        assert_eq!(grades(t), [row("Northam Council", OVERALL, "outstanding"), row("Westley Council", OVERALL, "requires improvement to be good")]);
    }

    #[test]
    fn grades_by_number_in_prose_and_cells_but_not_in_a_fact_box() {
        let t = "Dunmere County Council's services have been given a grade 3, meaning they require improvement to be good.\n• Adoption performance: 1\n• Leadership, management and governance: 2\nAt its previous inspection, in 2012, the council was graded 2.\nHOW OFSTED GRADES COUNCILS\n▪ Grade 1: Outstanding\n▪ Grade 4 – Inadequate\nNeighbouring Fenchester City Council, currently graded 4 for overall effectiveness, awaits a visit.";
        let mut g = grades(t);
        g.sort();
        let mut want = vec![
            row("Dunmere County Council", OVERALL, "requires improvement to be good"),
            row("Dunmere County Council", "adoption", "outstanding"),
            row("Dunmere County Council", "leadership", "good"),
            row("Fenchester City Council", OVERALL, "inadequate"),
        ];
        want.sort();
        assert_eq!(g, want);
    }

    #[test]
    fn requires_improvement_in_its_many_forms() {
        let t = "Hull City Council has been judged as requiring improvement to be good.\nHelp and protection still requires improvement.\nServices for care leavers were judged to require improvement to be good.\nChildren in care were rated requires improvement.";
        assert_eq!(
            grades(t),
            [
                row("Hull City Council", OVERALL, "requires improvement to be good"),
                row("Hull City Council", "help and protection", "requires improvement to be good"),
                row("Hull City Council", "care leavers", "requires improvement to be good"),
                row("Hull City Council", "children in care", "requires improvement to be good"),
            ]
        );
    }

    #[test]
    fn judged_inadequate_for_areas_named_after_the_grade() {
        let t = "Kent County Council was rated inadequate overall and for the help and protection of children, as well as for the impact of its leaders.\nThe council was judged outstanding for adoption, children in care, and care leavers.";
        let g = grades(t);
        assert_eq!(g.len(), 6, "{g:?}");
        assert!(g.contains(&row("Kent County Council", "leadership", "inadequate")));
        assert!(g.contains(&row("Kent County Council", "care leavers", "outstanding")));
    }

    #[test]
    fn four_of_the_five_areas_fills_the_areas_not_stated_otherwise() {
        let t = "Essex County Council was rated good overall.\nFour of the five areas were judged good, and care leavers were rated outstanding.";
        let mut g = grades(t);
        g.sort();
        assert_eq!(
            g,
            [
                row("Essex County Council", "care leavers", "outstanding"),
                row("Essex County Council", "children in care", "good"),
                row("Essex County Council", "help and protection", "good"),
                row("Essex County Council", "leadership", "good"),
                row("Essex County Council", OVERALL, "good"),
            ]
        );
        let g = grades("Essex County Council was rated good overall.\nAll four judgement areas were rated good.");
        assert_eq!(g.len(), 5, "{g:?}");
    }

    #[test]
    fn bullet_lists_with_dashes_and_colons() {
        let t = "Slough Children First has been inspected.\nOverall effectiveness – Good\nLeadership - Requires improvement to be good\nCare leavers: inadequate\nThe experiences and progress of children in care – Outstanding";
        assert_eq!(
            grades(t),
            [
                row("Slough Children First", OVERALL, "good"),
                row("Slough Children First", "leadership", "requires improvement to be good"),
                row("Slough Children First", "care leavers", "inadequate"),
                row("Slough Children First", "children in care", "outstanding"),
            ]
        );
    }

    #[test]
    fn grades_inside_quotes_count() {
        let t = "Cornwall Council leader said: “To be judged ‘outstanding’ is a remarkable achievement.”";
        assert_eq!(grades(t), [row("Cornwall Council", OVERALL, "outstanding")]);
    }

    #[test]
    fn history_is_not_a_row() {
        let t = "Devon County Council is no longer rated inadequate.\nOfsted has now judged the service as requiring improvement to be good.\nIt was rated inadequate in 2013.\nCare leavers were judged outstanding, up from good at the last inspection.\nThe council was last inspected in 2018, when it was also judged good.\nMonths after it was rated inadequate, the council appointed a new director.";
        assert_eq!(grades(t), [row("Devon County Council", OVERALL, "requires improvement to be good"), row("Devon County Council", "care leavers", "outstanding")]);
        let t = "Hackney Council has been rated good at its first full inspection since a cyber attack.";
        assert_eq!(grades(t), [row("Hackney Council", OVERALL, "good")], "'since' after the grade does not make it history");
    }

    #[test]
    fn several_authorities_each_keep_their_grades() {
        let t = "Wigan Council was rated requires improvement to be good.\nHelp and protection was judged inadequate.\nIn neighbouring Stockport Council, inspectors found services outstanding overall.\nCare leavers were judged good.";
        assert_eq!(
            grades(t),
            [
                row("Wigan Council", OVERALL, "requires improvement to be good"),
                row("Wigan Council", "help and protection", "inadequate"),
                row("Stockport Council", OVERALL, "outstanding"),
                row("Stockport Council", "care leavers", "good"),
            ]
        );
    }

    #[test]
    fn the_council_and_the_trust_resolve_to_the_articles_bodies() {
        let t = "Sandwell Children's Trust was set up after failings at Sandwell Council, whose services had been rated inadequate.\nNow Ofsted has rated the trust as requiring improvement to be good overall.\nServices were delivered by the trust on behalf of Sandwell Council, and were judged good for care leavers.";
        assert_eq!(
            grades(t),
            [row("Sandwell Children's Trust", OVERALL, "requires improvement to be good"), row("Sandwell Children's Trust", "care leavers", "good")]
        );
    }

    #[test]
    fn ordinary_uses_of_grade_words_are_not_grades() {
        let t = "Barnsley Council said children in care make good progress at school.\nThere were pockets of good practice.\nInspectors found outstanding work by foster carers.\nThe service requires improvement in its planning.";
        assert_eq!(grades(t), []);
    }

    #[test]
    fn as_was_and_headlines_yield_to_the_body() {
        let t = "Southampton care leavers rated good\nSouthampton City Council's services were judged inadequate.\nHelp and protection was inadequate, as was the impact of leaders on practice.\nCare leavers' services were judged requires improvement to be good.";
        let g = grades(t);
        assert!(g.contains(&row("Southampton City Council", "leadership", "inadequate")), "{g:?}");
        assert!(g.contains(&row("Southampton City Council", "care leavers", "requires improvement to be good")), "the body's statement wins over the headline: {g:?}");
    }

    #[test]
    fn regression_leaders_negations_descriptions_and_once_again_found_in_review() {
        assert_eq!(grades("Council leaders said they were delighted that Barnsley Council was rated good."), [row("Barnsley Council", OVERALL, "good")]);
        assert_eq!(grades("Barnsley Council said services for care leavers were not good, inspectors said."), []);
        assert_eq!(grades("Barnsley Council inspectors identified areas requiring improvement."), []);
        assert_eq!(grades("Kent County Council has once again been rated outstanding."), [row("Kent County Council", OVERALL, "outstanding")]);
        assert_eq!(grades("Medway Council, working closely with Kent Police, was rated good."), [row("Medway Council", OVERALL, "good")]);
        assert_eq!(grades("Barnsley Council said the news was good for the children of the town."), []);
        let g = grades("Barnsley Council's child protection plans were reviewed and found good.");
        assert!(!g.iter().any(|r| r.1 == "help and protection"), "plans are not the help and protection judgement: {g:?}");
        assert_eq!(grades("Shropshire Council's leaders were graded outstanding."), [row("Shropshire Council", "leadership", "outstanding")], "leaders as the graded subject");
    }

    #[test]
    fn regression_roundup_subheadings_and_in_place_openings_set_the_authority() {
        let t = "Rutland County Council was rated good overall, and Leicester City Council was judged inadequate.\nRutland\nSocial workers in the county know their children well.\nCare leavers and children in care were both graded outstanding too.\nIn Leicester, inspectors found long waits at the front door.\nHelp and protection was also judged inadequate.";
        let mut g = grades(t);
        g.sort();
        assert_eq!(
            g,
            [
                row("Leicester City Council", "help and protection", "inadequate"),
                row("Leicester City Council", OVERALL, "inadequate"),
                row("Rutland County Council", "care leavers", "outstanding"),
                row("Rutland County Council", "children in care", "outstanding"),
                row("Rutland County Council", OVERALL, "good"),
            ]
        );
    }

    #[test]
    fn regression_the_company_delivering_services_is_not_the_graded_authority() {
        let t = "Windsor and Maidenhead Council's children's services, delivered by Achieving for Children, have been rated good.";
        assert_eq!(grades(t), [row("Windsor and Maidenhead Council", OVERALL, "good")]);
    }

    #[test]
    fn regression_a_sentence_opening_in_the_past_keeps_all_its_grades_in_the_past() {
        let t = "Bury Council has been judged to require improvement to be good.\nIn 2016 every area was rated inadequate apart from adoption, which was judged to require improvement.\nThe adoption service has since moved up to good.";
        assert_eq!(grades(t), [row("Bury Council", OVERALL, "requires improvement to be good"), row("Bury Council", "adoption", "good")]);
        let t = "Three years ago Bury Council was judged inadequate, but it is now rated good.";
        assert_eq!(grades(t), [row("Bury Council", OVERALL, "good")], "a clause that comes back to now is current");
        let t = "In 2019 Bury Council was judged good, and it remains good today.";
        assert_eq!(grades(t), [row("Bury Council", OVERALL, "good")]);
        let t = "In March 2024, inspectors rated Bury Council good.";
        assert_eq!(grades(t), [row("Bury Council", OVERALL, "good")], "a month and year often date the inspection being reported");
    }

    #[test]
    fn regression_some_areas_judged_outstanding_are_not_the_overall_grade() {
        let t = "Ofsted has rated Rochdale Borough Council's children's services good overall, with two areas judged outstanding.";
        assert_eq!(grades(t), [row("Rochdale Borough Council", OVERALL, "good")]);
    }

    #[test]
    fn older_framework_board_reviews_and_loose_area_names() {
        let t = "Bolton Council's services were judged inadequate.\nChild protection work was judged inadequate, as were services for young people leaving care.\nA review of the Bolton Safeguarding Children Board found that the board requires improvement.";
        let mut g = grades(t);
        g.sort();
        assert_eq!(
            g,
            [
                row("Bolton Council", "care leavers", "inadequate"),
                row("Bolton Council", "help and protection", "inadequate"),
                row("Bolton Council", "local safeguarding children board", "requires improvement to be good"),
                row("Bolton Council", OVERALL, "inadequate"),
            ]
        );
    }

    #[test]
    fn the_same_judgement_and_all_areas_after_a_step_up() {
        let t = "Help and protection at Tameside Council was rated inadequate.\nLeadership, management and governance received the same judgement.";
        assert_eq!(grades(t), [row("Tameside Council", "help and protection", "inadequate"), row("Tameside Council", "leadership", "inadequate")]);
        let t = "Trafford Council has moved up from inadequate and now requires improvement to be good in all five judgement areas.";
        let g = grades(t);
        assert_eq!(g.len(), 5, "{g:?}");
        assert!(g.iter().all(|r| r.2 == "requires improvement to be good"), "{g:?}");
    }

    #[test]
    fn the_top_grade_and_every_other_area() {
        let t = "Tower Hamlets Council has been rated outstanding.\nThe council was given the top grade in all five judgement areas.";
        let mut g = grades(t);
        g.sort();
        assert_eq!(g.len(), 5, "{g:?}");
        assert!(g.iter().all(|r| r.2 == "outstanding"), "{g:?}");
        let t = "Gateshead Council was rated outstanding overall and in each of the other four areas.";
        let g = grades(t);
        assert_eq!(g.len(), 5, "{g:?}");
        let t = "Barnet Council was handed the lowest rating by inspectors.";
        assert_eq!(grades(t), [row("Barnet Council", OVERALL, "inadequate")]);
    }

    /// Units of the given kinds, one per line.
    fn grades_of(lines: &[(&str, UnitKind)]) -> Vec<(String, String, String)> {
        let text: String = lines.iter().map(|(l, _)| *l).collect::<Vec<_>>().join("\n");
        let mut units = Vec::new();
        let mut start = 0;
        for (line, kind) in lines {
            units.push(Unit { start, end: start + line.len(), kind: *kind });
            start += line.len() + 1;
        }
        extract(&text, &units, &Bodies::find_with(&text, &[])).into_iter().map(|g| (g.authority, g.judgement_area.to_string(), g.grade.to_string())).collect()
    }

    #[test]
    fn a_results_table_of_slashes_under_a_header_line() {
        let t = "How the four councils fared (overall / help and protection / children in care / leadership):\nRotherwood Council: good / good / requires improvement to be good / good\nEastmere Council: inadequate / inadequate / inadequate / inadequate\nThe councils were inspected in the spring.";
        let g = grades(t);
        assert_eq!(g.len(), 8, "{g:?}");
        assert!(g.contains(&row("Rotherwood Council", "children in care", "requires improvement to be good")), "{g:?}");
        assert!(g.contains(&row("Rotherwood Council", "leadership", "good")), "{g:?}");
        assert!(g.contains(&row("Eastmere Council", OVERALL, "inadequate")), "{g:?}");
        // a row whose cells do not match the header is not read as the table
        let t = "Results (overall / leadership):\nRotherwood Council: good / good / good";
        assert!(!grades(t).iter().any(|r| r.1 == "leadership"), "{:?}", grades(t));
    }

    #[test]
    fn as_was_another_council_shares_the_grades_of_the_one_before() {
        let t = "Fenwick County Council was rated outstanding in every area, as was Marlow City Council, its partner for a decade. Oakby Council was rated good.";
        let mut g = grades(t);
        g.sort();
        assert_eq!(g.iter().filter(|r| r.0 == "Marlow City Council" && r.2 == "outstanding").count(), 5, "{g:?}");
        assert_eq!(g.iter().filter(|r| r.0 == "Fenwick County Council").count(), 5, "{g:?}");
        assert!(g.contains(&row("Oakby Council", OVERALL, "good")) && !g.iter().any(|r| r.0 == "Marlow City Council" && r.2 == "good"), "{g:?}");
    }

    #[test]
    fn councils_joined_by_and_share_a_plural_verdict() {
        let t = "Ofsted director interview\nShe said Wexcombe County Council and Harlby City Council are both currently rated good.";
        let g = grades(t);
        assert!(g.contains(&row("Wexcombe County Council", OVERALL, "good")) && g.contains(&row("Harlby City Council", OVERALL, "good")), "{g:?}");
        assert!(!g.iter().any(|r| r.0.contains(" and ")), "one name for two councils: {g:?}");
        // a singular verdict stays with the nearest body
        let t = "Wexcombe County Council and Harlby City Council share a director. Harlby City Council was rated good.";
        assert_eq!(grades(t), [row("Harlby City Council", OVERALL, "good")]);
    }

    #[test]
    fn a_body_named_in_an_aside_is_not_the_one_graded() {
        let t = "Kestrel Futures for Children, the company that runs children's services in Thornbury, has been rated inadequate.\nWoodvale Borough Council, Thornbury's neighbour, is currently rated good.\nThornbury Council set up the company in 2019.";
        let g = grades(t);
        assert_eq!(g, [row("Kestrel Futures for Children", OVERALL, "inadequate"), row("Woodvale Borough Council", OVERALL, "good")]);
    }

    #[test]
    fn the_same_grade_for_a_list_that_runs_past_its_clause() {
        let t = "Ashgrove Council has been rated requires improvement to be good.\nInspectors gave the same grade for help and protection, for children in care and for the impact of leaders.";
        let mut g = grades(t);
        g.sort();
        assert_eq!(g.len(), 4, "{g:?}");
        assert!(g.iter().all(|r| r.2 == "requires improvement to be good"), "{g:?}");
        assert!(g.iter().any(|r| r.1 == "leadership") && g.iter().any(|r| r.1 == "children in care"), "{g:?}");
    }

    #[test]
    fn a_grade_word_as_the_subject_of_a_quoted_title_is_not_a_grade() {
        assert!(grades("'Good is not the finish line': an interview with Ofsted's director").is_empty());
        assert!(grades("Outstanding doesn't happen by accident, said Pellham Council's director.").is_empty());
        assert_eq!(grades("Pellham Council was rated 'good'.").len(), 1);
    }

    #[test]
    fn page_furniture_above_the_headline_does_not_make_the_headline_a_body_unit() {
        // a section-link line, then a headline naming the place, then the body naming the council
        let lines = [
            ("Brackley | Sutton Vale | News", UnitKind::Line),
            ("Brackley's children's services judged good across the board", UnitKind::Line),
            ("The Royal Borough of Brackley upon Tees has been rated good in each of the four areas Ofsted assesses.", UnitKind::Sentence),
            ("The London Borough of Sutton Vale, which shares a director with it, is currently rated good.", UnitKind::Sentence),
        ];
        let g = grades_of(&lines);
        assert!(g.contains(&row("Royal Borough of Brackley upon Tees", OVERALL, "good")), "{g:?}");
        assert!(g.contains(&row("London Borough of Sutton Vale", OVERALL, "good")), "{g:?}");
        assert!(g.iter().all(|r| r.0 == "Royal Borough of Brackley upon Tees" || r.0 == "London Borough of Sutton Vale"), "{g:?}");
        // a headline naming a place whose grade the body gives to the body that runs it yields to
        // it, with a line of section links above the headline as on real pages
        let lines = [
            ("Home | News | Local", UnitKind::Line),
            ("Hollins Council services rated good", UnitKind::Line),
            ("Hollins Children First, the company that runs them, was rated good by Ofsted.", UnitKind::Sentence),
        ];
        let g = grades_of(&lines);
        assert_eq!(g, [row("Hollins Children First", OVERALL, "good")]);
    }

    #[test]
    fn regression_a_place_inside_a_longer_body_name_is_not_a_mention_of_its_own() {
        // "Somerset" inside "North Somerset Council" took North Somerset's grades for Somerset
        let t = "Somerset\nSomerset Council was rated good.\nNorth Somerset\nNorth Somerset Council was rated inadequate overall.\nServices for care leavers were also judged inadequate, with some young people not in touch with the council at all.";
        let mut g = grades(t);
        g.sort();
        assert_eq!(g, [row("North Somerset Council", "care leavers", "inadequate"), row("North Somerset Council", OVERALL, "inadequate"), row("Somerset Council", OVERALL, "good")]);
        // nor a gazetteer place inside a body's full name
        let t = "The Royal Borough of Kingston upon Thames was rated good.\nThe London Borough of Richmond upon Thames is currently rated outstanding.";
        let g = grades(t);
        assert!(g.contains(&row("London Borough of Richmond upon Thames", OVERALL, "outstanding")) && g.len() == 2, "{g:?}");
    }

    #[test]
    fn regression_an_area_in_a_later_clause_that_does_not_go_on_the_list_takes_no_grade() {
        // "rated good overall, despite ... child protection work" gave help and protection good
        let t = "Wrenfield Council was rated good overall, despite concerns about delays in its child protection work.\nHelp and protection was judged to require improvement.";
        let mut g = grades(t);
        g.sort();
        assert_eq!(g, [row("Wrenfield Council", "help and protection", "requires improvement to be good"), row("Wrenfield Council", OVERALL, "good")]);
        // the list that does go on still takes the grade
        let t = "Wrenfield Council was rated outstanding overall and for help and protection, children in care, and the impact of leaders.";
        assert_eq!(grades(t).len(), 4, "{:?}", grades(t));
        let t = "Wrenfield Council was rated good overall, and good for help and protection, children in care and leadership.";
        assert_eq!(grades(t).len(), 4, "{:?}", grades(t));
    }

    #[test]
    fn an_area_moved_from_one_grade_to_another_takes_the_new_one() {
        let t = "Inspectors found improvements in work with children in care, which moved from inadequate to requires improvement.";
        assert_eq!(grades(t), [row("", "children in care", "requires improvement to be good")]);
    }

    #[test]
    fn every_area_other_areas_and_the_remaining_ones() {
        let t = "Fenwick County Council kept its outstanding rating, with outstanding judgements in every area.";
        assert_eq!(grades(t).len(), 5, "{:?}", grades(t));
        let t = "Fenwick County Council was rated good overall and in all four other areas, though inspectors asked for closer checks.";
        assert_eq!(grades(t).iter().filter(|r| r.2 == "good").count(), 5, "{:?}", grades(t));
        let t = "Fenwick County Council was rated outstanding overall, with children in care also judged outstanding. Its other three areas were judged good.";
        let g = grades(t);
        assert_eq!(g.iter().filter(|r| r.2 == "good").count(), 3, "{g:?}");
        assert!(g.contains(&row("Fenwick County Council", "children in care", "outstanding")), "{g:?}");
        // social workers "with good judgement" are not a grade
        assert!(grades("Fenwick County Council praised managers with good judgement.").is_empty());
    }

    #[test]
    fn help_for_children_needing_protection_is_help_and_protection() {
        let t = "Fenwick County Council was rated good overall. However, help for children needing protection was rated as requiring improvement.";
        assert!(grades(t).contains(&row("Fenwick County Council", "help and protection", "requires improvement to be good")), "{:?}", grades(t));
    }

    #[test]
    fn a_standing_grade_until_a_reinspection_and_the_council_after_a_named_one() {
        let t = "Monitoring visits do not give a new grade, and Fenwick County Council remains rated inadequate until a full re-inspection.";
        assert_eq!(grades(t), [row("Fenwick County Council", OVERALL, "inadequate")]);
        // after a semicolon the area of the clause before does not carry over, and "the council"
        // is the council the unit named
        let t = "Oakby Council was rated good.\n– Marlow City Council's focused visit on children in care found strong practice; the council remains rated outstanding.";
        let g = grades(t);
        assert!(g.contains(&row("Marlow City Council", OVERALL, "outstanding")), "{g:?}");
        assert!(!g.iter().any(|r| r.1 == "children in care"), "{g:?}");
    }
}
