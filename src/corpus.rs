//! Articles as read from the input, before any analysis, and where their texts live.
//!
//! A corpus keeps every article's metadata in memory, but not necessarily its text (so that
//! peak memory stays well below the input size). The text of an article read from a plain
//! (uncompressed) JSONL or text file stays in that file: its [`Body`] records where, and
//! [`Corpus::text`] reads and decodes it again, with positioned reads (no memory map, whose
//! pages would count as resident memory), each time a stage needs it. Texts from stdin,
//! compressed inputs and RSS/Atom feeds cannot be read again cheaply and are held in memory.
//!
//! Reading a text again gives exactly the string the first pass validated, as long as the
//! input does not change during the run. A change that is noticed (the file is shorter, the
//! line no longer ends where it did, the record no longer decodes, or its text has another
//! length) is an [`Error::Reread`] naming the file and line, never a panic; a change that
//! keeps every length is not noticed, so inputs must not be modified while a run reads them.

use std::borrow::Cow;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::sync::Arc;

use crate::error::{Error, Result};

/// Index of an article in its [`Corpus`], in input order. A newtype so it cannot be mixed up
/// with paragraph or token indices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArticleId(pub u32);

impl ArticleId {
    /// The index as `usize`, for slicing.
    #[inline]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Where an article came from: its file and 1-based line (line 1 for a whole text file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The input path as the user named it (`-` for stdin).
    pub file: Arc<str>,
    /// 1-based line of the JSONL record; 1 for a text file.
    pub line: u64,
}

/// Where an article's body text is. All byte offsets in a report point into the text
/// [`Corpus::text`] gives for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// Held in memory: stdin, compressed inputs, feeds, and articles built by hand.
    Text(String),
    /// The text field of the JSONL record at bytes `offset..offset + len` of stored file
    /// `file` (the line without its terminator); its decoded text is `text_len` bytes long,
    /// from the string literal at bytes `text_at..text_at + raw_len` of the line.
    Line {
        file: u32,
        offset: u64,
        len: u64,
        text_len: u64,
        text_at: u64,
        raw_len: u64,
    },
    /// The whole of stored text file `file`, `len` bytes of UTF-8.
    File { file: u32, len: u64 },
}

impl Body {
    /// The text when it is held in memory.
    pub fn in_memory(&self) -> Option<&str> {
        match self {
            Body::Text(s) => Some(s),
            _ => None,
        }
    }
}

/// One news article.
#[derive(Clone, Debug)]
pub struct Article {
    /// Unique id: the JSONL `id` field, `file:line` when it has none, or the path of a text
    /// file. Made unique (with a `#2` suffix and a warning) when the input repeats one.
    pub id: String,
    /// Headline (empty when unknown).
    pub title: String,
    /// Where the body text is; read it with [`Corpus::text`].
    pub body: Body,
    /// Outlet name (empty when unknown).
    pub source: String,
    /// Publication date as given (empty when unknown); compared as text.
    pub date: String,
    /// Where it was read.
    pub origin: Origin,
}

/// How a stored file's bodies are encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoredFormat {
    /// One JSON object per line; the text is a field of it.
    Jsonl,
    /// The whole file is one article's text.
    Text,
}

/// An input file that bodies are read from again.
#[derive(Clone, Debug)]
pub struct StoredFile {
    /// The path it was opened at.
    pub path: PathBuf,
    pub format: StoredFormat,
    /// The file, kept open when there are few such files; otherwise opened per read (a
    /// directory of 100,000 text files must not hold 100,000 descriptors).
    pub handle: Option<Arc<File>>,
}

/// The files bodies are read from again. A JSONL record's text is found again by where its
/// string literal was in the line, not by field name (`Body::Line`).
#[derive(Clone, Debug, Default)]
pub struct TextStore {
    pub files: Vec<StoredFile>,
    /// How many of `files` hold an open handle.
    pub(crate) open: usize,
}

/// Stored JSONL files kept open for reading texts again; files past this many are opened for
/// each read (text files always are: a directory can hold very many).
const MAX_OPEN_FILES: usize = 64;

/// The articles of one run, in input order, and the files their texts are read from.
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    pub articles: Vec<Article>,
    pub store: TextStore,
}

impl Corpus {
    /// A corpus of articles whose bodies are all [`Body::Text`].
    pub fn in_memory(articles: Vec<Article>) -> Corpus {
        Corpus {
            articles,
            store: TextStore::default(),
        }
    }

    /// Number of articles.
    pub fn len(&self) -> usize {
        self.articles.len()
    }

    /// True when there are no articles.
    pub fn is_empty(&self) -> bool {
        self.articles.is_empty()
    }

    /// The article with this id.
    pub fn get(&self, id: ArticleId) -> &Article {
        &self.articles[id.index()]
    }

    /// The body text of article `a` (an index in input order): borrowed when it is held in
    /// memory, else read and decoded again from its file. Always the same string for the
    /// same article, or an [`Error::Reread`] when the file changed since it was read.
    pub fn text(&self, a: usize) -> Result<Cow<'_, str>> {
        let art = &self.articles[a];
        self.store.text(&art.body, &art.origin)
    }
}

impl TextStore {
    /// Adds `file`, opened at `path`, as the next stored file and returns its number. A JSONL
    /// file is kept open while fewer than [`MAX_OPEN_FILES`] are; a text file never is.
    pub(crate) fn add(&mut self, path: PathBuf, format: StoredFormat, file: File) -> u32 {
        let number = self.files.len() as u32;
        let keep_open = format == StoredFormat::Jsonl && self.open < MAX_OPEN_FILES;
        self.open += usize::from(keep_open);
        self.files.push(StoredFile {
            path,
            format,
            handle: keep_open.then(|| Arc::new(file)),
        });
        number
    }

    /// The stored files at `files` (path, format), each opened now, in this order: the store
    /// a distributed scan's worker reads texts from by their places ([`crate::tasks::Task`]),
    /// the files the reducer's store read them from. A file that cannot be opened is an
    /// [`Error::Io`] naming it.
    pub fn open(files: impl IntoIterator<Item = (PathBuf, StoredFormat)>) -> Result<TextStore> {
        let mut store = TextStore::default();
        for (path, format) in files {
            let file = File::open(&path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            store.add(path, format, file);
        }
        Ok(store)
    }

    /// The text of `body`, an article read from `origin`: borrowed when it is held in memory,
    /// else read and decoded again from this store's file, as [`Corpus::text`] reads it (the
    /// same checks, an [`Error::Reread`] naming `origin` when the file changed).
    pub fn text<'s>(&self, body: &'s Body, origin: &Origin) -> Result<Cow<'s, str>> {
        let fail = |message: String| Error::Reread {
            file: origin.file.to_string(),
            line: origin.line,
            message,
        };
        match *body {
            Body::Text(ref s) => Ok(Cow::Borrowed(s)),
            Body::Line {
                file,
                offset,
                len,
                text_len,
                text_at,
                raw_len,
            } => {
                let bytes = self.read(file, offset, len, true).map_err(fail)?;
                let text = crate::json_string::text_at(&bytes, text_at, raw_len).map_err(fail)?;
                if text.len() as u64 != text_len {
                    return Err(fail(format!(
                        "its text is now {} bytes, it was {text_len}",
                        text.len()
                    )));
                }
                Ok(Cow::Owned(text))
            }
            Body::File { file, len } => {
                let bytes = self.read(file, 0, len, false).map_err(fail)?;
                String::from_utf8(bytes).map(Cow::Owned).map_err(|e| {
                    fail(format!(
                        "invalid UTF-8 at byte offset {}",
                        e.utf8_error().valid_up_to()
                    ))
                })
            }
        }
    }

    /// Bytes `offset..offset + len` of stored file `file`, checking that they still end
    /// where they ended: at a line terminator or the end of the file for a JSONL line
    /// (`line`), at the end of the file for a whole text file.
    fn read(
        &self,
        file: u32,
        offset: u64,
        len: u64,
        line: bool,
    ) -> std::result::Result<Vec<u8>, String> {
        let sf = self
            .files
            .get(file as usize)
            .ok_or_else(|| format!("no stored file {file}"))?;
        let opened;
        let f: &File = match &sf.handle {
            Some(h) => h,
            None => {
                opened = File::open(&sf.path).map_err(|e| format!("cannot open it again: {e}"))?;
                &opened
            }
        };
        let len = usize::try_from(len).map_err(|_| format!("{len} bytes do not fit in memory"))?;
        // One byte more than the record, to see what follows it.
        let mut buf = vec![0u8; len + 1];
        let mut got = 0;
        while got < buf.len() {
            match f.read_at(&mut buf[got..], offset + got as u64) {
                Ok(0) => break,
                Ok(k) => got += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("cannot read it again: {e}")),
            }
        }
        match (got == len, buf[len]) {
            _ if got < len => return Err("the file is shorter than when it was read".into()),
            (true, _) => {}
            (false, b'\n' | b'\r') if line => {}
            _ if line => return Err("the record no longer ends where it did".into()),
            _ => return Err("the file is longer than when it was read".into()),
        }
        buf.truncate(len);
        Ok(buf)
    }
}
