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
            match self.run_chunk(&chunk, progress) {
                Ok(done) => out.extend(done),
                // isolate the failure: run each article on its own
                Err(_) if n > 1 => {
                    for a in chunk {
                        let r = self.run_chunk(std::slice::from_ref(&a), progress);
                        out.push(match r {
                            Ok(mut one) => one.remove(0),
                            Err(e) => failed(a, e),
                        });
                    }
                }
                Err(e) => out.extend(chunk.into_iter().map(|a| failed(a, Error::Predict { article: String::new(), message: e.to_string() }))),
            }
            progress.items_done(n);
        }
        out
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
            let ranges: Vec<(usize, usize)> = us.iter().map(|u| (u.start, u.end)).collect();
            let grades = grades::extract(&a.text, &ranges);
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
