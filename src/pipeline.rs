//! The pipeline: segment -> classify -> find people -> resolve officials -> read grades, composed from one
//! trait per stage. Articles go through in chunks so one bad article is isolated and retried alone.

use crate::classify::{Prediction, SentenceClassifier};
use crate::error::{Error, Result};
use crate::input::Article;
use crate::ner::PersonTagger;
use crate::grades::{self, Grade};
use crate::officials::{self, Mention, Official};
use crate::progress::Progress;
use crate::segment::{Segmenter, Unit, UnitKind};
use rayon::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct ClassifiedUnit {
    pub index: usize,
    pub start: usize,
    pub end: usize,
    pub kind: UnitKind,
    pub label: crate::label::Label,
    pub confidence: f32,
    pub probs: [f32; 3],
}

#[derive(Debug)]
pub struct ArticleOutput {
    pub article: Article,
    pub units: Vec<ClassifiedUnit>,
    pub officials: Vec<Official>,
    pub grades: Vec<Grade>,
    pub error: Option<Error>,
}

pub struct Pipeline<S, C, P> {
    pub segmenter: S,
    pub classifier: C,
    pub tagger: P,
    /// Articles per inference chunk: large enough for well-filled length-sorted batches.
    pub chunk: usize,
    /// Use rayon for segmentation and official resolution.
    pub parallel: bool,
}

impl<S: Segmenter, C: SentenceClassifier, P: PersonTagger> Pipeline<S, C, P> {
    pub fn new(segmenter: S, classifier: C, tagger: P) -> Self {
        Pipeline { segmenter, classifier, tagger, chunk: 64, parallel: true }
    }

    pub fn run(&self, articles: Vec<Article>, progress: &Progress) -> Vec<ArticleOutput> {
        let mut out = Vec::with_capacity(articles.len());
        let mut rest = articles;
        while !rest.is_empty() {
            let tail = rest.split_off(self.chunk.min(rest.len()));
            let chunk = std::mem::replace(&mut rest, tail);
            let n = chunk.len();
            match self.attempt(&chunk, progress) {
                Ok(done) => out.extend(done),
                // isolate the failure: run each article on its own
                Err(_) if n > 1 => {
                    for a in chunk {
                        let r = self.attempt(std::slice::from_ref(&a), progress);
                        out.push(match r {
                            Ok(mut one) => one.remove(0),
                            Err(e) => failed(a, e),
                        });
                    }
                }
                // a chunk of one article: its error is that article's
                Err(e) => out.extend(chunk.into_iter().next().map(|a| failed(a, e))),
            }
            progress.items_done(n);
        }
        out
    }

    /// A chunk through the stages; a panic in a stage (a bug) becomes this chunk's error, so the
    /// article that triggers it fails alone and the batch goes on.
    fn attempt(&self, articles: &[Article], progress: &Progress) -> Result<Vec<ArticleOutput>> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.run_chunk(articles, progress))).unwrap_or_else(|p| {
            let what = p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned()).unwrap_or_default();
            Err(Error::Predict { article: String::new(), message: format!("internal error, please report it: {what}") })
        })
    }

    fn segment(&self, articles: &[Article]) -> Vec<Vec<Unit>> {
        let seg = &self.segmenter;
        if self.parallel {
            articles.par_iter().map(|a| seg.segment(&a.text)).collect()
        } else {
            articles.iter().map(|a| seg.segment(&a.text)).collect()
        }
    }

    fn run_chunk(&self, articles: &[Article], progress: &Progress) -> Result<Vec<ArticleOutput>> {
        let units = self.segment(articles);
        let texts: Vec<&str> = articles.iter().zip(&units).flat_map(|(a, us)| us.iter().map(|u| &a.text[u.start..u.end])).collect();
        let preds = self.classifier.predict(&texts, &mut |n| progress.sentences_done(n))?;
        let people = self.tagger.tag(&texts, &mut |_| {})?;
        if preds.len() != texts.len() || people.len() != texts.len() {
            return Err(Error::Predict { article: String::new(), message: "a stage returned the wrong number of results".into() });
        }
        let mut offset = 0;
        let mut jobs = Vec::with_capacity(articles.len());
        for (a, us) in articles.iter().zip(units) {
            let n = us.len();
            jobs.push((a, us, &preds[offset..offset + n], &people[offset..offset + n]));
            offset += n;
        }
        let assemble = |(a, us, ps, pp): (&Article, Vec<Unit>, &[Prediction], &[Vec<crate::ner::PersonSpan>])| {
            let mentions: Vec<Mention> = us.iter().zip(pp).flat_map(|(u, spans)| spans.iter().map(|s| Mention::from_span(s, u.start, u.end))).collect();
            let officials = officials::resolve(&a.text, &mentions);
            let grades = grades::extract(&a.text, &us);
            let units = us
                .iter()
                .zip(ps)
                .enumerate()
                .map(|(i, (u, p))| ClassifiedUnit { index: i, start: u.start, end: u.end, kind: u.kind, label: p.label, confidence: p.confidence(), probs: p.probs })
                .collect();
            ArticleOutput { article: a.clone(), units, officials, grades, error: None }
        };
        Ok(if self.parallel { jobs.into_par_iter().map(assemble).collect() } else { jobs.into_iter().map(assemble).collect() })
    }
}

fn failed(article: Article, e: Error) -> ArticleOutput {
    let message = match e {
        Error::Predict { message, .. } => message,
        other => other.to_string(),
    };
    let id = article.id.clone();
    ArticleOutput { article, units: Vec::new(), officials: Vec::new(), grades: Vec::new(), error: Some(Error::Predict { article: id, message }) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::PersonSpan;
    use crate::progress::Mode;

    /// One unit per article; panics on an article containing "BOOM".
    struct Fragile;
    impl Segmenter for Fragile {
        fn segment(&self, text: &str) -> Vec<Unit> {
            assert!(!text.contains("BOOM"), "segmenter bug");
            vec![Unit { start: 0, end: text.len(), kind: UnitKind::Sentence }]
        }
    }
    struct Constant;
    impl SentenceClassifier for Constant {
        fn predict(&self, texts: &[&str], _: &mut dyn FnMut(usize)) -> Result<Vec<Prediction>> {
            Ok(texts.iter().map(|_| Prediction::from_probs([0.2, 0.2, 0.6])).collect())
        }
    }
    struct Nobody;
    impl PersonTagger for Nobody {
        fn tag(&self, texts: &[&str], _: &mut dyn FnMut(usize)) -> Result<Vec<Vec<PersonSpan>>> {
            Ok(texts.iter().map(|_| Vec::new()).collect())
        }
    }

    #[test]
    fn a_stage_that_panics_on_one_article_fails_that_article_only() {
        let article = |id: &str, text: &str| Article { id: id.into(), source: "x.txt".into(), line: None, text: text.into() };
        let p = Pipeline { parallel: false, ..Pipeline::new(Fragile, Constant, Nobody) };
        let out = p.run(vec![article("a", "Fine."), article("b", "BOOM goes the rule."), article("c", "Also fine.")], &Progress::new(Mode::Quiet, "articles", 3));
        let errors: Vec<(&str, bool)> = out.iter().map(|o| (o.article.id.as_str(), o.error.is_some())).collect();
        assert_eq!(errors, [("a", false), ("b", true), ("c", false)]);
        assert!(out[1].error.as_ref().unwrap().to_string().contains("segmenter bug"), "{:?}", out[1].error);
        assert_eq!(out[2].units.len(), 1);
    }
}
