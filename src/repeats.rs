//! Repeats inside one article: a paragraph, or a run of paragraphs, that repeats an earlier
//! part of the same article (a body printed twice, a headline repeated as the first
//! paragraph, a pasted paragraph).
//!
//! 1. Paragraph pairs `(i, j)`, `i < j`, match when their normalized words are equal, or when
//!    they are near-exact: candidates come from a small MinHash sketch of each paragraph's
//!    words banded into [`BANDS`] bands (so the work is linear in the paragraphs, not
//!    quadratic), and are kept when both have at least [`MIN_NEAR_REPEAT_WORDS`] words and the
//!    longest common subsequence of their words is at least `repeat_similarity` of the longer
//!    one.
//! 2. Matches on one diagonal (`j - i` constant) with consecutive `i` form a run. A run
//!    longer than its distance `d = j - i` is periodic (a paragraph or a block printed many
//!    times): its first copy is its first `d` paragraphs and its repeat all the later ones,
//!    so the first copy always ends before the repeat starts and a line printed 1,000 times
//!    is one run.
//! 3. Runs are taken longest first; a later paragraph is reported as a repeat at most once
//!    (against its earliest first occurrence among equally long runs), and runs with fewer
//!    than `min_repeat_words` repeated words are dropped, except the opening paragraph
//!    repeated right after itself (a headline echoed as the first paragraph, often 3-5 words).

use crate::shingle::Paragraph;

/// Words both paragraphs of a near-exact (not exact) repeat need: in a shorter line one
/// changed word makes a different line ("Jul 15, 2018 2:37 PM" and "… 2:39 PM"), not an edit.
pub const MIN_NEAR_REPEAT_WORDS: usize = 10;

/// Sketch values per paragraph.
pub const SKETCH: usize = 8;
/// Bands of the paragraph sketch (rows = SKETCH / BANDS = 2; candidate threshold ≈ 0.5).
pub const BANDS: usize = 4;
/// Longest paragraph (in words) compared word by word; longer ones compare word multisets.
pub const MAX_LCS_WORDS: usize = 2000;

/// A repeated run: paragraphs `repeat.0..=repeat.1` repeat paragraphs `first.0..=first.1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RepeatRun {
    pub first: (usize, usize),
    pub repeat: (usize, usize),
    /// Words in the repeated paragraphs.
    pub words: usize,
}

use crate::hash::fmix64 as mix;

/// The `SKETCH` permutations of the sketch: `x -> (x ^ XOR[k]) * MUL[k]`, a bijection of u64
/// for an odd multiplier. Token hashes are already uniformly random (`hash::token`), so one
/// multiply per value is enough; a full mixer per value cost three times as much.
const SKETCH_PERMS: ([u64; SKETCH], [u64; SKETCH]) = {
    let mut xor = [0u64; SKETCH];
    let mut mul = [0u64; SKETCH];
    let mut k = 0;
    while k < SKETCH {
        xor[k] = mix(0x5EED_0000 + 2 * k as u64);
        mul[k] = mix(0x5EED_0001 + 2 * k as u64) | 1;
        k += 1;
    }
    (xor, mul)
};

/// The paragraph's sketch: per permutation, the least permuted token hash.
fn sketch(tokens: &[u64]) -> [u64; SKETCH] {
    #[cfg(target_arch = "x86_64")]
    if crate::avx512() {
        // SAFETY: the processor has the features `sketch_avx512` is compiled for.
        return unsafe { sketch_avx512(tokens) };
    }
    sketch_portable(tokens)
}

/// [`sketch_portable`] compiled for AVX-512, where the eight 64-bit multiplies of a token are
/// one instruction (`vpmullq`); the same integer operations, so the same values.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn sketch_avx512(tokens: &[u64]) -> [u64; SKETCH] {
    sketch_portable(tokens)
}

#[inline(always)]
fn sketch_portable(tokens: &[u64]) -> [u64; SKETCH] {
    let (xor, mul) = SKETCH_PERMS;
    let mut s = [u64::MAX; SKETCH];
    for &t in tokens {
        for k in 0..SKETCH {
            s[k] = s[k].min((t ^ xor[k]).wrapping_mul(mul[k]));
        }
    }
    s
}

/// Similarity of two word sequences: LCS length over the longer length (multiset overlap for
/// very long paragraphs).
pub fn word_similarity(a: &[u64], b: &[u64]) -> f64 {
    similarity(a, b, &mut LcsBuffers::default())
}

fn similarity(a: &[u64], b: &[u64], bufs: &mut LcsBuffers) -> f64 {
    let longer = a.len().max(b.len());
    if longer == 0 {
        return 1.0;
    }
    if a.len() > MAX_LCS_WORDS || b.len() > MAX_LCS_WORDS {
        let (mut x, mut y) = (a.to_vec(), b.to_vec());
        x.sort_unstable();
        y.sort_unstable();
        return crate::verify::intersection_size(&x, &y) as f64 / longer as f64;
    }
    lcs_len_with(a, b, bufs) as f64 / longer as f64
}

/// Buffers of [`lcs_len`], reused from pair to pair within an article.
#[derive(Default)]
struct LcsBuffers {
    /// Open-addressing table of the pattern's distinct symbols: (symbol, its row in `masks`).
    table: Vec<(u64, u32)>,
    masks: Vec<u64>,
    v: Vec<u64>,
}

/// Length of the longest common subsequence of `a` and `b`, computed a machine word of the
/// dynamic-programming column at a time (the bit-vector algorithm of Allison and Dix, in
/// Hyyrö's form): with the shorter sequence as the pattern, each symbol of the other costs one
/// add and a few logic operations per 64 pattern positions, and symbols the pattern lacks
/// cost a lookup only. The classic table costs one step per pair of positions.
pub fn lcs_len(a: &[u64], b: &[u64]) -> usize {
    lcs_len_with(a, b, &mut LcsBuffers::default())
}

/// Empty slot of [`LcsBuffers::table`].
const NO_ROW: u32 = u32::MAX;

fn lcs_len_with(a: &[u64], b: &[u64], bufs: &mut LcsBuffers) -> usize {
    let (pattern, text) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let m = pattern.len();
    if m == 0 {
        return 0;
    }
    let w = m.div_ceil(64);
    let LcsBuffers { table, masks, v } = bufs;
    // The distinct symbols of the pattern in a table at most half full (linear probing),
    // each with the mask of its positions.
    let cap = (2 * m).next_power_of_two();
    let shift = 64 - cap.trailing_zeros();
    let slot_of = |x: u64| (x.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize;
    table.clear();
    table.resize(cap, (0, NO_ROW));
    masks.clear();
    for (i, &x) in pattern.iter().enumerate() {
        let mut h = slot_of(x);
        while table[h].1 != NO_ROW && table[h].0 != x {
            h = (h + 1) & (cap - 1);
        }
        if table[h].1 == NO_ROW {
            table[h] = (x, (masks.len() / w) as u32);
            masks.resize(masks.len() + w, 0);
        }
        masks[table[h].1 as usize * w + i / 64] |= 1 << (i % 64);
    }
    let row_of = |x: u64| {
        let mut h = slot_of(x);
        loop {
            match table[h] {
                (_, NO_ROW) => return None,
                (y, row) if y == x => return Some(row as usize),
                _ => h = (h + 1) & (cap - 1),
            }
        }
    };
    // Bit i of `v` is 0 where column i of the table steps up: their count is the LCS.
    v.clear();
    v.resize(w, u64::MAX);
    for &c in text {
        let Some(k) = row_of(c) else {
            continue;
        };
        let mut carry = false;
        for (x, &pm) in v.iter_mut().zip(&masks[k * w..(k + 1) * w]) {
            let u = *x & pm;
            let (sum, c1) = x.overflowing_add(u);
            let (sum, c2) = sum.overflowing_add(u64::from(carry));
            carry = c1 || c2;
            *x = sum | (*x & !pm);
        }
    }
    let tail = m % 64;
    v.iter()
        .enumerate()
        .map(|(k, &x)| {
            let live = if k + 1 == w && tail != 0 {
                (1u64 << tail) - 1
            } else {
                u64::MAX
            };
            (!x & live).count_ones() as usize
        })
        .sum()
}

/// The first copy of paragraphs `s..=e` of run `r`'s repeat (offsets into the repeat). In a
/// periodic run (repeat longer than its first copy) each period repeats the one before it,
/// so a piece starting anywhere repeats the paragraphs one period earlier.
fn first_of_piece(r: &RepeatRun, s: usize, e: usize) -> (usize, usize) {
    let period = r.first.1 - r.first.0 + 1;
    if r.repeat.1 - r.repeat.0 < period {
        return (r.first.0 + s, r.first.0 + e);
    }
    let start = r.repeat.0 + s - period;
    (start, start + (e - s).min(period - 1))
}

/// Whether a word is a number or a name: it has a digit, or starts with a capital letter.
/// A near-exact repeat must not replace a number or a name of its first occurrence (issue
/// 17: table rows "Oper shr loss 1.24 dlrs vs profit 19 cts" and "…1.55 dlrs vs profit 42
/// cts", lists ending "…Juventus, Lyon." and "…Juventus, Monaco." are different lines, not
/// one line edited), while a teaser cut short before a figure still repeats its line. A
/// sentence's capitalised first word counts too.
pub fn is_number_or_name(word: &str) -> bool {
    word.bytes().any(|b| b.is_ascii_digit())
        || word
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_numeric())
}

/// Finds the repeated runs of one article. `tokens` are the token hashes of the whole article,
/// indexed by the paragraphs' token ranges; `marked(t)` says token `t` is a number or a name
/// ([`is_number_or_name`]; asked only of the paragraphs of near-exact pairs), and a
/// near-exact pair needs the marked words of one side all among the other side's words: a
/// figure or a name *replaced* by another leaves each side a marked word the other lacks, a
/// copy cut short or carrying one more name does not (an exact pair has them anyway).
pub fn find(
    paragraphs: &[Paragraph],
    tokens: &[u64],
    marked: impl Fn(usize) -> bool,
    min_repeat_words: usize,
    repeat_similarity: f64,
) -> Vec<RepeatRun> {
    let n = paragraphs.len();
    if n < 2 {
        return Vec::new();
    }
    let words = |p: usize| paragraphs[p].words();
    let toks =
        |p: usize| &tokens[paragraphs[p].first_token as usize..paragraphs[p].end_token as usize];
    // Whether every number and name of paragraph `p` is a word of paragraph `q`. Words are
    // compared normalised, so a headline in title case and its first paragraph in sentence
    // case have the same names; a changed figure or name is missing from the other side.
    let names_in = |p: usize, q: usize| {
        let r = paragraphs[p].first_token as usize..paragraphs[p].end_token as usize;
        let other = toks(q);
        r.into_iter()
            .all(|t| !marked(t) || other.contains(&tokens[t]))
    };

    // 1. Matching pairs.
    let mut keys: Vec<(u64, u32)> = Vec::with_capacity(n * (BANDS + 1));
    for (p, para) in paragraphs.iter().enumerate() {
        if para.words() == 0 {
            continue;
        }
        keys.push((para.hash, p as u32));
        let s = sketch(toks(p));
        let rows = SKETCH / BANDS;
        for b in 0..BANDS {
            let band = &s[b * rows..(b + 1) * rows];
            let h =
                crate::hash::sequence(band) ^ (b as u64 + 1).wrapping_mul(0xA24B_AED4_963E_E407);
            keys.push((h, p as u32));
        }
    }
    keys.sort_unstable();
    let mut cand: Vec<(u32, u32)> = Vec::new();
    for group in keys.chunk_by(|a, b| a.0 == b.0) {
        // A key shared by very many paragraphs is a degenerate article (the same line
        // hundreds of times); pair each with the first few, which still finds every repeat.
        for (x, &(_, i)) in group.iter().enumerate() {
            for &(_, j) in group[x + 1..].iter().take(64) {
                if i != j {
                    cand.push((i.min(j), i.max(j)));
                }
            }
        }
    }
    cand.sort_unstable();
    cand.dedup();
    let mut lcs = LcsBuffers::default();
    let mut matched: Vec<(usize, usize)> = cand
        .into_iter()
        .map(|(i, j)| (i as usize, j as usize))
        .filter(|&(i, j)| {
            let (a, b) = (&paragraphs[i], &paragraphs[j]);
            if a.hash == b.hash && a.words() == b.words() {
                return true;
            }
            let (la, lb) = (a.words() as f64, b.words() as f64);
            a.words().min(b.words()) >= MIN_NEAR_REPEAT_WORDS
                && la.min(lb) / la.max(lb) >= repeat_similarity
                && similarity(toks(i), toks(j), &mut lcs) >= repeat_similarity
                && (names_in(i, j) || names_in(j, i))
        })
        .collect();
    if matched.is_empty() {
        return Vec::new(); // most articles
    }

    // 2. Maximal runs along diagonals. A run longer than its diagonal's distance `d` is a
    // block of `d` paragraphs printed again and again: one run whose repeat is all the later
    // copies and whose first copy is the first `d` paragraphs (else a line printed 1,000
    // times would be dozens of overlapping runs).
    matched.sort_unstable_by_key(|&(i, j)| (j - i, i));
    let mut runs: Vec<RepeatRun> = Vec::new();
    let mut k = 0;
    while k < matched.len() {
        let (i0, j0) = matched[k];
        let d = j0 - i0;
        let mut len = 1;
        while k + len < matched.len() && matched[k + len] == (i0 + len, j0 + len) {
            len += 1;
        }
        runs.push(RepeatRun {
            first: (i0, i0 + len.min(d) - 1),
            repeat: (j0, j0 + len - 1),
            words: (j0..j0 + len).map(words).sum(),
        });
        k += len;
    }

    // 3. Longest first; each later paragraph repeated at most once.
    runs.sort_by_key(|r| (std::cmp::Reverse(r.words), r.repeat.0, r.first.0));
    let mut covered = vec![false; n];
    let mut out = Vec::new();
    for r in runs {
        // Split the run into the pieces whose repeat paragraphs are still uncovered.
        let len = r.repeat.1 - r.repeat.0 + 1;
        let mut s = 0;
        while s < len {
            if covered[r.repeat.0 + s] {
                s += 1;
                continue;
            }
            let mut e = s;
            while e + 1 < len && !covered[r.repeat.0 + e + 1] {
                e += 1;
            }
            let piece = RepeatRun {
                first: first_of_piece(&r, s, e),
                repeat: (r.repeat.0 + s, r.repeat.0 + e),
                words: (r.repeat.0 + s..=r.repeat.0 + e).map(words).sum(),
            };
            // The opening paragraph printed twice in a row (a headline echoed as the first
            // paragraph) is reported whatever its length: short headlines are the usual case.
            let echoed_opening = piece.first.0 == 0 && piece.repeat.0 == piece.first.1 + 1;
            if piece.words >= min_repeat_words.max(1) || (echoed_opening && piece.words >= 2) {
                covered[piece.repeat.0..=piece.repeat.1].fill(true);
                out.push(piece);
            }
            s = e + 1;
        }
    }
    out.sort_by_key(|r| (r.repeat.0, r.first.0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shingle::{analyze, Scratch};

    fn run(text: &str, min_words: usize) -> Vec<RepeatRun> {
        let mut s = Scratch::default();
        let a = analyze(text, 5, &mut s);
        let toks: Vec<u64> = s.tokens.iter().map(|t| t.hash).collect();
        let marked = |t: usize| {
            let t = &s.tokens[t];
            is_number_or_name(&text[t.start as usize..t.end as usize])
        };
        find(&a.paragraphs, &toks, marked, min_words, 0.8)
    }

    /// Issue 17: lines that differ by a figure or a name are different lines.
    #[test]
    fn a_changed_number_or_name_is_no_near_repeat() {
        let rows = "Oper shr profit 36 cts vs loss 1.48 dlrs in the first quarter of the year\n\nA line in between that says something else entirely, at some length.\n\nOper shr profit 31 cts vs loss 1.58 dlrs in the first quarter of the year";
        assert!(run(rows, 6).is_empty(), "{:?}", run(rows, 6));
        let lists = "Drawn for the last sixteen were Barcelona, Porto, Ajax, Benfica, Juventus, Lyon.\n\nA line in between that says something else entirely, at some length.\n\nDrawn for the last sixteen were Barcelona, Porto, Ajax, Benfica, Juventus, Monaco.";
        assert!(run(lists, 6).is_empty(), "{:?}", run(lists, 6));
        // A headline in title case repeated in sentence case, one word changed, is a repeat:
        // the paragraph's names are all words of the headline.
        let headline = "Trump Says He Trusts Putin More Than His Own Spy Agencies After Helsinki Talks\n\nA line in between that says something else entirely, at some length.\n\nTrump says he trusts Putin more than his own intelligence agencies after Helsinki talks";
        assert_eq!(run(headline, 6).len(), 1, "{:?}", run(headline, 6));
        // A teaser cut short one word later is the same line.
        let cut = "The summit was overshadowed by the indictment of twelve Russian officers for meddling in the election ...\n\nA line in between that says something else entirely, at some length.\n\nThe summit was overshadowed by the indictment of twelve Russian officers for meddling in the 2016 election ...";
        assert_eq!(run(cut, 6).len(), 1, "{:?}", run(cut, 6));
        // A changed common word is still an edit of one line.
        let edited = "Drawn for the last sixteen were Barcelona, Porto, Ajax, Benfica, Juventus, Lyon.\n\nA line in between that says something else entirely, at some length.\n\nDrawn for the final sixteen were Barcelona, Porto, Ajax, Benfica, Juventus, Lyon.";
        assert_eq!(run(edited, 6).len(), 1);
    }

    const P: [&str; 4] = [
        "The minister said on Monday that talks would resume next week in Geneva.",
        "Officials from both sides declined to comment on the substance of the negotiations.",
        "Markets rose sharply after the announcement, with the index up two percent.",
        "Analysts cautioned that a final agreement could still be months away at best.",
    ];

    #[test]
    fn doubled_body_is_one_maximal_run() {
        let text = format!(
            "Headline of the story\n{}\n{}\n{}\n{}\n{}\n{}",
            P[0], P[1], P[2], P[0], P[1], P[2]
        );
        assert_eq!(
            run(&text, 6),
            vec![RepeatRun {
                first: (1, 3),
                repeat: (4, 6),
                words: 38
            }]
        );
    }

    #[test]
    fn near_exact_repeat_with_a_changed_word_is_found() {
        let edited = P[0].replace("resume", "restart");
        let text = format!("{}\n{}\n{}\n{}", P[0], P[1], P[2], edited);
        let r = run(&text, 6);
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].first, r[0].repeat), ((0, 0), (3, 3)));
        // A changed day is a changed fact, like a figure (issue 17): no repeat.
        let other_day = P[0].replace("Monday", "Tuesday");
        let text = format!("{}\n{}\n{}\n{}", P[0], P[1], P[2], other_day);
        assert!(run(&text, 6).is_empty());
    }

    #[test]
    fn headline_repeated_as_first_paragraph() {
        let text = format!(
            "Talks to resume next week in Geneva\nTalks to resume next week in Geneva\n{}",
            P[1]
        );
        let r = run(&text, 6);
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].first, r[0].repeat), ((0, 0), (1, 1)));
        let short = format!(
            "Geneva talks resume\nGeneva talks resume\n{}\n{}\n{}",
            P[1], P[2], P[2]
        );
        let r = run(&short, 6);
        assert_eq!(r.len(), 2, "a short echoed headline is reported: {r:?}");
        let later = format!("{}\nGeneva talks resume\nGeneva talks resume", P[1]);
        assert!(
            run(&later, 6).is_empty(),
            "3 words elsewhere are below the minimum"
        );
    }

    #[test]
    fn triple_copy_is_one_periodic_run() {
        // One run, not two ((0,1)->(2,3) and (0,1)->(4,5)).
        let text = [P[0], P[1], P[0], P[1], P[0], P[1]].join("\n");
        let r = run(&text, 6);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!((r[0].first, r[0].repeat), ((0, 1), (2, 5)));
    }

    /// Issue 17: a paragraph or block printed many times is one run, whatever the count.
    #[test]
    fn issue_17_a_line_printed_many_times_is_one_run() {
        struct Case {
            copies: usize,
            block: &'static [&'static str],
            want: (usize, usize),
        }
        let cases = [
            Case {
                copies: 2,
                block: &[P[0]],
                want: (0, 0),
            },
            Case {
                copies: 3,
                block: &[P[0]],
                want: (0, 0),
            },
            Case {
                copies: 1000,
                block: &[P[0]],
                want: (0, 0),
            },
            Case {
                copies: 200,
                block: &[P[0], P[1], P[2]],
                want: (0, 2),
            },
        ];
        for c in cases {
            let n = c.copies * c.block.len();
            let text = (0..n)
                .map(|k| c.block[k % c.block.len()])
                .collect::<Vec<_>>()
                .join("\n");
            let r = run(&format!("{text}\n{}", P[3]), 6);
            let words: usize = c.block.iter().map(|p| p.split(' ').count()).sum();
            assert_eq!(
                r,
                vec![RepeatRun {
                    first: c.want,
                    repeat: (c.block.len(), n - 1),
                    words: words * (c.copies - 1),
                }],
                "{} copies of {} paragraphs",
                c.copies,
                c.block.len()
            );
        }
    }

    #[test]
    fn a_piece_of_a_periodic_run_repeats_the_period_before_it() {
        let r = RepeatRun {
            first: (2, 4),
            repeat: (5, 13),
            words: 0,
        };
        assert_eq!(first_of_piece(&r, 0, 8), (2, 4));
        assert_eq!(first_of_piece(&r, 4, 5), (6, 7));
        assert_eq!(first_of_piece(&r, 7, 7), (9, 9));
        let plain = RepeatRun {
            first: (0, 2),
            repeat: (7, 9),
            words: 0,
        };
        assert_eq!(first_of_piece(&plain, 1, 2), (1, 2));
    }

    proptest::proptest! {
        /// The sketch the processor runs (AVX-512 where it has it) is the portable one.
        #[test]
        fn sketch_is_the_portable_sketch(
            tokens in proptest::collection::vec(proptest::num::u64::ANY, 0..100),
        ) {
            proptest::prop_assert_eq!(sketch(&tokens), sketch_portable(&tokens));
        }
    }

    /// The longest common subsequence by the classic table: the reference for [`lcs_len`].
    fn lcs_table(a: &[u64], b: &[u64]) -> usize {
        let mut prev = vec![0usize; b.len() + 1];
        let mut cur = vec![0usize; b.len() + 1];
        for &x in a {
            for (j, &y) in b.iter().enumerate() {
                cur[j + 1] = if x == y {
                    prev[j] + 1
                } else {
                    cur[j].max(prev[j + 1])
                };
            }
            std::mem::swap(&mut prev, &mut cur);
        }
        prev[b.len()]
    }

    proptest::proptest! {
        /// Small alphabets make long common subsequences; lengths past 64 and 128 cross the
        /// words of the bit vector.
        #[test]
        fn lcs_len_is_the_table_lcs(
            a in proptest::collection::vec(0u64..4, 0..200),
            b in proptest::collection::vec(0u64..4, 0..200),
            big in proptest::collection::vec(0u64..40, 0..300),
        ) {
            proptest::prop_assert_eq!(lcs_len(&a, &b), lcs_table(&a, &b));
            proptest::prop_assert_eq!(lcs_len(&big, &a), lcs_table(&big, &a));
            proptest::prop_assert_eq!(lcs_len(&big, &big), big.len());
            // As `find` calls it: one set of buffers from pair to pair, larger then smaller.
            let mut bufs = LcsBuffers::default();
            for (x, y) in [(&big, &b), (&a, &b), (&b, &big), (&a, &a)] {
                proptest::prop_assert_eq!(lcs_len_with(x, y, &mut bufs), lcs_table(x, y));
            }
        }
    }

    #[test]
    fn unrelated_paragraphs_do_not_match() {
        assert!(run(&P.join("\n"), 1).is_empty());
        assert!(word_similarity(&[1, 2, 3], &[4, 5, 6]) < 0.01);
        assert_eq!(word_similarity(&[1, 2, 3, 4], &[1, 2, 9, 4]), 0.75);
    }
}
