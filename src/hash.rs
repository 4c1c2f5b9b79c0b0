//! The one place that calls xxhash. Seeds are fixed constants so that two runs, on any
//! machine and with any thread count, produce the same hashes and therefore the same report.

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Seed for token hashes (normalized word bytes).
pub const TOKEN_SEED: u64 = 0x7265_7072_696e_7401; // "reprint" + 1
/// Seed for combining token hashes into paragraph and shingle hashes.
pub const SEQ_SEED: u64 = 0x7265_7072_696e_7402;
/// Seed from which the MinHash permutation parameters are drawn.
pub const PERM_SEED: u64 = 0x7265_7072_696e_7403;

/// Hash of a normalized token (a word's lowercased bytes; never empty in practice).
///
/// Words of up to 16 bytes, nearly all of them, are hashed by [`token_short`] with no branch
/// on the length; longer ones by xxh3 with [`TOKEN_SEED`]. xxh3 alone switched on the length
/// (1-3, 4-8, 9-16, ... bytes), and with word lengths mixed in running text that branch
/// mispredicts about once per word.
///
/// Here the word is copied into a zeroed 16-byte buffer first; the tokenizer's ASCII fast
/// path skips that and calls [`token_short`] on the chunks it already holds. The values are
/// fixed, the same on every machine and build (`token_hashes_are_fixed`).
#[inline]
pub fn token(bytes: &[u8]) -> u64 {
    let len = bytes.len();
    if len > 16 {
        return xxh3_64_with_seed(bytes, TOKEN_SEED);
    }
    let mut padded = [0u8; 16];
    padded[..len].copy_from_slice(bytes);
    let [c0, c1] = [&padded[..8], &padded[8..]].map(|c| u64::from_le_bytes(c.try_into().unwrap()));
    token_short(c0, c1, len)
}

/// Keys of [`token_short`]: two xor keys and three odd multipliers, drawn from
/// [`SplitMix64`] seeded with [`TOKEN_SEED`].
const TOKEN_KEYS: [u64; 5] = {
    let mut r = SplitMix64(TOKEN_SEED);
    [
        r.next_u64(),
        r.next_u64(),
        r.next_u64() | 1,
        r.next_u64() | 1,
        r.next_u64() | 1,
    ]
};

/// [`token`] of a word of `len` ≤ 16 bytes, given as its bytes 0..8 (`c0`) and 8..16 (`c1`)
/// read little-endian and zero-padded past the word's end. The tokenizer calls this directly
/// with the chunks it has already lowercased in registers, so no word is copied to be hashed.
///
/// `h = fmix64((c0 ^ S0)·K0 ^ rotl32((c1 ^ S1)·K1) ^ len·K2)`, with keys drawn from
/// [`SplitMix64`] seeded with [`TOKEN_SEED`] (odd multipliers `K`):
/// - words of the same length up to 8 bytes never collide: `c1` is 0, so the length term and
///   the `c1` term are constants, and `c0 → fmix64(((c0 ^ S0)·K0) ^ constant)` is a bijection
///   of u64 (xor with a constant, multiplication by an odd number modulo 2⁶⁴ and [`fmix64`]
///   all are), while zero-padded `c0` differs for different words of one length;
/// - for 9 to 16 bytes, a change within one half is never lost, for the same reason; a change
///   in both halves is lost only if the two products change by the same bits. Multiplication
///   only carries upwards, so the last byte of each half reaches only the top 8 bits of its
///   product: without the rotation by 32, the words that differ only in bytes 7 and 15 would
///   share 256 values. With it those bytes land on disjoint bits and cannot collide, and no
///   two words that differ in one byte of each half do (tested for every pair of places, over
///   letters and digits);
/// - [`fmix64`] spreads every bit of the combination over the output (tested: each input bit
///   flips each output bit in about half of random words);
/// - the length term separates words that differ only by trailing zero bytes. Words never
///   contain a zero byte (it is a separator), so for them `c0` and `c1` already determine the
///   length; the term is for callers hashing arbitrary bytes, and costs a multiply that runs
///   beside the other two.
#[inline]
pub fn token_short(c0: u64, c1: u64, len: usize) -> u64 {
    debug_assert!(len <= 16, "token_short of {len} bytes");
    let [s0, s1, k0, k1, k2] = TOKEN_KEYS;
    fmix64(
        (c0 ^ s0).wrapping_mul(k0)
            ^ (c1 ^ s1).wrapping_mul(k1).rotate_left(32)
            ^ (len as u64).wrapping_mul(k2),
    )
}

/// Hash of arbitrary bytes of any length: ids and sentence keys of the synthetic feed
/// generator, which seeds its random choices with them (how a one-line story is cut into
/// paragraphs). xxh3 with [`TOKEN_SEED`], what [`token`] was before words of up to 16 bytes got
/// their own hash, kept apart from [`token`] so that a change to how words are hashed does not
/// change the feeds generated from a seed.
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
/// (the keys come from our fixed-seed hashes, not from an attacker choosing collisions cheaply).
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
/// `HashSet` with [`IntHasher`].
pub type IntSet<K> = std::collections::HashSet<K, std::hash::BuildHasherDefault<IntHasher>>;

/// Numbers `keys` in order of first appearance (equal keys, equal numbers), given a 64-bit
/// hash of each (`hashes[i]` of the i-th key), so that the serial pass looks up integers. A
/// key is compared only with the first key seen with its hash, and keys whose hash was taken
/// by another key are numbered by key, so a collision never merges two keys.
pub fn number_by_hash<K: Eq + std::hash::Hash>(
    keys: impl IntoIterator<Item = K>,
    hashes: &[u64],
) -> Vec<u32> {
    use std::collections::hash_map::Entry;
    let mut by_hash: IntMap<u64, (u32, K)> = IntMap::default();
    let mut collided: std::collections::HashMap<K, u32> = Default::default();
    let mut count = 0u32;
    let mut fresh = || {
        count += 1;
        count - 1
    };
    keys.into_iter()
        .zip(hashes)
        .map(|(key, &h)| match by_hash.entry(h) {
            Entry::Vacant(e) => e.insert((fresh(), key)).0,
            Entry::Occupied(e) if e.get().1 == key => e.get().0,
            Entry::Occupied(_) => *collided.entry(key).or_insert_with(&mut fresh),
        })
        .collect()
}

/// SplitMix64: a tiny, well-known generator used to derive fixed parameters (MinHash
/// permutations, synthetic feeds) from a seed. Not for anything secret.
#[derive(Clone, Debug)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// Next 64 random bits.
    #[inline]
    pub const fn next_u64(&mut self) -> u64 {
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
    fn numbers_follow_first_appearance_even_when_hashes_collide() {
        let names = ["b", "a", "b", "c", "a", "d", "c"];
        let want = vec![0, 1, 0, 2, 1, 3, 2];
        let real: Vec<u64> = names.iter().map(|n| bytes(n.as_bytes())).collect();
        assert_eq!(number_by_hash(names, &real), want);
        // Every name with one hash: the names themselves still decide.
        assert_eq!(number_by_hash(names, &[7; 7]), want);
        // Two hashes for four names.
        let two: Vec<u64> = names.iter().map(|n| (n.as_bytes()[0] % 2) as u64).collect();
        assert_eq!(number_by_hash(names, &two), want);
    }

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

    /// Letters and digits, the bytes of nearly every normalized word.
    const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

    #[test]
    fn short_tokens_do_not_collide() {
        use std::collections::HashSet;
        let mut words: HashSet<Vec<u8>> = HashSet::new();
        for &a in ALNUM {
            words.insert(vec![a]);
            for &b in ALNUM {
                words.insert(vec![a, b]);
                for &c in ALNUM {
                    words.insert(vec![a, b, c]);
                }
            }
        }
        let mut rng = SplitMix64(1);
        let short = words.len();
        while words.len() < short + 20_000 {
            let len = 1 + rng.below(16) as usize;
            words.insert((0..len).map(|_| ALNUM[rng.below(36) as usize]).collect());
        }
        let hashes: HashSet<u64> = words.iter().map(|w| token(w)).collect();
        assert_eq!(hashes.len(), words.len());
    }

    #[test]
    fn words_that_differ_in_two_bytes_do_not_collide() {
        // The weak spot of a sum of two products: a change in each half that cancels out
        // (without the rotation, bytes 7 and 15 would). Every pair of places in words of 9
        // to 16 bytes, over every pair of letters and digits.
        let mut rng = SplitMix64(2);
        let mut seen = std::collections::HashSet::new();
        for len in 9..=16 {
            let word: Vec<u8> = (0..len).map(|_| ALNUM[rng.below(36) as usize]).collect();
            for i in 0..len {
                for j in i + 1..len {
                    seen.clear();
                    for &a in ALNUM {
                        for &b in ALNUM {
                            let mut w = word.clone();
                            (w[i], w[j]) = (a, b);
                            assert!(seen.insert(token(&w)), "{len} bytes, at {i} and {j}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn every_input_bit_flips_every_output_bit_half_the_time() {
        // Strict avalanche: for each length, each input bit and each output bit, the share of
        // random words in which flipping that input bit flips that output bit. 0.3..0.7 is
        // about six standard deviations either side of 0.5 at this sample count.
        const SAMPLES: u32 = 200;
        let mut rng = SplitMix64(3);
        for len in 1..=16 {
            let mut flips = vec![[0u32; 64]; 8 * len];
            for _ in 0..SAMPLES {
                let word: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
                let h = token(&word);
                for (bit, row) in flips.iter_mut().enumerate() {
                    let mut w = word.clone();
                    w[bit / 8] ^= 1 << (bit % 8);
                    let d = h ^ token(&w);
                    for (out, f) in row.iter_mut().enumerate() {
                        *f += (d >> out & 1) as u32;
                    }
                }
            }
            for (bit, row) in flips.iter().enumerate() {
                for (out, &f) in row.iter().enumerate() {
                    let share = f as f64 / SAMPLES as f64;
                    assert!(
                        (0.3..0.7).contains(&share),
                        "{len} bytes: input bit {bit} flips output bit {out} in {share}"
                    );
                }
            }
        }
    }

    #[test]
    fn token_agrees_with_its_short_form_and_pads_with_zeros() {
        let mut padded = [0u8; 16];
        padded[..11].copy_from_slice(b"syndication");
        let [c0, c1] =
            [&padded[..8], &padded[8..]].map(|c| u64::from_le_bytes(c.try_into().unwrap()));
        assert_eq!(token(b"syndication"), token_short(c0, c1, 11));
        // The length is part of the hash even where only zero bytes tell two inputs apart.
        assert_ne!(token(b"a"), token(b"a\0"));
        assert_ne!(token(&[0; 16]), token(&[0; 15]));
    }

    #[test]
    fn token_hashes_are_fixed() {
        // Every report depends on these values (they must not change with the machine, the
        // build or a refactoring); changing them is a change of every hash and key.
        assert_eq!(token(b"a"), 0x8b80_1c54_2178_cb52);
        assert_eq!(token(b"syndication"), 0xaa7d_6c0c_bf9f_e21f);
        assert_eq!(token(b"internationalization"), 0x9724_7968_0b2b_d296);
        // `bytes` is what `token` was before 16-byte words got their own hash: xxh3 with
        // TOKEN_SEED, the seed of every synthetic feed's choices.
        assert_eq!(bytes(b"reprint"), 0xf61d_1bc7_c2ce_7807);
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
