//! `ofsted eval --compare A B`: a unit-by-unit diff of two evaluation reports on the same gold
//! set, with paired article-level bootstrap intervals for the F1 changes and McNemar's test.

use crate::error::{Error, Result};
use crate::eval::{class_f1, macro_f1_of, Interval, Report, UnitResult, BOOTSTRAP_ROUNDS, BOOTSTRAP_SEED};
use crate::label::Label;
use crate::metrics::{bootstrap_groups, mcnemar_exact, percentile_interval};
use crate::eval::render::{esc, STYLE, SORT_SCRIPT};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::Path;

#[derive(Debug, Clone, Serialize)]
pub struct UnitChange {
    pub article_id: String,
    pub start: usize,
    pub end: usize,
    pub gold: Label,
    pub a: Option<Label>,
    pub b: Option<Label>,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub a: String,
    pub b: String,
    pub units: usize,
    /// wrong in A, right in B
    pub fixed: Vec<UnitChange>,
    /// right in A, wrong in B
    pub broken: Vec<UnitChange>,
    /// wrong in both, with different labels
    pub moved: Vec<UnitChange>,
    /// (name, B - A with 95% paired bootstrap interval) for each label and macro-F1
    pub delta_f1: Vec<(String, Interval)>,
    pub mcnemar_b: usize,
    pub mcnemar_c: usize,
    pub mcnemar_p: f64,
    pub officials_gained: Vec<(String, String)>,
    pub officials_lost: Vec<(String, String)>,
}

/// Read a report: a report.json file or a folder holding one.
pub fn load_report(path: &Path) -> Result<Report> {
    let file = if path.is_dir() { path.join("report.json") } else { path.to_path_buf() };
    let text = std::fs::read_to_string(&file).map_err(|e| Error::input(&file, None, format!("cannot read report: {e}")))?;
    serde_json::from_str(&text).map_err(|e| Error::input(&file, Some(e.line() as u64), format!("not an ofsted report.json: {e}")))
}

fn change(a: &UnitResult, b: &UnitResult) -> UnitChange {
    UnitChange { article_id: a.article_id.clone(), start: a.start, end: a.end, gold: a.gold, a: a.pred, b: b.pred, text: a.text.clone() }
}

pub fn compare(a: &Report, b: &Report, a_name: &str, b_name: &str) -> Result<Comparison> {
    let key = |u: &UnitResult| (u.article_id.clone(), u.start, u.end);
    let bmap: BTreeMap<_, &UnitResult> = b.units.iter().map(|u| (key(u), u)).collect();
    if a.units.len() != b.units.len() || a.units.iter().any(|u| bmap.get(&key(u)).is_none_or(|v| v.gold != u.gold)) {
        return Err(Error::Config(format!("{a_name} and {b_name} were scored on different gold units; compare reports on the same gold set")));
    }
    let pairs: Vec<(&UnitResult, &UnitResult)> = a.units.iter().map(|u| (u, bmap[&key(u)])).collect();
    let (mut fixed, mut broken, mut moved) = (Vec::new(), Vec::new(), Vec::new());
    for (x, y) in &pairs {
        match (x.correct(), y.correct()) {
            (false, true) => fixed.push(change(x, y)),
            (true, false) => broken.push(change(x, y)),
            (false, false) if x.pred != y.pred => moved.push(change(x, y)),
            _ => {}
        }
    }
    let articles: Vec<&str> = pairs.iter().map(|(x, _)| x.article_id.as_str()).collect::<BTreeSet<_>>().into_iter().collect();
    let by_article: Vec<Vec<usize>> = articles.iter().map(|id| (0..pairs.len()).filter(|&i| pairs[i].0.article_id == *id).collect()).collect();
    let stat = |pick: &[usize], f: &dyn Fn(&[&UnitResult]) -> f64| {
        let idx: Vec<usize> = pick.iter().flat_map(|&g| by_article[g].iter().copied()).collect();
        let ua: Vec<&UnitResult> = idx.iter().map(|&i| pairs[i].0).collect();
        let ub: Vec<&UnitResult> = idx.iter().map(|&i| pairs[i].1).collect();
        f(&ub) - f(&ua)
    };
    let all: Vec<usize> = (0..articles.len()).collect();
    let mut delta_f1 = Vec::new();
    let metrics: Vec<(String, Box<dyn Fn(&[&UnitResult]) -> f64>)> = Label::ALL
        .iter()
        .map(|&l| (l.to_string(), Box::new(move |u: &[&UnitResult]| class_f1(u, l)) as Box<dyn Fn(&[&UnitResult]) -> f64>))
        .chain(std::iter::once(("macro-F1".to_string(), Box::new(|u: &[&UnitResult]| macro_f1_of(u)) as Box<dyn Fn(&[&UnitResult]) -> f64>)))
        .collect();
    for (name, f) in &metrics {
        let value = stat(&all, f.as_ref());
        let xs = bootstrap_groups(articles.len(), BOOTSTRAP_ROUNDS, BOOTSTRAP_SEED, |pick| stat(pick, f.as_ref()));
        let (low, high) = percentile_interval(&xs, 0.95);
        delta_f1.push((name.clone(), Interval { value, low, high }));
    }
    let mcnemar_b = broken.len();
    let mcnemar_c = fixed.len();
    let oa: BTreeSet<(String, String)> = a.officials.matched.iter().cloned().collect();
    let ob: BTreeSet<(String, String)> = b.officials.matched.iter().cloned().collect();
    Ok(Comparison {
        a: a_name.into(),
        b: b_name.into(),
        units: pairs.len(),
        fixed,
        broken,
        moved,
        delta_f1,
        mcnemar_b,
        mcnemar_c,
        mcnemar_p: mcnemar_exact(mcnemar_b, mcnemar_c),
        officials_gained: ob.difference(&oa).cloned().collect(),
        officials_lost: oa.difference(&ob).cloned().collect(),
    })
}

fn lab(l: Option<Label>) -> &'static str {
    l.map_or("(no unit)", Label::as_str)
}

pub fn markdown(c: &Comparison) -> String {
    let mut m = String::new();
    let _ = writeln!(m, "# Comparison\n\nA: `{}`  \nB: `{}`  \n{} gold units\n", c.a, c.b, c.units);
    let _ = writeln!(m, "| | units |\n|---|---|\n| fixed (wrong in A, right in B) | {} |\n| broken (right in A, wrong in B) | {} |\n| moved (wrong in both, label changed) | {} |\n", c.fixed.len(), c.broken.len(), c.moved.len());
    let _ = writeln!(m, "McNemar's exact test on the {} discordant units: p = {:.4}{}\n", c.mcnemar_b + c.mcnemar_c, c.mcnemar_p, if c.mcnemar_p < 0.05 { " (the difference in accuracy is unlikely to be chance)" } else { " (no evidence of a difference in accuracy)" });
    let _ = writeln!(m, "| F1 | B - A [95% paired bootstrap CI] |\n|---|---|");
    for (name, i) in &c.delta_f1 {
        let _ = writeln!(m, "| {name} | {:+.3} [{:+.3}, {:+.3}] |", i.value, i.low, i.high);
    }
    for (title, list) in [("Fixed", &c.fixed), ("Broken", &c.broken), ("Moved", &c.moved)] {
        let _ = writeln!(m, "\n## {title} ({})\n", list.len());
        if !list.is_empty() {
            let _ = writeln!(m, "| article | gold | A | B | text |\n|---|---|---|---|---|");
            for u in list.iter() {
                let _ = writeln!(m, "| {} | {} | {} | {} | {} |", u.article_id, u.gold, lab(u.a), lab(u.b), u.text.replace('|', "\\|").replace('\n', " "));
            }
        }
    }
    let _ = writeln!(m, "\n## Officials\n\nGained by B: {}  \nLost by B: {}", list_people(&c.officials_gained), list_people(&c.officials_lost));
    m
}

fn list_people(v: &[(String, String)]) -> String {
    if v.is_empty() { "none".into() } else { v.iter().map(|(a, n)| format!("{n} ({a})")).collect::<Vec<_>>().join(", ") }
}

pub fn html(c: &Comparison) -> String {
    let mut h = String::new();
    let _ = write!(h, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>ofsted comparison</title><style>{STYLE}</style></head><body>");
    let _ = write!(h, "<h1>Comparison</h1><p>A <code>{}</code>, B <code>{}</code>, {} gold units.</p>", esc(&c.a), esc(&c.b), c.units);
    let _ = write!(h, "<p>Fixed {}, broken {}, moved {}. McNemar's exact p = {:.4}.</p>", c.fixed.len(), c.broken.len(), c.moved.len(), c.mcnemar_p);
    h.push_str("<table><tr><th>F1</th><th>B - A</th><th>95% paired bootstrap CI</th></tr>");
    for (name, i) in &c.delta_f1 {
        let _ = write!(h, "<tr><td>{}</td><td class=\"num\">{:+.3}</td><td class=\"num\">[{:+.3}, {:+.3}]</td></tr>", esc(name), i.value, i.low, i.high);
    }
    h.push_str("</table>");
    for (title, list) in [("Fixed", &c.fixed), ("Broken", &c.broken), ("Moved", &c.moved)] {
        let _ = write!(h, "<h2>{title} ({})</h2><table class=\"sortable\"><thead><tr><th>article</th><th>gold</th><th>A</th><th>B</th><th>text</th></tr></thead><tbody>", list.len());
        for u in list.iter() {
            let _ = write!(h, "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", esc(&u.article_id), u.gold, lab(u.a), lab(u.b), esc(&u.text));
        }
        h.push_str("</tbody></table>");
    }
    let _ = write!(h, "<h2>Officials</h2><p>Gained by B: {}<br>Lost by B: {}</p>", esc(&list_people(&c.officials_gained)), esc(&list_people(&c.officials_lost)));
    let _ = write!(h, "<script>{SORT_SCRIPT}</script></body></html>\n");
    h
}
