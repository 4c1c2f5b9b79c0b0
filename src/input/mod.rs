//! Reading articles: JSONL files, plain-text files, RSS and Atom feeds, Parquet files (with
//! the `parquet` cargo feature), directories of them, and stdin, any of them gzip- or
//! zstd-compressed.
//!
//! Every problem with one record or one file becomes a [`Warning`] naming the file and line,
//! and reading goes on; with `strict` the first one is returned as [`Error::Strict`]. An input
//! path that cannot be opened at all is an error (the user named it, so a typo must not pass
//! silently as "no duplicates"); inside a directory, a file that cannot be read, a dangling
//! or looping symbolic link and an empty directory are warnings (one bad entry must not hide
//! the rest of the tree).
//!
//! Plain (uncompressed) JSONL and text files on disk are read without keeping their texts:
//! JSONL in batches of lines, and every article records where its text is, for
//! [`Corpus::text`](crate::corpus::Corpus::text) to read it again. Stdin,
//! compressed inputs, RSS/Atom feeds and Parquet files keep their texts in memory, as is
//! everything when [`read_inputs_keeping`] is asked for [`Retain::AllBytes`] (`reprint clean`).

mod compress;
mod feed;
mod jsonl;
mod markup;
#[cfg(feature = "parquet")]
mod parquet;
mod text;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{Config, InputFormat};
use crate::corpus::{Article, Corpus, StoredFormat};
use crate::diagnostics::Warning;
use crate::error::{Error, Result};

/// What reading produced.
#[derive(Debug, Default)]
pub struct Loaded {
    pub corpus: Corpus,
    pub warnings: Vec<Warning>,
    /// Bytes read from all inputs (after decompression).
    pub bytes: u64,
    /// Every input file read, in order, with the format it was read as.
    pub sources: Vec<SourceFile>,
    /// How many of `warnings` are about malformed input (a record, file or directory entry
    /// that could not be read as written, skipped or changed); the others are about input
    /// with nothing to analyse (an empty text, file or directory) or a kept record's
    /// duplicate id. The binary's exit code tells the two apart.
    pub malformed: usize,
}

/// One input file as the reader took it. `reprint clean` writes records back from the same
/// bytes, so it must know how each file was read.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The name articles carry in `Origin::file`.
    pub name: Arc<str>,
    /// The format the file was parsed as (never `Auto`).
    pub format: InputFormat,
    /// The decompressed bytes, kept when reading the file again would not give them back
    /// (stdin, and compressed files) and only with [`Retain::AllBytes`].
    pub retained: Option<Vec<u8>>,
}

/// Bytes read from the start of a file before deciding how to read it: enough for the
/// compression magic, a byte-order mark, and what sniffing looks at.
const HEAD_BYTES: u64 = 64 << 10;

/// What a parser needs to read one input besides its bytes, and where it puts what it reads:
/// the input's name (as articles and warnings carry it), the configuration, the articles read
/// so far, the warnings, and the analyser each accepted text is given to.
pub(crate) struct Reading<'r, 'w, A> {
    pub name: &'r Arc<str>,
    pub cfg: &'r Config,
    pub out: &'r mut Vec<Article>,
    pub sink: &'r mut Sink<'w>,
    pub analyser: &'r mut A,
}

/// What the reader keeps beyond the articles, chosen by what the inputs are read for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Retain {
    /// A scan: the texts of plain (uncompressed) JSONL and text files stay in their files
    /// and are read again when needed ([`Corpus::text`](crate::corpus::Corpus::text)).
    #[default]
    Articles,
    /// A rewrite (`reprint clean`): every text is held in memory, and the decompressed bytes
    /// of stdin and of compressed inputs are kept in [`SourceFile::retained`], since the
    /// writer copies records from them and cannot read them again.
    AllBytes,
}

/// Collects warnings, or fails on the first one in strict mode.
pub(crate) struct Sink<'a> {
    pub warnings: &'a mut Vec<Warning>,
    /// Counts the warnings about malformed input ([`Loaded::malformed`]).
    pub malformed: &'a mut usize,
    pub strict: bool,
}

/// What a warning says about the input (see [`Loaded::malformed`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Input that could not be read as written.
    Malformed,
    /// Input read as written with nothing to analyse, or a note on a kept record.
    Benign,
}

impl Sink<'_> {
    /// A warning about malformed input.
    pub fn warn(&mut self, file: &str, line: u64, message: String) -> Result<()> {
        self.warn_as(Severity::Malformed, file, line, message)
    }

    /// A warning about input with nothing to analyse, or a note on a kept record.
    pub fn note(&mut self, file: &str, line: u64, message: String) -> Result<()> {
        self.warn_as(Severity::Benign, file, line, message)
    }

    /// A warning of the given severity.
    pub fn warn_as(
        &mut self,
        severity: Severity,
        file: &str,
        line: u64,
        message: String,
    ) -> Result<()> {
        if severity == Severity::Malformed {
            *self.malformed += 1;
        }
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

/// Work done on each article's text while the reader holds it, so that a text kept in its
/// file is not read back only for it: `pipeline::read_and_analyse` runs stage 1 here.
///
/// The reader calls [`analyse`](Analyser::analyse) once for every article it reads, on any
/// thread, and hands the results to [`take`](Analyser::take) in input order, exactly one per
/// article, as batches finish: the `k`-th result ever taken belongs to article `k` of
/// [`Loaded::corpus`].
pub trait Analyser: Send + Sync {
    /// What one text gives.
    type Out: Send;
    /// Analyses one article's text.
    fn analyse(&self, text: &str) -> Self::Out;
    /// Takes the results of the next articles, in input order.
    fn take(&mut self, outs: Vec<Self::Out>) -> Result<()>;
}

/// Reads without analysing anything.
pub struct NoAnalysis;

impl Analyser for NoAnalysis {
    type Out = ();
    fn analyse(&self, _: &str) {}
    fn take(&mut self, _: Vec<()>) -> Result<()> {
        Ok(())
    }
}

/// Analyses the articles `out[from..]` whose texts are in memory or are `file_text` (the
/// text of the stored text file they were read from, as `text::parse` checked it), in
/// parallel, and hands the results over.
fn analyse_new<A: Analyser>(
    out: &[Article],
    from: usize,
    file_text: Option<&str>,
    analyser: &mut A,
) -> Result<()> {
    use rayon::prelude::*;
    let shared: &A = analyser;
    let outs: Vec<A::Out> = out[from..]
        .par_iter()
        .map(|a| match &a.body {
            crate::corpus::Body::Text(t) => shared.analyse(t),
            // A stored file's article comes with its text; were it missing (a bug), the
            // article analyses as an empty text rather than panicking.
            _ => shared.analyse(file_text.unwrap_or_default()),
        })
        .collect();
    analyser.take(outs)
}

/// Reads every input in order. A directory is walked recursively in byte order of names,
/// skipping entries whose name starts with `.`.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let feed = dir.path().join("feed.jsonl");
/// std::fs::write(&feed, "{\"id\":\"a\",\"text\":\"One short article.\"}\nnot json\n")?;
/// let loaded = reprint::input::read_inputs(&[feed], &reprint::Config::default())?;
/// assert_eq!(loaded.corpus.len(), 1);
/// assert_eq!(loaded.corpus.text(0)?, "One short article.");
/// // Line 2 is a warning, counted as malformed input; the run goes on.
/// assert_eq!(loaded.warnings[0].line, 2);
/// assert_eq!(loaded.malformed, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_inputs(inputs: &[PathBuf], cfg: &Config) -> Result<Loaded> {
    read_inputs_analysed(inputs, cfg, Retain::Articles, &mut NoAnalysis)
}

/// [`read_inputs`], keeping what `retain` asks for: [`Retain::AllBytes`] for `reprint clean`,
/// which writes records back. A scan does not pay for the bytes.
pub fn read_inputs_keeping(inputs: &[PathBuf], cfg: &Config, retain: Retain) -> Result<Loaded> {
    read_inputs_analysed(inputs, cfg, retain, &mut NoAnalysis)
}

/// [`read_inputs_keeping`], with `analyser` run on every article's text as it is read.
pub fn read_inputs_analysed<A: Analyser>(
    inputs: &[PathBuf],
    cfg: &Config,
    retain: Retain,
    analyser: &mut A,
) -> Result<Loaded> {
    let keep_bytes = retain == Retain::AllBytes;
    let mut loaded = Loaded::default();
    let entries = input_entries(inputs)?;
    let mut order = InputOrder::default();
    for entry in entries {
        order.next_entry(&loaded);
        let (path, named) = match entry {
            Entry::File { path, named } => (path, named),
            Entry::Problem {
                path,
                message,
                severity,
            } => {
                Sink {
                    warnings: &mut loaded.warnings,
                    malformed: &mut loaded.malformed,
                    strict: cfg.strict,
                }
                .warn_as(severity, &path, 1, message)?;
                continue;
            }
        };
        let name: Arc<str> = Arc::from(path.to_string_lossy().as_ref());
        let before = loaded.corpus.articles.len();
        let read = if keep_bytes || path.as_os_str() == "-" {
            read_all(&path).map(Some)
        } else {
            read_plain(&path, &name, cfg, &mut loaded, analyser)
        };
        let raw = match read {
            Ok(Some(raw)) => raw,
            Ok(None) => continue,
            // A file found in a directory that cannot be read costs that file only; a path
            // the user named is still fatal, and so is a file that failed half-read (its
            // first articles are already in the corpus).
            Err(Error::Io { source, .. }) if !named && loaded.corpus.articles.len() == before => {
                Sink {
                    warnings: &mut loaded.warnings,
                    malformed: &mut loaded.malformed,
                    strict: cfg.strict,
                }
                .warn(
                    &name,
                    1,
                    format!("cannot be read ({source}): file skipped"),
                )?;
                continue;
            }
            Err(e) => return Err(e),
        };
        let magic = compress::from_magic(&raw);
        let keep = keep_bytes && (path.as_os_str() == "-" || magic.is_some());
        let mut sink = Sink {
            warnings: &mut loaded.warnings,
            malformed: &mut loaded.malformed,
            strict: cfg.strict,
        };
        let file_name = if path.as_os_str() == "-" {
            None
        } else {
            path.file_name().and_then(|n| n.to_str())
        };
        let claimed = file_name.and_then(compress::from_name);
        // The content decides whether to decompress; the name only says which part of it
        // names the inner format. A plain file is parsed from the buffer it was read into.
        let (bytes, fault, inner_name) = match magic {
            Some(c) => {
                let d = compress::decompress(c, &raw);
                let inner = claimed.map(|(_, stem)| stem).or(file_name);
                (d.bytes, d.fault.map(|f| (c, f)), inner)
            }
            None => {
                if let Some((c, _)) = claimed {
                    if !raw.iter().all(|b| b.is_ascii_whitespace()) {
                        sink.warn(
                            &name,
                            1,
                            format!(
                                "named like a {0} file but not {0} data (no {0} magic bytes): \
                                 file skipped",
                                c.name()
                            ),
                        )?;
                        continue;
                    }
                }
                (raw, None, file_name)
            }
        };
        loaded.bytes += bytes.len() as u64;
        let format = decide_format(cfg, inner_name, &bytes);
        // A damaged stream: keep what was complete, then warn once at the line reached.
        let damage = fault.map(|(c, why)| {
            let reached = line_of(&bytes, bytes.len());
            let (kept, end) = match format {
                InputFormat::Text => ("no article read (the text is incomplete)", bytes.len()),
                // Parquet's footer, which says where everything is, is at the end.
                InputFormat::Parquet => ("no row read (a Parquet file is read from its end)", 0),
                InputFormat::Feed => ("the items closed before it are kept", bytes.len()),
                // A record cut in the middle is not a malformed record but a lost one.
                _ => (
                    "the records before it are kept",
                    memchr::memrchr(b'\n', &bytes).map_or(0, |p| p + 1),
                ),
            };
            (c, why, reached, kept, end)
        });
        let parsed = &bytes[..damage.as_ref().map_or(bytes.len(), |d| d.4)];
        let nothing_left = damage.is_some()
            && (matches!(format, InputFormat::Text | InputFormat::Parquet)
                || parsed.iter().all(|b| b.is_ascii_whitespace()));
        if !nothing_left {
            let mut to = Reading {
                name: &name,
                cfg,
                out: &mut loaded.corpus.articles,
                sink: &mut sink,
                analyser,
            };
            parse(format, parsed, damage.is_some(), &mut to)?;
        }
        if let Some((c, why, reached, kept, _)) = damage {
            sink.warn(
                &name,
                reached,
                format!(
                    "corrupt or truncated {} data ({why}): decoding stopped in line {reached}; \
                     {kept}, the rest of the file is lost",
                    c.name()
                ),
            )?;
        }
        loaded.sources.push(SourceFile {
            name,
            format,
            retained: keep.then_some(bytes),
        });
    }
    finish(loaded, order, cfg)
}

/// Reads JSONL `bytes` held in memory as if they were the file `name`: the articles, their
/// ids (`name:line` when a record has none), the warnings and the renaming of repeated ids
/// are those [`read_inputs`] gives for a plain JSONL file of these bytes. The articles keep
/// their texts. For callers that hold records rather than files (the Python package
/// serialises its records to one JSON line each, so its field rules are the CLI's).
///
/// ```
/// let cfg = reprint::Config::default();
/// let bytes = b"{\"id\":\"a\",\"text\":\"One short article.\"}\n\n{\"text\":7}\n";
/// let loaded = reprint::input::read_jsonl_bytes("records", bytes, &cfg)?;
/// assert_eq!(loaded.corpus.len(), 1);
/// assert_eq!(loaded.corpus.text(0)?, "One short article.");
/// assert_eq!((loaded.warnings[0].file.as_str(), loaded.warnings[0].line), ("records", 3));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_jsonl_bytes(name: &str, bytes: &[u8], cfg: &Config) -> Result<Loaded> {
    let mut loaded = Loaded::default();
    let name: Arc<str> = Arc::from(name);
    let mut order = InputOrder::default();
    order.next_entry(&loaded);
    read_into(&mut loaded, &name, cfg, &mut NoAnalysis, |to| {
        parse(InputFormat::Jsonl, bytes, false, to)
    })?;
    loaded.bytes = bytes.len() as u64;
    loaded.sources.push(SourceFile {
        name,
        format: InputFormat::Jsonl,
        retained: None,
    });
    finish(loaded, order, cfg)
}

/// Reads JSONL `bytes`, whole lines whose first is line `first_line` of the input `name`, as
/// [`read_inputs`] reads those lines of a plain JSONL file, and runs `analyser` on each
/// accepted text. Repeated ids are not renamed and an all-blank slice gives no "empty file"
/// note: both depend on the rest of the input, and [`join_reads`] settles them once every
/// slice is read (for `crate::parts`, which reads an input in slices on several machines).
/// A byte-order mark is skipped at the start of line 1.
///
/// With `at: Some(offset)`, `bytes` are those of the input's file from byte `offset`: the
/// articles keep where their texts are in that file ([`Body::Line`](crate::corpus::Body),
/// naming stored file 0) instead of the texts; else they keep their texts.
pub fn read_jsonl_lines<A: Analyser>(
    name: &str,
    bytes: &[u8],
    first_line: u64,
    at: Option<u64>,
    cfg: &Config,
    analyser: &mut A,
) -> Result<Loaded> {
    let mut loaded = Loaded::default();
    let name: Arc<str> = Arc::from(name);
    let whole = bytes.len();
    let bytes = match first_line {
        1 => strip_bom(bytes),
        _ => bytes,
    };
    // Where `bytes` start in the file, past a byte-order mark.
    let at = at.map(|offset| (0, offset + (whole - bytes.len()) as u64));
    if !bytes.iter().all(|b| b.is_ascii_whitespace()) {
        read_into(&mut loaded, &name, cfg, analyser, |to| {
            jsonl::parse_lines(bytes, first_line, at, to)
        })?;
    }
    loaded.bytes = bytes.len() as u64;
    Ok(loaded)
}

/// Rows of each row group of the Parquet file at `path`, as [`read_parquet_groups`] numbers
/// them, or `None` when its footer cannot be read (a scan gives that file one warning).
#[cfg(feature = "parquet")]
pub fn parquet_row_groups(path: &Path) -> Result<Option<Vec<u64>>> {
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(parquet::row_groups(file))
}

/// Row groups `groups` (0-based) of the plain Parquet file at `path`, input `name`, read as a
/// scan reads that file, with its rows numbered as in the whole file (from the footer): the
/// ranges of a file's row groups, read each on its own and put together by [`join_reads`]
/// (none blank), give what the whole file gives. What concerns the whole file (a footer that
/// cannot be read, no usable text column, an empty file) comes from the range that starts at
/// row group 0; `loaded.bytes` is the file's size there and 0 elsewhere. Texts are kept in
/// memory, as a scan keeps a Parquet file's. Also returns the rows of each row group of the
/// file, as [`parquet_row_groups`] gives them (none when the footer cannot be read).
#[cfg(feature = "parquet")]
pub fn read_parquet_groups<A: Analyser>(
    name: &str,
    path: &Path,
    groups: std::ops::Range<usize>,
    cfg: &Config,
    analyser: &mut A,
) -> Result<(Loaded, Vec<u64>)> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    let mut loaded = Loaded::default();
    if groups.start == 0 {
        loaded.bytes = file.metadata().map_err(io)?.len();
    }
    let name: Arc<str> = Arc::from(name);
    let rows = read_into(&mut loaded, &name, cfg, analyser, |to| {
        parquet::parse(file, to, Some(groups))
    })?;
    Ok((loaded, rows))
}

/// Runs `read` with a [`Reading`] that puts articles, warnings and malformed records in
/// `loaded`.
fn read_into<A: Analyser, T>(
    loaded: &mut Loaded,
    name: &Arc<str>,
    cfg: &Config,
    analyser: &mut A,
    read: impl FnOnce(&mut Reading<'_, '_, A>) -> Result<T>,
) -> Result<T> {
    let mut sink = Sink {
        warnings: &mut loaded.warnings,
        malformed: &mut loaded.malformed,
        strict: cfg.strict,
    };
    read(&mut Reading {
        name,
        cfg,
        out: &mut loaded.corpus.articles,
        sink: &mut sink,
        analyser,
    })
}

/// The slices of [`read_jsonl_lines`] put together as one read: `reads` in input order, each
/// with the number of its input and whether that input was blank as a whole (an "empty file"
/// note at its line 1, as [`read_inputs`] gives). Repeated ids are renamed and warnings put in
/// input order as at the end of [`read_inputs`].
pub fn join_reads(reads: Vec<(usize, bool, Loaded)>, cfg: &Config) -> Result<Loaded> {
    let mut loaded = Loaded::default();
    let mut order = InputOrder::default();
    let mut current = None;
    for (input, blank, read) in reads {
        if current != Some(input) {
            order.next_entry(&loaded);
            current = Some(input);
            if blank {
                let name = read.sources.first().map(|s| s.name.to_string());
                let name = name.unwrap_or_default();
                Sink {
                    warnings: &mut loaded.warnings,
                    malformed: &mut loaded.malformed,
                    strict: cfg.strict,
                }
                .note(&name, 1, "empty file: no article read".into())?;
            }
        }
        loaded.corpus.articles.extend(read.corpus.articles);
        loaded.warnings.extend(read.warnings);
        loaded.malformed += read.malformed;
        loaded.bytes += read.bytes;
    }
    finish(loaded, order, cfg)
}

/// The end of every read: repeated ids renamed (with a warning each), warnings in input order.
fn finish(mut loaded: Loaded, mut order: InputOrder, cfg: &Config) -> Result<Loaded> {
    order.next_entry(&loaded);
    let renamed = make_ids_unique(
        &mut loaded.corpus.articles,
        &mut Sink {
            warnings: &mut loaded.warnings,
            malformed: &mut loaded.malformed,
            strict: cfg.strict,
        },
    )?;
    order.sort(&mut loaded.warnings, &renamed);
    Ok(loaded)
}

/// Which input each warning belongs to, so that warnings found late (a duplicate id is
/// known only when all ids are) are listed in input order: by input, then line.
#[derive(Default)]
struct InputOrder {
    /// Inputs started so far.
    entries: usize,
    /// The input (index into the entries) each warning so far came from.
    tags: Vec<usize>,
    /// Articles read by the end of each finished input.
    article_ends: Vec<usize>,
}

impl InputOrder {
    /// Closes the input being read (its warnings and articles are those added since the
    /// last call) and starts the next.
    fn next_entry(&mut self, loaded: &Loaded) {
        if self.entries > 0 {
            self.tags.resize(loaded.warnings.len(), self.entries - 1);
            self.article_ends.push(loaded.corpus.articles.len());
        }
        self.entries += 1;
    }

    /// Sorts `warnings` by input and line, stably; those past the tagged ones are about the
    /// articles `renamed`, in order.
    fn sort(&self, warnings: &mut Vec<Warning>, renamed: &[usize]) {
        let mut tags = self.tags.clone();
        tags.extend(
            renamed
                .iter()
                .map(|&a| self.article_ends.partition_point(|&end| end <= a)),
        );
        if tags.len() != warnings.len() {
            return; // a bug: keep the order found rather than mislabel
        }
        let keys: Vec<(usize, u64)> = tags
            .iter()
            .zip(warnings.iter())
            .map(|(&t, w)| (t, w.line))
            .collect();
        if keys.windows(2).all(|k| k[0] <= k[1]) {
            return;
        }
        let mut tagged: Vec<((usize, u64), Warning)> =
            keys.into_iter().zip(warnings.drain(..)).collect();
        tagged.sort_by_key(|(k, _)| *k);
        warnings.extend(tagged.into_iter().map(|(_, w)| w));
    }
}

/// Parses one input's (decompressed) bytes as `format`, and analyses what it read.
/// `cut_short` says they end early and the caller warns about it.
fn parse<A: Analyser>(
    format: InputFormat,
    bytes: &[u8],
    cut_short: bool,
    to: &mut Reading<'_, '_, A>,
) -> Result<()> {
    let before = to.out.len();
    let (name, cfg) = (to.name, to.cfg);
    match format {
        InputFormat::Jsonl => return jsonl::parse(bytes, to),
        // Held in memory: stdin, a compressed file, or every input of `reprint clean`.
        #[cfg(feature = "parquet")]
        InputFormat::Parquet => {
            return parquet::parse(bytes::Bytes::copy_from_slice(bytes), to, None).map(drop)
        }
        #[cfg(not(feature = "parquet"))]
        InputFormat::Parquet => return Err(no_parquet(name)),
        InputFormat::Feed => feed::parse(name, bytes, cfg, to.out, to.sink, cut_short)?,
        InputFormat::Text | InputFormat::Auto => {
            text::parse(name, bytes, cfg, to.out, to.sink, None)?;
        }
    }
    analyse_new(to.out, before, None, to.analyser)
}

/// Reads input `path` if it is a plain JSONL or text file on disk, without keeping its texts,
/// and returns `None`; otherwise (compressed, a feed, not a regular file) returns all its
/// bytes for [`read_inputs_keeping`] to read as before.
fn read_plain<A: Analyser>(
    path: &Path,
    name: &Arc<str>,
    cfg: &Config,
    loaded: &mut Loaded,
    analyser: &mut A,
) -> Result<Option<Vec<u8>>> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    let mut head = read_head(&mut file).map_err(io)?;
    let file_name = path.file_name().and_then(|n| n.to_str());
    let is_file = file.metadata().map_err(io)?.is_file();
    let compressed = compression_of(file_name, &head).is_some();
    let format = decide_format(cfg, file_name, &head);
    let stored_format = match format {
        InputFormat::Jsonl => StoredFormat::Jsonl,
        InputFormat::Text | InputFormat::Auto => StoredFormat::Text,
        InputFormat::Parquet if !is_file || compressed => {
            file.read_to_end(&mut head).map_err(io)?;
            return Ok(Some(head));
        }
        // A plain file is read where it is; its texts are kept in memory.
        #[cfg(feature = "parquet")]
        InputFormat::Parquet => {
            loaded.bytes += file.metadata().map_err(io)?.len();
            read_into(loaded, name, cfg, analyser, |to| {
                parquet::parse(file, to, None)
            })?;
            loaded.sources.push(SourceFile {
                name: name.clone(),
                format,
                retained: None,
            });
            return Ok(None);
        }
        #[cfg(not(feature = "parquet"))]
        InputFormat::Parquet => return Err(no_parquet(name)),
        InputFormat::Feed => {
            file.read_to_end(&mut head).map_err(io)?;
            return Ok(Some(head));
        }
    };
    if !is_file || compressed {
        file.read_to_end(&mut head).map_err(io)?;
        return Ok(Some(head));
    }
    let store = loaded.corpus.store.files.len() as u32;
    let before = loaded.corpus.articles.len();
    let mut sink = Sink {
        warnings: &mut loaded.warnings,
        malformed: &mut loaded.malformed,
        strict: cfg.strict,
    };
    let out = &mut loaded.corpus.articles;
    match stored_format {
        StoredFormat::Jsonl => {
            let input = jsonl::StoredInput {
                path,
                file: &mut file,
                head,
                store,
                batch: jsonl::BATCH_BYTES,
            };
            let mut to = Reading {
                name,
                cfg,
                out,
                sink: &mut sink,
                analyser,
            };
            loaded.bytes += jsonl::parse_stored(input, &mut to)?;
        }
        StoredFormat::Text => {
            file.read_to_end(&mut head).map_err(io)?;
            loaded.bytes += head.len() as u64;
            let text = text::parse(name, &head, cfg, out, &mut sink, Some(store))?;
            analyse_new(out, before, text, analyser)?;
        }
    }
    if loaded.corpus.articles.len() > before {
        loaded
            .corpus
            .store
            .add(path.to_path_buf(), stored_format, file);
    }
    loaded.sources.push(SourceFile {
        name: name.clone(),
        format,
        retained: None,
    });
    Ok(None)
}

/// The format a file name gives (after any compression extension is dropped), if it gives one.
fn format_of_name(file_name: &str) -> Option<InputFormat> {
    let (_, ext) = file_name.rsplit_once('.')?;
    match ext.to_ascii_lowercase().as_str() {
        "jsonl" | "ndjson" | "json" => Some(InputFormat::Jsonl),
        "rss" | "atom" | "xml" => Some(InputFormat::Feed),
        "txt" | "text" => Some(InputFormat::Text),
        "parquet" => Some(InputFormat::Parquet),
        _ => None,
    }
}

/// The start of `file`, enough to decide its format as from the whole file: sniffing looks
/// at the first non-blank byte and 4 KiB from it.
fn read_head(file: &mut File) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::new();
    loop {
        let k = file.take(HEAD_BYTES).read_to_end(&mut head)?;
        let bytes = strip_bom(&head);
        let seen = bytes
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .is_some_and(|p| bytes.len() >= p + 4096);
        if k == 0 || seen {
            return Ok(head);
        }
    }
}

/// The format an input is read as: the configured one, else by the file's name, else by its
/// first bytes.
fn decide_format(cfg: &Config, file_name: Option<&str>, head: &[u8]) -> InputFormat {
    match cfg.input_format {
        InputFormat::Auto => file_name
            .and_then(format_of_name)
            .unwrap_or_else(|| sniff(head)),
        f => f,
    }
}

/// The compression a file is read through, by its first bytes or, failing that, its name
/// (a file named so but without the magic bytes is skipped with a warning).
fn compression_of(file_name: Option<&str>, head: &[u8]) -> Option<&'static str> {
    compress::from_magic(head)
        .or_else(|| file_name.and_then(compress::from_name).map(|(c, _)| c))
        .map(compress::Compression::name)
}

/// How a read would take file `path`, decided as [`read_inputs`] decides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// Read where it is, in this format (never `Auto`).
    Plain(InputFormat),
    /// Decompressed first (`"gzip"`, `"zstd"` …).
    Compressed(&'static str),
}

/// How a read of `path` with `cfg` would take it (a plain file in which format, or
/// compressed): the distributed scans cut plain JSONL and Parquet files and refuse the rest.
pub fn file_kind(path: &Path, cfg: &Config) -> Result<FileKind> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let head = read_head(&mut File::open(path).map_err(io)?).map_err(io)?;
    let file_name = path.file_name().and_then(|n| n.to_str());
    Ok(match compression_of(file_name, &head) {
        Some(c) => FileKind::Compressed(c),
        None => FileKind::Plain(decide_format(cfg, file_name, &head)),
    })
}

/// The error for a Parquet input when the binary was built without the `parquet` feature.
#[cfg(not(feature = "parquet"))]
fn no_parquet(name: &str) -> Error {
    Error::Unusable {
        file: name.to_string(),
        message: "a Parquet file, but this reprint was built without Parquet support (the \
                  `parquet` cargo feature, on by default); rebuild with it, or convert the \
                  file to JSONL"
            .into(),
    }
}

/// `bytes` without a leading UTF-8 byte-order mark.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// The format of content whose name says nothing (stdin, `feed.gz`, `notes.md`): Parquet when
/// it starts with Parquet's magic `PAR1`, JSONL when the first non-blank byte is `{`, a feed
/// when the first element is `<rss>`, `<feed>` or RSS 1.0's `<rdf:RDF>`, else one text
/// article.
fn sniff(bytes: &[u8]) -> InputFormat {
    if bytes.starts_with(b"PAR1") {
        return InputFormat::Parquet;
    }
    let bytes = strip_bom(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
    match start.map(|i| bytes[i]) {
        Some(b'{') => InputFormat::Jsonl,
        Some(b'<') if first_element_is_feed(&bytes[start.unwrap_or(0)..]) => InputFormat::Feed,
        _ => InputFormat::Text,
    }
}

/// Whether the first element, after any XML declaration, comments, processing instructions
/// and doctype, is a feed root. Looks at the first 4 KiB only.
fn first_element_is_feed(bytes: &[u8]) -> bool {
    let mut rest = &bytes[..bytes.len().min(4096)];
    loop {
        let skip = rest.iter().position(|b| !b.is_ascii_whitespace());
        rest = &rest[skip.unwrap_or(rest.len())..];
        let close: &[u8] = if rest.starts_with(b"<!--") {
            b"-->"
        } else if rest.starts_with(b"<?") || rest.starts_with(b"<!") {
            b">"
        } else {
            break;
        };
        match memchr::memmem::find(rest, close) {
            Some(p) => rest = &rest[p + close.len()..],
            None => return false,
        }
    }
    let Some(tag) = rest.strip_prefix(b"<") else {
        return false;
    };
    let name_len = tag
        .iter()
        .position(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/'))
        .unwrap_or(tag.len());
    matches!(
        &tag[..name_len],
        b"rss" | b"feed" | b"atom:feed" | b"rdf:RDF"
    )
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

/// The inputs a read of `inputs` reads, in its order: each path named, a directory replaced
/// by the files found in it (recursively, in byte order of names, names starting with `.`
/// skipped, links followed), with the problems met while walking. The distributed scans
/// list their files with it, so a directory is read as the CLI reads it.
pub fn input_entries(inputs: &[PathBuf]) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for p in inputs {
        if p.as_os_str() != "-" && p.is_dir() {
            walk(p, &mut entries)?;
        } else {
            entries.push(Entry::File {
                path: p.clone(),
                named: true,
            });
        }
    }
    Ok(entries)
}

/// One input to read, or a problem met while walking a directory, in input order.
#[derive(Debug)]
pub enum Entry {
    /// A file: named on the command line, or found in a directory.
    File { path: PathBuf, named: bool },
    /// Something in a directory that gives no file to read: one warning, the walk goes on.
    Problem {
        path: String,
        message: String,
        /// Whether the warning counts as a malformed input.
        severity: Severity,
    },
}

/// Walks `dir` recursively in byte order of names, skipping entries whose name starts with
/// `.`, and lists its files. Symbolic links are followed, as a user who links a folder of
/// articles into the input expects; a link back to an ancestor (a loop), a dangling link, a
/// directory that cannot be listed and anything that is not a regular file (a FIFO would
/// block the run) are each one [`Entry::Problem`], and the walk goes on. Only
/// `dir` itself failing to be listed is an error: the user named it.
fn walk(dir: &Path, out: &mut Vec<Entry>) -> Result<()> {
    let found_before = out.len();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by(|a, b| a.file_name().cmp(b.file_name()))
        .into_iter()
        // Depth 0 is the directory the user named, whatever its name.
        .filter_entry(|e| e.depth() == 0 || !e.file_name().as_encoded_bytes().starts_with(b"."));
    let mut files = 0usize;
    for item in walker {
        match item {
            Ok(e) if e.file_type().is_dir() => {}
            Ok(e) if e.file_type().is_file() => {
                files += 1;
                out.push(Entry::File {
                    path: e.into_path(),
                    named: false,
                });
            }
            Ok(e) => out.push(Entry::Problem {
                path: e.path().to_string_lossy().into_owned(),
                message: format!("not a regular file ({}): skipped", kind_of(&e.file_type())),
                severity: Severity::Malformed,
            }),
            Err(err) if err.depth() == 0 && err.loop_ancestor().is_none() => {
                let source = err
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("the directory cannot be walked"));
                return Err(Error::Io {
                    path: dir.to_path_buf(),
                    source,
                });
            }
            Err(err) => {
                let path = err.path().unwrap_or(dir);
                let is_link =
                    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
                let message = match (err.loop_ancestor(), err.io_error()) {
                    (Some(ancestor), _) => format!(
                        "symbolic link loop (it leads back to {}): not followed",
                        ancestor.display()
                    ),
                    (None, Some(io)) if is_link && io.kind() == std::io::ErrorKind::NotFound => {
                        "dangling symbolic link (its target does not exist): skipped".to_string()
                    }
                    (None, Some(io)) => format!("cannot be read ({io}): skipped"),
                    (None, None) => format!("cannot be walked ({err}): skipped"),
                };
                out.push(Entry::Problem {
                    path: path.to_string_lossy().into_owned(),
                    message,
                    severity: Severity::Malformed,
                });
            }
        }
    }
    if files == 0 && out.len() == found_before {
        out.push(Entry::Problem {
            path: dir.to_string_lossy().into_owned(),
            message: "directory holds no input files (names starting with '.' are skipped): \
                      nothing read"
                .to_string(),
            severity: Severity::Benign,
        });
    }
    Ok(())
}

/// What a file type that is neither a file nor a directory is, for a warning.
fn kind_of(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    let _ = t;
    "of an unknown kind"
}

/// Gives a repeated id a `#2`, `#3`… suffix, with a warning, so every id in a report names
/// exactly one article. Returns the renamed articles, in order (one warning each).
fn make_ids_unique(articles: &mut [Article], sink: &mut Sink) -> Result<Vec<usize>> {
    // Usually every id is distinct, which sorted hashes settle in parallel; the renaming
    // below, in input order, runs only when two ids share a hash.
    use rayon::prelude::*;
    let mut hashes: Vec<u64> = articles
        .par_iter()
        .map(|a| crate::hash::bytes(a.id.as_bytes()))
        .collect();
    hashes.par_sort_unstable();
    if hashes.windows(2).all(|w| w[0] != w[1]) {
        return Ok(Vec::new());
    }
    let mut renamed = Vec::new();
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
            sink.note(&o.file, o.line, msg)?;
            renamed.push(i);
            seen.insert(new.clone(), i);
            articles[i].id = new;
        } else {
            seen.insert(id, i);
        }
    }
    Ok(renamed)
}

/// The 1-based line of byte offset `pos` in `bytes`.
pub(crate) fn line_of(bytes: &[u8], pos: usize) -> u64 {
    memchr::memchr_iter(b'\n', &bytes[..pos.min(bytes.len())]).count() as u64 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same bytes read from memory and from a file named the same: the same articles,
    /// ids (a missing one is `name:line`), renamed duplicates and warnings.
    #[test]
    fn jsonl_bytes_read_as_the_file_of_those_bytes() {
        let bytes: &[u8] = b"\xEF\xBB\xBF{\"id\":\"a\",\"text\":\"first text\"}\n\n\
            {\"text\":\"no id here\"}\nnot json\n{\"id\":\"a\",\"text\":\"again a\"}\n\
            {\"id\":[1],\"text\":\"compound id\"}\n{\"id\":\"e\",\"text\":\" \"}\r\n";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feed.jsonl");
        std::fs::write(&path, bytes).unwrap();
        let cfg = Config::default();
        let from_file = read_inputs(std::slice::from_ref(&path), &cfg).unwrap();
        let name = path.to_string_lossy();
        let from_bytes = read_jsonl_bytes(&name, bytes, &cfg).unwrap();
        let ids = |l: &Loaded| -> Vec<(String, u64)> {
            l.corpus
                .articles
                .iter()
                .map(|a| (a.id.clone(), a.origin.line))
                .collect()
        };
        assert_eq!(ids(&from_bytes), ids(&from_file));
        assert_eq!(from_bytes.warnings, from_file.warnings);
        assert_eq!(from_bytes.malformed, from_file.malformed);
        assert_eq!(from_bytes.warnings.len(), 4, "{:?}", from_bytes.warnings);
        assert_eq!(ids(&from_bytes)[1].0, format!("{name}:3"));
        assert_eq!(ids(&from_bytes)[2].0, "a#2");
        for i in 0..from_bytes.corpus.len() {
            assert_eq!(
                from_bytes.corpus.text(i).unwrap(),
                from_file.corpus.text(i).unwrap()
            );
        }
    }
}
