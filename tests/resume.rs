//! Crash safety and sharding with the real models: a run killed with SIGKILL and resumed, and a
//! run split into shards (three processes) and merged, both end byte for byte as one
//! uninterrupted run.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const DATA_FILES: [&str; 5] = ["sentences.csv", "officials.csv", "grades.csv", "articles.jsonl", "index.html"];

/// The blind set's articles plus two bad inputs, so errors have to survive a resume and a merge.
fn archive(root: &Path) -> PathBuf {
    let dir = root.join("archive");
    let blind = Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/blind/articles");
    for f in std::fs::read_dir(&blind).unwrap() {
        let f = f.unwrap().path();
        write(&dir, f.file_name().unwrap().to_str().unwrap(), &std::fs::read(&f).unwrap());
    }
    write(&dir, "zz_rows.jsonl", b"{\"id\": \"zz1\", \"text\": \"Ofsted rated the trust good.\"}\n{broken\n");
    write(&dir, "zz_dump.txt", "{\"k\":[1,2,3]},".repeat(2_000).as_bytes());
    dir
}

fn classify(input: &Path, out: &Path, extra: &[&str]) -> Ofsted {
    ofsted(&["classify", "-q", "--threads", "1", "--chunk-articles", "3"]).arg(input).arg("--out").arg(out).arg("--models-dir").arg(models()).args(extra)
}

trait Args {
    fn args(self, a: &[&str]) -> Self;
}
impl Args for Ofsted {
    fn args(mut self, a: &[&str]) -> Self {
        for x in a {
            self = self.arg(x);
        }
        self
    }
}

fn run_json(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("run.json")).unwrap()).unwrap()
}

fn assert_same_outputs(a: &Path, b: &Path) {
    for f in DATA_FILES {
        let (x, y) = (std::fs::read(a.join(f)).unwrap(), std::fs::read(b.join(f)).unwrap());
        assert!(x == y, "{f} differs between {} ({} bytes) and {} ({} bytes)", a.display(), x.len(), b.display(), y.len());
    }
    let (x, y) = (run_json(a), run_json(b));
    assert_eq!(x["counts"], y["counts"]);
    assert_eq!(x["errors"], y["errors"]);
}

#[test]
fn a_run_killed_mid_way_resumes_to_outputs_byte_identical_to_an_uninterrupted_run() {
    let d = tempfile::tempdir().unwrap();
    let input = archive(d.path());
    let whole = d.path().join("whole");
    assert_eq!(classify(&input, &whole, &[]).run().code, 1, "two bad inputs");

    let out = d.path().join("out");
    let journal = out.join(".ofsted-partial/journal.jsonl");
    let mut child = classify(&input, &out, &[]).spawn();
    let started = Instant::now();
    // kill once a few chunks are on disk, with more to go
    while std::fs::read_to_string(&journal).map_or(0, |j| j.lines().count()) < 3 {
        assert!(child.try_wait().unwrap().is_none(), "the run ended before it could be killed");
        assert!(started.elapsed() < Duration::from_secs(300), "no chunk finished in 5 minutes");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    let chunks_done = std::fs::read_to_string(&journal).unwrap().lines().count();
    let chunks = run_json(&whole)["chunks"]["in_input"].as_u64().unwrap() as usize;
    assert!(chunks_done < chunks, "killed after {chunks_done} of {chunks} chunks");
    assert!(!out.join("sentences.csv").exists() && !out.join("run.json").exists(), "no final output appears before the run ends");

    // the same command without --resume would start over; with it, the run goes on
    let r = classify(&input, &out, &["--resume"]).run();
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_same_outputs(&whole, &out);
    let run = run_json(&out);
    assert!(run["chunks"]["resumed_from_earlier_runs"].as_u64().unwrap() as usize >= chunks_done, "{}", run["chunks"]);
    assert!(!out.join(".ofsted-partial").exists(), "the partial folder goes once the run is done");

    // a resume with other settings is refused, not mixed into the same files
    let mut child = classify(&input, &out, &[]).spawn();
    while std::fs::read_to_string(&journal).map_or(0, |j| j.lines().count()) < 1 {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let r = classify(&input, &out, &["--resume", "--ner-every-unit"]).run();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("different settings") && r.stderr.contains(".ofsted-partial"), "{}", r.stderr);
}

#[test]
fn three_shards_run_as_processes_merge_byte_identical_to_one_run_and_mismatches_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let input = archive(d.path());
    let whole = d.path().join("whole");
    assert_eq!(classify(&input, &whole, &[]).run().code, 1);

    let shard = |k: usize| d.path().join(format!("shard{k}"));
    // shard 0 by flag, shard 1 as a Slurm array task (ids 1-3), shard 2 as a Kubernetes Indexed Job pod
    let children = vec![
        classify(&input, &shard(0), &["--shard", "0/3"]).spawn(),
        classify(&input, &shard(1), &[]).env("SLURM_ARRAY_TASK_ID", "2").env("SLURM_ARRAY_TASK_MIN", "1").env("SLURM_ARRAY_TASK_COUNT", "3").spawn(),
        classify(&input, &shard(2), &["--shards", "3"]).env("JOB_COMPLETION_INDEX", "2").spawn(),
    ];
    for mut c in children {
        c.wait().unwrap();
    }
    for k in 0..3 {
        let run = run_json(&shard(k));
        assert_eq!(run["shard"], format!("{k}/3"));
        assert!(run["counts"]["articles"].as_u64().unwrap() > 0, "shard {k} ran no articles");
    }
    let merged = d.path().join("merged");
    let r = ofsted(&["merge", "-q"]).arg(shard(2)).arg(shard(0)).arg(shard(1)).arg("--out").arg(&merged).run();
    assert_eq!(r.code, 1, "merged outputs hold the bad inputs' errors: {}", r.stderr);
    assert_same_outputs(&whole, &merged);
    assert_eq!(run_json(&merged)["command"], "merge");

    // a missing shard, a shard given twice, and an unsharded folder
    let r = ofsted(&["merge"]).arg(shard(0)).arg(shard(1)).arg("--out").arg(d.path().join("m2")).run();
    assert!(r.code == 2 && r.stderr.contains("2/3") && r.stderr.contains("missing"), "{}", r.stderr);
    let r = ofsted(&["merge"]).arg(shard(0)).arg(shard(0)).arg(shard(1)).arg("--out").arg(d.path().join("m2")).run();
    assert!(r.code == 2 && r.stderr.contains("both shard 0/3"), "{}", r.stderr);
    let r = ofsted(&["merge"]).arg(&whole).arg("--out").arg(d.path().join("m2")).run();
    assert!(r.code == 2 && r.stderr.contains("shard.json") && r.stderr.contains("--shard"), "{}", r.stderr);

    // a shard made with other settings
    let odd = d.path().join("odd");
    classify(&input, &odd, &["--shard", "1/3", "--ner-every-unit"]).run();
    let r = ofsted(&["merge"]).arg(shard(0)).arg(&odd).arg(shard(2)).arg("--out").arg(d.path().join("m2")).run();
    assert!(r.code == 2 && r.stderr.contains("different settings"), "{}", r.stderr);

    // a shard whose file changed after it was written
    let f = shard(1).join("officials.csv");
    let mut bytes = std::fs::read(&f).unwrap();
    bytes.extend_from_slice(b"x,y\n");
    std::fs::write(&f, bytes).unwrap();
    let r = ofsted(&["merge"]).arg(shard(0)).arg(shard(1)).arg(shard(2)).arg("--out").arg(d.path().join("m2")).run();
    assert!(r.code == 2 && r.stderr.contains("officials.csv") && r.stderr.contains("changed after"), "{}", r.stderr);
    assert!(!d.path().join("m2").exists(), "nothing is written when a merge is refused");
}
