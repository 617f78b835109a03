//! Person finder: the rampart BERT token classifier (GIVEN_NAME / SURNAME tags, among PII tags),
//! with word pieces merged into words and adjacent name words merged into one person span.

use crate::error::{Error, Result};
use crate::model::bert;
use crate::model::runtime::{Precision, Runtime};
use crate::model::bertnet::{self, BertTokenClassifier};
use std::path::{Path, PathBuf};
use tch::{nn::VarStore, Kind};
use tokenizers::{Encoding, Tokenizer};

/// A person mention: byte offsets into the text that was tagged, and the mean tag probability.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonSpan {
    pub start: usize,
    pub end: usize,
    pub confidence: f32,
}

/// Finds people in short texts (sentences); one `Vec` of spans per input text.
pub trait PersonTagger {
    fn tag(&self, texts: &[&str], progress: &mut dyn FnMut(usize)) -> Result<Vec<Vec<PersonSpan>>>;
}

/// What a word piece's best label says about names; the model's other PII tags are `Not`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameTag {
    Not,
    Given,
    Surname,
}

/// A label id read as a name tag, and whether it begins an entity (B- rather than I-).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag {
    pub name: NameTag,
    pub begins: bool,
}

impl Tag {
    fn of(label: &str) -> Tag {
        let (name, begins) = match label {
            "B-GIVEN_NAME" => (NameTag::Given, true),
            "I-GIVEN_NAME" => (NameTag::Given, false),
            "B-SURNAME" => (NameTag::Surname, true),
            "I-SURNAME" => (NameTag::Surname, false),
            _ => (NameTag::Not, false),
        };
        Tag { name, begins }
    }
}

/// One word as the tagger saw it: byte range, its first piece's tag and that tag's probability.
#[derive(Debug, Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
    tag: Tag,
    prob: f32,
}

pub struct NerModel {
    model: BertTokenClassifier,
    tokenizer: Tokenizer,
    _vs: VarStore,
    /// The name tag of each label id.
    tags: Vec<Tag>,
    pub weights: PathBuf,
    pub sha256: String,
    rt: Runtime,
}

impl NerModel {
    /// The precision the tagger runs at (the runtime's).
    pub fn precision(&self) -> Precision {
        self.rt.precision
    }

    pub fn load(dir: &Path, rt: &Runtime) -> Result<NerModel> {
        let config = bert::load_config(dir)?;
        let id2label = config.id2label.clone().ok_or_else(|| Error::model(dir.join("config.json"), "no id2label"))?;
        let mut tags = vec![Tag::of(""); id2label.len()];
        for (id, label) in &id2label {
            let slot = tags.get_mut(*id as usize).ok_or_else(|| Error::model(dir.join("config.json"), "label ids are not 0..n"))?;
            *slot = Tag::of(label);
        }
        if !tags.iter().any(|t| t.name == NameTag::Given) {
            return Err(Error::model(dir.join("config.json"), "model has no GIVEN_NAME tag; not a person tagger"));
        }
        let tokenizer = bert::load_tokenizer(dir)?;
        let mut vs = VarStore::new(rt.device);
        let shape = bertnet::shape(&config, &dir.join("config.json"))?;
        let model = BertTokenClassifier::new(vs.root(), &config, &shape, tags.len() as i64);
        let (weights, sha256) = bert::load_weights(&mut vs, dir)?;
        if rt.precision == Precision::BFloat16 {
            vs.bfloat16();
        }
        Ok(NerModel { model, tokenizer, _vs: vs, tags, weights, sha256, rt: rt.clone() })
    }

    /// Each word piece's best label id and its probability (with the special tokens), one text
    /// at a time: what spans are built from, for checking the model against a reference.
    pub fn piece_tags(&self, text: &str) -> Result<Vec<(usize, f32)>> {
        let enc = bert::encode_all(&self.tokenizer, &[text])?;
        let (ids, mask) = bert::batch_tensors(&[&enc[0]], self.rt.device);
        let probs = tch::no_grad(|| self.model.forward(&ids, &mask))?.softmax(-1, Kind::Float);
        let n = self.tags.len();
        let flat = bert::to_vec_f32(&probs)?;
        Ok(flat.chunks(n).map(best).collect())
    }

    /// Word-level tags for one encoding from per-token probabilities `[tokens, labels]`.
    fn spans(&self, text: &str, enc: &Encoding, probs: &[f32], n_labels: usize) -> Vec<PersonSpan> {
        // each word's tag from its first piece
        let mut words: Vec<Word> = Vec::new();
        let mut last_word = None;
        for (t, (word, &(s, e))) in enc.get_word_ids().iter().zip(enc.get_offsets()).enumerate() {
            let Some(word) = word else { continue };
            if last_word == Some(*word) {
                if let Some(w) = words.last_mut() {
                    w.end = e;
                }
                continue;
            }
            last_word = Some(*word);
            let row = &probs[t * n_labels..(t + 1) * n_labels];
            let (label, p) = best(row);
            words.push(Word { start: s, end: e, tag: self.tags[label], prob: p });
        }
        merge_name_words(text, &words)
    }
}

/// The best label of one row of tag probabilities, and its probability.
fn best(row: &[f32]) -> (usize, f32) {
    row.iter().enumerate().fold((0, f32::MIN), |acc, (i, &v)| if v > acc.1 { (i, v) } else { acc })
}

/// Merge runs of name words into person spans. Words joined by a hyphen or apostrophe with no
/// space ("Smith-Jones", "O'Neill") stay in one span; a new given name after a surname starts a new person.
fn merge_name_words(text: &str, words: &[Word]) -> Vec<PersonSpan> {
    let mut out = Vec::new();
    // the person being built: start, end, the tag of its last word, word probabilities
    let mut cur: Option<(usize, usize, NameTag, Vec<f32>)> = None;
    let mut i = 0;
    while i < words.len() {
        let Word { start: s, end: e, tag, prob: p } = words[i];
        let joiner = tag.name == NameTag::Not
            && cur.is_some()
            && matches!(&text[s..e], "-" | "'" | "’")
            && cur.as_ref().is_some_and(|c| c.1 == s)
            && words.get(i + 1).is_some_and(|n| n.tag.name != NameTag::Not && n.start == e);
        if joiner {
            if let Some(c) = cur.as_mut() {
                c.1 = e;
            }
            i += 1;
            continue;
        }
        if tag.name == NameTag::Not {
            if let Some((cs, ce, _, ps)) = cur.take() {
                out.push(span(cs, ce, &ps));
            }
        } else {
            let gap_ok = cur.as_ref().is_some_and(|c| text[c.1..s].chars().all(char::is_whitespace) && !text[c.1..s].contains('\n'));
            let new_person = cur.as_ref().is_some_and(|c| c.2 == NameTag::Surname && tag.name == NameTag::Given && tag.begins);
            match cur.as_mut() {
                Some(c) if gap_ok && !new_person => {
                    c.1 = e;
                    c.2 = tag.name;
                    c.3.push(p);
                }
                _ => {
                    if let Some((cs, ce, _, ps)) = cur.take() {
                        out.push(span(cs, ce, &ps));
                    }
                    cur = Some((s, e, tag.name, vec![p]));
                }
            }
        }
        i += 1;
    }
    if let Some((cs, ce, _, ps)) = cur {
        out.push(span(cs, ce, &ps));
    }
    out
}

fn span(start: usize, end: usize, probs: &[f32]) -> PersonSpan {
    PersonSpan { start, end, confidence: probs.iter().sum::<f32>() / probs.len().max(1) as f32 }
}

impl PersonTagger for NerModel {
    fn tag(&self, all: &[&str], progress: &mut dyn FnMut(usize)) -> Result<Vec<Vec<PersonSpan>>> {
        // identical texts are tagged once (spans are offsets into the text, so they carry over)
        let (texts, index) = bert::distinct(all);
        let encodings = bert::encode_all(&self.tokenizer, &texts)?;
        let lengths: Vec<usize> = encodings.iter().map(|e| e.len()).collect();
        let mut out = vec![Vec::new(); texts.len()];
        let n_labels = self.tags.len();
        for batch in bert::batches(&lengths, &self.rt) {
            let encs: Vec<_> = batch.iter().map(|&i| &encodings[i]).collect();
            let (ids, mask) = bert::batch_tensors(&encs, self.rt.device);
            let probs = tch::no_grad(|| self.model.forward(&ids, &mask))?.softmax(-1, Kind::Float);
            let width = ids.size()[1] as usize;
            let flat = bert::to_vec_f32(&probs)?;
            for (r, &i) in batch.iter().enumerate() {
                let rows = &flat[r * width * n_labels..(r + 1) * width * n_labels];
                out[i] = self.spans(texts[i], &encodings[i], rows, n_labels);
            }
            progress(batch.len());
        }
        progress(all.len() - texts.len());
        Ok(index.into_iter().map(|i| out[i].clone()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(text: &str, word: &str, from: usize, kind: u8, begins: bool) -> Word {
        let s = text[from..].find(word).unwrap() + from;
        let name = [NameTag::Not, NameTag::Given, NameTag::Surname][kind as usize];
        Word { start: s, end: s + word.len(), tag: Tag { name, begins }, prob: 0.9 }
    }

    #[test]
    fn merges_given_and_surname_words_and_hyphenated_names() {
        let t = "Cllr Anna Smith-Jones met Tom Reyes today";
        let words = [
            w(t, "Cllr", 0, 0, false),
            w(t, "Anna", 0, 1, true),
            w(t, "Smith", 0, 2, true),
            w(t, "-", 0, 0, false),
            w(t, "Jones", 0, 2, false),
            w(t, "met", 0, 0, false),
            w(t, "Tom", 0, 1, true),
            w(t, "Reyes", 0, 2, true),
            w(t, "today", 0, 0, false),
        ];
        let spans = merge_name_words(t, &words);
        let names: Vec<_> = spans.iter().map(|s| &t[s.start..s.end]).collect();
        assert_eq!(names, ["Anna Smith-Jones", "Tom Reyes"]);
    }

    #[test]
    fn a_given_name_after_a_surname_starts_a_new_person_and_newlines_split() {
        let t = "Smith Jane Doe\nBloggs";
        let words = [w(t, "Smith", 0, 2, true), w(t, "Jane", 0, 1, true), w(t, "Doe", 0, 2, true), w(t, "Bloggs", 0, 2, true)];
        let names: Vec<_> = merge_name_words(t, &words).iter().map(|s| &t[s.start..s.end]).collect();
        assert_eq!(names, ["Smith", "Jane Doe", "Bloggs"]);
    }
}
