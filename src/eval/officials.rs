//! Scoring officials: gold people matched to predicted ones by name (exact first, then
//! partial), then role, organisation and is_official compared on the matched pairs.

use super::{Criterion, OfficialMiss, OfficialsReport, PredOfficial, Predictions};
use crate::io::corpus::GoldOfficial;
use crate::metrics::prf;
use std::collections::{BTreeMap, BTreeSet};

const STOPWORDS: &[&str] = &["the", "of", "for", "and", "at", "a", "an", "in", "on", "to", "s"];

pub fn name_tokens(name: &str) -> Vec<String> {
    name.to_lowercase()
        .replace(['’', '.'], "")
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|t| !t.is_empty() && !crate::rules::lexicon::is_title(t))
        .map(String::from)
        .collect()
}

pub(super) fn content_tokens(s: &str) -> BTreeSet<String> {
    s.to_lowercase().replace('’', "'").split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty() && !STOPWORDS.contains(t)).map(String::from).collect()
}

fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let u = a.union(b).count();
    if u == 0 { 1.0 } else { a.intersection(b).count() as f64 / u as f64 }
}

/// Roles match when equal after normalising, one contains the other, or their content words overlap by half.
pub fn roles_match(gold: &str, pred: &str) -> bool {
    let (g, p) = (content_tokens(gold), content_tokens(pred));
    if g.is_empty() || p.is_empty() {
        return g.is_empty() && p.is_empty();
    }
    g.is_subset(&p) || p.is_subset(&g) || jaccard(&g, &p) >= 0.5
}

/// Organisations match when their content words are equal or one set contains the other.
pub fn organisations_match(gold: &str, pred: &str) -> bool {
    let (g, p) = (content_tokens(gold), content_tokens(pred));
    if g.is_empty() || p.is_empty() {
        return g.is_empty() && p.is_empty();
    }
    g.is_subset(&p) || p.is_subset(&g)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum NameMatch {
    Exact,
    Partial,
}

fn name_match(gold: &str, pred: &str) -> Option<NameMatch> {
    let (g, p) = (name_tokens(gold), name_tokens(pred));
    if g.is_empty() || p.is_empty() {
        return None;
    }
    if g == p {
        return Some(NameMatch::Exact);
    }
    let (gs, ps): (BTreeSet<String>, BTreeSet<String>) = (g.iter().cloned().collect(), p.iter().cloned().collect());
    (g.last() == p.last() || jaccard(&gs, &ps) >= 0.5).then_some(NameMatch::Partial)
}

/// All named people, then the officials alone (gold and predicted rows with `is_official`), the
/// rows issue 14's real-article figures count.
pub fn officials_report(gold: &[GoldOfficial], preds: &Predictions) -> OfficialsReport {
    let mut all = score(gold, preds, &|_| true, &|_| true);
    let only = score(gold, preds, &|g| g.is_official, &|p| p.is_official);
    for (i, name) in [(0, "officials only: name (exact)"), (2, "officials only: name + role")] {
        all.criteria.push(Criterion { name: name.into(), ..only.criteria[i].clone() });
    }
    all
}

fn score(gold: &[GoldOfficial], preds: &Predictions, keep_gold: &dyn Fn(&GoldOfficial) -> bool, keep_pred: &dyn Fn(&PredOfficial) -> bool) -> OfficialsReport {
    let gold: Vec<&GoldOfficial> = gold.iter().filter(|g| keep_gold(g)).collect();
    let mut by_article: BTreeMap<&str, Vec<&GoldOfficial>> = BTreeMap::new();
    for g in &gold {
        by_article.entry(&g.article_id).or_default().push(g);
    }
    let gold_articles: BTreeSet<&str> = gold.iter().map(|g| g.article_id.as_str()).collect();
    let (mut exact, mut partial, mut role, mut org, mut official, mut n_pred) = (0, 0, 0, 0, 0, 0);
    let (mut missed, mut spurious, mut matched) = (Vec::new(), Vec::new(), Vec::new());
    let empty = Vec::new();
    // articles of the gold set only: predictions for other articles are not scored
    for id in gold_articles {
        let gs = by_article.get(id).cloned().unwrap_or_default();
        let ps: Vec<&PredOfficial> = preds.officials.get(id).unwrap_or(&empty).iter().filter(|p| keep_pred(p)).collect();
        n_pred += ps.len();
        let mut used_p = vec![false; ps.len()];
        let mut pair: Vec<Option<(usize, NameMatch)>> = vec![None; gs.len()];
        for want in [NameMatch::Exact, NameMatch::Partial] {
            for (gi, g) in gs.iter().enumerate() {
                if pair[gi].is_some() {
                    continue;
                }
                if let Some(pi) = (0..ps.len()).find(|&pi| !used_p[pi] && name_match(&g.name, &ps[pi].name) == Some(want)) {
                    used_p[pi] = true;
                    pair[gi] = Some((pi, want));
                }
            }
        }
        for (gi, g) in gs.iter().enumerate() {
            match pair[gi] {
                Some((pi, how)) => {
                    let p = &ps[pi];
                    exact += (how == NameMatch::Exact) as usize;
                    partial += 1;
                    role += roles_match(&g.role, &p.role) as usize;
                    org += organisations_match(&g.organisation, &p.organisation) as usize;
                    official += (g.is_official == p.is_official) as usize;
                    matched.push((id.to_string(), g.name.clone()));
                }
                None => missed.push(OfficialMiss { article_id: id.into(), name: g.name.clone(), role: g.role.clone(), organisation: g.organisation.clone(), is_official: g.is_official }),
            }
        }
        for (pi, p) in ps.iter().enumerate() {
            if !used_p[pi] {
                spurious.push(OfficialMiss { article_id: id.into(), name: p.name.clone(), role: p.role.clone(), organisation: p.organisation.clone(), is_official: p.is_official });
            }
        }
    }
    let crit = |name: &str, tp: usize| {
        let (precision, recall, f1) = prf(tp, n_pred, gold.len());
        Criterion { name: name.into(), true_positives: tp, precision, recall, f1 }
    };
    OfficialsReport {
        gold: gold.len(),
        predicted: n_pred,
        criteria: vec![
            crit("name (exact)", exact),
            crit("name (partial)", partial),
            crit("name + role", role),
            crit("name + organisation", org),
            crit("name + is_official", official),
        ],
        is_official_accuracy: if partial == 0 { 0.0 } else { official as f64 / partial as f64 },
        missed,
        spurious,
        matched,
    }
}

