//! The JSON string decoder shared by the JSONL reader and [`Corpus::text`]: the first pass
//! decodes a record's text literal with [`decode_string`] to measure and analyse it, and a
//! later stage reads the same literal again ([`text_at`]) and decodes it with the same code,
//! so both see one string. A module of its own so that neither [`crate::corpus`] nor
//! [`crate::input`] imports the other for it (the corpus's types are built by the reader;
//! the reader's decoder is needed to read a text again).
//!
//! [`Corpus::text`]: crate::corpus::Corpus::text

/// Decodes the JSON string literal `raw` (quotes included) into `out`, which is cleared first.
/// `raw` is what serde_json accepted as a value, so its escapes are well formed and it holds no
/// control character; a UTF-16 surrogate without its pair is refused, as serde_json refuses it
/// for a `String`. The stretches between escapes are copied whole (`memchr`), so a text without
/// escapes is one copy.
pub fn decode_string(raw: &str, out: &mut String) -> std::result::Result<(), String> {
    out.clear();
    let inner = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .ok_or("the value is not a JSON string")?;
    let b = inner.as_bytes();
    let hex4 = |at: usize| -> std::result::Result<u32, String> {
        b.get(at..at + 4)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or_else(|| "a \\u escape without four hex digits".to_string())
    };
    let lone = || "a UTF-16 surrogate without its pair in a \\u escape".to_string();
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'\\', &b[i..]) {
        out.push_str(&inner[i..i + k]);
        i += k + 2;
        let c = match b.get(i - 1).copied() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let hi = hex4(i)?;
                i += 4;
                let code = match hi {
                    0xD800..=0xDBFF => {
                        if b.get(i..i + 2) != Some(b"\\u") {
                            return Err(lone());
                        }
                        let lo = hex4(i + 2)?;
                        if !(0xDC00..=0xDFFF).contains(&lo) {
                            return Err(lone());
                        }
                        i += 6;
                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                    }
                    0xDC00..=0xDFFF => return Err(lone()),
                    _ => hi,
                };
                char::from_u32(code).ok_or_else(lone)?
            }
            Some(e) => return Err(format!("an invalid escape \\{}", e as char)),
            None => return Err("a string that ends in a backslash".into()),
        };
        out.push(c);
    }
    out.push_str(&inner[i..]);
    Ok(())
}

/// The text of a record line that the JSONL reader accepted, from its string literal at bytes
/// `at..at + raw_len` of the line, decoded again by the code that measured it
/// ([`decode_string`]); the message says what is wrong when the line no longer holds it there.
pub fn text_at(line: &[u8], at: u64, raw_len: u64) -> std::result::Result<String, String> {
    let raw = usize::try_from(at)
        .ok()
        .zip(usize::try_from(raw_len).ok())
        .and_then(|(at, len)| line.get(at..at.checked_add(len)?))
        .ok_or("the record is shorter than its text was")?;
    let raw = std::str::from_utf8(raw).map_err(|e| {
        format!(
            "invalid UTF-8 at byte {} of the line",
            at + e.valid_up_to() as u64
        )
    })?;
    let mut text = String::with_capacity(raw.len());
    decode_string(raw, &mut text)?;
    Ok(text)
}
