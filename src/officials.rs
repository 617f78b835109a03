//! Named officials: person mentions from the NER stage, linked within an article, with title,
//! role and organisation read from the words around the name.

use crate::ner::PersonSpan;
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Official {
    pub name: String,
    pub title: String,
    pub role: String,
    pub organisation: String,
    pub is_official: bool,
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

const TITLES: &[&str] = &["Cllr", "Councillor", "Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Sir", "Dame", "Prof", "Professor", "Lord", "Lady", "Baroness", "Rev"];

/// Words that make a phrase a role ("director of children's services", "council leader").
static ROLE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(director|leader|member|councillor|executive|inspector|chair|chairman|chairwoman|chairperson|head|manager|officer|minister|secretary|commissioner|lead|mayor|spokes(?:person|man|woman)|reporter|journalist|correspondent|editor|photographer|mp|chief|deputy|holder|president|founder|partner|consultant|principal|worker|governor|cabinet|assistant|advisor|adviser|coordinator|campaigner|carer|parent|mother|father|foster)\b").unwrap()
});
static OFFICIAL_ROLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(council|councillor|cabinet|director|leader of|chief executive|inspector|ofsted|minister|secretary of state|mayor|commissioner|safeguarding|scrutiny|corporate parenting|lead member|portfolio holder|children's services|children’s services|trust|MP)\b").unwrap()
});
static NOT_OFFICIAL_ROLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(reporter|journalist|correspondent|editor|photographer|democracy reporting|parent|mother|father|carer|care leaver|campaigner)\b").unwrap()
});
/// A body named inside a role phrase: "at Barnsley Council", "of Ofsted", "for the Department for Education".
static ORG_IN_ROLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:at|of|for|from|with)\s+((?:the\s+)?(?:[A-Z][\w'’&-]*\s+)*(?:Council|Trust|Ofsted|Education|Partnership|Children First|Together for Children|Agency|NHS|Board|Department|Government|Association|Union|Commission))\b").unwrap()
});
/// Authority names in running text: "Barnsley Council", "Kent County Council", "Sandwell Children's Trust".
static AUTHORITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b((?:[A-Z][\w'’-]*\s+(?:and\s+|upon\s+|of\s+)?){1,4}(?:County\s+|City\s+|Borough\s+|Metropolitan\s+Borough\s+|District\s+)?(?:Council|Children['’]s\s+Trust|Children\s+First))\b").unwrap()
});

/// The authority an article is about: the one it names most often (first on ties).
pub fn subject_authority(text: &str) -> Option<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for m in AUTHORITY.captures_iter(text) {
        let name = normalise_authority(&m[1]);
        if name.is_empty() {
            continue;
        }
        match counts.iter_mut().find(|(n, _)| *n == name) {
            Some((_, c)) => *c += 1,
            None => counts.push((name, 1)),
        }
    }
    let best = counts.iter().map(|(_, c)| *c).max()?;
    counts.into_iter().find(|(_, c)| *c == best).map(|(n, _)| n)
}

fn normalise_authority(raw: &str) -> String {
    let words: Vec<&str> = raw.split_whitespace().collect();
    // drop sentence-initial or generic lead words: "The Council", "Today Barnsley Council"
    let skip = words.iter().take_while(|w| matches!(w.to_lowercase().as_str(), "the" | "a" | "by" | "in" | "at" | "and" | "of")).count();
    let words = &words[skip..];
    if words.len() < 2 || words[0].eq_ignore_ascii_case("county") || words[0].eq_ignore_ascii_case("city") && words.len() == 2 {
        return String::new();
    }
    words.join(" ").replace('’', "'")
}

fn title_before(text: &str, start: usize) -> Option<(&'static str, usize)> {
    let before = text[..start].trim_end();
    let word_start = before.rfind(|c: char| c.is_whitespace() || c == '(' || c == '“' || c == '"').map_or(0, |i| i + 1);
    let word = before[word_start..].trim_end_matches('.');
    TITLES.iter().find(|t| **t == word).map(|t| (*t, word_start))
}

/// Role phrase after the name: "Name, director of children's services, said".
fn role_after(sentence: &str, name_end: usize) -> Option<String> {
    let rest = &sentence[name_end..];
    let rest = rest.strip_prefix(',').or_else(|| rest.strip_prefix(" –")).or_else(|| rest.strip_prefix(" -"))?;
    let stop = rest.find([',', ';', '(', ')', '“', '”', '"', '.']).unwrap_or(rest.len());
    let phrase = rest[..stop].trim();
    let phrase = phrase.strip_suffix(" said").or_else(|| phrase.strip_suffix(" says")).or_else(|| phrase.strip_suffix(" added")).unwrap_or(phrase);
    let phrase = phrase.strip_prefix("who is ").or_else(|| phrase.strip_prefix("the ")).map(str::trim).unwrap_or(phrase);
    (!phrase.is_empty() && phrase.split_whitespace().count() <= 14 && ROLE_WORD.is_match(phrase)).then(|| phrase.to_string())
}

/// Role phrase right before the name (and its title): "council leader Cllr Name".
fn role_before(sentence: &str, start: usize) -> Option<String> {
    let head = sentence[..start].trim_end();
    let cut = head.rfind([',', ';', ':', '(', ')', '“', '”', '"', '.', '–', '—']).map_or(0, |i| i + head[i..].chars().next().map_or(1, char::len_utf8));
    let mut words: Vec<&str> = head[cut..].split_whitespace().collect();
    const STOP: &[&str] = &["said", "says", "added", "by", "and", "with", "to", "from", "according", "told", "when", "as", "that", "while", "but", "pictured"];
    if let Some(p) = words.iter().rposition(|w| STOP.contains(&w.to_lowercase().as_str())) {
        words.drain(..=p);
    }
    // "both the authority's chief executive" -> "chief executive"
    while let Some(w) = words.first() {
        let l = w.to_lowercase().replace('’', "'");
        let generic = matches!(l.as_str(), "the" | "a" | "an" | "both" | "its" | "their" | "his" | "her" | "also" | "now");
        let possessive_body = matches!(l.as_str(), "council's" | "authority's" | "trust's" | "county's" | "city's");
        if generic || possessive_body {
            words.remove(0);
        } else {
            break;
        }
    }
    let phrase = words.join(" ");
    let phrase = phrase.trim_end_matches("'s").trim_end_matches("’s").trim();
    (!phrase.is_empty() && words.len() <= 10 && ROLE_WORD.is_match(phrase)).then(|| phrase.to_string())
}

/// Split "director of children's services at Barnsley Council" into role and named body.
fn split_organisation(role: &str) -> (String, Option<String>) {
    if let Some(c) = ORG_IN_ROLE.captures(role) {
        let m = c.get(0).unwrap();
        let org = c[1].trim_start_matches("the ").to_string();
        let lead = &role[..m.start()];
        if m.as_str().starts_with("at ") || m.as_str().starts_with("from ") {
            return (lead.trim().trim_end_matches(',').to_string(), Some(org));
        }
        return (role.to_string(), Some(org));
    }
    (role.to_string(), None)
}

fn infer_organisation(role: &str, title: &str, subject: Option<&str>) -> String {
    let r = role.to_lowercase();
    if r.contains("ofsted") || r.contains("inspector") || r.contains("regional director") {
        return "Ofsted".into();
    }
    if r.contains("minister") || r.contains("secretary of state") || r.contains("department for education") {
        return "Department for Education".into();
    }
    let council_role = ["council", "cabinet", "director", "chief executive", "lead member", "portfolio", "councillor", "mayor", "corporate parenting", "leader"];
    if title.starts_with("C") && title != "Cllr" && title != "Councillor" {
        return String::new();
    }
    if title == "Cllr" || title == "Councillor" || council_role.iter().any(|k| r.contains(k)) {
        return subject.unwrap_or("").to_string();
    }
    String::new()
}

/// The NER model sometimes tags a title ("Cllr Reyes") or a post-nominal ("Jo Bloggs MP") as
/// part of the name; move them out so `name` is the bare name. Returns the post-nominal found.
fn strip_honorifics(text: &str, m: &Mention) -> (Mention, String) {
    let mut out = m.clone();
    loop {
        let span = &text[out.start..out.end];
        let first = span.split_whitespace().next().unwrap_or("");
        let bare = first.trim_end_matches('.');
        if span.split_whitespace().count() > 1 && TITLES.contains(&bare) {
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
    (out, post)
}

fn name_tokens(name: &str) -> Vec<String> {
    name.split(|c: char| c.is_whitespace() || c == '-').filter(|t| !t.is_empty()).map(str::to_lowercase).collect()
}

/// Build one official per person from an article's mentions (in text order).
pub fn resolve(text: &str, mentions: &[Mention]) -> Vec<Official> {
    let subject = subject_authority(text);
    let mut people: Vec<Official> = Vec::new();
    let mut first_tokens: Vec<Vec<String>> = Vec::new();
    for m in mentions {
        let (m, post_nominal) = &strip_honorifics(text, m);
        let name = text[m.start..m.end].trim().to_string();
        let tokens = name_tokens(&name);
        if tokens.is_empty() {
            continue;
        }
        let title_hit = title_before(text, m.start);
        let title = title_hit.map(|t| t.0).unwrap_or("");
        let (ss, se) = m.sentence;
        let sentence = &text[ss..se];
        let name_start = title_hit.map(|t| t.1).unwrap_or(m.start) - ss;
        let after = if post_nominal.is_empty() { m.end } else { m.end + text[m.end..].find(post_nominal.as_str()).map_or(0, |i| i + post_nominal.len()) };
        let role = role_after(sentence, after - ss)
            .or_else(|| role_before(sentence, name_start))
            .or_else(|| (post_nominal == "MP").then(|| "MP".to_string()));
        // a later mention ("Ms Smith", "Smith") joins the person whose name contains its words
        let existing = first_tokens.iter().position(|full| tokens.iter().all(|t| full.contains(t)) || full.iter().all(|t| tokens.contains(t)));
        match existing {
            Some(i) => {
                let p = &mut people[i];
                if tokens.len() > first_tokens[i].len() {
                    p.name = name;
                    first_tokens[i] = tokens;
                }
                if p.title.is_empty() {
                    p.title = title.to_string();
                }
                if p.role.is_empty() {
                    if let Some(r) = role {
                        let (r, org) = split_organisation(&r);
                        p.role = r;
                        if let Some(o) = org {
                            p.organisation = o;
                        }
                    }
                }
                p.confidence = p.confidence.max(m.confidence);
            }
            None => {
                if tokens.len() < 2 && title.is_empty() {
                    continue; // a lone word with no title is too often not a person
                }
                let (role, org) = role.map(|r| split_organisation(&r)).unwrap_or_default();
                people.push(Official {
                    name,
                    title: title.to_string(),
                    role,
                    organisation: org.unwrap_or_default(),
                    is_official: false,
                    start: m.start,
                    end: m.end,
                    confidence: m.confidence,
                });
                first_tokens.push(tokens);
            }
        }
    }
    for p in &mut people {
        if p.organisation.is_empty() {
            p.organisation = infer_organisation(&p.role, &p.title, subject.as_deref());
        }
        let official_role = OFFICIAL_ROLE.is_match(&p.role) || p.title == "Cllr" || p.title == "Councillor";
        p.is_official = official_role && !NOT_OFFICIAL_ROLE.is_match(&p.role);
    }
    people
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mention(text: &str, name: &str) -> Mention {
        let s = text.find(name).unwrap();
        let sentence_start = text[..s].rfind(". ").map_or(0, |i| i + 2);
        let sentence_end = text[s..].find(". ").map_or(text.len(), |i| s + i + 1);
        Mention { start: s, end: s + name.len(), sentence: (sentence_start, sentence_end), confidence: 0.9 }
    }

    #[test]
    fn apposition_gives_role_and_organisation() {
        let t = "Jane Okafor, director of children's services at Barnsley Council, said staff had worked hard. Barnsley Council was rated good.";
        let o = resolve(t, &[mention(t, "Jane Okafor")]);
        assert_eq!(o.len(), 1);
        assert_eq!(o[0].role, "director of children's services");
        assert_eq!(o[0].organisation, "Barnsley Council");
        assert!(o[0].is_official);
        assert_eq!(&t[o[0].start..o[0].end], "Jane Okafor");
    }

    #[test]
    fn preceding_role_and_title_and_later_surname_mentions_link() {
        let t = "Kent County Council was judged good. Council leader Cllr Tom Reyes welcomed it. Cllr Reyes thanked staff.";
        let o = resolve(t, &[mention(t, "Tom Reyes"), mention(t, "Reyes thanked").clone()]);
        // second mention covers "Reyes" only
        let o2 = {
            let mut m = mention(t, "Reyes thanked");
            m.end = m.start + "Reyes".len();
            resolve(t, &[mention(t, "Tom Reyes"), m])
        };
        assert_eq!(o2.len(), 1, "{o2:?}");
        assert_eq!(o2[0].title, "Cllr");
        assert_eq!(o2[0].role, "Council leader");
        assert_eq!(o2[0].organisation, "Kent County Council");
        assert!(o2[0].is_official);
        assert!(!o.is_empty());
    }

    #[test]
    fn reporters_are_not_officials_and_lone_words_are_dropped() {
        let t = "By Sam Hughes, local democracy reporter. Inspectors praised Smith for nothing.";
        let o = resolve(t, &[mention(t, "Sam Hughes"), mention(t, "Smith")]);
        assert_eq!(o.len(), 1);
        assert_eq!(o[0].role, "local democracy reporter");
        assert!(!o[0].is_official);
    }

    #[test]
    fn titles_and_post_nominals_inside_the_ner_span_are_moved_out() {
        let t = "Cllr Ann Hale praised staff. Both the authority's chief executive Mo Ali and Cllr Hale spoke. Jo Bloggs MP said more was needed.";
        let mut ms = vec![mention(t, "Cllr Ann Hale"), mention(t, "Mo Ali"), mention(t, "Cllr Hale spoke")];
        ms[2].end = ms[2].start + "Cllr Hale".len();
        ms.push(mention(t, "Jo Bloggs MP"));
        let o = resolve(t, &ms);
        let names: Vec<_> = o.iter().map(|p| (p.name.as_str(), p.title.as_str(), p.role.as_str())).collect();
        assert_eq!(names, [("Ann Hale", "Cllr", ""), ("Mo Ali", "", "chief executive"), ("Jo Bloggs", "", "MP")]);
        assert_eq!(&t[o[0].start..o[0].end], "Ann Hale");
    }

    #[test]
    fn subject_authority_is_the_most_named_body() {
        let t = "The Council said. Sandwell Children's Trust was rated good. The Sandwell Children’s Trust board met. Kent County Council was not.";
        assert_eq!(subject_authority(t).as_deref(), Some("Sandwell Children's Trust"));
        assert_eq!(subject_authority("No bodies named here."), None);
    }
}
