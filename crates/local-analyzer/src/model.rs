//! The learned report-status model: multinomial logistic regression over
//! [`crate::features`], trained by `examples/train.rs` and embedded in the library.
//!
//! File format (little-endian): `OTLM`, format version u32 = 1, hash bits u32, width u32,
//! scale f32, then 4 × width i16 weights, class-major in `TaskStatus::ALL` order; a weight
//! is its i16 times the scale.

use std::sync::OnceLock;

use domain::TaskStatus;

use crate::features::{DIM, HASH_BITS};

const MAGIC: &[u8; 4] = b"OTLM";
const VERSION: u32 = 1;
const HEADER: usize = 20;
pub const CLASSES: usize = 4;

/// The model the library ships (`cargo run --release -p local-analyzer --example train`).
static EMBEDDED: &[u8] = include_bytes!("../model/report-status.bin");

/// Weights of a softmax classifier, `w[class * DIM + feature]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub(crate) w: Vec<f32>,
}

impl Model {
    pub fn zeros() -> Self {
        Model {
            w: vec![0.0; CLASSES * DIM],
        }
    }

    /// Reads the file format; `None` when it is not a model of this feature layout.
    pub fn from_bytes(b: &[u8]) -> Option<Self> {
        let u32_at = |i: usize| Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?));
        if b.get(..4)? != MAGIC || u32_at(4)? != VERSION || u32_at(8)? != HASH_BITS {
            return None;
        }
        if u32_at(12)? as usize != DIM || b.len() != HEADER + CLASSES * DIM * 2 {
            return None;
        }
        let scale = f32::from_bits(u32_at(16)?);
        let w = b[HEADER..]
            .chunks_exact(2)
            .map(|c| f32::from(i16::from_le_bytes([c[0], c[1]])) * scale)
            .collect();
        Some(Model { w })
    }

    /// The file format, weights rounded to 16 bits (a tenth of a thousandth of the largest).
    pub fn to_bytes(&self) -> Vec<u8> {
        let max = self.w.iter().fold(0f32, |m, x| m.max(x.abs()));
        let scale = if max > 0.0 {
            max / f32::from(i16::MAX)
        } else {
            1.0
        };
        let mut out = Vec::with_capacity(HEADER + self.w.len() * 2);
        out.extend_from_slice(MAGIC);
        for v in [VERSION, HASH_BITS, DIM as u32, scale.to_bits()] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for x in &self.w {
            let q = (x / scale).round().clamp(-32767.0, 32767.0) as i16;
            out.extend_from_slice(&q.to_le_bytes());
        }
        out
    }

    /// Unnormalised class scores of one feature vector.
    pub fn scores(&self, feats: &[u32]) -> [f32; CLASSES] {
        let mut s = [0f32; CLASSES];
        for (k, v) in s.iter_mut().enumerate() {
            let row = &self.w[k * DIM..(k + 1) * DIM];
            *v = feats
                .iter()
                .filter_map(|&f| row.get(f as usize))
                .sum::<f32>();
        }
        s
    }

    pub fn predict(&self, feats: &[u32]) -> TaskStatus {
        let s = self.scores(feats);
        let best = (1..CLASSES).fold(0, |b, k| if s[k] > s[b] { k } else { b });
        TaskStatus::ALL[best]
    }

    /// The model's answer, unless it is less than `margin` more probable than the rules'.
    pub fn decide(&self, feats: &[u32], rule: TaskStatus, margin: f32) -> TaskStatus {
        let p = softmax(self.scores(feats));
        let best = (1..CLASSES).fold(0, |b, k| if p[k] > p[b] { k } else { b });
        let r = TaskStatus::ALL.iter().position(|&c| c == rule).unwrap_or(3);
        if p[best] - p[r] < margin {
            rule
        } else {
            TaskStatus::ALL[best]
        }
    }
}

/// Class probabilities from scores.
pub fn softmax(s: [f32; CLASSES]) -> [f32; CLASSES] {
    let max = s.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b));
    let mut e = s.map(|x| (x - max).exp());
    let sum: f32 = e.iter().sum();
    e.iter_mut().for_each(|x| *x /= sum);
    e
}

/// The shipped model, parsed once; `None` (the rules decide alone) if the embedded file
/// does not fit this build's feature layout, which a test guards against.
pub fn embedded() -> Option<&'static Model> {
    static MODEL: OnceLock<Option<Model>> = OnceLock::new();
    MODEL.get_or_init(|| Model::from_bytes(EMBEDDED)).as_ref()
}
