//! `index.html`: a run's results as one self-contained page (inline CSS and JS, nothing from
//! the network). Written like the other outputs, a chunk at a time: the head (styles and the
//! run's totals), one JSON entry per article, then the script that renders them on demand.
//! Shards merge into the same bytes as one run, since an article's entry depends only on it.

use crate::label::Label;
use crate::pipeline::Doc;
use serde_json::json;

pub const INDEX_HTML: &str = "index.html";

/// Articles embedded in the page; a larger run's page says how many more are in the CSV files.
/// About 3 KB each, so the page stays under ~20 MB and opens without freezing.
pub const MAX_PAGE_ARTICLES: usize = 5_000;

/// JSON that is safe inside a `<script>` element: `<` only occurs inside JSON strings, where
/// `\u003c` means the same.
fn script_json(v: &serde_json::Value) -> String {
    v.to_string().replace('<', "\\u003c")
}

/// The head of the page, up to the opening of the data array.
pub fn header(articles_in_input: usize) -> Vec<u8> {
    let meta = json!({ "version": env!("CARGO_PKG_VERSION"), "articles": articles_in_input, "embedded_max": MAX_PAGE_ARTICLES });
    format!("{HEAD}<script>\nconst META = {};\nconst DATA = [\n", script_json(&meta)).into_bytes()
}

/// The end of the page: closes the data and renders it.
pub fn trailer() -> Vec<u8> {
    format!("];\n</script>\n<script>\n{APP}</script>\n</body>\n</html>\n").into_bytes()
}

fn code(l: Label) -> &'static str {
    match l {
        Label::Strength => "s",
        Label::Improvement => "i",
        Label::Other => "o",
    }
}

/// Byte offsets into `text` as the page's script counts them: UTF-16 code units (JavaScript
/// string indices), so a curly quote or an accent does not shift every highlight after it.
pub struct Utf16Offsets(Vec<(usize, usize)>);

impl Utf16Offsets {
    pub fn of(text: &str) -> Self {
        let mut at = 0;
        Utf16Offsets(text.char_indices().map(|(b, c)| {
            let here = (b, at);
            at += c.len_utf16();
            here
        }).chain(std::iter::once((text.len(), text.encode_utf16().count()))).collect())
    }
    pub fn get(&self, byte: usize) -> usize {
        match self.0.binary_search_by_key(&byte, |p| p.0) {
            Ok(i) => self.0[i].1,
            // not on a char boundary (never, for offsets the pipeline made): the char it is in
            Err(i) => self.0[i.saturating_sub(1)].1,
        }
    }
}

/// One article's entry (a line ending in a comma), or nothing past [`MAX_PAGE_ARTICLES`]
/// (`position` counts from 0 over the whole input, so shards agree on the cut).
pub fn entry(d: &Doc, position: usize) -> Vec<u8> {
    if position >= MAX_PAGE_ARTICLES {
        return Vec::new();
    }
    let at = Utf16Offsets::of(&d.article.text);
    let units: Vec<serde_json::Value> = d.classified().map(|u| json!([at.get(u.start), at.get(u.end), code(u.label), (u.confidence * 1000.0).round() / 1000.0])).collect();
    let officials: Vec<serde_json::Value> = d.officials.iter().map(|o| json!([o.name, o.role, o.organisation, o.is_official, at.get(o.start), at.get(o.end)])).collect();
    let grades: Vec<serde_json::Value> = d.grades.iter().map(|g| json!([g.authority, g.judgement_area.to_string(), g.grade.to_string(), g.sentence_index])).collect();
    let v = json!({
        "id": d.article.id,
        "source": d.article.source,
        "error": d.error.as_ref().map(|e| e.to_string()),
        "text": d.article.text,
        "units": units,
        "officials": officials,
        "grades": grades,
    });
    format!("{},\n", script_json(&v)).into_bytes()
}

const HEAD: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ofsted results</title>
<style>
:root { --s: #2e7d32; --i: #c62828; --o: #757575; --s-bg: #e3f2e4; --i-bg: #fde7e7; --o-bg: #f1f1f1; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #222; background: #fafafa; }
header { background: #1f3b57; color: #fff; padding: 10px 18px; display: flex; gap: 18px; align-items: baseline; flex-wrap: wrap; }
header h1 { font-size: 18px; margin: 0; }
header .totals span { margin-right: 14px; }
main { padding: 12px 18px; }
.controls { display: flex; gap: 12px; flex-wrap: wrap; align-items: center; margin-bottom: 10px; }
.controls input[type=search] { width: 280px; padding: 4px 6px; }
table { border-collapse: collapse; background: #fff; width: 100%; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f3f6; cursor: pointer; user-select: none; white-space: nowrap; }
th.sorted::after { content: " \25BE"; } th.sorted.asc::after { content: " \25B4"; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.row:hover { background: #f5f9ff; cursor: pointer; }
.bar { display: inline-flex; height: 10px; width: 120px; background: #eee; vertical-align: middle; }
.bar i { display: block; height: 100%; }
.c-s { color: var(--s); } .c-i { color: var(--i); } .c-o { color: var(--o); }
.err { color: #b00020; }
.more { margin: 10px 0; }
#article { display: none; }
#article .back { margin-bottom: 8px; }
.layout { display: grid; grid-template-columns: minmax(0, 1fr) 340px; gap: 18px; }
.text { background: #fff; padding: 14px 18px; border: 1px solid #e4e4e4; white-space: pre-wrap; font-size: 15px; line-height: 1.6; }
.u { border-radius: 3px; padding: 1px 0; }
.u.s { background: rgba(46, 125, 50, var(--a)); } .u.i { background: rgba(198, 40, 40, var(--a)); } .u.o { background: rgba(117, 117, 117, var(--a)); }
.u.low { outline: 2px dashed #e0a800; }
.tag { display: inline-block; font: 12px/1.3 system-ui, sans-serif; border-radius: 9px; padding: 0 7px; margin: 0 3px; white-space: nowrap; }
.tag.person { background: #e8eaf6; color: #283593; } .tag.grade { background: #fff3e0; color: #8d4b00; }
aside section { background: #fff; border: 1px solid #e4e4e4; padding: 8px 12px; margin-bottom: 12px; }
aside h3 { margin: 0 0 6px; font-size: 14px; }
aside table td, aside table th { padding: 2px 4px; font-size: 13px; cursor: default; }
.legend span { margin-right: 10px; }
.note { color: #666; font-size: 13px; }
</style>
</head>
<body>
"#;

const APP: &str = r#"'use strict';
const LABELS = { s: 'strength', i: 'improvement', o: 'other' };
const LOW = 0.6;
const PAGE = 200;
const esc = s => String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const arts = DATA.map((a, n) => {
  const c = { s: 0, i: 0, o: 0 };
  let min = 1;
  for (const u of a.units) { c[u[2]]++; min = Math.min(min, u[3]); }
  return { n, a, c, min: a.units.length ? min : null, low: a.units.filter(u => u[3] < LOW).length,
           hay: (a.id + ' ' + a.officials.map(o => o[0]).join(' ') + ' ' + a.grades.map(g => g[0]).join(' ') + ' ' + a.text).toLowerCase() };
});
const state = { q: '', label: '', low: false, errors: false, sort: 'n', asc: true, shown: PAGE };
function readHash() {
  const h = new URLSearchParams(location.hash.slice(1));
  state.q = h.get('q') || ''; state.label = h.get('label') || ''; state.low = h.get('low') === '1'; state.errors = h.get('errors') === '1';
  return h.get('a');
}
function writeHash(article) {
  const h = new URLSearchParams();
  if (state.q) h.set('q', state.q); if (state.label) h.set('label', state.label);
  if (state.low) h.set('low', '1'); if (state.errors) h.set('errors', '1');
  if (article != null) h.set('a', article);
  history.replaceState(null, '', '#' + h.toString());
}
function filtered() {
  const q = state.q.toLowerCase();
  const key = { n: x => x.n, id: x => x.a.id, units: x => x.a.units.length, s: x => x.c.s, i: x => x.c.i, o: x => x.c.o,
                officials: x => x.a.officials.length, grades: x => x.a.grades.length, min: x => x.min == null ? 2 : x.min, errors: x => x.a.error ? 1 : 0 }[state.sort];
  const out = arts.filter(x => (!q || x.hay.includes(q)) && (!state.label || x.c[state.label] > 0) && (!state.low || x.low > 0) && (!state.errors || x.a.error));
  out.sort((x, y) => { const a = key(x), b = key(y); return (a < b ? -1 : a > b ? 1 : x.n - y.n) * (state.asc ? 1 : -1); });
  return out;
}
function bar(c) {
  const t = c.s + c.i + c.o || 1;
  return '<span class="bar">' + ['s', 'i', 'o'].map(k => `<i style="width:${100 * c[k] / t}%;background:var(--${k})"></i>`).join('') + '</span>';
}
function renderList() {
  const rows = filtered();
  document.getElementById('count').textContent = `${rows.length} of ${arts.length} articles`;
  const body = rows.slice(0, state.shown).map(x => `<tr class="row" data-n="${x.n}"><td>${esc(x.a.id)}</td><td class="n">${x.a.units.length}</td>` +
    `<td class="n c-s">${x.c.s}</td><td class="n c-i">${x.c.i}</td><td class="n c-o">${x.c.o}</td><td>${bar(x.c)}</td>` +
    `<td>${x.a.officials.filter(o => o[3]).map(o => esc(o[0])).join(', ')}</td>` +
    `<td>${x.a.grades.map(g => esc(g[1] + ': ' + g[2])).join('; ')}</td>` +
    `<td class="n">${x.min == null ? '' : x.min.toFixed(2)}</td><td class="err">${x.a.error ? esc(x.a.error) : ''}</td></tr>`).join('');
  document.getElementById('rows').innerHTML = body;
  const more = document.getElementById('more');
  more.style.display = rows.length > state.shown ? '' : 'none';
  more.textContent = `show ${Math.min(PAGE, rows.length - state.shown)} more`;
  for (const th of document.querySelectorAll('#list th')) {
    th.classList.toggle('sorted', th.dataset.k === state.sort); th.classList.toggle('asc', th.dataset.k === state.sort && state.asc);
  }
}
function renderArticle(x) {
  const a = x.a, t = a.text;
  const people = new Map(), grades = new Map();
  for (const o of a.officials) {
    const u = a.units.findIndex(u => u[0] <= o[4] && o[4] < u[1]);
    if (!people.has(u)) people.set(u, []);
    people.get(u).push(o);
  }
  for (const g of a.grades) { if (!grades.has(g[3])) grades.set(g[3], []); grades.get(g[3]).push(g); }
  let html = '', at = 0;
  a.units.forEach((u, k) => {
    html += esc(t.slice(at, u[0]));
    const alpha = (0.12 + 0.38 * Math.max(0, (u[3] - 0.34) / 0.66)).toFixed(2);
    html += `<span class="u ${u[2]}${u[3] < LOW ? ' low' : ''}" style="--a:${alpha}" title="${LABELS[u[2]]}, confidence ${u[3].toFixed(2)}">${esc(t.slice(u[0], u[1]))}</span>`;
    for (const o of people.get(k) || []) html += `<span class="tag person">${esc(o[0])}${o[1] ? ', ' + esc(o[1]) : ''}${o[2] ? ', ' + esc(o[2]) : ''}</span>`;
    for (const g of grades.get(k) || []) html += `<span class="tag grade">${esc(g[0])}: ${esc(g[1])} ${esc(g[2])}</span>`;
    at = u[1];
  });
  html += esc(t.slice(at));
  const el = document.getElementById('article');
  el.innerHTML = `<button class="back">&larr; all articles</button><h2>${esc(a.id)}</h2><p class="note">${esc(a.source)}</p>` +
    (a.error ? `<p class="err">${esc(a.error)}</p>` : '') +
    `<p class="legend"><span class="u s" style="--a:.4">strength ${x.c.s}</span><span class="u i" style="--a:.4">improvement ${x.c.i}</span><span class="u o" style="--a:.4">other ${x.c.o}</span>` +
    `<span class="u low" style="--a:0">confidence below ${LOW}: ${x.low}</span> <span class="note">(deeper colour, more confident)</span></p>` +
    `<div class="layout"><div class="text">${html}</div><aside>` +
    `<section><h3>Officials and people (${a.officials.length})</h3><table><tr><th>name</th><th>role</th><th>organisation</th><th>official</th></tr>` +
    a.officials.map(o => `<tr><td>${esc(o[0])}</td><td>${esc(o[1])}</td><td>${esc(o[2])}</td><td>${o[3] ? 'yes' : 'no'}</td></tr>`).join('') + `</table></section>` +
    `<section><h3>Grades (${a.grades.length})</h3><table><tr><th>authority</th><th>area</th><th>grade</th></tr>` +
    a.grades.map(g => `<tr><td>${esc(g[0])}</td><td>${esc(g[1])}</td><td>${esc(g[2])}</td></tr>`).join('') + `</table></section></aside></div>`;
  el.querySelector('.back').onclick = () => show(null);
}
function show(n) {
  const list = document.getElementById('list'), art = document.getElementById('article');
  if (n == null || !arts[n]) { list.style.display = ''; art.style.display = 'none'; writeHash(null); renderList(); return; }
  renderArticle(arts[n]); list.style.display = 'none'; art.style.display = 'block'; writeHash(arts[n].a.id); window.scrollTo(0, 0);
}
function start() {
  const totals = { s: 0, i: 0, o: 0 };
  for (const x of arts) for (const k in totals) totals[k] += x.c[k];
  const hidden = META.articles - DATA.length;
  document.body.insertAdjacentHTML('afterbegin',
    `<header><h1>ofsted results</h1><div class="totals"><span>${arts.length} articles</span><span>${arts.reduce((s, x) => s + x.a.units.length, 0)} units</span>` +
    `<span class="c-s" style="color:#a5d6a7">${totals.s} strength</span><span style="color:#ef9a9a">${totals.i} improvement</span><span style="color:#ddd">${totals.o} other</span>` +
    `<span>${arts.reduce((s, x) => s + x.a.officials.length, 0)} people</span><span>${arts.reduce((s, x) => s + x.a.grades.length, 0)} grade rows</span>` +
    `<span>${arts.filter(x => x.a.error).length} failed</span></div><div class="note" style="color:#cfd8dc">ofsted ${esc(META.version)}</div></header>`);
  const main = document.getElementById('main');
  main.insertAdjacentHTML('afterbegin', hidden > 0 ? `<p class="note">This page holds the first ${DATA.length} of ${META.articles} articles; sentences.csv, officials.csv and grades.csv hold them all.</p>` : '');
  const art = readHash();
  const q = document.getElementById('q'), label = document.getElementById('label'), low = document.getElementById('low'), errors = document.getElementById('errors');
  q.value = state.q; label.value = state.label; low.checked = state.low; errors.checked = state.errors;
  const changed = () => { state.q = q.value; state.label = label.value; state.low = low.checked; state.errors = errors.checked; state.shown = PAGE; writeHash(null); renderList(); };
  q.oninput = changed; label.onchange = changed; low.onchange = changed; errors.onchange = changed;
  document.getElementById('more').onclick = () => { state.shown += PAGE; renderList(); };
  document.getElementById('rows').onclick = e => { const tr = e.target.closest('tr.row'); if (tr) show(+tr.dataset.n); };
  for (const th of document.querySelectorAll('#list th')) th.onclick = () => { state.asc = state.sort === th.dataset.k ? !state.asc : true; state.sort = th.dataset.k; renderList(); };
  const found = art == null ? -1 : arts.findIndex(x => x.a.id === art);
  if (found >= 0) show(found); else renderList();
  document.body.dataset.ready = '1';
}
document.body.insertAdjacentHTML('beforeend', `<main id="main"><div id="list">
<div class="controls"><input id="q" type="search" placeholder="search ids, text, people, authorities">
<label>with label <select id="label"><option value="">any</option><option value="s">strength</option><option value="i">improvement</option><option value="o">other</option></select></label>
<label><input id="low" type="checkbox"> low confidence (below ${LOW})</label><label><input id="errors" type="checkbox"> errors only</label><span id="count" class="note"></span></div>
<table><thead><tr><th data-k="id">article</th><th data-k="units">units</th><th data-k="s">strength</th><th data-k="i">improvement</th><th data-k="o">other</th><th data-k="n">mix</th><th data-k="officials">officials</th><th data-k="grades">grades</th><th data-k="min">lowest confidence</th><th data-k="errors">error</th></tr></thead>
<tbody id="rows"></tbody></table><button id="more" class="more"></button></div><div id="article"></div></main>`);
start();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regression_offsets_after_a_curly_quote_are_counted_as_the_script_counts_them() {
        // the first page shifted every highlight after ’ (3 bytes, 1 JavaScript index)
        let text = "Cumberland’s services were “good”. Next 😀 one.";
        let at = Utf16Offsets::of(text);
        for (byte, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            assert_eq!(at.get(byte), text[..byte].encode_utf16().count(), "byte {byte}");
        }
    }

    #[test]
    fn text_cannot_close_the_script_it_is_embedded_in() {
        let v = json!({"text": "a </script><script>alert(1)</script>"});
        let s = script_json(&v);
        assert!(!s.contains("</script"), "{s}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&s).unwrap(), v, "still the same JSON");
    }
}
