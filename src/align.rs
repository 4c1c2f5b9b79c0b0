//! Shared spans of two articles: the maximal passages they have in common, as byte ranges in
//! both.
//!
//! Both texts are tokenized as one word stream each (across paragraph breaks, so a shared run
//! of paragraphs is one span). Every word n-gram of A that also occurs in B seeds a match on
//! the diagonal `j - i`; consecutive seeds on one diagonal extend one run. Runs are then taken
//! longest first, skipping any that overlaps a taken run in either text, and reported in A's
//! order. A passage with one changed word therefore shows as two spans with the changed word
//! between them: the differing part is exactly what lies outside the spans.
//!
//! Only one side is indexed, and the result does not depend on which: a caller may index
//! whichever side is shared by more pairs ([`shared_spans_oriented`]). For that, both sides'
//! n-gram occurrences are capped alike (the first 8 occurrences), and ties between equally long
//! runs are broken by position in A, then in B, whichever side is indexed.

use crate::normalize::{tokenize_into, Token};

/// A shared passage: bytes `a.0..a.1` of A equal (after normalization) bytes `b.0..b.1` of B.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SharedSpan {
    pub a: (usize, usize),
    pub b: (usize, usize),
    /// Words in the passage.
    pub words: usize,
}

/// Occurrences of one n-gram beyond the first this many in either text are ignored (a line
/// repeated hundreds of times in one article).
const MAX_POSITIONS: usize = 8;

/// One side of an alignment, tokenized once: its tokens, its word n-gram hashes and, for the
/// side that is aligned against many others, an index from n-gram to positions. A `Prepared`
/// can be refilled ([`Prepared::fill`]) so that a thread aligning many pairs reuses its
/// buffers instead of allocating them per article.
#[derive(Clone, Debug, Default)]
pub struct Prepared {
    pub tokens: Vec<Token>,
    pub grams: Vec<u64>,
    /// The n-gram index: an open-addressing table from n-gram hash to a dense id (`slots`,
    /// 0 = empty, else id + 1; a power of two at least twice the n-grams), and per id its
    /// hash and its first [`MAX_POSITIONS`] positions in increasing order. Buffers are
    /// reused when the value is refilled, so indexing an article allocates nothing after
    /// the first.
    slots: Vec<u32>,
    keys: Vec<u64>,
    positions: Vec<([u32; MAX_POSITIONS], u8)>,
    /// Token hashes, the input of `grams`.
    hashes: Vec<u64>,
    /// The tokenizer's buffer for a normalized word.
    word: String,
}

impl Prepared {
    /// Tokenizes `text` and hashes its `n`-grams; with `indexed`, also builds the n-gram index
    /// (needed for the first argument of [`shared_spans_prepared`]).
    pub fn new(text: &str, n: usize, indexed: bool) -> Prepared {
        let mut p = Prepared::default();
        p.fill(text, n, indexed);
        p
    }

    /// As [`Prepared::new`], in this value's buffers.
    pub fn fill(&mut self, text: &str, n: usize, indexed: bool) {
        tokenize_into(text, 0, &mut self.tokens, &mut self.word);
        self.hash(n, indexed);
    }

    /// As [`Prepared::new`], from tokens.
    pub fn from_tokens(tokens: Vec<Token>, n: usize, indexed: bool) -> Prepared {
        let mut p = Prepared {
            tokens,
            ..Prepared::default()
        };
        p.hash(n, indexed);
        p
    }

    /// Fills `grams` (and `index` when `indexed`) from `tokens`.
    fn hash(&mut self, n: usize, indexed: bool) {
        let n = n.max(1);
        self.hashes.clear();
        self.hashes.extend(self.tokens.iter().map(|t| t.hash));
        self.grams.clear();
        crate::hash::sequence_windows(&self.hashes, n, &mut self.grams, |h| h);
        self.slots.clear();
        self.keys.clear();
        self.positions.clear();
        if indexed {
            let size = (2 * self.grams.len()).next_power_of_two().max(8);
            self.slots.resize(size, 0);
            for i in 0..self.grams.len() {
                let g = self.grams[i];
                match self.probe(g) {
                    (slot, None) => {
                        self.keys.push(g);
                        self.positions.push(([i as u32; MAX_POSITIONS], 1));
                        self.slots[slot] = self.keys.len() as u32;
                    }
                    (_, Some(id)) => {
                        let (ps, count) = &mut self.positions[id];
                        if (*count as usize) < MAX_POSITIONS {
                            ps[*count as usize] = i as u32;
                            *count += 1;
                        }
                    }
                }
            }
        }
    }

    /// Where n-gram `g` is in the table: its slot and dense id, or the empty slot it would
    /// take and `None`. The table must not be empty.
    #[inline]
    fn probe(&self, g: u64) -> (usize, Option<usize>) {
        let mask = self.slots.len() - 1;
        // n-gram hashes are uniform: their high bits pick the slot.
        let mut h = (g >> 32) as usize & mask;
        loop {
            match self.slots[h] {
                0 => return (h, None),
                id if self.keys[id as usize - 1] == g => return (h, Some(id as usize - 1)),
                _ => h = (h + 1) & mask,
            }
        }
    }

    /// The dense id of n-gram `g` in the index and its positions (at most
    /// [`MAX_POSITIONS`], increasing), or `None` when this side does not have it.
    #[inline]
    fn positions(&self, g: u64) -> Option<(usize, &[u32])> {
        if self.slots.is_empty() {
            return None;
        }
        let id = self.probe(g).1?;
        let (ps, count) = &self.positions[id];
        Some((id, &ps[..*count as usize]))
    }
}

/// Buffers of [`shared_spans_with`], reused from pair to pair by one thread.
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    /// Per diagonal `i - j` (shifted to be non-negative): the open run on it, as (first j,
    /// last j), or `NO_RUN`.
    open: Vec<(u32, u32)>,
    /// Runs as (n-grams, start in A, start in B).
    runs: Vec<(usize, usize, usize)>,
    /// Per n-gram id of the indexed side: its occurrences met so far in the other side (only
    /// the first [`MAX_POSITIONS`] seed matches).
    met: Vec<u8>,
    used_a: Vec<bool>,
    used_b: Vec<bool>,
}

/// Shared spans of `a` and `b` with n-grams of `n` words. Texts shorter than `n` words share
/// no span.
pub fn shared_spans(a: &str, b: &str, n: usize) -> Vec<SharedSpan> {
    shared_spans_prepared(&Prepared::new(a, n, true), &Prepared::new(b, n, false), n)
}

/// [`shared_spans`] on already tokenized texts.
pub fn shared_spans_tokens(ta: &[Token], tb: &[Token], n: usize) -> Vec<SharedSpan> {
    shared_spans_prepared(
        &Prepared::from_tokens(ta.to_vec(), n, true),
        &Prepared::from_tokens(tb.to_vec(), n, false),
        n,
    )
}

/// [`shared_spans`] on prepared sides; `a` must be indexed. Preparing the side that is shared
/// by many pairs once saves a tokenization per pair.
pub fn shared_spans_prepared(a: &Prepared, b: &Prepared, n: usize) -> Vec<SharedSpan> {
    shared_spans_with(a, b, n, &mut Scratch::default())
}

/// [`shared_spans_prepared`] in the buffers of `scratch`.
pub fn shared_spans_with(
    a: &Prepared,
    b: &Prepared,
    n: usize,
    scratch: &mut Scratch,
) -> Vec<SharedSpan> {
    shared_spans_oriented(a, b, true, n, scratch)
}

/// Shared spans of A and B where `indexed` (which must be indexed) is A when `indexed_is_a`,
/// else B, and `other` is the other side. The spans are the same either way: a caller that
/// aligns one article with many picks it as the indexed side whatever its place in the pairs.
pub fn shared_spans_oriented(
    indexed: &Prepared,
    other: &Prepared,
    indexed_is_a: bool,
    n: usize,
    scratch: &mut Scratch,
) -> Vec<SharedSpan> {
    let n = n.max(1);
    let (a, b) = if indexed_is_a {
        (indexed, other)
    } else {
        (other, indexed)
    };
    let (ta, tb) = (&a.tokens, &b.tokens);
    if a.grams.is_empty() || b.grams.is_empty() {
        return Vec::new();
    }
    let Scratch {
        open,
        runs,
        met,
        used_a,
        used_b,
    } = scratch;
    // Seeds (i, j): i in the indexed side and j in the other with the same n-gram; an n-gram
    // seeds from its first MAX_POSITIONS occurrences in each side (the index holds the
    // indexed side's first ones). Seeds come in increasing j, so a run grows on its diagonal
    // while each next j is one more than its last: one open run per diagonal, no sort.
    const NO_RUN: (u32, u32) = (u32::MAX, u32::MAX);
    let (ni, nj) = (indexed.grams.len(), other.grams.len());
    open.clear();
    open.resize(ni + nj, NO_RUN);
    met.clear();
    met.resize(indexed.keys.len(), 0);
    runs.clear();
    // A run on diagonal slot `k` (= i - j + nj - 1) from j = s to j = e.
    let mut close = |k: usize, (s, e): (u32, u32)| {
        let (s, e) = (s as usize, e as usize);
        let (i0, j0) = (k + s + 1 - nj, s);
        let (a0, b0) = if indexed_is_a { (i0, j0) } else { (j0, i0) };
        runs.push((e - s + 1, a0, b0));
    };
    for (j, &g) in other.grams.iter().enumerate() {
        if let Some((id, positions)) = indexed.positions(g) {
            let m = &mut met[id];
            if (*m as usize) < MAX_POSITIONS {
                *m += 1;
                for &i in positions {
                    let k = i as usize + nj - 1 - j;
                    let r = &mut open[k];
                    if r.1 != u32::MAX && r.1 as usize + 1 == j {
                        r.1 = j as u32;
                    } else {
                        if *r != NO_RUN {
                            close(k, *r);
                        }
                        *r = (j as u32, j as u32);
                    }
                }
            }
        }
    }
    for (k, &r) in open.iter().enumerate() {
        if r != NO_RUN {
            close(k, r);
        }
    }
    // Longest first; ties broken by position in A, then in B, so the result is deterministic
    // and the same whichever side is indexed (a run is known by its two starts).
    runs.sort_unstable_by_key(|&(len, a0, b0)| (std::cmp::Reverse(len), a0, b0));
    used_a.clear();
    used_a.resize(ta.len(), false);
    used_b.clear();
    used_b.resize(tb.len(), false);
    let mut out = Vec::new();
    for &(grams, a0, b0) in runs.iter() {
        // The run covers words b0..b0 + len of B and a0..a0 + len of A. Where it overlaps
        // words a longer run already took, only its free stretches of at least n words are
        // kept: a run that shares one word with a taken one is trimmed, not dropped.
        let len = grams + n - 1;
        let mut k = 0;
        while k < len {
            if used_a[a0 + k] || used_b[b0 + k] {
                k += 1;
                continue;
            }
            let start = k;
            while k < len && !used_a[a0 + k] && !used_b[b0 + k] {
                k += 1;
            }
            if k - start >= n {
                let (x0, x1, y0, y1) = (a0 + start, a0 + k - 1, b0 + start, b0 + k - 1);
                used_a[x0..=x1].fill(true);
                used_b[y0..=y1].fill(true);
                out.push(SharedSpan {
                    a: (ta[x0].start as usize, ta[x1].end as usize),
                    b: (tb[y0].start as usize, tb[y1].end as usize),
                    words: k - start,
                });
            }
        }
    }
    out.sort_by_key(|s| (s.a.0, s.b.0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_passage_is_one_span_in_both_texts() {
        let shared = "Officials from both sides declined to comment on the substance of the talks.";
        let a = format!("LOCAL INTRO for our readers here today.\n{shared}\nOur disclaimer.");
        let b = format!("{shared} Something else entirely different follows now.");
        let s = shared_spans(&a, &b, 5);
        assert_eq!(s.len(), 1);
        assert_eq!(&a[s[0].a.0..s[0].a.1], &shared[..shared.len() - 1]);
        assert_eq!(&b[s[0].b.0..s[0].b.1], &shared[..shared.len() - 1]);
        assert_eq!(s[0].words, 13);
    }

    #[test]
    fn a_changed_word_splits_the_passage() {
        let a = "one two three four five six seven eight nine ten eleven twelve thirteen";
        let b = "one two three four five six SEVENTY eight nine ten eleven twelve thirteen";
        let s = shared_spans(a, b, 3);
        assert_eq!(s.len(), 2);
        assert_eq!(&a[s[0].a.0..s[0].a.1], "one two three four five six");
        assert_eq!(
            &b[s[1].b.0..s[1].b.1],
            "eight nine ten eleven twelve thirteen"
        );
    }

    #[test]
    fn a_run_overlapping_a_longer_one_is_trimmed_not_dropped() {
        // B repeats A's last words at the start of a second copy: "k l m n o" is both the
        // tail of the long run and the head of the shorter one on another diagonal.
        let a = "a b c d e f g h i j k l m n o p q r s t u";
        let b = "a b c d e f g h i j k l m n o X k l m n o p q r s t u";
        let s = shared_spans(a, b, 3);
        let words: usize = s.iter().map(|x| x.words).sum();
        assert_eq!(s[0].words, 15, "{s:?}");
        assert_eq!(&a[s[1].a.0..s[1].a.1], "p q r s t u", "{s:?}");
        assert_eq!(words, 21, "every word of A is covered once: {s:?}");
    }

    /// `text` of words drawn from a small vocabulary, so that n-grams repeat within a text
    /// (past the occurrence cap) and runs tie in length.
    fn words_text(picks: &[u8]) -> String {
        const VOCAB: [&str; 5] = ["red", "green", "blue", "red,", "Green"];
        picks
            .iter()
            .map(|&k| VOCAB[k as usize % VOCAB.len()])
            .collect::<Vec<_>>()
            .join(" ")
    }

    proptest::proptest! {
        /// The hash table gives each n-gram's first MAX_POSITIONS positions, in order, as a
        /// scan of the n-grams does, and nothing for an n-gram the side lacks.
        #[test]
        fn the_index_holds_the_first_positions_of_each_ngram(
            picks in proptest::collection::vec(0u8..5, 0..200),
            n in 1usize..4,
        ) {
            let p = Prepared::new(&words_text(&picks), n, true);
            for &g in p.grams.iter().chain(&[0u64, u64::MAX]) {
                let scan: Vec<u32> = (0..p.grams.len() as u32)
                    .filter(|&i| p.grams[i as usize] == g)
                    .take(MAX_POSITIONS)
                    .collect();
                let got = p.positions(g).map(|(_, ps)| ps.to_vec()).unwrap_or_default();
                proptest::prop_assert_eq!(got, scan);
            }
        }
    }

    proptest::proptest! {
        /// Indexing B instead of A gives the same spans.
        #[test]
        fn the_spans_do_not_depend_on_the_indexed_side(
            a in proptest::collection::vec(0u8..5, 0..120),
            b in proptest::collection::vec(0u8..5, 0..120),
            n in 1usize..6,
        ) {
            let (a, b) = (words_text(&a), words_text(&b));
            let ab = shared_spans(&a, &b, n);
            let oriented = shared_spans_oriented(
                &Prepared::new(&b, n, true),
                &Prepared::new(&a, n, false),
                false,
                n,
                &mut Scratch::default(),
            );
            proptest::prop_assert_eq!(&ab, &oriented);
        }
    }

    #[test]
    fn swapped_paragraphs_give_crossing_spans_and_short_texts_none() {
        let p = "alpha beta gamma delta epsilon zeta eta";
        let q = "theta iota kappa lambda mu nu xi omicron";
        let s = shared_spans(&format!("{p}\n{q}"), &format!("{q}\n{p}"), 5);
        assert_eq!(s.len(), 2);
        assert!(s[0].b.0 > s[1].b.0);
        assert!(shared_spans("a b", "a b", 5).is_empty());
    }
}
