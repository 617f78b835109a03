//! Scoring grades: (article, authority, area, grade) rows matched after normalising the
//! authority's case and filler words.

use super::officials::content_tokens;
use super::{GradesReport, PredGrade, Predictions};
use crate::grade::{Grade, JudgementArea};
use crate::io::corpus::GoldGrade;
use crate::metrics::prf;
use std::collections::{BTreeMap, BTreeSet};

fn grade_key(article: &str, authority: &str, area: JudgementArea, grade: Grade) -> (String, String, String, String) {
    let auth = content_tokens(authority).into_iter().collect::<Vec<_>>().join(" ");
    (article.to_string(), auth, area.to_string(), grade.to_string())
}

pub fn grades_report(gold: &[GoldGrade], preds: &Predictions, articles: &BTreeSet<String>) -> Option<GradesReport> {
    let pg = preds.grades.as_ref()?;
    let g: BTreeMap<_, &GoldGrade> = gold.iter().map(|x| (grade_key(&x.article_id, &x.authority, x.judgement_area, x.grade), x)).collect();
    let p: BTreeMap<_, (String, &PredGrade)> = pg
        .iter()
        .filter(|(id, _)| articles.contains(*id))
        .flat_map(|(id, v)| v.iter().map(move |x| (grade_key(id, &x.authority, x.judgement_area, x.grade), (id.clone(), x))))
        .collect();
    let tp = g.keys().filter(|k| p.contains_key(*k)).count();
    let (precision, recall, f1) = prf(tp, p.len(), g.len());
    Some(GradesReport {
        gold: g.len(),
        predicted: p.len(),
        precision,
        recall,
        f1,
        missed: g.iter().filter(|(k, _)| !p.contains_key(*k)).map(|(_, x)| (x.article_id.clone(), PredGrade { authority: x.authority.clone(), judgement_area: x.judgement_area, grade: x.grade })).collect(),
        spurious: p.iter().filter(|(k, _)| !g.contains_key(*k)).map(|(_, (id, x))| (id.clone(), (*x).clone())).collect(),
    })
}

