//! The grade lexicon: judgement areas as articles word them, grade words that are verdicts (not
//! ordinary adjectives), and the markers of history, counts and "the same judgement".

use crate::grade::{Grade, JudgementArea};
use regex::Regex;
use std::sync::LazyLock;

/// Judgement areas as articles word them, most specific first.
pub(super) static AREAS: LazyLock<Vec<(Regex, JudgementArea)>> = LazyLock::new(|| {
    [
        (r"overall effectiveness|\boverall\b", JudgementArea::Overall),
        (r"help(?:ing)? and protect(?:ion|ing)|children (?:who need|in need of) (?:help and )?protection|child protection (?:work|services?)\b|help for children (?:who need|needing)|children needing (?:help and )?protection|\bhelp and protection", JudgementArea::HelpAndProtection),
        (r"care leavers|leaving care", JudgementArea::CareLeavers),
        (r"children in care|children looked after|looked[- ]after children", JudgementArea::ChildrenInCare),
        (r"impact of (?:the )?(?:its |their )?leaders|leadership(?:, management and governance| and management| and governance)?|impact on (?:social work )?practice|leaders (?:were|are|have been) (?:graded|rated|judged)", JudgementArea::Leadership),
        (r"\badoption(?: performance| services?)?", JudgementArea::Adoption),
        (r"(?:local )?safeguarding children(?:'s|’s)? board|\blscb\b|\bsafeguarding board", JudgementArea::SafeguardingBoard),
    ]
    .into_iter()
    .map(|(p, a)| (Regex::new(&format!("(?i){p}")).unwrap(), a))
    .collect()
});

pub(super) static GRADE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(outstanding|good|inadequate|requir(?:es|ed|ing|e)\s+improvement(?:\s+to\s+be\s+good)?|\bRI\b|(?:top|highest|lowest) (?:grade|rating)s?\b)").unwrap()
});

/// Words just before a grade word that make it a judgement ("rated good", "remains outstanding").
pub(super) const GRADE_LEAD: &[&str] = &[
    "rated", "judged", "graded", "be", "as", "remains", "remained", "remain", "is", "are", "was", "were", "now", "still", "been", "received", "given", "achieved", "a", "an", "its", "their", "all", "both", "also", "overall", "to", "retained", "kept", "keeps", "awarded", "into", "from", "out", "of", "found", "deemed", "considered", "assessed", "the", "–", "-", ":", "—", "again", "currently", "already", "consistently",
];
/// Words just after a grade word that keep it a judgement ("good overall", "an outstanding rating").
pub(super) const GRADE_TAIL: &[&str] = &[
    "overall", "for", "in", "at", "by", "and", "across", "rating", "ratings", "grade", "grades", "judgement", "judgements", "judgment", "verdict", "with", "after", "following", "since", "from", "again", "or", "but", "to", "when", "while", "as", "it", "on", "last", "this", "two", "three", "four", "five", "too", "today", "until",
];

/// Markers that a clause reports an earlier inspection.
pub(super) static HISTORY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:last|previous(?:ly)?|prior|earlier|once (?:rated|judged|regarded|described|deemed)|ago|former(?:ly)?|most recent|no longer|had (?:been|rated|judged)|before|since being|in (?:19|20)\d\d|(?:19|20)\d\d (?:inspection|report|visit)|was last|when it was|when they were|out of|up from|down from|improv\w+ from|mov\w+ (?:up )?from|rise from|climb\w* from)\b").unwrap()
});
/// Markers of history that only count before the grade: "since it was judged inadequate" (but
/// "rated good, the first time since 2010" is current).
pub(super) static HISTORY_BEFORE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\b(?:(?:has|have) since|since|(?:months|years|weeks) after|after (?:it|they) (?:was|were))\b").unwrap());

/// History only before the grade; "has since moved up to good" is the adverb, and current.
pub(super) fn history_before(stretch: &str) -> bool {
    HISTORY_BEFORE.find_iter(stretch).any(|m| !m.as_str().to_lowercase().ends_with(" since"))
}

/// A sentence that opens in the past sets every grade in it in the past, up to a clause that
/// comes back to now: "In 2015 every area was inadequate apart from adoption, which was judged
/// to require improvement".
pub(super) static PAST_FRAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\W*(?:(?:back )?in (?:19|20)\d\d\b|(?:at|in|during) (?:its|the|their) (?:last|previous|earlier|former) inspection|(?:two|three|four|five|six|several|\d+) years ago\b)").unwrap()
});
pub(super) static BACK_TO_NOW: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\b(?:now|this time|latest|today|currently)\b").unwrap());
/// Verbs that make a following grade word a judgement, a few words on ("judged the council good").
pub(super) const RATING_VERBS: &[&str] = &["rated", "judged", "graded", "found", "deemed", "assessed", "considered", "kept", "retained", "held", "rates", "judges", "rate", "judge"];

/// "four of the five areas were good".
pub(super) static COUNTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(two|three|four|five|six|2|3|4|5|6) of (?:the |its |their )?(?:five|four|six|5|4|6)?\s*(?:[\w’']+ )?(?:judgement|judgment|key|inspection)?\s*(?:areas|judgements|judgments|categories|areas inspected)").unwrap()
});

/// A grade by reference to the one before: "received the same judgement", "was rated the same".
pub(super) static SAME_GRADE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:the same (?:judgement|judgment|grade|rating|verdict)|(?:rated|judged|graded) the same)\b").unwrap()
});

/// Some areas without naming them: "two areas were judged outstanding", "the remaining judgements".
pub(super) static PARTIAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:one|two|three|four|some|several|other|remaining|\d) (?:[\w’']+ )?(?:areas|judgements|judgments)\b").unwrap()
});

/// The grade a matched grade word stands for ("RI", "requiring improvement" -> requires improvement).
pub(super) fn normalise_grade(raw: &str) -> Grade {
    let l = raw.to_lowercase();
    // "the top grade" is outstanding and "the lowest rating" inadequate, in Ofsted's four-point scale
    if l.starts_with("outstanding") || l.starts_with("top ") || l.starts_with("highest ") {
        Grade::Outstanding
    } else if l.starts_with("lowest ") {
        Grade::Inadequate
    } else if l.starts_with("good") {
        Grade::Good
    } else if l.starts_with("inadequate") {
        Grade::Inadequate
    } else {
        Grade::RequiresImprovement
    }
}

#[derive(Debug, Clone)]
pub(super) struct Hit {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) area: JudgementArea,
}

/// Judgement areas in a clause, non-overlapping, most specific first.
pub(super) fn areas_in(clause: &str) -> Vec<Hit> {
    let mut hits: Vec<Hit> = Vec::new();
    for (re, area) in AREAS.iter() {
        for m in re.find_iter(clause) {
            if hits.iter().any(|h| m.start() < h.end && h.start < m.end()) {
                continue;
            }
            hits.push(Hit { start: m.start(), end: m.end(), area: *area });
        }
    }
    hits.sort_by_key(|h| h.start);
    hits
}

pub(super) fn words_before(s: &str, n: usize) -> Vec<String> {
    s.split_whitespace().rev().take(n).map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && !"–-:—".contains(c)).to_lowercase()).collect()
}

/// Ofsted's four-point scale, as older reports and fact boxes give it: 1 outstanding ... 4 inadequate.
fn scale(digit: &str) -> Option<Grade> {
    match digit {
        "1" => Some(Grade::Outstanding),
        "2" => Some(Grade::Good),
        "3" => Some(Grade::RequiresImprovement),
        "4" => Some(Grade::Inadequate),
        _ => None,
    }
}

/// A grade given by number: "graded 3", "given a grade 2 judgement", "a grade of 4".
static NUMBER_GRADE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\b(?:graded|grade of|(?:a|the|its) grade|awarding it a grade|given a grade|received a grade)\s+([1-4])\b").unwrap());

/// A fact box's line defining the scale ("Grade 1: Outstanding"): no grade of anyone.
pub(super) static SCALE_LINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)^\W*grade\s+[1-4]\s*(?:[:–—=-]|\(|is\b|means\b)").unwrap());

/// Grade words in a clause that are judgements, not ordinary adjectives ("good progress"); a
/// number grade counts after a grading verb, or alone in a table cell ("Adoption performance: 1").
pub(super) fn grades_in(clause: &str, bullet_line: bool) -> Vec<(usize, usize, Grade)> {
    let mut out: Vec<(usize, usize, Grade)> = NUMBER_GRADE.captures_iter(clause).filter_map(|c| c.get(1).and_then(|m| scale(m.as_str()).map(|g| (m.start(), m.end(), g)))).collect();
    let cell = clause.trim().trim_end_matches('.');
    if bullet_line && cell.len() == 1 {
        if let Some(g) = scale(cell) {
            let at = clause.find(cell).unwrap_or(0);
            out.push((at, at + 1, g));
        }
    }
    for m in GRADE_WORD.find_iter(clause) {
        let text = m.as_str();
        let before = &clause[..m.start()];
        let after = &clause[m.end()..];
        let quoted = before.ends_with(['\'', '‘', '"', '“']) || after.starts_with(['\'', '’', '"', '”']);
        let lead = words_before(before, 1).first().cloned().unwrap_or_default();
        let next = after.split_whitespace().next().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()).unwrap_or_default();
        let ends_clause = after.trim_start().is_empty() || after.trim_start().starts_with(['.', ',', ';', ')', '’', '\'', '"', '”', '!', '?']);
        let requires = text.to_lowercase().starts_with("requir");
        if text == "RI" && !quoted && !bullet_line && !GRADE_LEAD.contains(&lead.as_str()) {
            continue;
        }
        let near = words_before(before, 2);
        if near.iter().any(|w| matches!(w.as_str(), "not" | "never" | "no" | "nor")) {
            continue; // "were not good", "no longer inadequate" is history anyway
        }
        // the grade as a subject, not a verdict: "'Good is not the ceiling'"
        let opens = before.trim_end().is_empty() || before.trim_end().ends_with(['\'', '‘', '"', '“']);
        if opens && matches!(next.as_str(), "is" | "isn't" | "was" | "means" | "does" | "doesn't") && !after.trim_start().starts_with(['’', '\'', '"', '”']) {
            continue;
        }
        let rated = words_before(before, 7).iter().any(|w| RATING_VERBS.contains(&w.as_str()));
        // "all four judgement areas good", "care leavers good": an area or area count right before
        let areas_before = areas_in(before);
        let area_lead = matches!(lead.as_str(), "areas" | "area" | "judgements") || areas_before.last().is_some_and(|a| before[a.end..].trim().is_empty());
        // "with outstanding judgements in every area" (not "with good judgement")
        let with_grades = lead == "with" && matches!(next.as_str(), "judgements" | "judgments" | "ratings" | "grades");
        let led = GRADE_LEAD.contains(&lead.as_str()) || quoted || bullet_line || rated || area_lead || with_grades;
        // after a bare "is"/"was" with nothing graded in sight, only a clause end or a grade noun
        // makes it a verdict: not "the news was good for the children"
        let weak = matches!(lead.as_str(), "is" | "are" | "was" | "were" | "be" | "been") && !rated && !quoted && !bullet_line && areas_before.is_empty();
        let tailed = if weak { ends_clause || matches!(next.as_str(), "overall" | "rating" | "grade" | "judgement" | "verdict" | "again") } else { ends_clause || GRADE_TAIL.contains(&next.as_str()) || quoted };
        // "requires improvement" is a grade in a judgement context or in full ("... to be good"),
        // not "areas requiring improvement" or "requires improvement in planning"
        let full = text.to_lowercase().ends_with("to be good");
        let described = matches!(lead.as_str(), "areas" | "area" | "aspects" | "which" | "that" | "things" | "practice" | "work");
        let requires_grade = requires && (full || led && !described && next != "in");
        if requires_grade || !requires && led && tailed {
            out.push((m.start(), m.end(), normalise_grade(text)));
        }
    }
    out.sort_by_key(|g| g.0);
    // "graded 3, which means requires improvement": one grade, said twice
    out.dedup_by(|b, a| a.2 == b.2 && a.1 <= b.0 && b.0 - a.1 <= 40 && !clause[a.1..b.0].contains(['.', ';']));
    out
}

