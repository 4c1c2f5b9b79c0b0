//! The one place that calls xxhash. Seeds are fixed constants so that two runs, on any
//! machine and with any thread count, produce the same hashes and therefore the same report.

use xxhash_rust::xxh3::{xxh3_64_with_seed, Xxh3};

/// Seed for token hashes (normalized word bytes).
pub const TOKEN_SEED: u64 = 0x7265_7072_696e_7401; // "reprint" + 1
/// Seed for combining token hashes into paragraph and shingle hashes.
pub const SEQ_SEED: u64 = 0x7265_7072_696e_7402;
/// Seed from which the MinHash permutation parameters are drawn.
pub const PERM_SEED: u64 = 0x7265_7072_696e_7403;

/// Hash of a normalized token.
#[inline]
pub fn token(bytes: &[u8]) -> u64 {
    xxh3_64_with_seed(bytes, TOKEN_SEED)
}

/// Hash of a sequence of token hashes (a shingle or a whole paragraph). The length is part of
/// the input, so a 3-token paragraph never collides with a 5-token shingle by construction.
#[inline]
pub fn sequence(tokens: &[u64]) -> u64 {
    // Small sequences (shingles) go through a stack buffer: no allocation per shingle.
    if tokens.len() <= 16 {
        let mut buf = [0u8; 16 * 8];
        for (i, t) in tokens.iter().enumerate() {
            buf[i * 8..i * 8 + 8].copy_from_slice(&t.to_le_bytes());
        }
        xxh3_64_with_seed(&buf[..tokens.len() * 8], SEQ_SEED ^ tokens.len() as u64)
    } else {
        let mut h = Xxh3::with_seed(SEQ_SEED ^ tokens.len() as u64);
        for t in tokens {
            h.update(&t.to_le_bytes());
        }
        h.digest()
    }
}

/// A `Hasher` for keys that are integers: one multiply and a rotation instead of SipHash.
/// Meant for maps keyed by our own hashes or small integers, where HashDoS is not a concern
/// (the keys come from fixed-seed xxh3, not from an attacker choosing collisions cheaply).
#[derive(Clone, Copy, Debug, Default)]
pub struct IntHasher(u64);

impl std::hash::Hasher for IntHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    #[inline]
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0 ^ x)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
    }
    #[inline]
    fn write_u32(&mut self, x: u32) {
        self.write_u64(x as u64);
    }
    #[inline]
    fn write_i64(&mut self, x: i64) {
        self.write_u64(x as u64);
    }
    #[inline]
    fn write_usize(&mut self, x: usize) {
        self.write_u64(x as u64);
    }
}

/// `HashMap` with [`IntHasher`].
pub type IntMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<IntHasher>>;

/// SplitMix64: a tiny, well-known generator used to derive fixed parameters (MinHash
/// permutations, synthetic feeds) from a seed. Not for anything secret.
#[derive(Clone, Debug)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// Next 64 random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform integer in `0..n` (n > 0), by Lemire's multiply-shift (bias below 2^-32 for the
    /// sizes used here).
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform float in `[0, 1)`.
    #[inline]
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_hash_depends_on_order_and_length() {
        let a = sequence(&[1, 2, 3]);
        assert_ne!(a, sequence(&[3, 2, 1]));
        assert_ne!(a, sequence(&[1, 2, 3, 0]));
        let long: Vec<u64> = (0..40).collect();
        assert_eq!(sequence(&long), sequence(&long.clone()));
        assert_ne!(sequence(&long), sequence(&long[..39]));
    }

    #[test]
    fn splitmix_is_fixed() {
        // The reference SplitMix64 output for seed 0 (Vigna's splitmix64.c).
        let mut r = SplitMix64(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        let x = SplitMix64(7).below(10);
        assert!(x < 10);
    }
}
