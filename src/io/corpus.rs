//! Labelled data in the project's format (training corpus and eval set alike):
//! `DIR/articles/<id>.txt` and `DIR/sentences.csv` (article_id,start,end,label,text).
//! Loading checks every row against the annotation contract and names offending rows.

use crate::io::digest::sha256_file;
use crate::error::{Error, Result};
use crate::label::Label;
use crate::grade::{Grade, JudgementArea};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct LabelledUnit {
    pub article_id: String,
    pub start: usize,
    pub end: usize,
    pub label: Label,
    pub text: String,
    /// 1-based line in sentences.csv
    pub line: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileDigest {
    pub path: PathBuf,
    pub sha256: String,
}

#[derive(Debug)]
pub struct LabelledSet {
    pub dir: PathBuf,
    pub articles: BTreeMap<String, String>,
    pub units: Vec<LabelledUnit>,
    pub files: Vec<FileDigest>,
}

#[derive(Deserialize)]
struct Row {
    article_id: String,
    start: String,
    end: String,
    label: String,
    text: String,
}

impl LabelledSet {
    /// Load and validate; every problem found is returned, each with file and line.
    pub fn load(dir: &Path) -> std::result::Result<LabelledSet, Vec<Error>> {
        let mut errors = Vec::new();
        let sentences = dir.join("sentences.csv");
        let articles_dir = dir.join("articles");
        let mut articles = BTreeMap::new();
        let mut files = Vec::new();
        match std::fs::read_dir(&articles_dir) {
            Ok(rd) => {
                let mut paths: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "txt")).collect();
                paths.sort();
                for p in paths {
                    match std::fs::read_to_string(&p) {
                        Ok(t) => {
                            let id = p.file_stem().unwrap_or_default().to_string_lossy().into_owned();
                            articles.insert(id, t);
                        }
                        Err(e) => errors.push(Error::data(&p, None, format!("cannot read article: {e}"))),
                    }
                }
            }
            Err(e) => errors.push(Error::data(&articles_dir, None, format!("cannot read articles folder: {e}"))),
        }
        let (units, unit_errors) = load_units(&sentences, &articles);
        errors.extend(unit_errors);
        if errors.is_empty() {
            match sha256_file(&sentences) {
                Ok(sha) => files.push(FileDigest { path: sentences.clone(), sha256: sha }),
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(LabelledSet { dir: dir.to_path_buf(), articles, units, files })
        } else {
            Err(errors)
        }
    }

    pub fn counts(&self) -> [usize; 3] {
        let mut c = [0; 3];
        for u in &self.units {
            c[u.label.index()] += 1;
        }
        c
    }
}

/// The rows of a `sentences.csv`, each checked against its article's text; every bad row is an
/// error naming file and line, and reading goes on.
pub fn load_units(sentences: &Path, articles: &BTreeMap<String, String>) -> (Vec<LabelledUnit>, Vec<Error>) {
    let (rows, mut errors) = read_rows::<Row>(sentences);
    let mut units = Vec::new();
    for (line, row) in rows {
        match check_row(row, articles) {
            Ok(mut u) => {
                u.line = line.unwrap_or(0);
                units.push(u);
            }
            Err(msg) => errors.push(Error::data(sentences, line, msg)),
        }
    }
    (units, errors)
}

/// A gold official (officials.csv): the guide's fields, plus title, ward and party. The same type
/// is what `ofsted label`'s page sends, without the article (a CSV row without one names no
/// article and is refused as such).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct GoldOfficial {
    #[serde(default)]
    pub article_id: String,
    pub name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub organisation: String,
    pub is_official: bool,
    #[serde(default)]
    pub ward: String,
    #[serde(default)]
    pub party: String,
}

/// A gold grade row (grades.csv).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct GoldGrade {
    pub article_id: String,
    pub authority: String,
    pub judgement_area: JudgementArea,
    pub grade: Grade,
}

/// Every row of a CSV file deserialised by its header, with its 1-based line; rows that do not
/// parse become errors naming file and line, and reading goes on.
pub fn read_rows<T: for<'de> Deserialize<'de>>(path: &Path) -> (Vec<(Option<u64>, T)>, Vec<Error>) {
    let mut rdr = match csv::Reader::from_path(path) {
        Ok(r) => r,
        Err(e) => return (Vec::new(), vec![Error::data(path, None, format!("cannot read: {e}"))]),
    };
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => return (Vec::new(), vec![Error::data(path, Some(1), e.to_string())]),
    };
    let (mut rows, mut errors) = (Vec::new(), Vec::new());
    for rec in rdr.records() {
        let line = rec.as_ref().map_or_else(|e| e.position().map(|p| p.line()), |r| r.position().map(|p| p.line()));
        match rec.and_then(|r| r.deserialize::<T>(Some(&headers))) {
            Ok(row) => rows.push((line, row)),
            Err(e) => errors.push(Error::data(path, line, format!("malformed row: {e}"))),
        }
    }
    (rows, errors)
}

/// Read `officials.csv` or `grades.csv` of a labelled folder, checking every row refers to a known
/// article (grades and areas are checked by their types). Problems name file and line.
pub fn load_rows<T: for<'de> Deserialize<'de>>(path: &Path, articles: &BTreeMap<String, String>, article_of: impl Fn(&T) -> &str, check: impl Fn(&T) -> Option<String>) -> std::result::Result<Vec<T>, Vec<Error>> {
    let (parsed, mut errors) = read_rows::<T>(path);
    let mut rows = Vec::new();
    for (line, row) in parsed {
        if !articles.contains_key(article_of(&row)) {
            errors.push(Error::data(path, line, format!("no such article {:?}", article_of(&row))));
        } else if let Some(m) = check(&row) {
            errors.push(Error::data(path, line, m));
        } else {
            rows.push(row);
        }
    }
    if errors.is_empty() { Ok(rows) } else { Err(errors) }
}

impl LabelledSet {
    pub fn officials(&self) -> std::result::Result<Vec<GoldOfficial>, Vec<Error>> {
        load_rows(&self.dir.join("officials.csv"), &self.articles, |o: &GoldOfficial| &o.article_id, |o| o.name.trim().is_empty().then(|| "empty name".to_string()))
    }
    pub fn grades(&self) -> std::result::Result<Vec<GoldGrade>, Vec<Error>> {
        load_rows(&self.dir.join("grades.csv"), &self.articles, |g: &GoldGrade| &g.article_id, |_| None)
    }
}

fn check_row(row: Row, articles: &BTreeMap<String, String>) -> std::result::Result<LabelledUnit, String> {
    let ctx = |m: String| format!("article {:?}, unit {:?}: {m}", row.article_id, short(&row.text));
    let label: Label = row.label.parse().map_err(|e: String| ctx(e))?;
    let start: usize = row.start.trim().parse().map_err(|_| ctx(format!("start {:?} is not a byte offset", row.start)))?;
    let end: usize = row.end.trim().parse().map_err(|_| ctx(format!("end {:?} is not a byte offset", row.end)))?;
    let text = articles.get(&row.article_id).ok_or_else(|| ctx("no such article in articles/".into()))?;
    let slice = text.get(start..end).ok_or_else(|| ctx(format!("offsets {start}..{end} are outside the article or not on character boundaries")))?;
    if slice != row.text {
        return Err(ctx(format!("offsets {start}..{end} slice {:?}, not the row's text", short(slice))));
    }
    Ok(LabelledUnit { article_id: row.article_id.clone(), start, end, label, text: row.text, line: 0 })
}

fn short(s: &str) -> String {
    let t: String = s.chars().take(60).collect();
    if t.len() < s.len() { format!("{t}…") } else { t }
}

/// Lower-case word tokens with punctuation and quote styles folded away.
pub fn normalise(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// A training unit that repeats an eval unit: exact after normalisation, or with high token overlap.
#[derive(Debug, Clone, Serialize)]
pub struct Overlap {
    pub train_article: String,
    pub train_line: u64,
    pub train_text: String,
    pub eval_article: String,
    pub eval_text: String,
    pub jaccard: f64,
}

/// Pairs of (train, eval) units that are the same sentence, allowing small edits: Jaccard
/// similarity of word sets at or above `threshold`, for units of at least 6 words.
pub fn overlaps(train: &[LabelledUnit], eval: &[LabelledUnit], threshold: f64) -> Vec<Overlap> {
    let eval_sets: Vec<(HashSet<String>, String, &LabelledUnit)> =
        eval.iter().map(|u| { let t = normalise(&u.text); (t.iter().cloned().collect(), t.join(" "), u) }).collect();
    let mut out = Vec::new();
    for t in train {
        let tokens = normalise(&t.text);
        let joined = tokens.join(" ");
        let set: HashSet<String> = tokens.into_iter().collect();
        for (es, ej, e) in &eval_sets {
            let exact = !joined.is_empty() && joined == *ej;
            let inter = set.intersection(es).count();
            let union = set.union(es).count();
            let jac = if union == 0 { 0.0 } else { inter as f64 / union as f64 };
            if exact || (set.len().min(es.len()) >= 6 && jac >= threshold) {
                out.push(Overlap { train_article: t.article_id.clone(), train_line: t.line, train_text: t.text.clone(), eval_article: e.article_id.clone(), eval_text: e.text.clone(), jaccard: jac });
            }
        }
    }
    out
}

pub fn load_or_report(dir: &Path) -> Result<LabelledSet> {
    LabelledSet::load(dir).map_err(|errs| report(dir, "in labelled data", &errs))
}

/// Many problems of one folder as one error: the count, `what` they are in, and the first 20,
/// each with its file and line.
pub fn report(dir: &Path, what: &str, errs: &[Error]) -> Error {
    let n = errs.len();
    let list: Vec<String> = errs.iter().take(20).map(|e| format!("  {e}")).collect();
    Error::data(dir, None, format!("{n} problem(s) {what}:\n{}{}", list.join("\n"), if n > 20 { "\n  …" } else { "" }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: &str, text: &str) -> LabelledUnit {
        LabelledUnit { article_id: id.into(), start: 0, end: text.len(), label: Label::Other, text: text.into(), line: 2 }
    }

    #[test]
    fn overlap_finds_copies_and_near_copies_but_not_shared_topics() {
        let eval = [unit("e1", "Inspectors found that social workers know their children very well.")];
        let train = [
            unit("t1", "inspectors found that social workers know their children very well"),
            unit("t2", "Inspectors found that the social workers know their children very well indeed."),
            unit("t3", "Social workers were praised by inspectors for strong relationships with families."),
        ];
        let o = overlaps(&train, &eval, 0.8);
        let ids: Vec<_> = o.iter().map(|x| x.train_article.as_str()).collect();
        assert_eq!(ids, ["t1", "t2"]);
    }

    #[test]
    fn loading_rejects_bad_offsets_and_unknown_labels_naming_the_rows() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("articles")).unwrap();
        std::fs::write(d.path().join("articles/a1.txt"), "Good work. Poor plans.").unwrap();
        std::fs::write(
            d.path().join("sentences.csv"),
            "article_id,start,end,label,text\na1,0,10,strength,Good work.\na1,11,22,weak,Poor plans.\na1,11,20,improvement,Poor plans.\nzz,0,1,other,G\n",
        )
        .unwrap();
        let errs = LabelledSet::load(d.path()).unwrap_err();
        let msgs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert_eq!(msgs.len(), 3, "{msgs:?}");
        assert!(msgs[0].contains("sentences.csv:3") && msgs[0].contains("unknown label \"weak\""));
        assert!(msgs[1].contains("not the row's text"));
        assert!(msgs[2].contains("no such article"));
        std::fs::write(d.path().join("sentences.csv"), "article_id,start,end,label,text\na1,0,10,strength,Good work.\n").unwrap();
        let ok = LabelledSet::load(d.path()).unwrap();
        assert_eq!(ok.counts(), [1, 0, 0]);
    }
}
