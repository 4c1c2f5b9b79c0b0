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
/// ([`sample_words`]). Only the articles `counted` marks make the feed's vocabulary (an
/// exact copy of an earlier article does not, [`crate::copies::first_of_text`]): a scan
/// fetched twice is one scan, and its garbles are still its own.
pub fn noisy_articles(keys: &[u32], ends: &[u32], counted: &[bool]) -> Vec<bool> {
    use rayon::prelude::*;
    let run = |i: usize| {
        let lo = if i == 0 { 0 } else { ends[i - 1] as usize };
        lo..ends[i] as usize
    };
    let mut all: Vec<u32> = (0..ends.len())
        .filter(|&i| counted[i])
        .flat_map(|i| keys[run(i)].iter().copied())
        .collect();
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
            let own = &keys[run(i)];
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

/// Runs of a text's letters, or letters and digits (`digits`), of `lens` characters,
/// lower-cased and folded as the character evidence folds them
/// (`normalize::fold_non_ascii`: long s as s, ligatures as their letters):
/// `chars[ends[i-1]..ends[i]]` is run `i`, `hashes[i]` its hash ([`form_hash`]). Repeated
/// runs are kept. The garble test's words are runs of [`GARBLE_MIN_LETTERS`] to
/// [`GARBLE_MAX_LETTERS`] letters (counted once by [`near_enough`]); its tokens, read in
/// place, every run of letters and digits.
#[derive(Default)]
struct Runs {
    chars: Vec<char>,
    ends: Vec<u32>,
    hashes: Vec<u64>,
}

impl Runs {
    fn of(text: &str, digits: bool, lens: std::ops::RangeInclusive<usize>) -> Runs {
        let mut r = Runs::default();
        let mut start = 0usize;
        let close = |r: &mut Runs, start: &mut usize| {
            if lens.contains(&(r.chars.len() - *start)) {
                r.hashes.push(form_hash(r.chars[*start..].iter().copied()));
                r.ends.push(r.chars.len() as u32);
                *start = r.chars.len();
            } else {
                r.chars.truncate(*start);
            }
        };
        for c in text.chars() {
            // ASCII, most of a text, without the Unicode tables.
            if c.is_ascii_alphabetic() || (digits && c.is_ascii_digit()) {
                r.chars.push(c.to_ascii_lowercase());
            } else if !c.is_ascii() && (c.is_alphabetic() || (digits && c.is_alphanumeric())) {
                crate::normalize::fold_non_ascii(c, |l| r.chars.extend(char::from_u32(l)));
            } else if r.chars.len() > start {
                close(&mut r, &mut start);
            }
        }
        if r.chars.len() > start {
            close(&mut r, &mut start);
        }
        r
    }

    /// The garble test's words of `text`.
    fn words(text: &str) -> Runs {
        Runs::of(text, false, GARBLE_MIN_LETTERS..=GARBLE_MAX_LETTERS)
    }

    /// Every token of `text`.
    fn tokens(text: &str) -> Runs {
        Runs::of(text, true, 1..=usize::MAX)
    }

    fn get(&self, i: usize) -> &[char] {
        let lo = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.chars[lo..self.ends[i] as usize]
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
    words: Runs,
    /// The first word of each hash, in text order.
    distinct: Vec<u32>,
    /// Every word's hash.
    whole: crate::hash::IntSet<u64>,
    /// Every word's hash and the hashes of its inner deletions ([`inner_deletions`]).
    near: crate::hash::IntSet<u64>,
    /// The text's tokens by place, for [`misread_in_place`]: taken on first use, as most
    /// pairs are settled by [`near_enough`] or never asked.
    in_place: std::cell::OnceCell<InPlace>,
}

/// A text's tokens with the lookups [`misread_in_place`] needs of them.
struct InPlace {
    tokens: Runs,
    /// Every token's hash.
    token_set: crate::hash::IntSet<u64>,
    /// The token at each place ([`place`] of its neighbours), `u32::MAX` where two tokens
    /// share a place.
    places: crate::hash::IntMap<u64, u32>,
}

impl InPlace {
    fn of(text: &str) -> InPlace {
        let tokens = Runs::tokens(text);
        let token_set = tokens.hashes.iter().copied().collect();
        let mut places =
            crate::hash::IntMap::with_capacity_and_hasher(tokens.hashes.len(), Default::default());
        for i in 1..tokens.hashes.len().saturating_sub(1) {
            places
                .entry(place(&tokens.hashes, i))
                .and_modify(|t| *t = u32::MAX)
                .or_insert(i as u32);
        }
        InPlace {
            tokens,
            token_set,
            places,
        }
    }
}

impl GarbleWords {
    pub fn of(text: &str) -> GarbleWords {
        let words = Runs::words(text);
        // The word hashes are hashes already: an integer hasher, not SipHash, spreads them.
        let mut whole =
            crate::hash::IntSet::with_capacity_and_hasher(words.hashes.len(), Default::default());
        // Room for the words and about six inner deletions of each, so that it never grows.
        let mut near =
            crate::hash::IntSet::with_capacity_and_hasher(words.chars.len(), Default::default());
        let mut distinct = Vec::new();
        for (i, &h) in words.hashes.iter().enumerate() {
            if whole.insert(h) {
                distinct.push(i as u32);
                near.insert(h);
                near.extend(inner_deletions(words.get(i)));
            }
        }
        GarbleWords {
            words,
            distinct,
            whole,
            near,
            in_place: std::cell::OnceCell::new(),
        }
    }
}

/// The place of token `i` (neither the first nor the last): its two neighbours.
fn place(hashes: &[u64], i: usize) -> u64 {
    crate::hash::fmix64(hashes[i - 1] ^ hashes[i + 1].rotate_left(23))
}

/// Tokens standing in one text where the other prints another, read letter by letter
/// (`misread_in_place`), from which two texts differ as OCR garbles of one text
/// ([`garbled`]).
pub const MISREADS: usize = 2;

/// Tokens read in place as misreads or heavier garbles together from which one misread is
/// enough (`misread_in_place`): a short item at a low error rate garbles few words, and
/// some of those few fall where they say nothing (inside a longer word, among figures, or
/// beside another garble, which moves its place). On the ICDAR 2017 pairs cut to their first
/// paragraph or two (`score.py --only icdar-short`) three more pairs are found (818 to 821
/// of 896), e.g. a French item of 50 words printing "Dathier", "kïste" and "Line" for
/// "Rathier", "liste" and "Une"; every other labelled set, alone and mixed, keeps its figures,
/// Reuters-21578's reports written from one template among them.
pub const IN_PLACE_GARBLES: usize = 3;

/// The longest common subsequence of two tokens' characters, in characters.
fn common_run(a: &[char], b: &[char]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for &x in a {
        let mut diagonal = 0;
        for (j, &y) in b.iter().enumerate() {
            let next = if x == y {
                diagonal + 1
            } else {
                row[j + 1].max(row[j])
            };
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// Whether `part` is a run of `whole`'s characters ("direct" in "indirect").
fn contains(whole: &[char], part: &[char]) -> bool {
    whole.windows(part.len()).any(|w| w == part)
}

/// Edits (inserted, dropped or changed characters) between two tokens, if at most `max`.
fn edits_within(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, &x) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &y) in b.iter().enumerate() {
            let next = (diagonal + usize::from(x != y))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    (row[b.len()] <= max).then_some(row[b.len()])
}

/// Whether `a` prints [`MISREADS`] or more tokens in places where `b` prints a token that
/// reads almost the same (or one, with heavier garbles making [`IN_PLACE_GARBLES`]), these
/// and the heavier garbles outnumber the other words it prints in place, and together they
/// are [`GARBLE_SHARE`] of its unmatched tokens (as for [`near_enough`]: a template with one
/// typo a side is not garbled). A place is a token's two neighbours; a token of `a` found
/// nowhere in `b`, with a letter in it, is weighed against the token `b` prints between the
/// same neighbours, if `b` prints one token there: it is a **misread** when the two lengths
/// differ by one character at most and one character differs, or fewer than a third of the
/// longer one's ("Houb" and "Hour", "sheeting" and "shooting", "Gd" and "6d"), a **heavier
/// garble** when half the longer one's characters read in order in the other ("cohptk" and
/// "compte"), and **another word** otherwise ("Monday" and "Sunday", "spokesman" and
/// "spokeswoman", "Showa" and "Nippon"). A token inside the other ("report" and "reports",
/// "direct" and "indirect") is neither, and figures are left to
/// `crate::figures`.
///
/// This reads garbles that [`near_enough`] does not: misreads at a word's first or last
/// letter, two in one word, short words, and texts too short to hold two garbled words of
/// [`GARBLE_MIN_LETTERS`]. Two reports written from one template print other names in the
/// same places, and a rewrite other words.
fn misread_in_place(a: &InPlace, b: &InPlace) -> bool {
    let (ta, tb) = (&a.tokens, &b.tokens);
    let (mut misread, mut garble, mut other, mut unmatched) = (0usize, 0usize, 0usize, 0usize);
    let mut seen = crate::hash::IntSet::<u64>::default();
    for i in 1..ta.hashes.len().saturating_sub(1) {
        let h = ta.hashes[i];
        let word = ta.get(i);
        if b.token_set.contains(&h)
            || !word.iter().any(|c| c.is_alphabetic())
            || word.len() > GARBLE_MAX_LETTERS
            || !seen.insert(h)
        {
            continue;
        }
        unmatched += 1;
        let Some(&j) = b.places.get(&place(&ta.hashes, i)) else {
            continue;
        };
        if j == u32::MAX {
            continue;
        }
        let there = tb.get(j as usize);
        if contains(there, word) || contains(word, there) {
            continue;
        }
        let longer = word.len().max(there.len());
        let strict = word.len().abs_diff(there.len()) <= 1
            && edits_within(word, there, 1.max((longer - 1) / 3)).is_some();
        if strict {
            misread += 1;
        } else if 2 * common_run(word, there) >= longer {
            garble += 1;
        } else {
            other += 1;
        }
    }
    (misread >= MISREADS || (misread >= 1 && misread + garble >= IN_PLACE_GARBLES))
        && misread + garble > other
        && (misread + garble) as f64 >= GARBLE_SHARE * unmatched as f64
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
            || inner_deletions(a.words.get(i as usize)).any(|d| b.near.contains(&d))
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
    garbled(&GarbleWords::of(a), a, &GarbleWords::of(b), b)
}

/// [`differ_as_garbles`] of two prepared texts; `text_a` and `text_b` are the texts they
/// were prepared from.
pub fn garbled(a: &GarbleWords, text_a: &str, b: &GarbleWords, text_b: &str) -> bool {
    near_enough(a, b) || near_enough(b, a) || {
        let pa = a.in_place.get_or_init(|| InPlace::of(text_a));
        let pb = b.in_place.get_or_init(|| InPlace::of(text_b));
        misread_in_place(pa, pb) || misread_in_place(pb, pa)
    }
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
        noisy_articles(&keys, &ends, &vec![true; ends.len()])
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

    /// A short item of an old newspaper and its OCR: misreads at a word's first or last
    /// letter and in short words, one garbled word of five letters or more.
    const ITEM: &str = "The result of the polling in the northern division was made known \
        to-day as follows. The Conservative candidate was returned by a majority of 77 votes, \
        a gain of a seat from the Liberals, who held it at the last two elections.";
    const ITEM_OCR: &str = "Tho result of the polling in the northern division was mads known \
        to-day as follows. Tbe Conservative candidate was returned by a majority of 77 votes, \
        a gaiu of a seat from the Liberals, who held it at tho last two elcctions.";

    #[test]
    fn a_short_ocr_copy_differs_as_garbles_in_place() {
        let (a, b) = (GarbleWords::of(ITEM), GarbleWords::of(ITEM_OCR));
        assert!(
            !near_enough(&a, &b) && !near_enough(&b, &a),
            "one garbled word of five letters is too few for the word test"
        );
        // "Tho", "mads", "Tbe", "gaiu" stand where the corrected text prints "the", "made",
        // "The", "gain" (read the other way, "the" is found elsewhere in the OCR, and "a gain
        // of" shares its place with "a majority of").
        let (pa, pb) = (InPlace::of(ITEM), InPlace::of(ITEM_OCR));
        assert!(misread_in_place(&pb, &pa));
        assert!(differ_as_garbles(ITEM, ITEM_OCR) && differ_as_garbles(ITEM_OCR, ITEM));
        // A heavier garble reads almost the same letters in order.
        let heavy = ITEM_OCR.replace("Conservative", "Cohscrvatiye");
        assert!(differ_as_garbles(ITEM, &heavy));
    }

    #[test]
    fn one_misread_and_two_heavier_garbles_differ_as_garbles() {
        let item = "The directors met at the bank on Tuesday, when Mr. Cooper, chairman, \
            read the report of the year. The dividend was fixed at six per cent.";
        // "Hooper" for "Cooper" (a misread at the first letter); "dlrcctovs" and "rcpovt"
        // are heavier garbles.
        let ocr = "The dlrcctovs met at the bank on Tuesday, when Mr. Hooper, chairman, \
            read the rcpovt of the year. The dividend was fixed at six per cent.";
        let (pa, pb) = (InPlace::of(item), InPlace::of(ocr));
        assert!(misread_in_place(&pb, &pa));
        // With one heavier garble only, one misread is not enough.
        let fewer = ocr.replace("rcpovt", "report");
        assert!(!misread_in_place(&InPlace::of(&fewer), &pa));
        assert!(!misread_in_place(&pa, &InPlace::of(&fewer)));
    }

    #[test]
    fn reports_from_one_template_print_other_words_in_place() {
        // Two reports of one form: another day and term, "spokeswoman" for "spokesman",
        // "indirect" for "direct", other figures.
        let first = "The central bank entered the money market to arrange two-day repurchase \
            agreements for its own account on Monday, a spokesman said. Funds were trading at \
            6-1/8 pct at the time of the direct injection of reserves, dealers said.";
        let second = "The central bank entered the money market to arrange six-day repurchase \
            agreements for its own account on Sunday, a spokeswoman said. Funds were trading at \
            6-3/4 pct at the time of the indirect injection of reserves, dealers said.";
        assert!(!differ_as_garbles(first, second));
        assert!(!differ_as_garbles(second, first), "either order");
        // The same report with two words misread is garbled.
        let misread = first
            .replace("money", "moncy")
            .replace("account", "acconnt");
        assert!(differ_as_garbles(first, &misread));
    }

    #[test]
    fn ligatures_read_as_their_letters() {
        let set = "The ﬁgures at the two previous elections were ofﬁcially stated.";
        let plain = "The figures at the two previous elections were officially stated.";
        assert_eq!(Runs::words(set).hashes, Runs::words(plain).hashes);
        assert_eq!(Runs::tokens(set).hashes, Runs::tokens(plain).hashes);
        assert!(!differ_as_garbles(set, plain), "nothing unmatched");
    }

    #[test]
    fn edits_and_common_runs_count_characters() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(edits_within(&c("sheeting"), &c("shooting"), 2), Some(2));
        assert_eq!(edits_within(&c("sheeting"), &c("shooting"), 1), None);
        assert_eq!(edits_within(&c("hour"), &c("houb"), 1), Some(1));
        assert_eq!(edits_within(&c("paris"), &c("pftris"), 2), Some(2));
        assert_eq!(common_run(&c("compte"), &c("cohptk")), 4);
        assert_eq!(common_run(&c("showa"), &c("nippon")), 1);
        assert!(contains(&c("indirect"), &c("direct")));
        assert!(!contains(&c("direct"), &c("indirect")));
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
