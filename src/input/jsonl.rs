//! JSONL: one JSON object per line. Blank lines are skipped; every other line that does not
//! give an article is a warning.
//!
//! Lines are parsed in parallel (rayon over the line list, so results keep line order), and
//! only the five configured fields are decoded: every other field is skipped by serde without
//! being built, so a feed with large extra fields (HTML, entity lists) costs little more than
//! its text.
//!
//! A plain JSONL file on disk is read in batches of lines ([`parse_stored`]) and its texts are
//! not kept: each record is validated, its text only measured (decoded into serde's scratch
//! buffer, never into a `String` that outlives the line), and the article records where its
//! line is ([`Body::Line`]). [`text_of_line`] decodes the text again, with the same code, when
//! a stage needs it. Other inputs (stdin, decompressed bytes) go through [`parse`], which keeps
//! every text.

use std::borrow::Cow;
use std::fmt;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use super::{strip_bom, Sink};
use crate::config::{Config, FieldNames};
use crate::corpus::{Article, Body, Origin};
use crate::error::{Error, Result};

/// Bytes of lines read and parsed as one parallel batch by [`parse_stored`]: large enough to
/// keep both cores busy, small beside a feed of gigabytes.
pub(super) const BATCH_BYTES: usize = 16 << 20;

/// A field value as far as an article needs it.
#[derive(Debug, Default)]
enum Scalar {
    #[default]
    Missing,
    Str(String),
    /// A number or boolean, as text (ids may be numbers).
    Other(String),
    /// null, an array or an object.
    Unusable,
}

impl Scalar {
    fn text(self) -> Option<String> {
        match self {
            Scalar::Str(s) | Scalar::Other(s) => Some(s),
            _ => None,
        }
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Str(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::Other(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Other(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Other(v.to_string()))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Other(v.to_string()))
    }
    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Unusable)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Unusable)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Unusable)
    }
}

impl<'de> de::Deserialize<'de> for Scalar {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

/// The text field's value, as far as the pass needs it.
#[derive(Debug, Default)]
enum TextValue {
    #[default]
    Missing,
    /// The decoded string.
    Kept(String),
    /// A string, only measured: its decoded length in bytes and whether it is blank.
    Measured { len: usize, blank: bool },
    /// A number, boolean, null, array or object.
    NotString,
}

/// Decodes (`keep`) or only measures the text field's value.
struct TextSeed {
    keep: bool,
}

impl<'de> DeserializeSeed<'de> for TextSeed {
    type Value = TextValue;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<TextValue, D::Error> {
        d.deserialize_any(self)
    }
}

impl TextSeed {
    /// The string kept, or only measured.
    fn value(self, v: Cow<'_, str>) -> TextValue {
        if self.keep {
            TextValue::Kept(v.into_owned())
        } else {
            TextValue::Measured {
                len: v.len(),
                blank: v.trim().is_empty(),
            }
        }
    }
}

impl<'de> Visitor<'de> for TextSeed {
    type Value = TextValue;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_str<E>(self, v: &str) -> Result<TextValue, E> {
        Ok(self.value(Cow::Borrowed(v)))
    }
    fn visit_string<E>(self, v: String) -> Result<TextValue, E> {
        Ok(self.value(Cow::Owned(v)))
    }
    fn visit_u64<E>(self, _: u64) -> Result<TextValue, E> {
        Ok(TextValue::NotString)
    }
    fn visit_i64<E>(self, _: i64) -> Result<TextValue, E> {
        Ok(TextValue::NotString)
    }
    fn visit_f64<E>(self, _: f64) -> Result<TextValue, E> {
        Ok(TextValue::NotString)
    }
    fn visit_bool<E>(self, _: bool) -> Result<TextValue, E> {
        Ok(TextValue::NotString)
    }
    fn visit_unit<E>(self) -> Result<TextValue, E> {
        Ok(TextValue::NotString)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<TextValue, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(TextValue::NotString)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TextValue, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(TextValue::NotString)
    }
}

/// The five fields of one record.
#[derive(Debug, Default)]
struct Record {
    id: Scalar,
    title: Scalar,
    text: TextValue,
    source: Scalar,
    date: Scalar,
}

/// What a record is parsed for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// An article with its text (stdin, decompressed bytes).
    Keep,
    /// An article whose text stays in the file: the text is only measured.
    Measure,
    /// The text again, for [`text_of_line`]: other fields are skipped.
    TextOnly,
}

/// What a line turned out to be.
enum Parsed {
    Object(Record),
    NotObject,
}

struct RecordSeed<'a>(&'a FieldNames, Mode);

impl<'de> DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = Parsed;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Parsed, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_> {
    type Value = Parsed;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parsed, A::Error> {
        let (f, mode) = (self.0, self.1);
        let mut r = Record::default();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            // A repeated key: the last one wins, as in most JSON readers.
            let slot = if key == f.text.as_str() {
                r.text = map.next_value_seed(TextSeed {
                    keep: mode != Mode::Measure,
                })?;
                continue;
            } else if mode == Mode::TextOnly {
                map.next_value::<IgnoredAny>()?;
                continue;
            } else if key == f.id.as_str() {
                &mut r.id
            } else if key == f.title.as_str() {
                &mut r.title
            } else if key == f.source.as_str() {
                &mut r.source
            } else if key == f.date.as_str() {
                &mut r.date
            } else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            *slot = map.next_value::<Scalar>()?;
        }
        Ok(Parsed::Object(r))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Parsed, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Parsed::NotObject)
    }
    fn visit_str<E>(self, _: &str) -> Result<Parsed, E> {
        Ok(Parsed::NotObject)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Parsed, E> {
        Ok(Parsed::NotObject)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Parsed, E> {
        Ok(Parsed::NotObject)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Parsed, E> {
        Ok(Parsed::NotObject)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Parsed, E> {
        Ok(Parsed::NotObject)
    }
    fn visit_unit<E>(self) -> Result<Parsed, E> {
        Ok(Parsed::NotObject)
    }
}

/// One line's outcome: an article, or the warning message.
type LineResult = std::result::Result<Article, String>;

/// Parses one line (without its terminator) as JSON up to its record.
fn parse_record(line: &[u8], f: &FieldNames, mode: Mode) -> std::result::Result<Record, String> {
    if let Err(e) = std::str::from_utf8(line) {
        return Err(format!(
            "invalid UTF-8 at byte {} of the line: record skipped",
            e.valid_up_to()
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(line);
    let parsed = RecordSeed(f, mode)
        .deserialize(&mut de)
        .and_then(|p| de.end().map(|_| p));
    match parsed {
        Ok(Parsed::Object(r)) => Ok(r),
        Ok(Parsed::NotObject) => Err("not a JSON object: record skipped".into()),
        Err(e) => Err(format!("malformed JSON ({e}): record skipped")),
    }
}

/// Parses line `lineno` of `name`. With `at` = (stored file, byte offset of the line in it)
/// the text is only measured and the article records where its line is; else it keeps
/// its text.
fn parse_line(
    name: &Arc<str>,
    lineno: u64,
    line: &[u8],
    cfg: &Config,
    at: Option<(u32, u64)>,
) -> LineResult {
    let f = &cfg.fields;
    if line.len() > cfg.max_article_bytes + 4096 {
        return Err(format!(
            "record of {} bytes exceeds --max-article-bytes {}: skipped",
            line.len(),
            cfg.max_article_bytes
        ));
    }
    let mode = if at.is_some() {
        Mode::Measure
    } else {
        Mode::Keep
    };
    let r = parse_record(line, f, mode)?;
    let (len, blank, body) = match r.text {
        TextValue::Kept(s) => (s.len(), s.trim().is_empty(), Body::Text(s)),
        TextValue::Measured { len, blank } => {
            // Only `Mode::Measure` measures, and only with a place.
            let Some((file, offset)) = at else {
                return Err("internal error: a measured text without a place: skipped".into());
            };
            let body = Body::Line {
                file,
                offset,
                len: line.len() as u64,
                text_len: len as u64,
            };
            (len, blank, body)
        }
        TextValue::Missing => return Err(format!("no {:?} field: record skipped", f.text)),
        TextValue::NotString => {
            return Err(format!(
                "field {:?} is not a string: record skipped",
                f.text
            ))
        }
    };
    if len > cfg.max_article_bytes {
        return Err(format!(
            "text of {} bytes exceeds --max-article-bytes {}: skipped",
            len, cfg.max_article_bytes
        ));
    }
    if blank {
        return Err(format!("field {:?} is empty: record skipped", f.text));
    }
    Ok(Article {
        id: r.id.text().unwrap_or_else(|| format!("{name}:{lineno}")),
        title: r.title.text().unwrap_or_default(),
        body,
        source: r.source.text().unwrap_or_default(),
        date: r.date.text().unwrap_or_default(),
        origin: Origin {
            file: name.clone(),
            line: lineno,
        },
    })
}

/// The text of a record line that [`parse_stored`] accepted, decoded again exactly as the
/// first pass decoded it; the message says what is wrong when the line no longer holds one.
pub(crate) fn text_of_line(line: &[u8], f: &FieldNames) -> std::result::Result<String, String> {
    let strip = |m: String| m.trim_end_matches(": record skipped").to_string();
    match parse_record(line, f, Mode::TextOnly).map_err(strip)?.text {
        TextValue::Kept(s) => Ok(s),
        // `Mode::TextOnly` keeps the text; a measure is never made.
        TextValue::Measured { .. } => Err("internal error: the text was not decoded".into()),
        TextValue::Missing => Err(format!("the record has no {:?} field", f.text)),
        TextValue::NotString => Err(format!("field {:?} is not a string", f.text)),
    }
}

/// Parses the lines of `bytes`, whose first line is line `first_line` of the file. With
/// `at` = (stored file, file offset of `bytes[0]`) texts stay in the file.
fn parse_lines(
    name: &Arc<str>,
    bytes: &[u8],
    first_line: u64,
    at: Option<(u32, u64)>,
    cfg: &Config,
    out: &mut Vec<Article>,
    sink: &mut Sink,
) -> Result<()> {
    let base = bytes.as_ptr() as usize;
    let lines: Vec<(u64, &[u8])> = bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, l)| (first_line + i as u64, l.strip_suffix(b"\r").unwrap_or(l)))
        .filter(|(_, l)| !l.iter().all(|b| b.is_ascii_whitespace()))
        .collect();
    let results: Vec<(u64, LineResult)> = lines
        .par_iter()
        .with_min_len(64)
        .map(|&(lineno, line)| {
            let at =
                at.map(|(file, offset)| (file, offset + (line.as_ptr() as usize - base) as u64));
            (lineno, parse_line(name, lineno, line, cfg, at))
        })
        .collect();
    out.reserve(results.len());
    for (lineno, r) in results {
        match r {
            Ok(a) => out.push(a),
            Err(msg) => sink.warn(name, lineno, msg)?,
        }
    }
    Ok(())
}

/// Parses JSONL `bytes` held in memory; the articles keep their texts.
pub(super) fn parse(
    name: &Arc<str>,
    bytes: &[u8],
    cfg: &Config,
    out: &mut Vec<Article>,
    sink: &mut Sink,
) -> Result<()> {
    let bytes = strip_bom(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return sink.warn(name, 1, "empty file: no article read".into());
    }
    parse_lines(name, bytes, 1, None, cfg, out, sink)
}

/// Reads the plain JSONL file `file` (at `path`, named `name`) to its end in batches of about
/// `batch` bytes of whole lines ([`BATCH_BYTES`] outside tests), `head` being what was already read from its start. The
/// articles record where their lines are in stored file `store` instead of keeping their
/// texts. Warnings are the same, in the same order, as [`parse`] gives for the whole file.
/// Returns the bytes read.
#[allow(clippy::too_many_arguments)]
pub(super) fn parse_stored(
    name: &Arc<str>,
    path: &Path,
    mut file: impl Read,
    head: Vec<u8>,
    store: u32,
    batch: usize,
    cfg: &Config,
    out: &mut Vec<Article>,
    sink: &mut Sink,
) -> Result<u64> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut buf = head;
    // Enough to see a byte-order mark.
    if buf.len() < 3 {
        (&mut file)
            .take(3 - buf.len() as u64)
            .read_to_end(&mut buf)
            .map_err(io)?;
    }
    let mut read = buf.len() as u64;
    // File offset of `buf[0]`; bytes of `buf` before `start` are done (or the BOM).
    let mut offset = 0u64;
    let mut start = buf.len() - strip_bom(&buf).len();
    let mut lineno = 1u64;
    let mut eof = false;
    let mut content = false;
    loop {
        // Fill to a batch; a line longer than a batch doubles what is asked for.
        let mut want = batch.max(1);
        let end = loop {
            while !eof && buf.len() - start < want {
                let k = (&mut file)
                    .take((want - (buf.len() - start)) as u64)
                    .read_to_end(&mut buf)
                    .map_err(io)?;
                read += k as u64;
                eof = k == 0;
            }
            if eof {
                break buf.len();
            }
            match memchr::memrchr(b'\n', &buf[start..]) {
                Some(p) => break start + p + 1,
                None => want = want.saturating_mul(2),
            }
        };
        let piece = &buf[start..end];
        content = content || !piece.iter().all(|b| b.is_ascii_whitespace());
        parse_lines(
            name,
            piece,
            lineno,
            Some((store, offset + start as u64)),
            cfg,
            out,
            sink,
        )?;
        lineno += memchr::memchr_iter(b'\n', piece).count() as u64;
        if eof {
            break;
        }
        buf.drain(..end);
        offset += end as u64;
        start = 0;
    }
    if !content {
        sink.warn(name, 1, "empty file: no article read".into())?;
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A feed with a byte-order mark, CRLF and LF lines, JSON escapes (`\n`, `\"`, `\u2019`,
    /// a surrogate pair), raw UTF-8, a repeated text key, blank lines, bad records and a last
    /// line without a terminator.
    const FEED: &[u8] = b"\xEF\xBB\xBF{\"id\":\"a\",\"text\":\"One\\ntwo \\\"q\\\" it\\u2019s \\ud83d\\ude00.\"}\r\n\
\r\n\
{\"id\":\"b\",\"text\":\"first\",\"title\":\"T\",\"text\":\"caf\xC3\xA9 last wins\"}\n\
not json\n\
   \n\
[1,2]\n\
{\"id\":\"c\",\"text\":\"  \"}\n\
{\"id\":7,\"text\":\"a number id\\r\\nand CRLF inside\"}\r\n\
{\"text\":\"no id, no newline\"}\r";

    fn parse_all(batch: Option<usize>) -> (Vec<Article>, Vec<crate::report::Warning>) {
        let name: Arc<str> = Arc::from("feed.jsonl");
        let cfg = Config::default();
        let (mut out, mut warnings) = (Vec::new(), Vec::new());
        let mut sink = Sink {
            warnings: &mut warnings,
            strict: false,
        };
        match batch {
            None => parse(&name, FEED, &cfg, &mut out, &mut sink).unwrap(),
            Some(b) => {
                let (head, rest) = FEED.split_at(4);
                let read = parse_stored(
                    &name,
                    Path::new("feed.jsonl"),
                    rest,
                    head.to_vec(),
                    0,
                    b,
                    &cfg,
                    &mut out,
                    &mut sink,
                )
                .unwrap();
                assert_eq!(read, FEED.len() as u64);
            }
        }
        (out, warnings)
    }

    #[test]
    fn stored_records_decode_again_to_the_kept_texts_for_any_batch_size() {
        let (kept, kw) = parse_all(None);
        assert_eq!(kept.len(), 4, "{kw:?}");
        assert_eq!(
            kept[0].body.in_memory(),
            Some("One\ntwo \"q\" it\u{2019}s \u{1F600}.")
        );
        assert_eq!(kept[1].body.in_memory(), Some("caf\u{e9} last wins"));
        let lines: Vec<u64> = kw.iter().map(|w| w.line).collect();
        assert_eq!(lines, [4, 6, 7]);
        for batch in [1, 2, 7, 40, 1 << 20] {
            let (stored, sw) = parse_all(Some(batch));
            assert_eq!(sw, kw, "batch {batch}");
            assert_eq!(stored.len(), kept.len());
            for (s, k) in stored.iter().zip(&kept) {
                assert_eq!((&s.id, &s.title, &s.origin), (&k.id, &k.title, &k.origin));
                let Body::Line {
                    offset,
                    len,
                    text_len,
                    ..
                } = s.body
                else {
                    panic!("not stored: {:?}", s.body);
                };
                let line = &FEED[offset as usize..(offset + len) as usize];
                let text = text_of_line(line, &Config::default().fields).unwrap();
                assert_eq!(Some(text.as_str()), k.body.in_memory(), "batch {batch}");
                assert_eq!(text.len() as u64, text_len);
            }
        }
    }

    #[test]
    fn an_all_blank_file_is_one_warning_in_both_readers() {
        let name: Arc<str> = Arc::from("blank.jsonl");
        let cfg = Config::default();
        let bytes = b"\xEF\xBB\xBF \n\r\n\t\n";
        let (mut out, mut w1, mut w2) = (Vec::new(), Vec::new(), Vec::new());
        let mut sink = Sink {
            warnings: &mut w1,
            strict: false,
        };
        parse(&name, bytes, &cfg, &mut out, &mut sink).unwrap();
        let mut sink = Sink {
            warnings: &mut w2,
            strict: false,
        };
        let p = Path::new("blank.jsonl");
        parse_stored(
            &name,
            p,
            &bytes[2..],
            bytes[..2].to_vec(),
            0,
            3,
            &cfg,
            &mut out,
            &mut sink,
        )
        .unwrap();
        assert!(out.is_empty());
        assert_eq!(w1.len(), 1);
        assert_eq!(w1, w2);
    }
}
