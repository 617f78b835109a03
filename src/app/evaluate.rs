//! The `eval` job: run the pipeline over a gold folder (or read a classify output folder),
//! score it, write the reports; and `eval --compare`.

use crate::app::classify::load_pipeline;
use crate::app::config::EvalConfig;
use crate::error::{Error, Result};
use crate::eval::{self, Gold, Predictions, Report};
use crate::io::{input, output};
use crate::progress::{Mode, Progress};
use std::path::Path;

/// Run the pipeline over a gold folder's articles (or read `--predictions`), score, and write
/// report.json, report.md and report.html.
pub fn evaluate(cfg: &EvalConfig) -> Result<Report> {
    let gold = Gold::load(&cfg.gold)?;
    let mode = Mode::detect(cfg.quiet);
    let (preds, system) = match &cfg.predictions {
        Some(dir) => (Predictions::from_dir(dir)?, dir.display().to_string()),
        None => {
            let (pipeline, _) = load_pipeline(&cfg.models, &cfg.runtime)?;
            let articles: Vec<input::Article> = gold
                .set
                .articles
                .iter()
                .map(|(id, text)| input::Article { id: id.clone(), source: cfg.gold.join("articles").join(format!("{id}.txt")), line: None, text: text.clone() })
                .collect();
            let progress = Progress::new(mode, "articles", articles.len() as u64);
            let mut results = pipeline.run(articles, &progress);
            progress.finish();
            if let Some(e) = results.iter_mut().find_map(|r| r.error.take()) {
                return Err(Error::runtime("cannot evaluate", e));
            }
            (Predictions::from_outputs(&results), format!("model {}", cfg.models.model.display()))
        }
    };
    let report = eval::evaluate(&gold, &preds, &cfg.gold.display().to_string(), &system);
    std::fs::create_dir_all(&cfg.out).map_err(|e| Error::Output { path: cfg.out.clone(), source: e })?;
    output::write_json(&cfg.out.join("report.json"), &report)?;
    let md = eval::render::markdown(&report);
    output::write_atomic(&cfg.out.join("report.md"), |w| w.write_all(md.as_bytes()))?;
    let html = eval::render::html(&report);
    output::write_atomic(&cfg.out.join("report.html"), |w| w.write_all(html.as_bytes()))?;
    Ok(report)
}

/// Compare two reports; writes compare.html to `out` and returns the Markdown.
pub fn compare(a: &Path, b: &Path, out: &Path) -> Result<String> {
    use crate::eval::compare;
    let (ra, rb) = (compare::load_report(a)?, compare::load_report(b)?);
    let c = compare::compare(&ra, &rb, &a.display().to_string(), &b.display().to_string())?;
    std::fs::create_dir_all(out).map_err(|e| Error::Output { path: out.to_path_buf(), source: e })?;
    let html = compare::html(&c);
    output::write_atomic(&out.join("compare.html"), |w| w.write_all(html.as_bytes()))?;
    Ok(compare::markdown(&c))
}
