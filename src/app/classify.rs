//! The `classify` job: read inputs, run the pipeline chunk by chunk, write the output files.

use crate::app::config::{ClassifyConfig, ModelPaths};
use crate::error::{Error, Result};
use crate::io::input;
use crate::io::output;
use crate::io::page;
use crate::io::partial::{FileRanges, Opened, PartialRun};
use crate::app::plan::{self, Shard};
use crate::model::classifier::{SentenceModel, HEAD_FILE, LAYERS_FILE};
use crate::model::encoder::Encoder;
use crate::model::manifest::LabelCounts;
use crate::model::ner::NerModel;
use crate::model::runtime::Runtime;
use crate::pipeline::{stages, Doc, Pipeline};
use crate::progress::{Mode, Progress};
use crate::text::NewsSegmenter;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::time::Instant;

/// What a finished run reports back to `main`.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub articles: usize,
    pub articles_failed: usize,
    pub input_errors: usize,
    pub sentences: usize,
    pub officials: usize,
    pub grades: usize,
    pub wall_seconds: f64,
    pub sentences_per_second: f64,
}

impl Summary {
    pub fn failed(&self) -> bool {
        self.articles_failed + self.input_errors > 0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorRecord {
    pub file: Option<String>,
    pub line: Option<u64>,
    pub article_id: Option<String>,
    pub message: String,
}

fn record(e: &Error) -> ErrorRecord {
    match e {
        Error::Input { path, line, message } | Error::Data { path, line, message } => {
            ErrorRecord { file: Some(path.display().to_string()), line: *line, article_id: None, message: message.clone() }
        }
        Error::Article { article, source } => ErrorRecord { file: None, line: None, article_id: Some(article.clone()), message: source.to_string() },
        other => ErrorRecord { file: None, line: None, article_id: None, message: other.to_string() },
    }
}

/// Which model files a run used, for run.json.
pub fn models_record(model: &SentenceModel, ner: &NerModel) -> serde_json::Value {
    json!({
        "classifier_head": { "path": model.dir.join(HEAD_FILE), "sha256": model.head_sha256 },
        "fine_tuned_layers": model.layers_sha256.as_ref().map(|sha| json!({ "path": model.dir.join(LAYERS_FILE), "sha256": sha })),
        "encoder": { "path": model.encoder.weights, "sha256": model.encoder.sha256, "precision": model.encoder.precision() },
        "ner": { "path": ner.weights, "sha256": ner.sha256, "precision": ner.precision() },
    })
}

/// The standard pipeline with the given models, and the record of which files they are.
pub fn load_pipeline(m: &ModelPaths, rt: &Runtime) -> Result<(Pipeline, serde_json::Value)> {
    let encoder = Encoder::load(&m.encoder, rt)?;
    let model = SentenceModel::load(&m.model, encoder)?;
    let ner = NerModel::load(&m.ner, rt)?;
    let record = models_record(&model, &ner);
    let tagger = stages::NameGate { tagger: ner, every_unit: rt.ner_every_unit };
    let mut pipeline = stages::standard(NewsSegmenter::default(), model, tagger);
    pipeline.parallel = rt.parallel;
    Ok((pipeline, record))
}

/// What a run reports about one chunk: kept in the journal, so a resumed run's run.json counts
/// every chunk, and in a shard's manifest, so merged shards do too.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ChunkSummary {
    pub articles: usize,
    pub articles_failed: usize,
    pub sentences: usize,
    pub officials: usize,
    pub grades: usize,
    pub labels: LabelCounts,
    pub errors: Vec<ErrorRecord>,
}

impl ChunkSummary {
    fn of(docs: &[Doc]) -> ChunkSummary {
        ChunkSummary {
            articles: docs.len(),
            articles_failed: docs.iter().filter(|d| d.error.is_some()).count(),
            sentences: docs.iter().map(|d| d.units.len()).sum(),
            officials: docs.iter().map(|d| d.officials.len()).sum(),
            grades: docs.iter().map(|d| d.grades.len()).sum(),
            labels: label_counts(docs.iter()),
            errors: docs.iter().filter_map(|d| d.error.as_ref()).map(record).collect(),
        }
    }

    /// run.json's `counts`: the same in a single run, a resumed one and merged shards.
    pub fn counts(&self, input_errors: usize) -> serde_json::Value {
        json!({
            "articles": self.articles,
            "articles_failed": self.articles_failed,
            "input_errors": input_errors,
            "sentences": self.sentences,
            "officials": self.officials,
            "grades": self.grades,
            "labels": self.labels,
        })
    }

    /// What a run (or merge) reports back to `main`.
    pub fn summary(&self, input_errors: usize, wall_seconds: f64, sentences_per_second: f64) -> Summary {
        Summary { articles: self.articles, articles_failed: self.articles_failed, input_errors, sentences: self.sentences, officials: self.officials, grades: self.grades, wall_seconds, sentences_per_second }
    }

    pub fn add(&mut self, o: &ChunkSummary) {
        self.articles += o.articles;
        self.articles_failed += o.articles_failed;
        self.sentences += o.sentences;
        self.officials += o.officials;
        self.grades += o.grades;
        self.labels.add(o.labels);
        self.errors.extend(o.errors.iter().cloned());
    }
}

/// The output files a pipeline writes chunk by chunk, in order, with their headers: each
/// stage's tables, then articles.jsonl and index.html.
fn output_files(pipeline: &Pipeline, articles_in_input: usize) -> Vec<(&'static str, Vec<u8>)> {
    let mut files: Vec<(&'static str, Vec<u8>)> = pipeline.tables().iter().map(|t| (t.file(), output::header_line(t.columns()))).collect();
    files.push((output::ARTICLES_JSONL, Vec::new()));
    files.push((page::INDEX_HTML, page::header(articles_in_input)));
    files
}

/// What ends the output files once every chunk is in: the page's script.
fn output_trailers() -> Vec<(&'static str, Vec<u8>)> {
    vec![(page::INDEX_HTML, page::trailer())]
}

/// One chunk's bytes for each of [`output_files`]; `first` is the chunk's first article's
/// position in the input.
fn chunk_bytes(pipeline: &Pipeline, docs: &[Doc], first: usize) -> Result<Vec<Vec<u8>>> {
    let mut parts = Vec::new();
    for table in pipeline.tables() {
        let mut bytes = Vec::new();
        table.append(docs, &mut bytes)?;
        parts.push(bytes);
    }
    let mut lines = Vec::new();
    for d in docs {
        let value = serde_json::to_value(ArticleRecord::of(d)).map_err(|e| Error::Internal(format!("articles.jsonl record: {e}")))?;
        serde_json::to_writer(&mut lines, &value).map_err(|e| Error::Internal(format!("articles.jsonl record: {e}")))?;
        lines.push(b'\n');
    }
    parts.push(lines);
    parts.push(docs.iter().enumerate().flat_map(|(i, d)| page::entry(d, first + i)).collect());
    Ok(parts)
}

/// What identifies a run's outputs: a resumed run and the shards of one merge must agree on all
/// of it. Paths are left out (shards run on different machines); threads are in, since the NER
/// model's results move in their last bits with libtorch's thread count.
fn run_state(cfg: &ClassifyConfig, pipeline: &Pipeline, models: &serde_json::Value, scan: &input::Scan, chunks: usize) -> serde_json::Value {
    let shas = |k: &str| models.get(k).and_then(|m| m.get("sha256")).cloned();
    json!({
        "version": env!("CARGO_PKG_VERSION"),
        "models": { "classifier_head": shas("classifier_head"), "fine_tuned_layers": shas("fine_tuned_layers"), "encoder": shas("encoder"), "ner": shas("ner") },
        "settings": {
            "precision": cfg.runtime.precision, "threads": cfg.runtime.torch_threads(), "batch_size": cfg.runtime.batch_size,
            "batch_tokens": cfg.runtime.batch_tokens, "ner_every_unit": cfg.runtime.ner_every_unit, "chunk_articles": pipeline.chunk,
            "id_field": cfg.fields.id, "text_field": cfg.fields.text,
        },
        "inputs": { "articles": scan.articles.len(), "chunks": chunks, "ids_sha256": plan::ids_sha256(&scan.articles) },
        "shard_count": cfg.shard.map(|s| s.count),
    })
}

pub fn classify(cfg: &ClassifyConfig) -> Result<Summary> {
    let started = Instant::now();
    let mode = Mode::detect(cfg.quiet);
    let say = |m: &str| {
        if mode != Mode::Quiet {
            eprintln!("[ofsted] {m}")
        }
    };
    // models first: a setup problem should fail fast, before any reading
    let (mut pipeline, models_record) = load_pipeline(&cfg.models, &cfg.runtime)?;
    pipeline.chunk = cfg.chunk;
    let load_seconds = started.elapsed().as_secs_f64();
    say(&format!("models loaded in {load_seconds:.1}s"));

    let scan = input::scan(&cfg.inputs, &cfg.fields, cfg.runtime.parallel);
    for e in &scan.errors {
        eprintln!("[ofsted] error: {e}");
    }
    if scan.articles.is_empty() && scan.errors.is_empty() {
        return Err(Error::Config("no articles found in the inputs (looked for .txt, .csv and .jsonl files)".into()));
    }
    let all = plan::chunks(scan.articles.len(), pipeline.chunk);
    let total_chunks = all.len();
    let mine = plan::shard_chunks(all, cfg.shard);
    let mine_articles: usize = mine.iter().map(|c| c.articles.len()).sum();
    let shard_note = cfg.shard.map(|s| format!("; shard {s} runs {} of {total_chunks} chunks ({mine_articles} articles)", mine.len())).unwrap_or_default();
    say(&format!("{} articles from {} input(s); {} input error(s){shard_note}", scan.articles.len(), cfg.inputs.len(), scan.errors.len()));
    std::fs::create_dir_all(&cfg.out).map_err(|e| Error::Output { path: cfg.out.clone(), source: e })?;

    let state = run_state(cfg, &pipeline, &models_record, &scan, total_chunks);
    let mut resume_state = state.clone();
    resume_state["shard"] = json!(cfg.shard.map(|s| s.index));
    let files = output_files(&pipeline, scan.articles.len());
    let (mut partial, opened) = PartialRun::open(&cfg.out, &resume_state, &files, cfg.resume)?;
    let done: std::collections::HashSet<usize> = partial.done.iter().map(|r| r.chunk).collect();
    match opened {
        Opened::Resumed => say(&format!("resuming: {} of {} chunks were already done", done.len(), mine.len())),
        Opened::Discarded => say(&format!("discarded an interrupted run's partial outputs in {} (pass --resume to continue one instead)", cfg.out.join(crate::io::partial::PARTIAL_DIR).display())),
        Opened::Fresh => {}
    }

    let progress = Progress::new(mode, "articles", mine_articles as u64);
    progress.items_done(mine.iter().filter(|c| done.contains(&c.index)).map(|c| c.articles.len()).sum());
    let inference_start = Instant::now();
    let mut reader = input::Reader::new(&scan, &cfg.fields, cfg.runtime.parallel);
    let mut sentences_this_run = 0;
    for chunk in mine.iter().filter(|c| !done.contains(&c.index)) {
        let planned = &scan.articles[chunk.articles.clone()];
        let docs = read_and_run(&pipeline, &scan, &mut reader, planned, &progress);
        for d in &docs {
            if let Some(e) = &d.error {
                progress.println(&format!("[ofsted] error: {e}"));
                if mode == Mode::Quiet {
                    eprintln!("[ofsted] error: {e}");
                }
            }
        }
        let summary = ChunkSummary::of(&docs);
        let value = serde_json::to_value(&summary).map_err(|e| Error::Internal(format!("chunk summary: {e}")))?;
        partial.append(chunk.index, &chunk_bytes(&pipeline, &docs, chunk.articles.start)?, value)?;
        sentences_this_run += summary.sentences;
    }
    let inference_seconds = inference_start.elapsed().as_secs_f64();
    progress.finish();

    let mut total = ChunkSummary::default();
    let mut per_chunk = Vec::new();
    for r in &partial.done {
        let s: ChunkSummary = serde_json::from_value(r.summary.clone()).map_err(|e| Error::Internal(format!("journal summary of chunk {}: {e}", r.chunk)))?;
        total.add(&s);
        per_chunk.push((r.chunk, s));
    }
    let summary = total.summary(scan.errors.len(), started.elapsed().as_secs_f64(), sentences_this_run as f64 / inference_seconds.max(1e-9));
    let input_errors: Vec<ErrorRecord> = scan.errors.iter().map(record).collect();
    let skipped: Vec<serde_json::Value> = scan.skipped.iter().map(|(p, why)| json!({"file": p, "reason": why})).collect();
    let mut errors = input_errors.clone();
    errors.extend(total.errors.iter().cloned());
    let run = json!({
        "tool": "ofsted",
        "version": env!("CARGO_PKG_VERSION"),
        "command": "classify",
        "models": models_record,
        "inputs": cfg.inputs,
        "skipped_files": skipped,
        "settings": { "threads": cfg.runtime.torch_threads(), "batch_size": cfg.runtime.batch_size, "batch_tokens": cfg.runtime.batch_tokens, "ner_every_unit": cfg.runtime.ner_every_unit, "parallel": cfg.runtime.parallel, "precision": cfg.runtime.precision },
        "shard": cfg.shard.map(|s| s.to_string()),
        "chunks": { "articles_per_chunk": pipeline.chunk, "in_input": total_chunks, "in_this_run": mine.len(), "resumed_from_earlier_runs": done.len() },
        "counts": total.counts(scan.errors.len()),
        "wall_seconds": summary.wall_seconds,
        "inference_seconds": inference_seconds,
        "load_seconds": load_seconds,
        "stage_seconds": pipeline.stage_seconds().into_iter().map(|(n, s)| (n.to_string(), json!(s))).collect::<serde_json::Map<_, _>>(),
        "sentences_per_second": summary.sentences_per_second,
        "errors": errors,
    });
    let trailers = output_trailers();
    let mut extra = Vec::new();
    if let Some(shard) = cfg.shard {
        let manifest = ShardManifest { shard, state: state.clone(), files: partial.ranges(&trailers), chunks: per_chunk, input_errors, skipped_files: skipped, run: run.clone() };
        extra.push((SHARD_JSON, output::json_bytes(&manifest)?));
    }
    extra.push((output::RUN_JSON, output::json_bytes(&run)?));
    partial.finish(&trailers, &extra)?;
    say(&format!(
        "{} articles, {} sentences ({:.1}/s), {} officials, {} grades -> {}",
        summary.articles,
        summary.sentences,
        summary.sentences_per_second,
        summary.officials,
        summary.grades,
        cfg.out.display()
    ));
    Ok(summary)
}

/// A chunk's articles read from their files and run; an article whose file changed since the
/// scan fails on its own.
fn read_and_run(pipeline: &Pipeline, scan: &input::Scan, reader: &mut input::Reader<'_>, planned: &[input::Planned], progress: &Progress) -> Vec<Doc> {
    let read = reader.read(planned);
    let mut failed = Vec::new();
    let mut ok = Vec::new();
    for (i, (r, p)) in read.into_iter().zip(planned).enumerate() {
        match r {
            Ok(a) => ok.push(a),
            Err(e) => failed.push((i, Doc::failed(input::Article { id: p.id.clone(), source: scan.path_of(p).to_path_buf(), line: None, text: String::new() }, e))),
        }
    }
    let mut docs = if ok.is_empty() { Vec::new() } else { pipeline.process(ok, progress) };
    if !failed.is_empty() {
        progress.items_done(failed.len());
    }
    for (i, d) in failed {
        docs.insert(i, d);
    }
    docs
}

/// What `ofsted merge` needs from a shard: its place, the run state every shard must share, the
/// byte range each chunk took in each output file, and each chunk's counts and errors.
#[derive(Debug, Serialize, Deserialize)]
pub struct ShardManifest {
    pub shard: Shard,
    pub state: serde_json::Value,
    pub files: Vec<FileRanges>,
    pub chunks: Vec<(usize, ChunkSummary)>,
    pub input_errors: Vec<ErrorRecord>,
    pub skipped_files: Vec<serde_json::Value>,
    /// The shard's own run.json, for what the merged one repeats (models, settings, inputs).
    pub run: serde_json::Value,
}

pub const SHARD_JSON: &str = "shard.json";

fn label_counts<'a>(results: impl Iterator<Item = &'a Doc>) -> LabelCounts {
    LabelCounts::of(results.flat_map(|r| r.predictions.iter().map(|p| p.label)))
}

/// One line of articles.jsonl. Written through a JSON value, so keys come out sorted, as they
/// always have.
#[derive(Serialize)]
struct ArticleRecord<'a> {
    id: &'a str,
    source: &'a std::path::Path,
    line: Option<u64>,
    counts: LabelCounts,
    sentences: Vec<SentenceRecord<'a>>,
    officials: &'a [crate::rules::officials::Official],
    grades: &'a [crate::rules::grades::GradeFinding],
    errors: Vec<String>,
}

/// A unit with its text; flattened, so its keys sit beside the unit's.
#[derive(Serialize)]
struct SentenceRecord<'a> {
    #[serde(flatten)]
    unit: crate::pipeline::ClassifiedUnit,
    text: &'a str,
}

impl<'a> ArticleRecord<'a> {
    fn of(d: &'a Doc) -> Self {
        ArticleRecord {
            id: &d.article.id,
            source: &d.article.source,
            line: d.article.line,
            counts: label_counts(std::iter::once(d)),
            sentences: d.classified().map(|u| SentenceRecord { text: &d.article.text[u.start..u.end], unit: u }).collect(),
            officials: &d.officials,
            grades: &d.grades,
            errors: d.error.iter().map(|e| e.to_string()).collect(),
        }
    }
}
