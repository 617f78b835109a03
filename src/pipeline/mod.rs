//! The pipeline: a list of named [`Stage`]s over one document type ([`Doc`]). Articles go
//! through in chunks, so model stages batch across articles and one bad article is isolated and
//! retried alone. The standard list is in [`stages::standard`].

pub mod doc;
pub mod stages;

pub use doc::{ClassifiedUnit, Doc};

use crate::error::{Error, Result};
use crate::io::input::Article;
use crate::io::output::{self, Row};
use crate::progress::Progress;
use rayon::prelude::*;
use std::marker::PhantomData;

/// What every stage is told besides the documents.
pub struct Context<'a> {
    pub progress: &'a Progress,
    /// Rule stages may use rayon over the documents.
    pub parallel: bool,
}

/// One step over a chunk of documents: reads what earlier stages wrote, adds its own part.
pub trait Stage {
    fn name(&self) -> &'static str;
    fn process(&self, docs: &mut [Doc], cx: &Context<'_>) -> Result<()>;
    /// The output files this stage adds to a `classify` run; most stages add none.
    fn tables(&self) -> Vec<Box<dyn Table>> {
        Vec::new()
    }
}

/// The rows of one output file, as a document holds them: written by `classify` and scored by
/// `eval` from the same function, so an in-memory run and a folder read back agree.
pub trait FromDoc: Row {
    fn of(doc: &Doc) -> Vec<Self>;
}

/// An output file of a run, written a chunk at a time: the header once, then each chunk's rows.
pub trait Table {
    fn file(&self) -> &'static str;
    fn columns(&self) -> &'static [&'static str];
    /// The rows of `docs` as CSV, without the header.
    fn append(&self, docs: &[Doc], w: &mut dyn std::io::Write) -> Result<()>;
}

/// The table of a row type.
pub struct Rows<R>(PhantomData<fn() -> R>);

impl<R: FromDoc + 'static> Rows<R> {
    pub fn table() -> Box<dyn Table> {
        Box::new(Rows::<R>(PhantomData))
    }
}

impl<R: FromDoc> Table for Rows<R> {
    fn file(&self) -> &'static str {
        R::FILE
    }
    fn columns(&self) -> &'static [&'static str] {
        R::COLUMNS
    }
    fn append(&self, docs: &[Doc], w: &mut dyn std::io::Write) -> Result<()> {
        output::append_rows(w, docs.iter().flat_map(R::of)).map_err(|e| Error::Internal(format!("{} rows: {e}", R::FILE)))
    }
}

/// Run `f` over each document, on rayon when the context allows: the one switch for rule stages.
pub fn each_doc(docs: &mut [Doc], cx: &Context<'_>, f: impl Fn(&mut Doc) + Send + Sync) {
    if cx.parallel {
        docs.par_iter_mut().for_each(f);
    } else {
        docs.iter_mut().for_each(f);
    }
}

/// Articles per chunk by default: enough units for well-filled length-sorted batches.
pub const DEFAULT_CHUNK: usize = 64;

pub struct Pipeline {
    pub stages: Vec<Box<dyn Stage>>,
    /// Articles per chunk: large enough for well-filled length-sorted batches.
    pub chunk: usize,
    pub parallel: bool,
    /// Time spent in each stage so far, in stage order (run.json reports it: where a run's time goes).
    spent: std::sync::Mutex<Vec<std::time::Duration>>,
}

impl Pipeline {
    pub fn new(stages: Vec<Box<dyn Stage>>) -> Self {
        let spent = std::sync::Mutex::new(vec![std::time::Duration::ZERO; stages.len()]);
        Pipeline { stages, chunk: DEFAULT_CHUNK, parallel: true, spent }
    }

    /// Seconds spent in each stage over every run so far, by stage name in stage order.
    pub fn stage_seconds(&self) -> Vec<(&'static str, f64)> {
        let spent = self.spent.lock().map(|s| s.clone()).unwrap_or_default();
        self.stages.iter().zip(spent).map(|(s, d)| (s.name(), d.as_secs_f64())).collect()
    }

    /// Every stage's output files, in stage order.
    pub fn tables(&self) -> Vec<Box<dyn Table>> {
        self.stages.iter().flat_map(|s| s.tables()).collect()
    }

    /// Every article comes back as a document, with `error` set where it failed.
    pub fn run(&self, articles: Vec<Article>, progress: &Progress) -> Vec<Doc> {
        let mut out = Vec::with_capacity(articles.len());
        let mut rest = articles;
        while !rest.is_empty() {
            let tail = rest.split_off(self.chunk.min(rest.len()));
            out.extend(self.process(std::mem::replace(&mut rest, tail), progress));
        }
        out
    }

    /// One chunk of articles through the stages, batched together; if the chunk fails, each
    /// article is run on its own, so the failure is isolated to the article that causes it.
    /// Results depend on which articles share a chunk (batch composition moves bf16 results in
    /// the last bits), so runs that must agree byte for byte form the same chunks.
    pub fn process(&self, chunk: Vec<Article>, progress: &Progress) -> Vec<Doc> {
        let n = chunk.len();
        let out = match self.attempt(&chunk, progress) {
            Ok(done) => done,
            Err(_) if n > 1 => chunk
                .into_iter()
                .map(|a| match self.attempt(std::slice::from_ref(&a), progress) {
                    Ok(mut one) => one.remove(0),
                    Err(e) => Doc::failed(a, e),
                })
                .collect(),
            // a chunk of one article: its error is that article's
            Err(e) => chunk.into_iter().next().map(|a| Doc::failed(a, e)).into_iter().collect(),
        };
        progress.items_done(n);
        out
    }

    /// A chunk through the stages; a panic in a stage (a bug) becomes this chunk's error, so the
    /// article that triggers it fails alone and the batch goes on.
    fn attempt(&self, articles: &[Article], progress: &Progress) -> Result<Vec<Doc>> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.run_chunk(articles, progress))).unwrap_or_else(|p| {
            let what = p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned()).unwrap_or_default();
            Err(Error::Internal(what))
        })
    }

    fn run_chunk(&self, articles: &[Article], progress: &Progress) -> Result<Vec<Doc>> {
        let mut docs: Vec<Doc> = articles.iter().cloned().map(Doc::new).collect();
        let cx = Context { progress, parallel: self.parallel };
        for (i, stage) in self.stages.iter().enumerate() {
            let t = std::time::Instant::now();
            let r = stage.process(&mut docs, &cx);
            if let Ok(mut spent) = self.spent.lock() {
                spent[i] += t.elapsed();
            }
            r?;
        }
        Ok(docs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Mode;
    use crate::text::{Segmenter, Unit, UnitKind};

    /// One unit per article; panics on an article containing "BOOM".
    struct Fragile;
    impl Segmenter for Fragile {
        fn segment(&self, text: &str) -> Vec<Unit> {
            assert!(!text.contains("BOOM"), "segmenter bug");
            vec![Unit { start: 0, end: text.len(), kind: UnitKind::Sentence }]
        }
    }

    #[test]
    fn a_stage_that_panics_on_one_article_fails_that_article_only() {
        let article = |id: &str, text: &str| Article { id: id.into(), source: "x.txt".into(), line: None, text: text.into() };
        let mut p = Pipeline::new(vec![Box::new(stages::Segment(Fragile))]);
        p.parallel = false;
        let out = p.run(vec![article("a", "Fine."), article("b", "BOOM goes the rule."), article("c", "Also fine.")], &Progress::new(Mode::Quiet, "articles", 3));
        let errors: Vec<(&str, bool)> = out.iter().map(|o| (o.article.id.as_str(), o.error.is_some())).collect();
        assert_eq!(errors, [("a", false), ("b", true), ("c", false)]);
        assert!(out[1].error.as_ref().unwrap().to_string().contains("segmenter bug"), "{:?}", out[1].error);
        assert_eq!(out[2].units.len(), 1);
    }

    /// A stage added to the list sees what earlier stages wrote, and nothing else changes.
    struct CountUnits;
    impl Stage for CountUnits {
        fn name(&self) -> &'static str {
            "count"
        }
        fn process(&self, docs: &mut [Doc], _: &Context<'_>) -> Result<()> {
            match docs.iter().find(|d| d.article.text.contains("FAIL")) {
                Some(d) => Err(Error::Internal(format!("{} has {} unit(s)", d.article.id, d.units.len()))),
                None => Ok(()),
            }
        }
    }

    #[test]
    fn stages_run_in_list_order_and_a_failing_stage_fails_only_its_article() {
        let article = |id: &str, text: &str| Article { id: id.into(), source: "x.txt".into(), line: None, text: text.into() };
        let p = Pipeline::new(vec![Box::new(stages::Segment(Fragile)), Box::new(CountUnits)]);
        let out = p.run(vec![article("a", "One."), article("b", "FAIL here.")], &Progress::new(Mode::Quiet, "articles", 2));
        assert!(out[0].error.is_none(), "{:?}", out[0].error);
        assert!(out[1].error.as_ref().unwrap().to_string().contains("b has 1 unit(s)"), "the second stage saw the first one's units: {:?}", out[1].error);
        assert_eq!(p.stages.iter().map(|s| s.name()).collect::<Vec<_>>(), ["segment", "count"]);
    }
}
