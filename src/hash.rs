//! The one place that calls xxhash. Seeds are fixed constants so that two runs, on any
//! machine and with any thread count, produce the same hashes and therefore the same report.

use xxhash_rust::xxh3::xxh3_64_with_seed;

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

/// Hash of arbitrary bytes of any length: ids and sentence keys of the synthetic feed
/// generator, which seeds its random choices with them (how a one-line story is cut into
/// paragraphs). xxh3 with [`TOKEN_SEED`], what [`token`] has been so far, kept apart from
/// [`token`] so that a change to how words are hashed does not change the feeds generated
/// from a seed.
#[inline]
pub fn bytes(bytes: &[u8]) -> u64 {
    xxh3_64_with_seed(bytes, TOKEN_SEED)
}

/// Odd multipliers of [`sequence`], one per position in a block of 16, drawn from
/// [`SplitMix64`] seeded with [`SEQ_SEED`].
const SEQ_MUL: [u64; 16] = {
    let mut out = [0u64; 16];
    let mut state = SEQ_SEED;
    let mut i = 0;
    while i < 16 {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        out[i] = fmix64(state) | 1;
        i += 1;
    }
    out
};

/// The SplitMix64 / MurmurHash3 finaliser: a bijection of u64 whose every output bit
/// depends on every input bit.
#[inline]
pub const fn fmix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hash of a sequence of token hashes (a shingle or a whole paragraph). The length is part of
/// the input, so a 3-token paragraph never collides with a 5-token shingle by construction.
///
/// The inputs are already uniform 64-bit hashes, so each block of 16 is combined as
/// `Σ tᵢ·mᵢ` with a distinct odd multiplier per position (order matters; a change in one
/// position always changes the sum) and finalised with [`fmix64`], blocks chained through the
/// finaliser. For a 5-word shingle that is five independent multiplies and a finaliser, about
/// a fifth of the work of xxh3 over the 40 bytes.
///
/// Also used for 32-bit values (a band of a MinHash signature), widened, so that no `u64`
/// copy of them is built.
#[inline]
pub fn sequence<T: Copy + Into<u64>>(values: &[T]) -> u64 {
    let mut acc = SEQ_SEED ^ (values.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    if values.is_empty() {
        return fmix64(acc);
    }
    for block in values.chunks(16) {
        let mut sum = 0u64;
        for (&v, m) in block.iter().zip(SEQ_MUL.iter()) {
            sum = sum.wrapping_add(v.into().wrapping_mul(*m));
        }
        acc = fmix64(acc ^ sum);
    }
    acc
}

/// Appends `f(sequence(w))` for every window `w` of `n` consecutive `values` (nothing when
/// there are fewer than `n`): the same values as mapping [`sequence`] over
/// `values.windows(n)`. For the usual shingle widths (1 to 8) the loop is compiled for its
/// width, so windows are hashed side by side, and for AVX-512 where the processor has it
/// (eight 64-bit multiplies in one instruction): word n-grams are hashed for every token of
/// every article, and of every aligned one again.
pub fn sequence_windows<T: Copy + Default>(
    values: &[u64],
    n: usize,
    out: &mut Vec<T>,
    f: impl Fn(u64) -> T + Copy,
) {
    if n == 0 || values.len() < n {
        return;
    }
    let start = out.len();
    out.resize(start + values.len() + 1 - n, T::default());
    let dst = &mut out[start..];
    macro_rules! fixed {
        ($($w:literal)*) => {
            match n {
                $($w => return windows_dispatch::<$w, T>(values, dst, f),)*
                _ => {}
            }
        };
    }
    fixed!(1 2 3 4 5 6 7 8);
    for (d, w) in dst.iter_mut().zip(values.windows(n)) {
        *d = f(sequence(w));
    }
}

#[inline(always)]
fn windows_dispatch<const N: usize, T: Copy>(values: &[u64], dst: &mut [T], f: impl Fn(u64) -> T) {
    #[cfg(target_arch = "x86_64")]
    if crate::avx512() {
        // SAFETY: the processor has the features `windows_avx512` is compiled for.
        return unsafe { windows_avx512::<N, T>(values, dst, f) };
    }
    windows_fixed::<N, T>(values, dst, f)
}

/// [`windows_fixed`] compiled for AVX-512; the same integer operations, so the same hashes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn windows_avx512<const N: usize, T: Copy>(values: &[u64], dst: &mut [T], f: impl Fn(u64) -> T) {
    windows_fixed::<N, T>(values, dst, f)
}

/// `dst[i] = f(sequence(&values[i..i + N]))`, with `N` ≤ 16 (one block of [`sequence`]).
#[inline(always)]
fn windows_fixed<const N: usize, T: Copy>(values: &[u64], dst: &mut [T], f: impl Fn(u64) -> T) {
    const { assert!(N >= 1 && N <= 16) };
    let base = SEQ_SEED ^ (N as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let values = &values[..dst.len() + N - 1];
    for (i, d) in dst.iter_mut().enumerate() {
        let w = &values[i..i + N];
        let mut sum = 0u64;
        for k in 0..N {
            sum = sum.wrapping_add(w[k].wrapping_mul(SEQ_MUL[k]));
        }
        *d = f(fmix64(base ^ sum));
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
        fmix64(self.0)
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
        let a = sequence(&[1u64, 2, 3]);
        assert_ne!(a, sequence(&[3u64, 2, 1]));
        assert_ne!(a, sequence(&[1u64, 2, 3, 0]));
        let long: Vec<u64> = (0..40).collect();
        assert_eq!(sequence(&long), sequence(&long.clone()));
        assert_ne!(sequence(&long), sequence(&long[..39]));
        let mut swapped = long.clone();
        swapped.swap(3, 20);
        assert_ne!(sequence(&long), sequence(&swapped), "across blocks");
        assert_eq!(
            sequence(&[1u32, 2, 3]),
            sequence(&[1u64, 2, 3]),
            "32-bit values hash as their 64-bit widening"
        );
    }

    proptest::proptest! {
        /// Every width, the unrolled ones (1-8) and the general one, against `sequence` over
        /// the windows; appended after what the vector held.
        #[test]
        fn sequence_windows_hash_each_window(
            values in proptest::collection::vec(proptest::num::u64::ANY, 0..40),
            n in 0usize..12,
        ) {
            let mut got: Vec<u64> = vec![7];
            sequence_windows(&values, n, &mut got, |h| h);
            let mut want: Vec<u64> = vec![7];
            if n > 0 {
                want.extend(values.windows(n).map(sequence));
            }
            proptest::prop_assert_eq!(&got, &want);
            let mut keys: Vec<u32> = Vec::new();
            sequence_windows(&values, n, &mut keys, |h| (h >> 32) as u32);
            let high: Vec<u32> = want[1..].iter().map(|&h| (h >> 32) as u32).collect();
            proptest::prop_assert_eq!(keys, high);
        }
    }

    #[test]
    fn sequence_keys_of_one_changed_token_spread() {
        // Changing one token of a 5-gram must flip about half of the high 32 bits (the
        // shingle key): no position is weak.
        let base: Vec<u64> = (1..=5).map(|i| fmix64(i * 7919)).collect();
        for pos in 0..5 {
            let mut flips = 0;
            for d in 1..=64u64 {
                let mut w = base.clone();
                w[pos] ^= fmix64(d);
                flips += ((sequence(&base) ^ sequence(&w)) >> 32).count_ones();
            }
            let mean = flips as f64 / 64.0;
            assert!((12.0..20.0).contains(&mean), "position {pos}: {mean}");
        }
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
