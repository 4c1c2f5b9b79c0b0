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

    #[test]
    fn short_articles_are_not_judged() {
        assert_eq!(feed_noise(&["tiny text here", &story(50)]), [false, false]);
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
