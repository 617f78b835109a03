//! `ofsted merge`: join the output folders of `classify --shard K/N` runs into the folder one
//! unsharded run would have written. Each shard's `shard.json` says which byte range every
//! chunk took in every file; merging copies those ranges in chunk order, so the joined files
//! are byte for byte the single run's. Shards made with other models, settings or inputs, a
//! missing shard, or a file changed since its shard wrote it are refused.

use crate::app::classify::{ChunkSummary, ShardManifest, Summary, SHARD_JSON};
use crate::error::{Error, Result};
use crate::io::output;
use crate::io::partial::first_difference;
use serde_json::json;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn read_manifest(dir: &Path) -> Result<ShardManifest> {
    let p = dir.join(SHARD_JSON);
    let text = std::fs::read_to_string(&p).map_err(|e| {
        let why = if e.kind() == std::io::ErrorKind::NotFound { "missing: merge joins the output folders of finished `classify --shard K/N` runs".to_string() } else { e.to_string() };
        Error::input(&p, None, why)
    })?;
    serde_json::from_str(&text).map_err(|e| Error::input(&p, Some(e.line() as u64), format!("not a shard manifest: {e}")))
}

fn copy_range(w: &mut dyn Write, file: &mut File, path: &Path, start: u64, end: u64) -> std::io::Result<()> {
    file.seek(SeekFrom::Start(start))?;
    let n = std::io::copy(&mut Read::by_ref(file).take(end - start), w)?;
    if n != end - start {
        return Err(std::io::Error::other(format!("{} ended early", path.display())));
    }
    Ok(())
}

/// Merge `dirs` (one per shard, any order) into `out`.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<Summary> {
    let started = Instant::now();
    if dirs.is_empty() {
        return Err(Error::Config("merge needs the shard folders to join".into()));
    }
    let manifests: Vec<ShardManifest> = dirs.iter().map(|d| read_manifest(d)).collect::<Result<_>>()?;
    let first = &manifests[0];
    for (m, d) in manifests.iter().zip(dirs).skip(1) {
        if let Some(key) = first_difference(&first.state, &m.state) {
            return Err(Error::Config(format!("{} was made with different {key} from {}: merge joins the shards of one run", d.display(), dirs[0].display())));
        }
    }
    let count = first.shard.count;
    let out_real = out.canonicalize().ok();
    let mut seen = vec![None; count];
    for (m, d) in manifests.iter().zip(dirs) {
        if m.shard.count != count || m.shard.index >= count {
            return Err(Error::Config(format!("{} is shard {}, but {} is of {count} shards", d.display(), m.shard, dirs[0].display())));
        }
        if let Some(other) = seen[m.shard.index].replace(d) {
            return Err(Error::Config(format!("{} and {} are both shard {}", other.display(), d.display(), m.shard)));
        }
        if out_real.is_some() && d.canonicalize().ok() == out_real {
            return Err(Error::Config(format!("--out {} is one of the shards; write the merge to a new folder", out.display())));
        }
    }
    let missing: Vec<String> = seen.iter().enumerate().filter(|(_, s)| s.is_none()).map(|(k, _)| format!("{k}/{count}")).collect();
    if !missing.is_empty() {
        return Err(Error::Config(format!("shard(s) {} missing: every shard's folder must be given", missing.join(", "))));
    }

    // every chunk of the input exactly once, from the shard that ran it
    let chunks = first.state["inputs"]["chunks"].as_u64().ok_or_else(|| Error::input(dirs[0].join(SHARD_JSON), None, "no chunk count in the state"))? as usize;
    let mut owner: Vec<Option<(usize, usize)>> = vec![None; chunks];
    for (s, m) in manifests.iter().enumerate() {
        for (pos, (c, _)) in m.chunks.iter().enumerate() {
            if *c >= chunks || owner[*c].replace((s, pos)).is_some() {
                return Err(Error::Config(format!("{}: chunk {c} is out of range or in two shards", dirs[s].join(SHARD_JSON).display())));
            }
        }
    }
    if let Some(c) = owner.iter().position(Option::is_none) {
        return Err(Error::Config(format!("chunk {c} of {chunks} is in no shard: a shard did not finish (rerun it with --resume)")));
    }
    let owner: Vec<(usize, usize)> = owner.into_iter().flatten().collect();

    // every file of every shard checked before anything is written
    let mut opened = Vec::new();
    for (f, want) in first.files.iter().enumerate() {
        let mut sources = Vec::new();
        for (m, d) in manifests.iter().zip(dirs) {
            let mine = m.files.get(f).filter(|x| x.name == want.name && x.header == want.header && x.trailer == want.trailer).ok_or_else(|| Error::Config(format!("{} has no {} like {}'s in its manifest", d.display(), want.name, dirs[0].display())))?;
            let p = d.join(&mine.name);
            let file = File::open(&p).map_err(|e| Error::input(&p, None, format!("cannot read: {e}")))?;
            let len = file.metadata().map_err(|e| Error::input(&p, None, e.to_string()))?.len();
            let expected = mine.chunks.last().map_or(mine.header, |r| r.2) + mine.trailer;
            if len != expected {
                return Err(Error::input(&p, None, format!("{len} bytes, but {SHARD_JSON} records {expected}: the file changed after its shard wrote it")));
            }
            sources.push((file, p, &mine.chunks, len - mine.trailer));
        }
        opened.push((&want.name, want.header, sources));
    }
    std::fs::create_dir_all(out).map_err(|e| Error::Output { path: out.to_path_buf(), source: e })?;
    for (name, header, mut sources) in opened {
        output::write_atomic(&out.join(name), |w| {
            let (file, p, _, _) = &mut sources[0];
            copy_range(w, file, p, 0, header)?;
            for &(s, pos) in &owner {
                let (file, p, ranges, _) = &mut sources[s];
                let (_, start, end) = ranges[pos];
                copy_range(w, file, p, start, end)?;
            }
            let (file, p, _, body_end) = &mut sources[0];
            let len = file.metadata()?.len();
            copy_range(w, file, p, *body_end, len)
        })?;
    }

    let mut total = ChunkSummary::default();
    for &(s, pos) in &owner {
        total.add(&manifests[s].chunks[pos].1);
    }
    let mut errors = first.input_errors.clone();
    errors.extend(total.errors.iter().cloned());
    let shards: Vec<serde_json::Value> = manifests.iter().zip(dirs).map(|(m, d)| json!({"dir": d, "shard": m.shard.to_string(), "chunks": m.chunks.len(), "wall_seconds": m.run["wall_seconds"]})).collect();
    let run = json!({
        "tool": "ofsted",
        "version": env!("CARGO_PKG_VERSION"),
        "command": "merge",
        "models": first.run["models"],
        "inputs": first.run["inputs"],
        "skipped_files": first.skipped_files,
        "settings": first.run["settings"],
        "shards": shards,
        "counts": total.counts(first.input_errors.len()),
        "wall_seconds": started.elapsed().as_secs_f64(),
        "errors": errors,
    });
    output::write_json(&out.join(output::RUN_JSON), &run)?;
    Ok(total.summary(first.input_errors.len(), started.elapsed().as_secs_f64(), 0.0))
}
