//! MinHash signatures of shingle sets.
//!
//! Permutation `i` is the multiply-shift hash `h_i(x) = (a_i · x + b_i) >> 32` over 64-bit
//! shingle hashes (`a_i` odd), drawn from the fixed [`crate::hash::PERM_SEED`]; the signature
//! keeps the minimum of each over the set. Two sets agree in one signature position with
//! probability close to their Jaccard similarity.

use crate::hash::{SplitMix64, PERM_SEED};

/// The permutations of one run.
#[derive(Clone, Debug)]
pub struct MinHasher {
    a: Vec<u64>,
    b: Vec<u64>,
}

impl MinHasher {
    /// `num_perms` fixed permutations.
    pub fn new(num_perms: usize) -> Self {
        let mut rng = SplitMix64(PERM_SEED);
        let a = (0..num_perms).map(|_| rng.next_u64() | 1).collect();
        let b = (0..num_perms).map(|_| rng.next_u64()).collect();
        MinHasher { a, b }
    }

    /// Signature length.
    pub fn num_perms(&self) -> usize {
        self.a.len()
    }

    /// Writes the signature of `shingles` into `out` (length `num_perms`). An empty set gets
    /// all `u32::MAX`, which callers never band.
    pub fn signature_into(&self, shingles: &[u64], out: &mut [u32]) {
        out.fill(u32::MAX);
        for &x in shingles {
            for ((o, &a), &b) in out.iter_mut().zip(&self.a).zip(&self.b) {
                let h = (a.wrapping_mul(x).wrapping_add(b) >> 32) as u32;
                *o = (*o).min(h);
            }
        }
    }

    /// Allocating form of [`signature_into`](Self::signature_into).
    pub fn signature(&self, shingles: &[u64]) -> Vec<u32> {
        let mut out = vec![0; self.num_perms()];
        self.signature_into(shingles, &mut out);
        out
    }
}

/// Share of equal positions: the MinHash estimate of Jaccard similarity.
pub fn estimate(a: &[u32], b: &[u32]) -> f64 {
    let eq = a.iter().zip(b).filter(|(x, y)| x == y).count();
    eq as f64 / a.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_tracks_jaccard() {
        let m = MinHasher::new(256);
        let mut rng = SplitMix64(42);
        let base: Vec<u64> = (0..1000).map(|_| rng.next_u64()).collect();
        for keep in [1000usize, 750, 500, 250] {
            // B = first `keep` of A plus (1000 - keep) new ones: J = keep / (2000 - keep)
            let mut b: Vec<u64> = base[..keep].to_vec();
            b.extend((0..1000 - keep).map(|_| rng.next_u64()));
            let j = keep as f64 / (2000 - keep) as f64;
            let est = estimate(&m.signature(&base), &m.signature(&b));
            assert!((est - j).abs() < 0.08, "J={j} estimate={est}");
        }
    }

    #[test]
    fn signature_is_order_independent_and_fixed() {
        let m = MinHasher::new(16);
        let s1 = m.signature(&[5, 9, 1]);
        assert_eq!(s1, m.signature(&[1, 5, 9]));
        assert_eq!(s1, MinHasher::new(16).signature(&[9, 1, 5]));
    }
}
