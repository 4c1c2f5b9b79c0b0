//! Which articles read as noisy text (OCR errors), judged by the feed's own vocabulary.
//!
//! An OCR error turns a word into a string that no other article of the feed spells that
//! way, so a garbled text has many words found nowhere else in the feed. Clean text has few:
//! names and rare words, shared by the other copies of its story. An article is **noisy**
//! when at least [`NOISY_SHARE`] of its distinct words (of [`MIN_WORD_BYTES`] or more) occur
//! in no other article. No word list is needed, so it works for any language and script.
//!
//! Words are counted on a sample: only words whose hash falls in one eighth of the hash
//! range (the same eighth for every article, so a sampled word is counted in every article
//! that has it). Counts of the sampled words are exact; the share is estimated from them.
//!
//! The feed's count alone overcalls small feeds: in 100 clean trade-press articles half have
//! 5% of their words found nowhere else (names, jargon). So the lenient character rule for
//! noisy text also needs the pair itself to look garbled ([`differ_as_garbles`]): the words
//! one copy has and the other lacks are, for OCR, one misread letter away from the other's
//! ("tbe", "the"), and for a rewrite, other words.

use crate::normalize::Token;

/// Share of an article's sampled distinct words found in no other article from which it is
/// noisy. On the ICDAR 2017 periodicals (real OCR beside its corrected text), 94% of OCR
/// chunks with a 4-8% character error rate and all above 8% reach 0.05, and 4% of those
/// under 2%; on a real one-day news feed about one article in ten does.
pub const NOISY_SHARE: f64 = 0.05;

/// Sampled distinct words an article needs before it is judged (fewer say too little).
pub const MIN_SAMPLED_WORDS: usize = 8;

/// Bytes a word needs to count: shorter ones are mostly function words.
pub const MIN_WORD_BYTES: u32 = 4;

/// One word in this many is sampled.
const SAMPLE: u64 = 8;

/// Appends to `out` the sorted, distinct sample keys of an article's words.
pub fn sample_words(tokens: &[Token], out: &mut Vec<u32>) {
    let mut own: Vec<u32> = tokens
        .iter()
        .filter(|t| t.end - t.start >= MIN_WORD_BYTES && t.hash % SAMPLE == 0)
        .map(|t| (t.hash >> 32) as u32)
        .collect();
    own.sort_unstable();
    own.dedup();
    out.extend(own);
}

/// Which articles are noisy. `keys[ends[i-1]..ends[i]]` are article `i`'s sample keys
/// ([`sample_words`]).
pub fn noisy_articles(keys: &[u32], ends: &[u32]) -> Vec<bool> {
    use rayon::prelude::*;
    let mut all = keys.to_vec();
    all.par_sort_unstable();
    // Keys found in exactly one article (each article's keys are distinct).
    let mut once = Vec::new();
    for run in all.chunk_by(|x, y| x == y) {
        if run.len() == 1 {
            once.push(run[0]);
        }
    }
    (0..ends.len())
        .into_par_iter()
        .map(|i| {
            let lo = if i == 0 { 0 } else { ends[i - 1] as usize };
            let own = &keys[lo..ends[i] as usize];
            if own.len() < MIN_SAMPLED_WORDS {
                return false;
            }
            let alone = own.iter().filter(|k| once.binary_search(k).is_ok()).count();
            alone as f64 >= NOISY_SHARE * own.len() as f64
        })
        .collect()
}

/// Letters a word needs to be weighed by [`differ_as_garbles`]: shorter words have too many
/// one-letter neighbours that are other words.
pub const GARBLE_MIN_LETTERS: usize = 5;

/// Longer letter runs are not words (ids, run-together garbage) and are skipped.
const GARBLE_MAX_LETTERS: usize = 24;

/// Share of one text's unmatched words (of [`GARBLE_MIN_LETTERS`] or more letters, not in the
/// other text) that are one inner-letter edit away from a word of the other text, from which
/// [`differ_as_garbles`] says the two differ as OCR garbles of one text do. On the ICDAR 2017
/// periodicals (real OCR beside its corrected text) 0.1 is reached by 91% of the pairs with a
/// 4-8% character error rate and 77% above 8%; by 2% of the rewritten press releases of
/// news-story-chains and 3% of the partial-reuse pairs of a real one-day news feed.
pub const GARBLE_SHARE: f64 = 0.1;

/// Close words (of [`GARBLE_SHARE`]) one side needs before its share counts: OCR garbles
/// come many to a text, and a single one is more likely a typo. Two short wire reports
/// written from one template (a bond issue, a weekly figure) differ by other names and
/// figures, few words apart, and one misspelt word ("subordinatred", "offseting") beside the
/// other's spelling reached the share alone. On Reuters-21578 (real wire items of 1987) the
/// verdicts on characters fall from 92 reprints and 48 partial pairs to 37 and 12 with this;
/// every labelled set and the generated 10k feeds (clean and all-OCR) keep their figures
/// (`benches/results/quality-2026-12-06-templates.md`).
pub const GARBLE_MIN_CLOSE: usize = 2;

/// The words of a text of [`GARBLE_MIN_LETTERS`] to [`GARBLE_MAX_LETTERS`] letters,
/// lower-cased (long s read as s): `letters[ends[i-1]..ends[i]]` is word `i`, `hashes[i]`
/// its hash. Repeated words are kept (counted once by [`near_enough`]).
#[derive(Default)]
struct Words {
    letters: Vec<char>,
    ends: Vec<u32>,
    hashes: Vec<u64>,
}

impl Words {
    fn of(text: &str) -> Words {
        let mut w = Words::default();
        let mut start = 0usize;
        let close = |w: &mut Words, start: &mut usize| {
            let len = w.letters.len() - *start;
            if (GARBLE_MIN_LETTERS..=GARBLE_MAX_LETTERS).contains(&len) {
                w.hashes
                    .push(form_hash(w.letters[*start..].iter().copied()));
                w.ends.push(w.letters.len() as u32);
                *start = w.letters.len();
            } else {
                w.letters.truncate(*start);
            }
        };
        for c in text.chars() {
            // ASCII, most of a text, without the Unicode tables.
            if c.is_ascii_alphabetic() {
                w.letters.push(c.to_ascii_lowercase());
            } else if c == 'ſ' {
                w.letters.push('s');
            } else if !c.is_ascii() && c.is_alphabetic() {
                w.letters.extend(c.to_lowercase());
            } else if w.letters.len() > start {
                close(&mut w, &mut start);
            }
        }
        close(&mut w, &mut start);
        w
    }

    fn word(&self, i: usize) -> &[char] {
        let lo = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.letters[lo..self.ends[i] as usize]
    }
}

/// The hash of a word's letters: a chain, one step a letter, from [`FORM_SEED`].
fn form_hash(chars: impl Iterator<Item = char>) -> u64 {
    chars.fold(FORM_SEED, form_step)
}

const FORM_SEED: u64 = 0x243F_6A88_85A3_08D3;

#[inline]
fn form_step(h: u64, c: char) -> u64 {
    crate::hash::fmix64(h ^ u64::from(c as u32))
}

/// The hashes of `word` without one of its inner letters (first and last kept), as
/// [`form_hash`] gives them: each starts from the chain's state before the deleted letter, so
/// only the letters after it are hashed again.
fn inner_deletions(word: &[char]) -> impl Iterator<Item = u64> + '_ {
    let mut before = [0u64; GARBLE_MAX_LETTERS];
    let mut h = FORM_SEED;
    for (i, &c) in word.iter().enumerate().take(GARBLE_MAX_LETTERS) {
        before[i] = h;
        h = form_step(h, c);
    }
    (1..word.len() - 1).map(move |i| word[i + 1..].iter().copied().fold(before[i], form_step))
}

/// A text's words as the garble test reads them, with the lookup sets it needs of them:
/// prepared once for every pair the text is tested in.
#[derive(Default)]
pub struct GarbleWords {
    words: Words,
    /// The first word of each hash, in text order.
    distinct: Vec<u32>,
    /// Every word's hash.
    whole: crate::hash::IntSet<u64>,
    /// Every word's hash and the hashes of its inner deletions ([`inner_deletions`]).
    near: crate::hash::IntSet<u64>,
}

impl GarbleWords {
    pub fn of(text: &str) -> GarbleWords {
        let words = Words::of(text);
        // The word hashes are hashes already: an integer hasher, not SipHash, spreads them.
        let mut whole =
            crate::hash::IntSet::with_capacity_and_hasher(words.hashes.len(), Default::default());
        // Room for the words and about six inner deletions of each, so that it never grows.
        let mut near =
            crate::hash::IntSet::with_capacity_and_hasher(words.letters.len(), Default::default());
        let mut distinct = Vec::new();
        for (i, &h) in words.hashes.iter().enumerate() {
            if whole.insert(h) {
                distinct.push(i as u32);
                near.insert(h);
                near.extend(inner_deletions(words.word(i)));
            }
        }
        GarbleWords {
            words,
            distinct,
            whole,
            near,
        }
    }
}

/// Whether `a`'s distinct words not in `b` include [`GARBLE_MIN_CLOSE`] or more, and at least
/// [`GARBLE_SHARE`] of them, that are one inner-letter edit (an inserted, dropped or changed
/// letter, first and last letters kept) from a word of `b`. Edits at the ends are not
/// counted: they are mostly inflections ("report", "reports"), which rewrites make and OCR
/// does not favour.
fn near_enough(a: &GarbleWords, b: &GarbleWords) -> bool {
    let (mut unmatched, mut close) = (0usize, 0usize);
    for &i in &a.distinct {
        let h = a.words.hashes[i as usize];
        if b.whole.contains(&h) {
            continue;
        }
        unmatched += 1;
        if b.near.contains(&h)
            || inner_deletions(a.words.word(i as usize)).any(|d| b.near.contains(&d))
        {
            close += 1;
        }
    }
    // `unmatched` >= `close` >= GARBLE_MIN_CLOSE > 0 before the division.
    close >= GARBLE_MIN_CLOSE && close as f64 / unmatched as f64 >= GARBLE_SHARE
}

/// Whether texts `a` and `b` differ as OCR garbles of one text do: at least [`GARBLE_SHARE`]
/// of one side's unmatched words, and [`GARBLE_MIN_CLOSE`] or more, are a letter's edit from
/// a word of the other ("tbe" beside "the", "Governmeut" beside "Government"). Rewritten or
/// separately written stories differ by other words instead. Judged on the pair itself, so
/// it needs no feed statistics and holds in a feed of three articles as in one of a million,
/// and when both copies are noisy.
pub fn differ_as_garbles(a: &str, b: &str) -> bool {
    garbled(&GarbleWords::of(a), &GarbleWords::of(b))
}

/// [`differ_as_garbles`] of two prepared texts.
pub fn garbled(a: &GarbleWords, b: &GarbleWords) -> bool {
    near_enough(a, b) || near_enough(b, a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::tokenize;

    fn feed_noise(texts: &[&str]) -> Vec<bool> {
        let (mut keys, mut ends) = (Vec::new(), Vec::new());
        for t in texts {
            sample_words(&tokenize(t), &mut keys);
            ends.push(keys.len() as u32);
        }
        noisy_articles(&keys, &ends)
    }

    /// A story of `n` distinct made-up words, the same in every call.
    fn story(n: usize) -> String {
        (0..n)
            .map(|i| format!("word{i}x"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn garbled_copy_is_noisy_and_clean_copies_are_not() {
        let clean = story(2000);
        // Every fifth word garbled, as OCR at a few percent character errors does.
        let garbled: String = clean
            .split(' ')
            .enumerate()
            .map(|(i, w)| {
                if i % 5 == 0 {
                    format!("{w}q{i}")
                } else {
                    w.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        let noisy = feed_noise(&[&clean, &clean, &garbled]);
        assert_eq!(noisy, [false, false, true]);
    }

    const STORY: &str = "The government announced on Tuesday that the harbour \
        authority would receive additional funding for the construction of a new \
        breakwater, after storms damaged the northern quay twice during the winter. \
        Officials said the contract would be awarded before the summer and that local \
        fishermen would be consulted about the position of the entrance channel.";

    #[test]
    fn ocr_garbles_differ_as_garbles_and_rewrites_do_not() {
        // OCR: letters misread inside words, one word split, one long s.
        let ocr = "The govcrnment announced on Tuesday that the harbour \
            authority would reccive additional funding for the constrnction of a new \
            break water, after storms damaged the northern qnay twice during the winter. \
            Officials ſaid the contract would be awardcd before the summer and that local \
            fisherrnen would be consulted about the position of the entrance channel.";
        assert!(differ_as_garbles(STORY, ocr));
        assert!(differ_as_garbles(ocr, STORY), "either order");
        // Both copies garbled, differently.
        let ocr2 = "The government annonnced on Tuesday that the harbour \
            authority would receive additional fnnding for the construction of a new \
            breakwater, after storms damagod the northern quay twice during the wintor.";
        assert!(differ_as_garbles(ocr, ocr2));
        // An edited version: other words, and inflections (edits at a word's end).
        let rewrite = "Ministers confirmed on Tuesday that the port authority \
            will be given extra money to build a new breakwater, after winter storms \
            twice damaged the north quay. The contract is expected to be awarded before \
            summer, and fishing crews will be asked where the channel should be placed.";
        assert!(!differ_as_garbles(STORY, rewrite));
        let inflected = STORY
            .replace("announced", "announces")
            .replace("storms", "storm")
            .replace("damaged", "damages");
        assert!(!differ_as_garbles(STORY, &inflected));
        assert!(!differ_as_garbles(STORY, STORY), "nothing unmatched");
    }

    #[test]
    fn one_misspelt_word_between_two_reports_from_a_template_is_not_a_garble() {
        // Two short bond reports written from one template: other names and figures, and one
        // word misspelt in the wire copy ("underwtriting").
        let first = "Harbour Finance is issuing a 150 mln euro bond due April 14 paying seven \
            pct, lead manager Northern Capital Markets said. Fees comprise one pct selling \
            concession and 5/8 pct management and underwtriting combined.";
        let second = "Coastal Power is issuing a 70 mln euro bond due October 30 paying nine \
            pct, lead manager Eastern Securities said. Fees comprise 1-1/4 pct selling \
            concession and 5/8 pct management and underwriting combined.";
        assert!(!differ_as_garbles(first, second));
        assert!(!differ_as_garbles(second, first), "either order");
        // A second misread word beside the other's spelling: then the share decides.
        let misread = first.replace("management", "managemcnt");
        assert!(differ_as_garbles(&misread, second));
    }

    #[test]
    fn short_articles_are_not_judged() {
        assert_eq!(feed_noise(&["tiny text here", &story(50)]), [false, false]);
    }

    proptest::proptest! {
        #[test]
        fn deletions_hash_as_the_word_without_the_letter(word in "[a-zß-ÿ]{5,24}") {
            let w: Vec<char> = word.chars().collect();
            proptest::prop_assume!(w.len() <= GARBLE_MAX_LETTERS);
            let naive: Vec<u64> = (1..w.len() - 1)
                .map(|i| form_hash(w[..i].iter().chain(&w[i + 1..]).copied()))
                .collect();
            proptest::prop_assert_eq!(inner_deletions(&w).collect::<Vec<_>>(), naive);
        }
    }

    #[test]
    fn sample_keys_are_sorted_and_distinct() {
        let mut out = vec![7];
        let text = format!("{} {}", story(500), story(500));
        sample_words(&tokenize(&text), &mut out);
        assert_eq!(out[0], 7, "appends");
        assert!(out[1..].windows(2).all(|w| w[0] < w[1]));
        assert!(
            out.len() > 20,
            "about one word in eight of 500: {}",
            out.len()
        );
    }
}
