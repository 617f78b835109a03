//! A run's outputs while they are being written. `OUT/.ofsted-partial/` holds each output file
//! as it grows chunk by chunk, and a journal line per chunk once that chunk is on disk (fsync).
//! A killed run resumes from the journal: each file is cut back to the end of the last chunk the
//! journal records, and the run goes on from the next chunk. A finished run moves each file
//! into `OUT` by one rename, so no reader ever sees a half-written output.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub const PARTIAL_DIR: &str = ".ofsted-partial";
const STATE: &str = "state.json";
const JOURNAL: &str = "journal.jsonl";

/// One finished chunk as the journal records it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChunkRecord {
    pub chunk: usize,
    /// Length of each output file once this chunk was appended.
    pub ends: BTreeMap<String, u64>,
    /// What the run wants to know about the chunk later (counts, errors); opaque here.
    pub summary: serde_json::Value,
}

/// Where each chunk's bytes are in one output file: merge copies the header, the chunks in
/// order, then the trailer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileRanges {
    pub name: String,
    pub header: u64,
    /// (chunk, start, end) byte ranges, in the order the chunks were written.
    pub chunks: Vec<(usize, u64, u64)>,
    pub trailer: u64,
}

/// How a run opened its partial folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    Fresh,
    /// An interrupted run's partial folder was thrown away (no `--resume`).
    Discarded,
    Resumed,
}

pub struct PartialRun {
    out: PathBuf,
    dir: PathBuf,
    /// Output files in order, with their headers' lengths.
    files: Vec<(String, File, u64)>,
    journal: File,
    pub done: Vec<ChunkRecord>,
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::Output { path: path.to_path_buf(), source: e }
}

fn damaged(dir: &Path, why: impl std::fmt::Display) -> Error {
    Error::Config(format!("{}: the interrupted run's partial outputs are damaged ({why}); delete the folder to start over", dir.display()))
}

impl PartialRun {
    /// Open `OUT/.ofsted-partial` for a run identified by `state` (models, settings, inputs,
    /// shard), writing `files` (name and header bytes). With `resume`, an interrupted run made
    /// with the same state goes on where its journal ends; one made differently is refused.
    pub fn open(out: &Path, state: &serde_json::Value, files: &[(&str, Vec<u8>)], resume: bool) -> Result<(PartialRun, Opened)> {
        let dir = out.join(PARTIAL_DIR);
        let existed = dir.join(STATE).is_file();
        if resume && existed {
            return PartialRun::reopen(out, &dir, state, files).map(|p| (p, Opened::Resumed));
        }
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(io_err(&dir))?;
        }
        std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        let mut opened = Vec::new();
        for (name, header) in files {
            let p = dir.join(name);
            let mut f = File::create(&p).map_err(io_err(&p))?;
            f.write_all(header).map_err(io_err(&p))?;
            f.sync_data().map_err(io_err(&p))?;
            opened.push((name.to_string(), f, header.len() as u64));
        }
        let jp = dir.join(JOURNAL);
        let journal = File::create(&jp).map_err(io_err(&jp))?;
        // the state goes last: a folder without it is never resumed
        crate::io::output::write_json(&dir.join(STATE), state)?;
        sync_dir(&dir)?;
        let how = if existed { Opened::Discarded } else { Opened::Fresh };
        Ok((PartialRun { out: out.to_path_buf(), dir, files: opened, journal, done: Vec::new() }, how))
    }

    fn reopen(out: &Path, dir: &Path, state: &serde_json::Value, files: &[(&str, Vec<u8>)]) -> Result<PartialRun> {
        let sp = dir.join(STATE);
        let text = std::fs::read_to_string(&sp).map_err(io_err(&sp))?;
        let before: serde_json::Value = serde_json::from_str(&text).map_err(|e| damaged(dir, format!("{STATE}: {e}")))?;
        if let Some(key) = first_difference(&before, state) {
            return Err(Error::Config(format!(
                "{} holds an interrupted run made with different {key}; --resume continues only the same run (same models, settings, inputs and shard). Delete the folder or run without --resume to start over",
                dir.display()
            )));
        }
        // journal lines up to the first torn one (a kill while appending)
        let jp = dir.join(JOURNAL);
        let mut done = Vec::new();
        let mut valid = 0u64;
        for line in std::io::BufReader::new(File::open(&jp).map_err(io_err(&jp))?).split(b'\n') {
            let line = line.map_err(io_err(&jp))?;
            match serde_json::from_slice::<ChunkRecord>(&line) {
                Ok(r) => {
                    valid += line.len() as u64 + 1;
                    done.push(r);
                }
                Err(_) => break,
            }
        }
        let mut journal = OpenOptions::new().read(true).write(true).open(&jp).map_err(io_err(&jp))?;
        journal.set_len(valid).map_err(io_err(&jp))?;
        journal.seek(SeekFrom::End(0)).map_err(io_err(&jp))?;
        let mut opened = Vec::new();
        for (name, header) in files {
            let p = dir.join(name);
            // a kill during the final renames leaves some files already in OUT: take them back
            let moved = out.join(name);
            if !p.exists() && moved.is_file() {
                std::fs::rename(&moved, &p).map_err(io_err(&p))?;
            }
            let mut f = OpenOptions::new().read(true).write(true).open(&p).map_err(|e| damaged(dir, format!("{name}: {e}")))?;
            let end = done.last().map_or(Some(header.len() as u64), |r| r.ends.get(*name).copied()).ok_or_else(|| damaged(dir, format!("the journal has no length for {name}")))?;
            let len = f.metadata().map_err(io_err(&p))?.len();
            if len < end {
                return Err(damaged(dir, format!("{name} is {len} bytes, shorter than the {end} the journal records")));
            }
            // bytes after the last recorded chunk belong to a chunk that never finished
            f.set_len(end).map_err(io_err(&p))?;
            f.seek(SeekFrom::End(0)).map_err(io_err(&p))?;
            opened.push((name.to_string(), f, header.len() as u64));
        }
        Ok(PartialRun { out: out.to_path_buf(), dir: dir.to_path_buf(), files: opened, journal, done })
    }

    /// Append one chunk's bytes (one entry per file, in the order given to `open`), make them
    /// durable, then record the chunk in the journal.
    pub fn append(&mut self, chunk: usize, parts: &[Vec<u8>], summary: serde_json::Value) -> Result<()> {
        if parts.len() != self.files.len() {
            return Err(Error::Internal(format!("{} parts for {} output files", parts.len(), self.files.len())));
        }
        let mut ends = BTreeMap::new();
        for ((name, f, _), bytes) in self.files.iter_mut().zip(parts) {
            let p = self.dir.join(&*name);
            f.write_all(bytes).map_err(io_err(&p))?;
            f.sync_data().map_err(io_err(&p))?;
            ends.insert(name.clone(), f.stream_position().map_err(io_err(&p))?);
        }
        let record = ChunkRecord { chunk, ends, summary };
        let mut line = serde_json::to_vec(&record).map_err(|e| Error::Internal(format!("journal record: {e}")))?;
        line.push(b'\n');
        let jp = self.dir.join(JOURNAL);
        self.journal.write_all(&line).map_err(io_err(&jp))?;
        self.journal.sync_data().map_err(io_err(&jp))?;
        self.done.push(record);
        Ok(())
    }

    /// Each file's header length and the byte range every chunk took in it, for a shard's
    /// manifest (merge copies those ranges). `trailers` as will be given to [`PartialRun::finish`].
    pub fn ranges(&self, trailers: &[(&str, Vec<u8>)]) -> Vec<FileRanges> {
        self.files
            .iter()
            .map(|(name, _, header)| {
                let mut start = *header;
                let chunks = self
                    .done
                    .iter()
                    .map(|r| {
                        let end = r.ends.get(name).copied().unwrap_or(start);
                        let range = (r.chunk, start, end);
                        start = end;
                        range
                    })
                    .collect();
                let trailer = trailers.iter().find(|t| t.0 == name).map_or(0, |t| t.1.len() as u64);
                FileRanges { name: name.clone(), header: *header, chunks, trailer }
            })
            .collect()
    }

    /// End the files named in `trailers` with those bytes, move every file into OUT (one rename
    /// each), then write `extra` files whole (run.json last, so its presence means the run
    /// finished), then remove the partial folder. A kill in between is resumed: the journal cuts
    /// a trailer off again, and files already moved are taken back.
    pub fn finish(mut self, trailers: &[(&str, Vec<u8>)], extra: &[(&str, Vec<u8>)]) -> Result<()> {
        for (name, f, _) in self.files.iter_mut() {
            let p = self.dir.join(&*name);
            if let Some((_, bytes)) = trailers.iter().find(|t| t.0 == name) {
                f.write_all(bytes).map_err(io_err(&p))?;
            }
        }
        for (name, f, _) in &self.files {
            let p = self.dir.join(name);
            f.sync_all().map_err(io_err(&p))?;
            let to = self.out.join(name);
            std::fs::rename(&p, &to).map_err(io_err(&to))?;
        }
        sync_dir(&self.out)?;
        for (name, bytes) in extra {
            crate::io::output::write_atomic(&self.out.join(name), |w| w.write_all(bytes))?;
        }
        std::fs::remove_dir_all(&self.dir).map_err(io_err(&self.dir))?;
        Ok(())
    }
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(io_err(dir))
}

/// The first top-level key whose value differs between two states, for a message that says what
/// changed.
pub fn first_difference(a: &serde_json::Value, b: &serde_json::Value) -> Option<String> {
    match (a.as_object(), b.as_object()) {
        (Some(x), Some(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find(|k| x.get(*k) != y.get(*k)).map(|k| k.replace('_', " "))
        }
        _ => (a != b).then(|| "state".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn files() -> Vec<(&'static str, Vec<u8>)> {
        vec![("a.csv", b"x,y\n".to_vec()), ("b.jsonl", Vec::new())]
    }

    #[test]
    fn a_resumed_run_cuts_off_the_unfinished_chunk_and_goes_on() {
        let d = tempfile::tempdir().unwrap();
        let state = json!({"models": "m1", "shard": null});
        let (mut p, how) = PartialRun::open(d.path(), &state, &files(), true).unwrap();
        assert_eq!(how, Opened::Fresh);
        p.append(0, &[b"1,2\n".to_vec(), b"{}\n".to_vec()], json!({"n": 1})).unwrap();
        drop(p);
        // a kill mid-chunk: rows on disk, a torn journal line after them
        let dir = d.path().join(PARTIAL_DIR);
        OpenOptions::new().append(true).open(dir.join("a.csv")).unwrap().write_all(b"3,4\n").unwrap();
        OpenOptions::new().append(true).open(dir.join(JOURNAL)).unwrap().write_all(b"{\"chunk\":1,\"en").unwrap();
        let (mut p, how) = PartialRun::open(d.path(), &state, &files(), true).unwrap();
        assert_eq!(how, Opened::Resumed);
        assert_eq!(p.done.iter().map(|r| r.chunk).collect::<Vec<_>>(), [0]);
        p.append(1, &[b"5,6\n".to_vec(), b"{\"k\":1}\n".to_vec()], json!({"n": 1})).unwrap();
        let trailers = [("a.csv", b"end\n".to_vec())];
        assert_eq!(p.ranges(&trailers)[0], FileRanges { name: "a.csv".into(), header: 4, chunks: vec![(0, 4, 8), (1, 8, 12)], trailer: 4 });
        p.finish(&trailers, &[("run.json", b"{}\n".to_vec())]).unwrap();
        assert_eq!(std::fs::read_to_string(d.path().join("a.csv")).unwrap(), "x,y\n1,2\n5,6\nend\n");
        assert_eq!(std::fs::read_to_string(d.path().join("b.jsonl")).unwrap(), "{}\n{\"k\":1}\n");
        assert!(!dir.exists(), "the partial folder is removed once the run finishes");
    }

    #[test]
    fn resume_refuses_a_partial_run_made_differently_and_a_fresh_run_discards_it() {
        let d = tempfile::tempdir().unwrap();
        let (mut p, _) = PartialRun::open(d.path(), &json!({"models": "m1", "precision": "bf16"}), &files(), false).unwrap();
        p.append(0, &[b"1,2\n".to_vec(), b"{}\n".to_vec()], json!({})).unwrap();
        drop(p);
        let e = PartialRun::open(d.path(), &json!({"models": "m1", "precision": "fp32"}), &files(), true).err().unwrap().to_string();
        assert!(e.contains("different precision") && e.contains(PARTIAL_DIR), "{e}");
        let (p, how) = PartialRun::open(d.path(), &json!({"models": "m1", "precision": "fp32"}), &files(), false).unwrap();
        assert_eq!(how, Opened::Discarded);
        assert!(p.done.is_empty());
    }

    #[test]
    fn a_kill_during_the_final_renames_is_resumed_from_the_files_already_moved() {
        let d = tempfile::tempdir().unwrap();
        let state = json!({"models": "m1"});
        let (mut p, _) = PartialRun::open(d.path(), &state, &files(), false).unwrap();
        p.append(0, &[b"1,2\n".to_vec(), b"{}\n".to_vec()], json!({})).unwrap();
        drop(p);
        let dir = d.path().join(PARTIAL_DIR);
        // killed after the trailer was written and the first file moved
        OpenOptions::new().append(true).open(dir.join("a.csv")).unwrap().write_all(b"end\n").unwrap();
        std::fs::rename(dir.join("a.csv"), d.path().join("a.csv")).unwrap();
        let (p, _) = PartialRun::open(d.path(), &state, &files(), true).unwrap();
        assert_eq!(p.done.len(), 1);
        p.finish(&[("a.csv", b"end\n".to_vec())], &[]).unwrap();
        assert_eq!(std::fs::read_to_string(d.path().join("a.csv")).unwrap(), "x,y\n1,2\nend\n", "one trailer, not two");
    }
}
