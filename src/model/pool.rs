//! Sentence embeddings from token states, exactly as sentence-transformers does it. Inference
//! and training both call this one function, so a fine-tuned model sees at run time the
//! embedding it was trained on.

use tch::{Kind, Tensor};

/// Mean of the token states under the attention mask, L2-normalised: `[batch, tokens, dim]` and
/// `[batch, tokens]` in, `[batch, dim]` out.
pub fn mean_pool(hidden: &Tensor, mask: &Tensor) -> Tensor {
    let m = mask.to_kind(Kind::Float).unsqueeze(-1);
    let summed = (hidden * &m).sum_dim_intlist([1i64].as_slice(), false, Kind::Float);
    let counts = m.sum_dim_intlist([1i64].as_slice(), false, Kind::Float).clamp_min(1e-9);
    let mean = summed / counts;
    let norm = mean.norm_scalaropt_dim(2, [1i64].as_slice(), true).clamp_min(1e-12);
    mean / norm
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_does_not_move_the_mean_and_rows_are_unit_length() {
        // one sentence of two tokens, padded with a third token that must be ignored
        let h = Tensor::from_slice(&[1.0f32, 0.0, 3.0, 0.0, 100.0, 100.0]).view([1, 3, 2]);
        let mask = Tensor::from_slice(&[1i64, 1, 0]).view([1, 3]);
        let v = Vec::<f32>::try_from(mean_pool(&h, &mask).flatten(0, -1)).unwrap();
        assert!((v[0] - 1.0).abs() < 1e-6 && v[1].abs() < 1e-6, "{v:?}");
    }
}
