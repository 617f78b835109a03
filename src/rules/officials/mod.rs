//! Named officials: person mentions from the NER stage, linked within an article, with title,
//! role, organisation, ward and party read from the words around each mention.
//!
//! Rules, chosen by measurement (README, Officials): a mention's sentence is read for an
//! apposition ("Name, director of X, said"), a preceding role ("council leader Cllr Name",
//! "Ofsted's regional director, Name,"), a parenthesis ("(Ward, Party)"), a relative clause
//! ("who chairs the board"), a copula ("Name is the council's ...") and bylines or photo credits.
//! Organisations are normalised against the bodies the article names (`authority`).

use crate::rules::authority::{Bodies, BodyKind};
use crate::model::ner::PersonSpan;
use crate::rules::lexicon::{singular_title, TITLES};
use regex::Regex;
use std::sync::LazyLock;

pub mod candidates;
mod reading;
use reading::*;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Official {
    pub name: String,
    pub title: String,
    pub role: String,
    pub organisation: String,
    pub is_official: bool,
    pub ward: String,
    pub party: String,
    /// Byte offsets of the first mention in the article.
    pub start: usize,
    pub end: usize,
    pub confidence: f32,
}

/// A person span located in the article: offsets are article bytes, `sentence` the unit's range.
#[derive(Debug, Clone)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub sentence: (usize, usize),
    pub confidence: f32,
}

impl Mention {
    pub fn from_span(span: &PersonSpan, unit_start: usize, unit_end: usize) -> Mention {
        Mention { start: unit_start + span.start, end: unit_start + span.end, sentence: (unit_start, unit_end), confidence: span.confidence }
    }
}

/// Lower-case name particles ("Pieter van der Merwe").
const PARTICLES: &[&str] = &["van", "der", "de", "den", "von", "bin", "al", "el", "la", "le", "du", "da", "di", "ter", "ap"];
/// Words that end a person span the NER model ran on into a place or thing ("Wigan Town Hall").
const NOT_NAME: &[&str] = &[
    "Council", "Street", "Road", "Trust", "Centre", "School", "Services", "Ofsted", "Square", "College", "University", "Hospital", "Avenue", "Lane", "Town", "County", "House", "Building",
    // places, papers and clubs the model tags as names ("Halton Borough", "Croydon Gazette")
    "Borough", "Gazette", "Athletic", "United", "Rovers", "Wanderers", "Echo", "Herald", "Chronicle", "Advertiser", "Telegraph", "Argus",
];
/// The body a role implies when the sentence names none.
fn implied_body(role: &str, title: &str, bodies: &Bodies) -> Option<String> {
    let r = role.to_lowercase();
    if NOT_OFFICIAL_ROLE.is_match(&r) {
        return None;
    }
    if ["police", "constabulary", "crime", "detective", "constable", "superintendent"].iter().any(|k| r.contains(k)) {
        return None; // a police body is named when it matters; no inference
    }
    if r.contains("ofsted") || r.contains("inspector") || r.contains("majesty") || r.contains("regional director") || r.contains("national director") {
        return Some("Ofsted".into());
    }
    if r.contains("minister") || r.contains("secretary of state") || r.contains("commissioner") {
        return Some("Department for Education".into());
    }
    if r.split_whitespace().last() == Some("mp") {
        return Some("House of Commons".into());
    }
    let council_only = ["council", "cabinet", "councillor", "lead member", "portfolio", "mayor", "corporate parenting", "leader", "scrutiny"];
    if title == "Cllr" || title == "Councillor" || council_only.iter().any(|k| r.contains(k)) {
        return bodies.resolve("council", Some(BodyKind::Council));
    }
    let service = ["director", "chief executive", "head of", "officer", "manager", "communications", "spokes"];
    if service.iter().any(|k| r.contains(k)) {
        return bodies.subject().map(|b| b.name.clone()).or_else(|| bodies.council_name());
    }
    None
}

/// Which kind of body a possessor most likely means for this role.
fn preferred_kind(role: &str, title: &str) -> Option<BodyKind> {
    if title == "Cllr" || title == "Councillor" {
        return Some(BodyKind::Council);
    }
    let r = role.to_lowercase();
    let council = ["council", "cabinet", "councillor", "lead member", "portfolio", "mayor", "leader"];
    council.iter().any(|k| r.contains(k)).then_some(BodyKind::Council)
}

/// The NER model sometimes tags a title ("Cllr Reyes") or a post-nominal ("Jo Bloggs MP") as
/// part of the name; move them out so `name` is the bare name. Returns the post-nominal found.
fn strip_honorifics(text: &str, m: &Mention) -> (Mention, String) {
    let mut out = m.clone();
    loop {
        let span = &text[out.start..out.end];
        let first = span.split_whitespace().next().unwrap_or("");
        let bare = first.trim_end_matches('.');
        if span.split_whitespace().count() > 1 && (TITLES.contains(&bare) || singular_title(bare).is_some()) {
            let skip = span.find(first).unwrap_or(0) + first.len();
            out.start += skip + (span[skip..].len() - span[skip..].trim_start().len());
        } else {
            break;
        }
    }
    let span = &text[out.start..out.end];
    let mut post = String::new();
    if let Some((head, last)) = span.rsplit_once(' ') {
        if matches!(last, "MP" | "MBE" | "OBE" | "CBE" | "QC" | "KC") {
            post = last.to_string();
            out.end = out.start + head.trim_end().len();
        }
    }
    if post.is_empty() {
        let rest = &text[out.end..];
        if let Some(p) = ["MP", "MBE", "OBE", "CBE", "QC", "KC"].iter().find(|p| rest.strip_prefix(' ').is_some_and(|r| r.starts_with(**p) && !r[p.len()..].starts_with(char::is_alphanumeric))) {
            post = p.to_string();
        }
    }
    (out, post)
}

fn name_tokens(name: &str) -> Vec<String> {
    name.split(|c: char| c.is_whitespace() || c == '-').filter(|t| !t.is_empty()).map(str::to_lowercase).collect()
}

/// A span the NER model tagged that does not look like a person's name ("Care leavers", "cerebral palsy").
fn looks_like_name(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    !words.is_empty()
        && words.iter().all(|w| w.starts_with(|c: char| c.is_uppercase()) || PARTICLES.contains(w))
        && !words.iter().any(|w| NOT_NAME.contains(&w.trim_end_matches(|c: char| !c.is_alphanumeric())))
        // "Milton Keynes", "Waltham Forest": an authority's place, not a person
        && crate::rules::authority::council_of_place(name).is_none()
}

/// The bodies an article names, with the words of its people's full names kept from being
/// taken for places (a lone tagged word, "Cornwall", may well be one).
pub fn bodies_of(text: &str, mentions: &[Mention]) -> Bodies {
    let name_words: Vec<String> = mentions.iter().map(|m| &text[m.start..m.end]).filter(|n| looks_like_name(n) && n.split_whitespace().count() > 1).flat_map(name_tokens).collect();
    Bodies::find_with(text, &name_words)
}

/// One mention, read: the name as written, its title, and what its sentence says about it.
struct Seen {
    name: String,
    tokens: Vec<String>,
    title: &'static str,
    reading: Reading,
    mention: Mention,
    /// Where the name and its title begin, and where the name and any post-nominal end.
    from: usize,
    to: usize,
}

/// Read a mention in its sentence; None when the span does not look like a person's name.
fn see(text: &str, m: &Mention) -> Option<Seen> {
    let (m, post_nominal) = strip_honorifics(text, m);
    let name = text[m.start..m.end].trim().to_string();
    let tokens = name_tokens(&name);
    if tokens.is_empty() || !looks_like_name(&name) {
        return None;
    }
    let title_hit = title_before(text, m.start);
    let (ss, se) = m.sentence;
    let name_start = title_hit.map(|t| t.1).unwrap_or(m.start).max(ss) - ss;
    let after = if post_nominal.is_empty() { m.end } else { m.end + text[m.end..].find(post_nominal.as_str()).map_or(0, |i| i + post_nominal.len()) };
    let mut reading = read_mention(&text[ss..se], name_start, after.min(se) - ss);
    if reading.role.is_none() && post_nominal == "MP" {
        reading.role = Some("MP".into());
    }
    Some(Seen { name, tokens, title: title_hit.map(|t| t.0).unwrap_or(""), reading, from: name_start + ss, to: after.min(se), mention: m })
}

/// A person as their mentions build them up.
struct Person {
    official: Official,
    /// Words of the fullest name seen, for joining later mentions ("Ms Smith", "Smith").
    tokens: Vec<String>,
    /// The body read with the role (else any body read beside the name), resolved at the end.
    org: Option<String>,
}

impl Person {
    fn new(seen: &Seen) -> Person {
        let m = &seen.mention;
        let official = Official {
            name: seen.name.clone(),
            title: String::new(),
            role: String::new(),
            organisation: String::new(),
            is_official: false,
            ward: String::new(),
            party: String::new(),
            start: m.start,
            end: m.end,
            confidence: m.confidence,
        };
        Person { official, tokens: seen.tokens.clone(), org: None }
    }

    /// A later mention is the same person when one name's words contain the other's.
    fn is(&self, tokens: &[String]) -> bool {
        tokens.iter().all(|t| self.tokens.contains(t)) || self.tokens.iter().all(|t| tokens.contains(t))
    }

    /// Take what a mention adds: a fuller name, and the first title, role, ward and party stated.
    fn absorb(&mut self, seen: Seen) {
        let p = &mut self.official;
        if seen.tokens.len() > self.tokens.len() {
            p.name = seen.name;
            self.tokens = seen.tokens;
        }
        p.confidence = p.confidence.max(seen.mention.confidence);
        let mut reading = seen.reading;
        if p.title.is_empty() {
            p.title = seen.title.to_string();
        }
        if p.role.is_empty() {
            if let Some(role) = reading.role {
                p.role = role;
                if reading.org.is_some() {
                    self.org = reading.org.take();
                }
            }
        }
        if self.org.is_none() {
            self.org = reading.org;
        }
        if p.ward.is_empty() {
            p.ward = reading.ward.unwrap_or_default();
        }
        if p.party.is_empty() {
            p.party = reading.party.unwrap_or_default();
        }
    }

    /// Once every mention is in: the organisation against the article's bodies, and whether the
    /// person speaks for a public body.
    fn finish(self, bodies: &Bodies) -> Official {
        let mut p = self.official;
        if p.role.is_empty() && (p.title == "Cllr" || p.title == "Councillor") {
            p.role = "councillor".into();
        }
        let org_read = self.org.clone();
        p.organisation = self.org.and_then(|o| bodies.resolve(&o, preferred_kind(&p.role, &p.title))).or_else(|| implied_body(&p.role, &p.title, bodies)).unwrap_or_default();
        let public_body = {
            let o = p.organisation.to_lowercase();
            ["council", "trust", "ofsted", "department for education", "police", "constabulary", "partnership", "house of commons", "nhs", "government", "children first", "achieving for children", "together for children"].iter().any(|k| o.contains(k))
        };
        // "the board's independent chair": a chair of a public board, trust or panel
        let chairs_a_board = p.role.to_lowercase().contains("chair") && org_read.as_deref().is_some_and(|o| ["board", "trust", "partnership", "panel", "committee"].iter().any(|k| o.to_lowercase().contains(k)));
        let official_role = OFFICIAL_ROLE.is_match(&p.role) || chairs_a_board || p.title == "Cllr" || p.title == "Councillor";
        p.is_official = (official_role || public_body && !p.role.is_empty()) && !NOT_OFFICIAL_ROLE.is_match(&p.role);
        p
    }
}

/// Names joined into a list: "Cllrs A and B", "Councillors A, B and C", "MPs A and B".
/// A short bracket after a name may come first: "Cllrs A (Chair), B and C".
static LIST_JOINER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*(?:\([^()]{1,40}\)\s*)?(?:,\s*(?:and\s+|&\s+)?|and\s+|&\s+)$").unwrap());
/// What after a list of names describes all of them: "A and B, who share the portfolio, said".
static SHARED_AFTER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*,\s*(?:both|all|of the|who (?:are|were|share|sit|have|lead|represent|chair|hold)\b|the [^,.]*?\b(?:spokespeople|spokesmen|spokeswomen|members|councillors|leaders|holders|chairs|directors|commissioners|representatives)\b[^,.]*[,.])").unwrap());
/// A plural role word before a list, and its singular ("Opposition councillors A and B").
const PLURAL_ROLES: &[(&str, &str)] = &[("councillors", "councillor"), ("mps", "MP"), ("members", "member"), ("commissioners", "commissioner"), ("directors", "director"), ("leaders", "leader"), ("inspectors", "inspector")];

/// Mentions listed together share what is said of the list: a plural title or role before it,
/// and a description after its last name, when the wording makes it plural.
fn share_within_lists(text: &str, seen: &mut [Seen]) {
    let mut i = 0;
    while i < seen.len() {
        let mut j = i;
        // a list item is a person: not a lone tagged word ("Terence Oduya, Wiltshire's director"),
        // not a possessor
        // the words before the first name, from the name, not its title ("Cllrs" is the list's
        // title): after a plural title a lone surname is an item ("Cllrs Rasheed and Hollingworth")
        let (ss, _) = seen[i].mention.sentence;
        let pre = text[ss..seen[i].mention.start.max(ss)].trim_end();
        let (head, last) = pre.rsplit_once(char::is_whitespace).unwrap_or(("", pre));
        let title = singular_title(last);
        let item = |s: &Seen| (s.tokens.len() > 1 || !s.title.is_empty() || title.is_some()) && !text[s.to..].starts_with(['\'', '’']);
        while j + 1 < seen.len() && seen[j + 1].mention.sentence == seen[i].mention.sentence && seen[j].to <= seen[j + 1].from && item(&seen[j + 1]) && LIST_JOINER.is_match(&text[seen[j].to..seen[j + 1].from]) {
            j += 1;
        }
        if j > i {
            let role = PLURAL_ROLES.iter().find(|(p, _)| title.is_none() && last.eq_ignore_ascii_case(p)).and_then(|(_, singular)| reading::role_before(&format!("{head} {singular}")).map(|r| r.0));
            let plural_after = SHARED_AFTER.is_match(&text[seen[j].to..seen[j].mention.sentence.1.max(seen[j].to)]);
            let after = plural_after.then(|| seen[j].reading.clone());
            if plural_after {
                // the last name's own reading is the list's plural role
                seen[j].reading.role = seen[j].reading.role.as_deref().map(reading::singular);
            }
            // what follows a name inside the list is the rest of the list: read only what comes
            // before, and the name's own bracket ("A (Chair), B")
            for k in i..j {
                let own = text[seen[k].to..seen[k + 1].from].find(')').map_or(seen[k].to, |p| seen[k].to + p + 1);
                let s = &mut seen[k];
                s.reading = read_mention(&text[ss..own], s.from - ss, s.to - ss);
            }
            for s in &mut seen[i..=j] {
                if s.title.is_empty() {
                    s.title = title.unwrap_or("");
                }
                if s.reading.role.is_none() {
                    s.reading.role = role.clone().or_else(|| after.as_ref().and_then(|a| a.role.as_deref().map(reading::singular)));
                }
                if let Some(a) = &after {
                    s.reading.party = s.reading.party.take().or_else(|| a.party.clone());
                    s.reading.ward = s.reading.ward.take().or_else(|| a.ward.clone());
                    s.reading.org = s.reading.org.take().or_else(|| a.org.clone());
                }
            }
        }
        i = j + 1;
    }
}

/// Build one official per person from an article's mentions (in text order), with organisations
/// normalised against the article's `bodies` (see [`bodies_of`]).
pub fn resolve(text: &str, mentions: &[Mention], bodies: &Bodies) -> Vec<Official> {
    let mut people: Vec<Person> = Vec::new();
    let mut seen: Vec<Seen> = mentions.iter().filter_map(|m| see(text, m)).collect();
    share_within_lists(text, &mut seen);
    for seen in seen {
        let i = match people.iter().position(|p| p.is(&seen.tokens)) {
            Some(i) => i,
            // a lone word with no title is too often not a person
            None if seen.tokens.len() < 2 && seen.title.is_empty() => continue,
            None => {
                people.push(Person::new(&seen));
                people.len() - 1
            }
        };
        people[i].absorb(seen);
    }
    people.into_iter().map(|p| p.finish(bodies)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mention(text: &str, name: &str) -> Mention {
        let s = text.find(name).unwrap_or_else(|| panic!("{name} not in text"));
        let sentence_start = text[..s].rfind(". ").map_or(0, |i| i + 2);
        let sentence_end = text[s..].find(". ").map_or(text.len(), |i| s + i + 1);
        Mention { start: s, end: s + name.len(), sentence: (sentence_start, sentence_end), confidence: 0.9 }
    }

    /// Resolve with one mention per listed name (each the first occurrence after the previous).
    fn people(text: &str, names: &[&str]) -> Vec<Official> {
        let mut ms = Vec::new();
        let mut from = 0;
        for n in names {
            let mut m = mention(&text[from..], n);
            m.start += from;
            m.end += from;
            m.sentence = (m.sentence.0 + from, m.sentence.1 + from);
            // sentence bounds are searched in the whole text
            m.sentence.0 = text[..m.start].rfind(". ").map_or(0, |i| i + 2);
            from = m.end;
            ms.push(m);
        }
        resolve(text, &ms, &bodies_of(text, &ms))
    }

    fn row(o: &Official) -> (&str, &str, &str, &str, bool) {
        (o.name.as_str(), o.title.as_str(), o.role.as_str(), o.organisation.as_str(), o.is_official)
    }

    #[test]
    fn apposition_gives_role_and_organisation() {
        let t = "Jane Okafor, director of children's services at Barnsley Council, said staff had worked hard. Barnsley Council was rated good.";
        let o = people(t, &["Jane Okafor"]);
        assert_eq!(row(&o[0]), ("Jane Okafor", "", "director of children's services", "Barnsley Council", true));
        assert_eq!(&t[o[0].start..o[0].end], "Jane Okafor");
    }

    #[test]
    fn role_at_a_body_named_by_an_acronym_or_a_proper_name() {
        let t = "Kim Dale, head of policy at CIPFA, said councils were stretched. Ed Fox, a consultant at Blue Sky Analytics, agreed.";
        let o = people(t, &["Kim Dale", "Ed Fox"]);
        assert_eq!((o[0].role.as_str(), o[0].organisation.as_str()), ("head of policy", "CIPFA"));
        assert_eq!((o[1].role.as_str(), o[1].organisation.as_str()), ("consultant", "Blue Sky Analytics"));
    }

    #[test]
    fn apposition_with_a_list_inside_the_role_keeps_the_whole_list() {
        let t = "Kent County Council was judged good. Sam Lee, cabinet member for children, young people and schools, said it was deserved.";
        assert_eq!(people(t, &["Sam Lee"])[0].role, "cabinet member for children, young people and schools");
    }

    #[test]
    fn preceding_title_phrase_gives_the_role_and_the_council() {
        let t = "Kent County Council was judged good. Council leader Cllr Tom Reyes welcomed it. Lead Member for Children's Services Cllr Ada Moss spoke.";
        let o = people(t, &["Tom Reyes", "Ada Moss"]);
        assert_eq!(row(&o[0]), ("Tom Reyes", "Cllr", "Council leader", "Kent County Council", true));
        assert_eq!(row(&o[1]), ("Ada Moss", "Cllr", "Lead Member for Children's Services", "Kent County Council", true));
    }

    #[test]
    fn possessive_role_before_a_comma_names_the_body() {
        let t = "Leeds City Council was rated good. Ofsted's regional director, Ann Hale, said leaders knew their services. The council's chief executive, Dr Mo Ali, agreed.";
        let o = people(t, &["Ann Hale", "Mo Ali"]);
        assert_eq!(row(&o[0]), ("Ann Hale", "", "regional director", "Ofsted", true));
        assert_eq!(row(&o[1]), ("Mo Ali", "Dr", "chief executive", "Leeds City Council", true));
    }

    #[test]
    fn role_phrase_with_commas_before_the_name_is_read_whole() {
        let t = "Corporate director for children, young people and education Lou Hart said the report was fair. Essex County Council said more.";
        let o = people(t, &["Lou Hart"]);
        assert_eq!(o[0].role, "Corporate director for children, young people and education");
        assert_eq!(o[0].organisation, "Essex County Council");
    }

    #[test]
    fn parenthesis_gives_ward_and_party_not_the_role() {
        let t = "Hull City Council was rated inadequate. Cllr Emma Ward (Kells and Sandwith, Labour) said the findings were hard to read.";
        let o = people(t, &["Emma Ward"]);
        assert_eq!(row(&o[0]), ("Emma Ward", "Cllr", "councillor", "Hull City Council", true));
        assert_eq!((o[0].ward.as_str(), o[0].party.as_str()), ("Kells and Sandwith", "Labour"));
        let t = "Cllr Ray Dunn (Conservative), the opposition spokesperson for children, said more was needed.";
        let o = people(t, &["Ray Dunn"]);
        assert_eq!((o[0].party.as_str(), o[0].ward.as_str(), o[0].role.as_str()), ("Conservative", "", "opposition spokesperson for children"));
    }

    #[test]
    fn relative_clause_gives_the_role() {
        let t = "Cllr Bea Lyle (Central, Green), who chairs the children's scrutiny board, asked why. Tim Cole, who runs the charity Families First, said waits were long. Lee Park, 19, who left care last year, said so. Jo Hay, whose son is in foster care, said she was relieved.";
        let o = people(t, &["Bea Lyle", "Tim Cole", "Lee Park", "Jo Hay"]);
        let roles: Vec<&str> = o.iter().map(|p| p.role.as_str()).collect();
        assert_eq!(roles, ["chair of the children's scrutiny board", "runs the charity Families First", "care leaver", "parent"]);
        assert_eq!(o.iter().map(|p| p.is_official).collect::<Vec<_>>(), [true, false, false, false]);
        assert_eq!(o[0].party, "Green");
    }

    #[test]
    fn a_later_sentence_that_states_the_role_fills_it_and_later_mentions_link() {
        let t = "Cumberland Council was rated good. Martin Birch said the work was not finished. Mr Birch is the council's director of children and family wellbeing. Birch added more.";
        let o = people(t, &["Martin Birch", "Birch", "Birch"]);
        assert_eq!(o.len(), 1, "{o:?}");
        assert_eq!(row(&o[0]), ("Martin Birch", "Mr", "director of children and family wellbeing", "Cumberland Council", true));
        let t = "Cumberland Council was rated good. Martin Birch said the work was not finished. Birch is director of children's services.";
        assert_eq!(people(t, &["Martin Birch", "Birch"])[0].role, "director of children's services");
    }

    #[test]
    fn place_possessives_normalise_to_the_named_authority() {
        let t = "City of Doncaster Council backed the trust. Doncaster's elected mayor, Ros Jones, said so. Doncaster Children's Services Trust was rated good. Its chief executive, Paul Moss, said the trust had improved.";
        let o = people(t, &["Ros Jones", "Paul Moss"]);
        assert_eq!(o[0].organisation, "City of Doncaster Council");
        assert_eq!(o[1].role, "chief executive");
        let t = "Sunderland's director of children's services, Kim Ray, said. The trust was praised.";
        assert_eq!(people(t, &["Kim Ray"])[0].organisation, "Sunderland");
        let t = "Sandwell Children's Trust was rated good. The council's cabinet member for children, Cllr Lin Oaks, welcomed it.";
        assert_eq!(people(t, &["Lin Oaks"])[0].organisation, "Sandwell Council", "council of a place-named trust");
    }

    #[test]
    fn bylines_and_photo_credits_are_not_officials() {
        let t = "By Sam Hughes, Local Democracy Reporting Service. County Hall (Image: Max Ford). Words by Ella Stone. Wigan Council was praised.";
        let o = people(t, &["Sam Hughes", "Max Ford", "Ella Stone"]);
        assert_eq!(row(&o[0]), ("Sam Hughes", "", "reporter", "Local Democracy Reporting Service", false));
        assert_eq!((o[1].role.as_str(), o[1].is_official), ("photographer", false));
        assert_eq!((o[2].role.as_str(), o[2].is_official), ("reporter", false));
    }

    #[test]
    fn police_and_mps_are_officials_unions_and_charities_are_not() {
        let t = "Detective Superintendent Craig Wood of South Yorkshire Police said the force was pleased. Jo Bloggs MP said more was needed. Kai Odum, Unison branch secretary, said staff were tired.";
        let o = people(t, &["Craig Wood", "Jo Bloggs", "Kai Odum"]);
        assert_eq!(row(&o[0]), ("Craig Wood", "", "Detective Superintendent", "South Yorkshire Police", true));
        assert_eq!(row(&o[1]), ("Jo Bloggs", "", "MP", "House of Commons", true));
        assert_eq!(row(&o[2]), ("Kai Odum", "", "Unison branch secretary", "Unison", false));
    }

    #[test]
    fn titles_and_post_nominals_inside_the_ner_span_are_moved_out() {
        let t = "Cllr Ann Hale praised staff. Both the authority's chief executive Mo Ali and Cllr Hale spoke. Jo Bloggs MP said more was needed.";
        let mut ms = vec![mention(t, "Cllr Ann Hale"), mention(t, "Mo Ali"), mention(t, "Cllr Hale spoke")];
        ms[2].end = ms[2].start + "Cllr Hale".len();
        ms.push(mention(t, "Jo Bloggs MP"));
        let o = resolve(t, &ms, &bodies_of(t, &ms));
        let names: Vec<_> = o.iter().map(|p| (p.name.as_str(), p.title.as_str(), p.role.as_str())).collect();
        assert_eq!(names, [("Ann Hale", "Cllr", "councillor"), ("Mo Ali", "", "chief executive"), ("Jo Bloggs", "", "MP")]);
        assert_eq!(&t[o[0].start..o[0].end], "Ann Hale");
    }

    #[test]
    fn regression_a_no_break_space_before_a_title_does_not_panic() {
        let t = "Kent County Council was rated good. Leader\u{a0}Cllr Tom Reyes welcomed it.";
        assert_eq!(people(t, &["Tom Reyes"])[0].title, "Cllr");
    }

    #[test]
    fn spans_that_are_not_names_and_lone_words_are_dropped() {
        let t = "Care leavers praised the service. Inspectors praised Smith for nothing. Wigan Town Hall was lit up.";
        assert!(people(t, &["Care leavers", "Smith", "Wigan Town Hall"]).is_empty());
        assert_eq!(people("Pieter van der Merwe, director of social care, said so.", &["Pieter van der Merwe"]).len(), 1);
    }


    #[test]
    fn regression_common_possessives_parties_and_police_found_in_review() {
        let t = "Leeds City Council was rated good. Children's services director Ann Lee said staff were proud. Cllr Jo Ray, Labour's lead member for children, agreed. Detective Inspector Sam Cole said the force helped. Mr Lee is now the council's director of children's services.";
        let o = people(t, &["Ann Lee", "Jo Ray", "Sam Cole", "Lee"]);
        assert_eq!((o[0].role.as_str(), o[0].organisation.as_str()), ("Children's services director", "Leeds City Council"));
        assert_eq!(o[1].organisation, "Leeds City Council", "not 'Labour Council'");
        assert_eq!((o[2].role.as_str(), o[2].organisation.as_str()), ("Detective Inspector", ""));
        let t = "Leeds City Council was rated good. Martin Birch thanked staff. Mr Birch is now the council's director of children's services.";
        assert_eq!(people(t, &["Martin Birch", "Birch"])[0].role, "director of children's services");
    }

    #[test]
    fn regression_a_place_the_ner_model_tagged_alone_still_names_the_council() {
        let t = "Disabled children in Cornwall are well supported. Cllr Tam Rowe, deputy portfolio holder for children, said so.";
        let mut ms = vec![mention(t, "Cornwall"), mention(t, "Tam Rowe")];
        ms[0].sentence = (0, t.find(". ").unwrap() + 1);
        let o = resolve(t, &ms, &bodies_of(t, &ms));
        assert_eq!(o.len(), 1, "the lone word is not a person: {o:?}");
        assert_eq!(o[0].organisation, "Cornwall Council");
    }

    #[test]
    fn a_kind_of_body_followed_by_its_name_gives_the_organisation() {
        let t = "Sue Hale, a national officer for the union Unison, said pay was low. Roy Akhtar, who runs the advocacy charity Parents Together Bradford, said families waited.";
        let o = people(t, &["Sue Hale", "Roy Akhtar"]);
        assert_eq!((o[0].organisation.as_str(), o[0].is_official), ("Unison", false));
        assert_eq!((o[1].role.as_str(), o[1].organisation.as_str(), o[1].is_official), ("runs the advocacy charity Parents Together Bradford", "Parents Together Bradford", false));
    }

    #[test]
    fn bylines_in_a_dateline_field_and_labelled_credits() {
        let t = "4 May 2022 | By Ann Hale\nReporter: Mo Ali\nPhotographs by Sue Roe\n15 June 2021 | Interview by Kit Moss\nWigan Council was praised.";
        let mut ms = Vec::new();
        for n in ["Ann Hale", "Mo Ali", "Sue Roe", "Kit Moss"] {
            let s = t.find(n).unwrap();
            let line = (t[..s].rfind('\n').map_or(0, |i| i + 1), s + t[s..].find('\n').unwrap());
            ms.push(Mention { start: s, end: s + n.len(), sentence: line, confidence: 0.9 });
        }
        let o = resolve(t, &ms, &bodies_of(t, &ms));
        let roles: Vec<(&str, bool)> = o.iter().map(|p| (p.role.as_str(), p.is_official)).collect();
        assert_eq!(roles, [("reporter", false), ("reporter", false), ("photographer", false), ("interviewer", false)]);
    }

    #[test]
    fn a_plural_title_or_role_before_a_list_of_names_applies_to_each() {
        let t = "Hull City Council was rated inadequate. Cllrs Ann Hale and Mo Ali, of the Liberal Democrat group, called a meeting.";
        let o = people(t, &["Ann Hale", "Mo Ali"]);
        for p in &o {
            assert_eq!((p.title.as_str(), p.role.as_str(), p.party.as_str(), p.is_official), ("Cllr", "councillor", "Liberal Democrat", true), "{p:?}");
        }
        let t = "Hull City Council was rated inadequate. Councillors Ann Hale, Mo Ali and Sue Roe, who sit on the scrutiny committee, asked why.";
        let o = people(t, &["Ann Hale", "Mo Ali", "Sue Roe"]);
        assert!(o.iter().all(|p| p.title == "Councillor" && p.role == "member of the scrutiny committee" && p.is_official), "{o:?}");
        let t = "Hull City Council was rated inadequate. Opposition councillors Ann Hale and Mo Ali said it was a disgrace. In a letter, MPs Sue Roe and Kit Moss asked the minister for help.";
        let o = people(t, &["Ann Hale", "Mo Ali", "Sue Roe", "Kit Moss"]);
        let roles: Vec<(&str, &str, bool)> = o.iter().map(|p| (p.role.as_str(), p.organisation.as_str(), p.is_official)).collect();
        assert_eq!(roles, [("Opposition councillor", "Hull City Council", true), ("Opposition councillor", "Hull City Council", true), ("MP", "House of Commons", true), ("MP", "House of Commons", true)]);
    }

    #[test]
    fn an_attendance_list_of_minutes_with_a_bracket_after_a_name_is_one_list() {
        let t = "Minutes of the scrutiny committee of Dunmere County Council. Present: Cllrs Ada Brenning (Chair), Tom Voss and Mira Kalnins. The committee noted the report.";
        let o = people(t, &["Ada Brenning", "Tom Voss", "Mira Kalnins"]);
        for (p, role) in o.iter().zip(["Chair", "councillor", "councillor"]) {
            assert_eq!((p.title.as_str(), p.role.as_str(), p.organisation.as_str(), p.is_official), ("Cllr", role, "Dunmere County Council", true), "{p:?}");
        }
    }

    #[test]
    fn a_role_in_brackets_after_a_name_and_commons_speaker_labels() {
        let t = "Dunmere County Council was rated good. Officers: Mira Kalnins (Strategic Director, Children and Family Services) and Tom Voss (Democratic Services Officer) attended.";
        let o = people(t, &["Mira Kalnins", "Tom Voss"]);
        assert_eq!((o[0].role.as_str(), o[0].is_official), ("Strategic Director, Children and Family Services", true), "{o:?}");
        assert_eq!((o[1].role.as_str(), o[1].organisation.as_str(), o[1].is_official), ("Democratic Services Officer", "Dunmere County Council", true));
        let t = "Ada Brenning (Dunmere North) (Lab): What assessment has the Minister made of the inspection? The Minister for Children and Families (Kit Moss): Dunmere County Council was rated good.";
        let o = people(t, &["Ada Brenning", "Kit Moss"]);
        assert_eq!(row(&o[0]), ("Ada Brenning", "", "MP for Dunmere North", "House of Commons", true));
        assert_eq!(o[0].party, "Lab");
        assert_eq!((o[1].role.as_str(), o[1].organisation.as_str(), o[1].is_official), ("Minister for Children and Families", "Department for Education", true));
        // a councillor's ward and party in one bracket stay ward and party
        let t = "Cllr Emma Ward (Kells and Sandwith, Labour) said the council was rated good.";
        let o = people(t, &["Emma Ward"]);
        assert_eq!((o[0].ward.as_str(), o[0].party.as_str(), o[0].role.as_str()), ("Kells and Sandwith", "Labour", "councillor"));
    }

    #[test]
    fn a_date_after_a_role_is_not_part_of_it_and_a_capitalised_possessor_gives_the_organisation() {
        let t = "Dunmere County Council was rated good. Posted by Cllr Tom Voss, cabinet member for children, 3 March 2024: proud of our staff. Ada Brenning, cabinet member for schools, March 4, 2024, agreed.";
        let o = people(t, &["Tom Voss", "Ada Brenning"]);
        assert_eq!((o[0].role.as_str(), o[1].role.as_str()), ("cabinet member for children", "cabinet member for schools"));
        let t = "Mira Kalnins became Dunmere County Council's director of children's services in 2021. The council was rated good.";
        let o = people(t, &["Mira Kalnins"]);
        assert_eq!(row(&o[0]), ("Mira Kalnins", "", "director of children's services", "Dunmere County Council", true));
    }

    #[test]
    fn a_plural_role_after_a_list_is_each_persons_in_the_singular() {
        let t = "Hull City Council was rated inadequate. Cllrs Rasheed and Hollingworth, the opposition's children's spokespeople, asked for an inquiry.";
        let o = people(t, &["Rasheed", "Hollingworth"]);
        assert!(o.iter().all(|p| p.role == "children's spokesperson"), "{o:?}");
        let t = "Dunmere County Council was rated good. Cllrs Ada Brenning and Tom Voss, who hold the children's portfolios at the two councils, welcomed it.";
        let o = people(t, &["Ada Brenning", "Tom Voss"]);
        assert!(o.iter().all(|p| p.role == "holder of the children's portfolio"), "{o:?}");
    }

    #[test]
    fn roles_from_relative_clauses_with_has_and_without_their_dates() {
        let t = "Kit Moss, who has been the trust's chief executive since 2019, spoke. Cllr Sue Roe, who has led the council since 2014, agreed. Cllr Ann Hale, who holds the children's services portfolio on the Labour-run council, was pleased.";
        let o = people(t, &["Kit Moss", "Sue Roe", "Ann Hale"]);
        assert_eq!(o.iter().map(|p| p.role.as_str()).collect::<Vec<_>>(), ["chief executive", "leader of the council", "holder of the children's services portfolio"]);
        // a phrase after the name that opens with a preposition is no role: the one before it is
        let t = "The letter credits the trust's chief executive, Dr Kit Moss, with building a leadership team that knows its work.";
        assert_eq!(people(t, &["Kit Moss"])[0].role, "chief executive");
        // a body named before the role's determiner is still the role's body
        let t = "The Department for Education appointed an improvement adviser, Dr Kit Moss, in April.";
        assert_eq!(row(&people(t, &["Kit Moss"])[0]), ("Kit Moss", "Dr", "improvement adviser", "Department for Education", true));
    }

    #[test]
    fn names_joined_without_a_plural_marker_keep_their_own_roles() {
        let t = "Hull City Council was rated good. Ann Hale and Mo Ali, the council's director of children's services, met inspectors. Cllr Sue Roe and the chief executive Kit Moss spoke.";
        let o = people(t, &["Ann Hale", "Mo Ali", "Sue Roe", "Kit Moss"]);
        assert_eq!(o[0].role, "", "the apposition describes the last name only: {o:?}");
        assert_eq!(o[1].role, "director of children's services");
        assert_eq!((o[2].role.as_str(), o[3].role.as_str()), ("councillor", "chief executive"));
    }

    #[test]
    fn appointees_chairs_and_review_authors_are_officials() {
        let t = "Slough Borough Council was rated inadequate. The Department for Education appointed Sir Tom Bell as children's services commissioner for Slough, with a brief to report by June.";
        let o = people(t, &["Tom Bell"]);
        assert_eq!(row(&o[0]), ("Tom Bell", "Sir", "children's services commissioner for Slough", "Department for Education", true));
        let t = "Leeds City Council was rated good. The improvement board for Leeds is chaired by Professor Ana Ruiz, a former council chief executive. That review, by Dr Kit Moss, was published in March.";
        let o = people(t, &["Ana Ruiz", "Kit Moss"]);
        assert_eq!((o[0].role.as_str(), o[0].is_official), ("chair of the improvement board for Leeds", true));
        assert_eq!((o[1].role.as_str(), o[1].is_official), ("author of the review", true));
        let t = "York was rated outstanding. Professor Raj Iyer, who wrote a government-commissioned review of fostering, said so. Dr Ada Eze, the board's independent chair, agreed.";
        let o = people(t, &["Raj Iyer", "Ada Eze"]);
        assert_eq!((o[0].role.as_str(), o[0].is_official), ("author of government-commissioned review of fostering", true));
        assert_eq!((o[1].role.as_str(), o[1].is_official), ("independent chair", true));
        let t = "Devon County Council was rated good. Bea Lyle became Ofsted's regional director for the South West in 2019.";
        let o = people(t, &["Bea Lyle"]);
        assert_eq!((o[0].role.as_str(), o[0].organisation.as_str(), o[0].is_official), ("regional director for the South West", "Ofsted", true));
    }

    #[test]
    fn regression_a_place_tagged_after_a_name_does_not_make_a_list_that_loses_the_apposition() {
        // the NER model tagged "Dunmere" too; ", " between the two read them as a list of names
        let t = "Priya Halloran-Eze, Dunmere’s corporate director for people, said the service would keep improving. Dunmere Council was rated good.";
        let o = people(t, &["Priya Halloran-Eze", "Dunmere"]);
        assert_eq!(o.len(), 1, "{o:?}");
        assert_eq!(row(&o[0]), ("Priya Halloran-Eze", "", "corporate director for people", "Dunmere Council", true));
        // a real list still shares its plural title
        let t = "Cllrs Ada Brenning and Tom Voss said the plan was late.";
        let o = people(t, &["Ada Brenning", "Tom Voss"]);
        assert!(o.iter().all(|p| p.title == "Cllr" && p.role == "councillor"), "{o:?}");
        // lone surnames after a plural title are people, each with the title
        let t = "Cllrs Rasheed and Hollingworth, the opposition spokespeople, asked for an inquiry.";
        let o = people(t, &["Rasheed", "Hollingworth"]);
        assert_eq!(o.iter().map(|p| (p.name.as_str(), p.title.as_str(), p.is_official)).collect::<Vec<_>>(), [("Rasheed", "Cllr", true), ("Hollingworth", "Cllr", true)]);
        // a lone word with no title stays out of a list
        let t = "Ada Brenning and Voss said the plan was late.";
        assert_eq!(people(t, &["Ada Brenning", "Voss"]).len(), 1);
    }

    #[test]
    fn places_papers_and_clubs_tagged_as_names_are_not_people() {
        for span in ["Halton Borough", "Milton Keynes", "Waltham Forest", "Croydon Gazette", "Charlton Athletic", "Royal Borough"] {
            assert!(!looks_like_name(span), "{span}");
        }
        for span in ["Kerry-Ann Oduya", "Edmund Haverstock-Lane", "Priya Kent"] {
            assert!(looks_like_name(span), "{span}");
        }
    }

    #[test]
    fn a_role_before_a_copula_and_the_name() {
        let t = "The lead inspector was Marit Okonjo-Baird, supported by two colleagues.";
        let o = people(t, &["Marit Okonjo-Baird"]);
        assert_eq!(row(&o[0]), ("Marit Okonjo-Baird", "", "lead inspector", "Ofsted", true));
        // a copula after an ordinary subject gives no role
        let t = "The best news of the day was Ben Tull, who scored twice.";
        assert_eq!(people(t, &["Ben Tull"])[0].role, "");
    }
}
