//! Exact similarity of candidate pairs on their shingle sets. Thresholds are applied here and
//! nowhere else.

/// Size of the intersection of two sorted, de-duplicated slices.
pub fn intersection_size<T: Ord>(a: &[T], b: &[T]) -> usize {
    by_sizes(a, b, merge)
}

/// [`intersection_size`] of two shingle sets (sorted, distinct 32-bit keys), compared a
/// block of eight against a block of eight: 64 comparisons the processor does side by side
/// (compiled for AVX-512 where it has it), then the block with the smaller last key is done.
/// One element at a time, each step waited on the load and comparison of the one before.
pub fn set_intersection_size(a: &[u32], b: &[u32]) -> usize {
    by_sizes(a, b, |small, large| {
        #[cfg(target_arch = "x86_64")]
        if crate::avx512() {
            // SAFETY: the processor has the features `block_merge_avx512` is compiled for.
            return unsafe { block_merge_avx512(small, large) };
        }
        block_merge(small, large)
    })
}

/// The intersection size of `a` and `b` by `merge(smaller, larger)`, or by galloping when
/// one is 16 times the other.
#[inline(always)]
fn by_sizes<T: Ord>(a: &[T], b: &[T], merge: impl Fn(&[T], &[T]) -> usize) -> usize {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.is_empty() {
        return 0;
    }
    if large.len() / small.len() >= 16 {
        return gallop(small, large);
    }
    merge(small, large)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn block_merge_avx512(a: &[u32], b: &[u32]) -> usize {
    block_merge(a, b)
}

#[inline(always)]
fn block_merge(a: &[u32], b: &[u32]) -> usize {
    const B: usize = 8;
    let (mut i, mut j, mut count) = (0, 0, 0);
    while i + B <= a.len() && j + B <= b.len() {
        let x = &a[i..i + B];
        let y = &b[j..j + B];
        let mut c = 0u32;
        for &u in x {
            for &v in y {
                c += u32::from(u == v);
            }
        }
        count += c as usize;
        // Keys are distinct, so a block whose last key is not above the other's last key
        // has met every key it can match.
        let (xl, yl) = (x[B - 1], y[B - 1]);
        i += usize::from(xl <= yl) * B;
        j += usize::from(yl <= xl) * B;
    }
    // Neither block at (i, j) has been compared with anything of the other's rest.
    count + merge(&a[i..], &b[j..])
}

/// Binary search of each element of `small` in what is left of `large`: O(small · log(large))
/// instead of O(small + large), for a brief against a long feature.
fn gallop<T: Ord>(small: &[T], large: &[T]) -> usize {
    let mut count = 0;
    let mut rest = large;
    for x in small {
        match rest.binary_search(x) {
            Ok(i) => {
                count += 1;
                rest = &rest[i + 1..];
            }
            Err(i) => rest = &rest[i..],
        }
        if rest.is_empty() {
            break;
        }
    }
    count
}

/// Branch-free merge: which side advances is data, not control flow, so the loop does not
/// pay a mispredicted branch on every element of two random-looking hash sequences.
fn merge<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut count) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (&a[i], &b[j]);
        count += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    count
}

/// Similarity of two shingle sets.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Similarity {
    /// |A ∩ B|
    pub shared: usize,
    /// |A ∩ B| / |A ∪ B|
    pub jaccard: f64,
    /// |A ∩ B| / min(|A|, |B|)
    pub containment: f64,
    /// min(|A|, |B|) / max(|A|, |B|)
    pub size_ratio: f64,
}

/// Jaccard and containment of two sorted, de-duplicated shingle sets.
pub fn similarity(a: &[u32], b: &[u32]) -> Similarity {
    let shared = set_intersection_size(a, b);
    let union = a.len() + b.len() - shared;
    let min = a.len().min(b.len());
    Similarity {
        shared,
        jaccard: if union == 0 {
            0.0
        } else {
            shared as f64 / union as f64
        },
        containment: if min == 0 {
            0.0
        } else {
            shared as f64 / min as f64
        },
        size_ratio: if min == 0 {
            0.0
        } else {
            min as f64 / a.len().max(b.len()) as f64
        },
    }
}

/// Shingles a candidate pair must share before it gets passage evidence.
pub const MIN_GATE_SHINGLES: usize = 3;

/// Which candidate pairs go on to passage evidence ([`crate::evidence`]), which takes the
/// verdict: set similarity over whole articles is diluted by page furniture and local text,
/// so it only screens out pairs that share almost nothing.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub threshold: f64,
    pub evidence_containment: f64,
}

impl Rule {
    /// A pair passes when it shares at least [`MIN_GATE_SHINGLES`] and its Jaccard reaches
    /// the threshold or its containment reaches `evidence_containment`.
    pub fn accepts(&self, s: &Similarity) -> bool {
        s.shared >= MIN_GATE_SHINGLES
            && (s.jaccard >= self.threshold || s.containment >= self.evidence_containment)
    }
}

/// Where the gate reads each article's boilerplate-free shingle set (sorted, distinct): a
/// slice of sets in memory, the spill file of a large run (`spill::Sets`), and whatever
/// storage comes later. The stage sees only this.
pub trait SetSource: Sync {
    /// Article `i`'s set: borrowed from the source, or read into `buf`.
    fn set<'a>(&'a self, i: usize, buf: &'a mut Vec<u32>) -> crate::error::Result<&'a [u32]>;
}

impl SetSource for [Vec<u32>] {
    fn set<'a>(&'a self, i: usize, _: &'a mut Vec<u32>) -> crate::error::Result<&'a [u32]> {
        Ok(&self[i])
    }
}

/// Buffers of [`accepted_pairs`] for sets read from storage, one pair per thread.
pub type SetBuffers = (Vec<u32>, Vec<u32>);

/// The pairs of `cands` (sorted by `a`) that `rule` accepts or `pass` (sorted) lists, with
/// their similarity, in order. Each `a`'s set is fetched once for the run of its partners,
/// each `b`'s per pair: a borrow for sets in memory, a read for stored ones.
pub fn accepted_pairs(
    sets: &(impl SetSource + ?Sized),
    cands: &[(u32, u32)],
    rule: &Rule,
    pass: &[(u32, u32)],
    (buf_a, buf_b): &mut SetBuffers,
) -> crate::error::Result<Vec<((u32, u32), Similarity)>> {
    let mut out = Vec::new();
    for group in cands.chunk_by(|x, y| x.0 == y.0) {
        let set_a = sets.set(group[0].0 as usize, buf_a)?;
        for &(a, b) in group {
            let s = similarity(set_a, sets.set(b as usize, buf_b)?);
            if rule.accepts(&s) || pass.binary_search(&(a, b)).is_ok() {
                out.push(((a, b), s));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    proptest! {
        #[test]
        fn block_merge_counts_what_the_merge_counts(
            a in proptest::collection::btree_set(0u32..1000, 0..300),
            b in proptest::collection::btree_set(0u32..1000, 0..300),
        ) {
            let xs: Vec<u32> = a.iter().copied().collect();
            let ys: Vec<u32> = b.iter().copied().collect();
            let want = merge(&xs, &ys);
            prop_assert_eq!(block_merge(&xs, &ys), want);
            prop_assert_eq!(block_merge(&ys, &xs), want);
            prop_assert_eq!(set_intersection_size(&xs, &ys), want);
        }

        #[test]
        fn similarity_equals_a_set_computation(
            a in proptest::collection::btree_set(0u32..400, 0..200),
            b in proptest::collection::btree_set(0u32..400, 0..200),
            big in proptest::collection::btree_set(0u32..100_000, 0..3000),
        ) {
            for (x, y) in [(&a, &b), (&a, &big), (&big, &b)] {
                let xs: Vec<u32> = x.iter().copied().collect();
                let ys: Vec<u32> = y.iter().copied().collect();
                let hx: HashSet<u32> = x.iter().copied().collect();
                let hy: HashSet<u32> = y.iter().copied().collect();
                let inter = hx.intersection(&hy).count();
                let union = hx.union(&hy).count();
                let s = similarity(&xs, &ys);
                prop_assert_eq!(s.shared, inter);
                let j = if union == 0 { 0.0 } else { inter as f64 / union as f64 };
                prop_assert!((s.jaccard - j).abs() < 1e-12);
                let m = hx.len().min(hy.len());
                let c = if m == 0 { 0.0 } else { inter as f64 / m as f64 };
                prop_assert!((s.containment - c).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn shingle_keys_are_the_high_halves() {
        use crate::shingle::shingle_key;
        assert_eq!(
            shingle_key(1u64 << 32),
            shingle_key((1u64 << 32) + 5),
            "equal high halves merge"
        );
    }

    #[test]
    fn gate_passes_pairs_sharing_enough() {
        let r = Rule {
            threshold: 0.5,
            evidence_containment: 0.1,
        };
        let sim = |shared, jaccard, containment| Similarity {
            shared,
            jaccard,
            containment,
            size_ratio: 0.5,
        };
        assert!(
            r.accepts(&sim(40, 0.2, 0.45)),
            "a copy among page furniture"
        );
        assert!(r.accepts(&sim(12, 0.05, 0.12)), "an OCR copy");
        assert!(!r.accepts(&sim(2, 0.6, 1.0)), "two shared shingles");
        assert!(
            !r.accepts(&sim(20, 0.02, 0.05)),
            "a shared quote in long stories"
        );
    }
}
