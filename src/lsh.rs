//! Locality-sensitive hashing over MinHash signatures: the signature is cut into `bands`
//! bands of `rows` values; two articles become a candidate pair when any band is equal.
//! The chance of that is `1 - (1 - J^rows)^bands` for Jaccard `J`, an S-curve whose midpoint
//! sits near `(1/bands)^(1/rows)`.
//!
//! Bucketing sorts `(band hash, article)` pairs instead of filling hash maps: the work is one
//! sort per band, and equal keys are adjacent, in a deterministic order.

use rayon::prelude::*;

/// Bands and rows of one run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    pub bands: usize,
    pub rows: usize,
}

/// Largest bucket paired in full. Members of a larger bucket (hundreds of copies of one
/// text) are each paired with the bucket's first [`MAX_BUCKET`] members only, which keeps the
/// work linear and still links every copy to the earliest ones.
pub const MAX_BUCKET: usize = 256;

fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    let steps = 200;
    let h = (b - a) / steps as f64;
    (0..steps).map(|i| f(a + (i as f64 + 0.5) * h) * h).sum()
}

impl Params {
    /// The bands and rows (bands · rows ≤ num_perms) that minimise the sum of the area of
    /// false positives below `threshold` and false negatives above it, with the false-negative
    /// side weighted by `fn_weight` and the false-positive side by `1 - fn_weight` (the
    /// approach of datasketch's `MinHashLSH`).
    pub fn optimal(threshold: f64, num_perms: usize, fn_weight: f64) -> Params {
        let mut best = (
            f64::INFINITY,
            Params {
                bands: 1,
                rows: num_perms,
            },
        );
        for bands in 1..=num_perms {
            for rows in 1..=num_perms / bands {
                let p = |s: f64| 1.0 - (1.0 - s.powi(rows as i32)).powi(bands as i32);
                let fp = integrate(p, 0.0, threshold);
                let fneg = integrate(|s| 1.0 - p(s), threshold, 1.0);
                let err = (1.0 - fn_weight) * fp + fn_weight * fneg;
                if err < best.0 - 1e-12 {
                    best = (err, Params { bands, rows });
                }
            }
        }
        best.1
    }

    /// The bands and rows a scan uses. Verification applies the real thresholds, so LSH only
    /// has to propose every pair that could pass them. The hardest such pair is a copy trimmed
    /// to a third of the story whose containment just reaches `containment_threshold`: its
    /// Jaccard is `c/3 / (4/3 - c/3)` (0.18 for c = 0.6). The curve is placed at 0.6 times the
    /// smaller of that and `threshold`, which makes such a pair a candidate with probability
    /// about 0.88 (64 bands of 2 rows at the defaults); such copies, and copies trimmed
    /// further, also come in through the shared-paragraph candidates.
    pub fn for_scan(threshold: f64, containment_threshold: f64, num_perms: usize) -> Params {
        let c = containment_threshold / 3.0;
        let trimmed = c / (4.0 / 3.0 - c);
        Params::optimal(0.6 * threshold.min(trimmed), num_perms, 0.5)
    }

    /// Probability that a pair with Jaccard `s` becomes a candidate.
    pub fn candidate_probability(&self, s: f64) -> f64 {
        1.0 - (1.0 - s.powi(self.rows as i32)).powi(self.bands as i32)
    }
}

/// Candidate pairs `(a, b)` with `a < b`, sorted and unique. `signatures` holds `n` signatures
/// of `num_perms` values each, back to back; `active[i]` is false for articles with no
/// shingles, which are never paired.
pub fn candidates(
    signatures: &[u32],
    num_perms: usize,
    active: &[bool],
    params: Params,
) -> Vec<(u32, u32)> {
    let n = active.len();
    debug_assert_eq!(signatures.len(), n * num_perms);
    let mut pairs: Vec<(u32, u32)> = (0..params.bands)
        .into_par_iter()
        .flat_map_iter(|band| {
            let lo = band * params.rows;
            let mut keys: Vec<(u64, u32)> = (0..n)
                .filter(|&i| active[i])
                .map(|i| {
                    let sig = &signatures[i * num_perms + lo..i * num_perms + lo + params.rows];
                    let mut buf = [0u64; 16];
                    let mut h = 0u64;
                    for chunk in sig.chunks(16) {
                        for (k, &v) in chunk.iter().enumerate() {
                            buf[k] = v as u64;
                        }
                        h ^= crate::hash::sequence(&buf[..chunk.len()]).rotate_left(7);
                    }
                    (h, i as u32)
                })
                .collect();
            keys.sort_unstable();
            let mut out = Vec::new();
            for group in keys.chunk_by(|x, y| x.0 == y.0) {
                push_bucket_pairs(group.iter().map(|k| k.1), group.len(), &mut out);
            }
            out.into_iter()
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// Pairs of one bucket (members in increasing order), capped by [`MAX_BUCKET`].
pub fn push_bucket_pairs(
    members: impl Iterator<Item = u32> + Clone,
    len: usize,
    out: &mut Vec<(u32, u32)>,
) {
    if len < 2 {
        return;
    }
    let head: Vec<u32> = members.clone().take(MAX_BUCKET).collect();
    for (x, &a) in head.iter().enumerate() {
        for &b in &head[x + 1..] {
            out.push((a, b));
        }
    }
    for b in members.skip(MAX_BUCKET) {
        for &a in &head {
            out.push((a, b));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minhash::MinHasher;
    use proptest::prelude::*;

    #[test]
    fn scan_params_catch_a_copy_trimmed_to_a_third() {
        let p = Params::for_scan(0.5, 0.7, 128);
        assert!(p.candidate_probability(0.22) > 0.95, "{p:?}");
        assert!(p.candidate_probability(0.02) < 0.05, "{p:?}");
    }

    #[test]
    fn params_fit_the_signature_and_put_the_curve_near_the_threshold() {
        for t in [0.3, 0.5, 0.8] {
            let p = Params::optimal(t, 128, 0.5);
            assert!(p.bands * p.rows <= 128);
            assert!(p.candidate_probability(t + 0.2) > 0.8, "{t} {p:?}");
            assert!(
                p.candidate_probability((t - 0.25).max(0.02)) < 0.3,
                "{t} {p:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn pairs_are_canonical_unique_and_match_a_naive_banding(
            sets in proptest::collection::vec(proptest::collection::btree_set(0u64..60, 1..30), 2..40)
        ) {
            let m = MinHasher::new(32);
            let params = Params { bands: 16, rows: 2 };
            let mut sigs = Vec::new();
            for s in &sets {
                sigs.extend(m.signature(&s.iter().copied().collect::<Vec<_>>()));
            }
            let active = vec![true; sets.len()];
            let got = candidates(&sigs, 32, &active, params);
            for w in got.windows(2) {
                prop_assert!(w[0] < w[1]);
            }
            let mut naive = Vec::new();
            for a in 0..sets.len() {
                for b in a + 1..sets.len() {
                    let (sa, sb) = (&sigs[a * 32..a * 32 + 32], &sigs[b * 32..b * 32 + 32]);
                    if (0..16).any(|band| sa[band * 2..band * 2 + 2] == sb[band * 2..band * 2 + 2]) {
                        naive.push((a as u32, b as u32));
                    }
                }
            }
            prop_assert_eq!(got, naive);
        }
    }
}
