//! End-to-end tests of `ofsted classify` with the real models: files, columns, offsets, errors, exit codes.

mod common;
use common::*;
use std::collections::HashMap;

const PRAISE: &str = "Inspectors judged the council's services for children in care to be outstanding.";
const ARTICLE_A: &str = "Riverton council rated good by Ofsted\n\nBy Sam Hughes, local democracy reporter\n\n\
Riverton Borough Council's children's services have been rated good. Inspectors said social workers know their children well. \
However, some plans for disabled children lack detail, and return-home interviews are not always timely.\n\n\
Jane Okafor, director of children's services at Riverton Borough Council, said: “We are delighted. Staff have worked incredibly hard.”\n\n\
Cllr Priya Desai (Riverside, Labour), cabinet member for children, said the council would act on every recommendation.\n\n\
Subscribe to our newsletter\n";

fn inputs(dir: &std::path::Path) -> HashMap<String, String> {
    write(dir, "in/a_riverton.txt", ARTICLE_A.as_bytes());
    write(dir, "in/nested/b.txt", format!("{PRAISE}\n").as_bytes());
    write(dir, "in/rows.csv", "id,text\nc1,\"Leaders should ensure that care leavers have suitable homes. Caseloads are too high.\"\nc2\n".as_bytes());
    write(dir, "in/rows.jsonl", b"{\"id\": \"j1\", \"text\": \"The council was judged inadequate.\"}\n{broken json\n");
    write(dir, "in/bad.txt", b"fine\n\xff\xfebroken\n");
    write(dir, "in/empty.txt", b"  \n\n");
    HashMap::from([
        ("a_riverton".to_string(), ARTICLE_A.to_string()),
        ("b".to_string(), format!("{PRAISE}\n")),
        ("c1".to_string(), "Leaders should ensure that care leavers have suitable homes. Caseloads are too high.".to_string()),
        ("j1".to_string(), "The council was judged inadequate.".to_string()),
    ])
}

#[test]
fn classify_writes_every_output_file_with_exact_columns_and_offsets_and_reports_bad_inputs() {
    let d = tempfile::tempdir().unwrap();
    let texts = inputs(d.path());
    let out = d.path().join("out");
    let r = ofsted(&["classify", "--quiet"]).arg(d.path().join("in")).arg("--out").arg(&out).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 1, "some inputs failed, so exit 1; stderr: {}", r.stderr);

    let (header, rows) = read_csv(&out.join("sentences.csv"));
    assert_eq!(header, ["article_id", "sentence_index", "start", "end", "label", "confidence", "p_strength", "p_improvement", "p_other", "text"]);
    let mut seen = std::collections::HashSet::new();
    for row in &rows {
        let text = &texts[&row[0]];
        let (s, e): (usize, usize) = (row[2].parse().unwrap(), row[3].parse().unwrap());
        assert_eq!(&text[s..e], row[9], "offsets must slice the article text exactly");
        assert!(["strength", "improvement", "other"].contains(&row[4].as_str()));
        let p: Vec<f32> = row[6..9].iter().map(|x| x.parse().unwrap()).collect();
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-4);
        let conf: f32 = row[5].parse().unwrap();
        assert!((conf - p.iter().cloned().fold(0.0, f32::max)).abs() < 1e-6);
        seen.insert(row[0].clone());
    }
    assert_eq!(seen.len(), 4, "the four good articles are all classified: {seen:?}");
    let a_units: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == "a_riverton").collect();
    let a_texts: Vec<&str> = a_units.iter().map(|r| r[9].as_str()).collect();
    assert_eq!(a_texts[0], "Riverton council rated good by Ofsted");
    assert!(a_texts.contains(&"Subscribe to our newsletter"));
    assert!(a_units.iter().enumerate().all(|(i, r)| r[1] == i.to_string()), "sentence_index counts from 0 per article");

    let (oh, officials) = read_csv(&out.join("officials.csv"));
    assert_eq!(oh, ["article_id", "name", "role", "organisation", "is_official", "start", "end", "confidence", "title", "ward", "party"]);
    let jane = officials.iter().find(|r| r[1] == "Jane Okafor").unwrap_or_else(|| panic!("Jane Okafor not found: {officials:?}"));
    assert_eq!(jane[2], "director of children's services");
    assert_eq!(jane[3], "Riverton Borough Council");
    assert_eq!(jane[4], "true");
    let (s, e): (usize, usize) = (jane[5].parse().unwrap(), jane[6].parse().unwrap());
    assert_eq!(&ARTICLE_A[s..e], "Jane Okafor");
    let priya = officials.iter().find(|r| r[1] == "Priya Desai").unwrap_or_else(|| panic!("Priya Desai not found: {officials:?}"));
    assert_eq!(priya[2..5], ["cabinet member for children", "Riverton Borough Council", "true"]);
    assert_eq!(priya[8..11], ["Cllr", "Riverside", "Labour"], "title, ward and party columns");
    if let Some(sam) = officials.iter().find(|r| r[1] == "Sam Hughes") {
        assert_eq!(sam[4], "false", "a reporter is not an official");
    }

    let run: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    let errors = run["errors"].as_array().unwrap();
    let msgs: Vec<String> = errors.iter().map(|e| format!("{}:{} {}", e["file"].as_str().unwrap_or(""), e["line"], e["message"])).collect();
    assert_eq!(errors.len(), 4, "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("bad.txt:2") && m.contains("UTF-8")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("empty.txt") && m.contains("empty article")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("rows.csv:3")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("rows.jsonl:2") && m.contains("malformed JSON")), "{msgs:?}");
    assert!(r.stderr.contains("bad.txt:2"), "errors are also printed on stderr");
    assert_eq!(run["counts"]["articles"], 4);
    assert_eq!(run["counts"]["sentences"].as_u64().unwrap() as usize, rows.len());
    assert_eq!(run["counts"]["grades"].as_u64().unwrap() as usize, read_csv(&out.join("grades.csv")).1.len());
    for m in ["encoder", "ner", "classifier_head"] {
        assert_eq!(run["models"][m]["sha256"].as_str().unwrap().len(), 64);
    }
    assert!(run["sentences_per_second"].as_f64().unwrap() > 0.0);
    // the default model's MPNet encoder runs in bf16 unless --precision fp32 says otherwise
    assert_eq!(run["models"]["encoder"]["precision"], "bfloat16", "{}", run["models"]);
    assert_eq!(run["models"]["ner"]["precision"], "bfloat16", "{}", run["models"]);
    assert_eq!(run["settings"]["precision"], "bfloat16");
    assert_eq!(run["settings"]["batch_tokens"], 1024, "token-budget batches are the default");
    assert_eq!(run["settings"]["ner_every_unit"], false);
    // where the time went: every stage of the standard list, and loading
    let stages = run["stage_seconds"].as_object().unwrap();
    for name in ["segment", "classify", "people", "titled names", "bodies", "officials", "grades"] {
        assert!(stages.get(name).and_then(|v| v.as_f64()).is_some_and(|t| t >= 0.0), "stage {name} missing: {stages:?}");
    }
    assert!(stages["classify"].as_f64().unwrap() > 0.0);
    assert!(run["load_seconds"].as_f64().unwrap() > 0.0);

    let lines: Vec<serde_json::Value> = std::fs::read_to_string(out.join("articles.jsonl")).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4);
    let a = lines.iter().find(|l| l["id"] == "a_riverton").unwrap();
    let total: u64 = ["strength", "improvement", "other"].iter().map(|k| a["counts"][k].as_u64().unwrap()).sum();
    assert_eq!(total as usize, a["sentences"].as_array().unwrap().len());
    assert!(a["officials"].as_array().unwrap().iter().any(|o| o["name"] == "Jane Okafor"));
    assert_eq!(a["grades"][0]["grade"], "good", "{}", a["grades"]);

    let (gh, grades) = read_csv(&out.join("grades.csv"));
    assert_eq!(gh, ["article_id", "authority", "judgement_area", "grade", "sentence_index", "confidence"]);
    let riverton: Vec<&Vec<String>> = grades.iter().filter(|r| r[0] == "a_riverton").collect();
    assert_eq!(riverton.len(), 1, "only the current grade, once: {grades:?}");
    assert_eq!(riverton[0][1..4], ["Riverton Borough Council", "overall effectiveness", "good"]);
    assert_eq!(rows.iter().find(|r| r[0] == "a_riverton" && r[1] == riverton[0][4]).unwrap()[9], "Riverton Borough Council's children's services have been rated good.");
    assert!(grades.iter().any(|r| r[0] == "j1" && r[3] == "inadequate"), "a one-sentence article: {grades:?}");
    assert!(a["source"].as_str().unwrap().ends_with("a_riverton.txt"));
}

#[test]
fn clean_inputs_exit_zero_and_a_rerun_replaces_outputs() {
    let d = tempfile::tempdir().unwrap();
    let a = write(d.path(), "one.txt", format!("{PRAISE}\n").as_bytes());
    let out = d.path().join("out");
    for _ in 0..2 {
        let r = ofsted(&["classify", "-q"]).arg(&a).arg("--out").arg(&out).arg("--models-dir").arg(models()).arg("--threads").arg("1").run();
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let names: std::collections::BTreeSet<String> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["articles.jsonl", "grades.csv", "index.html", "officials.csv", "run.json", "sentences.csv"].map(String::from).into());
    let (_, rows) = read_csv(&out.join("sentences.csv"));
    assert_eq!(rows.len(), 1);
}

#[test]
fn usage_and_setup_errors_exit_two_with_a_clear_message() {
    let d = tempfile::tempdir().unwrap();
    let a = write(d.path(), "one.txt", b"Text.");
    let r = ofsted(&["classify"]).arg(&a).run();
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--out"), "{}", r.stderr);
    let r = ofsted(&["classify"]).arg(&a).arg("--out").arg(d.path().join("o")).arg("--models-dir").arg(d.path()).run();
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("setup.sh"), "missing models point at setup: {}", r.stderr);
    let r = ofsted(&["classify"]).arg(&a).arg("--out").arg(d.path().join("o")).arg("--models-dir").arg(models()).arg("--model").arg(d.path()).run();
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("head.json"), "{}", r.stderr);
    let r = ofsted(&["classify", "--threads", "0"]).arg(&a).arg("--out").arg(d.path().join("o")).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 2);
    // a token budget below the longest unit would leave every long unit alone in its batch
    let r = ofsted(&["classify", "--batch-tokens", "100"]).arg(&a).arg("--out").arg(d.path().join("o")).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--batch-tokens 100") && r.stderr.contains("256"), "{}", r.stderr);
}

#[test]
fn help_explains_each_subcommand_with_an_example() {
    for sub in ["classify", "merge", "train"] {
        let r = ofsted(&[sub, "--help"]).run();
        assert_eq!(r.code, 0);
        assert!(r.stdout.contains("Example"), "{sub} --help has an example");
        assert!(r.stdout.contains("--out"));
    }
    let r = ofsted(&["label", "--help"]).run();
    assert!(r.code == 0 && r.stdout.contains("Example") && r.stdout.contains("--port") && r.stdout.contains("127.0.0.1"), "{}", r.stdout);
    let r = ofsted(&["--help"]).run();
    assert!(r.stdout.contains("classify") && r.stdout.contains("merge") && r.stdout.contains("train") && r.stdout.contains("label"));
}

#[test]
fn csv_fields_can_be_renamed_by_flag_and_env() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "news.csv", b"doc,body\nn1,\"Ofsted rated the trust good.\"\n");
    let out = d.path().join("out");
    let r = ofsted(&["classify", "-q", "--id-field", "doc"]).arg(&f).arg("--out").arg(&out).arg("--models-dir").arg(models()).env("OFSTED_TEXT_FIELD", "body").run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (_, rows) = read_csv(&out.join("sentences.csv"));
    assert_eq!(rows[0][0], "n1");
}

/// A models folder beside the real one: every model linked, except the NER folder, whose
/// weights file `ner_weights` writes (or leaves out).
fn models_with_ner(root: &std::path::Path, ner_weights: impl FnOnce(&std::path::Path)) -> std::path::PathBuf {
    let dir = root.join("models");
    std::fs::create_dir_all(dir.join("ner")).unwrap();
    for m in ["default", "encoder", "mpnet", "fast"] {
        std::os::unix::fs::symlink(models().join(m), dir.join(m)).unwrap();
    }
    for f in std::fs::read_dir(models().join("ner")).unwrap() {
        let f = f.unwrap().path();
        if f.file_name().unwrap() != "model.safetensors" {
            std::os::unix::fs::symlink(&f, dir.join("ner").join(f.file_name().unwrap())).unwrap();
        }
    }
    ner_weights(&dir.join("ner").join("model.safetensors"));
    dir
}

#[test]
fn a_missing_truncated_or_altered_model_file_is_one_clear_setup_error() {
    let d = tempfile::tempdir().unwrap();
    let a = write(d.path(), "in/one.txt", b"Inspectors found strong practice.");
    let real = std::fs::read(models().join("ner/model.safetensors")).unwrap();
    let cases: [(&str, Box<dyn Fn(&std::path::Path)>, &str); 3] = [
        ("missing", Box::new(|_: &std::path::Path| {}), "missing"),
        ("truncated", Box::new(|p: &std::path::Path| std::fs::write(p, &real[..real.len() / 3]).unwrap()), "altered or incomplete"),
        ("altered", Box::new(|p: &std::path::Path| {
            let mut b = real.clone();
            let mid = b.len() / 2;
            b[mid] ^= 1;
            std::fs::write(p, b).unwrap()
        }), "altered or incomplete"),
    ];
    for (name, make, says) in cases {
        let dir = models_with_ner(&d.path().join(name), make);
        let r = ofsted(&["classify"]).arg(&a).arg("--out").arg(d.path().join("out")).arg("--models-dir").arg(&dir).run();
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        assert!(r.stderr.contains("ner/model.safetensors") && r.stderr.contains("scripts/setup.sh") && r.stderr.contains(says), "{name}: {}", r.stderr);
        assert_eq!(r.stderr.lines().filter(|l| l.starts_with("error")).count(), 1, "one error: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{name}: {}", r.stderr);
    }
}

#[test]
fn bad_inputs_beside_good_ones_are_reported_with_file_and_line_and_the_good_ones_classified() {
    let d = tempfile::tempdir().unwrap();
    let i = d.path().join("in");
    write(&i, "good.txt", ARTICLE_A.as_bytes());
    write(&i, "empty.txt", b"\n \n");
    write(&i, "binary.txt", b"\x00\x9f\x92\x96\xff\xfe");
    write(&i, "latin1.txt", b"Caf\xe9 society\n");
    // a 15 KB line with no sentence end: bounded units, not one giant one; 30 KB: not prose
    write(&i, "long.txt", "children waiting for help ".repeat(600).as_bytes());
    write(&i, "dump.txt", "{\"k\":[1,2,3]},".repeat(2_000).as_bytes());
    // BOM, quoted newlines, an unterminated quote, a short row, a missing id, an empty text
    write(&i, "news.csv", "\u{feff}id,text\nc1,\"Inspectors praised the council.\n\nSecond paragraph.\"\nc2,\"Never closes.\nc3,Leaders act quickly.\nc4\n,No id.\nc5,\n".as_bytes());
    write(&i, "news.jsonl", "\u{feff}{\"id\": \"j1\", \"text\": \"Services were judged good.\"}\n{\"id\": \"j2\"}\n{broken\n{\"id\": \"j1\", \"text\": \"Duplicate id.\"}\n".as_bytes());
    let out = d.path().join("out");
    let r = ofsted(&["classify", "--quiet"]).arg(&i).arg("--out").arg(&out).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 1, "{}", r.stderr);
    let run: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    let errors: Vec<String> = run["errors"].as_array().unwrap().iter().map(|e| format!("{}:{} {}", e["file"].as_str().unwrap_or(""), e["line"], e["message"])).collect();
    let wanted = [
        ("empty.txt", "empty article"),
        ("binary.txt:1", "UTF-8"),
        ("latin1.txt:1", "UTF-8"),
        ("news.csv:5", "unterminated quote"),
        ("news.csv:7", "1 fields where the header has 2"),
        ("news.csv:8", "empty \\\"id\\\" field"),
        ("news.csv:9", "empty article"),
        ("news.jsonl:2", "missing \\\"text\\\""),
        ("news.jsonl:3", "malformed JSON"),
        ("news.jsonl:4", "duplicate article id"),
        ("dump.txt", "not prose"),
    ];
    for (at, says) in wanted {
        assert!(errors.iter().any(|e| e.contains(at) && e.contains(says)), "no error {says:?} at {at:?}: {errors:#?}");
    }
    assert_eq!(errors.len(), 11, "{errors:#?}");
    let (_, rows) = read_csv(&out.join("sentences.csv"));
    let ids: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids.into_iter().collect::<Vec<_>>(), ["c1", "c3", "good", "j1", "long"], "the good articles are all classified");
    let long: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == "long").collect();
    assert!(long.len() >= 15 && long.iter().all(|r| r[9].len() <= 1_000), "{} units", long.len());
    let c1 = rows.iter().find(|r| r[0] == "c1").unwrap();
    assert_eq!(c1[9], "Inspectors praised the council.", "quoted newlines are read as the article's own line breaks");
    assert_eq!(run["counts"]["input_errors"], 10);
    assert_eq!(run["counts"]["articles_failed"], 1, "the dump is an article that failed");
}
