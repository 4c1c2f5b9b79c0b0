//! A plain-text file is one article; its id is its path. A file on disk keeps its text
//! ([`Body::File`]): it is read again when needed.

use std::sync::Arc;

use super::{line_of, Sink};
use crate::config::Config;
use crate::corpus::{Article, Body, Origin};
use crate::error::Result;

/// Parses one text article from `bytes`. With `stored`, the article's body is the whole of
/// that stored file (which holds `bytes`) instead of a copy of the text. Returns the text,
/// checked as UTF-8, when an article was read (none after a warning).
pub(super) fn parse<'b>(
    name: &Arc<str>,
    bytes: &'b [u8],
    cfg: &Config,
    out: &mut Vec<Article>,
    sink: &mut Sink,
    stored: Option<u32>,
) -> Result<Option<&'b str>> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        sink.note(name, 1, "empty file: no article read".into())?;
        return Ok(None);
    }
    if let Some(pos) = memchr::memchr(0, bytes) {
        sink.warn(
            name,
            line_of(bytes, pos),
            format!("binary file (NUL byte at offset {pos}): no article read"),
        )?;
        return Ok(None);
    }
    if bytes.len() > cfg.max_article_bytes {
        sink.warn(
            name,
            1,
            format!(
                "article of {} bytes exceeds --max-article-bytes {}: skipped",
                bytes.len(),
                cfg.max_article_bytes
            ),
        )?;
        return Ok(None);
    }
    let text = match std::str::from_utf8(bytes) {
        // Blank by Unicode's measure, as a JSONL text is: a file of vertical tabs or
        // no-break spaces has no word to analyse (found by fuzzing, issue 17).
        Ok(t) if t.trim().is_empty() => {
            sink.note(name, 1, "empty file: no article read".into())?;
            return Ok(None);
        }
        Ok(t) => t,
        Err(e) => {
            sink.warn(
                name,
                line_of(bytes, e.valid_up_to()),
                format!(
                    "invalid UTF-8 at byte offset {}: no article read",
                    e.valid_up_to()
                ),
            )?;
            return Ok(None);
        }
    };
    out.push(Article {
        id: name.to_string(),
        title: String::new(),
        body: match stored {
            Some(file) => Body::File {
                file,
                len: text.len() as u64,
            },
            None => Body::Text(text.to_string()),
        },
        source: String::new(),
        date: String::new(),
        origin: Origin {
            file: name.clone(),
            line: 1,
        },
    });
    Ok(Some(text))
}
