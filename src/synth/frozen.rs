//! The generator's own word tokenizer and hashes, frozen: the base stories are cleaned and
//! seeded with these, not with the detector's `normalize` and `hash`, so that tuning the
//! detector can never move a generated feed or its ground truth.
//!
//! Changing anything here changes every generated feed; `tests/synth.rs` pins the bytes of a
//! small one (`generated_bytes_are_pinned`) so that such a change is seen and meant.

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Seed of every hash in this module ("synthgen" in ASCII).
pub const SEED: u64 = 0x7379_6e74_6867_656e;

/// xxh3 of `bytes` with [`SEED`].
pub fn bytes(bytes: &[u8]) -> u64 {
    xxh3_64_with_seed(bytes, SEED)
}

/// Hashes of the words of `s`: maximal runs of alphanumeric characters, lower-cased, with an
/// apostrophe inside a word dropped (`don't` is `dont`).
pub fn word_hashes(s: &str) -> Vec<u64> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if matches!(c, '\'' | '’')
            && !word.is_empty()
            && chars.peek().is_some_and(|n| n.is_alphanumeric())
        {
            // In-word apostrophe: skipped, the word goes on.
        } else if !word.is_empty() {
            out.push(bytes(word.as_bytes()));
            word.clear();
        }
    }
    if !word.is_empty() {
        out.push(bytes(word.as_bytes()));
    }
    out
}

/// Hash of a run of word hashes (an n-gram), order-sensitive.
pub fn sequence(words: &[u64]) -> u64 {
    let mut buf = Vec::with_capacity(words.len() * 8);
    for w in words {
        buf.extend_from_slice(&w.to_le_bytes());
    }
    xxh3_64_with_seed(&buf, SEED ^ words.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_fold_case_and_in_word_apostrophes() {
        assert_eq!(
            word_hashes("Don't STOP, now!"),
            word_hashes("dont stop now")
        );
        assert_eq!(word_hashes("'quoted' — x"), word_hashes("quoted x"));
        assert_eq!(word_hashes(" \n"), Vec::<u64>::new());
    }

    #[test]
    fn hashes_are_fixed() {
        // Frozen values: if this fails, every generated feed has changed.
        assert_eq!(
            (bytes(b"reprint"), sequence(&word_hashes("One two, three"))),
            (17_418_439_010_108_758_000, 13_924_401_703_481_617_047)
        );
    }
}
