//! Reading articles: JSONL files, plain-text files, directories of them, and stdin.
//!
//! Every problem with one record or one file becomes a [`Warning`] naming the file and line,
//! and reading goes on; with `strict` the first one is returned as [`Error::Strict`]. An input
//! path that cannot be opened at all is an error (the user named it, so a typo must not pass
//! silently as "no duplicates").

mod jsonl;
mod text;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{Config, InputFormat};
use crate::corpus::{Article, Corpus};
use crate::error::{Error, Result};
use crate::report::Warning;

/// What reading produced.
#[derive(Debug, Default)]
pub struct Loaded {
    pub corpus: Corpus,
    pub warnings: Vec<Warning>,
    /// Bytes read from all inputs.
    pub bytes: u64,
    /// What stdin held, when `-` was an input: `reprint clean` writes records back from the
    /// raw bytes and cannot read stdin twice.
    pub stdin: Option<Vec<u8>>,
}

/// Collects warnings, or fails on the first one in strict mode.
pub(crate) struct Sink<'a> {
    pub warnings: &'a mut Vec<Warning>,
    pub strict: bool,
}

impl Sink<'_> {
    pub fn warn(&mut self, file: &str, line: u64, message: String) -> Result<()> {
        if self.strict {
            return Err(Error::Strict {
                file: file.to_string(),
                line,
                message,
            });
        }
        self.warnings.push(Warning {
            file: file.to_string(),
            line,
            message,
        });
        Ok(())
    }
}

/// Reads every input in order. A directory is walked recursively in byte order of names,
/// skipping entries whose name starts with `.`.
pub fn read_inputs(inputs: &[PathBuf], cfg: &Config) -> Result<Loaded> {
    let mut loaded = Loaded::default();
    let mut files: Vec<(PathBuf, bool)> = Vec::new(); // (path, named by the user)
    for p in inputs {
        if p.as_os_str() == "-" {
            files.push((p.clone(), true));
        } else if p.is_dir() {
            walk(p, &mut files)?;
        } else {
            files.push((p.clone(), true));
        }
    }
    for (path, _) in files {
        let name: Arc<str> = Arc::from(path.to_string_lossy().as_ref());
        let bytes = read_all(&path)?;
        loaded.bytes += bytes.len() as u64;
        if path.as_os_str() == "-" {
            loaded.stdin = Some(bytes.clone());
        }
        let format = match cfg.input_format {
            InputFormat::Auto if path.as_os_str() == "-" => {
                if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
                    InputFormat::Jsonl
                } else {
                    InputFormat::Text
                }
            }
            InputFormat::Auto => match path.extension().and_then(|e| e.to_str()) {
                Some("jsonl" | "ndjson" | "json") => InputFormat::Jsonl,
                _ => InputFormat::Text,
            },
            f => f,
        };
        let mut sink = Sink {
            warnings: &mut loaded.warnings,
            strict: cfg.strict,
        };
        match format {
            InputFormat::Jsonl => {
                jsonl::parse(&name, &bytes, cfg, &mut loaded.corpus.articles, &mut sink)?
            }
            _ => text::parse(&name, &bytes, cfg, &mut loaded.corpus.articles, &mut sink)?,
        }
    }
    make_ids_unique(
        &mut loaded.corpus.articles,
        &mut Sink {
            warnings: &mut loaded.warnings,
            strict: cfg.strict,
        },
    )?;
    Ok(loaded)
}

fn read_all(path: &Path) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    let res = if path.as_os_str() == "-" {
        std::io::stdin().lock().read_to_end(&mut buf).map(|_| ())
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut buf).map(|_| ()))
    };
    res.map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(buf)
}

fn walk(dir: &Path, out: &mut Vec<(PathBuf, bool)>) -> Result<()> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()
        .map_err(io)?;
    entries.sort();
    for p in entries {
        if p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'))
        {
            continue;
        }
        if p.is_dir() {
            walk(&p, out)?;
        } else {
            out.push((p, false));
        }
    }
    Ok(())
}

/// Gives a repeated id a `#2`, `#3`… suffix, with a warning, so every id in a report names
/// exactly one article.
fn make_ids_unique(articles: &mut [Article], sink: &mut Sink) -> Result<()> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for i in 0..articles.len() {
        let id = articles[i].id.clone();
        if let Some(&first) = seen.get(&id) {
            let mut k = 2;
            let new = loop {
                let cand = format!("{id}#{k}");
                if !seen.contains_key(&cand) {
                    break cand;
                }
                k += 1;
            };
            let f = &articles[first].origin;
            let msg = format!(
                "duplicate id {id:?} (first at {}:{}); renamed to {new:?}",
                f.file, f.line
            );
            let o = articles[i].origin.clone();
            sink.warn(&o.file, o.line, msg)?;
            seen.insert(new.clone(), i);
            articles[i].id = new;
        } else {
            seen.insert(id, i);
        }
    }
    Ok(())
}

/// The 1-based line of byte offset `pos` in `bytes`.
pub(crate) fn line_of(bytes: &[u8], pos: usize) -> u64 {
    memchr::memchr_iter(b'\n', &bytes[..pos.min(bytes.len())]).count() as u64 + 1
}
