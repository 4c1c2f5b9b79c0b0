//! JSONL: one JSON object per line. Blank lines are skipped; every other line that does not
//! give an article is a warning.

use std::sync::Arc;

use serde_json::Value;

use super::Sink;
use crate::config::Config;
use crate::corpus::{Article, Origin};
use crate::error::Result;

fn scalar(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(super) fn parse(
    name: &Arc<str>,
    bytes: &[u8],
    cfg: &Config,
    out: &mut Vec<Article>,
    sink: &mut Sink,
) -> Result<()> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return sink.warn(name, 1, "empty file: no article read".into());
    }
    let f = &cfg.fields;
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let lineno = i as u64 + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        if line.len() > cfg.max_article_bytes + 4096 {
            sink.warn(
                name,
                lineno,
                format!(
                    "record of {} bytes exceeds --max-article-bytes {}: skipped",
                    line.len(),
                    cfg.max_article_bytes
                ),
            )?;
            continue;
        }
        if let Err(e) = std::str::from_utf8(line) {
            sink.warn(
                name,
                lineno,
                format!(
                    "invalid UTF-8 at byte {} of the line: record skipped",
                    e.valid_up_to()
                ),
            )?;
            continue;
        }
        let obj = match serde_json::from_slice::<Value>(line) {
            Ok(Value::Object(m)) => m,
            Ok(_) => {
                sink.warn(name, lineno, "not a JSON object: record skipped".into())?;
                continue;
            }
            Err(e) => {
                sink.warn(
                    name,
                    lineno,
                    format!("malformed JSON ({e}): record skipped"),
                )?;
                continue;
            }
        };
        let text = match obj.get(&f.text) {
            Some(Value::String(s)) => s,
            None => {
                sink.warn(
                    name,
                    lineno,
                    format!("no {:?} field: record skipped", f.text),
                )?;
                continue;
            }
            Some(_) => {
                sink.warn(
                    name,
                    lineno,
                    format!("field {:?} is not a string: record skipped", f.text),
                )?;
                continue;
            }
        };
        if text.len() > cfg.max_article_bytes {
            sink.warn(
                name,
                lineno,
                format!(
                    "text of {} bytes exceeds --max-article-bytes {}: skipped",
                    text.len(),
                    cfg.max_article_bytes
                ),
            )?;
            continue;
        }
        if text.trim().is_empty() {
            sink.warn(
                name,
                lineno,
                format!("field {:?} is empty: record skipped", f.text),
            )?;
            continue;
        }
        out.push(Article {
            id: scalar(obj.get(&f.id)).unwrap_or_else(|| format!("{name}:{lineno}")),
            title: scalar(obj.get(&f.title)).unwrap_or_default(),
            text: text.clone(),
            source: scalar(obj.get(&f.source)).unwrap_or_default(),
            date: scalar(obj.get(&f.date)).unwrap_or_default(),
            origin: Origin {
                file: name.clone(),
                line: lineno,
            },
        });
    }
    Ok(())
}
