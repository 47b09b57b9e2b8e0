//! The hasher of the analyzer's word tables (used by `concepts` and `text`) and of the
//! status model's hashed features and folds.

use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: the word tables are looked up for every word of every note, and the keys are
/// our own short words, so a simple fast hash beats the DoS-resistant default here.
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

pub type FastHash = BuildHasherDefault<Fnv>;
