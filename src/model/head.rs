//! Classification head over frozen sentence embeddings: multinomial logistic regression, trained
//! and applied with ndarray. Small enough to commit (3 x 384 weights).

use crate::label::Label;
use ndarray::{Array1, Array2, Axis};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LinearHead {
    /// Row order of `weight` and `bias`.
    pub labels: Vec<Label>,
    pub weight: Array2<f32>,
    pub bias: Array1<f32>,
    /// Optional ReLU hidden layer before the output layer (an MLP head).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<Hidden>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hidden {
    pub weight: Array2<f32>,
    pub bias: Array1<f32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FitOptions {
    pub epochs: usize,
    pub learning_rate: f32,
    pub l2: f32,
    /// Weight classes by inverse frequency, so the rarest label counts as much as the commonest.
    pub balanced: bool,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions { epochs: 400, learning_rate: 4.0, l2: 1e-4, balanced: true }
    }
}

/// Row-wise softmax, stable for large logits.
pub fn softmax_rows(mut z: Array2<f32>) -> Array2<f32> {
    for mut row in z.rows_mut() {
        let m = row.fold(f32::MIN, |a, &b| a.max(b));
        row.mapv_inplace(|v| (v - m).exp());
        let s = row.sum();
        row.mapv_inplace(|v| v / s);
    }
    z
}

impl LinearHead {
    /// Read a head file written by `ofsted train`.
    pub fn read(path: &std::path::Path) -> crate::Result<LinearHead> {
        let text = std::fs::read_to_string(path).map_err(|e| crate::Error::model(path, format!("{e}; train one with `ofsted train` or pass --model")))?;
        serde_json::from_str(&text).map_err(|e| crate::Error::model(path, format!("bad head file: {e}")))
    }

    pub fn dim(&self) -> usize {
        self.hidden.as_ref().map_or(self.weight.ncols(), |h| h.weight.ncols())
    }

    /// Probabilities `[n, 3]` in [`Label::ALL`] order.
    pub fn probabilities(&self, x: &Array2<f32>) -> Array2<f32> {
        let hidden;
        let x = match &self.hidden {
            Some(h) => {
                hidden = (x.dot(&h.weight.t()) + &h.bias).mapv(|v| v.max(0.0));
                &hidden
            }
            None => x,
        };
        let z = x.dot(&self.weight.t()) + &self.bias;
        let p = softmax_rows(z);
        let mut out = Array2::zeros((x.nrows(), Label::ALL.len()));
        for (k, l) in self.labels.iter().enumerate() {
            out.column_mut(l.index()).assign(&p.column(k));
        }
        out
    }

    /// Weighted mean cross-entropy of the head on `(x, y)`.
    pub fn loss(&self, x: &Array2<f32>, y: &[Label], sample_weight: &Array1<f32>) -> f32 {
        let p = self.probabilities(x);
        let total: f32 = y.iter().enumerate().map(|(i, l)| -sample_weight[i] * p[[i, l.index()]].max(1e-12).ln()).sum();
        total / sample_weight.sum()
    }

    /// Full-batch gradient descent with momentum: deterministic, and fast at this size.
    pub fn fit(x: &Array2<f32>, y: &[Label], opts: &FitOptions) -> LinearHead {
        let (n, d) = x.dim();
        let k = Label::ALL.len();
        let w_sample = sample_weights(y, opts.balanced);
        let wsum = w_sample.sum();
        let mut onehot = Array2::<f32>::zeros((n, k));
        for (i, l) in y.iter().enumerate() {
            onehot[[i, l.index()]] = 1.0;
        }
        let mut head = LinearHead { labels: Label::ALL.to_vec(), weight: Array2::zeros((k, d)), bias: Array1::zeros(k), hidden: None };
        let (mut vw, mut vb) = (Array2::<f32>::zeros((k, d)), Array1::<f32>::zeros(k));
        for _ in 0..opts.epochs {
            let p = head.probabilities(x);
            // d loss / d logits, weighted per sample
            let mut g = p - &onehot;
            g *= &w_sample.view().insert_axis(Axis(1));
            g /= wsum;
            let gw = g.t().dot(x) + &(&head.weight * opts.l2);
            let gb = g.sum_axis(Axis(0));
            vw = vw * 0.9 + &gw;
            vb = vb * 0.9 + &gb;
            head.weight.scaled_add(-opts.learning_rate, &vw);
            head.bias.scaled_add(-opts.learning_rate, &vb);
        }
        head
    }
}

pub fn sample_weights(y: &[Label], balanced: bool) -> Array1<f32> {
    let mut counts = [0usize; 3];
    for l in y {
        counts[l.index()] += 1;
    }
    let present = counts.iter().filter(|&&c| c > 0).count().max(1) as f32;
    Array1::from_iter(y.iter().map(|l| if balanced { y.len() as f32 / (present * counts[l.index()] as f32) } else { 1.0 }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn softmax_rows_sum_to_one_even_for_huge_logits() {
        let p = softmax_rows(array![[1000.0, 0.0, -1000.0], [1.0, 1.0, 1.0]]);
        for row in p.rows() {
            assert!((row.sum() - 1.0).abs() < 1e-6);
        }
        assert!((p[[1, 0]] - 1.0 / 3.0).abs() < 1e-6);
        assert!(p[[0, 0]] > 0.999);
    }

    #[test]
    fn fit_separates_three_clusters_and_lowers_the_loss() {
        let x = array![[1.0, 0.0, 0.0], [0.9, 0.1, 0.0], [0.0, 1.0, 0.0], [0.1, 0.9, 0.0], [0.0, 0.0, 1.0], [0.0, 0.1, 0.9]];
        let y = [Label::Strength, Label::Strength, Label::Improvement, Label::Improvement, Label::Other, Label::Other];
        let w = sample_weights(&y, true);
        let untrained = LinearHead { labels: Label::ALL.to_vec(), weight: Array2::zeros((3, 3)), bias: Array1::zeros(3), hidden: None };
        let head = LinearHead::fit(&x, &y, &FitOptions { epochs: 200, ..Default::default() });
        assert!(head.loss(&x, &y, &w) < untrained.loss(&x, &y, &w) * 0.2);
        let p = head.probabilities(&x);
        for (i, l) in y.iter().enumerate() {
            let best = (0..3).max_by(|&a, &b| p[[i, a]].total_cmp(&p[[i, b]])).unwrap();
            assert_eq!(best, l.index());
        }
    }

    #[test]
    fn hidden_layer_applies_relu_before_the_output_layer() {
        // hidden: h = relu([x0 - x1, x1 - x0]); output: logits = [h0, h1, 0]
        let head = LinearHead {
            labels: Label::ALL.to_vec(),
            weight: array![[10.0, 0.0], [0.0, 10.0], [0.0, 0.0]],
            bias: Array1::zeros(3),
            hidden: Some(Hidden { weight: array![[1.0, -1.0], [-1.0, 1.0]], bias: Array1::zeros(2) }),
        };
        assert_eq!(head.dim(), 2);
        let p = head.probabilities(&array![[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]);
        assert!(p[[0, 0]] > 0.99 && p[[1, 1]] > 0.99);
        assert!((p[[2, 2]] - 1.0 / 3.0).abs() < 1e-6, "relu zeroes both hidden units: all logits 0");
    }

    #[test]
    fn balanced_weights_give_each_class_equal_total_weight() {
        let y = [Label::Other, Label::Other, Label::Other, Label::Strength];
        let w = sample_weights(&y, true);
        assert!((w[0] * 3.0 - w[3]).abs() < 1e-6);
        assert!((w.sum() - 4.0).abs() < 1e-5);
    }
}
