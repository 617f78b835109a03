//! sha256 in hex, the one checksum of the project: model files in manifests, labelled folders,
//! the label page's suggestion cache.

use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::path::Path;

pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// A file's sha256, streamed (model weights are hundreds of MB).
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::model(path, e))?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h).map_err(|e| Error::model(path, e))?;
    Ok(format!("{:x}", h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_and_bytes_agree_and_match_the_known_digest() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x");
        std::fs::write(&p, b"abc").unwrap();
        let known = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(sha256_hex(b"abc"), known);
        assert_eq!(sha256_file(&p).unwrap(), known);
        assert!(sha256_file(&dir.path().join("missing")).unwrap_err().to_string().contains("missing"));
    }
}
