//! Words to tokens. A token is a word of the original text with its byte span and the hash of
//! its normalized form, so that later stages compare hashes and still report exact offsets.
//!
//! Normalization, chosen so that the copies a newsroom makes compare equal:
//! - Unicode compatibility forms are folded (NFKC: `ﬁ` → `fi`, full-width digits → ASCII);
//! - case is folded (`to_lowercase`);
//! - apostrophes inside a word are dropped, so `Japan’s`, `Japan's` and `Japans` are one token;
//! - everything that is not a letter or digit (punctuation, quotes of any shape, dashes,
//!   whitespace) separates words and is otherwise ignored.
//!
//! Chinese and Japanese ideographs and kana are one token each, since those scripts do not put
//! spaces between words.

use unicode_normalization::UnicodeNormalization;

/// A word of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the word's first byte.
    pub start: u32,
    /// Byte offset one past the word's last byte.
    pub end: u32,
    /// Hash of the normalized word ([`crate::hash::token`]).
    pub hash: u64,
}

#[inline]
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}' | '\u{2018}')
}

#[inline]
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // hiragana, katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x20000..=0x2FFFF) // CJK extensions B..
}

/// UTF-8 of `’` (U+2019), the apostrophe of most news text.
const RIGHT_QUOTE: [u8; 3] = [0xE2, 0x80, 0x99];

/// Each ASCII letter or digit lowercased; 0 for every other byte (separators, the straight
/// apostrophe, which is handled where it matters, and bytes of multi-byte characters).
static LOWER: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        if b.is_ascii_alphanumeric() {
            t[i] = b.to_ascii_lowercase();
        }
        i += 1;
    }
    t
};

/// Splits text into tokens and appends them to `out` (cleared first). `scratch` is reused for
/// the normalized form so that tokenizing allocates nothing per word.
///
/// `base` is added to every offset, for tokenizing a slice of a larger text.
///
/// Words of ASCII letters and digits, with straight or `’` apostrophes inside, take a fast
/// path (`ascii_word`) that classifies and lowercases eight bytes at a time and hashes short
/// words straight from registers. Anything else goes through the general path, which does the
/// full Unicode normalization; both give the same hash for the same word
/// (`fast_path_matches_the_general_one` below).
pub fn tokenize_into(text: &str, base: usize, out: &mut Vec<Token>, scratch: &mut String) {
    out.clear();
    tokenize_append(text, base, out, scratch);
}

/// As [`tokenize_into`], appending to `out` instead of clearing it first (an article's
/// paragraphs into one token list).
pub fn tokenize_append(text: &str, base: usize, out: &mut Vec<Token>, scratch: &mut String) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        let b = bytes[i];
        if LOWER[b as usize] != 0 {
            i = ascii_word(text, i, base, out, scratch);
            continue;
        }
        if b < 0x80 {
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().expect("i is on a char boundary");
        if is_cjk(c) {
            let end = i + c.len_utf8();
            scratch.clear();
            scratch.push(c);
            push(out, base + i, base + end, scratch);
            i = end;
        } else if c.is_alphanumeric() {
            i = word(text, i, base, out, scratch);
        } else {
            i += c.len_utf8();
        }
    }
}

/// Bytes 0x01 of a `u64` read as eight bytes, and their high bits.
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Eight bytes of `bytes` from `j` as a little-endian `u64`, zero-padded past the end (a zero
/// byte is a separator, so a word never runs past the text).
#[inline]
fn load8(bytes: &[u8], j: usize) -> u64 {
    let mut t = [0u8; 8];
    match bytes.get(j..j + 8) {
        Some(b) => t.copy_from_slice(b),
        None => {
            let rest = &bytes[j.min(bytes.len())..];
            t[..rest.len()].copy_from_slice(rest);
        }
    }
    u64::from_le_bytes(t)
}

/// Eight bytes classified at once (SWAR): the high bit of each byte that is *not* an ASCII
/// letter or digit, and the bytes with ASCII capitals lowercased. Each byte is compared with a
/// range by adding a bias that carries into its high bit exactly when it is at or above the
/// bound; the bytes are 7-bit when added, so no carry crosses into the next byte.
#[inline]
fn classify8(w: u64) -> (u64, u64) {
    #[inline]
    fn in_range(v: u64, lo: u8, hi: u8) -> u64 {
        let at_least_lo = v.wrapping_add((0x80 - lo as u64) * ONES) & HIGHS;
        let above_hi = v.wrapping_add((0x7F - hi as u64) * ONES) & HIGHS;
        at_least_lo & !above_hi
    }
    let ascii = !w & HIGHS;
    let x = w & !HIGHS;
    let digit = in_range(x, b'0', b'9');
    // `| 0x20` maps capitals onto small letters and no other byte into `a..=z`.
    let letter = in_range(x | (0x20 * ONES), b'a', b'z') & ascii;
    let not_alnum = !((digit & ascii) | letter) & HIGHS;
    (not_alnum, w | (letter >> 2))
}

/// Mask of the bytes of a word in eight bytes classified by [`classify8`]: all bytes before
/// the first one whose high bit `not_alnum` sets, all eight when it sets none.
#[inline]
fn word_mask(not_alnum: u64) -> u64 {
    // One bit per byte that ends the word, at the byte's lowest bit; `y | -y` sets every bit
    // from the lowest of them up (none when `y` is 0), so its complement is the bits below.
    let y = not_alnum >> 7;
    !(y | y.wrapping_neg())
}

/// The fast path of [`tokenize_into`] for a word starting with an ASCII letter or digit at
/// `start`: a word of fewer than 16 ASCII alphanumerics followed by an ASCII byte that is not
/// an apostrophe (or by the text's end), nearly every word of English text.
///
/// The bytes from `start` are classified and lowercased eight at a time ([`classify8`]), the
/// bytes past the word's end are masked off, and the (at most two) chunks are hashed as they
/// are ([`crate::hash::token_short`]): no copy, no branch per byte, and only one on the length
/// (whether the word reaches its second eight bytes; one word in six of news text does).
/// Classifying both chunks of every word removes that branch too, but in callgrind on a
/// 3,000-article feed it took about 48 more instructions per word to save 0.18 simulated
/// mispredictions per word, a bad trade at any likely misprediction cost. Anything else
/// (longer words, apostrophes, a multi-byte character after the word) is handed to
/// [`ascii_word_long`], which starts again from `start`.
#[inline]
fn ascii_word(
    text: &str,
    start: usize,
    base: usize,
    out: &mut Vec<Token>,
    scratch: &mut String,
) -> usize {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let (end0, low0) = classify8(load8(bytes, start));
    let (c1, len) = if end0 != 0 {
        (0, end0.trailing_zeros() / 8)
    } else {
        let (end1, low1) = classify8(load8(bytes, start + 8));
        (low1 & word_mask(end1), 8 + end1.trailing_zeros() / 8)
    };
    let len = len as usize;
    let j = start + len;
    // Unless the word has 16 bytes or more, `j` is on the byte that ends it (or at the text's
    // end), and the word is done unless that byte is an apostrophe or starts a multi-byte
    // character.
    if len == 16 || (j < n && (bytes[j] == b'\'' || bytes[j] >= 0x80)) {
        return ascii_word_long(text, start, base, out, scratch);
    }
    out.push(Token {
        start: (base + start) as u32,
        end: (base + j) as u32,
        hash: crate::hash::token_short(low0 & word_mask(end0), c1, len),
    });
    j
}

/// [`ascii_word`] for the words it does not finish: words of 16 bytes or more, words with
/// apostrophes inside, and words a multi-byte character follows (which hands them to
/// [`word`] when they go on).
///
/// The word is read eight bytes at a time ([`classify8`]): its lowercased bytes go into a
/// stack buffer and the first separator ends it, with no branch per byte (a branch per byte
/// mispredicted once per word and was most of tokenizing, `benches/results`).
#[inline(never)]
fn ascii_word_long(
    text: &str,
    start: usize,
    base: usize,
    out: &mut Vec<Token>,
    scratch: &mut String,
) -> usize {
    /// Longest word this path hashes; longer ones take the general path.
    const MAX: usize = 64;
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut buf = [0u8; MAX + 8];
    let mut len = 0;
    let mut j = start;
    loop {
        // Copy lowercased alphanumerics eight bytes at a time; bytes past the word's end are
        // copied too and then written over or left out of the hash.
        loop {
            let (not_alnum, lowered) = classify8(load8(bytes, j));
            buf[len..len + 8].copy_from_slice(&lowered.to_le_bytes());
            let k = (not_alnum.trailing_zeros() / 8) as usize;
            len += k;
            j += k;
            if len > MAX {
                return word(text, start, base, out, scratch);
            }
            if k < 8 {
                break;
            }
        }
        let alnum_at = |k: usize| k < n && LOWER[bytes[k] as usize] != 0;
        // An apostrophe between two ASCII alphanumerics is dropped and the word goes on.
        if j < n && bytes[j] == b'\'' && alnum_at(j + 1) {
            j += 1;
            continue;
        }
        if bytes[j.min(n)..].starts_with(&RIGHT_QUOTE) && alnum_at(j + 3) {
            j += 3;
            continue;
        }
        break;
    }
    // A multi-byte character (or an apostrophe before one) continues the word: the general
    // path decides.
    let continues =
        j < n && (bytes[j] >= 0x80 || (bytes[j] == b'\'' && j + 1 < n && bytes[j + 1] >= 0x80));
    if continues {
        return word(text, start, base, out, scratch);
    }
    out.push(Token {
        start: (base + start) as u32,
        end: (base + j) as u32,
        hash: crate::hash::token(&buf[..len]),
    });
    j
}

/// Convenience form of [`tokenize_into`].
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    tokenize_into(text, 0, &mut out, &mut String::new());
    out
}

#[inline]
fn push(out: &mut Vec<Token>, start: usize, end: usize, normalized: &str) {
    out.push(Token {
        start: start as u32,
        end: end as u32,
        hash: crate::hash::token(normalized.as_bytes()),
    });
}

/// Reads one word starting at `start` (an alphanumeric char), pushes it, returns its end.
fn word(
    text: &str,
    start: usize,
    base: usize,
    out: &mut Vec<Token>,
    scratch: &mut String,
) -> usize {
    let bytes = text.as_bytes();
    let mut i = start;
    let mut ascii = true;
    // Find the end: alphanumerics, plus apostrophes that sit between two alphanumerics.
    loop {
        if i >= bytes.len() {
            break;
        }
        let b = bytes[i];
        if b < 0x80 {
            if b.is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            if b == b'\'' && next_is_word(text, i + 1) {
                i += 1;
                continue;
            }
            break;
        }
        let c = text[i..].chars().next().expect("char boundary");
        if (c.is_alphanumeric() && !is_cjk(c))
            || (is_apostrophe(c) && next_is_word(text, i + c.len_utf8()))
        {
            ascii = false;
            i += c.len_utf8();
            continue;
        }
        break;
    }
    let w = &text[start..i];
    if ascii && w.len() <= 64 {
        // Fast path: lowercase into a stack buffer and hash it; no allocation, no UTF-8 work.
        let mut buf = [0u8; 64];
        let mut n = 0;
        for &b in w.as_bytes() {
            if b != b'\'' {
                buf[n] = b.to_ascii_lowercase();
                n += 1;
            }
        }
        out.push(Token {
            start: (base + start) as u32,
            end: (base + i) as u32,
            hash: crate::hash::token(&buf[..n]),
        });
        return i;
    }
    scratch.clear();
    if ascii {
        for &b in w.as_bytes() {
            if b != b'\'' {
                scratch.push(b.to_ascii_lowercase() as char);
            }
        }
    } else {
        for c in w.nfkc() {
            if is_apostrophe(c) {
                continue;
            }
            for l in c.to_lowercase() {
                scratch.push(l);
            }
        }
    }
    push(out, base + start, base + i, scratch);
    i
}

#[inline]
fn next_is_word(text: &str, i: usize) -> bool {
    text[i.min(text.len())..]
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() && !is_cjk(c))
}

/// Byte length of a wire dateline at the start of a paragraph, or 0.
///
/// A dateline is a place name whose first word is in capitals, optionally followed by more
/// place words, a date and an agency in parentheses, then a dash between spaces:
/// `WASHINGTON (AP) — `, `HELSINKI, July 16 (Reuters) - `, `TURNBERRY/GLASGOW, Scotland — `.
/// The part before the dash has at most [`MAX_DATELINE_CHARS`] characters and no sentence
/// punctuation, so an ordinary sentence with a dash is not taken for one.
pub fn dateline_len(p: &str) -> usize {
    // Called on every paragraph: reject on the first word before any search, and borrow
    // instead of copying (this was a tenth of the per-article analysis).
    let first = p.split([' ', ',', '(']).next().unwrap_or("");
    let letters = first.chars().filter(|c| c.is_alphabetic()).count();
    let caps = letters >= 2
        && first
            .chars()
            .all(|c| c.is_uppercase() || c == '/' || c == '.' || c == '-' || c == '\'');
    if !caps {
        return 0;
    }
    let head_end = p
        .char_indices()
        .nth(MAX_DATELINE_CHARS + 4)
        .map_or(p.len(), |(i, _)| i);
    let head = &p[..head_end];
    let Some((dash_at, dash_len)) = [" — ", " – ", " -- ", " - "]
        .iter()
        .filter_map(|d| head.find(d).map(|i| (i, d.len())))
        .min()
    else {
        return 0;
    };
    let prefix = &head[..dash_at];
    if prefix.contains(['!', '?', ';', '"', '“', ':']) {
        return 0;
    }
    // Sentence ends inside the prefix (". ") mean this is prose, not a dateline; "U.S." and
    // "St." stay allowed because they are not followed by a capitalised sentence start here.
    if prefix.contains(". ") {
        return 0;
    }
    dash_at + dash_len
}

/// See [`dateline_len`].
pub const MAX_DATELINE_CHARS: usize = 60;

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text)
            .iter()
            .map(|t| &text[t.start as usize..t.end as usize])
            .collect()
    }

    fn hashes(text: &str) -> Vec<u64> {
        tokenize(text).iter().map(|t| t.hash).collect()
    }

    #[test]
    fn spans_point_at_the_original_words() {
        assert_eq!(
            words("Japan’s “strategic dialogue” — held in Tokyo."),
            vec!["Japan’s", "strategic", "dialogue", "held", "in", "Tokyo"]
        );
        assert_eq!(words("  'quoted' end'"), vec!["quoted", "end"]);
    }

    #[test]
    fn copies_a_newsroom_makes_compare_equal() {
        // curly vs straight quotes and apostrophes, case, dashes, whitespace
        assert_eq!(
            hashes("Japan’s “strategic  dialogue” — held"),
            hashes("JAPAN'S \"Strategic dialogue\" - held")
        );
        // compatibility forms: ligature and full-width digits
        assert_eq!(hashes("ﬁnal ２０１８"), hashes("final 2018"));
        assert_ne!(hashes("final 2018"), hashes("final 2019"));
    }

    #[test]
    fn ideographs_are_single_tokens() {
        assert_eq!(words("東京で会談"), vec!["東", "京", "で", "会", "談"]);
        assert_eq!(words("Zürich café"), vec!["Zürich", "café"]);
    }

    #[test]
    fn datelines_are_recognised_and_prose_is_not() {
        for d in [
            "WASHINGTON (AP) — ",
            "HELSINKI, July 16 (Reuters) - ",
            "TURNBERRY/GLASGOW, Scotland — ",
            "NEW YORK -- ",
        ] {
            let p = format!("{d}The president said on Monday that talks would go on.");
            assert_eq!(dateline_len(&p), d.len(), "{d}");
        }
        for p in [
            "The president said — again — that talks would go on.",
            "NATO allies met. Then - after a long debate - they agreed.",
            "I said: WAIT - no.",
            "A short line",
        ] {
            assert_eq!(dateline_len(p), 0, "{p}");
        }
    }

    #[test]
    fn long_and_short_ascii_words_hash_alike_on_both_paths() {
        let long = "a".repeat(70);
        assert_eq!(hashes(&long), hashes(&long.to_uppercase()));
        assert_eq!(hashes("Don't"), vec![crate::hash::token(b"dont")]);
        // Around the fast path's 8- and 16-byte steps, against `hash::token` itself.
        for len in [1, 7, 8, 9, 15, 16, 17] {
            let w = "Q7".repeat(9)[..len].to_string();
            let want = crate::hash::token(w.to_ascii_lowercase().as_bytes());
            assert_eq!(hashes(&format!("{w}.")), vec![want], "{w}");
        }
        assert_eq!(
            hashes(&"b".repeat(64)),
            vec![crate::hash::token("b".repeat(64).as_bytes())]
        );
    }

    /// The general path alone, for checking the fast path against.
    fn tokenize_general(text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        let mut scratch = String::new();
        let mut i = 0;
        while i < text.len() {
            let c = text[i..].chars().next().unwrap();
            if is_cjk(c) {
                scratch.clear();
                scratch.push(c);
                push(&mut out, i, i + c.len_utf8(), &scratch);
                i += c.len_utf8();
            } else if c.is_alphanumeric() {
                i = word(text, i, 0, &mut out, &mut scratch);
            } else {
                i += c.len_utf8();
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn fast_path_matches_the_general_one(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "a", "Z", "7", "word", "Don", "t", "'", "’", "‘", "ʼ", " ", "  ", ".", "-", "—",
                "é", "Zürich", "ﬁ", "２", "東", "\n", "\"", "“", "s", "x'", "'y", "’’",
                "Pneumonoultramicroscopic", "@", "[", "`", "{", "/", ":", "\u{10}", "9Q",
            ]), 0..40)
        ) {
            let text: String = parts.concat();
            proptest::prop_assert_eq!(tokenize(&text), tokenize_general(&text));
        }
    }

    proptest::proptest! {
        /// Every byte of every word position, against the byte table the rest of the
        /// tokenizer uses.
        #[test]
        fn eight_bytes_classify_as_the_table_says(w in proptest::num::u64::ANY) {
            let (not_alnum, lowered) = classify8(w);
            for (k, (&b, &l)) in w.to_le_bytes().iter().zip(&lowered.to_le_bytes()).enumerate() {
                let alnum = LOWER[b as usize] != 0;
                proptest::prop_assert_eq!(not_alnum >> (8 * k + 7) & 1 == 0, alnum, "byte {:#x}", b);
                if alnum {
                    proptest::prop_assert_eq!(l, LOWER[b as usize]);
                }
            }
        }
    }

    #[test]
    fn every_byte_value_classifies_as_the_table_says() {
        for b in 0..=255u8 {
            let (not_alnum, lowered) = classify8(u64::from_le_bytes([b; 8]));
            let alnum = LOWER[b as usize] != 0;
            assert_eq!(not_alnum == 0, alnum, "{b:#x}");
            assert_eq!(not_alnum == HIGHS, !alnum, "{b:#x}");
            if alnum {
                assert_eq!(lowered.to_le_bytes(), [LOWER[b as usize]; 8], "{b:#x}");
            }
        }
    }

    #[test]
    fn words_across_eight_byte_steps_and_the_text_end() {
        // Every length from 1 to 20, so the word ends before, at and after the 8- and 16-byte
        // steps (the fast path hashes words of up to 15 bytes from its two chunks).
        for len in 1..=20 {
            let w = "Ab3".repeat(7)[..len].to_string();
            let mut texts = vec![
                w.clone(),
                format!("{w} x"),
                format!("x {w}"),
                format!("{w}'s {w}’d {w}é"),
                format!("“{w}” {w}—{w}\0{w}. {w}’"),
            ];
            // An apostrophe at every place inside, so the bytes after it shift across a step.
            for cut in 1..len {
                let (a, b) = w.split_at(cut);
                texts.push(format!("{a}'{b} {a}’{b}"));
            }
            for text in texts {
                assert_eq!(tokenize(&text), tokenize_general(&text), "{text}");
            }
        }
    }

    proptest::proptest! {
        /// Words of 1 to 20 letters and digits (so 8, 16 and 17 bytes come up often), with or
        /// without an apostrophe inside, then what can follow a word, at the text's end too.
        #[test]
        fn words_of_every_length_up_to_twenty(
            word in "[A-Za-z0-9]{1,20}",
            apostrophe in proptest::option::of((1usize..20, proptest::sample::select(vec!["'", "’"]))),
            after in proptest::sample::select(vec![
                "", " ", ".", "'", "’", "'s", "’é", "é", "—", "\0", "東", "ʼt",
            ]),
        ) {
            let mut w = word;
            if let Some((at, a)) = apostrophe.filter(|&(at, _)| at < w.len()) {
                w.insert_str(at, a);
            }
            let text = format!("{w}{after} {w}{after}");
            proptest::prop_assert_eq!(tokenize(&text), tokenize_general(&text), "{}", text);
        }
    }

    #[test]
    fn fast_path_matches_the_general_one_on_long_words() {
        for text in [
            "a".repeat(63),
            "a".repeat(64),
            "a".repeat(65),
            format!("{}’s", "b".repeat(62)),
        ] {
            assert_eq!(tokenize(&text), tokenize_general(&text), "{text}");
        }
    }

    #[test]
    fn offsets_are_shifted_by_base() {
        let mut out = Vec::new();
        tokenize_into("ab cd", 10, &mut out, &mut String::new());
        assert_eq!((out[1].start, out[1].end), (13, 15));
    }
}
