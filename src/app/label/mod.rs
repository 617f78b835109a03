//! `ofsted label DIR`: turn a folder of new articles into training data in the browser.
//!
//! The folder's files are the truth, in the corpus format (`articles/`, `sentences.csv`,
//! `officials.csv`, `grades.csv`), so `train --data DIR` reads them as they are; `notes.csv` and
//! `checked.csv` hold what the corpus format has no column for. Every change rewrites its file
//! atomically before the browser hears back, so closing the browser or killing the server loses
//! nothing, and starting again resumes. The model's labels are suggestions only: `sentences.csv`
//! holds the units a person labelled, never a guess.

pub mod server;

use crate::error::{Error, Result};
use crate::grade::{Grade, JudgementArea};
use crate::io::corpus::{self, GoldGrade, GoldOfficial, LabelledSet};
use crate::io::output::write_csv;
use crate::label::Label;
use crate::pipeline::Doc;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub const SENTENCES: &str = "sentences.csv";
pub const OFFICIALS: &str = "officials.csv";
pub const GRADES: &str = "grades.csv";
pub const NOTES: &str = "notes.csv";
pub const CHECKED: &str = "checked.csv";

const SENTENCE_COLUMNS: &[&str] = &["article_id", "start", "end", "label", "text"];
const OFFICIAL_COLUMNS: &[&str] = &["article_id", "name", "title", "role", "organisation", "is_official", "ward", "party"];
const GRADE_COLUMNS: &[&str] = &["article_id", "authority", "judgement_area", "grade"];
const NOTE_COLUMNS: &[&str] = &["article_id", "start", "end", "note", "text"];
const CHECKED_COLUMNS: &[&str] = &["article_id", "part"];

/// A unit the segmenter found, with the model's suggestion.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Suggestion {
    pub start: usize,
    pub end: usize,
    pub label: Label,
    /// In [`Label::ALL`] order.
    pub probs: [f32; 3],
}

impl Suggestion {
    pub fn confidence(&self) -> f32 {
        self.probs[self.label.index()]
    }
}

/// One article of the folder as the model read it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Article {
    pub id: String,
    pub text: String,
    pub units: Vec<Suggestion>,
    /// The model's officials and grades: shown until a person checks the article's rows.
    pub officials: Vec<GoldOfficial>,
    pub grades: Vec<GoldGrade>,
    /// The pipeline failed on it (it has no units then).
    pub error: Option<String>,
}

impl Article {
    pub fn from_doc(d: &Doc) -> Article {
        let id = d.article.id.clone();
        let units = d.classified().map(|u| Suggestion { start: u.start, end: u.end, label: u.label, probs: [u.p_strength, u.p_improvement, u.p_other] }).collect();
        let officials = d
            .officials
            .iter()
            .map(|o| GoldOfficial { article_id: id.clone(), name: o.name.clone(), title: o.title.clone(), role: o.role.clone(), organisation: o.organisation.clone(), is_official: o.is_official, ward: o.ward.clone(), party: o.party.clone() })
            .collect();
        let mut grades: Vec<GoldGrade> = Vec::new();
        for g in &d.grades {
            let row = GoldGrade { article_id: id.clone(), authority: g.authority.clone(), judgement_area: g.judgement_area, grade: g.grade };
            if !grades.contains(&row) {
                grades.push(row);
            }
        }
        Article { id, text: d.article.text.clone(), units, officials, grades, error: d.error.as_ref().map(|e| e.to_string()) }
    }
}

/// A unit of an article, by its byte offsets.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct UnitKey {
    pub article_id: String,
    pub start: usize,
    pub end: usize,
}

/// Which of an article's row lists a person has checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    Officials,
    Grades,
}

/// A request the session turns down: the server answers 404 or 400 with the message.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Save(#[from] Error),
}

/// A grade row as the page sends it; area and grade are checked against the guide's sets.
#[derive(Debug, Clone, Deserialize)]
pub struct GradeInput {
    pub authority: String,
    pub judgement_area: String,
    pub grade: String,
}

/// What one change replaced, so undo can put it back.
#[derive(Debug, Clone)]
enum Change {
    Label(UnitKey, Option<Label>),
    Note(UnitKey, Option<String>),
    Officials(String, Option<Vec<GoldOfficial>>),
    Grades(String, Option<Vec<GoldGrade>>),
}

/// What an undo put back, for the page to show.
#[derive(Debug, Clone, Serialize)]
pub struct Undone {
    pub what: &'static str,
    pub article_id: String,
    /// The unit, for a label or a note.
    pub start: Option<usize>,
    pub end: Option<usize>,
}

/// How far the labelling has gone (the page's header).
#[derive(Debug, Clone, Serialize)]
pub struct Tally {
    /// Units to label (those a row in sentences.csv covers with other offsets are not counted).
    pub units: usize,
    pub labelled: usize,
    /// Labelled units by label, in [`Label::ALL`] order.
    pub by_label: [usize; 3],
    /// Labelled units where the person chose the model's suggestion.
    pub agreed: usize,
    pub articles: usize,
    pub officials_checked: usize,
    pub grades_checked: usize,
}

/// A unit waiting for a label, with the article around it.
#[derive(Debug, Clone, Serialize)]
pub struct QueueItem {
    pub article_id: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub suggestion: Label,
    pub probs: [f32; 3],
    /// 0-based position of the unit in its article, and the article's unit count.
    pub index: usize,
    pub of: usize,
    pub headline: Option<String>,
    /// Up to two units before and one after, in article order.
    pub before: Vec<String>,
    pub after: Vec<String>,
}

/// The labelling state of one folder.
pub struct Session {
    dir: PathBuf,
    articles: BTreeMap<String, Article>,
    labels: BTreeMap<UnitKey, Label>,
    /// Rows of sentences.csv that are no unit of the segmenter (labelled by hand with other
    /// offsets): written back as they are, and the units they overlap are not asked for.
    kept: Vec<corpus::LabelledUnit>,
    covered: BTreeSet<UnitKey>,
    notes: BTreeMap<UnitKey, String>,
    officials: BTreeMap<String, Vec<GoldOfficial>>,
    grades: BTreeMap<String, Vec<GoldGrade>>,
    undo: Vec<Change>,
}

/// The problems of a folder's files, as one error naming each file and line.
fn problems(dir: &Path, errs: &[Error]) -> Error {
    corpus::report(dir, "in the folder's files; mend them and start again", errs)
}

/// Make the folder's label files exist (header only when new), so a fresh folder of articles
/// loads like a labelled one; then load and check every row against its article.
pub fn open_folder(dir: &Path) -> Result<LabelledSet> {
    if !dir.join("articles").is_dir() {
        return Err(Error::Config(format!("{}: no articles/ folder (put one .txt file per article in {})", dir.display(), dir.join("articles").display())));
    }
    for (file, columns) in [(SENTENCES, SENTENCE_COLUMNS), (OFFICIALS, OFFICIAL_COLUMNS), (GRADES, GRADE_COLUMNS)] {
        let path = dir.join(file);
        if !path.exists() {
            write_csv(&path, columns, std::iter::empty::<()>())?;
        }
    }
    LabelledSet::load(dir).map_err(|errs| problems(dir, &errs))
}

#[derive(Deserialize)]
struct NoteRow {
    article_id: String,
    start: usize,
    end: usize,
    note: String,
}

#[derive(Deserialize)]
struct CheckedRow {
    article_id: String,
    part: Part,
}

impl Session {
    /// The session of `set` (from [`open_folder`]) with the model's reading of its articles.
    /// Every problem in the folder's files is returned, each naming file and line.
    pub fn new(set: LabelledSet, articles: Vec<Article>) -> std::result::Result<Session, Vec<Error>> {
        let dir = set.dir.clone();
        let mut errors = Vec::new();
        let officials = set.officials().unwrap_or_else(|e| {
            errors.extend(e);
            Vec::new()
        });
        let grades = set.grades().unwrap_or_else(|e| {
            errors.extend(e);
            Vec::new()
        });
        let articles: BTreeMap<String, Article> = articles.into_iter().map(|a| (a.id.clone(), a)).collect();
        let mut s = Session { dir: dir.clone(), articles, labels: BTreeMap::new(), kept: Vec::new(), covered: BTreeSet::new(), notes: BTreeMap::new(), officials: BTreeMap::new(), grades: BTreeMap::new(), undo: Vec::new() };
        for u in set.units {
            let key = UnitKey { article_id: u.article_id.clone(), start: u.start, end: u.end };
            if s.unit(&key).is_some() {
                s.labels.insert(key, u.label);
            } else {
                s.kept.push(u);
            }
        }
        for k in &s.kept {
            if let Some(a) = s.articles.get(&k.article_id) {
                for u in a.units.iter().filter(|u| u.start < k.end && k.start < u.end) {
                    s.covered.insert(UnitKey { article_id: a.id.clone(), start: u.start, end: u.end });
                }
            }
        }
        for o in officials {
            s.officials.entry(o.article_id.clone()).or_default().push(o);
        }
        for g in grades {
            s.grades.entry(g.article_id.clone()).or_default().push(g);
        }
        let notes = dir.join(NOTES);
        if notes.exists() {
            let (parsed, errs) = corpus::read_rows::<NoteRow>(&notes);
            errors.extend(errs);
            for (line, r) in parsed {
                let key = UnitKey { article_id: r.article_id, start: r.start, end: r.end };
                if s.articles.get(&key.article_id).is_some_and(|a| a.text.get(key.start..key.end).is_some()) {
                    s.notes.insert(key, r.note);
                } else {
                    errors.push(Error::data(&notes, line, format!("article {:?} has no text at {}..{}", key.article_id, key.start, key.end)));
                }
            }
        }
        let checked = dir.join(CHECKED);
        if checked.exists() {
            let (parsed, errs) = corpus::read_rows::<CheckedRow>(&checked);
            errors.extend(errs);
            for (line, r) in parsed {
                if !s.articles.contains_key(&r.article_id) {
                    errors.push(Error::data(&checked, line, format!("no such article {:?}", r.article_id)));
                    continue;
                }
                // an entry, even an empty one, marks the article's rows checked
                match r.part {
                    Part::Officials => {
                        s.officials.entry(r.article_id).or_default();
                    }
                    Part::Grades => {
                        s.grades.entry(r.article_id).or_default();
                    }
                }
            }
        }
        if errors.is_empty() { Ok(s) } else { Err(errors) }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn articles(&self) -> impl Iterator<Item = &Article> {
        self.articles.values()
    }

    pub fn article(&self, id: &str) -> Option<&Article> {
        self.articles.get(id)
    }

    fn unit(&self, key: &UnitKey) -> Option<&Suggestion> {
        self.articles.get(&key.article_id)?.units.iter().find(|u| u.start == key.start && u.end == key.end)
    }

    pub fn label_of(&self, key: &UnitKey) -> Option<Label> {
        self.labels.get(key).copied()
    }

    pub fn note_of(&self, key: &UnitKey) -> Option<&str> {
        self.notes.get(key).map(String::as_str)
    }

    pub fn is_covered(&self, key: &UnitKey) -> bool {
        self.covered.contains(key)
    }

    /// An article's officials: the checked rows, else the model's (and whether they are checked).
    pub fn officials_of(&self, id: &str) -> (Vec<GoldOfficial>, bool) {
        match self.officials.get(id) {
            Some(rows) => (rows.clone(), true),
            None => (self.articles.get(id).map(|a| a.officials.clone()).unwrap_or_default(), false),
        }
    }

    pub fn grades_of(&self, id: &str) -> (Vec<GoldGrade>, bool) {
        match self.grades.get(id) {
            Some(rows) => (rows.clone(), true),
            None => (self.articles.get(id).map(|a| a.grades.clone()).unwrap_or_default(), false),
        }
    }

    pub fn progress(&self) -> Tally {
        let mut p = Tally { units: 0, labelled: 0, by_label: [0; 3], agreed: 0, articles: self.articles.len(), officials_checked: self.officials.len(), grades_checked: self.grades.len() };
        for a in self.articles.values() {
            for (_, u, label) in self.to_label(a) {
                p.units += 1;
                if let Some(l) = label {
                    p.labelled += 1;
                    p.by_label[l.index()] += 1;
                    p.agreed += usize::from(l == u.label);
                }
            }
        }
        p
    }

    /// An article's units that are asked for (not covered by a hand-made row), with their
    /// position in the article and the label a person gave, if any.
    pub fn to_label<'a>(&'a self, a: &'a Article) -> impl Iterator<Item = (usize, &'a Suggestion, Option<Label>)> + 'a {
        a.units.iter().enumerate().filter_map(move |(i, u)| {
            let key = UnitKey { article_id: a.id.clone(), start: u.start, end: u.end };
            (!self.covered.contains(&key)).then(|| (i, u, self.labels.get(&key).copied()))
        })
    }

    /// Units without a label, least confident suggestion first across all articles
    /// (uncertainty sampling: a person's label is worth most where the model is unsure).
    pub fn queue(&self, limit: usize) -> Vec<QueueItem> {
        let mut waiting: Vec<(f32, &Article, usize)> = Vec::new();
        for a in self.articles.values() {
            waiting.extend(self.to_label(a).filter(|(_, _, label)| label.is_none()).map(|(i, u, _)| (u.confidence(), a, i)));
        }
        waiting.sort_by(|x, y| x.0.total_cmp(&y.0).then_with(|| x.1.id.cmp(&y.1.id)).then(x.2.cmp(&y.2)));
        waiting.into_iter().take(limit).map(|(_, a, i)| queue_item(a, i)).collect()
    }

    pub fn set_label(&mut self, key: UnitKey, label: Option<Label>) -> std::result::Result<(), Refused> {
        if self.unit(&key).is_none() {
            return Err(self.no_unit(&key));
        }
        self.apply(Change::Label(key, label))
    }

    pub fn set_note(&mut self, key: UnitKey, note: String) -> std::result::Result<(), Refused> {
        if self.unit(&key).is_none() {
            return Err(self.no_unit(&key));
        }
        let note = note.trim().to_string();
        self.apply(Change::Note(key, (!note.is_empty()).then_some(note)))
    }

    /// Replace an article's people with `rows` (their `article_id` is taken from `id`).
    pub fn set_officials(&mut self, id: &str, rows: Vec<GoldOfficial>) -> std::result::Result<(), Refused> {
        self.known(id)?;
        let mut out = Vec::new();
        for (n, r) in rows.into_iter().enumerate() {
            let t = |s: String| s.trim().to_string();
            let name = t(r.name);
            if name.is_empty() {
                return Err(Refused::Invalid(format!("row {}: a person needs a name", n + 1)));
            }
            out.push(GoldOfficial { article_id: id.to_string(), name, title: t(r.title), role: t(r.role), organisation: t(r.organisation), is_official: r.is_official, ward: t(r.ward), party: t(r.party) });
        }
        self.apply(Change::Officials(id.to_string(), Some(out)))
    }

    pub fn set_grades(&mut self, id: &str, rows: Vec<GradeInput>) -> std::result::Result<(), Refused> {
        self.known(id)?;
        let mut out: Vec<GoldGrade> = Vec::new();
        for (n, r) in rows.into_iter().enumerate() {
            let bad = |m: String| Refused::Invalid(format!("row {}: {m}", n + 1));
            let authority = r.authority.trim().to_string();
            if authority.is_empty() {
                return Err(bad("a grade row needs an authority".into()));
            }
            let judgement_area: JudgementArea = r.judgement_area.parse().map_err(bad)?;
            let grade: Grade = r.grade.parse().map_err(bad)?;
            let row = GoldGrade { article_id: id.to_string(), authority, judgement_area, grade };
            if !out.contains(&row) {
                out.push(row);
            }
        }
        self.apply(Change::Grades(id.to_string(), Some(out)))
    }

    /// Put back what the last change replaced (changes of this server's run only).
    pub fn undo(&mut self) -> std::result::Result<Option<Undone>, Refused> {
        let Some(last) = self.undo.pop() else { return Ok(None) };
        let undone = match &last {
            Change::Label(k, _) => Undone { what: "label", article_id: k.article_id.clone(), start: Some(k.start), end: Some(k.end) },
            Change::Note(k, _) => Undone { what: "note", article_id: k.article_id.clone(), start: Some(k.start), end: Some(k.end) },
            Change::Officials(id, _) => Undone { what: "officials", article_id: id.clone(), start: None, end: None },
            Change::Grades(id, _) => Undone { what: "grades", article_id: id.clone(), start: None, end: None },
        };
        let inverse = self.swap(last);
        if let Err(e) = self.save(&inverse) {
            // the file still holds the change: keep memory the same, and undo stays possible
            let redo = self.swap(inverse);
            self.undo.push(redo);
            return Err(e.into());
        }
        Ok(Some(undone))
    }

    fn known(&self, id: &str) -> std::result::Result<(), Refused> {
        if self.articles.contains_key(id) { Ok(()) } else { Err(Refused::NotFound(format!("no article {id:?} in {}", self.dir.display()))) }
    }

    fn no_unit(&self, key: &UnitKey) -> Refused {
        match self.known(&key.article_id) {
            Err(e) => e,
            Ok(()) => Refused::NotFound(format!("article {:?} has no unit at {}..{}", key.article_id, key.start, key.end)),
        }
    }

    /// Make `change` in memory and return the change that reverses it.
    fn swap(&mut self, change: Change) -> Change {
        fn put<K: Ord + Clone, V>(map: &mut BTreeMap<K, V>, k: &K, v: Option<V>) -> Option<V> {
            match v {
                Some(v) => map.insert(k.clone(), v),
                None => map.remove(k),
            }
        }
        match change {
            Change::Label(k, v) => {
                let old = put(&mut self.labels, &k, v);
                Change::Label(k, old)
            }
            Change::Note(k, v) => {
                let old = put(&mut self.notes, &k, v);
                Change::Note(k, old)
            }
            Change::Officials(id, v) => {
                let old = put(&mut self.officials, &id, v);
                Change::Officials(id, old)
            }
            Change::Grades(id, v) => {
                let old = put(&mut self.grades, &id, v);
                Change::Grades(id, old)
            }
        }
    }

    /// Make a change and save it; if saving fails, memory goes back to what the files hold.
    fn apply(&mut self, change: Change) -> std::result::Result<(), Refused> {
        let inverse = self.swap(change);
        match self.save(&inverse) {
            Ok(()) => {
                self.undo.push(inverse);
                Ok(())
            }
            Err(e) => {
                self.swap(inverse);
                Err(e.into())
            }
        }
    }

    /// Rewrite the files a change of this kind touches, each atomically.
    fn save(&self, change: &Change) -> Result<()> {
        match change {
            Change::Label(..) => self.save_sentences(),
            Change::Note(..) => self.save_notes(),
            // rows first: killed between the two writes, an article keeps its rows (and rows
            // alone mark it checked), at worst an emptied list shows the model's rows again
            Change::Officials(..) => self.save_officials().and_then(|_| self.save_checked()),
            Change::Grades(..) => self.save_grades().and_then(|_| self.save_checked()),
        }
    }

    fn save_sentences(&self) -> Result<()> {
        #[derive(Serialize)]
        struct Out<'a> {
            article_id: &'a str,
            start: usize,
            end: usize,
            label: Label,
            text: &'a str,
        }
        let mut rows: Vec<Out> = self.labels.iter().filter_map(|(k, l)| self.articles.get(&k.article_id).map(|a| Out { article_id: &k.article_id, start: k.start, end: k.end, label: *l, text: &a.text[k.start..k.end] })).collect();
        rows.extend(self.kept.iter().map(|u| Out { article_id: &u.article_id, start: u.start, end: u.end, label: u.label, text: &u.text }));
        rows.sort_by(|a, b| (a.article_id, a.start, a.end).cmp(&(b.article_id, b.start, b.end)));
        write_csv(&self.dir.join(SENTENCES), SENTENCE_COLUMNS, rows)
    }

    fn save_notes(&self) -> Result<()> {
        let rows = self.notes.iter().map(|(k, n)| (&k.article_id, k.start, k.end, n, self.articles.get(&k.article_id).and_then(|a| a.text.get(k.start..k.end)).unwrap_or("")));
        write_csv(&self.dir.join(NOTES), NOTE_COLUMNS, rows)
    }

    fn save_officials(&self) -> Result<()> {
        write_csv(&self.dir.join(OFFICIALS), OFFICIAL_COLUMNS, self.officials.values().flatten())
    }

    fn save_grades(&self) -> Result<()> {
        write_csv(&self.dir.join(GRADES), GRADE_COLUMNS, self.grades.values().flatten())
    }

    fn save_checked(&self) -> Result<()> {
        let rows = self.officials.keys().map(|id| (id, Part::Officials)).chain(self.grades.keys().map(|id| (id, Part::Grades)));
        let mut rows: Vec<_> = rows.collect();
        rows.sort();
        write_csv(&self.dir.join(CHECKED), CHECKED_COLUMNS, rows)
    }
}

fn queue_item(a: &Article, i: usize) -> QueueItem {
    let u = &a.units[i];
    let text = |j: usize| a.text[a.units[j].start..a.units[j].end].to_string();
    QueueItem {
        article_id: a.id.clone(),
        start: u.start,
        end: u.end,
        text: text(i),
        suggestion: u.label,
        probs: u.probs,
        index: i,
        of: a.units.len(),
        headline: (i > 0).then(|| text(0)),
        before: (i.saturating_sub(2).max(1)..i).map(text).collect(),
        after: (i + 1..(i + 2).min(a.units.len())).map(text).collect(),
    }
}

/// The models' reading of the articles, kept in the folder so starting again takes seconds, not
/// a rerun of the models: reused for an article while its text and the models are the same.
pub const CACHE: &str = ".ofsted-label/suggestions.json";

#[derive(Serialize, Deserialize)]
struct Cache {
    /// sha256 of the program version and the models' files and precision.
    models: String,
    /// By article id: the sha256 of the text it was read from, and the reading.
    articles: BTreeMap<String, (String, Article)>,
}

/// Every article's reading: from the cache where its text and `models` (a description of the
/// models) are unchanged, else from `run` (given the articles it must read). The cache is then
/// rewritten atomically; a cache that cannot be read is ignored, one that cannot be written only
/// costs time next start. Returns the readings in `texts` order and how many came from the cache.
pub fn suggestions(dir: &Path, models: &serde_json::Value, texts: &BTreeMap<String, String>, run: impl FnOnce(Vec<(String, String)>) -> Result<Vec<Article>>) -> Result<(Vec<Article>, usize)> {
    use crate::io::digest::sha256_hex;
    let key = sha256_hex(format!("{} {models}", env!("CARGO_PKG_VERSION")).as_bytes());
    let path = dir.join(CACHE);
    let mut cached: BTreeMap<String, (String, Article)> = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice::<Cache>(&b).ok())
        .filter(|c| c.models == key)
        .map(|c| c.articles)
        .unwrap_or_default();
    let shas: BTreeMap<&String, String> = texts.iter().map(|(id, t)| (id, sha256_hex(t.as_bytes()))).collect();
    cached.retain(|id, (sha, _)| shas.get(id) == Some(sha));
    let todo: Vec<(String, String)> = texts.iter().filter(|(id, _)| !cached.contains_key(*id)).map(|(id, t)| (id.clone(), t.clone())).collect();
    let reused = texts.len() - todo.len();
    if !todo.is_empty() {
        for a in run(todo)? {
            let sha = shas.get(&a.id).cloned().unwrap_or_default();
            cached.insert(a.id.clone(), (sha, a));
        }
    }
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let cache = Cache { models: key, articles: cached };
    let _ = crate::io::output::write_json(&path, &cache);
    let articles = texts.keys().filter_map(|id| cache.articles.get(id).map(|(_, a)| a.clone())).collect();
    Ok((articles, reused))
}

/// The commands that come after labelling, for the page and the terminal.
pub fn next_steps(dir: &Path) -> Vec<String> {
    let d = dir.display();
    vec![
        format!("ofsted train --data corpus/ {d} --init models/default --out models/next"),
        "ofsted eval --out reports/default".to_string(),
        "ofsted eval --model models/next --out reports/next".to_string(),
        "ofsted eval --compare reports/default reports/next --out reports/diff".to_string(),
    ]
}

/// `ofsted label`: check the folder, read its articles with the models, then serve the page
/// until the process is stopped. `ready` gets the page's address once the server listens.
pub fn label(cfg: &crate::app::config::LabelConfig, ready: impl FnOnce(&str)) -> Result<()> {
    use crate::progress::{Mode, Progress};
    let mode = Mode::detect(cfg.quiet);
    let say = |m: &str| {
        if mode != Mode::Quiet {
            eprintln!("[ofsted] {m}")
        }
    };
    let set = open_folder(&cfg.dir)?;
    if set.articles.is_empty() {
        return Err(Error::Config(format!("{}: no .txt articles in it", cfg.dir.join("articles").display())));
    }
    // listen before the slow part, so a port in use fails at once
    let listening = server::bind(cfg.host, cfg.port)?;
    let (pipeline, record) = crate::app::classify::load_pipeline(&cfg.models, &cfg.runtime)?;
    let (articles, reused) = suggestions(&cfg.dir, &record, &set.articles, |todo| {
        say(&format!("reading {} articles with the models for suggestions", todo.len()));
        let progress = Progress::new(mode, "articles", todo.len() as u64);
        let inputs = todo.into_iter().map(|(id, text)| crate::io::input::Article { source: cfg.dir.join("articles").join(format!("{id}.txt")), id, line: None, text }).collect();
        let docs = pipeline.run(inputs, &progress);
        progress.finish();
        Ok(docs.iter().map(Article::from_doc).collect())
    })?;
    if reused > 0 {
        say(&format!("suggestions for {reused} unchanged articles from {}", cfg.dir.join(CACHE).display()));
    }
    for a in articles.iter().filter(|a| a.error.is_some()) {
        eprintln!("[ofsted] error: {} (it has no units to label)", a.error.as_deref().unwrap_or_default());
    }
    let dir = set.dir.clone();
    let mut session = Session::new(set, articles).map_err(|e| problems(&dir, &e))?;
    let p = session.progress();
    say(&format!("{} of {} units labelled, officials checked in {} and grades in {} of {} articles", p.labelled, p.units, p.officials_checked, p.grades_checked, p.articles));
    if !cfg.host.is_loopback() {
        say(&format!("listening on {}: anyone who can reach it can read and change the labels", cfg.host));
    }
    let url = listening.url();
    say(&format!("every change is saved at once to {}; stop with Ctrl-C, start again to resume. Then:\n  {}", dir.display(), next_steps(&dir).join("\n  ")));
    ready(&url);
    listening.serve(&mut session);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "Council rated good\n\nInspectors praised leaders. Plans for care leavers are weak. The visit was in May.\n";
    const B: &str = "Trust judged inadequate\n\nChildren wait too long for help.\n";

    /// A folder of two articles, with units where `A` and `B` have sentences and invented suggestions.
    fn folder() -> (tempfile::TempDir, Vec<Article>) {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("articles")).unwrap();
        std::fs::write(d.path().join("articles/a.txt"), A).unwrap();
        std::fs::write(d.path().join("articles/b.txt"), B).unwrap();
        let units = |text: &str, parts: &[(&str, [f32; 3])]| -> Vec<Suggestion> {
            parts.iter().map(|(s, probs)| {
                let start = text.find(s).unwrap();
                let p = crate::model::classifier::Prediction::from_probs(*probs);
                Suggestion { start, end: start + s.len(), label: p.label, probs: *probs }
            }).collect()
        };
        let a = Article {
            id: "a".into(),
            text: A.into(),
            units: units(A, &[("Council rated good", [0.9, 0.05, 0.05]), ("Inspectors praised leaders.", [0.5, 0.1, 0.4]), ("Plans for care leavers are weak.", [0.2, 0.7, 0.1]), ("The visit was in May.", [0.1, 0.1, 0.8])]),
            officials: vec![GoldOfficial { article_id: "a".into(), name: "Jo Bloggs".into(), title: "Cllr".into(), role: "leader".into(), organisation: "Council".into(), is_official: true, ward: String::new(), party: String::new() }],
            grades: vec![GoldGrade { article_id: "a".into(), authority: "Council".into(), judgement_area: JudgementArea::Overall, grade: Grade::Good }],
            error: None,
        };
        let b = Article { id: "b".into(), text: B.into(), units: units(B, &[("Trust judged inadequate", [0.1, 0.45, 0.45]), ("Children wait too long for help.", [0.05, 0.9, 0.05])]), officials: vec![], grades: vec![], error: None };
        (d, vec![a, b])
    }

    fn open(dir: &Path, articles: &[Article]) -> Session {
        Session::new(open_folder(dir).unwrap(), articles.to_vec()).unwrap()
    }

    fn key(article: &Article, unit: usize) -> UnitKey {
        UnitKey { article_id: article.id.clone(), start: article.units[unit].start, end: article.units[unit].end }
    }

    fn texts(q: &[QueueItem]) -> Vec<&str> {
        q.iter().map(|i| i.text.as_str()).collect()
    }

    #[test]
    fn the_queue_is_least_confident_first_across_articles_and_drops_labelled_units() {
        let (d, arts) = folder();
        let mut s = open(d.path(), &arts);
        let q = s.queue(10);
        assert_eq!(texts(&q), ["Trust judged inadequate", "Inspectors praised leaders.", "Plans for care leavers are weak.", "The visit was in May.", "Council rated good", "Children wait too long for help."]);
        assert_eq!((q[1].headline.as_deref(), q[1].before.len(), q[1].after.as_slice()), (Some("Council rated good"), 0, &["Plans for care leavers are weak.".to_string()][..]));
        assert_eq!(q[3].before, ["Inspectors praised leaders.", "Plans for care leavers are weak."], "two units before, not the headline again");
        s.set_label(key(&arts[1], 0), Some(Label::Improvement)).unwrap();
        assert_eq!(texts(&s.queue(2)), ["Inspectors praised leaders.", "Plans for care leavers are weak."]);
        let p = s.progress();
        assert_eq!((p.units, p.labelled, p.by_label, p.agreed), (6, 1, [0, 1, 0], 1), "improvement was the suggestion (ties go to the earlier label)");
    }

    #[test]
    fn every_change_is_on_disk_at_once_and_a_new_session_resumes_it() {
        let (d, arts) = folder();
        let mut s = open(d.path(), &arts);
        s.set_label(key(&arts[0], 2), Some(Label::Improvement)).unwrap();
        s.set_label(key(&arts[0], 1), Some(Label::Other)).unwrap();
        s.set_label(key(&arts[0], 1), Some(Label::Strength)).unwrap();
        s.set_note(key(&arts[0], 1), " praise in the report's words ".into()).unwrap();
        s.set_officials("a", vec![GoldOfficial { article_id: String::new(), name: " Jo Bloggs ".into(), title: "Cllr".into(), role: "cabinet member for children".into(), organisation: "Council".into(), is_official: true, ward: String::new(), party: "Labour".into() }]).unwrap();
        s.set_grades("b", vec![]).unwrap();
        let csv = std::fs::read_to_string(d.path().join(SENTENCES)).unwrap();
        assert_eq!(csv, "article_id,start,end,label,text\na,20,47,strength,Inspectors praised leaders.\na,48,80,improvement,Plans for care leavers are weak.\n");
        // the files are corpus data: what train and eval read
        let set = LabelledSet::load(d.path()).unwrap();
        assert_eq!(set.counts(), [1, 1, 0]);
        assert_eq!(set.officials().unwrap()[0].role, "cabinet member for children");
        assert!(set.grades().unwrap().is_empty());

        let again = open(d.path(), &arts);
        assert_eq!(again.label_of(&key(&arts[0], 1)), Some(Label::Strength));
        assert_eq!(again.note_of(&key(&arts[0], 1)), Some("praise in the report's words"));
        assert_eq!(again.officials_of("a"), (vec![GoldOfficial { article_id: "a".into(), name: "Jo Bloggs".into(), title: "Cllr".into(), role: "cabinet member for children".into(), organisation: "Council".into(), is_official: true, ward: String::new(), party: "Labour".into() }], true));
        assert_eq!(again.grades_of("b"), (vec![], true), "checked and found to have no grades is not the same as not checked");
        assert_eq!(again.grades_of("a"), (arts[0].grades.clone(), false), "unchecked: the model's rows, not saved");
        assert_eq!(again.progress().labelled, 2);
    }

    #[test]
    fn undo_puts_back_each_kind_of_change_in_memory_and_on_disk() {
        let (d, arts) = folder();
        let mut s = open(d.path(), &arts);
        s.set_label(key(&arts[0], 1), Some(Label::Other)).unwrap();
        s.set_label(key(&arts[0], 1), Some(Label::Strength)).unwrap();
        s.set_grades("a", vec![GradeInput { authority: "Council".into(), judgement_area: "care leavers".into(), grade: "Outstanding".into() }]).unwrap();
        let u = s.undo().unwrap().unwrap();
        assert_eq!((u.what, u.article_id.as_str()), ("grades", "a"));
        assert!(!s.grades_of("a").1);
        assert_eq!(std::fs::read_to_string(d.path().join(GRADES)).unwrap(), "article_id,authority,judgement_area,grade\n");
        assert_eq!(std::fs::read_to_string(d.path().join(CHECKED)).unwrap(), "article_id,part\n");
        s.undo().unwrap();
        assert_eq!(s.label_of(&key(&arts[0], 1)), Some(Label::Other), "back to the label before");
        assert!(std::fs::read_to_string(d.path().join(SENTENCES)).unwrap().contains(",other,Inspectors praised"));
        let u = s.undo().unwrap().unwrap();
        assert_eq!((u.what, u.start), ("label", Some(arts[0].units[1].start)));
        assert_eq!(s.label_of(&key(&arts[0], 1)), None);
        assert_eq!(std::fs::read_to_string(d.path().join(SENTENCES)).unwrap(), "article_id,start,end,label,text\n");
        assert!(s.undo().unwrap().is_none(), "nothing left to undo");
    }

    #[test]
    fn bad_requests_are_refused_with_what_is_wrong_and_change_nothing() {
        let (d, arts) = folder();
        let mut s = open(d.path(), &arts);
        let no_unit = UnitKey { article_id: "a".into(), start: 0, end: 5 };
        assert!(matches!(s.set_label(no_unit, Some(Label::Other)), Err(Refused::NotFound(m)) if m.contains("no unit at 0..5")));
        let outside = UnitKey { article_id: "../../etc/passwd".into(), start: 0, end: 1 };
        assert!(matches!(s.set_label(outside, Some(Label::Other)), Err(Refused::NotFound(m)) if m.contains("no article")));
        let r = s.set_grades("a", vec![GradeInput { authority: "Council".into(), judgement_area: "overall effectiveness".into(), grade: "good".into() }, GradeInput { authority: "Council".into(), judgement_area: "overall".into(), grade: "good".into() }]);
        assert!(matches!(r, Err(Refused::Invalid(m)) if m.starts_with("row 2: judgement area \"overall\" is not one of")));
        let r = s.set_officials("a", vec![GoldOfficial { article_id: "elsewhere".into(), name: "  ".into(), title: String::new(), role: String::new(), organisation: String::new(), is_official: false, ward: String::new(), party: String::new() }]);
        assert!(matches!(r, Err(Refused::Invalid(m)) if m.contains("row 1: a person needs a name")));
        assert!(s.undo().unwrap().is_none());
        assert!(!s.grades_of("a").1);
    }

    #[test]
    fn a_change_that_cannot_be_saved_is_not_kept_in_memory() {
        let (d, arts) = folder();
        let mut s = open(d.path(), &arts);
        s.dir = d.path().join("gone");
        let r = s.set_label(key(&arts[0], 1), Some(Label::Strength));
        assert!(matches!(r, Err(Refused::Save(_))), "{r:?}");
        assert_eq!(s.label_of(&key(&arts[0], 1)), None, "memory holds what the files hold");
        assert!(s.undo().unwrap().is_none());
    }

    #[test]
    fn rows_labelled_with_other_offsets_are_kept_and_cover_the_units_they_overlap() {
        let (d, arts) = folder();
        // a hand-made row over two of the segmenter's units, and one matching a unit exactly
        std::fs::write(d.path().join(SENTENCES), "article_id,start,end,label,text\na,20,80,improvement,Inspectors praised leaders. Plans for care leavers are weak.\nb,0,23,improvement,Trust judged inadequate\n").unwrap();
        let mut s = open(d.path(), &arts);
        assert!(s.is_covered(&key(&arts[0], 1)) && s.is_covered(&key(&arts[0], 2)));
        assert_eq!(s.label_of(&key(&arts[1], 0)), Some(Label::Improvement));
        assert_eq!(texts(&s.queue(10)), ["The visit was in May.", "Council rated good", "Children wait too long for help."]);
        assert_eq!(s.progress().units, 4);
        s.set_label(key(&arts[0], 3), Some(Label::Other)).unwrap();
        let csv = std::fs::read_to_string(d.path().join(SENTENCES)).unwrap();
        assert!(csv.contains("a,20,80,improvement,Inspectors praised leaders. Plans for care leavers are weak.\n"), "the hand-made row is written back:\n{csv}");
        assert_eq!(csv.lines().count(), 4);
    }

    #[test]
    fn suggestions_are_reused_while_an_article_and_the_models_are_unchanged() {
        let (d, arts) = folder();
        let mut texts: BTreeMap<String, String> = arts.iter().map(|a| (a.id.clone(), a.text.clone())).collect();
        let read = std::cell::RefCell::new(Vec::new());
        let run = |todo: Vec<(String, String)>| {
            read.borrow_mut().push(todo.iter().map(|t| t.0.clone()).collect::<Vec<_>>());
            Ok(todo.iter().map(|(id, text)| Article { text: text.clone(), ..arts.iter().find(|a| &a.id == id).unwrap().clone() }).collect())
        };
        let models = serde_json::json!({ "encoder": "x" });
        let (first, reused) = suggestions(d.path(), &models, &texts, run).unwrap();
        assert_eq!((first.len(), reused), (2, 0));
        let (again, reused) = suggestions(d.path(), &models, &texts, run).unwrap();
        assert_eq!(reused, 2);
        assert_eq!(again.iter().map(|a| a.units.len()).collect::<Vec<_>>(), [4, 2]);
        texts.insert("b".into(), format!("{B}An added line.\n"));
        let (changed, reused) = suggestions(d.path(), &models, &texts, run).unwrap();
        assert_eq!((reused, changed[1].text.ends_with("An added line.\n")), (1, true));
        suggestions(d.path(), &serde_json::json!({ "encoder": "y" }), &texts, run).unwrap();
        std::fs::write(d.path().join(CACHE), "{ torn").unwrap();
        suggestions(d.path(), &models, &texts, run).unwrap();
        assert_eq!(*read.borrow(), [vec!["a", "b"], vec!["b"], vec!["a", "b"], vec!["a", "b"]].map(|v| v.into_iter().map(String::from).collect::<Vec<_>>()), "read: all, (none when unchanged), the changed one, all for other models, all for a torn cache");
    }

    #[test]
    fn a_folder_whose_files_break_the_format_is_refused_naming_file_and_line() {
        let (d, arts) = folder();
        std::fs::write(d.path().join(SENTENCES), "article_id,start,end,label,text\na,0,18,strength,Council rated good\na,0,5,strength,Other words\n").unwrap();
        let err = open_folder(d.path()).unwrap_err().to_string();
        assert!(err.contains("sentences.csv:3"), "{err}");
        std::fs::write(d.path().join(SENTENCES), "article_id,start,end,label,text\n").unwrap();
        std::fs::write(d.path().join(CHECKED), "article_id,part\nzz,officials\na,roles\n").unwrap();
        let errs = Session::new(open_folder(d.path()).unwrap(), arts.clone()).err().unwrap();
        let mut msgs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        msgs.sort();
        assert!(msgs.len() == 2 && msgs[0].contains("checked.csv:2") && msgs[0].contains("no such article") && msgs[1].contains("checked.csv:3") && msgs[1].contains("roles"), "{msgs:?}");
        let empty = tempfile::tempdir().unwrap();
        assert!(open_folder(empty.path()).unwrap_err().to_string().contains("no articles/ folder"));
    }
}
