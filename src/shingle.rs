//! Per-article analysis: paragraphs with their token ranges and hashes, and word n-gram
//! shingles per paragraph.
//!
//! Shingles are taken inside each paragraph, never across a paragraph break, so that the
//! shingle set of an article does not change when a copy desk swaps, drops or inserts
//! paragraphs: only the shingles of the touched paragraphs change. A paragraph shorter than
//! the n-gram size gives one shingle of all its words.

use crate::normalize::{tokenize_append, Token};
use crate::segment;

/// One paragraph of an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paragraph {
    /// Byte range in the article text (end exclusive). 32 bits, like [`Token`] offsets: an
    /// article is at most `Config::max_article_bytes` ≤ 4 GiB, and a million-article run
    /// holds ten million paragraphs.
    pub start: u32,
    pub end: u32,
    /// Token range `first_token..end_token` in the article's token list.
    pub first_token: u32,
    pub end_token: u32,
    /// Hash of the normalized words ([`crate::hash::sequence`]); 0 when it has no words.
    pub hash: u64,
}

impl Paragraph {
    /// The byte range in the article text.
    #[inline]
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Number of words.
    #[inline]
    pub fn words(&self) -> usize {
        (self.end_token - self.first_token) as usize
    }
}

/// Everything later stages need from one article's text.
#[derive(Clone, Debug, Default)]
pub struct ArticleShingles {
    pub paragraphs: Vec<Paragraph>,
    /// Shingle keys of all paragraphs, paragraph after paragraph: the high 32 bits of each
    /// shingle's 64-bit hash (see [`shingle_key`]).
    pub shingles: Vec<u32>,
    /// `shingles[shingle_ends[p-1]..shingle_ends[p]]` are the shingles of paragraph `p`.
    pub shingle_ends: Vec<u32>,
}

impl ArticleShingles {
    /// The shingles of paragraph `p`.
    pub fn paragraph_shingles(&self, p: usize) -> &[u32] {
        let start = if p == 0 {
            0
        } else {
            self.shingle_ends[p - 1] as usize
        };
        &self.shingles[start..self.shingle_ends[p] as usize]
    }

    /// Total words.
    pub fn words(&self) -> usize {
        self.paragraphs.iter().map(Paragraph::words).sum()
    }
}

/// Reusable buffers, one per worker thread.
#[derive(Default)]
pub struct Scratch {
    pub tokens: Vec<Token>,
    pub hashes: Vec<u64>,
    pub word: String,
}

/// Tokenizes, segments and shingles `text`. The tokens stay in `scratch.tokens` and their
/// hashes in `scratch.hashes` for callers that need them (in-article repeat detection).
pub fn analyze(text: &str, ngram_words: usize, scratch: &mut Scratch) -> ArticleShingles {
    let spans = segment::paragraphs(text);
    let mut out = ArticleShingles {
        paragraphs: Vec::with_capacity(spans.len()),
        shingles: Vec::new(),
        shingle_ends: Vec::with_capacity(spans.len()),
    };
    scratch.tokens.clear();
    for span in spans {
        // A wire dateline ("WASHINGTON (AP) — ") is kept, stripped or rewritten by each
        // outlet; it is not part of the story, so it is not hashed.
        let skip = crate::normalize::dateline_len(&text[span.start..span.end]);
        let first = scratch.tokens.len() as u32;
        tokenize_append(
            &text[span.start + skip..span.end],
            span.start + skip,
            &mut scratch.tokens,
            &mut scratch.word,
        );
        out.paragraphs.push(Paragraph {
            start: span.start as u32,
            end: span.end as u32,
            first_token: first,
            end_token: scratch.tokens.len() as u32,
            hash: 0,
        });
    }
    // The keys of all articles are what stage 1 holds until stage 3, so their vector is
    // allocated at its exact size rather than grown (growth leaves up to half unused).
    let total: usize = out
        .paragraphs
        .iter()
        .map(|p| shingle_count(p.words(), ngram_words))
        .sum();
    out.shingles.reserve_exact(total);
    scratch.hashes.clear();
    scratch.hashes.extend(scratch.tokens.iter().map(|t| t.hash));
    for p in &mut out.paragraphs {
        let hashes = &scratch.hashes[p.first_token as usize..p.end_token as usize];
        if !hashes.is_empty() {
            p.hash = crate::hash::sequence(hashes);
        }
        push_shingles(hashes, ngram_words, &mut out.shingles);
        out.shingle_ends.push(out.shingles.len() as u32);
    }
    debug_assert_eq!(out.shingles.len(), total);
    out
}

/// Number of shingles [`push_shingles`] makes of a paragraph of `words` words.
#[inline]
pub fn shingle_count(words: usize, n: usize) -> usize {
    match words {
        0 => 0,
        w if w <= n => 1,
        w => w - n + 1,
    }
}

/// The 32-bit key of a shingle: the high half of its 64-bit hash. Sets of keys take half the
/// memory and bandwidth of sets of hashes, which is what signing and verification are bound
/// by. Two different shingles of a pair of articles share a key with probability about
/// |A|·|B| / 2³² (4·10⁻⁵ for two 400-shingle articles), which can only add one shared
/// shingle.
#[inline]
pub fn shingle_key(hash: u64) -> u32 {
    (hash >> 32) as u32
}

/// Appends the n-gram shingle keys of one token-hash sequence.
#[inline]
pub fn push_shingles(hashes: &[u64], n: usize, out: &mut Vec<u32>) {
    if hashes.is_empty() {
        return;
    }
    if hashes.len() <= n {
        out.push(shingle_key(crate::hash::sequence(hashes)));
        return;
    }
    out.extend(
        hashes
            .windows(n)
            .map(|w| shingle_key(crate::hash::sequence(w))),
    );
}

/// The sorted, de-duplicated shingle set of the paragraphs for which `keep(p)` is true.
pub fn shingle_set(a: &ArticleShingles, mut keep: impl FnMut(usize) -> bool) -> Vec<u32> {
    let mut set = Vec::with_capacity(a.shingles.len());
    for p in 0..a.paragraphs.len() {
        if keep(p) {
            set.extend_from_slice(a.paragraph_shingles(p));
        }
    }
    set.sort_unstable();
    set.dedup();
    set
}

/// Share of an article's story shingles its lead holds at least.
pub const LEAD_SHARE: f64 = 1.0 / 3.0;

/// Buffers of [`take_set_and_lead`], one per worker thread.
#[derive(Default)]
pub struct SetScratch {
    /// The kept keys in text order, then the lead.
    pub lead: Vec<u32>,
    cuts: Vec<usize>,
}

/// The article's kept set ([`shingle_set`]) and its *lead*, left in `scratch.lead`, built
/// while consuming the article's per-shingle keys: the set reuses their allocation, so the
/// keys of all articles are never held twice.
///
/// The lead is the article's first kept paragraphs (those for which `keep(p)` is true), up to
/// the one that brings their shingles to [`LEAD_SHARE`] of the kept set's size, as a sorted,
/// de-duplicated set. Copy desks trim stories from the bottom. A copy trimmed to a third has a
/// Jaccard of about 0.25 with the whole story, too low for the LSH bands to propose it
/// reliably, but about 0.7 with the story's lead.
pub fn take_set_and_lead(
    a: &mut ArticleShingles,
    mut keep: impl FnMut(usize) -> bool,
    scratch: &mut SetScratch,
) -> Vec<u32> {
    let mut keys = std::mem::take(&mut a.shingles);
    let ends = std::mem::take(&mut a.shingle_ends);
    let (lead, cuts) = (&mut scratch.lead, &mut scratch.cuts);
    lead.clear();
    cuts.clear();
    let mut start = 0;
    for (p, &end) in ends.iter().enumerate() {
        let end = end as usize;
        if keep(p) {
            lead.extend_from_slice(&keys[start..end]);
            cuts.push(lead.len());
        }
        start = end;
    }
    keys.clear();
    keys.extend_from_slice(lead);
    keys.sort_unstable();
    keys.dedup();
    let want = (keys.len() as f64 * LEAD_SHARE).ceil() as usize;
    let upto = if want == 0 {
        0
    } else {
        cuts.iter()
            .copied()
            .find(|&c| c >= want)
            .unwrap_or(lead.len())
    };
    lead.truncate(upto);
    lead.sort_unstable();
    lead.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lead by its definition, paragraph by paragraph: the reference `take_set_and_lead`
    /// is checked against.
    fn lead_set(
        a: &ArticleShingles,
        mut keep: impl FnMut(usize) -> bool,
        total: usize,
        out: &mut Vec<u32>,
    ) {
        out.clear();
        let want = (total as f64 * LEAD_SHARE).ceil() as usize;
        for p in 0..a.paragraphs.len() {
            if out.len() >= want {
                break;
            }
            if keep(p) {
                out.extend_from_slice(a.paragraph_shingles(p));
            }
        }
        out.sort_unstable();
        out.dedup();
    }

    #[test]
    fn take_set_and_lead_gives_the_set_and_the_lead() {
        let text: String = (0..7)
            .map(|p| {
                let words = if p == 3 { 2 } else { 9 + p };
                (0..words)
                    .map(|w| format!("p{p}w{}", w % 6))
                    .collect::<Vec<_>>()
                    .join(" ")
                    + ".\n"
            })
            .collect();
        let a = analyze(&text, 5, &mut Scratch::default());
        for masked in [None, Some(0), Some(2)] {
            let keep = |p: usize| Some(p) != masked;
            let set = shingle_set(&a, keep);
            let mut lead = Vec::new();
            lead_set(&a, keep, set.len(), &mut lead);
            let mut b = a.clone();
            let mut scratch = SetScratch::default();
            assert_eq!(take_set_and_lead(&mut b, keep, &mut scratch), set);
            assert_eq!(scratch.lead, lead, "masked {masked:?}");
            assert!(b.shingles.is_empty() && b.shingle_ends.is_empty());
        }
    }

    #[test]
    fn paragraphs_carry_token_ranges_and_shingles() {
        let text = "One two three four five six.\n\nSeven eight.\n\n***\n";
        let a = analyze(text, 5, &mut Scratch::default());
        assert_eq!(a.paragraphs.len(), 3);
        assert_eq!(a.paragraphs[0].words(), 6);
        assert_eq!(a.paragraph_shingles(0).len(), 2, "6 words give two 5-grams");
        assert_eq!(
            a.paragraph_shingles(1).len(),
            1,
            "a short paragraph is one shingle"
        );
        assert_eq!(a.paragraph_shingles(2).len(), 0);
        assert_eq!(a.paragraphs[2].hash, 0);
        assert_eq!(&text[a.paragraphs[1].range()], "Seven eight.");
    }

    #[test]
    fn datelines_are_not_hashed() {
        let mut s = Scratch::default();
        let a = analyze(
            "WASHINGTON (AP) — The Senate voted on Tuesday to pass the bill.",
            5,
            &mut s,
        );
        let b = analyze("The Senate voted on Tuesday to pass the bill.", 5, &mut s);
        assert_eq!(a.paragraphs[0].hash, b.paragraphs[0].hash);
        assert_eq!(
            a.paragraphs[0].start, 0,
            "the span still covers the dateline"
        );
    }

    #[test]
    fn the_lead_is_the_first_third_of_the_kept_story() {
        // Six paragraphs of 9 distinct words: 5 shingles each, 30 in all.
        let text: String = (0..6)
            .map(|p| {
                (0..9)
                    .map(|w| format!("w{p}x{w}"))
                    .collect::<Vec<_>>()
                    .join(" ")
                    + ".\n\n"
            })
            .collect();
        let a = analyze(&text, 5, &mut Scratch::default());
        let mut scratch = SetScratch::default();
        let set = take_set_and_lead(&mut a.clone(), |_| true, &mut scratch);
        assert_eq!(set.len(), 30);
        let mut want: Vec<u32> = [a.paragraph_shingles(0), a.paragraph_shingles(1)].concat();
        want.sort_unstable();
        assert_eq!(scratch.lead, want, "10 of 30 shingles: two paragraphs");
        // A masked first paragraph (boilerplate) is skipped, not counted: 10 of 25.
        take_set_and_lead(&mut a.clone(), |p| p != 0, &mut scratch);
        let mut want: Vec<u32> = [a.paragraph_shingles(1), a.paragraph_shingles(2)].concat();
        want.sort_unstable();
        assert_eq!(scratch.lead, want);
    }

    #[test]
    fn swapping_paragraphs_keeps_the_shingle_set() {
        let x = "Alpha beta gamma delta epsilon zeta.\nEta theta iota kappa lambda mu.";
        let y = "Eta theta iota kappa lambda mu.\nALPHA beta gamma delta epsilon zeta!";
        let mut s = Scratch::default();
        let (a, b) = (analyze(x, 5, &mut s), analyze(y, 5, &mut s));
        assert_eq!(shingle_set(&a, |_| true), shingle_set(&b, |_| true));
        assert_eq!(a.paragraphs[0].hash, b.paragraphs[1].hash);
    }
}
