//! How a `classify` run cuts its articles into chunks, and which chunks a shard runs.
//!
//! Chunks are consecutive articles in input order, the same whatever the shard: batch
//! composition moves bf16 results in their last bits, so an article must meet the same
//! neighbours in a shard as in a single run for merged shards to equal that run byte for byte.
//! A shard therefore takes whole chunks, dealt round-robin (chunk j to shard j mod N): a hash of
//! each article id would split chunks apart, and a hash of each chunk leaves small archives'
//! shards unequal (3, 1 and 0 of 4 chunks on the corpus).

use crate::error::{Error, Result};
use crate::io::input::Planned;
use sha2::{Digest, Sha256};
use std::ops::Range;

/// Shard `index` of `count`, counted from 0 as Slurm array task ids and Kubernetes completion
/// indexes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Shard, String> {
        let bad = || format!("{s:?} is not K/N (shard K of N, K counted from 0, e.g. 0/4)");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (usize, usize) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        Shard::new(index, count)
    }
}

impl Shard {
    pub fn new(index: usize, count: usize) -> std::result::Result<Shard, String> {
        if count == 0 || index >= count {
            return Err(format!("shard {index}/{count}: K must be below N (K counts from 0)"));
        }
        Ok(Shard { index, count })
    }

    /// Where a scheduler says which shard this is, when `--shard` does not: `--shards N` with
    /// Kubernetes' `JOB_COMPLETION_INDEX` or a Slurm array task id; or Slurm's array alone
    /// (`SLURM_ARRAY_TASK_ID` less `SLURM_ARRAY_TASK_MIN`, of `SLURM_ARRAY_TASK_COUNT`).
    /// Returns the shard and where it came from.
    pub fn from_env(shards: Option<usize>, var: impl Fn(&str) -> Option<String>) -> Result<Option<(Shard, &'static str)>> {
        let num = |name: &'static str| -> Result<Option<usize>> {
            match var(name) {
                None => Ok(None),
                Some(v) => v.trim().parse().map(Some).map_err(|_| Error::Config(format!("{name}={v:?} is not a whole number"))),
            }
        };
        let slurm_index = || -> Result<Option<usize>> {
            let (Some(id), min) = (num("SLURM_ARRAY_TASK_ID")?, num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0)) else { return Ok(None) };
            id.checked_sub(min).map(Some).ok_or_else(|| Error::Config(format!("SLURM_ARRAY_TASK_ID {id} is below SLURM_ARRAY_TASK_MIN {min}")))
        };
        let (index, count, from) = match shards {
            Some(n) => match num("JOB_COMPLETION_INDEX")? {
                Some(k) => (k, n, "JOB_COMPLETION_INDEX and --shards"),
                None => match slurm_index()? {
                    Some(k) => (k, n, "SLURM_ARRAY_TASK_ID and --shards"),
                    None => return Err(Error::Config("--shards N needs --shard K/N, or JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (a Slurm array) to say which shard this is".into())),
                },
            },
            None => match (slurm_index()?, num("SLURM_ARRAY_TASK_COUNT")?) {
                (Some(k), Some(n)) => (k, n, "SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT"),
                _ => return Ok(None),
            },
        };
        Shard::new(index, count).map(|s| Some((s, from))).map_err(|e| Error::Config(format!("{e} (from {from})")))
    }

    /// Whether this shard runs chunk `index` of the input.
    pub fn takes(&self, index: usize) -> bool {
        index % self.count == self.index
    }
}

/// One chunk: its number in the whole input and its articles' positions there.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    pub index: usize,
    pub articles: Range<usize>,
}

/// Every chunk of an input of `articles` articles, `size` articles each (the last may be short).
pub fn chunks(articles: usize, size: usize) -> Vec<Chunk> {
    let size = size.max(1);
    (0..articles).step_by(size).enumerate().map(|(index, start)| Chunk { index, articles: start..(start + size).min(articles) }).collect()
}

/// The chunks one shard runs (all of them without a shard).
pub fn shard_chunks(all: Vec<Chunk>, shard: Option<Shard>) -> Vec<Chunk> {
    match shard {
        None => all,
        Some(s) => all.into_iter().filter(|c| s.takes(c.index)).collect(),
    }
}

/// A digest of the article ids in input order: runs that resume or merge must have read the
/// same articles.
pub fn ids_sha256(articles: &[Planned]) -> String {
    let mut h = Sha256::new();
    for a in articles {
        h.update(a.id.as_bytes());
        h.update(b"\n");
    }
    format!("{:x}", h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn planned(n: usize) -> Vec<Planned> {
        (0..n).map(|i| Planned { source: i, ordinal: 0, id: format!("article-{i}") }).collect()
    }

    #[test]
    fn shards_partition_the_chunks_and_every_shard_gets_a_share() {
        let articles = planned(6400);
        let all = chunks(articles.len(), 64);
        assert_eq!(all.len(), 100);
        let mut owner = vec![usize::MAX; all.len()];
        for k in 0..3 {
            let mine = shard_chunks(all.clone(), Some(Shard::new(k, 3).unwrap()));
            assert!((33..=34).contains(&mine.len()), "shard {k} has {} of 100 chunks", mine.len());
            for c in mine {
                assert_eq!(owner[c.index], usize::MAX, "chunk {} in two shards", c.index);
                owner[c.index] = k;
            }
        }
        assert!(owner.iter().all(|&o| o < 3), "a chunk in no shard");
        // chunks are the same cut with and without sharding
        assert_eq!(shard_chunks(all.clone(), None), all);
        assert_eq!(chunks(65, 64).last().unwrap().articles, 64..65);
    }

    #[test]
    fn shard_parses_k_of_n_counted_from_zero_and_names_bad_values() {
        assert_eq!("2/3".parse::<Shard>().unwrap(), Shard { index: 2, count: 3 });
        assert!("3/3".parse::<Shard>().unwrap_err().contains("K must be below N"));
        assert!("1-3".parse::<Shard>().unwrap_err().contains("K/N"));
        assert!("0/0".parse::<Shard>().is_err());
    }

    #[test]
    fn shard_comes_from_slurm_or_kubernetes_when_the_flag_is_absent() {
        let env = |pairs: &[(&str, &str)]| {
            let m: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            move |k: &str| m.get(k).cloned()
        };
        assert_eq!(Shard::from_env(None, env(&[])).unwrap(), None);
        // a Slurm array 1-4: task 3 is shard 2 of 4
        let slurm = env(&[("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_COUNT", "4")]);
        assert_eq!(Shard::from_env(None, slurm).unwrap().unwrap().0, Shard { index: 2, count: 4 });
        let k8s = env(&[("JOB_COMPLETION_INDEX", "1")]);
        assert_eq!(Shard::from_env(Some(5), k8s).unwrap().unwrap().0, Shard { index: 1, count: 5 });
        // Kubernetes gives no count: the index alone is not a shard
        assert_eq!(Shard::from_env(None, env(&[("JOB_COMPLETION_INDEX", "1")])).unwrap(), None);
        assert!(Shard::from_env(Some(5), env(&[])).unwrap_err().to_string().contains("JOB_COMPLETION_INDEX"));
        assert!(Shard::from_env(Some(2), env(&[("JOB_COMPLETION_INDEX", "2")])).unwrap_err().to_string().contains("K must be below N"));
        assert!(Shard::from_env(Some(2), env(&[("JOB_COMPLETION_INDEX", "x")])).unwrap_err().to_string().contains("not a whole number"));
    }
}
