//! Rendering an evaluation [`Report`] for people: Markdown for diffs and reviews, and one
//! self-contained HTML file (inline CSS, SVG and script; nothing loaded from the network).

use crate::eval::{Interval, Report, UnitResult};
use crate::label::Label;
use std::fmt::Write;

fn f3(x: f64) -> String {
    if x.is_finite() { format!("{x:.3}") } else { "n/a".into() }
}
fn ci(i: &Interval) -> String {
    format!("{} [{}, {}]", f3(i.value), f3(i.low), f3(i.high))
}
fn label_name(l: Option<Label>) -> &'static str {
    l.map_or("(no unit)", Label::as_str)
}
fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn errors(report: &Report) -> Vec<&UnitResult> {
    report.units.iter().filter(|u| !u.correct()).collect()
}

pub fn markdown(r: &Report) -> String {
    let s = &r.sentences;
    let mut m = String::new();
    let _ = writeln!(m, "# Evaluation report\n\nSystem: `{}`  \nGold: `{}` ({} articles, {} units)  \nofsted {}\n", r.system, r.gold, s.articles, s.units, r.tool_version);
    let _ = writeln!(m, "## Sentences\n\nValues with 95% intervals from an article-level bootstrap ({} resamples of the {} articles, seed {}).\n", s.bootstrap_rounds, s.articles, s.bootstrap_seed);
    let _ = writeln!(m, "| metric | value [95% CI] |\n|---|---|\n| macro-F1 | {} |\n| micro-F1 | {} |\n| accuracy | {} |\n| expected calibration error | {} |\n| gold units with no overlapping predicted unit | {} |\n", ci(&s.macro_f1), ci(&s.micro_f1), ci(&s.accuracy), f3(s.ece), s.unmatched);
    let _ = writeln!(m, "| label | precision | recall | F1 [95% CI] | gold | predicted |\n|---|---|---|---|---|---|");
    for c in &s.per_class {
        let _ = writeln!(m, "| {} | {} | {} | {} | {} | {} |", c.label, f3(c.precision), f3(c.recall), ci(&c.f1), c.support, c.predicted);
    }
    let _ = writeln!(m, "\nConfusion matrix (rows gold, columns predicted):\n\n| gold \\ predicted | strength | improvement | other | (no unit) |\n|---|---|---|---|---|");
    for (k, row) in s.confusion.iter().enumerate() {
        let _ = writeln!(m, "| {} | {} |", Label::from_index(k), row.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" | "));
    }
    let _ = writeln!(m, "\nReliability (confidence bins with units):\n\n| confidence | units | mean confidence | accuracy |\n|---|---|---|---|");
    for b in s.reliability.iter().filter(|b| b.count > 0) {
        let _ = writeln!(m, "| {:.1}-{:.1} | {} | {} | {} |", b.lower, b.upper, b.count, f3(b.mean_confidence), f3(b.accuracy));
    }
    let g = &r.segmentation;
    let _ = writeln!(
        m,
        "\n## Segmentation\n\n| gold units | predicted units | exact matches | boundary precision | boundary recall | boundary F1 |\n|---|---|---|---|---|---|\n| {} | {} | {} ({:.1}%) | {} | {} | {} |\n",
        g.gold_units, g.predicted_units, g.exact, 100.0 * g.exact_rate, f3(g.boundary_precision), f3(g.boundary_recall), f3(g.boundary_f1)
    );
    let o = &r.officials;
    let _ = writeln!(m, "## Officials\n\n{} gold, {} predicted; is_official agreement on name-matched people {}.\n\n| match | TP | precision | recall | F1 |\n|---|---|---|---|---|", o.gold, o.predicted, f3(o.is_official_accuracy));
    for c in &o.criteria {
        let _ = writeln!(m, "| {} | {} | {} | {} | {} |", c.name, c.true_positives, f3(c.precision), f3(c.recall), f3(c.f1));
    }
    let _ = writeln!(m, "\n## Grades\n");
    match &r.grades {
        Some(gr) => {
            let _ = writeln!(m, "| gold rows | predicted rows | precision | recall | F1 |\n|---|---|---|---|---|\n| {} | {} | {} | {} | {} |", gr.gold, gr.predicted, f3(gr.precision), f3(gr.recall), f3(gr.f1));
            for (a, x) in &gr.missed {
                let _ = writeln!(m, "- missed: {a}: {} / {} / {}", x.authority, x.judgement_area, x.grade);
            }
            for (a, x) in &gr.spurious {
                let _ = writeln!(m, "- spurious: {a}: {} / {} / {}", x.authority, x.judgement_area, x.grade);
            }
        }
        None => {
            let _ = writeln!(m, "Not scored: the system produced no grades (no grades.csv).");
        }
    }
    let errs = errors(r);
    let _ = writeln!(m, "\n## Errors\n\n### Sentences ({} of {})\n\n| article | gold | predicted | confidence | text |\n|---|---|---|---|---|", errs.len(), s.units);
    for u in errs {
        let _ = writeln!(m, "| {} | {} | {} | {} | {} |", u.article_id, u.gold, label_name(u.pred), u.confidence.map_or("".into(), f3), md_cell(&u.text));
    }
    let _ = writeln!(m, "\n### Officials missed ({})\n", o.missed.len());
    for x in &o.missed {
        let _ = writeln!(m, "- {}: {} ({}; {})", x.article_id, x.name, x.role, x.organisation);
    }
    let _ = writeln!(m, "\n### Officials spurious ({})\n", o.spurious.len());
    for x in &o.spurious {
        let _ = writeln!(m, "- {}: {} ({}; {})", x.article_id, x.name, x.role, x.organisation);
    }
    m
}

pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// Confusion heatmap: cells shaded by the share of their gold row.
fn confusion_svg(conf: &[Vec<usize>]) -> String {
    let cols = ["strength", "improvement", "other", "(no unit)"];
    let (cw, ch, left, top) = (90.0, 40.0, 100.0, 40.0);
    let mut s = format!("<svg class=\"chart\" id=\"confusion\" role=\"img\" aria-label=\"confusion matrix\" width=\"{}\" height=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">", left + cw * 4.0 + 10.0, top + ch * 3.0 + 30.0);
    for (j, c) in cols.iter().enumerate() {
        let _ = write!(s, "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"axis\">{c}</text>", left + cw * (j as f64 + 0.5), top - 10.0);
    }
    for (i, row) in conf.iter().enumerate() {
        let total: usize = row.iter().sum();
        let _ = write!(s, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"axis\">{}</text>", left - 8.0, top + ch * (i as f64 + 0.6), Label::from_index(i));
        for (j, &v) in row.iter().enumerate() {
            let share = if total == 0 { 0.0 } else { v as f64 / total as f64 };
            let fill = if i == j { format!("rgba(26,127,55,{:.3})", 0.1 + 0.9 * share) } else { format!("rgba(207,34,46,{:.3})", 0.05 + 0.95 * share) };
            let _ = write!(
                s,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"#fff\"><title>gold {} / predicted {}: {v}</title></rect><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"cell\">{v}</text>",
                left + cw * j as f64, top + ch * i as f64, cw, ch, Label::from_index(i), cols[j], left + cw * (j as f64 + 0.5), top + ch * (i as f64 + 0.6)
            );
        }
    }
    let _ = write!(s, "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"axis\">rows: gold label, columns: predicted label</text></svg>", left + cw * 2.0, top + ch * 3.0 + 22.0);
    s
}

/// Horizontal F1 bars with 95% bootstrap whiskers.
fn f1_svg(rows: &[(String, &Interval)]) -> String {
    let (w, left, bh, gap) = (320.0, 110.0, 22.0, 12.0);
    let h = rows.len() as f64 * (bh + gap) + 40.0;
    let mut s = format!("<svg class=\"chart\" id=\"f1\" role=\"img\" aria-label=\"F1 per class\" width=\"{}\" height=\"{h}\" xmlns=\"http://www.w3.org/2000/svg\">", left + w + 60.0);
    for (k, (name, i)) in rows.iter().enumerate() {
        let y = 10.0 + k as f64 * (bh + gap);
        let x = |v: f64| left + w * v.clamp(0.0, 1.0);
        let _ = write!(s, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"axis\">{}</text>", left - 8.0, y + bh * 0.7, esc(name));
        let _ = write!(s, "<rect x=\"{left}\" y=\"{y}\" width=\"{:.1}\" height=\"{bh}\" fill=\"#4c78a8\"><title>{}: {}</title></rect>", w * i.value.clamp(0.0, 1.0), esc(name), ci(i));
        if i.low.is_finite() && i.high.is_finite() {
            let my = y + bh / 2.0;
            let _ = write!(
                s,
                "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{my}\" y2=\"{my}\" class=\"whisker\"/><line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{}\" y2=\"{}\" class=\"whisker\"/><line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{}\" y2=\"{}\" class=\"whisker\"/>",
                x(i.low), x(i.high), x(i.low), x(i.low), y + 4.0, y + bh - 4.0, x(i.high), x(i.high), y + 4.0, y + bh - 4.0
            );
        }
        let _ = write!(s, "<text x=\"{:.1}\" y=\"{}\" class=\"cell\">{}</text>", left + w + 6.0, y + bh * 0.7, f3(i.value));
    }
    let base = rows.len() as f64 * (bh + gap) + 14.0;
    for t in [0.0, 0.5, 1.0] {
        let _ = write!(s, "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" class=\"axis\">{t}</text>", left + w * t, base + 12.0);
    }
    s.push_str("</svg>");
    s
}

/// Reliability diagram: accuracy per confidence bin against the diagonal.
fn reliability_svg(r: &Report) -> String {
    let (size, pad) = (260.0, 40.0);
    let mut s = format!("<svg class=\"chart\" id=\"reliability\" role=\"img\" aria-label=\"reliability diagram\" width=\"{}\" height=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">", size + pad * 2.0, size + pad * 2.0);
    let _ = write!(s, "<rect x=\"{pad}\" y=\"{pad}\" width=\"{size}\" height=\"{size}\" fill=\"none\" stroke=\"#999\"/>");
    let _ = write!(s, "<line x1=\"{pad}\" y1=\"{}\" x2=\"{}\" y2=\"{pad}\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>", pad + size, pad + size);
    for b in r.sentences.reliability.iter().filter(|b| b.count > 0) {
        let x = pad + size * b.lower;
        let bw = size * (b.upper - b.lower);
        let h = size * b.accuracy;
        let _ = write!(
            s,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"#4c78a8\" fill-opacity=\"0.8\" stroke=\"#fff\"><title>confidence {:.1}-{:.1}: {} units, mean confidence {}, accuracy {}</title></rect>",
            pad + size - h, bw, b.lower, b.upper, b.count, f3(b.mean_confidence), f3(b.accuracy)
        );
        let _ = write!(s, "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#e45756\"/>", pad + size * b.mean_confidence, pad + size - size * b.accuracy);
    }
    let _ = write!(s, "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"axis\">confidence</text>", pad + size / 2.0, pad + size + 28.0);
    let _ = write!(s, "<text x=\"12\" y=\"{}\" class=\"axis\" transform=\"rotate(-90 12 {})\" text-anchor=\"middle\">accuracy</text>", pad + size / 2.0, pad + size / 2.0);
    let _ = write!(s, "<text x=\"{pad}\" y=\"{}\" class=\"axis\">ECE {}</text></svg>", pad - 10.0, f3(r.sentences.ece));
    s
}

pub const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}table{border-collapse:collapse;margin:1em 0}\
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}th.sortable{cursor:pointer}\
.chart{margin:1em 2em 1em 0;vertical-align:top}.axis{font-size:12px;fill:#444}.cell{font-size:13px;fill:#111}.whisker{stroke:#111;stroke-width:1.5}\
.num{text-align:right;font-variant-numeric:tabular-nums}.charts{display:flex;flex-wrap:wrap}";

/// Click a header to sort; marks the page ready so tests can tell the script ran.
pub const SORT_SCRIPT: &str = "document.querySelectorAll('table.sortable').forEach(function(t){\
t.querySelectorAll('th').forEach(function(th,i){th.classList.add('sortable');th.addEventListener('click',function(){\
var b=t.tBodies[0],rows=Array.from(b.rows),asc=th.dataset.dir!=='asc';th.dataset.dir=asc?'asc':'desc';\
rows.sort(function(x,y){var a=x.cells[i].dataset.v||x.cells[i].textContent,c=y.cells[i].dataset.v||y.cells[i].textContent;\
var na=parseFloat(a),nc=parseFloat(c);var r=(!isNaN(na)&&!isNaN(nc))?na-nc:a.localeCompare(c);return asc?r:-r;});\
rows.forEach(function(r){b.appendChild(r);});});});});document.body.dataset.ready='1';";

pub fn html(r: &Report) -> String {
    let s = &r.sentences;
    let mut h = String::new();
    let _ = write!(h, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>ofsted evaluation: {}</title><style>{STYLE}</style></head><body>", esc(&r.system));
    let _ = write!(h, "<h1>Evaluation report</h1><p>System <code>{}</code> on gold <code>{}</code>: {} articles, {} units. ofsted {}.</p>", esc(&r.system), esc(&r.gold), s.articles, s.units, esc(&r.tool_version));
    let _ = write!(
        h,
        "<h2>Sentences</h2><p>Macro-F1 <b>{}</b>, micro-F1 {}, accuracy {}, expected calibration error {}. Intervals are 95% article-level bootstrap intervals ({} resamples): with few articles they are wide, and two systems whose intervals overlap may not differ.</p>",
        ci(&s.macro_f1), ci(&s.micro_f1), ci(&s.accuracy), f3(s.ece), s.bootstrap_rounds
    );
    let mut bars: Vec<(String, &Interval)> = s.per_class.iter().map(|c| (c.label.to_string(), &c.f1)).collect();
    bars.push(("macro-F1".into(), &s.macro_f1));
    let _ = write!(h, "<div class=\"charts\">{}{}{}</div>", confusion_svg(&s.confusion), f1_svg(&bars), reliability_svg(r));
    h.push_str("<table><thead><tr><th>label</th><th>precision</th><th>recall</th><th>F1 [95% CI]</th><th>gold</th><th>predicted</th></tr></thead><tbody>");
    for c in &s.per_class {
        let _ = write!(h, "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>", c.label, f3(c.precision), f3(c.recall), ci(&c.f1), c.support, c.predicted);
    }
    h.push_str("</tbody></table>");
    let g = &r.segmentation;
    let _ = write!(
        h,
        "<h2>Segmentation</h2><table><tr><th>gold units</th><th>predicted units</th><th>exact matches</th><th>boundary precision</th><th>boundary recall</th><th>boundary F1</th></tr><tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{} ({:.1}%)</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr></table>",
        g.gold_units, g.predicted_units, g.exact, 100.0 * g.exact_rate, f3(g.boundary_precision), f3(g.boundary_recall), f3(g.boundary_f1)
    );
    let o = &r.officials;
    let _ = write!(h, "<h2>Officials</h2><p>{} gold, {} predicted.</p><table><tr><th>match</th><th>TP</th><th>precision</th><th>recall</th><th>F1</th></tr>", o.gold, o.predicted);
    for c in &o.criteria {
        let _ = write!(h, "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>", esc(&c.name), c.true_positives, f3(c.precision), f3(c.recall), f3(c.f1));
    }
    h.push_str("</table>");
    h.push_str("<h2>Grades</h2>");
    match &r.grades {
        Some(gr) => {
            let _ = write!(h, "<table><tr><th>gold rows</th><th>predicted rows</th><th>precision</th><th>recall</th><th>F1</th></tr><tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr></table>", gr.gold, gr.predicted, f3(gr.precision), f3(gr.recall), f3(gr.f1));
            if !gr.missed.is_empty() || !gr.spurious.is_empty() {
                h.push_str("<table><thead><tr><th></th><th>article</th><th>authority</th><th>judgement area</th><th>grade</th></tr></thead><tbody>");
                for (kind, list) in [("missed", &gr.missed), ("spurious", &gr.spurious)] {
                    for (a, x) in list {
                        let _ = write!(h, "<tr><td>{kind}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", esc(a), esc(&x.authority), esc(x.judgement_area.as_str()), esc(x.grade.as_str()));
                    }
                }
                h.push_str("</tbody></table>");
            }
        }
        None => h.push_str("<p>Not scored: the system produced no grades.</p>"),
    }
    let errs = errors(r);
    let _ = write!(h, "<h2>Errors</h2><h3>Sentences ({} of {}; click a header to sort)</h3><table class=\"sortable\" id=\"errors\"><thead><tr><th>article</th><th>gold</th><th>predicted</th><th>confidence</th><th>text</th></tr></thead><tbody>", errs.len(), s.units);
    for u in errs {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\" data-v=\"{}\">{}</td><td>{}</td></tr>",
            esc(&u.article_id), u.gold, label_name(u.pred), u.confidence.unwrap_or(-1.0), u.confidence.map_or("".into(), f3), esc(&u.text)
        );
    }
    h.push_str("</tbody></table>");
    for (title, list) in [("Officials missed", &o.missed), ("Officials spurious", &o.spurious)] {
        let _ = write!(h, "<h3>{title} ({})</h3><table class=\"sortable\"><thead><tr><th>article</th><th>name</th><th>role</th><th>organisation</th><th>is_official</th></tr></thead><tbody>", list.len());
        for x in list.iter() {
            let _ = write!(h, "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", esc(&x.article_id), esc(&x.name), esc(&x.role), esc(&x.organisation), x.is_official);
        }
        h.push_str("</tbody></table>");
    }
    let _ = write!(h, "<script>{SORT_SCRIPT}</script></body></html>\n");
    h
}
