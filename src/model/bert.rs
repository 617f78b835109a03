//! Shared plumbing for the transformer models (the two BERT models, and MPNet in mpnet.rs):
//! loading config, tokenizer and weights from a local folder, and
//! length-sorted batching with dynamic padding.

use crate::error::{Error, Result};
use rust_bert::bert::BertConfig;
use crate::io::digest::sha256_file;
use std::path::Path;
use tch::{Device, Kind, Tensor};
use tokenizers::{Encoding, Tokenizer, TruncationParams};

/// Longest input in word pieces; longer units are truncated (news sentences rarely reach it).
pub const MAX_TOKENS: usize = 256;

fn need(dir: &Path, name: &str) -> Result<std::path::PathBuf> {
    let p = dir.join(name);
    if p.is_file() {
        Ok(p)
    } else {
        Err(Error::model(&p, "missing; run scripts/setup.sh to fetch the models"))
    }
}

pub fn load_config(dir: &Path) -> Result<BertConfig> {
    read_config(dir)
}

/// `config.json` of a model folder read as `T` (a BERT or MPNet config, or just its `model_type`).
pub fn read_config<T: serde::de::DeserializeOwned>(dir: &Path) -> Result<T> {
    let p = need(dir, "config.json")?;
    let f = std::fs::File::open(&p).map_err(|e| Error::model(&p, e))?;
    serde_json::from_reader(std::io::BufReader::new(f)).map_err(|e| Error::model(&p, format!("bad config: {e}")))
}

/// The tokenizer with dynamic padding (we pad per batch) and truncation at [`MAX_TOKENS`].
pub fn load_tokenizer(dir: &Path) -> Result<Tokenizer> {
    let p = need(dir, "tokenizer.json")?;
    let mut t = Tokenizer::from_file(&p).map_err(|e| Error::model(&p, e))?;
    t.with_padding(None);
    t.with_truncation(Some(TruncationParams { max_length: MAX_TOKENS, ..Default::default() }))
        .map_err(|e| Error::model(&p, e))?;
    Ok(t)
}

/// Load safetensors weights into a var store whose variables are already declared.
pub fn load_weights(vs: &mut tch::nn::VarStore, dir: &Path) -> Result<(std::path::PathBuf, String)> {
    let p = need(dir, "model.safetensors")?;
    // hash on a second thread while the weights load: both read the file, and loading leaves a core idle
    let (loaded, sha) = std::thread::scope(|s| {
        let sha = s.spawn(|| sha256_file(&p));
        let loaded = vs.load(&p);
        (loaded, sha.join())
    });
    let sha = sha.map_err(|_| Error::Internal(format!("hashing {} panicked", p.display())))??;
    // an altered or truncated file says so before anything fails on it
    if let Some(want) = expected_sha256(&p) {
        if want != sha {
            return Err(Error::model(&p, format!("sha256 is {sha}, but scripts/checksums.sha256 lists {want}: the file is altered or incomplete; rerun scripts/setup.sh")));
        }
    }
    loaded.map_err(|e| Error::model(&p, format!("cannot load weights ({e}); rerun scripts/setup.sh")))?;
    vs.freeze();
    Ok((p, sha))
}

/// The checksum setup verified for a fetched model file (`encoder/`, `ner/`, `mpnet/`
/// `model.safetensors`), from the list setup checks against, built into the binary. `None` for
/// any other file (a model folder of the user's own).
pub fn expected_sha256(weights: &Path) -> Option<&'static str> {
    const LIST: &str = include_str!("../../scripts/checksums.sha256");
    let dir = weights.parent()?.file_name()?.to_str()?;
    let name = format!("{dir}/{}", weights.file_name()?.to_str()?);
    LIST.lines().filter_map(|l| l.split_once("  ")).find(|(_, file)| *file == name).map(|(sha, _)| sha)
}

/// Tokenise in parallel (the tokenizers crate uses rayon internally).
pub fn encode_all(tokenizer: &Tokenizer, texts: &[&str]) -> Result<Vec<Encoding>> {
    tokenizer
        .encode_batch(texts.to_vec(), true)
        .map_err(|e| Error::runtime("tokenizer", e))
}

/// Encodings of the units, each paired with its context when one is given: the unit is the
/// first sequence (its tokens and positions are as without context), the context the second.
/// Truncation shortens the longer of the two first.
pub fn encode_with_context(tokenizer: &Tokenizer, texts: &[&str], contexts: &[Option<String>]) -> Result<Vec<Encoding>> {
    if texts.len() != contexts.len() {
        return Err(Error::Internal(format!("{} units but {} contexts", texts.len(), contexts.len())));
    }
    let inputs: Vec<tokenizers::EncodeInput> = texts
        .iter()
        .zip(contexts)
        .map(|(&t, c)| match c {
            Some(c) => (t, c.as_str()).into(),
            None => t.into(),
        })
        .collect();
    tokenizer.encode_batch(inputs, true).map_err(|e| Error::runtime("tokenizer", e))
}

/// `[batch, longest]` pooling mask and, when any encoding has a second sequence, token type ids:
/// a unit's embedding is the mean over the tokens before its context (the unit's own and the
/// special tokens around it), never over the context, which the attention still sees. Without context the pooling mask is the attention mask.
pub fn pool_tensors(encodings: &[&Encoding], device: Device) -> (Tensor, Option<Tensor>) {
    let width = encodings.iter().map(|e| e.len()).max().unwrap_or(0);
    let mut pool = vec![0i64; encodings.len() * width];
    let mut types = vec![0i64; encodings.len() * width];
    for (r, e) in encodings.iter().enumerate() {
        // the context and everything after it are left out of the mean
        let context_at = e.get_sequence_ids().iter().position(|s| *s == Some(1)).unwrap_or(e.len());
        for (c, (&m, &t)) in e.get_attention_mask().iter().zip(e.get_type_ids()).enumerate() {
            pool[r * width + c] = if c < context_at { m as i64 } else { 0 };
            types[r * width + c] = t as i64;
        }
    }
    let shape = [encodings.len() as i64, width as i64];
    let paired = encodings.iter().any(|e| e.n_sequences() > 1);
    (Tensor::from_slice(&pool).view(shape).to(device), paired.then(|| Tensor::from_slice(&types).view(shape).to(device)))
}

/// Indices grouped into batches of similar length: padding waste is what makes CPU inference slow.
pub fn sorted_batches(lengths: &[usize], batch_size: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.sort_by_key(|&i| (lengths[i], i));
    order.chunks(batch_size.max(1)).map(<[usize]>::to_vec).collect()
}

/// Length-sorted batches holding at most `budget` tokens each once padded (a batch of one may
/// hold more): many short units go together, few long ones, so every matrix multiply has about
/// the same number of rows.
pub fn token_batches(lengths: &[usize], budget: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.sort_by_key(|&i| (lengths[i], i));
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut cur: Vec<usize> = Vec::new();
    for i in order {
        // sorted ascending, so the newcomer is the longest: the padded size is (n + 1) * its length
        if !cur.is_empty() && (cur.len() + 1) * lengths[i] > budget {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(i);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The batches a runtime asks for: by token budget when it has one, else by count.
pub fn batches(lengths: &[usize], rt: &crate::model::runtime::Runtime) -> Vec<Vec<usize>> {
    match rt.batch_tokens {
        Some(budget) => token_batches(lengths, budget),
        None => sorted_batches(lengths, rt.batch_size),
    }
}

/// The distinct items in first-seen order and, for each input, the index of its distinct item:
/// identical units (navigation, bylines, boilerplate an outlet repeats on every page) run through
/// a model once.
pub fn distinct<T: std::hash::Hash + Eq + Clone>(items: &[T]) -> (Vec<T>, Vec<usize>) {
    let mut seen: std::collections::HashMap<&T, usize> = std::collections::HashMap::new();
    let mut out = Vec::new();
    let index = items
        .iter()
        .map(|x| {
            *seen.entry(x).or_insert_with(|| {
                out.push(x.clone());
                out.len() - 1
            })
        })
        .collect();
    (out, index)
}

/// `[batch, longest]` id and mask tensors for the given encodings, padded with 0, on `device`.
pub fn batch_tensors(encodings: &[&Encoding], device: Device) -> (Tensor, Tensor) {
    let width = encodings.iter().map(|e| e.len()).max().unwrap_or(0);
    let mut ids = vec![0i64; encodings.len() * width];
    let mut mask = vec![0i64; encodings.len() * width];
    for (r, e) in encodings.iter().enumerate() {
        for (c, (&id, &m)) in e.get_ids().iter().zip(e.get_attention_mask()).enumerate() {
            ids[r * width + c] = id as i64;
            mask[r * width + c] = m as i64;
        }
    }
    let shape = [encodings.len() as i64, width as i64];
    (Tensor::from_slice(&ids).view(shape).to(device), Tensor::from_slice(&mask).view(shape).to(device))
}

pub fn to_vec_f32(t: &Tensor) -> Result<Vec<f32>> {
    Vec::<f32>::try_from(t.to_kind(Kind::Float).flatten(0, -1).contiguous())
        .map_err(|e| Error::runtime("tensor copy", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_batches_group_by_length_and_cover_every_index() {
        let b = sorted_batches(&[5, 1, 9, 1, 3], 2);
        assert_eq!(b, vec![vec![1, 3], vec![4, 0], vec![2]]);
        assert_eq!(sorted_batches(&[], 4).len(), 0);
    }

    #[test]
    fn token_batches_keep_padded_size_within_budget_and_cover_every_index_once() {
        let lengths = [3, 50, 4, 4, 10, 200, 9, 3];
        let b = token_batches(&lengths, 24);
        let mut seen: Vec<usize> = b.iter().flatten().copied().collect();
        seen.sort();
        assert_eq!(seen, (0..lengths.len()).collect::<Vec<_>>());
        for batch in &b {
            let padded = batch.len() * batch.iter().map(|&i| lengths[i]).max().unwrap();
            assert!(padded <= 24 || batch.len() == 1, "{batch:?} pads to {padded}");
        }
        // short units share a batch; the over-long one goes alone
        assert_eq!(b[0], vec![0, 7, 2, 3]);
        assert!(b.contains(&vec![5]));
        assert!(token_batches(&[], 10).is_empty());
    }

    #[test]
    fn fetched_model_files_have_their_setup_checksums_and_others_none() {
        assert_eq!(expected_sha256(Path::new("/x/models/ner/model.safetensors")).map(str::len), Some(64));
        assert_ne!(expected_sha256(Path::new("models/mpnet/model.safetensors")), expected_sha256(Path::new("models/encoder/model.safetensors")));
        assert_eq!(expected_sha256(Path::new("/x/mine/model.safetensors")), None);
        assert_eq!(expected_sha256(Path::new("model.safetensors")), None);
    }

    #[test]
    fn distinct_maps_every_item_to_its_first_copy() {
        let (d, idx) = distinct(&["a", "b", "a", "c", "b"]);
        assert_eq!(d, ["a", "b", "c"]);
        assert_eq!(idx, [0, 1, 0, 2, 1]);
    }
}
