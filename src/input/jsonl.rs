//! JSONL: one JSON object per line. Blank lines are skipped; every other line that does not
//! give an article is a warning.
//!
//! Lines are parsed in parallel (rayon over the line list, so results keep line order), and
//! only the five configured fields are decoded: every other field is skipped by serde without
//! being built, so a feed with large extra fields (HTML, entity lists) costs little more than
//! its text.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use rayon::prelude::*;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use super::{strip_bom, Sink};
use crate::config::{Config, FieldNames};
use crate::corpus::{Article, Origin};
use crate::error::Result;

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

/// The five fields of one record.
#[derive(Debug, Default)]
struct Record {
    id: Scalar,
    title: Scalar,
    text: Scalar,
    source: Scalar,
    date: Scalar,
}

/// What a line turned out to be.
enum Parsed {
    Object(Record),
    NotObject,
}

struct RecordSeed<'a>(&'a FieldNames);

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
        let f = self.0;
        let mut r = Record::default();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let slot = if key == f.text.as_str() {
                &mut r.text
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
            // A repeated key: the last one wins, as in most JSON readers.
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

fn parse_line(name: &Arc<str>, lineno: u64, line: &[u8], cfg: &Config) -> LineResult {
    let f = &cfg.fields;
    if line.len() > cfg.max_article_bytes + 4096 {
        return Err(format!(
            "record of {} bytes exceeds --max-article-bytes {}: skipped",
            line.len(),
            cfg.max_article_bytes
        ));
    }
    if let Err(e) = std::str::from_utf8(line) {
        return Err(format!(
            "invalid UTF-8 at byte {} of the line: record skipped",
            e.valid_up_to()
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(line);
    let parsed = RecordSeed(f)
        .deserialize(&mut de)
        .and_then(|p| de.end().map(|_| p));
    let r = match parsed {
        Ok(Parsed::Object(r)) => r,
        Ok(Parsed::NotObject) => return Err("not a JSON object: record skipped".into()),
        Err(e) => return Err(format!("malformed JSON ({e}): record skipped")),
    };
    let text = match r.text {
        Scalar::Str(s) => s,
        Scalar::Missing => return Err(format!("no {:?} field: record skipped", f.text)),
        _ => {
            return Err(format!(
                "field {:?} is not a string: record skipped",
                f.text
            ))
        }
    };
    if text.len() > cfg.max_article_bytes {
        return Err(format!(
            "text of {} bytes exceeds --max-article-bytes {}: skipped",
            text.len(),
            cfg.max_article_bytes
        ));
    }
    if text.trim().is_empty() {
        return Err(format!("field {:?} is empty: record skipped", f.text));
    }
    Ok(Article {
        id: r.id.text().unwrap_or_else(|| format!("{name}:{lineno}")),
        title: r.title.text().unwrap_or_default(),
        text,
        source: r.source.text().unwrap_or_default(),
        date: r.date.text().unwrap_or_default(),
        origin: Origin {
            file: name.clone(),
            line: lineno,
        },
    })
}

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
    let lines: Vec<(u64, &[u8])> = bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, l.strip_suffix(b"\r").unwrap_or(l)))
        .filter(|(_, l)| !l.iter().all(|b| b.is_ascii_whitespace()))
        .collect();
    let results: Vec<(u64, LineResult)> = lines
        .par_iter()
        .with_min_len(64)
        .map(|&(lineno, line)| (lineno, parse_line(name, lineno, line, cfg)))
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
