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

/// Rows per band a scan uses at least, so that candidates grow with the feed and not with its
/// square: a pair of stories sharing one quoted sentence (Jaccard about 0.04) collides in a
/// band of `r` rows with probability 0.04^r, and a feed holds more such pairs the larger it
/// is; at four rows that chance is 10⁻⁴. Copies trimmed below the bands' reach come in
/// through the lead signatures instead. The measurements behind it (candidates at 2, 3 and 4
/// rows, and the recall they cost) are indexed in `benches/results/README.md`.
pub const MIN_SCAN_ROWS: usize = 4;

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
        Params::optimal_from(threshold, num_perms, fn_weight, 1)
    }

    /// [`Params::optimal`] among placements of at least `min_rows` rows per band.
    pub fn optimal_from(
        threshold: f64,
        num_perms: usize,
        fn_weight: f64,
        min_rows: usize,
    ) -> Params {
        let min_rows = min_rows.clamp(1, num_perms.max(1));
        let mut best = (
            f64::INFINITY,
            Params {
                bands: 1,
                rows: num_perms.max(1),
            },
        );
        for rows in min_rows..=num_perms {
            for bands in 1..=num_perms / rows {
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
    /// Jaccard is `c/3 / (4/3 - c/3)` (0.18 for c = 0.6). The curve is aimed at 0.6 times the
    /// smaller of that and `threshold`, with at least [`MIN_SCAN_ROWS`] rows per band: 32 bands
    /// of 4 rows at the defaults. Trimmed copies the bands miss come in through the lead
    /// signatures and the shared-paragraph candidates.
    pub fn for_scan(threshold: f64, containment_threshold: f64, num_perms: usize) -> Params {
        let c = containment_threshold / 3.0;
        let trimmed = c / (4.0 / 3.0 - c);
        Params::optimal_from(0.6 * threshold.min(trimmed), num_perms, 0.5, MIN_SCAN_ROWS)
    }

    /// Probability that a pair with Jaccard `s` becomes a candidate.
    pub fn candidate_probability(&self, s: f64) -> f64 {
        1.0 - (1.0 - s.powi(self.rows as i32)).powi(self.bands as i32)
    }
}

/// Writes the key of each band of `signature` (`params.bands` keys): the high half of
/// [`crate::hash::sequence`] of the band's rows. LSH needs only these, so a scan keeps
/// 4 bytes per band instead of the whole signature. Two articles whose band keys are equal
/// but whose band values differ (one chance in 2^32 per band and pair) only become a
/// candidate that verification rejects.
pub fn band_keys(signature: &[u32], params: Params, out: &mut [u32]) {
    for (band, key) in out.iter_mut().enumerate().take(params.bands) {
        let lo = band * params.rows;
        *key = (crate::hash::sequence(&signature[lo..lo + params.rows]) >> 32) as u32;
    }
}

/// Band keys of leads (see [`crate::shingle::take_set_and_lead`]): laid out like the articles' own,
/// `active[i]` false where article `i` has no lead distinct from itself.
#[derive(Clone, Copy, Debug)]
pub struct Leads<'a> {
    pub keys: &'a [u32],
    pub active: &'a [bool],
}

/// Candidate pairs `(a, b)` with `a < b`, sorted and unique. `keys` holds `bands` band keys
/// per article ([`band_keys`]), article after article; `active[i]` is false for articles with
/// no shingles, which are never paired. With `leads`, an article whose band key equals
/// another article's *lead* band key is a candidate too (a copy trimmed from the bottom);
/// leads are never paired with each other.
pub fn candidates(
    keys: &[u32],
    bands: usize,
    active: &[bool],
    leads: Option<Leads<'_>>,
) -> Vec<(u32, u32)> {
    collide(keys, bands, active, leads, |_, _| 1)
}

/// [`candidates`] without leads, of the pairs that meet in at least `need(a, b)` of all
/// bands. A pair is listed in the band where it first meets, as [`candidates`] lists it, and
/// only then are its meetings in all bands counted, so that pairs meeting less often are never
/// listed: on the generated 100k feed the word signature met 8.6 million pairs in a band, of
/// which 1.4 million met often enough.
pub fn candidates_meeting(
    keys: &[u32],
    bands: usize,
    active: &[bool],
    need: impl Fn(u32, u32) -> usize + Sync,
) -> Vec<(u32, u32)> {
    collide(keys, bands, active, None, need)
}

fn collide(
    keys: &[u32],
    bands: usize,
    active: &[bool],
    leads: Option<Leads<'_>>,
    need: impl Fn(u32, u32) -> usize + Sync,
) -> Vec<(u32, u32)> {
    candidates_first_met_in(keys, bands, active, leads, need, 0..bands)
}

/// The pairs of [`candidates`] (with `leads`) or [`candidates_meeting`] (without) that first
/// meet in one of the bands of `range`, sorted and unique. A pair is listed in the band where
/// it first meets and nowhere else, whatever the other bands, so the lists of a cutting of
/// the bands into ranges, merged, sorted and made unique, are the list of all bands: stage 4
/// handed out by band ranges ([`crate::tasks::BandTask`]) gives the pairs a scan here gives.
pub fn candidates_first_met_in(
    keys: &[u32],
    bands: usize,
    active: &[bool],
    leads: Option<Leads<'_>>,
    need: impl Fn(u32, u32) -> usize + Sync,
    range: std::ops::Range<usize>,
) -> Vec<(u32, u32)> {
    let n = active.len();
    debug_assert_eq!(keys.len(), n * bands);
    debug_assert!(n < 1 << 31 && range.end <= bands);
    // Bits for an article index plus the lead flag, below the 32-bit band key.
    let id_bits = 64 - (n as u64 | 1).leading_zeros() + 1;
    let lead_bit = 1u64 << (id_bits - 1);
    let id_mask = lead_bit - 1;
    let rows = KeyRows::new(keys, bands);
    let mut pairs: Vec<(u32, u32)> = range
        .into_par_iter()
        .flat_map_iter(|band| {
            // One u64 per member: the band key, then the lead flag, then the article.
            // Sorting plain integers is much cheaper than (key, id) tuples.
            let key = |ks: &[u32], i: usize| (ks[i * bands + band] as u64) << id_bits;
            let mut members: Vec<u64> = (0..n)
                .filter(|&i| active[i])
                .map(|i| key(keys, i) | i as u64)
                .collect();
            if let Some(l) = leads {
                members.extend(
                    (0..n)
                        .filter(|&i| l.active[i])
                        .map(|i| key(l.keys, i) | lead_bit | i as u64),
                );
            }
            sort_by_key_bits(&mut members, id_bits);
            let mut out = Vec::new();
            let mut cross = Vec::new();
            let id = |k: &u64| (k & id_mask) as u32;
            for group in members.chunk_by(|x, y| x >> id_bits == y >> id_bits) {
                // Whole articles sort before leads within a bucket, each in id order.
                let whole = group.partition_point(|k| k & lead_bit == 0);
                let (w, l) = group.split_at(whole);
                push_bucket_pairs(w.iter().map(id), w.len(), &mut out);
                for x in l {
                    let lead = id(x);
                    for y in w.iter().take(MAX_BUCKET).map(id) {
                        if y != lead {
                            cross.push((lead, y));
                        }
                    }
                }
            }
            // A pair is kept only in the first band where it collides (a whole article with
            // a whole article, or a lead with a whole article), so that close copies (which
            // collide in most bands) are not listed, sorted and dropped once per band: a
            // lead and its copies met in 5.6 bands on average. Comparing the earlier bands'
            // keys costs much less.
            out.retain(|&(a, b)| {
                rows.meet(a, b, 0..band, 1) == 0 && {
                    let need = need(a, b);
                    // The pair meets in this band: count the later ones.
                    need <= 1 || 1 + rows.meet(a, b, band + 1..bands, need - 1) >= need
                }
            });
            let met = |x: &[u32], a: u32, b: u32, upto: usize| {
                let (sa, sb) = (a as usize * bands, b as usize * bands);
                x[sa..sa + upto]
                    .iter()
                    .zip(&keys[sb..sb + upto])
                    .filter(|(x, y)| x == y)
                    .count()
            };
            if let Some(l) = leads {
                cross.retain(|&(lead, y)| met(l.keys, lead, y, band) == 0);
            }
            out.extend(cross.into_iter().map(|(x, y)| (x.min(y), x.max(y))));
            out.into_iter()
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// The band keys of all articles with one byte of each beside them, in the keys' layout, for
/// counting the bands in which two listed articles meet. A listed pair's rows are compared
/// eight bytes at a time, and only the bands whose bytes agree (where they meet, and one other
/// band in 256 by chance) are compared in full: a quarter of the memory to load per pair,
/// which is what the count waits on (the character signature lists 20 million pairs on the
/// generated 100k feed, and the rows of 100,000 articles do not fit a core's cache). On that
/// feed the character signature's candidates took 0.74 s instead of 0.95 s.
struct KeyRows<'a> {
    keys: &'a [u32],
    bytes: Vec<u8>,
    bands: usize,
}

impl<'a> KeyRows<'a> {
    fn new(keys: &'a [u32], bands: usize) -> Self {
        KeyRows {
            keys,
            bytes: keys.par_iter().map(|&k| k as u8).collect(),
            bands,
        }
    }

    /// Bands of `range` in which articles `a` and `b` have equal keys, counted up to `stop`.
    fn meet(&self, a: u32, b: u32, range: std::ops::Range<usize>, stop: usize) -> usize {
        let (sa, sb) = (a as usize * self.bands, b as usize * self.bands);
        let (ka, kb) = (
            &self.keys[sa + range.start..sa + range.end],
            &self.keys[sb + range.start..sb + range.end],
        );
        let (ba, bb) = (
            &self.bytes[sa + range.start..sa + range.end],
            &self.bytes[sb + range.start..sb + range.end],
        );
        let mut met = 0;
        let mut at = 0;
        for (x, y) in ba.chunks_exact(8).zip(bb.chunks_exact(8)) {
            let word = |c: &[u8]| u64::from_le_bytes(c.try_into().expect("eight bytes"));
            let mut equal = equal_bytes(word(x), word(y));
            while equal != 0 {
                let j = at + (equal.trailing_zeros() / 8) as usize;
                if ka[j] == kb[j] {
                    met += 1;
                    if met >= stop {
                        return met;
                    }
                }
                equal &= equal - 1;
            }
            at += 8;
        }
        for j in at..ka.len() {
            if ba[j] == bb[j] && ka[j] == kb[j] {
                met += 1;
                if met >= stop {
                    return met;
                }
            }
        }
        met
    }
}

/// The top bit of each byte of the result is set where the bytes of `x` and `y` are equal,
/// and every other bit is clear (no carry crosses a byte: the sum of two 7-bit values fits
/// in 8 bits).
fn equal_bytes(x: u64, y: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let v = x ^ y;
    !(((v & LOW7) + LOW7) | v | LOW7)
}

/// Sorts `v` as `sort_unstable` would, given that the values are ascending wherever their
/// bits from `low` up are equal (the band members: whole articles then leads, each in id
/// order, below the band key). Only those high bits need sorting, and a stable sort keeps the
/// rest in order: a least-significant-digit radix sort, 11 bits a pass, about a seventh of
/// the time of a comparison sort for a band of 100,000 articles. Small inputs, where the
/// passes' fixed cost dominates, are compared. The digits of every pass are counted in one
/// read, and a pass whose digit is one value for all (above the highest key bit) is skipped:
/// three passes instead of five for 32-bit keys above an 18-bit id, and 128 bands of 100,000
/// members in 0.25-0.35 s instead of 0.35-0.43 s on one core.
fn sort_by_key_bits(v: &mut [u64], low: u32) {
    const BITS: u32 = 11;
    const RADIX: usize = 1 << BITS;
    let n = v.len();
    if n < 1 << 12 || low >= 64 {
        v.sort_unstable();
        return;
    }
    // Every pass's digit counts in one read of the values; a pass whose digit is the same
    // for every value (the bits above the highest key bit) moves nothing and is skipped.
    let shifts: Vec<u32> = (low..64).step_by(BITS as usize).collect();
    let digit = |x: u64, shift: u32| ((x >> shift) & (RADIX as u64 - 1)) as usize;
    let mut counts = vec![0u32; RADIX * shifts.len()];
    for &x in v.iter() {
        for (p, &shift) in shifts.iter().enumerate() {
            counts[p * RADIX + digit(x, shift)] += 1;
        }
    }
    let mut tmp = vec![0u64; n];
    let mut in_v = true;
    for (p, &shift) in shifts.iter().enumerate() {
        let counts = &mut counts[p * RADIX..(p + 1) * RADIX];
        if counts.iter().any(|&c| c as usize == n) {
            continue;
        }
        let (src, dst) = if in_v {
            (&v[..], &mut tmp[..])
        } else {
            (&tmp[..], &mut v[..])
        };
        let mut sum = 0u32;
        for c in counts.iter_mut() {
            let here = *c;
            *c = sum;
            sum += here;
        }
        for &x in src {
            let d = digit(x, shift);
            dst[counts[d] as usize] = x;
            counts[d] += 1;
        }
        in_v = !in_v;
    }
    if !in_v {
        v.copy_from_slice(&tmp);
    }
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

    proptest! {
        /// The radix sort of band members against the comparison sort, for inputs built as
        /// `candidates` builds them: random keys above `low` bits that ascend below them.
        #[test]
        fn band_members_sort_as_a_comparison_sort_sorts_them(
            keys in proptest::collection::vec(0u32..64, 0..9000),
            wide in any::<bool>(),
            low in 14u32..33,
        ) {
            let n = keys.len() as u64;
            let mut v: Vec<u64> = keys
                .iter()
                .enumerate()
                .map(|(i, &k)| {
                    // Few distinct keys make large buckets; `wide` spreads them over 32 bits.
                    let k = if wide { (k as u64).wrapping_mul(0x9E37_79B9) & 0xFFFF_FFFF } else { k as u64 };
                    (k << low) | (i as u64 * ((1 << low) - 1) / n.max(1))
                })
                .collect();
            let mut expected = v.clone();
            expected.sort_unstable();
            sort_by_key_bits(&mut v, low);
            prop_assert_eq!(v, expected);
        }

        /// `KeyRows` counts the bands where two rows' keys are equal, whatever the range, the
        /// stop and the rows' length (eight bands at a time and the rest), also where the
        /// bytes it compares first agree and the keys do not.
        #[test]
        fn rows_count_the_bands_where_two_articles_meet_as_their_keys_say(
            keys in proptest::collection::vec(0u32..6, 2 * 21),
            high in proptest::collection::vec(0u32..3, 2 * 21),
            bands in 1usize..=21,
            start in 0usize..21,
            stop in 1usize..4,
        ) {
            // Few distinct low bytes, so bytes agree where keys differ (the high bits).
            let keys: Vec<u32> = keys.iter().zip(&high).map(|(k, h)| k | h << 8).collect();
            let keys = &keys[..2 * bands];
            let start = start.min(bands);
            let rows = KeyRows::new(keys, bands);
            let naive = (start..bands).filter(|&j| keys[j] == keys[bands + j]).count();
            prop_assert_eq!(rows.meet(0, 1, start..bands, stop), naive.min(stop));
            prop_assert_eq!(rows.meet(1, 0, start..bands, usize::MAX), naive);
        }

        /// Counting meetings inside the band loop keeps exactly the pairs that filtering the
        /// first-meeting pairs by their meetings in all bands keeps, also past
        /// [`MAX_BUCKET`] (few distinct keys make buckets of hundreds), where which band
        /// lists a pair depends on the cap.
        #[test]
        fn pairs_meeting_often_enough_are_those_filtered_afterwards(
            n in 2usize..700,
            bands in 1usize..6,
            distinct in 1u32..40,
            seed in any::<u64>(),
            need_of_odd in 1usize..4,
        ) {
            let keys: Vec<u32> = (0..n * bands)
                .map(|i| (crate::hash::fmix64(seed ^ i as u64) % distinct as u64) as u32)
                .collect();
            let active: Vec<bool> = (0..n).map(|i| i % 7 != 3).collect();
            // Odd articles stand for the noisy ones: a pair with one needs `need_of_odd`.
            let need = |a: u32, b: u32| if (a | b) & 1 == 1 { need_of_odd } else { 2 };
            let met = |a: u32, b: u32| {
                (0..bands)
                    .filter(|&k| keys[a as usize * bands + k] == keys[b as usize * bands + k])
                    .count()
            };
            let expected: Vec<(u32, u32)> = candidates(&keys, bands, &active, None)
                .into_iter()
                .filter(|&(a, b)| met(a, b) >= need(a, b))
                .collect();
            prop_assert_eq!(candidates_meeting(&keys, bands, &active, need), expected);
        }
    }

    /// Band keys of signatures of `k` values each, back to back.
    fn keys_of(sigs: &[u32], k: usize, params: Params) -> Vec<u32> {
        let mut out = vec![0u32; sigs.len() / k * params.bands];
        for (sig, o) in sigs.chunks(k).zip(out.chunks_mut(params.bands)) {
            band_keys(sig, params, o);
        }
        out
    }

    #[test]
    fn scan_params_catch_trimmed_copies_but_not_a_shared_quote() {
        let p = Params::for_scan(0.5, 0.6, 128);
        assert_eq!((p.bands, p.rows), (32, 4));
        // A copy at Jaccard 0.6 (or a trimmed copy against the lead it keeps, about 0.7) is
        // almost always a candidate; a pair sharing one quoted sentence (about 0.04) almost
        // never.
        assert!(p.candidate_probability(0.6) > 0.98, "{p:?}");
        assert!(p.candidate_probability(0.04) < 0.0002, "{p:?}");
    }

    #[test]
    fn a_copy_trimmed_to_its_lead_is_found_through_the_lead_signature() {
        let m = MinHasher::new(126);
        let params = Params { bands: 42, rows: 3 };
        // Article 0: a 600-shingle story. Article 1: its first 150 shingles plus a local
        // intro of 30 (Jaccard 0.24 with the story, 0.65 with its 200-shingle lead).
        // Articles 2 and 3: unrelated stories given equal lead signatures (of a set neither
        // holds); leads are never paired with each other, so they are no candidate.
        let story: Vec<u64> = (0..600).collect();
        let copy: Vec<u64> = (0..150).chain(10_000..10_030).collect();
        let shared_lead: Vec<u64> = (50_000..50_100).collect();
        let mut sigs = Vec::new();
        for s in [&story, &copy] {
            sigs.extend(m.signature(s));
        }
        for i in 0..2u64 {
            let own = 100_000 + i * 1000;
            sigs.extend(m.signature(&(own..own + 900).collect::<Vec<u64>>()));
        }
        let mut lead_sigs = m.signature(&story[..200]);
        lead_sigs.extend(vec![u32::MAX; 126]);
        lead_sigs.extend(m.signature(&shared_lead));
        lead_sigs.extend(m.signature(&shared_lead));
        let (keys, lead_keys) = (
            keys_of(&sigs, 126, params),
            keys_of(&lead_sigs, 126, params),
        );
        let active = [true; 4];
        let leads = Leads {
            keys: &lead_keys,
            active: &[true, false, true, true],
        };
        assert_eq!(candidates(&keys, 42, &active, Some(leads)), vec![(0, 1)]);
        // An article's own lead never pairs it with itself.
        let own = Leads {
            keys: &keys,
            active: &[true; 4],
        };
        assert!(candidates(&keys[..2 * 42], 42, &active[..2], Some(own))
            .iter()
            .all(|&(a, b)| a != b));
    }

    #[test]
    fn optimal_from_respects_the_row_floor() {
        let free = Params::optimal(0.1, 128, 0.5);
        assert!(free.rows < 4, "{free:?}");
        let p = Params::optimal_from(0.1, 128, 0.5, 4);
        assert!(p.rows >= 4 && p.bands * p.rows <= 128, "{p:?}");
        assert_eq!(
            Params::optimal_from(0.5, 4, 0.5, 9),
            Params { bands: 1, rows: 4 }
        );
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
            let got = candidates(&keys_of(&sigs, 32, params), 16, &active, None);
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
