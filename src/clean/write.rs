//! Applies a clean [`Plan`]: writes the kept articles back in the input's format, and the
//! sidecar that lists everything removed.
//!
//! - JSONL inputs (every input, stdin included) give one JSONL file: the kept records in
//!   input order. A kept record without cuts is its original line, byte for byte; a record
//!   with cuts is its original line with only the text field's value replaced (the new
//!   string encoded by serde_json), so field order, other fields and their spelling stay.
//! - Plain-text inputs give a directory: one file per kept article, at its path relative to
//!   the directory it was found in (a file named on the command line keeps its file name;
//!   a text article on stdin becomes `stdin.txt`).
//! - JSONL and text inputs in one run are an error: there is no one output for both.
//!
//! The writer re-reads input files to copy records (stdin from the bytes the reader kept),
//! and checks that each record still decodes to the text that was scanned.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::Serialize;
use serde_json::value::RawValue;

use super::{apply, CutReason, Plan, Removal};
use crate::config::{Config, InputFormat};
use crate::corpus::Corpus;
use crate::error::{Error, Result};
use crate::input::{strip_bom, SourceFile};

/// The shape of the cleaned output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One JSONL file.
    Jsonl,
    /// A directory of text files.
    TextDir,
}

/// The format input `name` was read as, as the reader recorded it; for a name the reader
/// never saw (an input that gave no article), the reader's rule for names.
fn format_of(name: &str, cfg: &Config, sources: &[SourceFile]) -> InputFormat {
    if let Some(s) = sources.iter().find(|s| s.name.as_ref() == name) {
        return s.format;
    }
    match cfg.input_format {
        InputFormat::Auto => match Path::new(name).extension().and_then(|e| e.to_str()) {
            Some("jsonl" | "ndjson" | "json") => InputFormat::Jsonl,
            Some("rss" | "atom" | "xml") => InputFormat::Feed,
            _ => InputFormat::Text,
        },
        f => f,
    }
}

fn output_error(message: String) -> Error {
    Error::Config {
        name: "output",
        message,
    }
}

/// The output layout for this corpus: JSONL when every article came from JSONL, a text
/// directory when every one came from a text file; an error when both occur. With no
/// article at all, the first input decides (a directory counts as text).
pub fn layout(
    corpus: &Corpus,
    inputs: &[PathBuf],
    cfg: &Config,
    sources: &[SourceFile],
) -> Result<Layout> {
    let mut jsonl: Option<&str> = None;
    let mut text: Option<&str> = None;
    for a in &corpus.articles {
        let f = a.origin.file.as_ref();
        match format_of(f, cfg, sources) {
            InputFormat::Jsonl => {
                jsonl.get_or_insert(f);
            }
            // The input's fault, not --output's: the error names the input (issue 17).
            InputFormat::Feed => {
                return Err(Error::Unusable {
                    file: f.to_string(),
                    message: "an RSS/Atom feed; clean writes JSONL and text files only \
                              (scan the feed, or convert it to JSONL first)"
                        .into(),
                })
            }
            _ => {
                text.get_or_insert(f);
            }
        }
    }
    match (jsonl, text) {
        (Some(j), Some(t)) => Err(Error::Unusable {
            file: t.to_string(),
            message: format!(
                "a plain-text input, and {j} is JSONL: cannot clean JSONL and plain-text \
                 inputs into one output; clean them separately"
            ),
        }),
        (Some(_), None) => Ok(Layout::Jsonl),
        (None, Some(_)) => Ok(Layout::TextDir),
        // No article was read: a feed named first is still refused, as the input's fault
        // (a malformed feed gave no item).
        (None, None) => Ok(match inputs.first() {
            Some(p) if format_of(&p.to_string_lossy(), cfg, sources) == InputFormat::Feed => {
                return Err(Error::Unusable {
                    file: p.display().to_string(),
                    message: "an RSS/Atom feed (no item could be read from it); clean writes \
                              JSONL and text files only"
                        .into(),
                })
            }
            Some(p)
                if !p.is_dir()
                    && format_of(&p.to_string_lossy(), cfg, sources) == InputFormat::Jsonl =>
            {
                Layout::Jsonl
            }
            Some(_) => Layout::TextDir,
            None => Layout::Jsonl,
        }),
    }
}

/// Refuses an output that would overwrite an input.
pub fn check_paths(inputs: &[PathBuf], out: &Path, sidecar: &Path) -> Result<()> {
    if out.as_os_str() == "-" || out.as_os_str().is_empty() {
        return Err(output_error(
            "clean writes a file or a directory; give a path".into(),
        ));
    }
    if out == sidecar {
        return Err(output_error(format!(
            "{} is both the output and the sidecar",
            out.display()
        )));
    }
    for target in [out, sidecar] {
        let Ok(t) = target.canonicalize() else {
            continue; // does not exist yet: cannot be an input
        };
        for i in inputs {
            if i.canonicalize().is_ok_and(|i| t == i || i.starts_with(&t)) {
                return Err(output_error(format!(
                    "{} would overwrite the input {}",
                    target.display(),
                    i.display()
                )));
            }
        }
    }
    Ok(())
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes the kept articles to `out` in `layout`.
pub fn write_output(
    plan: &Plan,
    corpus: &Corpus,
    inputs: &[PathBuf],
    cfg: &Config,
    sources: &[SourceFile],
    layout: Layout,
    out: &Path,
) -> Result<()> {
    match layout {
        Layout::Jsonl => {
            let f = std::fs::File::create(out).map_err(io_error(out))?;
            let mut w = std::io::BufWriter::new(f);
            write_jsonl(plan, corpus, cfg, sources, &mut w)?;
            w.flush().map_err(io_error(out))
        }
        Layout::TextDir => write_text_dir(plan, corpus, inputs, out),
    }
}

/// The kept JSONL records, in input order, to `w`.
pub fn write_jsonl(
    plan: &Plan,
    corpus: &Corpus,
    cfg: &Config,
    sources: &[SourceFile],
    w: &mut dyn Write,
) -> Result<()> {
    // Articles are in input order, so the records of one file are contiguous.
    let mut i = 0;
    while i < corpus.len() {
        let file = corpus.articles[i].origin.file.clone();
        let mut j = i;
        while j < corpus.len() && corpus.articles[j].origin.file == file {
            j += 1;
        }
        let owned;
        let bytes: &[u8] = match sources
            .iter()
            .find(|s| s.name == file)
            .and_then(|s| s.retained.as_deref())
        {
            Some(b) => b,
            None => {
                owned = std::fs::read(file.as_ref()).map_err(io_error(Path::new(file.as_ref())))?;
                &owned
            }
        };
        // Split exactly as the reader does, so line numbers agree.
        let bytes = strip_bom(bytes);
        let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
        for k in i..j {
            let (art, ap) = (&corpus.articles[k], &plan.articles[k]);
            if ap.removed.is_some() {
                continue;
            }
            let changed = || {
                Error::Io {
                path: PathBuf::from(file.as_ref()),
                source: std::io::Error::other(format!(
                    "line {} no longer holds the record that was scanned (the file changed during the run)",
                    art.origin.line
                )),
            }
            };
            let raw = lines
                .get(art.origin.line as usize - 1)
                .copied()
                .ok_or_else(changed)?;
            let (line, cr) = match raw.strip_suffix(b"\r") {
                Some(l) => (l, &b"\r"[..]),
                None => (raw, &b""[..]),
            };
            let result = if ap.delete.is_empty() {
                w.write_all(line)
            } else {
                let line = std::str::from_utf8(line).map_err(|_| changed())?;
                let text = corpus.text(k)?;
                let (s, e) = text_value_range(line, &cfg.fields.text).ok_or_else(changed)?;
                if serde_json::from_str::<String>(&line[s..e]).ok().as_deref() != Some(&*text) {
                    return Err(changed());
                }
                let new = serde_json::to_string(&apply(&text, &ap.delete))
                    .map_err(|e| Error::Output(std::io::Error::other(e)))?;
                w.write_all(&line.as_bytes()[..s])
                    .and_then(|_| w.write_all(new.as_bytes()))
                    .and_then(|_| w.write_all(&line.as_bytes()[e..]))
            };
            result
                .and_then(|_| w.write_all(cr))
                .and_then(|_| w.write_all(b"\n"))
                .map_err(Error::Output)?;
        }
        i = j;
    }
    Ok(())
}

/// Finds the raw value of the top-level `field` in one JSON object line: the byte range of
/// the encoded string, quotes included. The last occurrence wins, as in the reader.
pub fn text_value_range(line: &str, field: &str) -> Option<(usize, usize)> {
    struct Find<'f>(&'f str);
    impl<'de> DeserializeSeed<'de> for Find<'_> {
        type Value = Option<&'de RawValue>;
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
    }
    impl<'de> Visitor<'de> for Find<'_> {
        type Value = Option<&'de RawValue>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                if key == self.0 {
                    found = Some(map.next_value::<&'de RawValue>()?);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }
    let mut de = serde_json::Deserializer::from_str(line);
    let raw = Find(field).deserialize(&mut de).ok()??;
    let start = raw.get().as_ptr() as usize - line.as_ptr() as usize;
    Some((start, start + raw.get().len()))
}

/// Where a text article goes under the output directory.
fn relative_path(file: &str, inputs: &[PathBuf]) -> PathBuf {
    if file == "-" {
        return PathBuf::from("stdin.txt");
    }
    let path = Path::new(file);
    for i in inputs {
        if i.is_dir() {
            if let Ok(rel) = path.strip_prefix(i) {
                if !rel.as_os_str().is_empty() {
                    return rel.to_path_buf();
                }
            }
        }
    }
    path.file_name()
        .map_or_else(|| PathBuf::from("article.txt"), PathBuf::from)
}

fn write_text_dir(plan: &Plan, corpus: &Corpus, inputs: &[PathBuf], out: &Path) -> Result<()> {
    // Decide every target first, so a name clash fails before anything is written.
    let mut seen = HashSet::new();
    let mut targets = Vec::new();
    for (k, (art, ap)) in corpus.articles.iter().zip(&plan.articles).enumerate() {
        if ap.removed.is_some() {
            continue;
        }
        let rel = relative_path(&art.origin.file, inputs);
        if !seen.insert(rel.clone()) {
            return Err(output_error(format!(
                "two kept articles would both be written to {} (from {})",
                out.join(&rel).display(),
                art.origin.file
            )));
        }
        targets.push((out.join(rel), k, ap));
    }
    std::fs::create_dir_all(out).map_err(io_error(out))?;
    for (path, k, ap) in targets {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io_error(parent))?;
        }
        let text = corpus.text(k)?;
        std::fs::write(&path, apply(&text, &ap.delete)).map_err(io_error(&path))?;
    }
    Ok(())
}

/// First and repeated sides of a cut, for the sidecar.
#[derive(Serialize)]
struct SpanOf {
    start: usize,
    end: usize,
    paragraphs: [usize; 2],
}

/// One line of the sidecar.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
enum Line<'a> {
    Article {
        id: &'a str,
        file: &'a str,
        line: u64,
        reason: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        of: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        canonical: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        similarity_to: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        jaccard: Option<f64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        containment: Option<f64>,
    },
    Span {
        id: &'a str,
        file: &'a str,
        line: u64,
        start: usize,
        end: usize,
        paragraphs: [usize; 2],
        reason: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        first: Option<SpanOf>,
        #[serde(skip_serializing_if = "Option::is_none")]
        block: Option<usize>,
        #[serde(skip_serializing_if = "Option::is_none")]
        block_articles: Option<usize>,
    },
    Skipped {
        file: &'a str,
        line: u64,
        message: &'a str,
    },
    Summary(super::Counts),
}

/// Writes the sidecar: one JSON object per line, in input order: every removed article, every
/// span cut from a kept article, every skipped record, then one summary line.
pub fn write_sidecar(plan: &Plan, corpus: &Corpus, w: &mut dyn Write) -> std::io::Result<()> {
    let mut emit = |l: &Line| -> std::io::Result<()> {
        serde_json::to_writer(&mut *w, l).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    };
    for (art, ap) in corpus.articles.iter().zip(&plan.articles) {
        let (id, file, line) = (art.id.as_str(), art.origin.file.as_ref(), art.origin.line);
        match &ap.removed {
            Some(Removal::ReprintOf {
                of,
                canonical,
                similarity_to,
                jaccard,
                containment,
            }) => emit(&Line::Article {
                id,
                file,
                line,
                reason: "reprint-of",
                of: Some(of),
                canonical: Some(canonical),
                similarity_to: Some(similarity_to),
                jaccard: jaccard.is_finite().then_some(*jaccard),
                containment: containment.is_finite().then_some(*containment),
            })?,
            Some(Removal::Emptied) => emit(&Line::Article {
                id,
                file,
                line,
                reason: "emptied",
                of: None,
                canonical: None,
                similarity_to: None,
                jaccard: None,
                containment: None,
            })?,
            None => {
                for c in &ap.cuts {
                    let (reason, first, block, block_articles) = match &c.reason {
                        CutReason::RepeatOf {
                            first,
                            first_paragraphs,
                        } => (
                            "repeat-of",
                            Some(SpanOf {
                                start: first[0],
                                end: first[1],
                                paragraphs: *first_paragraphs,
                            }),
                            None,
                            None,
                        ),
                        CutReason::Boilerplate {
                            block,
                            block_articles,
                        } => ("boilerplate", None, *block, Some(*block_articles)),
                    };
                    emit(&Line::Span {
                        id,
                        file,
                        line,
                        start: c.start,
                        end: c.end,
                        paragraphs: c.paragraphs,
                        reason,
                        first,
                        block,
                        block_articles,
                    })?;
                }
            }
        }
    }
    for s in &plan.skipped {
        emit(&Line::Skipped {
            file: &s.file,
            line: s.line,
            message: &s.message,
        })?;
    }
    emit(&Line::Summary(plan.counts()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_value_range_finds_the_raw_string() {
        let line = r#"{"id":"a","text":"x \"q\" \u00e9","n":{"text":"inner"},"z":1}"#;
        let (s, e) = text_value_range(line, "text").unwrap();
        assert_eq!(&line[s..e], r#""x \"q\" \u00e9""#);
        // The last top-level occurrence wins; nested keys do not count.
        let line = r#"{"text":"one","meta":{"text":"no"},"text":"two"}"#;
        let (s, e) = text_value_range(line, "text").unwrap();
        assert_eq!(&line[s..e], r#""two""#);
        assert_eq!(text_value_range("[1]", "text"), None);
        assert_eq!(text_value_range(r#"{"id":1}"#, "text"), None);
    }

    #[test]
    fn relative_paths_follow_the_named_input() {
        let dir = std::env::temp_dir();
        let inside = dir.join("a/b.txt");
        assert_eq!(
            relative_path(inside.to_str().unwrap(), std::slice::from_ref(&dir)),
            PathBuf::from("a/b.txt")
        );
        assert_eq!(
            relative_path("x/y/z.txt", &[PathBuf::from("x/y/z.txt")]),
            PathBuf::from("z.txt")
        );
        assert_eq!(relative_path("-", &[]), PathBuf::from("stdin.txt"));
    }
}
