//! Real-model checks: both models load from the setup output and do their jobs on invented text.

mod common;
use ofsted::model::classifier::{SentenceClassifier, SentenceModel, Units};
use ofsted::model::encoder::Encoder;
use ofsted::label::Label;
use ofsted::model::ner::{NerModel, PersonTagger};
use ofsted::app::config::ModelPaths;
use ofsted::model::runtime::Runtime;
use ofsted::train::finetune::SplitEncoder;

fn rt(batch_size: usize) -> Runtime {
    Runtime { batch_size, ..Runtime::default() }
}

#[test]
fn ner_finds_people_as_whole_names() {
    let ner = NerModel::load(&common::models().join("ner"), &rt(32)).expect("run scripts/setup.sh first");
    let texts = [
        "Council leader Cllr Margaret Holloway said the report was encouraging.",
        "The report was published on Tuesday.",
        "Speaking for the trust, Daniel Osei-Bonsu thanked staff.",
    ];
    let spans = ner.tag(&texts, &mut |_| {}).unwrap();
    let names: Vec<Vec<&str>> = spans.iter().zip(texts).map(|(ss, t)| ss.iter().map(|s| &t[s.start..s.end]).collect()).collect();
    assert!(names[0].contains(&"Margaret Holloway"), "{names:?}");
    assert!(names[1].is_empty(), "{names:?}");
    assert_eq!(names[2].len(), 1, "{names:?}");
    assert!(names[2][0].starts_with("Daniel Osei"), "{names:?}");
    assert!(spans[0][0].confidence > 0.5 && spans[0][0].confidence <= 1.0);
}

#[test]
fn encoder_embeddings_are_unit_length_and_order_independent_of_batching() {
    let texts = ["Short.", "A much longer sentence about inspection findings for care leavers in the borough.", "Medium length text here."];
    let one = Encoder::load(&common::models().join("encoder"), &rt(1)).unwrap().embed(&texts, &mut |_| {}).unwrap();
    let all = Encoder::load(&common::models().join("encoder"), &rt(3)).unwrap().embed(&texts, &mut |_| {}).unwrap();
    for i in 0..3 {
        let norm: f32 = one.row(i).dot(&one.row(i)).sqrt();
        assert!((norm - 1.0).abs() < 1e-4);
        let cos = one.row(i).dot(&all.row(i));
        assert!(cos > 0.9999, "padding must not change embeddings (row {i}: {cos})");
    }
    assert!(one.row(0).dot(&one.row(1)) < 0.9);
}

#[test]
fn fast_classifier_separates_clear_praise_from_clear_criticism() {
    let enc = Encoder::load(&common::models().join("encoder"), &rt(32)).unwrap();
    let model = SentenceModel::load(&common::models().join("fast"), enc).expect("models/fast: scripts/setup.sh rebuilds it from models/fast.recipe.json");
    assert!(model.layers_sha256.is_some(), "the fine-tuned MiniLM layers were not loaded");
    let texts = [
        "Inspectors found that children in care are exceptionally well supported by skilled and stable social workers.",
        "Inspectors found serious weaknesses: too many children wait too long for help and managers do not check plans.",
        "The report was published on the Ofsted website on Tuesday morning.",
    ];
    let p = model.predict(Units::plain(&texts), &mut |_| {}).unwrap();
    assert_eq!(p[0].label, Label::Strength, "{p:?}");
    assert_eq!(p[1].label, Label::Improvement, "{p:?}");
    assert!(p[0].probs[0] > p[1].probs[0] && p[1].probs[1] > p[0].probs[1]);
}

#[test]
fn the_default_model_is_the_committed_mpnet_lora_model_and_labels_clear_cases() {
    // what classify and eval load when no --model is given
    let paths = ModelPaths::new(&common::models(), None);
    assert_eq!(paths.encoder, common::models().join("mpnet"), "the default model's manifest names MPNet as its encoder");
    let enc = Encoder::load(&paths.encoder, &rt(8)).expect("models/mpnet comes from scripts/setup.sh");
    let model = SentenceModel::load(&paths.model, enc).expect("models/default is committed");
    assert!(model.layers_sha256.is_some(), "the LoRA factors were not loaded");
    assert!(model.temperature > 1.0, "the dev-fitted temperature was not read: {}", model.temperature);
    let texts = [
        "Inspectors found that children in care are exceptionally well supported by skilled and stable social workers.",
        "Inspectors found serious weaknesses: too many children wait too long for help and managers do not check plans.",
        "The report was published on the Ofsted website on Tuesday morning.",
    ];
    let p = model.predict(Units::plain(&texts), &mut |_| {}).unwrap();
    let labels: Vec<Label> = p.iter().map(|x| x.label).collect();
    assert_eq!(labels, [Label::Strength, Label::Improvement, Label::Other], "{p:?}");
}

#[test]
fn lora_on_a_bert_encoder_is_refused_with_a_reason() {
    let dir = common::models().join("encoder");
    let err = SplitEncoder::load(&dir, &rt(2), 8).err().expect("BERT took LoRA factors");
    assert!(err.to_string().contains("MPNet"), "{err}");
}

#[test]
fn training_and_inference_pool_the_same_embedding() {
    let texts = [
        "Inspectors found that care leavers are well supported.",
        "Too many children wait too long for a social worker, and plans are not reviewed on time.",
        "Read more",
    ];
    let dir = common::models().join("encoder");
    let inference = Encoder::load(&dir, &rt(2)).unwrap().embed(&texts, &mut |_| {}).unwrap();
    let training = SplitEncoder::load(&dir, &rt(2), 0).unwrap().embed(Units::plain(&texts)).unwrap();
    for i in 0..texts.len() {
        let cos = inference.row(i).dot(&training.row(i));
        let diff = (&inference.row(i) - &training.row(i)).mapv(f32::abs).fold(0.0f32, |a, &b| a.max(b));
        assert!(cos > 0.99999 && diff < 1e-4, "row {i}: cosine {cos}, max difference {diff}");
    }
}

#[test]
fn a_unit_read_with_context_keeps_its_own_embedding_and_training_agrees_with_inference() {
    let texts = ["Leaders were praised for stable teams.", "Too many plans are late.", "Read more"];
    let contexts = [Some("Council rated good | The report was published today.".to_string()), None, Some("Ofsted verdict on children's services".to_string())];
    let dir = common::models().join("encoder");
    let enc = Encoder::load(&dir, &rt(2)).unwrap();
    let plain = enc.embed(&texts, &mut |_| {}).unwrap();
    let with = enc.embed_with_context(&texts, &contexts, &mut |_| {}).unwrap();
    let ctx_texts = [contexts[0].as_deref().unwrap()];
    let ctx_alone = enc.embed(&ctx_texts, &mut |_| {}).unwrap();
    for i in [0usize, 2] {
        let to_plain = with.row(i).dot(&plain.row(i));
        assert!(to_plain < 0.99999, "row {i}: the context changed nothing");
    }
    // a sentence stays nearer itself than its context: the mean is over the unit's tokens only
    let (to_plain, to_context) = (with.row(0).dot(&plain.row(0)), with.row(0).dot(&ctx_alone.row(0)));
    assert!(to_plain > to_context, "cosine {to_plain} to the unit, {to_context} to its context");
    let tok = ofsted::model::bert::load_tokenizer(&dir).unwrap();
    let pair = ofsted::model::bert::encode_with_context(&tok, &texts[2..], &contexts[2..]).unwrap();
    let single = ofsted::model::bert::encode_all(&tok, &texts[2..]).unwrap();
    let (pool, types) = ofsted::model::bert::pool_tensors(&[&pair[0]], tch::Device::Cpu);
    assert_eq!(pool.sum(tch::Kind::Int64).int64_value(&[]) as usize, single[0].len(), "pooled tokens: [CLS] unit [SEP]");
    assert!(pair[0].len() > single[0].len() && types.is_some());
    let same = with.row(1).dot(&plain.row(1));
    assert!(same > 0.99999, "a unit with no context is embedded as without: {same}");
    let training = SplitEncoder::load(&dir, &rt(2), 0).unwrap().embed(Units { texts: &texts, contexts: Some(&contexts) }).unwrap();
    for i in 0..texts.len() {
        let cos = with.row(i).dot(&training.row(i));
        assert!(cos > 0.99999, "row {i}: cosine {cos} between training and inference with context");
    }
}

/// tests/fixtures/bert_reference.json, made by scripts/bert_reference.py with Python
/// sentence-transformers and transformers from the same model files.
#[derive(serde::Deserialize)]
struct BertFixture {
    encoder_sha256: String,
    ner_sha256: String,
    sentences: Vec<BertSentence>,
}

#[derive(serde::Deserialize)]
struct BertSentence {
    text: String,
    embedding: Option<Vec<f32>>,
    ner_labels: Vec<usize>,
    ner_probs: Vec<f32>,
}

fn bert_fixture() -> BertFixture {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bert_reference.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn minilm_embeddings_match_sentence_transformers() {
    let f = bert_fixture();
    let enc = Encoder::load(&common::models().join("encoder"), &rt(32)).unwrap();
    assert_eq!(enc.sha256, f.encoder_sha256, "the fixture was made from another MiniLM file");
    let with: Vec<&BertSentence> = f.sentences.iter().filter(|s| s.embedding.is_some()).collect();
    assert_eq!(with.len(), 100);
    let texts: Vec<&str> = with.iter().map(|s| s.text.as_str()).collect();
    let got = enc.embed(&texts, &mut |_| {}).unwrap();
    for (i, s) in with.iter().enumerate() {
        let want = ndarray::Array1::from(s.embedding.clone().unwrap());
        let cos = got.row(i).dot(&want) / want.dot(&want).sqrt();
        assert!(cos >= 1.0 - 1e-5, "sentence {i}: cosine {cos} to sentence-transformers: {:?}", s.text);
    }
}

#[test]
fn ner_word_piece_tags_match_transformers() {
    let f = bert_fixture();
    let ner = NerModel::load(&common::models().join("ner"), &rt(32)).unwrap();
    assert_eq!(ner.sha256, f.ner_sha256, "the fixture was made from another NER file");
    let mut named = 0;
    for s in &f.sentences {
        let got = ner.piece_tags(&s.text).unwrap();
        let labels: Vec<usize> = got.iter().map(|t| t.0).collect();
        assert_eq!(labels, s.ner_labels, "best labels differ from transformers on {:?}", s.text);
        for ((_, p), want) in got.iter().zip(&s.ner_probs) {
            assert!((p - want).abs() < 1e-3, "probability {p} vs {want} on {:?}", s.text);
        }
        named += usize::from(labels.iter().any(|&l| (1..=4).contains(&l)));
    }
    assert!(named >= 10, "the fixture must hold sentences with names ({named})");
}

#[test]
fn bf16_person_tagger_finds_the_same_names_as_fp32() {
    use ofsted::model::runtime::Precision;
    let f = bert_fixture();
    let texts: Vec<&str> = f.sentences.iter().map(|s| s.text.as_str()).collect();
    let load = |precision| NerModel::load(&common::models().join("ner"), &Runtime { precision, ..rt(32) }).unwrap();
    let (full, half) = (load(Precision::Float32), load(Precision::BFloat16));
    assert_eq!(half.precision(), Precision::BFloat16);
    let names = |m: &NerModel| -> Vec<Vec<String>> { m.tag(&texts, &mut |_| {}).unwrap().iter().zip(&texts).map(|(ss, t)| ss.iter().map(|s| t[s.start..s.end].to_string()).collect()).collect() };
    let (a, b) = (names(&full), names(&half));
    assert!(a.iter().flatten().count() >= 15, "{a:?}");
    assert_eq!(a, b);
    // and it did run in bf16: some probability moved
    let moved = texts.iter().any(|t| full.piece_tags(t).unwrap().iter().zip(half.piece_tags(t).unwrap()).any(|(x, y)| (x.1 - y.1).abs() > 1e-4));
    assert!(moved, "bf16 gave fp32's probabilities exactly");
}
