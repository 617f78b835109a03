//! `ofsted label` end to end: a real server with the real models, driven over its HTTP API as
//! the page drives it, killed and started again, its page rendered in headless Chromium, and its
//! files read back as corpus data and trained on.

mod common;
use common::*;
use ofsted::io::corpus::LabelledSet;
use serde_json::{json, Value};
use std::path::Path;

fn get(url: &str) -> (u16, Value) {
    answer(ureq::get(url).call())
}

fn post(url: &str, body: &Value) -> (u16, Value) {
    answer(ureq::post(url).set("Content-Type", "application/json").send_string(&body.to_string()))
}

fn answer(r: Result<ureq::Response, ureq::Error>) -> (u16, Value) {
    let resp = match r {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = resp.status();
    let text = resp.into_string().unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// A folder of new articles: three corpus articles, no labels yet.
fn folder(root: &Path) -> std::path::PathBuf {
    let dir = root.join("new");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/articles");
    let mut files: Vec<_> = std::fs::read_dir(&corpus).unwrap().map(|f| f.unwrap().path()).collect();
    files.sort();
    for f in files.iter().take(3) {
        write(&dir.join("articles"), f.file_name().unwrap().to_str().unwrap(), &std::fs::read(f).unwrap());
    }
    dir
}

fn serve(dir: &Path) -> Served {
    ofsted(&["label", "-q", "--port", "0"]).arg(dir).arg("--models-dir").arg(models()).serve()
}

const LABELS: [&str; 3] = ["strength", "improvement", "other"];

#[test]
fn labels_made_over_the_api_are_corpus_data_that_survive_a_kill_and_train_accepts() {
    let d = tempfile::tempdir().unwrap();
    let dir = folder(d.path());
    let server = serve(&dir);
    let api = |p: &str| format!("{}api/{p}", server.url);
    let (status, state) = get(&api("state"));
    assert_eq!(status, 200);
    assert_eq!(state["articles"].as_array().unwrap().len(), 3);
    let units = state["progress"]["units"].as_u64().unwrap() as usize;
    assert!(units > 30 && state["progress"]["labelled"] == 0, "{}", state["progress"]);

    // every unit is in the queue, least confident first, with its article's text at its offsets
    let (_, q) = get(&api("queue?limit=500"));
    let queue = q["queue"].as_array().unwrap().clone();
    assert_eq!(queue.len(), units);
    let confidence = |u: &Value| u["probs"].as_array().unwrap().iter().map(|p| p.as_f64().unwrap()).fold(0.0, f64::max);
    assert!(queue.windows(2).all(|w| confidence(&w[0]) <= confidence(&w[1])), "least confident first");
    let text_of = |id: &str| std::fs::read_to_string(dir.join("articles").join(format!("{id}.txt"))).unwrap();
    for u in &queue {
        let (s, e) = (u["start"].as_u64().unwrap() as usize, u["end"].as_u64().unwrap() as usize);
        assert_eq!(text_of(u["article_id"].as_str().unwrap())[s..e], *u["text"].as_str().unwrap());
    }

    // label the twelve least confident (all three labels), undo the last, label it again otherwise
    let unit = |u: &Value| json!({ "article_id": u["article_id"], "start": u["start"], "end": u["end"] });
    let with = |u: &Value, k: &str, v: Value| {
        let mut b = unit(u);
        b[k] = v;
        b
    };
    for (n, u) in queue[..12].iter().enumerate() {
        let (status, r) = post(&api("label"), &with(u, "label", json!(LABELS[n % 3])));
        assert_eq!(status, 200, "{r}");
        assert_eq!(r["progress"]["labelled"], n + 1);
    }
    let (_, r) = post(&api("undo"), &json!({}));
    assert_eq!((r["undone"]["what"].as_str(), &r["undone"]["start"]), (Some("label"), &queue[11]["start"]));
    assert_eq!(std::fs::read_to_string(dir.join("sentences.csv")).unwrap().lines().count(), 1 + 11, "the undo is on disk");
    post(&api("label"), &with(&queue[11], "label", json!("strength")));
    let (status, _) = post(&api("note"), &with(&queue[0], "note", json!("reaction, not a finding")));
    assert_eq!(status, 200);
    let (_, q) = get(&api("queue?limit=1"));
    assert_eq!(q["queue"][0]["start"], queue[12]["start"], "labelled units leave the queue");

    // officials and grades of one article: the model's rows, edited and saved as checked
    let first = queue[0]["article_id"].as_str().unwrap().to_string();
    let (_, art) = get(&api(&format!("article?id={first}")));
    assert_eq!(art["officials_checked"], false);
    let mut officials = art["officials"].as_array().unwrap().clone();
    assert!(!officials.is_empty(), "the model found people in {first}");
    officials[0]["role"] = json!("an edited role");
    officials.push(json!({ "name": "Priya Okonkwo-Hale", "title": "Cllr", "role": "cabinet member for children", "organisation": "the council", "is_official": true }));
    let (status, r) = post(&api("officials"), &json!({ "article_id": first, "rows": officials }));
    assert_eq!(status, 200, "{r}");
    let (status, r) = post(&api("grades"), &json!({ "article_id": first, "rows": [{ "authority": "X Council", "judgement_area": "overall effectiveness", "grade": "excellent" }] }));
    assert_eq!(status, 400);
    assert!(r["error"].as_str().unwrap().contains("row 1: grade \"excellent\" is not one of outstanding, good"), "{r}");
    let grades = json!([{ "authority": "X Council", "judgement_area": "overall effectiveness", "grade": "good" }, { "authority": "X Council", "judgement_area": "care leavers", "grade": "outstanding" }]);
    assert_eq!(post(&api("grades"), &json!({ "article_id": first, "rows": grades })).0, 200);

    // what the server refuses: unknown articles and units, files, other hosts, non-JSON changes
    assert_eq!(get(&api("article?id=..%2F..%2FCargo.toml")).0, 404);
    assert_eq!(get(&format!("{}articles/{first}.txt", server.url)).0, 404);
    assert_eq!(get(&format!("{}sentences.csv", server.url)).0, 404);
    assert_eq!(post(&api("label"), &json!({ "article_id": first, "start": 0, "end": 1, "label": "other" })).0, 404);
    assert_eq!(post(&api("label"), &with(&queue[20], "label", json!("weak"))).0, 400);
    assert_eq!(answer(ureq::get(&api("state")).set("Host", "attacker.example").call()).0, 403, "a rebinding name is refused");
    assert_eq!(answer(ureq::post(&api("label")).set("Content-Type", "text/plain").send_string(&with(&queue[20], "label", json!("other")).to_string())).0, 415);
    assert_eq!(answer(ureq::get(&api("label")).call()).0, 405);
    assert_eq!(answer(ureq::request("PUT", &api("label")).set("Content-Type", "application/json").send_string("{}")).0, 405, "a change path with another method is not a missing page");
    assert_eq!(answer(ureq::post(&api("state")).set("Content-Type", "application/json").send_string("{}")).0, 405);

    // killed: nothing is lost, and a new server resumes where this one stopped
    server.kill();
    let set = LabelledSet::load(&dir).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(set.units.len(), 12);
    let mut want: Vec<(String, usize, &str)> = queue[..12].iter().enumerate().map(|(n, u)| (u["article_id"].as_str().unwrap().to_string(), u["start"].as_u64().unwrap() as usize, if n == 11 { "strength" } else { LABELS[n % 3] })).collect();
    want.sort();
    let got: Vec<(String, usize, &str)> = set.units.iter().map(|u| (u.article_id.clone(), u.start, u.label.as_str())).collect();
    assert_eq!(got, want, "sentences.csv holds exactly the labels given, in article order");
    let saved = set.officials().unwrap();
    assert_eq!(saved.len(), officials.len());
    assert!(saved.iter().any(|o| o.role == "an edited role") && saved.iter().any(|o| o.name == "Priya Okonkwo-Hale"));
    assert_eq!(set.grades().unwrap().len(), 2);

    let server = serve(&dir);
    let api = |p: &str| format!("{}api/{p}", server.url);
    let (_, q) = get(&api("queue?limit=500"));
    assert_eq!(q["progress"]["labelled"], 12);
    assert_eq!(q["queue"].as_array().unwrap().len(), units - 12);
    assert_eq!(q["queue"][0]["start"], queue[12]["start"]);
    let (_, art) = get(&api(&format!("article?id={first}")));
    assert_eq!((&art["officials_checked"], &art["grades_checked"]), (&json!(true), &json!(true)));
    assert_eq!(art["officials"][0]["role"], "an edited role");
    assert!(art["units"].as_array().unwrap().iter().any(|u| u["note"] == "reaction, not a finding"));
    let (_, r) = post(&api("undo"), &json!({}));
    assert!(r["undone"].is_null(), "undo covers this server's changes only");

    // one render of the page: it loads the queue and shows the next unit and the progress
    let o = headless_url(&["--dump-dom", "--virtual-time-budget=10000"], &server.url);
    let (dom, log) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(dom.contains("data-ready=\"1\""), "the page's script ran to the end:\n{log}\n{dom}");
    assert!(!log.contains("Uncaught") && !log.contains(":ERROR:CONSOLE"), "no script errors:\n{log}");
    let next = q["queue"][0]["text"].as_str().unwrap().replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    assert!(dom.contains(&format!("\">{next}</div>")) && dom.contains("<div class=\"current\" id=\"current\""), "the next unit is shown:\n{dom}");
    assert!(dom.contains(&format!("<b>12</b> of {units} units labelled")), "progress is shown");
    let shown = q["queue"][0]["article_id"].as_str().unwrap();
    assert!(dom.contains(&format!("<h2>{shown}</h2>")) && dom.contains("Officials and people"), "the unit's article and its rows are shown beside it");
    server.kill();

    // the folder is training data as it stands
    let r = ofsted(&["train", "-q", "--method", "logistic", "--logistic-epochs", "20", "--data"]).arg(&dir).arg("--out").arg(d.path().join("m")).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(d.path().join("m/head.json").is_file());
}

#[test]
fn label_refuses_a_folder_without_articles_and_files_that_break_the_format() {
    let d = tempfile::tempdir().unwrap();
    let r = ofsted(&["label", "--port", "0"]).arg(d.path()).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no articles/ folder"), "{}", r.stderr);
    let dir = folder(d.path());
    write(&dir, "sentences.csv", b"article_id,start,end,label,text\nnot-an-article,0,4,other,Text\n");
    let r = ofsted(&["label", "--port", "0"]).arg(&dir).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("sentences.csv:2") && r.stderr.contains("no such article"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "no address printed: the server did not start");
}

/// The `data-key` the page gives the unit it shows: article id, start and end.
fn key_of(u: &Value) -> String {
    format!("{}|{}|{}", u["article_id"].as_str().unwrap(), u["start"], u["end"])
}

#[test]
fn the_page_labels_by_keys_notes_and_edits_rows_in_chromium() {
    let d = tempfile::tempdir().unwrap();
    let dir = folder(d.path());
    let server = serve(&dir);
    let (_, q) = get(&format!("{}api/queue?limit=10", server.url));
    let q = q["queue"].as_array().unwrap().clone();
    let mut b = Browser::open(&server.url);
    b.wait_for("document.body.dataset.ready === '1'");
    let shows = |b: &mut Browser, u: &Value| b.wait_for(&format!("document.getElementById('current').dataset.key === {}", json!(key_of(u))));
    let labels = || -> Vec<(String, usize, String)> { read_csv(&dir.join("sentences.csv")).1.into_iter().map(|r| (r[0].clone(), r[1].parse().unwrap(), r[3].clone())).collect() };
    let row = |u: &Value, l: &str| (u["article_id"].as_str().unwrap().to_string(), u["start"].as_u64().unwrap() as usize, l.to_string());
    shows(&mut b, &q[0]);

    b.key("s");
    shows(&mut b, &q[1]);
    assert_eq!(labels(), [row(&q[0], "strength")], "saved before the page moved on");
    b.key("i");
    shows(&mut b, &q[2]);
    b.key("u");
    shows(&mut b, &q[1]);
    assert_eq!(labels().len(), 1, "undo took the label back off the file");
    b.key("Enter");
    shows(&mut b, &q[2]);
    let suggested = q[1]["suggestion"].as_str().unwrap();
    b.key("n");
    shows(&mut b, &q[3]);
    b.key("o");
    shows(&mut b, &q[4]);
    b.key("/");
    assert_eq!(b.eval("document.activeElement.id"), "note");
    b.type_text("hard to call");
    b.key("Enter");
    b.wait_for("document.getElementById('status').textContent === 'Note saved.'");
    let (_, notes) = read_csv(&dir.join("notes.csv"));
    assert_eq!((notes[0][0].as_str(), notes[0][3].as_str()), (q[4]["article_id"].as_str().unwrap(), "hard to call"));

    // a unit clicked in the article is labelled instead of the queue's
    let clicked: Value = b.eval("(() => { const s = [...document.querySelectorAll('#text .u.model')].pop(); s.click(); return [+s.dataset.start, +s.dataset.end]; })()");
    let article = b.eval("document.querySelector('#article h2').textContent");
    let unit = json!({ "article_id": article, "start": clicked[0], "end": clicked[1] });
    shows(&mut b, &unit);
    b.key("i");
    b.wait_for(&format!("document.getElementById('current').dataset.key !== {}", json!(key_of(&unit))));
    let mut want = vec![row(&q[0], "strength"), row(&q[1], suggested), row(&q[3], "other"), row(&unit, "improvement")];
    want.sort();
    assert_eq!(labels(), want);

    // officials and grades edited in the page and saved as checked
    b.eval("(() => { const i = document.querySelector('#officials input[data-f=role]'); i.value = 'role typed in the page'; i.dispatchEvent(new Event('input', { bubbles: true })); })()");
    assert_eq!(b.eval("document.querySelector('#officials .badge').textContent"), "edited, not saved");
    b.eval("document.querySelector('#officials [data-save]').click()");
    b.wait_for("document.querySelector('#officials .badge').textContent === 'checked, saved'");
    assert!(read_csv(&dir.join("officials.csv")).1.iter().any(|o| o[3] == "role typed in the page"));
    b.eval("(() => { document.querySelector('#grades [data-add]').click(); const rows = document.querySelectorAll('#grades tr'); const last = rows[rows.length - 1]; last.querySelector('[data-f=authority]').value = 'Typed Council'; last.querySelector('[data-f=grade]').value = 'inadequate'; document.querySelector('#grades [data-save]').click(); })()");
    b.wait_for("document.querySelector('#grades .badge').textContent === 'checked, saved'");
    let (_, grades) = read_csv(&dir.join("grades.csv"));
    assert!(grades.iter().any(|g| g[1] == "Typed Council" && g[2] == "overall effectiveness" && g[3] == "inadequate"), "{grades:?}");
    assert!(b.eval("document.getElementById('progress').textContent").as_str().unwrap().contains("4 of"), "progress counts the four labels");
    assert!(b.errors.is_empty(), "no script errors: {:?}", b.errors);
}
