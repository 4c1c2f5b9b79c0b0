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
pub(crate) static LOWER: [u8; 256] = {
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
/// The text is read in blocks of 64 bytes (`block`): each is classified eight bytes at a
/// time into two bit masks (ASCII letters and digits; bytes of multi-byte characters), and the
/// words found in them are hashed straight from the text when they are plain ASCII words of
/// up to 16 bytes, nearly every word of English text. Anything else goes through the general
/// path, which does the full Unicode normalization; both give the same hash for the same word
/// (`fast_path_matches_the_general_one` below).
pub fn tokenize_into(text: &str, base: usize, out: &mut Vec<Token>, scratch: &mut String) {
    out.clear();
    tokenize_append(text, base, out, scratch);
}

/// Bytes of text classified at once by [`block`], one bit each in a `u64` mask.
const BLOCK: usize = 64;
/// Bytes [`block`] reads: a word that starts in the block is hashed from the 16 bytes at its
/// start, which may reach past the block.
const WINDOW: usize = BLOCK + 16;

/// As [`tokenize_into`], appending to `out` instead of clearing it first (an article's
/// paragraphs into one token list).
pub fn tokenize_append(text: &str, base: usize, out: &mut Vec<Token>, scratch: &mut String) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut pos = 0;
    while let Some(window) = bytes.get(pos..pos + WINDOW) {
        let window = window.try_into().expect("WINDOW bytes");
        pos = block(text, pos, window, base, out, scratch);
    }
    if pos < n {
        // The last blocks are read from a zero-padded copy of the rest of the text (fewer
        // than `WINDOW` bytes): a zero byte is a separator, so no word runs into the padding.
        let tail = pos;
        let mut padded = [0u8; 2 * WINDOW];
        padded[..n - tail].copy_from_slice(&bytes[tail..]);
        while pos < n {
            let window = padded[pos - tail..][..WINDOW]
                .try_into()
                .expect("WINDOW bytes");
            pos = block(text, pos, window, base, out, scratch);
        }
    }
}

/// Tokenizes the block of [`BLOCK`] bytes of `text` from `pos`, whose bytes (and the 16 after
/// them, zero past the text's end) are `window`, and returns where the next block starts.
///
/// `pos` is never inside a word or a character. The block's ASCII letters and digits and its
/// bytes of multi-byte characters become two bit masks, eight bytes at a time ([`alnum8`],
/// gathered by [`gather_highs`]; a block without multi-byte characters, most of English text,
/// skips the second mask and the high-bit masking of the first). A word starts at each letter
/// or digit after a byte that is not one, and the words and multi-byte characters are taken
/// in order of position, each at the cost of a few bit operations instead of a loop over its
/// bytes ([`block_words`]). A word of at most 16 letters and digits followed by an ASCII byte
/// other than the apostrophe is finished here: its two 8-byte chunks are read from the window,
/// lowercased (`| 0x20` lowercases an ASCII letter and leaves a digit as it is), the bytes
/// past its end masked off ([`WORD_BYTES`]), and hashed by [`crate::hash::token_short`] — the
/// value [`crate::hash::token`] gives its lowercased bytes.
///
/// The rest goes to the byte-wise paths, which return where they stopped, maybe past this
/// block: longer words, words followed by an apostrophe or a multi-byte character (which may
/// continue them) to [`ascii_word_long`], and multi-byte characters to [`non_ascii`] (which
/// takes a whole word when the character is a letter, so an ASCII word after one is never
/// started here). A word that reaches the block's last byte may go on in the next block, so
/// the next block starts at it (no carry between blocks; when it fills the block,
/// [`ascii_word_long`] reads it).
#[inline(always)]
fn block(
    text: &str,
    pos: usize,
    window: &[u8; WINDOW],
    base: usize,
    out: &mut Vec<Token>,
    scratch: &mut String,
) -> usize {
    let chunks: [u64; 8] =
        std::array::from_fn(|j| u64::from_le_bytes(window[8 * j..][..8].try_into().expect("8")));
    if chunks.iter().fold(0, |a, &w| a | w) & HIGHS == 0 {
        // ASCII only: `alnum8` without masking the high bits.
        let mut alnum = 0;
        for (j, &w) in chunks.iter().enumerate() {
            alnum |= gather_highs(ascii_alnum8(w)) << (8 * j);
        }
        return block_words::<false>(text, pos, window, alnum, 0, base, out, scratch);
    }
    let mut alnum = 0;
    let mut multibyte = 0;
    for (j, &w) in chunks.iter().enumerate() {
        alnum |= gather_highs(alnum8(w)) << (8 * j);
        multibyte |= gather_highs(w & HIGHS) << (8 * j);
    }
    block_words::<true>(text, pos, window, alnum, multibyte, base, out, scratch)
}

/// The words and multi-byte characters of a block, given its masks; compiled apart for blocks
/// without multi-byte characters (`MULTIBYTE` false, `multibyte` 0), most blocks of English
/// text, which then test nothing for them.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn block_words<const MULTIBYTE: bool>(
    text: &str,
    pos: usize,
    window: &[u8; WINDOW],
    alnum: u64,
    multibyte: u64,
    base: usize,
    out: &mut Vec<Token>,
    scratch: &mut String,
) -> usize {
    // The byte before the block is not a letter or digit, or is one of a word already read.
    let mut events = (alnum & !(alnum << 1)) | multibyte;
    while events != 0 {
        let k = events.trailing_zeros() as usize;
        let at = pos + k;
        let next = if MULTIBYTE && (multibyte >> k) & 1 != 0 {
            non_ascii(text, at, base, out, scratch)
        } else {
            let len = (!(alnum >> k)).trailing_zeros() as usize;
            let end = k + len;
            if end >= BLOCK {
                if k > 0 {
                    return at;
                }
                ascii_word_long(text, at, base, out, scratch)
            } else if len > 16 || window[end] == b'\'' || (MULTIBYTE && (multibyte >> end) & 1 != 0)
            {
                ascii_word_long(text, at, base, out, scratch)
            } else {
                let c0 = u64::from_le_bytes(window[k..][..8].try_into().expect("8 bytes"));
                let c1 = u64::from_le_bytes(window[k + 8..][..8].try_into().expect("8 bytes"));
                let [m0, m1] = WORD_BYTES[len];
                out.push(Token {
                    start: (base + at) as u32,
                    end: (base + at + len) as u32,
                    hash: crate::hash::token_short(
                        (c0 | (0x20 * ONES)) & m0,
                        (c1 | (0x20 * ONES)) & m1,
                        len,
                    ),
                });
                events &= events - 1;
                continue;
            }
        };
        // A byte-wise path read the text up to `next`, maybe past this block.
        if next >= pos + BLOCK {
            return next;
        }
        events &= u64::MAX << (next - pos);
    }
    pos + BLOCK
}

/// `WORD_BYTES[len]`: the bytes of a word of `len` ≤ 16 bytes in its two 8-byte chunks.
static WORD_BYTES: [[u64; 2]; 17] = {
    let mut t = [[0u64; 2]; 17];
    let mut len = 1;
    while len <= 16 {
        let bits = 8 * len as u32;
        t[len] = if len <= 8 {
            [u64::MAX >> (64 - bits), 0]
        } else {
            [u64::MAX, u64::MAX >> (128 - bits)]
        };
        len += 1;
    }
    t
};

/// The high bits of eight bytes (all other bits clear) gathered into the low eight bits, the
/// `i`th byte's at bit `i`. The multiplier has one bit per byte, placed so that the product
/// holds byte `i`'s high bit at bit `56 + i` and every other product bit lands elsewhere
/// (the 64 partial products are at distinct places, so nothing carries).
#[inline(always)]
fn gather_highs(h: u64) -> u64 {
    h.wrapping_mul(0x0002_0408_1020_4081) >> 56
}

/// The multi-byte character at `i`: an ideograph or kana is a token, a letter or digit starts
/// a word ([`word`]), anything else separates. Returns where it stopped.
#[inline(never)]
fn non_ascii(
    text: &str,
    i: usize,
    base: usize,
    out: &mut Vec<Token>,
    scratch: &mut String,
) -> usize {
    let c = text[i..].chars().next().expect("i is on a char boundary");
    if is_cjk(c) {
        let end = i + c.len_utf8();
        scratch.clear();
        scratch.push(c);
        push(out, base + i, base + end, scratch);
        end
    } else if c.is_alphanumeric() {
        word(text, i, base, out, scratch)
    } else {
        i + c.len_utf8()
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

/// The high bit of each of eight bytes that is an ASCII letter or digit (SWAR).
#[inline(always)]
fn alnum8(w: u64) -> u64 {
    ascii_alnum8(w & !HIGHS) & !w
}

/// [`alnum8`] of eight ASCII bytes (high bits clear). Each byte is compared with a range by
/// adding a bias that carries into its high bit exactly when it is at or above the bound; the
/// bytes are 7-bit when added, so no carry crosses into the next byte.
#[inline(always)]
fn ascii_alnum8(x: u64) -> u64 {
    #[inline(always)]
    fn in_range(v: u64, lo: u8, hi: u8) -> u64 {
        let at_least_lo = v.wrapping_add((0x80 - lo as u64) * ONES);
        let above_hi = v.wrapping_add((0x7F - hi as u64) * ONES);
        at_least_lo & !above_hi
    }
    let digit = in_range(x, b'0', b'9');
    // `| 0x20` maps capitals onto small letters and no other byte into `a..=z`.
    let letter = in_range(x | (0x20 * ONES), b'a', b'z');
    (digit | letter) & HIGHS
}

/// Eight bytes classified at once: the high bit of each byte that is *not* an ASCII letter or
/// digit ([`alnum8`]), and the bytes with ASCII capitals lowercased (`| 0x20` on every letter
/// and digit: a digit already has that bit).
#[inline]
fn classify8(w: u64) -> (u64, u64) {
    let alnum = alnum8(w);
    (!alnum & HIGHS, w | (alnum >> 2))
}

/// The words starting with an ASCII letter or digit that [`block`] does not finish: words of
/// more than 16 bytes, words with apostrophes inside, words a multi-byte character follows
/// (which hands them to [`word`] when they go on), and words that fill a block.
///
/// The word is read eight bytes at a time ([`classify8`]): its lowercased bytes go into a
/// stack buffer and the first separator ends it, with no branch per byte (a branch per byte
/// mispredicts once per word, which would dominate tokenizing).
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
    // instead of copying (this was a tenth of the per-article analysis). Most paragraphs
    // start with a capital and a lower-case letter ("The"), which already settles it: a
    // lower-case letter in the first two bytes is in the first word, unless the first byte
    // ends that word, which leaves it empty.
    if p.bytes().take(2).any(|b| b.is_ascii_lowercase()) {
        return 0;
    }
    dateline_len_of_any(p)
}

/// [`dateline_len`] without its first test (the reference it is tested against).
fn dateline_len_of_any(p: &str) -> usize {
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

/// The characters a non-ASCII `c` folds to, given to `f` in order: long s as s, a ligature
/// as its letters, any other letter or digit lower-cased, nothing for the rest.
pub(crate) fn fold_non_ascii(c: char, mut f: impl FnMut(u32)) {
    let mut each = |s: &str| s.bytes().for_each(|b| f(u32::from(b)));
    match c {
        'ſ' => each("s"),
        'ﬀ' => each("ff"),
        'ﬁ' => each("fi"),
        'ﬂ' => each("fl"),
        'ﬃ' => each("ffi"),
        'ﬄ' => each("ffl"),
        'ﬅ' | 'ﬆ' => each("st"),
        'æ' | 'Æ' => each("ae"),
        'œ' | 'Œ' => each("oe"),
        c if c.is_alphanumeric() => c.to_lowercase().for_each(|l| f(l as u32)),
        _ => {}
    }
}

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

    proptest::proptest! {
        /// The quick rejection on the first two bytes changes no answer.
        #[test]
        fn dateline_quick_rejection_agrees(p in "[Aa ,(/.'É é—-]{0,12}( — )?[A-Za-z]{0,4}") {
            proptest::prop_assert_eq!(dateline_len(&p), dateline_len_of_any(&p));
        }
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

    /// `tokenize` and `tokenize_into` with a base against the general path: same words, same
    /// spans, same hashes.
    fn assert_matches_the_general_path(text: &str) {
        let want = tokenize_general(text);
        assert_eq!(tokenize(text), want, "{text:?}");
        let mut out = vec![Token {
            start: 1,
            end: 2,
            hash: 3,
        }];
        tokenize_append(text, 1000, &mut out, &mut String::new());
        let shifted: Vec<Token> = want
            .iter()
            .map(|t| Token {
                start: t.start + 1000,
                end: t.end + 1000,
                ..*t
            })
            .collect();
        assert_eq!(out[1..], shifted[..], "{text:?} at 1000");
    }

    use proptest::strategy::Strategy;

    proptest::proptest! {
        /// Words of every length up to 70 bytes among what can separate or continue them, in
        /// texts long enough that words start, end and cross at every place of the 64-byte
        /// blocks (and of the 16 bytes the block reads past its end).
        #[test]
        fn blocks_match_the_general_path(
            parts in proptest::collection::vec(proptest::prop_oneof![
                "[A-Za-z0-9]{1,70}",
                "[a-z]{1,9}",
                proptest::sample::select(vec![
                    " ", "  ", "   ", "\n", "\n\n", ".", ", ", "-", "\"", "(", "'", "’", "‘",
                    "é", "É", "東", "—", "“", "”", "0", "42", "'s", "’s", "\0", "ﬁ", "ß",
                ]).prop_map(String::from),
            ], 0..120)
        ) {
            assert_matches_the_general_path(&parts.concat());
        }
    }

    #[test]
    fn words_at_every_place_of_texts_around_the_block_size() {
        // Texts of exactly these lengths (one block less one, one, one and one, two; the
        // window of 80 bytes the block reads, and one either side), with one word placed at
        // every start and followed by what may end or continue it. Before the word: spaces, or
        // other words, so that the blocks are laid out differently.
        let fillers = [" ".repeat(200), "ab Cd 1 efg ".repeat(20)];
        for len in [63, 64, 65, 79, 80, 81, 128] {
            for start in 0..len {
                for wlen in [1, 2, 7, 8, 9, 15, 16, 17, 30, 63, 64, 65, 70] {
                    let word = "Xy7".repeat(24)[..wlen].to_string();
                    for after in ["", " ", "'", "'s", "’s", "é", "東", ".", "x'"] {
                        for filler in &fillers {
                            let mut text = String::new();
                            if start > 0 {
                                text.push_str(&filler[..start - 1]);
                                text.push(' ');
                            }
                            text.push_str(&word);
                            text.push_str(after);
                            text.push_str(&filler[..len.saturating_sub(text.len())]);
                            // Cut at `len` (a word may end at the text's end) on a char
                            // boundary.
                            let mut cut = len.min(text.len());
                            while !text.is_char_boundary(cut) {
                                cut -= 1;
                            }
                            text.truncate(cut);
                            assert_matches_the_general_path(&text);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn offsets_are_shifted_by_base() {
        let mut out = Vec::new();
        tokenize_into("ab cd", 10, &mut out, &mut String::new());
        assert_eq!((out[1].start, out[1].end), (13, 15));
    }
}
