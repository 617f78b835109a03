//! What the words around one mention say about the person: role phrases before and after the
//! name, parentheses (ward, party), relative clauses, copulas, bylines and photo credits.

use crate::rules::lexicon::{singular_title, TITLES};
use regex::Regex;
use std::sync::LazyLock;

pub(super) const PARTIES: &[&str] = &["Labour", "Conservative", "Liberal Democrat", "Liberal Democrats", "Lib Dem", "Green", "Green Party", "Independent", "Reform UK", "Reform", "Plaid Cymru", "SNP", "Con", "Lab", "Ind"];

/// Words that make a phrase a role ("director of children's services", "council leader").
pub(super) static ROLE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(director|leader|member|councillor|executive|inspector|chair|chairman|chairwoman|chairperson|head|manager|officer|minister|secretary|commissioner|lead|mayor|spokes(?:person|man|woman|people)|reporter|journalist|correspondent|editor|photographer|mp|chief|holder|president|founder|partner|consultant|principal|worker|governor|assistant|advisor|adviser|coordinator|campaigner|carer|parent|mother|father|superintendent|inspector|constable|scrutineer|organiser|academic|student|team|leaver|trustee|convenor|cabinet)\b").unwrap()
});
pub(super) static OFFICIAL_ROLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(chair\w* of the (?:[\w'’-]+ )*(?:board|trust|partnership|panel|committee)|author of .*\b(?:review|inquiry|investigation|audit)|council|councillor|cabinet|director|leader|chief executive|inspector|ofsted|minister|secretary of state|mayor|commissioner|safeguarding|scrutiny|scrutineer|corporate parenting|lead member|portfolio holder|children's services|children’s services|trust|MP|superintendent|constable|communications)\b").unwrap()
});
pub(super) static NOT_OFFICIAL_ROLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(reporter|journalist|correspondent|editor|photographer|image|democracy reporting|parent|mother|father|carer|leaver|campaigner|student|charity|union|branch|academic|school|former|youth worker|children in care council|forum|agency|organiser|national officer)\b").unwrap()
});
/// A body named inside a role phrase: "at Barnsley Council", "of Ofsted", "for the Department for Education".
pub(super) static ORG_IN_ROLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bat[ \t]+((?:the[ \t]+)?[A-Z]{3,}\b|(?:the[ \t]+)?[A-Z][\w'’&-]*(?:[ \t]+(?:(?:and|of|for|upon)[ \t]+)?[A-Z][\w'’&-]*)*)|\b(?:at|of|for|from|with)[ \t]+((?:the[ \t]+)?(?:[A-Z][\w'’&-]*[ \t]+(?:(?:and|of|for|upon)[ \t]+)?)*(?:Council|Trust|Ofsted|Education|Partnership|Children First|Together for Children|Achieving for Children|Agency|NHS|Board|Department|Government|Association|Union|Commission|Police|Constabulary|Service|University|Unison))\b").unwrap()
});
/// Verbs and joiners that end an apposition or start the phrase before a name.
pub(super) const VERBS: &[&str] = &[
    "said", "says", "say", "told", "tells", "added", "adds", "described", "describes", "warned", "warns", "admitted", "admits", "asked", "asks", "called", "calls", "welcomed", "welcomes", "thanked",
    "thanks", "praised", "praises", "insisted", "explained", "stressed", "accepted", "acknowledged", "noted", "claimed", "argued", "replied", "responded", "commented", "wrote", "stated", "confirmed",
    "announced", "urged", "pointed", "promised", "hailed", "branded", "believes", "believed", "agreed", "spoke", "speaking", "has", "had", "is", "was", "will", "would", "led", "met", "paid", "gave",
];
pub(super) const CUT_BEFORE: &[&str] = &["by", "and", "with", "to", "from", "according", "when", "as", "that", "while", "but", "pictured", "on", "after", "before"];

/// Text stops (quotes, sentence punctuation, brackets, dashes) that bound a role phrase.
pub(super) const HARD_STOPS: &[char] = &['.', ';', ':', '!', '?', '"', '“', '”', '‘', '(', ')', '–', '—', '\n'];

pub(super) fn is_verb(word: &str) -> bool {
    let w = word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    VERBS.contains(&w.as_str())
}

pub(super) fn title_before(text: &str, start: usize) -> Option<(&'static str, usize)> {
    let before = text[..start].trim_end();
    let word_start = before.char_indices().rev().find(|&(_, c)| c.is_whitespace() || c == '(' || c == '“' || c == '"').map_or(0, |(i, c)| i + c.len_utf8());
    let word = before[word_start..].trim_end_matches('.');
    // "Cllrs Rasheed and Hollingworth": each is a Cllr
    TITLES.iter().find(|t| **t == word).copied().or_else(|| singular_title(word)).map(|t| (t, word_start))
}

/// What one mention's sentence says about the person.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct Reading {
    pub(super) role: Option<String>,
    /// A body named with the role: possessor ("Ofsted's"), "at X", or a byline's outlet.
    pub(super) org: Option<String>,
    pub(super) ward: Option<String>,
    pub(super) party: Option<String>,
}

/// Strip determiners and a possessor from a role phrase: "the council's cabinet member" ->
/// ("cabinet member", Some("council")); "Bradford Council's portfolio holder" -> (.., "Bradford Council").
pub(super) fn role_and_possessor(phrase: &str) -> (String, Option<String>) {
    let mut words: Vec<&str> = phrase.split_whitespace().collect();
    while let Some(w) = words.first() {
        if matches!(w.to_lowercase().as_str(), "the" | "a" | "an" | "both" | "its" | "their" | "his" | "her" | "also" | "now" | "then") {
            words.remove(0);
        } else {
            break;
        }
    }
    let mut org = None;
    // a possessor comes before the role word: "Wigan's director of children's services"
    let first_role = words.iter().position(|w| ROLE_WORD.is_match(w)).unwrap_or(words.len());
    if let Some(i) = words[..first_role.min(6)].iter().position(|w| w.ends_with("'s") || w.ends_with("’s") || w.ends_with("s'") || w.ends_with("s’")) {
        let owner_ok = words[..i].iter().all(|w| w.starts_with(|c: char| c.is_uppercase()) || matches!(w.to_lowercase().as_str(), "city" | "county" | "borough" | "council" | "and" | "of" | "for" | "upon"));
        // "children's services director": a common noun, not a body that owns the role
        let common = matches!(words[i].to_lowercase().replace('’', "'").as_str(), "children's" | "people's" | "families'" | "children'" | "women's" | "parents'");
        let majesty = words[i].starts_with("Majesty") || common;
        if owner_ok && !majesty && i + 1 < words.len() {
            let mut owner: Vec<&str> = words[..=i].to_vec();
            let last = owner.pop().unwrap();
            let last = last.trim_end_matches("'s").trim_end_matches("’s").trim_end_matches(['\'', '’']);
            owner.push(last);
            let owner = owner.join(" ");
            // "Labour's lead member": a party is not the body the role belongs to
            if !PARTIES.iter().any(|p| p.eq_ignore_ascii_case(&owner)) {
                org = Some(owner);
            }
            words.drain(..=i);
        }
    }
    // a proper-noun prefix names the body: "Unison branch secretary", "Isle of Wight director of ..."
    if org.is_none() {
        let first_role = words.iter().position(|w| ROLE_WORD.is_match(w)).unwrap_or(0);
        let proper = |w: &&str| {
            let l = w.to_lowercase();
            w.starts_with(|c: char| c.is_uppercase()) && !ROLE_MODIFIERS.contains(&l.as_str()) && !COMMON_PREFIXES.contains(&l.as_str()) || matches!(*w, "of" | "and" | "upon")
        };
        let run = words[..first_role].iter().take_while(|w| proper(w)).count();
        let party = |n: usize| PARTIES.iter().any(|p| p.split_whitespace().count() == n && p.eq_ignore_ascii_case(&words[..n].join(" ")));
        if run > 0 && words[0].starts_with(|c: char| c.is_uppercase()) && !(1..=run.min(2)).any(party) {
            org = Some(words[..run].join(" "));
        }
    }
    (words.join(" ").trim_matches(|c: char| c == ',' || c.is_whitespace()).to_string(), org)
}

/// Capitalised at the start of a sentence, but describing the person, not a body ("Care leaver").
pub(super) const COMMON_PREFIXES: &[&str] = &["care", "foster", "youth", "social", "family", "community", "health", "school", "support", "residential", "parent", "young"];

/// Capitalised words that begin role phrases without naming a body ("Executive director").
pub(super) const ROLE_MODIFIERS: &[&str] = &[
    "executive", "corporate", "deputy", "assistant", "senior", "interim", "acting", "lead", "strategic", "regional", "national", "local", "chief", "cabinet", "former", "elected", "independent",
    "detective", "group", "principal", "joint", "service", "his", "her", "majesty's", "majesty’s", "director", "democracy", "education", "children's", "children’s", "opposition", "shadow", "north", "south", "east", "west", "city", "county",
];

/// Role phrase ending right before the name (and its title): "council leader Cllr Name",
/// "Ofsted's regional director, Name", "Executive director for children, young people and education Name".
pub(super) fn role_before(head: &str) -> Option<(String, Option<String>)> {
    let head = head.trim_end();
    let head = head.strip_suffix(',').unwrap_or(head).trim_end();
    // "the chief executive Mo Ali and Cllr Hale": the role belongs to someone else
    if head.rsplit(char::is_whitespace).next().is_some_and(|w| CUT_BEFORE.contains(&w.to_lowercase().as_str()) || is_verb(w)) {
        return None;
    }
    let cut = head.rfind(HARD_STOPS).map_or(0, |i| i + head[i..].chars().next().map_or(1, char::len_utf8));
    let stretch = &head[cut..];
    // comma-separated segments: the role starts in the last one that holds a role word; the
    // segments after it continue a list ("children, young people and education")
    let segments: Vec<&str> = stretch.split(',').collect();
    let at = segments.iter().rposition(|s| ROLE_WORD.is_match(s))?;
    if segments[at + 1..].iter().any(|s| s.split_whitespace().any(is_verb)) {
        return None;
    }
    let seg = segments[at];
    let words: Vec<&str> = seg.split_whitespace().collect();
    // within the head segment, cut after the last verb or joiner before the role word
    let first_role = words.iter().position(|w| ROLE_WORD.is_match(w)).unwrap_or(0);
    let from = words[..first_role].iter().rposition(|w| is_verb(w) || CUT_BEFORE.contains(&w.to_lowercase().as_str())).map_or(0, |p| p + 1);
    // "The letter credits the trust's chief executive": the role's own determiner opens it
    let cut_at = words[from..first_role].iter().rposition(|w| matches!(w.to_lowercase().as_str(), "the" | "a" | "an")).map(|p| from + p);
    // ... and a body named before it is the role's: "The Department for Education appointed an adviser"
    let body_before = cut_at.filter(|&c| c > from).and_then(|c| BODY_BEFORE.find(&words[from..c].join(" ")).map(|m| m.as_str().to_string()));
    let from = cut_at.unwrap_or(from);
    let mut phrase = words[from..].join(" ");
    for s in &segments[at + 1..] {
        phrase.push(',');
        phrase.push_str(s);
    }
    let n_words = phrase.split_whitespace().count();
    let (role, org) = role_and_possessor(&phrase);
    let org = org.or(body_before);
    (n_words <= 14 && !role.is_empty() && ROLE_WORD.is_match(&role)).then_some((role, org))
}

/// A body by name, as the subject before a role: "The Department for Education appointed an adviser".
static BODY_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:Department|Ministry) for [A-Z][a-z]+(?: and [A-Z][a-z]+)*|Ofsted|Home Office|(?:[A-Z][\w’'-]+ )+(?:Council|Trust|Partnership|Board)\b").unwrap()
});

/// Role from a relative clause: "who chairs the scrutiny board" -> "chair of the scrutiny board".
pub(super) fn relative_clause(clause: &str) -> Option<String> {
    let clause = clause.trim();
    let lower = clause.to_lowercase();
    if let Some(rest) = lower.strip_prefix("whose ") {
        let kin = ["son", "daughter", "child", "children", "grandson", "granddaughter", "baby", "stepson", "stepdaughter"];
        return rest.split_whitespace().take(3).any(|w| kin.contains(&w.trim_matches(|c: char| !c.is_alphanumeric()))).then(|| "parent".to_string());
    }
    let rest = clause.strip_prefix("who ")?.trim();
    let rest = rest.strip_prefix("now ").or_else(|| rest.strip_prefix("also ")).unwrap_or(rest);
    // "who has been the trust's chief executive since 2019", "who has led the council"
    let rest = match rest.strip_prefix("has ").or_else(|| rest.strip_prefix("have ")) {
        Some(r) => r.strip_prefix("been ").map_or_else(|| r.to_string(), |b| format!("is {b}")),
        None => rest.to_string(),
    };
    let (verb, obj) = rest.split_once(' ').unwrap_or((&rest, ""));
    let obj = undated(obj.trim());
    let role = match verb {
        "chairs" | "chaired" => format!("chair of {obj}"),
        "wrote" | "writes" | "authored" => format!("author of {}", obj.trim_start_matches("a ").trim_start_matches("the ")),
        "sit" | "sits" | "sat" if obj.starts_with("on ") => format!("member of {}", &obj[3..]),
        "share" | "shares" => format!("shares {obj}"),
        "leads" | "led" => format!("leader of {obj}"),
        // "who holds the children's services portfolio on the Labour-run council"
        "hold" | "holds" | "held" if obj.contains("portfolio") => format!("holder of {}", singular(obj.split(" on the ").next().unwrap_or(obj).split(" at ").next().unwrap_or(obj))),
        "heads" | "headed" => format!("head of {obj}"),
        "runs" | "ran" | "founded" | "manages" => format!("{verb} {obj}"),
        "is" | "was" | "became" => role_and_possessor(obj).0,
        "left" | "has" if lower.contains("left care") => "care leaver".into(),
        "fosters" | "has" if lower.contains("foster") => "foster carer".into(),
        _ => return None,
    };
    (!role.is_empty()).then_some(role)
}

/// A role phrase without a date after it: "chief executive since 2019" -> "chief executive".
fn undated(phrase: &str) -> &str {
    static DATE_TAIL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s+(?:since|in|from|until)\s+(?:(?:19|20)\d\d|last|early|late|the)\b.*$").unwrap());
    DATE_TAIL.find(phrase).map_or(phrase, |m| &phrase[..m.start()])
}

/// A role said of a list, for each of its people: "the opposition's children's spokespeople" ->
/// "... spokesperson", "holders of the portfolios" -> "holder of the portfolio".
pub(super) fn singular(role: &str) -> String {
    role.split(' ')
        .map(|w| match w {
            "spokespeople" => "spokesperson".to_string(),
            "people" => "person".to_string(),
            _ if w.len() > 4 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("'s") && !w.ends_with("’s") && (ROLE_WORD.is_match(&w[..w.len() - 1]) || w == "portfolios") => w[..w.len() - 1].to_string(),
            _ => w.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text after the name: parenthesis, apposition, relative clause, or "is the ...".
pub(super) fn read_after(post: &str, r: &mut Reading) {
    let mut post = post;
    if let Some(inner) = post.trim_start().strip_prefix('(') {
        if let Some(close) = inner.find(')') {
            let bracket = inner[..close].trim();
            read_parenthesis(bracket, r);
            post = &inner[close + 1..];
            // a Commons speaker label: "Name (Constituency) (Party):"
            let second = post.trim_start().strip_prefix('(').and_then(|i| i.find(')').map(|c| (&i[..c], &i[c + 1..])));
            if let Some((party, _)) = second.filter(|(p, rest)| PARTIES.iter().any(|q| q.eq_ignore_ascii_case(p.trim())) && rest.trim_start().starts_with(':')) {
                if r.party.is_none() && r.role.is_none() && bracket.starts_with(|c: char| c.is_uppercase()) && !ROLE_WORD.is_match(bracket) {
                    r.role = Some(format!("MP for {bracket}"));
                    r.org = Some("House of Commons".into());
                    r.party = Some(party.trim().to_string());
                    return;
                }
            }
            // "Megan Lloyd (Democratic Services Officer)", "Cllrs Ann Hale (Chair), ...": a role in brackets
            if r.party.is_none() && r.role.is_none() && bracket.split_whitespace().count() <= 8 && ROLE_WORD.is_match(bracket) {
                let (role, org) = split_organisation(bracket);
                r.role = Some(role);
                r.org = r.org.take().or(org);
            }
        }
    }
    let copula = ["is now ", "is also ", "has been ", "has become ", "who is ", "who was ", "is ", "was ", "became ", "becomes "];
    let trimmed = post.trim_start();
    if let Some(rest) = copula.iter().find_map(|c| trimmed.strip_prefix(c)) {
        if r.role.is_none() && !trimmed.starts_with("who") {
            let stop = rest.find(HARD_STOPS).unwrap_or(rest.len());
            let phrase = rest[..stop].split(',').next().unwrap_or("");
            let mut words: Vec<&str> = phrase.split_whitespace().take_while(|w| !is_verb(w) && !matches!(*w, "who" | "which" | "that") && !w.starts_with(|c: char| c.is_ascii_digit())).collect();
            // "became regional director in 2019": the date is not part of the role
            while words.last().is_some_and(|w| matches!(*w, "in" | "since" | "from" | "on" | "after" | "until")) {
                words.pop();
            }
            let phrase = words.join(" ");
            let opens_role = |w: &&str| matches!(w.to_lowercase().as_str(), "the" | "a" | "an") || w.ends_with("'s") || w.ends_with("’s") || ROLE_WORD.is_match(w);
            // "became Westford City Council's director": a capitalised possessor of up to five words
            let possessor = words.iter().take(5).position(|w| w.ends_with("'s") || w.ends_with("’s")).is_some_and(|p| words[..=p].iter().all(|w| w.starts_with(|c: char| c.is_uppercase())));
            if words.len() <= 12 && (words.first().is_some_and(opens_role) || possessor) && ROLE_WORD.is_match(&phrase) {
                let (role, org) = role_and_possessor(&phrase);
                r.role = Some(role);
                r.org = r.org.take().or(org);
            }
        }
        return;
    }
    // "appointed Sir Name as commissioner for X, with ...": the role given by the appointment
    if let Some(rest) = post.strip_prefix(" as ") {
        let stop = rest.find(HARD_STOPS).unwrap_or(rest.len());
        let phrase = rest[..stop].split(',').next().unwrap_or("").trim();
        let words: Vec<&str> = phrase.split_whitespace().take_while(|w| !is_verb(w) && !matches!(*w, "who" | "which" | "that" | "to" | "after" | "in")).collect();
        let phrase = words.join(" ");
        if r.role.is_none() && words.len() <= 10 && ROLE_WORD.is_match(&phrase) {
            let (role, org) = role_and_possessor(&phrase);
            r.role = Some(role);
            r.org = r.org.take().or(org);
        }
        return;
    }
    if let Some(body) = post.strip_prefix(" of ").or_else(|| post.strip_prefix(" at ")) {
        let words: Vec<&str> = body.split_whitespace().take_while(|w| w.starts_with(|c: char| c.is_uppercase()) || matches!(*w, "of" | "and" | "for")).collect();
        if !words.is_empty() {
            r.org.get_or_insert_with(|| words.join(" ").trim_end_matches([',', '.']).to_string());
        }
        return;
    }
    let Some(rest) = post.strip_prefix(',').or_else(|| post.strip_prefix(" –")).or_else(|| post.strip_prefix(" -")).or_else(|| post.strip_prefix(" —")) else { return };
    let stop = rest.find(HARD_STOPS).unwrap_or(rest.len());
    let stretch = &rest[..stop];
    let mut segments: Vec<&str> = stretch.split(',').map(str::trim).collect();
    // an age ("Jordan Pell, 20, who ...") is not a role
    while segments.first().is_some_and(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())) {
        segments.remove(0);
    }
    let Some(first) = segments.first().copied() else { return };
    if first.starts_with("who ") || first.starts_with("whose ") {
        if r.role.is_none() {
            r.role = relative_clause(first);
            r.org = r.org.take().or_else(|| named_body_in(first));
        }
        return;
    }
    // the apposition runs until a verb, a relative clause, or a segment that is not a list item
    let mut parts: Vec<&str> = Vec::new();
    for (i, seg) in segments.iter().enumerate() {
        // words with their byte offsets, so the cut lands on the verb itself ("is" is inside "this")
        let words: Vec<(usize, &str)> = seg.split_whitespace().map(|w| (w.as_ptr() as usize - seg.as_ptr() as usize, w)).collect();
        let verb_at = words.iter().position(|(_, w)| is_verb(w) || *w == "who" || *w == "which");
        let kept = &seg[..verb_at.map_or(seg.len(), |v| words[v].0)];
        // "Name, cabinet member for children, 3 March 2024": a date ends the apposition
        let dated = seg.starts_with(|c: char| c.is_ascii_digit()) || MONTHS.iter().any(|m| seg.starts_with(m) && seg[m.len()..].trim_start().starts_with(|c: char| c.is_ascii_digit()));
        if i > 0 && (kept.trim().is_empty() || dated || ROLE_WORD.is_match(kept) && !kept.trim_start().starts_with("and ")) {
            break;
        }
        parts.push(kept.trim());
        if verb_at.is_some() {
            break;
        }
    }
    let phrase = parts.join(", ");
    let phrase = phrase.trim_matches(|c: char| c == ',' || c.is_whitespace());
    if phrase.is_empty() || phrase.split_whitespace().count() > 16 {
        return;
    }
    // "Cllr Name, of the Liberal Democrat group,": a party, not a body
    if let Some(party) = phrase.strip_prefix("of the ").and_then(|p| p.strip_suffix(" group")).filter(|p| PARTIES.iter().any(|q| q.eq_ignore_ascii_case(p))) {
        r.party.get_or_insert_with(|| party.to_string());
        return;
    }
    // "credits the chief executive, Name, with building a team": a phrase, not a role
    let preposition = phrase.split_whitespace().next().is_some_and(|w| matches!(w, "with" | "after" | "to" | "for" | "in" | "over" | "about" | "by" | "from" | "during"));
    if ROLE_WORD.is_match(phrase) && !preposition {
        if r.role.is_none() {
            let (role, org) = role_and_possessor(phrase);
            let (role, org_in) = split_organisation(&role);
            r.role = Some(role);
            r.org = r.org.take().or(org_in).or(org);
        }
    } else if let Some(body) = ["of ", "at "].iter().find_map(|p| phrase.strip_prefix(p)).filter(|b| b.starts_with(|c: char| c.is_uppercase())) {
        r.org.get_or_insert_with(|| body.to_string());
    } else if phrase.starts_with(|c: char| c.is_uppercase()) && r.org.is_none() {
        // "By Name, Local Democracy Reporting Service": an outlet or body, not a role
        r.org = Some(phrase.to_string());
    }
}

const MONTHS: &[&str] = &["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// Documents whose author a "by Name" after them names ("the review, by Dr Name").
const DOCUMENTS: &[&str] = &["review", "report", "study", "investigation", "inquiry", "audit", "analysis"];

/// The role a "... by Name" construction gives: the author of a document just named, or the
/// chair or leader of the sentence's subject ("The improvement board is chaired by Name").
pub(super) fn by_phrase_role(pre: &str) -> Option<String> {
    let pre = pre.trim_end();
    let title_cut = pre.rsplit_once(char::is_whitespace).filter(|(_, w)| TITLES.contains(&w.trim_end_matches('.'))).map_or(pre, |(h, _)| h.trim_end());
    let head = title_cut.strip_suffix(" by")?.trim_end().trim_end_matches(',');
    let last = head.rsplit(char::is_whitespace).next()?.to_lowercase();
    if DOCUMENTS.contains(&last.as_str()) {
        return Some(format!("author of the {last}"));
    }
    let (subject, kind) = [(" is chaired", "chair"), (" was chaired", "chair"), (" is led", "leader"), (" was led", "leader"), (" is headed", "head"), (" was headed", "head")].iter().find_map(|(v, k)| head.strip_suffix(v).map(|s| (s, *k)))?;
    let cut = subject.rfind(HARD_STOPS).map_or(0, |i| i + 1);
    let subject = subject[cut..].trim();
    let subject = subject.strip_prefix("The ").map_or_else(|| subject.to_string(), |s| format!("the {s}"));
    (!subject.is_empty() && subject.split_whitespace().count() <= 10).then(|| format!("{kind} of {subject}"))
}

/// "(Ward, Party)", "(Party)", "(Party, Ward)".
pub(super) fn read_parenthesis(inner: &str, r: &mut Reading) {
    let parts: Vec<&str> = inner.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
    let is_party = |p: &str| PARTIES.iter().any(|q| q.eq_ignore_ascii_case(p));
    if parts.is_empty() || parts.len() > 2 || !parts.iter().any(|p| is_party(p)) {
        return;
    }
    for p in parts {
        if is_party(p) {
            r.party = Some(p.to_string());
        } else if p.starts_with(|c: char| c.is_uppercase()) {
            r.ward = Some(p.to_string());
        }
    }
}

/// "the union Unison", "the advocacy charity Parents Together Bradford": a kind of body, then its name.
pub(super) static KIND_THEN_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:union|charity|campaign|group|organisation|organization|network|institute|association|forum|firm|company|agency|federation|society)[ \t]+([A-Z][\w'’&-]*(?:[ \t]+(?:[A-Z][\w'’&-]*|of|and|for))*)").unwrap()
});

pub(super) fn named_body_in(phrase: &str) -> Option<String> {
    let c = KIND_THEN_NAME.captures(phrase)?;
    let name = c[1].trim().trim_end_matches(" of").trim_end_matches(" and").trim_end_matches(" for").trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// Split "director of children's services at Barnsley Council" into role and named body.
pub(super) fn split_organisation(role: &str) -> (String, Option<String>) {
    if let Some(c) = ORG_IN_ROLE.captures(role) {
        let m = c.get(0).unwrap();
        let org = c.get(1).or_else(|| c.get(2)).unwrap().as_str().trim_start_matches("the ").to_string();
        if m.as_str().starts_with("at ") || m.as_str().starts_with("from ") || m.as_str().starts_with("with ") {
            return (role[..m.start()].trim().trim_end_matches(',').to_string(), Some(org));
        }
        return (role.to_string(), Some(org));
    }
    (role.to_string(), named_body_in(role))
}

/// Everything one mention's sentence says: `name_start` includes the title, `name_end` any post-nominal.
pub(super) fn read_mention(sentence: &str, name_start: usize, name_end: usize) -> Reading {
    let mut r = Reading::default();
    let pre = &sentence[..name_start];
    let pre_t = pre.trim_end();
    let lower = pre_t.to_lowercase();
    // bylines and photo credits
    let credit = ["image:", "image source:", "photo:", "picture:", "pictures:", "photograph:", "photographs:", "credit:", "photo by", "picture by", "pictures by", "photographs by", "photography by", "images:", "photographer:"];
    let starts_credit = credit.iter().any(|c| sentence.trim_start().to_lowercase().starts_with(c.trim_end_matches(':')));
    // a byline is the whole of its line or of its field in a "date | By Name" line
    let field = lower.rsplit(['|', '·', '•', '\n']).next().unwrap_or("").trim();
    let byline = [("by", "reporter"), ("words by", "reporter"), ("words:", "reporter"), ("report by", "reporter"), ("reporting by", "reporter"), ("written by", "reporter"), ("text by", "reporter"), ("reporter:", "reporter"), ("interview by", "interviewer"), ("interview:", "interviewer")];
    let fallback = if credit.iter().any(|c| lower.ends_with(c)) || starts_credit && pre_t.ends_with('(') {
        Some("photographer")
    } else {
        byline.iter().find(|(b, _)| field == *b).map(|(_, role)| *role)
    };
    // "the review, by Dr Name": the author of a document; "the board is chaired by Name": its chair
    let by_role = by_phrase_role(pre_t);
    // "The Minister for Children and Families (Name):": the role, then the name in brackets
    if by_role.is_none() && pre_t.ends_with('(') && sentence[name_end..].trim_start().starts_with(')') {
        let head = pre_t.trim_end_matches('(').trim_end();
        let line = &head[head.rfind(['\n', '.', ':', '?', '!']).map_or(0, |i| i + 1)..];
        let phrase = line.trim().trim_start_matches("The ").trim_start_matches("the ");
        if phrase.split_whitespace().count() <= 8 && ROLE_WORD.is_match(phrase) && phrase.starts_with(|c: char| c.is_uppercase()) {
            let (role, org) = split_organisation(phrase);
            r.role = Some(role);
            r.org = org;
            return r;
        }
    }
    // the construction outranks an apposition ("chaired by Prof Name, a former chief executive")
    r.role = by_role;
    read_after(&sentence[name_end..], &mut r);
    if r.role.is_none() {
        r.role = fallback.map(String::from);
    }
    if let Some(owner) = pre_t.rsplit(' ').next().and_then(|w| w.strip_suffix("'s").or_else(|| w.strip_suffix("’s"))) {
        if owner.starts_with(|c: char| c.is_uppercase()) && r.org.is_none() {
            r.org = Some(owner.to_string());
        }
    }
    if r.role.is_none() || r.role.as_deref() == Some("reporter") && r.org.is_none() {
        if let Some((role, org)) = role_before(pre) {
            if r.role.is_none() {
                let (role, org_in) = split_organisation(&role);
                r.role = Some(role);
                r.org = org_in.or(org).or(r.org.take());
            }
        }
    }
    // "The lead inspector was Name", "Ofsted's regional director is Name"
    if r.role.is_none() {
        if let Some(head) = pre_t.strip_suffix(" was").or_else(|| pre_t.strip_suffix(" is")) {
            let cut = head.rfind(HARD_STOPS).map_or(0, |i| i + head[i..].chars().next().map_or(1, char::len_utf8));
            let stretch = head[cut..].trim();
            let opens = stretch.split_whitespace().next().is_some_and(|w| matches!(w, "The" | "the" | "Its" | "Their") || w.ends_with("'s") || w.ends_with("’s"));
            if opens && stretch.split_whitespace().count() <= 7 && !stretch.contains(',') {
                if let Some((role, org)) = role_before(stretch) {
                    r.role = Some(role);
                    r.org = r.org.take().or(org);
                }
            }
        }
    }
    if r.role.as_deref().is_some_and(|x| x.to_lowercase().contains("democracy report")) && r.org.is_none() {
        r.org = Some("Local Democracy Reporting Service".into());
    }
    r
}


