//! The one document type every stage reads and writes.

use crate::error::Error;
use crate::io::input::Article;
use crate::label::Label;
use crate::model::classifier::Prediction;
use crate::rules::authority::Bodies;
use crate::rules::grades::GradeFinding;
use crate::rules::officials::{Mention, Official};
use crate::text::{Unit, UnitKind};
use serde::Serialize;

/// One article as it goes through the pipeline; each stage fills its own part.
#[derive(Debug)]
pub struct Doc {
    pub article: Article,
    /// Segment stage.
    pub units: Vec<Unit>,
    /// Classify stage: one prediction per unit.
    pub predictions: Vec<Prediction>,
    /// Person stage: name mentions, in article offsets.
    pub people: Vec<Mention>,
    /// Bodies stage: the authorities the article names.
    pub bodies: Bodies,
    /// Officials stage.
    pub officials: Vec<Official>,
    /// Grades stage.
    pub grades: Vec<GradeFinding>,
    /// Set when the article failed; its other parts are then empty.
    pub error: Option<Error>,
}

/// A unit with its label, as the outputs show it.
#[derive(Debug, Clone, Serialize)]
pub struct ClassifiedUnit {
    pub index: usize,
    pub start: usize,
    pub end: usize,
    pub kind: UnitKind,
    pub label: Label,
    pub confidence: f32,
    pub p_strength: f32,
    pub p_improvement: f32,
    pub p_other: f32,
}

impl Doc {
    pub fn new(article: Article) -> Doc {
        Doc { article, units: Vec::new(), predictions: Vec::new(), people: Vec::new(), bodies: Bodies::default(), officials: Vec::new(), grades: Vec::new(), error: None }
    }

    pub fn failed(article: Article, e: Error) -> Doc {
        let mut d = Doc::new(article);
        d.fail(e);
        d
    }

    /// Mark this article failed with `e` (wrapped with its id); later stages find no units in it.
    pub fn fail(&mut self, e: Error) {
        self.error = Some(Error::Article { article: self.article.id.clone(), source: Box::new(e) });
    }

    pub fn unit_text(&self, u: &Unit) -> &str {
        &self.article.text[u.start..u.end]
    }

    /// Units with their labels (empty until the classify stage has run).
    pub fn classified(&self) -> impl Iterator<Item = ClassifiedUnit> + '_ {
        self.units.iter().zip(&self.predictions).enumerate().map(|(i, (u, p))| ClassifiedUnit {
            index: i,
            start: u.start,
            end: u.end,
            kind: u.kind,
            label: p.label,
            confidence: p.confidence(),
            p_strength: p.probs[Label::Strength.index()],
            p_improvement: p.probs[Label::Improvement.index()],
            p_other: p.probs[Label::Other.index()],
        })
    }
}
