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

/// The small training set and a one-unit eval set it does not overlap.
fn train_and_eval(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    (labelled(dir, "t", UNITS), labelled(dir, "e", &[("Inspectors praised the fostering team for its warmth.", "strength")]))
}

fn manifest(model: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(model.join("manifest.json")).unwrap()).unwrap()
}

#[test]
fn training_lowers_the_loss_and_writes_a_model_that_classify_can_use() {
    let d = tempfile::tempdir().unwrap();
    let (data, eval) = train_and_eval(d.path());
    let out = d.path().join("model");
    let r = ofsted(&["train", "-q", "--method", "logistic", "--logistic-epochs", "100", "--data"]).arg(&data).arg("--eval").arg(&eval).arg("--out").arg(&out).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m = manifest(&out);
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
    // a temperature fitted on the dev units, which can only lower their NLL
    let c = &m["calibration"];
    let (t, before, after) = (c["temperature"].as_f64().unwrap(), c["dev_nll_before"].as_f64().unwrap(), c["dev_nll_after"].as_f64().unwrap());
    assert!(t > 0.0 && after <= before + 1e-9, "temperature {t}: dev NLL {before} -> {after}");
    assert_eq!(c["dev_units"].as_u64().unwrap() as usize, m["report"]["dev_units"].as_u64().unwrap() as usize);

    let a = write(d.path(), "new.txt", b"Social workers know the children they support very well.\n");
    let r = ofsted(&["classify", "-q"]).arg(&a).arg("--out").arg(d.path().join("o")).arg("--model").arg(&out).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (_, rows) = read_csv(&d.path().join("o/sentences.csv"));
    assert_eq!(rows[0][4], "strength");

    // regression: a layers file the manifest does not list used to be applied under the head
    write(&out, "encoder_layers.safetensors", b"left over from another run");
    let r = ofsted(&["classify", "-q"]).arg(&a).arg("--out").arg(d.path().join("o2")).arg("--model").arg(&out).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("no fine-tuned layers"), "{}", r.stderr);
}

/// The default overlap check once listed the blind sets by name, so a new one was not covered.
#[test]
fn regression_training_refuses_a_repeat_of_any_blind_set_without_being_told_of_it() {
    let d = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sets: Vec<_> = std::fs::read_dir(root.join("eval")).unwrap().map(|e| e.unwrap().path()).filter(|p| p.join("sentences.csv").is_file()).collect();
    sets.sort();
    let newest = sets.last().expect("blind sets in eval/");
    let (_, rows) = read_csv(&newest.join("sentences.csv"));
    let repeat = rows.iter().find(|r| r[4].split_whitespace().count() >= 8 && !r[4].contains('"')).expect("a long unit");
    let mut units: Vec<(&str, &str)> = UNITS.to_vec();
    units.push((repeat[4].as_str(), repeat[3].as_str()));
    let data = labelled(d.path(), "t", &units);
    let r = ofsted(&["train", "-q", "--method", "logistic", "--data"]).arg(&data).arg("--out").arg(d.path().join("m")).arg("--models-dir").arg(models()).cwd(root).run();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("overlap") && r.stderr.contains(newest.file_name().unwrap().to_str().unwrap()), "{}", r.stderr);
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

#[test]
fn fine_tuning_the_top_layer_lowers_the_loss_and_classify_loads_the_changed_layer() {
    let d = tempfile::tempdir().unwrap();
    let (data, eval) = train_and_eval(d.path());
    let out = d.path().join("ft");
    // a near-zero warm-start head (1 logistic epoch) leaves the loss for fine-tuning to lower
    let r = ofsted(&["train", "-q", "--method", "finetune", "--layers", "1", "--epochs", "4", "--patience", "4", "--lr", "0.001", "--batch-size", "4", "--logistic-epochs", "1", "--data"])
        .arg(&data).arg("--eval").arg(&eval).arg("--out").arg(&out).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m = manifest(&out);
    let history = m["report"]["history"].as_array().unwrap();
    assert!(!history.is_empty() && history.len() <= 4);
    let (first, last) = (m["report"]["train_loss_first"].as_f64().unwrap(), m["report"]["train_loss_last"].as_f64().unwrap());
    assert!(last < first, "fine-tuning loss {first} -> {last}");
    assert_eq!(m["method"], "finetune");
    assert_eq!(m["hyperparameters"]["fit"]["epochs"], 4);
    assert_eq!(m["hyperparameters"]["layers"], 1);
    let layers = out.join("encoder_layers.safetensors");
    let sha = m["fine_tuned_layers"]["sha256"].as_str().unwrap();
    assert_eq!(sha, sha256_hex(&std::fs::read(&layers).unwrap()), "manifest checksum is the file's");
    assert!(m["dev"]["macro_f1"].as_f64().is_some());

    // the tuned layer is used: the same sentence scores differently from the base encoder with the same head
    let a = write(d.path(), "new.txt", b"Social workers know the children they support very well.\n");
    let classify = |model: &Path, o: &str| {
        let r = ofsted(&["classify", "-q"]).arg(&a).arg("--out").arg(d.path().join(o)).arg("--model").arg(model).arg("--models-dir").arg(models()).run();
        assert_eq!(r.code, 0, "{}", r.stderr);
        read_csv(&d.path().join(o).join("sentences.csv")).1.remove(0)
    };
    let tuned = classify(&out, "o1");
    let head_only = d.path().join("head_only");
    std::fs::create_dir_all(&head_only).unwrap();
    std::fs::copy(out.join("head.json"), head_only.join("head.json")).unwrap();
    let base = classify(&head_only, "o2");
    assert!(["strength", "improvement", "other"].contains(&tuned[4].as_str()));
    assert_ne!(tuned[5..9], base[5..9], "probabilities with and without the fine-tuned layer");

    // regression: a copied model folder that lost its layers file used to classify silently with the base encoder
    std::fs::copy(out.join("manifest.json"), head_only.join("manifest.json")).unwrap();
    let r = ofsted(&["classify", "-q"]).arg(&a).arg("--out").arg(d.path().join("o3")).arg("--model").arg(&head_only).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("encoder_layers.safetensors") && r.stderr.contains("missing"), "{}", r.stderr);
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn classify_output_with_corrected_labels_is_valid_training_data() {
    // the README's retraining workflow: classify new articles, correct the label column, train
    let d = tempfile::tempdir().unwrap();
    let new = d.path().join("new");
    for (a, chunk) in UNITS.chunks(3).enumerate() {
        let body: String = chunk.iter().map(|(t, _)| format!("{t}\n\n")).collect();
        write(&new, &format!("articles/n{a}.txt"), format!("\u{feff}{body}").as_bytes());
    }
    let r = ofsted(&["classify", "-q"]).arg(new.join("articles")).arg("--out").arg(d.path().join("pre")).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::copy(d.path().join("pre/sentences.csv"), new.join("sentences.csv")).unwrap();
    let r = ofsted(&["train", "-q", "--method", "logistic", "--logistic-epochs", "20", "--data"]).arg(&new).arg("--out").arg(d.path().join("m")).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m = manifest(&d.path().join("m"));
    assert_eq!(m["report"]["units"], UNITS.len());
}

#[test]
fn distilling_writes_the_teachers_probabilities_and_a_rebuild_from_them_needs_no_teacher() {
    let d = tempfile::tempdir().unwrap();
    let (data, eval) = train_and_eval(d.path());
    let teacher = d.path().join("teacher");
    let r = ofsted(&["train", "-q", "--method", "logistic", "--logistic-epochs", "100", "--data"]).arg(&data).arg("--eval").arg(&eval).arg("--out").arg(&teacher).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let finetune = |extra: &[&str], out: &Path| {
        let mut args = vec!["train", "-q", "--method", "finetune", "--layers", "1", "--epochs", "1", "--batch-size", "4", "--logistic-epochs", "1"];
        args.extend_from_slice(extra);
        args.push("--data");
        ofsted(&args)
            .arg(&data)
            .arg("--eval")
            .arg(&eval)
            .arg("--out")
            .arg(out)
            .arg("--models-dir")
            .arg(models())
            .run()
    };
    let student = d.path().join("student");
    let r = finetune(&["--teacher", teacher.to_str().unwrap()], &student);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (header, rows) = read_csv(&student.join("soft_labels.csv"));
    assert_eq!(header, ["article_id", "start", "end", "p_strength", "p_improvement", "p_other"]);
    let m = manifest(&student);
    let train_units = UNITS.len() - m["report"]["dev_units"].as_u64().unwrap() as usize;
    assert_eq!(rows.len(), train_units, "one row per training unit, none for dev");
    for r in &rows {
        let p: f64 = r[3..].iter().map(|x| x.parse::<f64>().unwrap()).sum();
        assert!((p - 1.0).abs() < 1e-4, "probabilities sum to 1: {r:?}");
    }
    assert_eq!(m["hyperparameters"]["fit"]["distill_weight"], 0.5);
    assert_eq!(m["distillation"]["sha256"].as_str().unwrap(), sha256_hex(&std::fs::read(student.join("soft_labels.csv")).unwrap()), "the manifest names the probabilities it was trained on");

    // the same run from the written file, with no teacher, gives the same layers
    let again = d.path().join("again");
    let r = finetune(&["--soft-labels", student.join("soft_labels.csv").to_str().unwrap()], &again);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read(student.join("encoder_layers.safetensors")).unwrap(), std::fs::read(again.join("encoder_layers.safetensors")).unwrap());
    assert_eq!(manifest(&again)["distillation"]["sha256"], m["distillation"]["sha256"]);
    assert!(manifest(&again)["distillation"]["teacher"].is_null());

    // a file made for other data names the unit it lacks
    let short = write(d.path(), "short.csv", format!("{}\n{}\n", header.join(","), rows[0].join(",")).as_bytes());
    let r = finetune(&["--soft-labels", short.to_str().unwrap()], &d.path().join("bad"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("no soft label for unit") && r.stderr.contains("short.csv"), "{}", r.stderr);
}

#[test]
fn a_contrastive_phase_lowers_its_pair_loss_and_is_recorded_in_the_manifest() {
    let d = tempfile::tempdir().unwrap();
    let (data, eval) = train_and_eval(d.path());
    let out = d.path().join("setfit");
    let r = ofsted(&["train", "-q", "--method", "finetune", "--layers", "2", "--contrastive-epochs", "4", "--epochs", "1", "--lr", "0.0005", "--batch-size", "4", "--data"])
        .arg(&data).arg("--eval").arg(&eval).arg("--out").arg(&out).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m = manifest(&out);
    assert_eq!(m["hyperparameters"]["fit"]["contrastive_epochs"], 4);
    let losses: Vec<f64> = m["report"]["contrastive_loss"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert_eq!(losses.len(), 4);
    assert!(losses[3] < losses[0], "pair loss {losses:?}");
    // the phase needs a head to be fitted after it, so it refuses --init
    let r = ofsted(&["train", "-q", "--contrastive-epochs", "1", "--init"]).arg(&out).arg("--data").arg(&data).arg("--out").arg(d.path().join("x")).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--contrastive-epochs"), "{}", r.stderr);
}

#[test]
fn a_model_trained_with_context_records_it_and_classify_reads_the_context() {
    let d = tempfile::tempdir().unwrap();
    let (data, eval) = train_and_eval(d.path());
    let out = d.path().join("ctx");
    let r = ofsted(&["train", "-q", "--method", "finetune", "--context", "--layers", "2", "--epochs", "2", "--lr", "0.0005", "--batch-size", "4", "--data"])
        .arg(&data).arg("--eval").arg(&eval).arg("--out").arg(&out).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(manifest(&out)["context"], true);
    // the same unit under two headlines: only a context model can tell them apart
    write(d.path(), "in/a.txt", b"Council rated outstanding by inspectors\n\nThe report was published on Tuesday.\n");
    write(d.path(), "in/b.txt", b"Subscribe to our newsletter\n\nThe report was published on Tuesday.\n");
    let classify = |model: &Path, o: &str| {
        let r = ofsted(&["classify", "-q"]).arg(d.path().join("in")).arg("--out").arg(d.path().join(o)).arg("--model").arg(model).arg("--models-dir").arg(models()).run();
        assert_eq!(r.code, 0, "{}", r.stderr);
        read_csv(&d.path().join(o).join("sentences.csv")).1
    };
    let rows = classify(&out, "o");
    let second = |id: &str| rows.iter().find(|r| r[0] == id && r[1] == "1").unwrap()[5..9].to_vec();
    assert_ne!(second("a"), second("b"), "same unit, different headlines, same probabilities");
    // without the manifest's context flag the two are the same unit again
    let mut m = manifest(&out);
    m["context"] = serde_json::Value::Bool(false);
    std::fs::write(out.join("manifest.json"), serde_json::to_string(&m).unwrap()).unwrap();
    let rows = classify(&out, "o2");
    let second = |id: &str| rows.iter().find(|r| r[0] == id && r[1] == "1").unwrap()[5..9].to_vec();
    assert_eq!(second("a"), second("b"));
}

#[test]
fn train_init_from_the_default_model_continues_it_as_mpnet_lora() {
    // the README's retraining step: `train --init models/default` with no encoder flags must
    // continue the MPNet LoRA model, not start a MiniLM one from its head (shape mismatch)
    let d = tempfile::tempdir().unwrap();
    let (data, eval) = train_and_eval(d.path());
    let default = models().join("default");
    let out = d.path().join("next");
    let r = ofsted(&["train", "-q", "--epochs", "1", "--batch-size", "4", "--init"]).arg(&default).arg("--data").arg(&data).arg("--eval").arg(&eval).arg("--out").arg(&out).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m = manifest(&out);
    assert_eq!(m["encoder"]["dir"], "mpnet", "{m}");
    assert_eq!(m["hyperparameters"]["fit"]["lora_rank"], 16);
    assert_eq!(m["fine_tuned_layers"]["layers"], 6, "all the layers the default model tuned are kept");
    let size = std::fs::metadata(out.join("encoder_layers.safetensors")).unwrap().len();
    assert!(size < 5_000_000, "LoRA factors, not full weights: {size} bytes");

    // it starts where the default model is: one short epoch leaves clear cases labelled alike
    let a = write(d.path(), "a.txt", b"Inspectors found that children in care are exceptionally well supported by skilled social workers.\n\nInspectors found serious weaknesses: too many children wait too long for help.\n");
    let probs = |model: &Path, o: &str| {
        let r = ofsted(&["classify", "-q"]).arg(&a).arg("--out").arg(d.path().join(o)).arg("--model").arg(model).arg("--models-dir").arg(models()).run();
        assert_eq!(r.code, 0, "{}", r.stderr);
        let (h, rows) = read_csv(&d.path().join(o).join("sentences.csv"));
        let col = |n: &str| h.iter().position(|c| c == n).unwrap();
        rows.iter().map(|r| (r[col("label")].clone(), r[col("p_strength")].parse::<f64>().unwrap())).collect::<Vec<_>>()
    };
    let (before, after) = (probs(&default, "o1"), probs(&out, "o2"));
    assert_eq!(before.iter().map(|x| &x.0).collect::<Vec<_>>(), ["strength", "improvement"], "{before:?}");
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b.0, a.0);
        assert!((b.1 - a.1).abs() < 0.2, "the continued model moved far from its init: {before:?} -> {after:?}");
    }

    // a flag that contradicts the init model is refused before training
    let r = ofsted(&["train", "-q", "--encoder", "encoder", "--init"]).arg(&default).arg("--data").arg(&data).arg("--eval").arg(&eval).arg("--out").arg(d.path().join("x")).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("\"mpnet\""), "{}", r.stderr);
}
