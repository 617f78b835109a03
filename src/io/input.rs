//! Reading articles: `.txt` files (id = file stem), `.csv` and `.jsonl` files (id and text fields),
//! and folders of them. Every failure is returned as data so one bad file never stops a batch.

use crate::error::{Error, Result};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One article, with its text exactly as read (offsets everywhere are UTF-8 bytes into `text`).
#[derive(Debug, Clone, Serialize)]
pub struct Article {
    pub id: String,
    pub source: PathBuf,
    /// 1-based line of the record in a CSV or JSONL file.
    pub line: Option<u64>,
    pub text: String,
}

/// Field names used for `.csv` and `.jsonl` inputs.
#[derive(Debug, Clone)]
pub struct Fields {
    pub id: String,
    pub text: String,
}

impl Default for Fields {
    fn default() -> Self {
        Fields { id: "id".into(), text: "text".into() }
    }
}

/// What reading the inputs produced.
#[derive(Debug, Default)]
pub struct Loaded {
    pub articles: Vec<Article>,
    pub errors: Vec<Error>,
    /// Files found inside folders that are not article files (for example label CSVs), with why.
    pub skipped: Vec<(PathBuf, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Txt,
    Csv,
    Jsonl,
}

fn kind_of(path: &Path) -> Option<Kind> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "txt" => Some(Kind::Txt),
        "csv" => Some(Kind::Csv),
        "jsonl" | "ndjson" => Some(Kind::Jsonl),
        _ => None,
    }
}

/// A file to read; `explicit` files were named on the command line, others were found in folders.
#[derive(Debug, Clone)]
struct Source {
    path: PathBuf,
    kind: Kind,
    explicit: bool,
}

/// Expand files and folders into sources, in a stable (sorted) order.
fn discover(inputs: &[PathBuf], errors: &mut Vec<Error>) -> Vec<Source> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let walker = walkdir::WalkDir::new(input).sort_by_file_name().into_iter().filter_entry(|e| {
                e.depth() == 0 || !e.file_name().to_str().is_some_and(|n| n.starts_with('.'))
            });
            for entry in walker {
                match entry {
                    Ok(e) if e.file_type().is_file() => {
                        if let Some(kind) = kind_of(e.path()) {
                            out.push(Source { path: e.into_path(), kind, explicit: false });
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| input.clone());
                        errors.push(Error::input(path, None, format!("cannot read folder entry: {e}")));
                    }
                }
            }
        } else if input.is_file() {
            match kind_of(input) {
                Some(kind) => out.push(Source { path: input.clone(), kind, explicit: true }),
                None => errors.push(Error::input(input, None, "unsupported file type (expected .txt, .csv or .jsonl)")),
            }
        } else {
            errors.push(Error::input(input, None, "no such file or folder"));
        }
    }
    out
}

/// An accepted article located without its text: the `ordinal`-th article read from source
/// `source`. A scan lists these so a run can plan its chunks, shards and resume point, then read
/// the texts chunk by chunk (memory stays flat however many articles there are).
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub source: usize,
    pub ordinal: usize,
    pub id: String,
}

/// What scanning the inputs found: every accepted article in input order, and every problem.
#[derive(Debug, Default)]
pub struct Scan {
    sources: Vec<Source>,
    pub articles: Vec<Planned>,
    pub errors: Vec<Error>,
    /// Files found inside folders that are not article files (for example label CSVs), with why.
    pub skipped: Vec<(PathBuf, String)>,
}

/// Read every input once, over files with rayon when `parallel`, keeping ids and errors but no
/// text. Duplicate ids are decided here, once: the first copy in input order is kept.
pub fn scan(inputs: &[PathBuf], fields: &Fields, parallel: bool) -> Scan {
    use rayon::prelude::*;
    let mut out = Scan::default();
    out.sources = discover(inputs, &mut out.errors);
    let light = |s: &Source| {
        let r = read_source(s, fields);
        (r.articles.into_iter().map(|a| (a.id, a.line)).collect::<Vec<_>>(), r.errors, r.skipped)
    };
    let per_source: Vec<_> = if parallel { out.sources.par_iter().map(light).collect() } else { out.sources.iter().map(light).collect() };
    let mut seen: HashMap<String, (usize, Option<u64>)> = HashMap::new();
    for (source, (ids, errors, skipped)) in per_source.into_iter().enumerate() {
        out.errors.extend(errors);
        out.skipped.extend(skipped);
        let path = &out.sources[source].path;
        for (ordinal, (id, line)) in ids.into_iter().enumerate() {
            if let Some((first_source, first_line)) = seen.get(&id) {
                let first = format!("{}{}", out.sources[*first_source].path.display(), first_line.map(|l| format!(":{l}")).unwrap_or_default());
                out.errors.push(Error::input(path, line, format!("duplicate article id {id:?} (first seen at {first}); skipped")));
                continue;
            }
            seen.insert(id.clone(), (source, line));
            out.articles.push(Planned { source, ordinal, id });
        }
    }
    out
}

impl Scan {
    /// The file an article of this scan comes from.
    pub fn path_of(&self, p: &Planned) -> &Path {
        &self.sources[p.source].path
    }
}

/// Reads the texts of a scan's articles, chunk by chunk. The last file read is kept, so a CSV or
/// JSONL file holding many chunks' articles is read once, not once per chunk.
pub struct Reader<'a> {
    scan: &'a Scan,
    fields: &'a Fields,
    parallel: bool,
    kept: Option<(usize, Vec<Article>)>,
}

impl<'a> Reader<'a> {
    pub fn new(scan: &'a Scan, fields: &'a Fields, parallel: bool) -> Self {
        Reader { scan, fields, parallel, kept: None }
    }

    /// The texts of `wanted` (articles of the scan, in input order), over files with rayon when
    /// `parallel`. A file that changed or vanished since the scan fails its articles, not the run.
    pub fn read(&mut self, wanted: &[Planned]) -> Vec<std::result::Result<Article, Error>> {
        use rayon::prelude::*;
        let mut sources: Vec<usize> = wanted.iter().map(|p| p.source).collect();
        sources.dedup();
        let kept = self.kept.take();
        let (scan, fields) = (self.scan, self.fields);
        let fresh: Vec<usize> = sources.iter().copied().filter(|&i| kept.as_ref().map_or(true, |k| k.0 != i)).collect();
        let read = |&i: &usize| (i, read_source(&scan.sources[i], fields).articles);
        let mut texts: HashMap<usize, Vec<Article>> = if self.parallel { fresh.par_iter().map(read).collect() } else { fresh.iter().map(read).collect() };
        texts.extend(kept);
        let out = wanted
            .iter()
            .map(|p| match texts.get(&p.source).and_then(|a| a.get(p.ordinal)) {
                Some(a) if a.id == p.id => Ok(a.clone()),
                _ => Err(Error::input(&scan.sources[p.source].path, None, format!("article {:?} changed or vanished while the run was reading its file", p.id))),
            })
            .collect();
        self.kept = sources.last().and_then(|&i| texts.remove_entry(&i));
        out
    }
}

/// Read every input at once: [`scan`], then every accepted article's text, in input order.
pub fn load(inputs: &[PathBuf], fields: &Fields, parallel: bool) -> Loaded {
    let mut scan = scan(inputs, fields, parallel);
    let mut loaded = Loaded { articles: Vec::new(), errors: std::mem::take(&mut scan.errors), skipped: std::mem::take(&mut scan.skipped) };
    for r in Reader::new(&scan, fields, parallel).read(&scan.articles) {
        match r {
            Ok(a) => loaded.articles.push(a),
            Err(e) => loaded.errors.push(e),
        }
    }
    loaded
}

#[derive(Default)]
struct SourceResult {
    articles: Vec<Article>,
    errors: Vec<Error>,
    skipped: Option<(PathBuf, String)>,
}

fn read_source(src: &Source, fields: &Fields) -> SourceResult {
    let mut r = SourceResult::default();
    let bytes = match std::fs::read(&src.path) {
        Ok(b) => b,
        Err(e) => {
            r.errors.push(Error::input(&src.path, None, format!("cannot read: {e}")));
            return r;
        }
    };
    match src.kind {
        Kind::Txt => match utf8_text(&src.path, bytes) {
            Ok(text) => match non_empty(&src.path, None, text) {
                Ok(text) => {
                    let id = src.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                    r.articles.push(Article { id, source: src.path.clone(), line: None, text });
                }
                Err(e) => r.errors.push(e),
            },
            Err(e) => r.errors.push(e),
        },
        Kind::Csv => read_csv(src, &bytes, fields, &mut r),
        Kind::Jsonl => read_jsonl(src, &bytes, fields, &mut r),
    }
    r
}

/// Decode UTF-8, naming the line of the first bad byte.
fn utf8_text(path: &Path, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        Error::input(path, Some(line), format!("not valid UTF-8 (byte offset {at})"))
    })
}

fn non_empty(path: &Path, line: Option<u64>, text: String) -> Result<String> {
    if text.chars().any(char::is_alphanumeric) {
        Ok(text)
    } else {
        Err(Error::input(path, line, "empty article (no letters or digits)"))
    }
}

fn read_csv(src: &Source, bytes: &[u8], fields: &Fields, r: &mut SourceResult) {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            r.errors.push(Error::input(&src.path, Some(1), format!("cannot read CSV header: {e}")));
            return;
        }
    };
    let col = |name: &str| headers.iter().position(|h| h.trim_start_matches('\u{feff}') == name);
    let (Some(id_col), Some(text_col)) = (col(&fields.id), col(&fields.text)) else {
        let why = format!("no {:?} and {:?} columns (header: {})", fields.id, fields.text, headers.iter().collect::<Vec<_>>().join(","));
        if src.explicit {
            r.errors.push(Error::input(&src.path, Some(1), why + "; set --id-field/--text-field"));
        } else {
            r.skipped = Some((src.path.clone(), why));
        }
        return;
    };
    let cols = Columns { id: id_col, text: text_col, count: headers.len() };
    // rows after the header; after an unterminated quote, again from the line after it
    let mut at = (rdr.position().byte() as usize, rdr.position().line());
    while let Some(next) = read_csv_rows(src, &bytes[at.0..], at.1, &cols, fields, r) {
        at = (at.0 + next.0, next.1);
    }
}

/// Where the id and text are in a CSV row, and how many fields the header has.
struct Columns {
    id: usize,
    text: usize,
    count: usize,
}

/// Read rows from `bytes` (starting on line `first_line`) into `r`. An unterminated quote makes
/// the csv reader glue the following lines into that row's field ([`broken_quoting`]); that row
/// is reported instead, and the byte offset and line to go on from (the line after it) are returned.
fn read_csv_rows(src: &Source, bytes: &[u8], first_line: u64, cols: &Columns, fields: &Fields, r: &mut SourceResult) -> Option<(usize, u64)> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut rec = csv::StringRecord::new();
    loop {
        let start = rdr.position().clone();
        let line = Some(first_line + start.line() - 1);
        match rdr.read_record(&mut rec) {
            Ok(false) => return None,
            Ok(true) => {
                let raw = &bytes[start.byte() as usize..rdr.position().byte() as usize];
                // a quote that does not close where a field ends swallowed later lines into this row
                if raw.trim_ascii_end().contains(&b'\n') && broken_quoting(raw) {
                    r.errors.push(Error::input(&src.path, line, "a quoted field opens here and does not close where its field ends (unterminated quote); row skipped, reading goes on at the next line"));
                    let nl = raw.iter().position(|&b| b == b'\n')?;
                    return Some((start.byte() as usize + nl + 1, first_line + start.line()));
                }
                if rec.len() != cols.count {
                    r.errors.push(Error::input(&src.path, line, format!("malformed CSV row: {} fields where the header has {}", rec.len(), cols.count)));
                    continue;
                }
                let id = rec.get(cols.id).unwrap_or("").trim().to_string();
                if id.is_empty() {
                    r.errors.push(Error::input(&src.path, line, format!("empty {:?} field", fields.id)));
                    continue;
                }
                match non_empty(&src.path, line, rec.get(cols.text).unwrap_or("").to_string()) {
                    Ok(text) => r.articles.push(Article { id, source: src.path.clone(), line, text }),
                    Err(e) => r.errors.push(e),
                }
            }
            Err(e) => {
                let line = e.position().map(|p| first_line + p.line() - 1);
                r.errors.push(Error::input(&src.path, line, format!("malformed CSV row: {}", csv_message(&e))));
                // a reader that cannot move past the error would report it forever
                if matches!(e.kind(), csv::ErrorKind::Io(_)) || rdr.position().byte() == start.byte() {
                    return None;
                }
            }
        }
    }
}

/// Whether a CSV record's raw bytes quote a field wrongly: a quoted field that never closes, or
/// whose closing quote is followed by something other than a comma or the end of the line. The
/// csv reader accepts both by reading on, which, when a quote is missing, glues the following
/// rows (up to the next quote anywhere in the file) into one field.
fn broken_quoting(raw: &[u8]) -> bool {
    let mut i = 0;
    let mut field_start = true;
    while i < raw.len() {
        let b = raw[i];
        if field_start && b == b'"' {
            // a quoted field: find its closing quote ("" is an escaped quote)
            i += 1;
            loop {
                match raw.get(i) {
                    None => return true,
                    Some(b'"') if raw.get(i + 1) == Some(&b'"') => i += 2,
                    Some(b'"') => break,
                    Some(_) => i += 1,
                }
            }
            match raw.get(i + 1) {
                None | Some(b',' | b'\r' | b'\n') => {}
                Some(_) => return true,
            }
            i += 1;
            field_start = false;
            continue;
        }
        field_start = matches!(b, b',' | b'\n');
        i += 1;
    }
    false
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_string(),
        _ => e.to_string(),
    }
}

fn read_jsonl(src: &Source, bytes: &[u8], fields: &Fields, r: &mut SourceResult) {
    let mut checked_shape = false;
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = Some(i as u64 + 1);
        let Ok(raw) = std::str::from_utf8(raw) else {
            r.errors.push(Error::input(&src.path, line, "not valid UTF-8"));
            continue;
        };
        if raw.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = match serde_json::from_str(raw) {
            Ok(v) => v,
            Err(e) => {
                r.errors.push(Error::input(&src.path, line, format!("malformed JSON: {e}")));
                continue;
            }
        };
        let id = match value.get(&fields.id) {
            Some(serde_json::Value::String(s)) => s.trim().to_string(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let text = value.get(&fields.text).and_then(|t| t.as_str());
        if !checked_shape && !src.explicit && (id.is_empty() || text.is_none()) {
            r.skipped = Some((src.path.clone(), format!("first record has no {:?}/{:?} fields", fields.id, fields.text)));
            return;
        }
        checked_shape = true;
        if id.is_empty() {
            r.errors.push(Error::input(&src.path, line, format!("missing or empty {:?} field", fields.id)));
            continue;
        }
        let Some(text) = text else {
            r.errors.push(Error::input(&src.path, line, format!("missing {:?} string field", fields.text)));
            continue;
        };
        match non_empty(&src.path, line, text.to_string()) {
            Ok(text) => r.articles.push(Article { id, source: src.path.clone(), line, text }),
            Err(e) => r.errors.push(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(dir: &Path, name: &str, body: &[u8]) -> PathBuf {
        let p = dir.join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, body).unwrap();
        p
    }

    #[test]
    fn a_reader_reads_a_file_spanning_chunks_once_and_fails_articles_whose_file_changed() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "a.csv", b"id,text\nr1,One.\nr2,Two.\nr3,Three.\nr4,Four.\n");
        write(d.path(), "b.txt", b"Bee.");
        let fields = Fields::default();
        let scan = scan(&[d.path().to_path_buf()], &fields, false);
        assert_eq!(scan.articles.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["r1", "r2", "r3", "r4", "b"]);
        let mut reader = Reader::new(&scan, &fields, false);
        let first: Vec<String> = reader.read(&scan.articles[..2]).into_iter().map(|a| a.unwrap().text).collect();
        assert_eq!(first, ["One.", "Two."]);
        // the CSV changes on disk: the next chunk still gets the copy read with the first one
        write(d.path(), "a.csv", b"id,text\nr1,One.\nr2,Two.\nr3,CHANGED.\nr4,Four.\n");
        let second: Vec<String> = reader.read(&scan.articles[2..]).into_iter().map(|a| a.unwrap().text).collect();
        assert_eq!(second, ["Three.", "Four.", "Bee."]);
        // a fresh reader sees the file as it is now; a vanished one fails its articles only
        std::fs::remove_file(d.path().join("b.txt")).unwrap();
        let again = Reader::new(&scan, &fields, false).read(&scan.articles);
        assert_eq!(again[2].as_ref().unwrap().text, "CHANGED.");
        let e = again[4].as_ref().unwrap_err().to_string();
        assert!(e.contains("b.txt") && e.contains("changed or vanished"), "{e}");
    }

    #[test]
    fn regression_an_unterminated_quote_no_longer_swallows_the_rows_after_it() {
        let d = tempfile::tempdir().unwrap();
        // the missing quote pairs with the next one in the file (row d's): b swallowed c and half of d
        let p = write(d.path(), "news.csv", b"id,text\na,First.\nb,\"Opens and never closes.\nc,Third.\nd,\"Quoted\nnewline.\"\n");
        let l = load(&[p], &Fields::default(), true);
        let got: Vec<(&str, &str, Option<u64>)> = l.articles.iter().map(|a| (a.id.as_str(), a.text.as_str(), a.line)).collect();
        assert_eq!(got, [("a", "First.", Some(2)), ("c", "Third.", Some(4)), ("d", "Quoted\nnewline.", Some(5))]);
        let errs: Vec<String> = l.errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].contains("news.csv:3") && errs[0].contains("unterminated quote"), "{errs:?}");
    }

    #[test]
    fn an_unterminated_quote_at_the_end_of_the_file_is_reported_too() {
        let d = tempfile::tempdir().unwrap();
        let p = write(d.path(), "news.csv", b"id,text\na,First.\nb,\"Never closes.\nc,Third.\n");
        let l = load(&[p], &Fields::default(), true);
        assert_eq!(l.articles.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["a", "c"]);
        assert!(l.errors[0].to_string().contains("news.csv:3"), "{:?}", l.errors);
    }

    #[test]
    fn broken_quoting_tells_swallowed_rows_from_escaped_and_literal_quotes() {
        assert!(!broken_quoting(b"1,\"He said \"\"hi\"\".\"\n"));
        assert!(!broken_quoting(b"1,5\" tall\n"), "a quote inside an unquoted field is literal");
        assert!(!broken_quoting(b"1,\"two\nlines\"\r\n"));
        assert!(broken_quoting(b"1,\"open\n2,next"));
        assert!(broken_quoting(b"1,\"open\n2,\"next\n"));
    }

    #[test]
    fn csv_and_jsonl_edge_cases_are_read_or_reported_with_their_line() {
        let d = tempfile::tempdir().unwrap();
        // a byte-order mark, quoted newlines, a short row, a long row, a missing id, an empty text
        let csv = write(d.path(), "a.csv", "\u{feff}id,text\n1,\"Two\nlines.\"\n2\n3,x,y\n,No id.\n4,\n5,Last.\n".as_bytes());
        let jsonl = write(d.path(), "b.jsonl", "\u{feff}{\"id\": \"j1\", \"text\": \"One.\"}\n{\"text\": \"No id.\"}\n{\"id\": \"j3\"}\n{\"id\": \"j4\", \"text\": \"Four.\"}".as_bytes());
        let l = load(&[csv, jsonl], &Fields::default(), true);
        let got: Vec<(&str, Option<u64>)> = l.articles.iter().map(|a| (a.id.as_str(), a.line)).collect();
        assert_eq!(got, [("1", Some(2)), ("5", Some(8)), ("j1", Some(1)), ("j4", Some(4))]);
        assert_eq!(l.articles[0].text, "Two\nlines.");
        let errs: Vec<String> = l.errors.iter().map(|e| e.to_string()).collect();
        for want in ["a.csv:4: malformed CSV row: 1 fields where the header has 2", "a.csv:5: malformed CSV row: 3 fields", "a.csv:6: empty \"id\"", "a.csv:7", "b.jsonl:2: missing or empty \"id\"", "b.jsonl:3: missing \"text\""] {
            assert!(errs.iter().any(|e| e.contains(want)), "no {want:?} in {errs:?}");
        }
        assert_eq!(errs.len(), 6, "{errs:?}");
    }

    #[test]
    fn folders_recurse_and_bad_rows_are_reported_with_lines() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "a/one.txt", b"Inspectors praised the council.\n");
        write(d.path(), "a/b/two.txt", b"Another article.");
        write(d.path(), "rows.csv", b"id,text\nx1,First text.\nx2\nx3,\"Third text.\"\n");
        write(d.path(), "rows.jsonl", b"{\"id\": 7, \"text\": \"Seven.\"}\n{not json}\n\n{\"id\": \"y\", \"text\": \"\"}\n");
        write(d.path(), "labels.csv", b"article_id,start,end,label,text\nq,0,1,other,x\n");
        write(d.path(), "bad.txt", b"ok line\n\xff\xfe broken\n");
        write(d.path(), "notes.md", b"ignored");
        let l = load(&[d.path().to_path_buf()], &Fields::default(), true);
        let ids: Vec<_> = l.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["two", "one", "x1", "x3", "7"]);
        let errs: Vec<String> = l.errors.iter().map(|e| e.to_string()).collect();
        assert!(errs.iter().any(|e| e.contains("rows.csv:3") && e.contains("1 fields where the header has 2")), "{errs:?}");
        assert!(errs.iter().any(|e| e.contains("rows.jsonl:2") && e.contains("malformed JSON")), "{errs:?}");
        assert!(errs.iter().any(|e| e.contains("rows.jsonl:4") && e.contains("empty article")), "{errs:?}");
        assert!(errs.iter().any(|e| e.contains("bad.txt:2") && e.contains("UTF-8")), "{errs:?}");
        assert_eq!(l.skipped.len(), 1, "label CSV inside a folder is skipped, not an error");
        assert_eq!(l.articles[2].line, Some(2));
    }

    #[test]
    fn explicit_csv_without_fields_is_an_error_and_custom_fields_work() {
        let d = tempfile::tempdir().unwrap();
        let p = write(d.path(), "x.csv", b"doc,body\nd1,Some body text.\n");
        let l = load(&[p.clone()], &Fields::default(), true);
        assert!(l.articles.is_empty());
        assert!(l.errors[0].to_string().contains("--id-field"));
        let l = load(&[p], &Fields { id: "doc".into(), text: "body".into() }, true);
        assert_eq!(l.articles[0].id, "d1");
        assert_eq!(l.articles[0].text, "Some body text.");
    }

    #[test]
    fn duplicate_ids_and_missing_paths_are_errors() {
        let d = tempfile::tempdir().unwrap();
        let a = write(d.path(), "a/same.txt", b"One.");
        let b = write(d.path(), "b/same.txt", b"Two.");
        let l = load(&[a, b, d.path().join("nope.txt")], &Fields::default(), true);
        assert_eq!(l.articles.len(), 1);
        assert_eq!(l.errors.len(), 2);
        assert!(l.errors.iter().any(|e| e.to_string().contains("duplicate article id")));
        assert!(l.errors.iter().any(|e| e.to_string().contains("no such file")));
    }
}
