//! JSONL: one JSON object per line. Blank lines are skipped; every other line that does not
//! give an article is a warning.
//!
//! Lines are parsed in parallel (rayon over the line list, so results keep line order), and
//! only the five configured fields are decoded: every other field is skipped by serde without
//! being built, so a feed with large extra fields (HTML, entity lists) costs little more than
//! its text.
//!
//! A plain JSONL file on disk is read in batches of lines ([`parse_stored`], the next batch
//! read while one is parsed) and its texts are not kept: each record is validated, its text
//! decoded into a per-thread buffer, measured and handed to the [`Analyser`] (stage 1, when
//! the pipeline reads), never into a `String` that outlives the line, and the article records
//! where its line is ([`Body::Line`]), and where in it the text's string literal is.
//! [`text_at`](crate::json_string::text_at) decodes that literal again, with the same code ([`decode_string`]), when a
//! later stage needs the text. Other inputs (stdin, decompressed bytes) go through [`parse`],
//! which keeps every text.

use std::borrow::Cow;
use std::fmt;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use super::{strip_bom, Analyser, Reading, Severity};
use crate::config::{Config, FieldNames};
use crate::corpus::{Article, Body, Origin};
use crate::error::{Error, Result};
use crate::json_string::decode_string;

/// Bytes of lines read and parsed as one parallel batch by [`parse_stored`]: large enough to
/// keep every core busy, small enough that a batch is still in the processor's cache when
/// its lines are parsed after being read (4 and 8 MiB were the fastest of the sizes tried
/// from 1 to 32 MiB; the timings are in CHANGELOG.md).
pub(super) const BATCH_BYTES: usize = 4 << 20;

/// A field value as far as an article needs it.
#[derive(Debug, Default)]
enum Scalar {
    #[default]
    Missing,
    Str(String),
    /// A number or boolean, as text (ids may be numbers).
    Other(String),
    /// null: as good as missing.
    Null,
    /// An array or an object: data an id cannot be made of, which the user should hear of.
    Compound(&'static str),
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
        Ok(Scalar::Null)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Compound("an array"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Compound("an object"))
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
    /// A string, only measured: its decoded length in bytes, whether it is blank, and where
    /// its literal (quotes included) is in the line: bytes `at..at + raw_len`.
    Measured {
        len: usize,
        blank: bool,
        at: usize,
        raw_len: usize,
    },
    /// A number, boolean, null, array or object.
    NotString,
}

/// Decodes (`keep`) or only measures the text field's value. The value is taken as serde_json
/// validated it (a `RawValue`) and a string is decoded by [`decode_string`], the decoder
/// [`text_at`](crate::json_string::text_at) uses again on the stored line; `line` is the address of the line's first byte,
/// to tell where the literal is.
struct TextSeed {
    keep: bool,
    line: usize,
}

thread_local! {
    /// Where a measured text is decoded, reused from record to record by each thread; it
    /// holds the text of the record last parsed on the thread until the next one.
    static MEASURE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

impl<'de> DeserializeSeed<'de> for TextSeed {
    type Value = TextValue;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<TextValue, D::Error> {
        let raw = <&'de serde_json::value::RawValue as de::Deserialize<'de>>::deserialize(d)?;
        let raw = raw.get();
        if !raw.starts_with('"') {
            return Ok(TextValue::NotString);
        }
        if self.keep {
            let mut text = String::with_capacity(raw.len());
            decode_string(raw, &mut text).map_err(de::Error::custom)?;
            return Ok(TextValue::Kept(text));
        }
        MEASURE.with_borrow_mut(|text| {
            decode_string(raw, text).map_err(de::Error::custom)?;
            // The text stays in the buffer for `parse_line` to analyse.
            Ok(TextValue::Measured {
                len: text.len(),
                blank: text.trim().is_empty(),
                at: raw.as_ptr() as usize - self.line,
                raw_len: raw.len(),
            })
        })
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
}

/// What a line turned out to be.
enum Parsed {
    Object(Record),
    NotObject,
}

/// Field names, what for, and the address of the line's first byte (see [`TextSeed`]).
struct RecordSeed<'a>(&'a FieldNames, Mode, usize);

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
        let (f, mode, line) = (self.0, self.1, self.2);
        let mut r = Record::default();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            // A repeated key: the last one wins, as in most JSON readers.
            let slot = if key == f.text.as_str() {
                r.text = map.next_value_seed(TextSeed {
                    keep: mode == Mode::Keep,
                    line,
                })?;
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

/// One line's outcome: an article, what its text gave the analyser and a warning about the
/// kept record (an unusable id), or the warning that skips it and what kind it is.
type LineResult<T> = std::result::Result<(Article, T, Option<String>), (String, Severity)>;

/// A warning that skips a record for malformed input.
fn malformed(message: String) -> (String, Severity) {
    (message, Severity::Malformed)
}

/// Parses one line (without its terminator) as JSON up to its record.
fn parse_record(line: &[u8], f: &FieldNames, mode: Mode) -> std::result::Result<Record, String> {
    let line = match std::str::from_utf8(line) {
        Ok(l) => l,
        Err(e) => {
            return Err(format!(
                "invalid UTF-8 at byte {} of the line: record skipped",
                e.valid_up_to()
            ))
        }
    };
    // From a `str`, so serde_json does not check the UTF-8 of every string again.
    let mut de = serde_json::Deserializer::from_str(line);
    let parsed = RecordSeed(f, mode, line.as_ptr() as usize)
        .deserialize(&mut de)
        .and_then(|p| de.end().map(|_| p));
    match parsed {
        Ok(Parsed::Object(r)) => Ok(r),
        Ok(Parsed::NotObject) => Err("not a JSON object: record skipped".into()),
        // A record is one line, so serde_json's "at line 1 column N" would contradict the
        // warning's own line number (issue 17): only the column is kept.
        Err(e) => {
            let full = e.to_string();
            let at = format!(" at line {} column {}", e.line(), e.column());
            let why = full.strip_suffix(&at).unwrap_or(&full);
            Err(format!(
                "malformed JSON ({why} at column {}): record skipped",
                e.column()
            ))
        }
    }
}

/// Parses line `lineno` of `name`, and gives an accepted record's text to `analyser`. With
/// `at` = (stored file, byte offset of the line in it) the text is not kept and the article
/// records where its line is; else it keeps its text.
fn parse_line<A: Analyser>(
    name: &Arc<str>,
    lineno: u64,
    line: &[u8],
    cfg: &Config,
    at: Option<(u32, u64)>,
    analyser: &A,
) -> LineResult<A::Out> {
    let f = &cfg.fields;
    if line.len() > cfg.max_article_bytes + 4096 {
        return Err(malformed(format!(
            "record of {} bytes exceeds --max-article-bytes {}: skipped",
            line.len(),
            cfg.max_article_bytes
        )));
    }
    let mode = if at.is_some() {
        Mode::Measure
    } else {
        Mode::Keep
    };
    let r = parse_record(line, f, mode).map_err(malformed)?;
    let (len, blank, body) = match r.text {
        TextValue::Kept(s) => (s.len(), s.trim().is_empty(), Body::Text(s)),
        TextValue::Measured {
            len,
            blank,
            at: text_at,
            raw_len,
        } => {
            // Only `Mode::Measure` measures, and only with a place.
            let Some((file, offset)) = at else {
                return Err(malformed(
                    "internal error: a measured text without a place: skipped".into(),
                ));
            };
            let body = Body::Line {
                file,
                offset,
                len: line.len() as u64,
                text_len: len as u64,
                text_at: text_at as u64,
                raw_len: raw_len as u64,
            };
            (len, blank, body)
        }
        TextValue::Missing => {
            return Err(malformed(format!("no {:?} field: record skipped", f.text)))
        }
        TextValue::NotString => {
            return Err(malformed(format!(
                "field {:?} is not a string: record skipped",
                f.text
            )))
        }
    };
    if len > cfg.max_article_bytes {
        return Err(malformed(format!(
            "text of {} bytes exceeds --max-article-bytes {}: skipped",
            len, cfg.max_article_bytes
        )));
    }
    if blank {
        // Nothing to analyse, not malformed: real feeds carry such records every day.
        return Err((
            format!("field {:?} is empty: record skipped", f.text),
            Severity::Benign,
        ));
    }
    let analysed = match &body {
        Body::Text(t) => analyser.analyse(t),
        // A measured text is still in this thread's buffer; one huge record must not pin
        // its buffer for the rest of the run.
        _ => MEASURE.with_borrow_mut(|text| {
            let analysed = analyser.analyse(text);
            if text.capacity() > 1 << 24 {
                *text = String::new();
            }
            analysed
        }),
    };
    let fallback_id = || format!("{name}:{lineno}");
    let (id, note) = match r.id {
        Scalar::Compound(what) => (
            fallback_id(),
            Some(format!(
                "field {:?} is {what}, not a string or number: the id is {}",
                f.id,
                fallback_id()
            )),
        ),
        other => (other.text().unwrap_or_else(fallback_id), None),
    };
    let article = Article {
        id,
        title: r.title.text().unwrap_or_default(),
        body,
        source: r.source.text().unwrap_or_default(),
        date: r.date.text().unwrap_or_default(),
        origin: Origin {
            file: name.clone(),
            line: lineno,
        },
    };
    Ok((article, analysed, note))
}

/// Parses the lines of `bytes`, whose first line is line `first_line` of the file. With
/// `at` = (stored file, file offset of `bytes[0]`) texts stay in the file. Returns the number
/// of line feeds in `bytes`.
pub(super) fn parse_lines<A: Analyser>(
    bytes: &[u8],
    first_line: u64,
    at: Option<(u32, u64)>,
    to: &mut Reading<'_, '_, A>,
) -> Result<u64> {
    let (name, cfg) = (to.name, to.cfg);
    let (out, sink, analyser) = (&mut *to.out, &mut *to.sink, &mut *to.analyser);
    let base = bytes.as_ptr() as usize;
    // Lines found with memchr (a byte-by-byte split was most of this serial step).
    let mut from = 0;
    let mut pieces = 0u64;
    let ends = memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len()));
    let lines: Vec<(u64, &[u8])> = ends
        .map(|end| {
            let line = &bytes[from..end];
            from = end + 1;
            line
        })
        .enumerate()
        .inspect(|_| pieces += 1)
        .map(|(i, l)| (first_line + i as u64, l.strip_suffix(b"\r").unwrap_or(l)))
        .filter(|(_, l)| !l.iter().all(|b| b.is_ascii_whitespace()))
        .collect();
    let shared: &A = analyser;
    let results: Vec<(u64, LineResult<A::Out>)> = lines
        .par_iter()
        .with_min_len(64)
        .map(|&(lineno, line)| {
            let at =
                at.map(|(file, offset)| (file, offset + (line.as_ptr() as usize - base) as u64));
            (lineno, parse_line(name, lineno, line, cfg, at, shared))
        })
        .collect();
    out.reserve(results.len());
    let mut analysed = Vec::with_capacity(results.len());
    for (lineno, r) in results {
        match r {
            Ok((a, x, note)) => {
                if let Some(msg) = note {
                    sink.warn(name, lineno, msg)?;
                }
                out.push(a);
                analysed.push(x);
            }
            Err((msg, severity)) => sink.warn_as(severity, name, lineno, msg)?,
        }
    }
    analyser.take(analysed)?;
    // Pieces between line feeds, the one after the last included.
    Ok(pieces - 1)
}

/// Parses JSONL `bytes` held in memory; the articles keep their texts.
pub(super) fn parse<A: Analyser>(bytes: &[u8], to: &mut Reading<'_, '_, A>) -> Result<()> {
    let bytes = strip_bom(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return to
            .sink
            .note(to.name, 1, "empty file: no article read".into());
    }
    parse_lines(bytes, 1, None, to).map(|_| ())
}

/// A plain JSONL file on disk for [`parse_stored`] to read to its end.
pub(super) struct StoredInput<'p, R> {
    /// The path it was opened at, for read errors.
    pub path: &'p Path,
    /// The open file, positioned just after `head`.
    pub file: R,
    /// What was already read from its start.
    pub head: Vec<u8>,
    /// Its number in the corpus's [`TextStore`](crate::corpus::TextStore), which the
    /// articles' [`Body::Line`] names.
    pub store: u32,
    /// Bytes of whole lines read and parsed as one batch ([`BATCH_BYTES`] outside tests).
    pub batch: usize,
}

/// Reads the plain JSONL file `input` to its end in batches of about `input.batch` bytes of
/// whole lines. The articles record where their lines are in the stored file instead of
/// keeping their texts. Warnings are the same, in the same order, as [`parse`] gives for the
/// whole file. Returns the bytes read.
pub(super) fn parse_stored<A: Analyser>(
    input: StoredInput<'_, impl Read + Send>,
    to: &mut Reading<'_, '_, A>,
) -> Result<u64> {
    let StoredInput {
        path,
        mut file,
        head,
        store,
        batch,
    } = input;
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
        // The rest of the last line starts the next batch, whose bytes are read while this
        // one is parsed.
        let chunk = batch.max(1);
        let mut next = Vec::with_capacity(chunk + (buf.len() - end));
        next.extend_from_slice(&buf[end..]);
        let piece = &buf[start..end];
        content = content || !piece.iter().all(|b| b.is_ascii_whitespace());
        let (lines, ahead) = rayon::join(
            || parse_lines(piece, lineno, Some((store, offset + start as u64)), to),
            || match eof {
                true => Ok(0),
                false => (&mut file).take(chunk as u64).read_to_end(&mut next),
            },
        );
        lineno += lines?;
        if eof {
            break;
        }
        let k = ahead.map_err(io)?;
        read += k as u64;
        // `read_to_end` on `take` stops short only at the end of the file.
        eof = k < chunk;
        buf = next;
        offset += end as u64;
        start = 0;
    }
    if !content {
        to.sink
            .note(to.name, 1, "empty file: no article read".into())?;
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{NoAnalysis, Sink};

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

    /// An analyser that keeps every text it is given, in the order it takes them.
    #[derive(Default)]
    struct Texts(Vec<String>);

    impl Analyser for Texts {
        type Out = String;
        fn analyse(&self, text: &str) -> String {
            text.to_string()
        }
        fn take(&mut self, outs: Vec<String>) -> Result<()> {
            self.0.extend(outs);
            Ok(())
        }
    }

    /// The articles, warnings and analysed texts of `FEED`, read whole or in batches.
    fn parse_all(
        batch: Option<usize>,
    ) -> (Vec<Article>, Vec<crate::diagnostics::Warning>, Vec<String>) {
        let name: Arc<str> = Arc::from("feed.jsonl");
        let cfg = Config::default();
        let (mut out, mut warnings) = (Vec::new(), Vec::new());
        let mut sink = Sink {
            warnings: &mut warnings,
            malformed: &mut 0,
            strict: false,
        };
        let mut texts = Texts::default();
        let mut to = Reading {
            name: &name,
            cfg: &cfg,
            out: &mut out,
            sink: &mut sink,
            analyser: &mut texts,
        };
        match batch {
            None => parse(FEED, &mut to).unwrap(),
            Some(b) => {
                let (head, rest) = FEED.split_at(4);
                let input = StoredInput {
                    path: Path::new("feed.jsonl"),
                    file: rest,
                    head: head.to_vec(),
                    store: 0,
                    batch: b,
                };
                let read = parse_stored(input, &mut to).unwrap();
                assert_eq!(read, FEED.len() as u64);
            }
        }
        (out, warnings, texts.0)
    }

    #[test]
    fn stored_records_decode_again_to_the_kept_texts_for_any_batch_size() {
        let (kept, kw, analysed) = parse_all(None);
        assert_eq!(kept.len(), 4, "{kw:?}");
        let kept_texts: Vec<Option<String>> = kept
            .iter()
            .map(|a| a.body.in_memory().map(String::from))
            .collect();
        let as_texts = |v: Vec<String>| v.into_iter().map(Some).collect::<Vec<_>>();
        // The analyser is given each article's text, one per article, in input order.
        assert_eq!(as_texts(analysed), kept_texts);
        assert_eq!(
            kept[0].body.in_memory(),
            Some("One\ntwo \"q\" it\u{2019}s \u{1F600}.")
        );
        assert_eq!(kept[1].body.in_memory(), Some("caf\u{e9} last wins"));
        let lines: Vec<u64> = kw.iter().map(|w| w.line).collect();
        assert_eq!(lines, [4, 6, 7]);
        for batch in [1, 2, 7, 40, 1 << 20] {
            let (stored, sw, analysed) = parse_all(Some(batch));
            assert_eq!(sw, kw, "batch {batch}");
            assert_eq!(as_texts(analysed), kept_texts, "batch {batch}");
            assert_eq!(stored.len(), kept.len());
            for (s, k) in stored.iter().zip(&kept) {
                assert_eq!((&s.id, &s.title, &s.origin), (&k.id, &k.title, &k.origin));
                let Body::Line {
                    offset,
                    len,
                    text_len,
                    text_at,
                    raw_len,
                    ..
                } = s.body
                else {
                    panic!("not stored: {:?}", s.body);
                };
                let line = &FEED[offset as usize..(offset + len) as usize];
                let text = crate::json_string::text_at(line, text_at, raw_len).unwrap();
                assert_eq!(Some(text.as_str()), k.body.in_memory(), "batch {batch}");
                assert_eq!(text.len() as u64, text_len);
            }
        }
    }

    proptest::proptest! {
        /// `decode_string` against serde_json decoding the same literal into a `String`: the
        /// same text, or an error from both (lone surrogates, a surrogate pair split).
        #[test]
        fn strings_decode_as_serde_json_decodes_them(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "a", "Zürich", "東", " ", "\\n", "\\r\\n", "\\t", "\\\"", "\\\\", "\\/", "\\b",
                "\\f", "\\u00e9", "\\u2019", "\\u0000", "\\ud83d\\ude00", "\\ud83d", "\\ude00",
                "\\uDBFF\\uDFFF", "\\ud800\\u0041", "u", "\\u00", "\u{1F600}",
            ]), 0..24)
        ) {
            let raw = format!("\"{}\"", parts.concat());
            let mut ours = String::new();
            let ours = decode_string(&raw, &mut ours).map(|_| ours);
            let theirs = serde_json::from_str::<String>(&raw);
            match (&ours, &theirs) {
                (Ok(a), Ok(b)) => proptest::prop_assert_eq!(a, b),
                (Err(_), Err(_)) => {}
                _ => proptest::prop_assert!(false, "{raw}: ours {ours:?}, serde_json {theirs:?}"),
            }
        }
    }

    /// `bytes` read whole ([`parse`]) and stored ([`parse_stored`], its first `head` bytes
    /// already read, in batches of `batch`): the articles and warnings of each.
    fn both_readers(
        bytes: &[u8],
        head: usize,
        batch: usize,
    ) -> [(Vec<Article>, Vec<crate::diagnostics::Warning>); 2] {
        let name: Arc<str> = Arc::from("both.jsonl");
        let cfg = Config::default();
        let (mut kept, mut stored, mut w1, mut w2) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut sink = Sink {
            warnings: &mut w1,
            malformed: &mut 0,
            strict: false,
        };
        let mut to = Reading {
            name: &name,
            cfg: &cfg,
            out: &mut kept,
            sink: &mut sink,
            analyser: &mut NoAnalysis,
        };
        parse(bytes, &mut to).unwrap();
        let mut sink = Sink {
            warnings: &mut w2,
            malformed: &mut 0,
            strict: false,
        };
        let input = StoredInput {
            path: Path::new("both.jsonl"),
            file: &bytes[head..],
            head: bytes[..head].to_vec(),
            store: 0,
            batch,
        };
        let mut to = Reading {
            name: &name,
            cfg: &cfg,
            out: &mut stored,
            sink: &mut sink,
            analyser: &mut NoAnalysis,
        };
        parse_stored(input, &mut to).unwrap();
        [(kept, w1), (stored, w2)]
    }

    #[test]
    fn a_lone_surrogate_skips_the_record_in_both_readers() {
        let bytes =
            b"{\"id\":\"a\",\"text\":\"broken \\ud83d here\"}\n{\"id\":\"b\",\"text\":\"fine\"}\n";
        let [(kept, w1), (stored, w2)] = both_readers(bytes, 0, 1 << 20);
        assert_eq!((kept.len(), stored.len()), (1, 1));
        assert_eq!(w1, w2);
        assert_eq!(w1[0].line, 1);
        assert!(w1[0].message.contains("surrogate"), "{:?}", w1[0]);
    }

    #[test]
    fn an_all_blank_file_is_one_warning_in_both_readers() {
        let [(kept, w1), (stored, w2)] = both_readers(b"\xEF\xBB\xBF \n\r\n\t\n", 2, 3);
        assert!(kept.is_empty() && stored.is_empty());
        assert_eq!(w1.len(), 1);
        assert_eq!(w1, w2);
    }
}
