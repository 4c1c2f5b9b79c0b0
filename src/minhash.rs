//! MinHash signatures of shingle sets.
//!
//! Two schemes, both with parameters drawn from the fixed [`crate::hash::PERM_SEED`]:
//!
//! - **One-permutation hashing with optimal densification** (Li, Owen & Zhang 2012;
//!   Shrivastava 2017), used by the pipeline. Each shingle is hashed once; the hash picks one
//!   of `num_perms` bins and the bin keeps the minimum. A bin that no shingle fell into borrows
//!   the value of a non-empty bin chosen by a fixed probe sequence that depends only on the
//!   bin's index, so two sets with the same content make the same choices. Cost: one hash per
//!   shingle plus one pass over the bins, instead of `num_perms` hashes per shingle.
//! - **Classic MinHash** ([`MinHasher::signature_classic_into`]): `num_perms` multiply-shift
//!   hashes `h_i(x) = (a_i · x + b_i) >> 32` per shingle. Kept as the reference the one-
//!   permutation scheme is checked against (`estimates_match_classic_minhash` below and the
//!   `minhash` bench).
//!
//! In both, two sets agree in one signature position with probability close to their Jaccard
//! similarity.

use crate::hash::{SplitMix64, PERM_SEED};

/// The permutations of one run.
#[derive(Clone, Debug)]
pub struct MinHasher {
    a: Vec<u64>,
    b: Vec<u64>,
    /// Seed of the one-permutation hash.
    oph_seed: u64,
    /// The first [`PROBES`] bins of each bin's densification probe sequence, bin after bin.
    probes: Vec<u32>,
}

/// Probes of each bin's sequence computed in advance: a bin of a set of a few shingles goes
/// further, and computes the rest as it goes.
const PROBES: usize = 8;

use crate::hash::fmix64 as mix;

impl MinHasher {
    /// `num_perms` fixed permutations (bins).
    pub fn new(num_perms: usize) -> Self {
        let mut rng = SplitMix64(PERM_SEED);
        let a = (0..num_perms).map(|_| rng.next_u64() | 1).collect();
        let b = (0..num_perms).map(|_| rng.next_u64()).collect();
        let oph_seed = rng.next_u64();
        let probes = (0..num_perms)
            .flat_map(|i| (1..=PROBES as u64).map(move |t| probe(oph_seed, num_perms, i, t) as u32))
            .collect();
        MinHasher {
            a,
            b,
            oph_seed,
            probes,
        }
    }

    /// Signature length.
    pub fn num_perms(&self) -> usize {
        self.a.len()
    }

    /// Writes the one-permutation signature of `shingles` into `out` (length `num_perms`).
    /// An empty set gets all `u32::MAX`, which callers never band.
    pub fn signature_into<T: Copy + Into<u64>>(&self, shingles: &[T], out: &mut [u32]) {
        #[cfg(target_arch = "x86_64")]
        if crate::avx512() {
            // SAFETY: the processor has the features `signature_avx512` is compiled for.
            return unsafe { self.signature_avx512(shingles, out) };
        }
        self.signature_portable(shingles, out)
    }

    /// [`signature_into`](Self::signature_into) compiled for AVX-512, where the shingles'
    /// hashes are computed eight at a time; the same integer operations, so the same values.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512dq")]
    fn signature_avx512<T: Copy + Into<u64>>(&self, shingles: &[T], out: &mut [u32]) {
        self.signature_portable(shingles, out)
    }

    #[inline(always)]
    fn signature_portable<T: Copy + Into<u64>>(&self, shingles: &[T], out: &mut [u32]) {
        let k = out.len();
        out.fill(u32::MAX);
        if shingles.is_empty() || k == 0 {
            return;
        }
        with_bins(k, |bins| {
            self.hashed_bins(shingles, bins);
            self.densify(bins, out);
        });
    }

    /// Each bin's least hash value (low 32 bits) of the shingles the hash sends there.
    #[inline(always)]
    fn hashed_bins<T: Copy + Into<u64>>(&self, shingles: &[T], bins: &mut [u64]) {
        let k = bins.len();
        // Hashes a block at a time (a loop the compiler can vectorize), then the bin updates.
        let mut hashes = [0u64; 64];
        for block in shingles.chunks(hashes.len()) {
            let hashes = &mut hashes[..block.len()];
            for (h, &x) in hashes.iter_mut().zip(block) {
                *h = mix(x.into() ^ self.oph_seed);
            }
            for &h in hashes.iter() {
                let bin = (((h >> 32) * k as u64) >> 32) as usize;
                bins[bin] = bins[bin].min(h & 0xFFFF_FFFF);
            }
        }
    }

    /// Fills `out` from the bins ([`EMPTY`] or a 32-bit value). An empty bin borrows
    /// the value of a non-empty bin chosen by a fixed probe sequence of its index, so two sets
    /// with the same content make the same choices. At least one bin is filled.
    fn densify(&self, bins: &[u64], out: &mut [u32]) {
        let k = bins.len();
        // Filled bins first, with no branch; the empty ones are then visited from a bit set.
        let mut empty = [0u64; STACK_BINS / 64];
        let fits = k <= STACK_BINS;
        for (i, (o, &v)) in out.iter_mut().zip(bins).enumerate() {
            *o = v as u32;
            if fits {
                empty[i / 64] |= u64::from(v == EMPTY) << (i % 64);
            }
        }
        let mut fill = |i: usize| {
            // Probe sequence of bin i: fixed, independent of the set.
            // The first filled of the known probes, found without a branch per probe.
            let known: &[u32; PROBES] = self.probes[i * PROBES..(i + 1) * PROBES]
                .try_into()
                .expect("PROBES per bin");
            let values = known.map(|b| bins[b as usize]);
            let filled = values
                .iter()
                .enumerate()
                .fold(0u32, |m, (t, &x)| m | (u32::from(x != EMPTY) << t));
            let mut v = if filled == 0 {
                EMPTY
            } else {
                values[filled.trailing_zeros() as usize]
            };
            let mut attempt = PROBES as u64;
            while v == EMPTY {
                attempt += 1;
                v = bins[probe(self.oph_seed, k, i, attempt)];
            }
            out[i] = v as u32;
        };
        if fits {
            for (w, &word) in empty.iter().enumerate() {
                let mut m = word;
                while m != 0 {
                    fill(w * 64 + m.trailing_zeros() as usize);
                    m &= m - 1;
                }
            }
        } else {
            (0..k).filter(|&i| bins[i] == EMPTY).for_each(fill);
        }
    }

    /// Writes the classic MinHash signature (`num_perms` hashes per shingle) into `out`.
    pub fn signature_classic_into<T: Copy + Into<u64>>(&self, shingles: &[T], out: &mut [u32]) {
        out.fill(u32::MAX);
        for &x in shingles {
            let x: u64 = x.into();
            for ((o, &a), &b) in out.iter_mut().zip(&self.a).zip(&self.b) {
                let h = (a.wrapping_mul(x).wrapping_add(b) >> 32) as u32;
                *o = (*o).min(h);
            }
        }
    }

    /// Allocating form of [`signature_into`](Self::signature_into).
    pub fn signature<T: Copy + Into<u64>>(&self, shingles: &[T]) -> Vec<u32> {
        let mut out = vec![0; self.num_perms()];
        self.signature_into(shingles, &mut out);
        out
    }

    /// Allocating form of [`signature_classic_into`](Self::signature_classic_into).
    pub fn signature_classic<T: Copy + Into<u64>>(&self, shingles: &[T]) -> Vec<u32> {
        let mut out = vec![0; self.num_perms()];
        self.signature_classic_into(shingles, &mut out);
        out
    }
}

/// Attempt `attempt` (from 1) of bin `i`'s densification probe sequence among `k` bins.
#[inline]
fn probe(seed: u64, k: usize, i: usize, attempt: u64) -> usize {
    let p = mix(seed ^ ((i as u64) << 32) ^ attempt);
    (((p >> 32) * k as u64) >> 32) as usize
}

/// A bin no key fell into. Bins are u64 so that a value of `u32::MAX` is not mistaken for it.
const EMPTY: u64 = u64::MAX;

/// Signatures up to this length (the usual ones) keep their bins, and densification its set
/// of empty bins, on the stack.
const STACK_BINS: usize = 256;

/// Runs `f` on `k` empty bins: on the stack for up to [`STACK_BINS`].
#[inline(always)]
fn with_bins(k: usize, f: impl FnOnce(&mut [u64])) {
    if k <= STACK_BINS {
        f(&mut [EMPTY; STACK_BINS][..k]);
    } else {
        f(&mut vec![EMPTY; k]);
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

    proptest::proptest! {
        /// The signature the processor computes (AVX-512 where it has it) is the portable
        /// one; sets past 64 shingles cross the hashing blocks.
        #[test]
        fn signature_is_the_portable_signature(
            set in proptest::collection::vec(proptest::num::u32::ANY, 0..300),
            k in 1usize..200,
        ) {
            let h = MinHasher::new(k);
            let (mut got, mut want) = (vec![0; k], vec![0; k]);
            h.signature_into(&set, &mut got);
            h.signature_portable(&set, &mut want);
            proptest::prop_assert_eq!(got, want);
        }

        /// Densification with the probes computed in advance takes the probe sequence from
        /// its definition: small sets leave most bins empty, and sets of one or two keys send
        /// probes past the precomputed ones.
        #[test]
        fn densification_follows_the_probe_sequence(
            keys in proptest::collection::vec(proptest::num::u32::ANY, 1..40),
            k in 1usize..300,
        ) {
            let h = MinHasher::new(k);
            let mut got = vec![0; k];
            h.signature_into(&keys, &mut got);
            let mut bins = vec![EMPTY; k];
            h.hashed_bins(&keys, &mut bins);
            for (i, &g) in got.iter().enumerate() {
                let mut v = bins[i];
                let mut attempt = 0;
                while v == EMPTY {
                    attempt += 1;
                    v = bins[probe(h.oph_seed, k, i, attempt)];
                }
                proptest::prop_assert_eq!(g, v as u32);
            }
        }
    }

    /// Pairs of sets with a known Jaccard: B keeps `keep` of A's `size` elements and adds
    /// `size - keep` new ones.
    fn pair(rng: &mut SplitMix64, size: usize, keep: usize) -> (Vec<u64>, Vec<u64>, f64) {
        let a: Vec<u64> = (0..size).map(|_| rng.next_u64()).collect();
        let mut b: Vec<u64> = a[..keep].to_vec();
        b.extend((0..size - keep).map(|_| rng.next_u64()));
        (a, b, keep as f64 / (2 * size - keep) as f64)
    }

    #[test]
    fn estimate_tracks_jaccard() {
        let m = MinHasher::new(256);
        let mut rng = SplitMix64(42);
        for keep in [1000usize, 750, 500, 250] {
            let (a, b, j) = pair(&mut rng, 1000, keep);
            for est in [
                estimate(&m.signature(&a), &m.signature(&b)),
                estimate(&m.signature_classic(&a), &m.signature_classic(&b)),
            ] {
                assert!((est - j).abs() < 0.08, "J={j} estimate={est}");
            }
        }
    }

    /// The one-permutation scheme is as accurate as classic MinHash, from sets far smaller
    /// than the signature (briefs: 10 shingles, most bins densified) to long features.
    #[test]
    fn estimates_match_classic_minhash() {
        let m = MinHasher::new(128);
        let mut rng = SplitMix64(7);
        for size in [10usize, 40, 128, 600, 3000] {
            for frac in [0.9, 0.6, 0.3] {
                let keep = ((size as f64) * frac).round() as usize;
                let (mut err_oph, mut err_classic) = (0.0, 0.0);
                let trials = 60;
                for _ in 0..trials {
                    let (a, b, j) = pair(&mut rng, size, keep);
                    err_oph += (estimate(&m.signature(&a), &m.signature(&b)) - j).abs();
                    err_classic +=
                        (estimate(&m.signature_classic(&a), &m.signature_classic(&b)) - j).abs();
                }
                let (e1, e2) = (err_oph / trials as f64, err_classic / trials as f64);
                eprintln!("size {size} frac {frac}: OPH {e1:.4} classic {e2:.4}");
                assert!(
                    e1 <= e2 * 1.25 + 0.01,
                    "size {size} J-frac {frac}: OPH mean error {e1:.4}, classic {e2:.4}"
                );
            }
        }
    }

    #[test]
    fn signature_is_order_independent_and_fixed() {
        let m = MinHasher::new(16);
        let s1 = m.signature(&[5u64, 9, 1]);
        assert_eq!(s1, m.signature(&[1u64, 5, 9]));
        assert_eq!(s1, MinHasher::new(16).signature(&[9u64, 1, 5]));
        assert_eq!(m.signature::<u64>(&[]), vec![u32::MAX; 16]);
        let one = m.signature(&[42u64]);
        assert!(
            one.iter().all(|&v| v == one[0]),
            "a single shingle fills every bin"
        );
    }
}
