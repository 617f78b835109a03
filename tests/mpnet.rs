//! The MPNet encoder (all-mpnet-base-v2 on tch, src/model/mpnet.rs) against Python
//! sentence-transformers: tests/fixtures/mpnet_reference.json, made by scripts/mpnet_reference.py
//! from the model that scripts/setup.sh unpacks into models/mpnet.

mod common;
use ofsted::label::Label;
use ofsted::model::classifier::{save_layers, SentenceModel, Units, HEAD_FILE, LAYERS_FILE};
use ofsted::model::encoder::{Architecture, Encoder};
use ofsted::model::head::LinearHead;
use ofsted::model::mpnet::{relative_position_bucket, MAX_DISTANCE};
use ofsted::model::runtime::Runtime;
use ofsted::train::finetune::{FitSettings, SplitEncoder};
use serde::Deserialize;
use tch::Tensor;

#[derive(Deserialize)]
struct Fixture {
    model_sha256: String,
    max_seq_length: usize,
    buckets: Buckets,
    sentences: Vec<Sentence>,
}

#[derive(Deserialize)]
struct Buckets {
    relative: Vec<i64>,
    bucket: Vec<i64>,
}

#[derive(Deserialize)]
struct Sentence {
    text: String,
    tokens: usize,
    embedding: Vec<f32>,
}

fn fixture() -> Fixture {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mpnet_reference.json");
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

fn dir() -> std::path::PathBuf {
    common::models().join("mpnet")
}

fn rt(batch_size: usize) -> Runtime {
    Runtime { batch_size, ..Runtime::default() }
}

fn buckets(relative: &[i64]) -> Vec<i64> {
    Vec::<i64>::try_from(relative_position_bucket(&Tensor::from_slice(relative), 32, MAX_DISTANCE)).unwrap()
}

#[test]
fn relative_position_buckets_match_hand_computed_values() {
    // relative = key position - query position; keys after the query use buckets 16..32.
    // |d| < 8: one bucket each; beyond: 8 + floor(ln(|d| / 8) / ln(16) * 8), at most 15 (+16).
    let cases: [(i64, i64); 20] = [
        (0, 0),
        (-1, 1),
        (1, 17),
        (-7, 7),
        (7, 23),
        (-8, 8),   // ln(1) = 0
        (8, 24),
        (-11, 8),  // ln(1.375) / ln(16) * 8 = 0.92
        (-12, 9),  // ln(1.5) / ln(16) * 8 = 1.17
        (-16, 10), // ln(2) / ln(16) * 8 = 2
        (-31, 11), // ln(3.875) / ln(16) * 8 = 3.91
        (-32, 12), // 4
        (-64, 14), // 6
        (-127, 15),
        (-128, 15), // 8, capped at 15
        (-1000, 15),
        (12, 25),
        (16, 26),
        (127, 31),
        (500, 31),
    ];
    let (rel, want): (Vec<i64>, Vec<i64>) = cases.iter().copied().unzip();
    assert_eq!(buckets(&rel), want);
}

#[test]
fn relative_position_buckets_match_hugging_face() {
    let f = fixture();
    assert_eq!(f.buckets.relative.len(), 601);
    assert_eq!(buckets(&f.buckets.relative), f.buckets.bucket);
}

#[test]
fn mpnet_embeddings_match_sentence_transformers() {
    let f = fixture();
    assert_eq!(f.sentences.len(), 100);
    assert_eq!(f.max_seq_length, ofsted::model::bert::MAX_TOKENS);
    assert!(f.sentences.iter().filter(|s| s.tokens > 128).count() >= 3, "the fixture must keep sentences longer than 128 tokens");
    let enc = Encoder::load(&dir(), &rt(32)).expect("models/mpnet: run scripts/setup.sh first");
    assert_eq!(enc.architecture, Architecture::MPNet);
    assert_eq!(enc.dim, 768);
    assert_eq!(enc.sha256, f.model_sha256, "the fixture was made from another all-mpnet-base-v2 file");
    let texts: Vec<&str> = f.sentences.iter().map(|s| s.text.as_str()).collect();
    let got = enc.embed(&texts, &mut |_| {}).unwrap();
    let mut cosines = Vec::new();
    for (i, s) in f.sentences.iter().enumerate() {
        let (a, b) = (got.row(i).mapv(f64::from), ndarray::Array1::from_iter(s.embedding.iter().map(|&x| f64::from(x))));
        let cos = a.dot(&b) / a.dot(&a).sqrt() / b.dot(&b).sqrt();
        assert!(cos >= 1.0 - 1e-6, "sentence {i} ({} tokens): cosine {cos} to sentence-transformers: {:?}", s.tokens, s.text);
        cosines.push(cos);
    }
    let min = cosines.iter().copied().fold(f64::INFINITY, f64::min);
    let mean = cosines.iter().sum::<f64>() / cosines.len() as f64;
    eprintln!("MPNet vs sentence-transformers, {} sentences: cosine min {min:.9} (1 - min = {:.1e}), mean {mean:.9}", cosines.len(), 1.0 - min);
}

#[test]
fn mpnet_fine_tunes_top_layers_and_the_layers_file_loads_for_inference() {
    let f = fixture();
    let texts: Vec<&str> = f.sentences.iter().take(16).map(|s| s.text.as_str()).collect();
    let labels: Vec<Label> = (0..texts.len()).map(|i| Label::from_index(i % 3)).collect();
    let mut split = SplitEncoder::load(&dir(), &rt(8), 0).expect("models/mpnet: run scripts/setup.sh first");
    assert_eq!(split.layer_count(), 12);

    // training computes the embeddings inference does
    let base = Encoder::load(&dir(), &rt(8)).unwrap().embed(&texts, &mut |_| {}).unwrap();
    let training = split.embed(Units::plain(&texts)).unwrap();
    for i in 0..texts.len() {
        let cos = base.row(i).dot(&training.row(i));
        let diff = (&base.row(i) - &training.row(i)).mapv(f32::abs).fold(0.0f32, |a, &b| a.max(b));
        assert!(cos > 0.99999 && diff < 1e-4, "row {i}: cosine {cos}, max difference {diff}");
    }

    let zero = LinearHead { labels: Label::ALL.to_vec(), weight: ndarray::Array2::zeros((3, 768)), bias: ndarray::Array1::zeros(3), hidden: None };
    split.init_from(&zero, None).unwrap();
    let s = FitSettings { epochs: 2, learning_rate: 1e-4, batch_size: 4, patience: 2, seed: 7, weight_decay: 0.01, distill_weight: 0.0, contrastive_epochs: 0, lora_rank: 0 };
    let t = split.fit((Units::plain(&texts[..12]), &labels[..12]), (Units::plain(&texts[12..]), &labels[12..]), 11, &s, None, &mut |_| {}).unwrap();
    assert_eq!(t.layers.len(), 16, "{:?}", t.layers.iter().map(|l| &l.0).collect::<Vec<_>>());
    assert!(t.layers.iter().all(|(n, _)| n.starts_with("encoder.layer.11.")), "only the top layer trains");
    let original = Tensor::read_safetensors(dir().join("model.safetensors")).unwrap();
    let moved = t.layers.iter().filter(|(n, v)| {
        let (_, o) = original.iter().find(|(m, _)| m == n).unwrap();
        (v - o).abs().max().double_value(&[]) > 0.0
    });
    assert!(moved.count() > 0, "fine-tuning changed nothing");

    let out = tempfile::tempdir().unwrap();
    save_layers(&t.layers, &out.path().join(LAYERS_FILE)).unwrap();
    std::fs::write(out.path().join(HEAD_FILE), serde_json::to_string(&t.head).unwrap()).unwrap();
    let model = SentenceModel::load(out.path(), Encoder::load(&dir(), &rt(8)).unwrap()).unwrap();
    assert!(model.layers_sha256.is_some());
    let tuned = split.embed(Units::plain(&texts)).unwrap();
    let served = model.encoder.embed(&texts, &mut |_| {}).unwrap();
    for i in 0..texts.len() {
        // the layers file is float16, so inference sees the trained layers rounded
        let cos = tuned.row(i).dot(&served.row(i));
        assert!(cos > 0.9999, "row {i}: cosine {cos} between training and the loaded model");
    }
}

#[test]
fn lora_trains_only_factors_biases_and_norms_and_the_merged_model_serves_what_training_saw() {
    let f = fixture();
    let texts: Vec<&str> = f.sentences.iter().take(16).map(|s| s.text.as_str()).collect();
    let labels: Vec<Label> = (0..texts.len()).map(|i| Label::from_index(i % 3)).collect();
    let mut split = SplitEncoder::load(&dir(), &rt(8), 4).unwrap();
    // B starts at zero: a model with fresh factors is the base model
    let base = Encoder::load(&dir(), &rt(8)).unwrap().embed(&texts, &mut |_| {}).unwrap();
    let fresh = split.embed(Units::plain(&texts)).unwrap();
    for i in 0..texts.len() {
        assert!(base.row(i).dot(&fresh.row(i)) > 0.99999, "row {i}: fresh LoRA factors changed the embedding");
    }

    let zero = LinearHead { labels: Label::ALL.to_vec(), weight: ndarray::Array2::zeros((3, 768)), bias: ndarray::Array1::zeros(3), hidden: None };
    split.init_from(&zero, None).unwrap();
    let s = FitSettings { epochs: 2, learning_rate: 1e-3, batch_size: 4, patience: 2, seed: 7, weight_decay: 0.01, distill_weight: 0.0, contrastive_epochs: 0, lora_rank: 4 };
    let t = split.fit((Units::plain(&texts[..12]), &labels[..12]), (Units::plain(&texts[12..]), &labels[12..]), 11, &s, None, &mut |_| {}).unwrap();
    let names: Vec<&str> = t.layers.iter().map(|l| l.0.as_str()).collect();
    // six linear layers with two factors and a bias each, two layer norms with weight and bias
    assert_eq!(names.len(), 22, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("encoder.layer.11.")), "{names:?}");
    assert!(!names.iter().any(|n| n.ends_with("dense.weight") || n.ends_with(".q.weight") || n.ends_with(".o.weight")), "a full weight was trained: {names:?}");
    let b = &t.layers.iter().find(|(n, _)| n.ends_with("attn.q.lora_b")).unwrap().1;
    assert!(b.abs().max().double_value(&[]) > 0.0, "the LoRA update stayed zero");

    let out = tempfile::tempdir().unwrap();
    let file = out.path().join(LAYERS_FILE);
    save_layers(&t.layers, &file).unwrap();
    let bytes = std::fs::metadata(&file).unwrap().len();
    assert!(bytes < 200_000, "a rank-4 update of one layer should be small, got {bytes} bytes");
    std::fs::write(out.path().join(HEAD_FILE), serde_json::to_string(&t.head).unwrap()).unwrap();
    let model = SentenceModel::load(out.path(), Encoder::load(&dir(), &rt(8)).unwrap()).unwrap();
    let tuned = split.embed(Units::plain(&texts)).unwrap();
    let served = model.encoder.embed(&texts, &mut |_| {}).unwrap();
    let mut moved = 0.0f32;
    for i in 0..texts.len() {
        let cos = tuned.row(i).dot(&served.row(i));
        assert!(cos > 0.9999, "row {i}: cosine {cos} between training and the merged model");
        moved = moved.max(1.0 - base.row(i).dot(&served.row(i)));
    }
    assert!(moved > 1e-5, "the merged model serves the base embeddings: the factors were not applied");

    // a factor without its partner is a clear error, not a silent skip
    let lone: Vec<(String, Tensor)> = t.layers.iter().filter(|(n, _)| !n.ends_with("attn.q.lora_b")).map(|(n, t)| (n.clone(), t.shallow_clone())).collect();
    save_layers(&lone, &file).unwrap();
    let err = SentenceModel::load(out.path(), Encoder::load(&dir(), &rt(8)).unwrap()).err().expect("a lone LoRA factor loaded");
    assert!(err.to_string().contains("lora_b"), "{err}");
}

#[test]
fn bf16_inference_keeps_the_default_models_embeddings_and_labels() {
    use ofsted::model::classifier::SentenceClassifier;
    use ofsted::model::runtime::Precision;
    let texts = [
        "Inspectors found that children in care are exceptionally well supported by skilled and stable social workers.",
        "Too many children wait too long for help, and managers do not check that plans are followed.",
        "The report was published on the Ofsted website on Tuesday morning.",
        "Help and protection: requires improvement to be good",
    ];
    let model_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/default");
    let load = |precision: Precision| {
        let rt = Runtime { batch_size: 4, precision, ..Runtime::default() };
        SentenceModel::load(&model_dir, Encoder::load(&dir(), &rt).unwrap()).unwrap()
    };
    let (full, half) = (load(Precision::Float32), load(Precision::BFloat16));
    assert_eq!(full.encoder.precision(), Precision::Float32);
    assert_eq!(half.encoder.precision(), Precision::BFloat16, "bf16 was asked of an MPNet encoder");
    let (a, b) = (full.encoder.embed(&texts, &mut |_| {}).unwrap(), half.encoder.embed(&texts, &mut |_| {}).unwrap());
    for i in 0..texts.len() {
        let cos = a.row(i).dot(&b.row(i)) / (a.row(i).dot(&a.row(i)).sqrt() * b.row(i).dot(&b.row(i)).sqrt());
        assert!(cos > 0.99, "row {i}: cosine {cos} between fp32 and bf16 embeddings");
        assert!(cos < 1.0 - 1e-7, "row {i}: bf16 gave the fp32 embedding exactly, so it did not run in bf16");
    }
    let (pa, pb) = (full.predict(Units::plain(&texts), &mut |_| {}).unwrap(), half.predict(Units::plain(&texts), &mut |_| {}).unwrap());
    let labels = |p: &[ofsted::model::classifier::Prediction]| p.iter().map(|x| x.label).collect::<Vec<Label>>();
    assert_eq!(labels(&pa), labels(&pb));
    // MiniLM is not cast (its eval score moved too much in bf16): it stays fp32 and says so
    let minilm = Encoder::load(&dir().with_file_name("encoder"), &Runtime { precision: Precision::BFloat16, ..Runtime::default() }).unwrap();
    assert_eq!(minilm.precision(), Precision::Float32);
}
