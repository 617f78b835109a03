//! The `classify` job: read inputs, run the pipeline, write the five output files.

use crate::app::config::{ClassifyConfig, ModelPaths};
use crate::error::{Error, Result};
use crate::io::input;
use crate::io::output;
use crate::model::classifier::{SentenceModel, HEAD_FILE, LAYERS_FILE};
use crate::model::encoder::Encoder;
use crate::model::manifest::LabelCounts;
use crate::model::ner::NerModel;
use crate::model::runtime::Runtime;
use crate::pipeline::{stages, Doc, Pipeline};
use crate::progress::{Mode, Progress};
use crate::text::NewsSegmenter;
use serde::Serialize;
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

#[derive(Serialize)]
struct ErrorRecord {
    file: Option<String>,
    line: Option<u64>,
    article_id: Option<String>,
    message: String,
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

pub fn classify(cfg: &ClassifyConfig) -> Result<Summary> {
    let started = Instant::now();
    let mode = Mode::detect(cfg.quiet);
    let say = |m: &str| {
        if mode != Mode::Quiet {
            eprintln!("[ofsted] {m}")
        }
    };
    // models first: a setup problem should fail fast, before any reading
    let (pipeline, models_record) = load_pipeline(&cfg.models, &cfg.runtime)?;
    let load_seconds = started.elapsed().as_secs_f64();
    say(&format!("models loaded in {load_seconds:.1}s"));

    let loaded = input::load(&cfg.inputs, &cfg.fields, cfg.runtime.parallel);
    for e in &loaded.errors {
        eprintln!("[ofsted] error: {e}");
    }
    if loaded.articles.is_empty() && loaded.errors.is_empty() {
        return Err(Error::Config("no articles found in the inputs (looked for .txt, .csv and .jsonl files)".into()));
    }
    say(&format!("{} articles from {} input(s); {} input error(s)", loaded.articles.len(), cfg.inputs.len(), loaded.errors.len()));
    std::fs::create_dir_all(&cfg.out).map_err(|e| Error::Output { path: cfg.out.clone(), source: e })?;

    let progress = Progress::new(mode, "articles", loaded.articles.len() as u64);
    let inference_start = Instant::now();
    let results = pipeline.run(loaded.articles, &progress);
    let inference_seconds = inference_start.elapsed().as_secs_f64();
    progress.finish();
    for r in &results {
        if let Some(e) = &r.error {
            eprintln!("[ofsted] error: {e}");
        }
    }

    write_outputs(cfg, &pipeline, &results)?;
    let sentences: usize = results.iter().map(|r| r.units.len()).sum();
    let summary = Summary {
        articles: results.len(),
        articles_failed: results.iter().filter(|r| r.error.is_some()).count(),
        input_errors: loaded.errors.len(),
        sentences,
        officials: results.iter().map(|r| r.officials.len()).sum(),
        grades: results.iter().map(|r| r.grades.len()).sum(),
        wall_seconds: started.elapsed().as_secs_f64(),
        sentences_per_second: sentences as f64 / inference_seconds.max(1e-9),
    };
    let mut errors: Vec<ErrorRecord> = loaded.errors.iter().map(record).collect();
    errors.extend(results.iter().filter_map(|r| r.error.as_ref()).map(record));
    let run = json!({
        "tool": "ofsted",
        "version": env!("CARGO_PKG_VERSION"),
        "command": "classify",
        "models": models_record,
        "inputs": cfg.inputs,
        "skipped_files": loaded.skipped.iter().map(|(p, why)| json!({"file": p, "reason": why})).collect::<Vec<_>>(),
        "settings": { "threads": cfg.runtime.torch_threads(), "batch_size": cfg.runtime.batch_size, "batch_tokens": cfg.runtime.batch_tokens, "ner_every_unit": cfg.runtime.ner_every_unit, "parallel": cfg.runtime.parallel, "precision": cfg.runtime.precision },
        "counts": {
            "articles": summary.articles,
            "articles_failed": summary.articles_failed,
            "input_errors": summary.input_errors,
            "sentences": summary.sentences,
            "officials": summary.officials,
            "grades": summary.grades,
            "labels": label_counts(results.iter()),
        },
        "wall_seconds": summary.wall_seconds,
        "inference_seconds": inference_seconds,
        "load_seconds": load_seconds,
        "stage_seconds": pipeline.stage_seconds().into_iter().map(|(n, s)| (n.to_string(), json!(s))).collect::<serde_json::Map<_, _>>(),
        "sentences_per_second": summary.sentences_per_second,
        "errors": errors,
    });
    output::write_json(&cfg.out.join(output::RUN_JSON), &run)?;
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

/// Each stage's tables, then articles.jsonl with everything per article.
fn write_outputs(cfg: &ClassifyConfig, pipeline: &Pipeline, results: &[Doc]) -> Result<()> {
    for table in pipeline.tables() {
        table.write(&cfg.out, results)?;
    }
    let records = results.iter().map(|d| serde_json::to_value(ArticleRecord::of(d)).map_err(|e| Error::Internal(format!("articles.jsonl record: {e}"))));
    let records: Vec<serde_json::Value> = records.collect::<Result<_>>()?;
    output::write_jsonl(&cfg.out.join(output::ARTICLES_JSONL), records)
}
