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
    /// Whether it reads as running prose ([`reads_as_prose`]), not a headline, byline,
    /// timestamp or photo caption.
    pub prose: bool,
    /// Whether it breaks off instead of ending ([`breaks_off`]).
    pub cut: bool,
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
            prose: reads_as_prose(
                &text[span.start..span.end],
                scratch.tokens.len() - first as usize,
            ),
            cut: breaks_off(&text[span.start..span.end]),
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

/// Words above which a paragraph is not taken for a photo caption, whatever it ends with.
pub const MAX_CAPTION_WORDS: usize = 100;

/// Words from which a paragraph reads as prose whatever its last character.
pub const PROSE_WORDS: usize = 20;

/// Whether paragraph `p` (of `words` words) reads as running prose: it ends like a sentence
/// (after any closing quotes or brackets) or is long, and it is not a photo caption (at most
/// [`MAX_CAPTION_WORDS`] words) that ends in a credit such as `(AP Photo/Evan Vucci)`. Headlines, bylines and timestamps are short
/// lines that do not end like a sentence; they are page furniture, not the story.
pub fn reads_as_prose(p: &str, words: usize) -> bool {
    let t = p.trim_end();
    if words <= MAX_CAPTION_WORDS {
        if let Some(open) = t.strip_suffix(')').and_then(|x| x.rfind('(')) {
            // A credit names a photographer and an agency around a slash ("AP Photo/Evan
            // Vucci", "Roni Rekomaa/Lehtikuva"); a date ("01/06/2017") is not one.
            let credit = &t.as_bytes()[open..];
            let named_slash = credit
                .windows(3)
                .any(|w| w[1] == b'/' && w[0].is_ascii_alphabetic() && w[2].is_ascii_alphabetic());
            if named_slash && t[open..].split_whitespace().count() <= 10 {
                return false;
            }
        }
    }
    if words >= PROSE_WORDS {
        return true;
    }
    let last = before_closing(t).chars().next_back();
    matches!(
        last,
        Some('.' | '!' | '?' | '…' | ':' | ';' | '。' | '！' | '？')
    )
}

/// `p` without trailing whitespace and the closing quotes and brackets that may follow the
/// end of a sentence: where a sentence would end.
fn before_closing(p: &str) -> &str {
    p.trim_end()
        .trim_end_matches(['"', '\'', '”', '’', '»', ')', ']', '」', '』'])
}

/// Whether paragraph `p` breaks off instead of ending a sentence: it ends (before any
/// closing quotes or brackets) on a letter, a digit or a comma, or with an ellipsis, as the
/// first paragraph of a story cut off at a fixed length on a teaser page does.
pub fn breaks_off(p: &str) -> bool {
    let t = before_closing(p);
    t.ends_with("...")
        || t.chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == ',' || c == '…')
}

#[cfg(test)]
mod prose_tests {
    use super::{breaks_off, reads_as_prose};

    #[test]
    fn prose_captions_headlines_and_bylines() {
        let cases: [(&str, bool); 7] = [
            ("The two leaders met for two hours on Monday in Helsinki.", true),
            ("Trump sets expectations low for Helsinki summit with Putin", false),
            ("By JONATHAN LEMIRE and JILL COLVIN Associated Press", false),
            ("Jul 15, 2018 at 5:28 PM", false),
            ("U.S. President Donald Trump waves from the car after arriving at the airport in Helsinki, Finland, Sunday, July 15, 2018. (AP Photo/Pablo Martinez Monsivais)", false),
            ("\"We have not been getting along well,\" Trump said.\u{201d}", true),
            ("Oil output rose to 5.7 million barrels a day early in the decade, the minister said in an interview published on Friday by the paper. (China Daily European Weekly 01/06/2017 page25)", true),
        ];
        for (text, want) in cases {
            let words = crate::normalize::tokenize(text).len();
            assert_eq!(reads_as_prose(text, words), want, "{text}");
        }
    }

    #[test]
    fn paragraphs_cut_off_mid_sentence_break_off() {
        let cases: [(&str, bool); 8] = [
            ("The top Democrats in Congress called for the summit to be cancelled.", false),
            ("\"It makes strategic sense,\" the chief executive said.\u{201d}  ", false),
            ("Is the summit still on? Nobody in Helsinki would say:", false),
            ("The Helsinki summit comes on the heels of visits where thousands", true),
            ("Senate Minority Leader Chuck Schumer said in a statement. The top Democrat in the House,", true),
            ("Donald Trump met one on one with Vladimir Putin behind closed doors ...", true),
            ("He trailed off, and the room waited for the rest of the sentence\u{2026}", true),
            ("Watch the full news conference at https://usat.ly/2zIQWL2", true),
        ];
        for (text, want) in cases {
            assert_eq!(breaks_off(text), want, "{text}");
        }
    }
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
    crate::hash::sequence_windows(hashes, n, out, shingle_key);
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
    sort: Vec<u32>,
}

/// The article's kept set ([`shingle_set`]) and its *lead*, left in `scratch.lead`, built
/// while consuming the article's per-shingle keys: the set reuses their allocation, so the
/// keys of all articles are never held twice. Returns the set and whether the lead is worth
/// its own signature: it is not empty and it is not the whole set.
///
/// The lead is the article's first kept paragraphs (those for which `keep(p)` is true), up to
/// the one that brings their shingles to [`LEAD_SHARE`] of the kept set's size. It is left
/// in text order, a key as often as it occurs: what it is used for, a MinHash signature, does
/// not depend on order or repeats, and sorting it cost a sixth of the signing stage. Copy
/// desks trim stories from the bottom. A copy trimmed to a third has a
/// Jaccard of about 0.25 with the whole story, too low for the LSH bands to propose it
/// reliably, but about 0.7 with the story's lead.
pub fn take_set_and_lead(
    a: &mut ArticleShingles,
    keep: impl FnMut(usize) -> bool,
    scratch: &mut SetScratch,
) -> (Vec<u32>, bool) {
    let keys = std::mem::take(&mut a.shingles);
    let ends = std::mem::take(&mut a.shingle_ends);
    set_and_lead(keys, &ends, keep, scratch)
}

/// [`take_set_and_lead`] of an article's keys taken out of its analysis: `keys` are its
/// shingle keys, paragraph after paragraph, and `ends[p]` is where paragraph `p`'s keys end.
pub fn set_and_lead(
    mut keys: Vec<u32>,
    ends: &[u32],
    mut keep: impl FnMut(usize) -> bool,
    scratch: &mut SetScratch,
) -> (Vec<u32>, bool) {
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
    sort_dedup(&mut keys, &mut scratch.sort);
    let want = (keys.len() as f64 * LEAD_SHARE).ceil() as usize;
    let upto = if want == 0 {
        0
    } else {
        cuts.iter()
            .copied()
            .find(|&c| c >= want)
            .unwrap_or(lead.len())
    };
    let has_lead = upto > 0 && misses_a_key(&lead[..upto], &lead[upto..], &mut scratch.sort);
    lead.truncate(upto);
    (keys, has_lead)
}

/// Whether some key of `tail` is not in `head`. A 4096-bit filter of `head` settles almost
/// every article at its first tail key; only when every tail key passes the filter (a body
/// printed twice) are the keys compared exactly.
fn misses_a_key(head: &[u32], tail: &[u32], buf: &mut Vec<u32>) -> bool {
    let mut filter = [0u64; 64];
    // A key's word of the filter and its bit in that word.
    let slot = |k: u32| {
        let b = (k.wrapping_mul(0x9E37_79B1) >> 20) as usize;
        (b >> 6, 1u64 << (b & 63))
    };
    for &k in head {
        let (w, bit) = slot(k);
        filter[w] |= bit;
    }
    if tail.iter().all(|&k| {
        let (w, bit) = slot(k);
        filter[w] & bit != 0
    }) {
        buf.clear();
        buf.extend_from_slice(head);
        buf.sort_unstable();
        tail.iter().any(|k| buf.binary_search(k).is_err())
    } else {
        true
    }
}

/// Sorts `v` and removes repeats. The keys of an article are a few hundred random 32-bit
/// values, so one counting pass on their top bits, into two to four times as many buckets
/// as keys, leaves them nearly sorted, and an insertion sort finishes the few buckets with
/// more than one key: two passes over the keys where a byte-per-pass radix sort took five
/// (fewer buckets leave more keys out of order, and each costs a mispredicted branch). Keys that
/// are not random (many in one bucket) make the insertion sort give up after a bounded number
/// of moves and `sort_unstable` finish. `tmp` is a buffer it reuses.
pub fn sort_dedup(v: &mut Vec<u32>, tmp: &mut Vec<u32>) {
    let n = v.len();
    if n <= 64 {
        v.sort_unstable();
        v.dedup();
        return;
    }
    // 2^bits buckets, between 2n and 4n of them.
    let bits = (usize::BITS - (n - 1).leading_zeros() + 1).min(20);
    let shift = 32 - bits;
    let buckets = 1usize << bits;
    tmp.clear();
    tmp.resize(n + buckets, 0);
    let (dst, counts) = tmp.split_at_mut(n);
    for &x in v.iter() {
        counts[(x >> shift) as usize] += 1;
    }
    let mut sum = 0u32;
    for c in counts.iter_mut() {
        let here = *c;
        *c = sum;
        sum += here;
    }
    for &x in v.iter() {
        let b = (x >> shift) as usize;
        dst[counts[b] as usize] = x;
        counts[b] += 1;
    }
    // Buckets are in order, so an insertion never moves a key past its bucket's start.
    let mut budget = 8 * n;
    for i in 1..n {
        let x = dst[i];
        let mut j = i;
        while j > 0 && dst[j - 1] > x {
            dst[j] = dst[j - 1];
            j -= 1;
        }
        dst[j] = x;
        budget = budget.saturating_sub(i - j);
        if budget == 0 {
            dst.sort_unstable();
            break;
        }
    }
    v.clear();
    v.extend_from_slice(dst);
    v.dedup();
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

    /// Checks [`take_set_and_lead`] against [`shingle_set`] and [`lead_set`]: the same set,
    /// the lead's keys as a set, and a lead signed only when it is not empty and not the
    /// whole set.
    fn check_set_and_lead(a: &ArticleShingles, keep: impl Fn(usize) -> bool + Copy) {
        let set = shingle_set(a, keep);
        let mut lead = Vec::new();
        lead_set(a, keep, set.len(), &mut lead);
        let mut b = a.clone();
        let mut scratch = SetScratch::default();
        let (got, has_lead) = take_set_and_lead(&mut b, keep, &mut scratch);
        assert_eq!(got, set);
        let mut got_lead = scratch.lead.clone();
        got_lead.sort_unstable();
        got_lead.dedup();
        assert_eq!(got_lead, lead);
        assert_eq!(has_lead, !lead.is_empty() && lead.len() < set.len());
        assert!(b.shingles.is_empty() && b.shingle_ends.is_empty());
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
            check_set_and_lead(&a, |p: usize| Some(p) != masked);
        }
        // One paragraph printed four times: its first copy, the lead, holds every key of
        // the set, so the lead is not signed apart (the exact check behind the filter).
        let para = text.lines().last().unwrap_or_default();
        let copies = format!("{para}\n{para}\n{para}\n{para}\n");
        let a = analyze(&copies, 5, &mut Scratch::default());
        let (_, has_lead) = take_set_and_lead(&mut a.clone(), |_| true, &mut SetScratch::default());
        assert!(!has_lead);
        check_set_and_lead(&a, |_| true);
    }

    /// An article made of the given per-paragraph keys.
    fn article_of(paras: &[Vec<u32>]) -> ArticleShingles {
        let mut a = ArticleShingles::default();
        for keys in paras {
            a.paragraphs.push(Paragraph {
                start: 0,
                end: 0,
                first_token: 0,
                end_token: keys.len() as u32,
                hash: 0,
                prose: true,
                cut: false,
            });
            a.shingles.extend_from_slice(keys);
            a.shingle_ends.push(a.shingles.len() as u32);
        }
        a
    }

    proptest::proptest! {
        /// Keys from a small alphabet, so paragraphs repeat keys and whole leads.
        #[test]
        fn set_and_lead_match_their_definitions(
            paras in proptest::collection::vec(proptest::collection::vec(0u32..40, 0..12), 0..10),
            masked in proptest::collection::vec(proptest::bool::weighted(0.2), 10),
        ) {
            check_set_and_lead(&article_of(&paras), |p| !masked[p]);
        }

        /// Masks leave some bits constant, so keys crowd into few buckets (the insertion
        /// sort runs out of moves and the standard sort finishes) and repeat.
        #[test]
        fn sort_dedup_sorts_and_dedups(
            keys in proptest::collection::vec(proptest::num::u32::ANY, 0..700),
            mask in proptest::sample::select(vec![
                u32::MAX, 0xFF00_0000, 0x0000_00FF, 0x00FF_0000, 0x0000_FFFF, 0x0000_0300,
                0xFF00_FF00,
            ]),
        ) {
            let mut v: Vec<u32> = keys.iter().map(|k| k & mask).collect();
            let mut want = v.clone();
            want.sort_unstable();
            want.dedup();
            sort_dedup(&mut v, &mut Vec::new());
            proptest::prop_assert_eq!(v, want);
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
        let (set, has_lead) = take_set_and_lead(&mut a.clone(), |_| true, &mut scratch);
        assert_eq!(set.len(), 30);
        assert!(has_lead);
        let want: Vec<u32> = [a.paragraph_shingles(0), a.paragraph_shingles(1)].concat();
        assert_eq!(
            scratch.lead, want,
            "10 of 30 shingles: two paragraphs, in text order"
        );
        // A masked first paragraph (boilerplate) is skipped, not counted: 10 of 25.
        take_set_and_lead(&mut a.clone(), |p| p != 0, &mut scratch);
        let want: Vec<u32> = [a.paragraph_shingles(1), a.paragraph_shingles(2)].concat();
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
