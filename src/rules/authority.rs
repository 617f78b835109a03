//! Public bodies an article names (councils, children's trusts, Ofsted, police, partnerships), so
//! officials and grades resolve "the council", "the trust" or "Doncaster's" to one normalised name.

use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Council,
    /// A children's services trust or company run for a council ("Slough Children First").
    Trust,
    Other,
}

impl BodyKind {
    /// A council or a children's trust: the bodies that hold children's services grades.
    pub fn is_authority(self) -> bool {
        matches!(self, BodyKind::Council | BodyKind::Trust)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub name: String,
    pub kind: BodyKind,
    pub mentions: usize,
}

impl Body {
    /// The place in a body's name, empty when it has none: "Sandwell Children's Trust" ->
    /// "Sandwell", "Royal Borough of Greenwich" -> "Greenwich", "Kent County Council" -> "Kent".
    pub fn place(&self) -> String {
        const GENERIC: &[&str] = &["Council", "County", "City", "Borough", "Metropolitan", "District", "Children's", "Children’s", "Trust", "Children", "First", "Services", "and", "Families", "Royal", "of"];
        let words: Vec<&str> = self.name.split_whitespace().collect();
        let start = if ["Royal Borough of ", "London Borough of ", "City of ", "Borough of ", "Metropolitan Borough of "].iter().any(|p| self.name.starts_with(p)) { words.iter().position(|w| *w == "of").map_or(0, |i| i + 1) } else { 0 };
        let place: Vec<&str> = words[start..].iter().take_while(|w| !GENERIC.contains(w) || **w == "and" || **w == "of").copied().collect();
        let end = place.iter().rposition(|w| *w != "and" && *w != "of").map_or(0, |i| i + 1);
        place[..end].join(" ")
    }
}

/// Named bodies in running text. Names are runs of capitalised words (with "and", "&", "upon", "of",
/// "on", "le", "under" inside) ending in a body word, on one line: a byline or dateline above never
/// joins them. A run holding "Council" inside ("Somerset County Council and Bristol City Council")
/// is two names, split in [`Bodies::find`] (the regex crate has no lookahead).
static BODY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\b(?:",
        r"(?P<council>(?:St\.[ \t]+)?(?:[A-Z][\w'’-]*[ \t]+(?:(?:and|&|upon|of|on|le|under|with)[ \t]+)?){1,5}Council)",
        r"|(?P<royal>(?:Royal|London)[ \t]+Borough[ \t]+of[ \t]+[A-Z][\w-]*(?:[ \t]+(?:upon|and)[ \t]+[A-Z][\w-]*|[ \t]+[A-Z][\w-]*)?)",
        r"|(?P<trust>(?:[A-Z][\w'’-]*[ \t]+(?:and[ \t]+)?){1,5}Trust)",
        r"|(?P<company>(?:[A-Z][\w'’-]*[ \t]+){1,3}Children[ \t]+First|(?:[A-Z][\w'’-]*[ \t]+){1,2}for[ \t]+Children)",
        r"|(?P<other>(?:[A-Z][\w'’-]*[ \t]+(?:and[ \t]+)?){1,5}(?:Partnership|Police|Constabulary)|Ofsted|Department[ \t]+for[ \t]+Education)",
        r")\b"
    ))
    .unwrap()
});

/// Capitalised words that start sentences or headlines but never names of bodies.
const LEAD_WORDS: &[&str] = &[
    "the", "a", "an", "by", "in", "at", "and", "of", "for", "to", "today", "yesterday", "but", "when", "while", "meanwhile", "however", "now", "both", "this", "last", "new", "how", "why", "what", "as", "after", "before", "under", "read", "more", "inside", "every", "neighbouring", "our",
];

/// Body words that make a name too generic on its own ("City Council", "County Council").
const GENERIC: &[&str] = &["city", "county", "borough", "district", "metropolitan", "town", "parish", "children's", "childrens", "the", "council", "trust"];

fn normalise(raw: &str) -> Option<String> {
    let raw = raw.replace('’', "'");
    let words: Vec<&str> = raw.split_whitespace().collect();
    let skip = words.iter().take_while(|w| LEAD_WORDS.contains(&w.to_lowercase().as_str()) || w.ends_with("-run") || w.ends_with("-led") || w.ends_with("-controlled")).count();
    let mut words = &words[skip..];
    // "Leader of Leeds City Council", "Chief Executive of Kent County Council": the role is not the name
    const ROLE_HEADS: &[&str] = &["leader", "chief", "executive", "director", "member", "cabinet", "mayor", "chair", "head", "deputy", "councillor", "officer", "spokesperson"];
    if let Some(of) = words.iter().position(|w| *w == "of") {
        if of > 0 && words[..of].iter().all(|w| ROLE_HEADS.contains(&w.to_lowercase().as_str())) {
            words = &words[of + 1..];
        }
    }
    if words.is_empty() || words.iter().all(|w| GENERIC.contains(&w.to_lowercase().as_str())) {
        return None;
    }
    // possessives are not part of the name: "Barnsley Council's" is matched without the 's
    Some(words.join(" "))
}

/// A "... Trust" is a children's trust when its name says children; else another kind of trust.
fn trust_kind(name: &str) -> BodyKind {
    if name.contains("Children") { BodyKind::Trust } else { BodyKind::Other }
}

/// "Somerset County Council and Bristol City Council" -> both names; one name stays whole.
fn split_councils(run: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut cuts: Vec<usize> = run.match_indices(" Council ").map(|(at, _)| at + " Council".len()).chain(run.match_indices(" Trust ").map(|(at, _)| at + " Trust".len())).collect();
    cuts.sort();
    for end in cuts {
        parts.push(&run[start..end]);
        start = end + 1;
    }
    parts.push(&run[start..]);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

/// English children's services authorities by place, longest place first.
static GAZETTEER: LazyLock<Vec<(&'static str, &'static str)>> = LazyLock::new(|| {
    let mut g: Vec<(&str, &str)> = include_str!("councils.txt").lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).filter_map(|l| l.split_once('|')).collect();
    g.sort_by_key(|(place, _)| std::cmp::Reverse(place.len()));
    g
});

/// The council of a place, when the place is an English children's services authority.
pub fn council_of_place(place: &str) -> Option<&'static str> {
    let p = place.trim().replace('’', "'");
    GAZETTEER.iter().find(|(pl, _)| pl.eq_ignore_ascii_case(&p)).map(|(_, c)| *c)
}

/// Places of the gazetteer named in `text`: (byte offset, council), longest match first, never
/// inside a longer capitalised name or at the start of a sentence ("Reading the report").
pub fn place_mentions(text: &str, exclude: &[String]) -> Vec<(usize, &'static str)> {
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let mut out = Vec::new();
    for (place, council) in GAZETTEER.iter() {
        if exclude.iter().any(|e| e.eq_ignore_ascii_case(place)) {
            continue;
        }
        for (at, _) in text.match_indices(place) {
            let end = at + place.len();
            let before = text[..at].trim_end_matches(' ');
            let word_start = !text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '-');
            let word_end = !text[end..].starts_with(|c: char| c.is_alphanumeric() || c == '-');
            let sentence_start = before.is_empty() || before.ends_with(['.', '\n', '"', '“', '‘', ':', '!', '?']);
            let in_name = before.rsplit(' ').next().is_some_and(|w| w.starts_with(|c: char| c.is_uppercase()) && !w.ends_with(',') && w != "In");
            // "Kent Police", "Leeds United", "Durham University": another body, not the council's place
            let name_goes_on = text[end..].strip_prefix(' ').is_some_and(|r| r.starts_with(|c: char| c.is_uppercase()));
            if word_start && word_end && !sentence_start && !in_name && !name_goes_on && !taken.iter().any(|&(s, e)| at < e && s < end) {
                taken.push((at, end));
                out.push((at, *council));
            }
        }
    }
    out.sort();
    out
}

#[derive(Debug, Clone, Default)]
pub struct Bodies {
    pub list: Vec<Body>,
    /// The place the article is about, for articles that never name its council ("Leeds had ...").
    pub place: Option<String>,
    /// That place's council, when the gazetteer knows the place.
    pub place_council: Option<String>,
}

/// Capitalised words that are not places.
const NOT_PLACES: &[&str] = &[
    "Ofsted", "Council", "Cllr", "Councillor", "Mr", "Mrs", "Ms", "Miss", "Dr", "Sir", "Dame", "I", "The", "A", "Children", "Children's", "Services", "England", "English", "UK", "Britain", "British",
    "Government", "Department", "Education", "Labour", "Conservative", "Conservatives", "Liberal", "Democrat", "Democrats", "Green", "Reform", "Independent", "Trust", "County", "City", "Borough",
    "Local", "Democracy", "Reporting", "Service", "Partnership", "Police", "Covid", "Covid-19", "ILACS", "SEND", "MP", "MPs", "Facebook", "Twitter", "Monday", "Tuesday", "Wednesday",
    "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December", "Inspectors",
    "Inspector", "Director", "Leader", "Chief", "Executive", "Cabinet", "Member", "Care", "Read", "More", "News", "Image", "Photo", "Picture", "Getty", "PA", "BBC", "Secretary", "State",
    "Minister", "Parliament", "Commons", "House", "Regional", "National", "Social", "Work", "Workers", "Good", "Outstanding", "Inadequate", "Requires", "Improvement", "Overall",
];

/// The most-mentioned capitalised word that stands alone mid-sentence and is not a person's
/// name part: in these articles, the place ("Leeds had ...", "Cornwall's children").
fn subject_place(text: &str, exclude: &[String]) -> Option<String> {
    let mut counts: Vec<(String, usize, bool)> = Vec::new();
    for sentence in text.split(['.', '!', '?', '\n']) {
        let words: Vec<&str> = sentence.split_whitespace().collect();
        for i in 1..words.len() {
            let w = words[i].trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’');
            let w = w.trim_end_matches("'s").trim_end_matches("’s").trim_end_matches(['\'', '’']);
            let capitalised = |x: &str| x.trim_matches(|c: char| !c.is_alphanumeric()).starts_with(|c: char| c.is_uppercase());
            let alone = !capitalised(words[i - 1]) && words.get(i + 1).is_none_or(|n| !capitalised(n) || words[i].ends_with(','));
            if w.len() < 3 || !w.starts_with(|c: char| c.is_uppercase()) || !w.chars().all(|c| c.is_alphabetic() || c == '-') || !alone {
                continue;
            }
            if NOT_PLACES.contains(&w) || exclude.iter().any(|e| e.eq_ignore_ascii_case(w)) {
                continue;
            }
            // a place shows up as one somewhere: "in Leeds", "across Cornwall", "Leeds's children"
            let prev = words[i - 1].to_lowercase();
            let placed = matches!(prev.as_str(), "in" | "across" | "from" | "around" | "throughout") || words[i].contains("'s") || words[i].contains("’s");
            match counts.iter_mut().find(|(n, _, _)| n == w) {
                Some((_, c, p)) => {
                    *c += 1;
                    *p |= placed;
                }
                None => counts.push((w.to_string(), 1, placed)),
            }
        }
    }
    counts.retain(|(_, _, placed)| *placed);
    let best = counts.iter().map(|(_, c, _)| *c).max().filter(|&c| c >= 2)?;
    counts.into_iter().find(|(_, c, _)| *c == best).map(|(n, _, _)| n)
}

impl Bodies {
    /// Bodies, and the subject place; `people` are name words that must not be taken for a place.
    /// Lines in capitals are read in title case ([`crate::text::case::unshout`]).
    pub fn find_with(text: &str, people: &[String]) -> Bodies {
        let text = &*crate::text::case::unshout(text);
        let mut b = Bodies::find(text);
        b.place = subject_place(text, people);
        // the most-named gazetteer place, else the heuristic place if the gazetteer knows it
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for (_, c) in place_mentions(text, people) {
            match counts.iter_mut().find(|(n, _)| *n == c) {
                Some((_, k)) => *k += 1,
                None => counts.push((c, 1)),
            }
        }
        let best = counts.iter().map(|(_, k)| *k).max();
        b.place_council = counts.iter().find(|(_, k)| Some(*k) == best).map(|(c, _)| c.to_string()).or_else(|| b.place.as_deref().and_then(council_of_place).map(String::from));
        b
    }

    pub fn find(text: &str) -> Bodies {
        let mut list: Vec<Body> = Vec::new();
        for c in BODY.captures_iter(text) {
            let (m, kind) = if let Some(m) = c.name("council").or_else(|| c.name("royal")) {
                (m, BodyKind::Council)
            } else if let Some(m) = c.name("trust") {
                (m, trust_kind(m.as_str()))
            } else if let Some(m) = c.name("company") {
                // "Minister for Children", "Cabinet Member for Children": a role, not a company
                const ROLES: &[&str] = &["Minister", "Commissioner", "Member", "Lead", "Secretary", "Director", "Holder", "Spokesperson", "Champion", "Cabinet", "Executive", "Councillor", "Department", "Services", "Office", "Officer", "Portfolio", "Deputy", "Shadow", "Chair"];
                if m.as_str().split_whitespace().any(|w| ROLES.contains(&w)) {
                    continue;
                }
                (m, BodyKind::Trust)

            } else {
                (c.name("other").unwrap(), BodyKind::Other)
            };
            for part in split_councils(m.as_str()) {
                // "Children in Care Council", "Youth Council": forums of young people, not authorities
                if kind == BodyKind::Council && (part.ends_with("Care Council") || part.ends_with("Youth Council")) {
                    continue;
                }
                // "Birmingham Children's Trust and Birmingham City Council": the trust half is a trust
                let kind = if kind == BodyKind::Council && part.ends_with("Trust") { trust_kind(part) } else { kind };
                let Some(name) = normalise(part) else { continue };
                match list.iter_mut().find(|b| b.name == name) {
                    Some(b) => b.mentions += 1,
                    None => list.push(Body { name, kind, mentions: 1 }),
                }
            }
        }
        Bodies { list, place: None, place_council: None }
    }

    /// The most-named body of a kind (first named on ties).
    fn top(&self, keep: impl Fn(&Body) -> bool) -> Option<&Body> {
        self.list.iter().filter(|b| keep(b)).fold(None, |best: Option<&Body>, b| match best {
            Some(x) if x.mentions >= b.mentions => Some(x),
            _ => Some(b),
        })
    }

    /// The authority the article is about: its most-named council or children's trust.
    pub fn subject(&self) -> Option<&Body> {
        self.top(|b| b.kind.is_authority())
    }
    pub fn council(&self) -> Option<&Body> {
        self.top(|b| b.kind == BodyKind::Council)
    }
    pub fn trust(&self) -> Option<&Body> {
        self.top(|b| b.kind == BodyKind::Trust)
    }

    /// The article's council: named, or the council of its trust's place, or of its subject place.
    pub fn council_name(&self) -> Option<String> {
        self.council()
            .map(|b| b.name.clone())
            .or_else(|| self.council_of_trust())
            .or_else(|| self.place_council.clone())
            .or_else(|| self.subject().is_none().then(|| self.place.as_ref().map(|p| format!("{p} Council"))).flatten())
            .or_else(|| self.subject().map(|b| b.name.clone()))
    }

    /// With no council named, the council a place-named trust works for: "Sandwell Children's Trust" -> "Sandwell Council".
    fn council_of_trust(&self) -> Option<String> {
        let place = self.trust()?.place();
        let named = !place.is_empty() && place.split_whitespace().all(|w| w.starts_with(|c: char| c.is_uppercase()));
        named.then(|| council_of_place(&place).map_or_else(|| format!("{place} Council"), String::from))
    }

    /// Normalise a reference to a body: "the council", "the trust", "Ofsted", "Doncaster",
    /// "Bradford Council". Unknown proper names are kept as written; common nouns give `None`.
    pub fn resolve(&self, reference: &str, prefer: Option<BodyKind>) -> Option<String> {
        let r = reference.trim().replace('’', "'");
        let lower = r.to_lowercase();
        let lower = lower.strip_prefix("the ").unwrap_or(&lower).trim();
        let subject_of = |kind: BodyKind| match kind {
            BodyKind::Council => self.council(),
            BodyKind::Trust => self.trust(),
            BodyKind::Other => None,
        };
        match lower {
            "" => return None,
            "ofsted" | "ofsted's" => return Some("Ofsted".into()),
            "government" | "department" | "department for education" | "dfe" => return Some("Department for Education".into()),
            "council" | "authority" | "local authority" | "city council" | "county council" | "borough council" | "district council" | "city" | "county" => {
                return self.council_name();
            }
            "trust" | "children's trust" | "company" => return self.trust().or_else(|| self.subject()).map(|b| b.name.clone()),
            _ => {}
        }
        if let Some(b) = self.list.iter().find(|b| b.name.eq_ignore_ascii_case(&r)) {
            return Some(b.name.clone());
        }
        if !r.starts_with(|c: char| c.is_uppercase()) {
            return None;
        }
        // a place or short name: the bodies whose name contains it, of the preferred kind first
        let words: Vec<String> = r.split_whitespace().map(str::to_lowercase).collect();
        let contains = |b: &Body| {
            let bw: Vec<String> = b.name.split_whitespace().map(str::to_lowercase).collect();
            bw.windows(words.len()).any(|w| w == words.as_slice())
        };
        let preferred = prefer.and_then(|k| self.top(|b| b.kind == k && contains(b)));
        if preferred.is_none() && prefer == Some(BodyKind::Council) && words.len() <= 3 && !r.ends_with("Council") {
            // a place that names no council here: "Doncaster's mayor" -> its council; only for a
            // known place or the article's own place, never "Labour's" or "the LGA's"
            if let Some(c) = council_of_place(&r) {
                return Some(c.to_string());
            }
            if self.place.as_deref() == Some(r.as_str()) {
                return Some(format!("{r} Council"));
            }
        }
        let pick = preferred
            .or_else(|| self.top(|b| b.kind.is_authority() && contains(b)))
            .or_else(|| self.top(contains));
        match pick {
            Some(b) => Some(b.name.clone()),
            // a bare place that names no body here: its council, if it is the subject's place
            None => Some(prefer.and_then(subject_of).filter(|b| b.name.starts_with(&r)).map_or(r.clone(), |b| b.name.clone())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regression_a_role_or_party_label_is_not_part_of_a_council_name() {
        let b = Bodies::find("The Leader of Leeds City Council spoke. Labour-run Leeds City Council agreed.");
        assert_eq!(b.list.iter().map(|b| (b.name.as_str(), b.mentions)).collect::<Vec<_>>(), [("Leeds City Council", 2)]);
    }

    #[test]
    fn a_name_may_open_with_st_and_a_full_stop_and_a_heading_in_capitals_names_a_body() {
        let b = Bodies::find_with("ST. ALBANS COUNCIL – SCRUTINY\nSt. Helens Borough Council was rated good.", &[]);
        let mut names: Vec<&str> = b.list.iter().map(|b| b.name.as_str()).collect();
        names.sort();
        assert_eq!(names, ["St. Albans Council", "St. Helens Borough Council"]);
    }

    #[test]
    fn regression_a_name_never_runs_across_lines() {
        let b = Bodies::find("By Ann Lee\n\nMarch\n\nBarnsley Council was rated good.");
        assert_eq!(b.list.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(), ["Barnsley Council"]);
    }

    const TEXT: &str = "Sandwell Children's Trust was rated good. The Sandwell Children’s Trust board met. \
        Sandwell Council said. Today Kent County Council was not. The City Council agreed. Ofsted's report, \
        and the Royal Borough of Kingston upon Thames, and Slough Children First.";

    #[test]
    fn bodies_are_found_normalised_and_counted() {
        let b = Bodies::find(TEXT);
        let names: Vec<(&str, BodyKind, usize)> = b.list.iter().map(|b| (b.name.as_str(), b.kind, b.mentions)).collect();
        assert_eq!(
            names,
            [
                ("Sandwell Children's Trust", BodyKind::Trust, 2),
                ("Sandwell Council", BodyKind::Council, 1),
                ("Kent County Council", BodyKind::Council, 1),
                ("Ofsted", BodyKind::Other, 1),
                ("Royal Borough of Kingston upon Thames", BodyKind::Council, 1),
                ("Slough Children First", BodyKind::Trust, 1),
            ]
        );
        assert_eq!(b.subject().unwrap().name, "Sandwell Children's Trust");
        assert_eq!(b.council().unwrap().name, "Sandwell Council");
    }

    #[test]
    fn references_resolve_to_the_articles_bodies() {
        let b = Bodies::find(TEXT);
        assert_eq!(b.resolve("the council", None).as_deref(), Some("Sandwell Council"));
        assert_eq!(b.resolve("The trust", None).as_deref(), Some("Sandwell Children's Trust"));
        assert_eq!(b.resolve("Ofsted", None).as_deref(), Some("Ofsted"));
        assert_eq!(b.resolve("Sandwell", Some(BodyKind::Council)).as_deref(), Some("Sandwell Council"));
        assert_eq!(b.resolve("Sandwell", None).as_deref(), Some("Sandwell Children's Trust"));
        assert_eq!(b.resolve("Kingston", None).as_deref(), Some("Royal Borough of Kingston upon Thames"));
        assert_eq!(b.resolve("Unison", None).as_deref(), Some("Unison"));
        assert_eq!(b.resolve("a local charity", None), None);
        assert_eq!(Bodies::find("No bodies named here.").subject(), None);
    }

    #[test]
    fn the_gazetteer_names_the_council_of_a_place_the_article_never_names_as_a_body() {
        let t = "Children's services in Leicestershire have been judged good. Reading the report, staff in Leicestershire were pleased. Sutton said so.";
        let b = Bodies::find_with(t, &["sutton".into()]);
        assert_eq!(b.place_council.as_deref(), Some("Leicestershire County Council"));
        assert_eq!(b.council_name().as_deref(), Some("Leicestershire County Council"));
        assert_eq!(council_of_place("North Yorkshire"), Some("North Yorkshire Council"));
        let m: Vec<&str> = place_mentions("Leaders in North Yorkshire and in York met. Reading was not inspected.", &[]).into_iter().map(|(_, c)| c).collect();
        assert_eq!(m, ["North Yorkshire Council", "City of York Council"], "longest place first; sentence-initial words are not places");
    }

    #[test]
    fn an_article_that_never_names_its_council_gets_the_council_of_its_place() {
        let t = "Children in Riverton are safer, inspectors say. Services in Riverton had improved since 2019. Ann Birch said Riverton keeps getting better. Birch thanked staff in Riverton. Birch added more.";
        let b = Bodies::find_with(t, &["ann".into(), "birch".into()]);
        assert_eq!(b.place.as_deref(), Some("Riverton"));
        assert_eq!(b.resolve("the council", None).as_deref(), Some("Riverton Council"));
        assert_eq!(Bodies::find_with(t, &[]).place.as_deref(), Some("Riverton"), "Birch is mostly sentence-initial");
        assert_eq!(Bodies::find_with("Leeds had one mention.", &[]).place, None, "one mention is not enough");
        let t = "The Head of Practice spoke. Staff said Practice had changed and that Practice was better.";
        assert_eq!(Bodies::find_with(t, &[]).place, None, "a capitalised word never used as a place is not one");
    }

    #[test]
    fn a_bodys_place_is_its_name_without_the_generic_words() {
        let place = |name: &str| Body { name: name.into(), kind: BodyKind::Council, mentions: 1 }.place();
        assert_eq!(place("Sandwell Children's Trust"), "Sandwell");
        assert_eq!(place("Royal Borough of Greenwich"), "Greenwich");
        assert_eq!(place("Windsor and Maidenhead Council"), "Windsor and Maidenhead");
        assert_eq!(place("Kent County Council"), "Kent");
        assert_eq!(place("Children First"), "");
        let trust = |name: &str| Bodies { list: vec![Body { name: name.into(), kind: BodyKind::Trust, mentions: 1 }], ..Bodies::default() }.council_name();
        assert_eq!(trust("Sandwell Children's Trust").as_deref(), Some("Sandwell Council"));
        assert_eq!(trust("Achieving for Children").as_deref(), Some("Achieving for Children"), "no place in the name: the trust itself");
    }

    #[test]
    fn council_names_with_ampersands_with_and_london_borough_forms() {
        let b = Bodies::find("Telmere & Wrekford Council met. Ashby with Carrow Council agreed. The London Borough of Hanwick replied.");
        let names: Vec<&str> = b.list.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["Telmere & Wrekford Council", "Ashby with Carrow Council", "London Borough of Hanwick"]);
        assert_eq!(b.list[2].place(), "Hanwick");
    }

    #[test]
    fn two_councils_in_one_run_of_capitals_are_two_bodies_and_a_trust_half_is_a_trust() {
        let b = Bodies::find("Wexcombe County Council and Harlby City Council agreed. Selby Children's Trust and Selby Council signed it.");
        let names: Vec<(&str, BodyKind)> = b.list.iter().map(|b| (b.name.as_str(), b.kind)).collect();
        assert_eq!(names, [("Wexcombe County Council", BodyKind::Council), ("Harlby City Council", BodyKind::Council), ("Selby Children's Trust", BodyKind::Trust), ("Selby Council", BodyKind::Council)]);
    }

    #[test]
    fn forums_of_young_people_and_companies_for_children() {
        let b = Bodies::find("Jo, who chairs the Children in Care Council, spoke. Bright Steps for Children runs the service for Dunford Council. The Minister for Children and the Cabinet Member for Children agreed.");
        let names: Vec<(&str, BodyKind)> = b.list.iter().map(|b| (b.name.as_str(), b.kind)).collect();
        assert_eq!(names, [("Bright Steps for Children", BodyKind::Trust), ("Dunford Council", BodyKind::Council)]);
    }
}
