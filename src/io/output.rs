//! The output contract of `classify`: file names and columns other tools rely on, each file
//! written atomically (temp file in the same folder, then rename).

use crate::error::{Error, Result};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

pub const SENTENCES_CSV: &str = "sentences.csv";
pub const OFFICIALS_CSV: &str = "officials.csv";
pub const GRADES_CSV: &str = "grades.csv";
pub const ARTICLES_JSONL: &str = "articles.jsonl";
pub const RUN_JSON: &str = "run.json";

#[derive(Debug, Serialize)]
pub struct SentenceRow<'a> {
    pub article_id: &'a str,
    pub sentence_index: usize,
    pub start: usize,
    pub end: usize,
    pub label: &'a str,
    pub confidence: f32,
    pub p_strength: f32,
    pub p_improvement: f32,
    pub p_other: f32,
    pub text: &'a str,
}

#[derive(Debug, Serialize)]
pub struct OfficialRow<'a> {
    pub article_id: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub organisation: &'a str,
    pub is_official: bool,
    pub start: usize,
    pub end: usize,
    pub confidence: f32,
    pub title: &'a str,
    pub ward: &'a str,
    pub party: &'a str,
}

#[derive(Debug, Serialize)]
pub struct GradeRow<'a> {
    pub article_id: &'a str,
    pub authority: &'a str,
    pub judgement_area: &'a str,
    pub grade: &'a str,
    pub sentence_index: usize,
    pub confidence: f32,
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

/// Write rows as CSV with a header taken from the row type (header written even with no rows).
pub fn write_csv<T: Serialize>(path: &Path, header: &[&str], rows: impl IntoIterator<Item = T>) -> Result<()> {
    write_atomic(path, |w| {
        let mut c = csv::WriterBuilder::new().has_headers(false).from_writer(w);
        c.write_record(header)?;
        for r in rows {
            c.serialize(r)?;
        }
        c.flush()?;
        Ok(())
    })
}

pub const SENTENCE_COLUMNS: &[&str] = &["article_id", "sentence_index", "start", "end", "label", "confidence", "p_strength", "p_improvement", "p_other", "text"];
pub const GRADE_COLUMNS: &[&str] = &["article_id", "authority", "judgement_area", "grade", "sentence_index", "confidence"];
/// `title`, `ward` and `party` came after the first release, so they go last: readers that index
/// columns by position keep working.
pub const OFFICIAL_COLUMNS: &[&str] = &["article_id", "name", "role", "organisation", "is_official", "start", "end", "confidence", "title", "ward", "party"];

pub fn write_jsonl<T: Serialize>(path: &Path, items: impl IntoIterator<Item = T>) -> Result<()> {
    write_atomic(path, |w| {
        for item in items {
            serde_json::to_writer(&mut *w, &item)?;
            w.write_all(b"\n")?;
        }
        Ok(())
    })
}

pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    write_atomic(path, |w| {
        serde_json::to_writer_pretty(&mut *w, value)?;
        w.write_all(b"\n")
    })
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
}
