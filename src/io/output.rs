//! The output contract of `classify`: file names and columns other tools rely on, each file
//! written atomically (temp file in the same folder, then rename).

use crate::error::{Error, Result};
use crate::grade::{Grade, JudgementArea};
use crate::label::Label;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

pub const ARTICLES_JSONL: &str = "articles.jsonl";
pub const RUN_JSON: &str = "run.json";

/// A row of one CSV output file. The same type is written by `classify` and read back by `eval
/// --predictions`, so the file's schema is stated once. Columns beyond the ones scoring needs are
/// optional on reading, so other systems' outputs can be scored too.
pub trait Row: Serialize + DeserializeOwned {
    const FILE: &'static str;
    /// The header, in field order (the header is written even when there are no rows).
    const COLUMNS: &'static [&'static str];
    fn article_id(&self) -> &str;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentenceRow {
    pub article_id: String,
    #[serde(default)]
    pub sentence_index: usize,
    pub start: usize,
    pub end: usize,
    pub label: Label,
    pub confidence: f32,
    #[serde(default)]
    pub p_strength: f32,
    #[serde(default)]
    pub p_improvement: f32,
    #[serde(default)]
    pub p_other: f32,
    #[serde(default)]
    pub text: String,
}

impl Row for SentenceRow {
    const FILE: &'static str = "sentences.csv";
    const COLUMNS: &'static [&'static str] = &["article_id", "sentence_index", "start", "end", "label", "confidence", "p_strength", "p_improvement", "p_other", "text"];
    fn article_id(&self) -> &str {
        &self.article_id
    }
}

/// `title`, `ward` and `party` came after the first release, so they go last: readers that index
/// columns by position keep working.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficialRow {
    pub article_id: String,
    pub name: String,
    pub role: String,
    pub organisation: String,
    pub is_official: bool,
    #[serde(default)]
    pub start: usize,
    #[serde(default)]
    pub end: usize,
    #[serde(default)]
    pub confidence: f32,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub ward: String,
    #[serde(default)]
    pub party: String,
}

impl Row for OfficialRow {
    const FILE: &'static str = "officials.csv";
    const COLUMNS: &'static [&'static str] = &["article_id", "name", "role", "organisation", "is_official", "start", "end", "confidence", "title", "ward", "party"];
    fn article_id(&self) -> &str {
        &self.article_id
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeRow {
    pub article_id: String,
    pub authority: String,
    pub judgement_area: JudgementArea,
    pub grade: Grade,
    #[serde(default)]
    pub sentence_index: usize,
    #[serde(default)]
    pub confidence: f32,
}

impl Row for GradeRow {
    const FILE: &'static str = "grades.csv";
    const COLUMNS: &'static [&'static str] = &["article_id", "authority", "judgement_area", "grade", "sentence_index", "confidence"];
    fn article_id(&self) -> &str {
        &self.article_id
    }
}

/// Write one output file of `dir`.
pub fn write_rows<R: Row>(dir: &Path, rows: impl IntoIterator<Item = R>) -> Result<()> {
    write_csv(&dir.join(R::FILE), R::COLUMNS, rows)
}

/// Read one output file of `dir` back, grouped by article; the first bad row fails the file,
/// naming its line.
pub fn read_rows<R: Row>(dir: &Path) -> Result<BTreeMap<String, Vec<R>>> {
    let path = dir.join(R::FILE);
    let (rows, errors) = crate::io::corpus::read_rows::<R>(&path);
    if let Some(e) = errors.into_iter().next() {
        return Err(e);
    }
    let mut by_article: BTreeMap<String, Vec<R>> = BTreeMap::new();
    for (_, r) in rows {
        by_article.entry(r.article_id().to_string()).or_default().push(r);
    }
    Ok(by_article)
}

/// Write `path` through `fill`, so readers never see a half-written file.
pub fn write_atomic(path: &Path, fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let wrap = |e: std::io::Error| Error::Output { path: path.to_path_buf(), source: e };
    let mut tmp = tempfile::Builder::new().prefix(".ofsted-").suffix(".part").tempfile_in(dir).map_err(wrap)?;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        fill(&mut w).map_err(wrap)?;
        w.flush().map_err(wrap)?;
    }
    // tempfile creates 0600 files; outputs are ordinary files others may read
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644)).map_err(wrap)?;
    }
    tmp.as_file().sync_all().map_err(wrap)?;
    tmp.persist(path).map_err(|e| wrap(e.error))?;
    Ok(())
}

/// Rows as CSV without a header, the way every output file writes them after its header: a run
/// written chunk by chunk, and shards merged, come out byte for byte as one whole write.
pub fn append_rows<T: Serialize>(w: &mut dyn Write, rows: impl IntoIterator<Item = T>) -> std::io::Result<()> {
    let mut c = csv::WriterBuilder::new().has_headers(false).from_writer(w);
    for r in rows {
        c.serialize(r)?;
    }
    c.flush()
}

/// A CSV header line.
pub fn header_line(columns: &[&str]) -> Vec<u8> {
    let mut c = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    let _ = c.write_record(columns);
    c.into_inner().unwrap_or_default()
}

/// Write rows as CSV with a header taken from the row type (header written even with no rows).
pub fn write_csv<T: Serialize>(path: &Path, header: &[&str], rows: impl IntoIterator<Item = T>) -> Result<()> {
    write_atomic(path, |w| {
        w.write_all(&header_line(header))?;
        append_rows(w, rows)
    })
}

/// Pretty JSON and a final newline, as every JSON file of a run is written.
pub fn json_bytes<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    let mut b = serde_json::to_vec_pretty(value).map_err(|e| Error::Internal(format!("json: {e}")))?;
    b.push(b'\n');
    Ok(b)
}

pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let bytes = json_bytes(value)?;
    write_atomic(path, |w| w.write_all(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_file_and_leaves_no_temp_files() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x.csv");
        std::fs::write(&p, "old contents that are longer").unwrap();
        write_csv(&p, &["a", "b"], [("1", "two, with comma")]).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "a,b\n1,\"two, with comma\"\n");
        let failed = write_atomic(&p, |_| Err(std::io::Error::other("boom")));
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "a,b\n1,\"two, with comma\"\n", "a failed write keeps the old file");
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    }

    /// The header is written by hand (so an empty file still has one): it must name the row's
    /// fields in order, or every reader would mis-assign columns.
    fn header_matches_fields<R: Row>(row: R) {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(row).unwrap();
        let written = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(written.lines().next().unwrap(), R::COLUMNS.join(","), "{}", R::FILE);
    }

    #[test]
    fn every_output_header_names_its_row_fields_in_order() {
        let id = || "a".to_string();
        header_matches_fields(SentenceRow { article_id: id(), sentence_index: 0, start: 0, end: 1, label: Label::Other, confidence: 1.0, p_strength: 0.0, p_improvement: 0.0, p_other: 1.0, text: "x".into() });
        header_matches_fields(OfficialRow { article_id: id(), name: "n".into(), role: String::new(), organisation: String::new(), is_official: true, start: 0, end: 1, confidence: 1.0, title: String::new(), ward: String::new(), party: String::new() });
        header_matches_fields(GradeRow { article_id: id(), authority: "x".into(), judgement_area: JudgementArea::Overall, grade: Grade::Good, sentence_index: 0, confidence: 1.0 });
    }

    #[test]
    fn rows_read_back_as_written_and_a_bad_grade_names_its_line() {
        let d = tempfile::tempdir().unwrap();
        let rows = vec![
            GradeRow { article_id: "a".into(), authority: "Kent County Council".into(), judgement_area: JudgementArea::CareLeavers, grade: Grade::RequiresImprovement, sentence_index: 3, confidence: 0.8 },
            GradeRow { article_id: "b".into(), authority: "Hull City Council".into(), judgement_area: JudgementArea::Overall, grade: Grade::Inadequate, sentence_index: 0, confidence: 1.0 },
        ];
        write_rows(d.path(), rows.clone()).unwrap();
        let back = read_rows::<GradeRow>(d.path()).unwrap();
        assert_eq!(back["a"], rows[..1]);
        assert_eq!(back["b"], rows[1..]);
        std::fs::write(d.path().join(GradeRow::FILE), "article_id,authority,judgement_area,grade\na,X,overall effectiveness,good\nb,Y,overall effectiveness,excellent\n").unwrap();
        let e = read_rows::<GradeRow>(d.path()).unwrap_err().to_string();
        assert!(e.contains("grades.csv") && e.contains("grades.csv:3") && e.contains("excellent"), "{e}");
    }
}
