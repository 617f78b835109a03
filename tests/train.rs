//! `ofsted train` on a small invented labelled set: it learns, writes a loadable model with a
//! complete manifest, and refuses bad labels and eval overlap naming the rows.

mod common;
use common::*;
use std::path::Path;

const UNITS: &[(&str, &str)] = &[
    ("Social workers know the children they support very well.", "strength"),
    ("Leaders have a clear and accurate view of practice.", "strength"),
    ("Care leavers are helped into stable homes and work.", "strength"),
    ("Adoption services were judged outstanding.", "strength"),
    ("Some plans for disabled children lack detail.", "improvement"),
    ("Return-home interviews are often late or missed.", "improvement"),
    ("Managers do not check decisions often enough.", "improvement"),
    ("The service was judged inadequate.", "improvement"),
    ("The inspection took place over two weeks in March.", "other"),
    ("Subscribe to our newsletter for daily updates.", "other"),
    ("The council leader thanked everyone involved.", "other"),
    ("Read more: council tax to rise next year.", "other"),
];

/// Writes a labelled folder with one article per four units; returns its path.
fn labelled(dir: &Path, name: &str, units: &[(&str, &str)]) -> std::path::PathBuf {
    let root = dir.join(name);
    let mut csv = String::from("article_id,start,end,label,text\n");
    for (a, chunk) in units.chunks(4).enumerate() {
        let id = format!("{name}{a}");
        let mut text = String::new();
        for (t, l) in chunk {
            let start = text.len();
            text.push_str(t);
            csv.push_str(&format!("{id},{start},{},{l},\"{t}\"\n", text.len()));
            text.push_str("\n\n");
        }
        write(&root, &format!("articles/{id}.txt"), text.as_bytes());
    }
    write(&root, "sentences.csv", csv.as_bytes());
    root
}

#[test]
fn training_lowers_the_loss_and_writes_a_model_that_classify_can_use() {
    let d = tempfile::tempdir().unwrap();
    let data = labelled(d.path(), "t", UNITS);
    let eval = labelled(d.path(), "e", &[("Inspectors praised the fostering team for its warmth.", "strength")]);
    let out = d.path().join("model");
    let r = ofsted(&["train", "-q", "--method", "logistic", "--logistic-epochs", "100", "--data"]).arg(&data).arg("--eval").arg(&eval).arg("--out").arg(&out).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let before = m["report"]["train_loss_first"].as_f64().unwrap();
    let after = m["report"]["train_loss_last"].as_f64().unwrap();
    assert!(after < before * 0.8, "loss {before} -> {after}");
    assert_eq!(m["encoder"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(m["training_data"][0]["files"][0]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(m["training_data"][0]["label_counts"]["strength"], 4);
    assert_eq!(m["hyperparameters"]["seed"], 13);
    assert_eq!(m["hyperparameters"]["logistic"]["epochs"], 100);
    assert!(m["dev"]["articles"].as_array().unwrap().len() == 1, "3 articles, 20% dev -> 1 dev article");
    assert!(m["crate_version"].is_string() && m["report"]["wall_seconds"].as_f64().unwrap() > 0.0);

    let a = write(d.path(), "new.txt", b"Social workers know the children they support very well.\n");
    let r = ofsted(&["classify", "-q"]).arg(&a).arg("--out").arg(d.path().join("o")).arg("--model").arg(&out).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (_, rows) = read_csv(&d.path().join("o/sentences.csv"));
    assert_eq!(rows[0][4], "strength");
}

#[test]
fn training_refuses_unknown_labels_and_eval_overlap_naming_the_rows() {
    let d = tempfile::tempdir().unwrap();
    let mut bad: Vec<(&str, &str)> = UNITS.to_vec();
    bad[5].1 = "weakness";
    let data = labelled(d.path(), "b", &bad);
    let r = ofsted(&["train", "-q", "--data"]).arg(&data).arg("--out").arg(d.path().join("m")).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("sentences.csv:7") && r.stderr.contains("weakness"), "{}", r.stderr);

    let data = labelled(d.path(), "t", UNITS);
    let eval = labelled(d.path(), "e", &[("Managers do not check decisions often enough!", "improvement")]);
    let r = ofsted(&["train", "-q", "--data"]).arg(&data).arg("--eval").arg(&eval).arg("--out").arg(d.path().join("m")).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("overlap") && r.stderr.contains("Managers do not check decisions"), "{}", r.stderr);
    assert!(!d.path().join("m/head.json").exists(), "nothing is written when training is refused");
}
