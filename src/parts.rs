//! A scan in two halves, for an engine that spreads work over machines (issue 19, the Ray
//! scan in `python/reprint/ray.py`): a **map kernel** ([`map_jsonl`]) reads a slice of the
//! input (whole JSONL lines of one input, from a known line) and runs stage 1 on it, which
//! needs no other article; its result is a [`Part`], carried between processes as bytes
//! ([`Part::to_bytes`]). The **reducer** ([`scan_parts`]) puts the parts back in input
//! order and runs the remaining stages, giving the report [`pipeline::scan`] gives for the
//! whole input read at once: the same articles, ids, warnings and stage-1 values, in the same
//! order, so the JSON is the same bytes.
//!
//! A part carries its texts ([`map_jsonl`]) or, when the slice was read from the input's file
//! ([`map_jsonl_at`], what the Ray and Spark scans do), where each text is in that file: the
//! reducer then reads again, from the file, only the texts a scan reads again (the listed
//! pairs', the report's examples), as a one-machine scan does, and the part is about half the
//! size.
//!
//! Invariants:
//!
//! - a part says where it belongs (input number, first line, lines covered); the reducer sorts
//!   by that, never by the order parts arrive in, and refuses a set of parts with a gap, an
//!   overlap or a repeat, so a lost or doubled task is an error, not a different report
//! - the bytes of a part start with a magic, a format version and an xxh3 checksum of the
//!   rest; damaged, truncated or foreign bytes, or values that do not fit together, are an
//!   [`Error::Part`], never a panic
//! - stage 1 is distributed, and so are stage 4's band collisions and stage 6's reading when
//!   the reducer is given a [`pipeline::Workers`] ([`Reducer::finish_on`], each task run by
//!   [`work`]); the reducer holds every article's stage-1 values (and the texts of parts
//!   that carry them) and runs the other stages; see benches/results/ray-2026-12-02.md
//! - a text given by its place is read with the reader's own decoder and checked as
//!   [`Corpus::text`] checks a scan's: a file that changed or vanished since the map is an
//!   [`Error::Reread`] or [`Error::Io`] naming it, never another report

use std::sync::Arc;

use crate::config::Config;
use crate::corpus::{Article, Body, Corpus, Origin, StoredFormat, TextStore};
use crate::diagnostics::Warning;
use crate::error::{Error, Result};
use crate::evidence::ParagraphSamples;
use crate::input::{Analyser, Loaded};
use crate::pipeline::{self, Analysed, Stage1Out, Stats};
use crate::progress::NoProgress;
use crate::repeats::RepeatRun;
use crate::report::Report;
use crate::shingle::{ArticleShingles, Paragraph};
use crate::wire::{self, Reader, Writer};

/// The first bytes of every part.
pub const MAGIC: [u8; 8] = *b"RPRTPART";

/// The part format's version; a part of another version is refused. Stage 1's values change
/// with the detection code, so parts are for one run of one build, not for keeping.
pub const VERSION: u32 = 4;

/// Articles handed to [`Analysed`] at a time by the reducer.
const PUSH_CHUNK: usize = 1 << 14;

/// One slice of the input after stage 1: its articles (with their texts), the warnings its
/// lines gave, and each article's stage-1 values.
pub struct Part {
    /// The input's number in input order (0-based).
    pub input: u32,
    /// The input's name, as articles and warnings carry it.
    pub name: String,
    /// The slice's first line in its input (1-based).
    pub first_line: u64,
    /// Lines in the slice (its line feeds, plus a last line without one): the next slice of
    /// the input starts at `first_line + lines`.
    pub lines: u64,
    /// Whether the slice held only white space (a whole input of such slices is "empty").
    pub blank: bool,
    /// Bytes of the slice.
    pub bytes: u64,
    malformed: u64,
    warnings: Vec<Warning>,
    articles: Vec<Article>,
    stage1: Vec<Stage1Out>,
}

impl std::fmt::Debug for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Part")
            .field("input", &self.input)
            .field("name", &self.name)
            .field("first_line", &self.first_line)
            .field("lines", &self.lines)
            .field("articles", &self.articles.len())
            .field("warnings", &self.warnings.len())
            .finish()
    }
}

/// Stage 1 as the reader's analyser: results kept in input order.
struct Collect<'a> {
    cfg: &'a Config,
    outs: Vec<Stage1Out>,
}

impl Analyser for Collect<'_> {
    type Out = Stage1Out;
    fn analyse(&self, text: &str) -> Stage1Out {
        pipeline::analyse_text(text, self.cfg)
    }
    fn take(&mut self, outs: Vec<Stage1Out>) -> Result<()> {
        self.outs.extend(outs);
        Ok(())
    }
}

/// The map kernel: reads `bytes`, whole JSONL lines of input number `input` named `name`
/// whose first is line `first_line`, as a scan reads them, and runs stage 1 on every article.
/// The slices of an input must end with a line feed, except its last.
///
/// ```
/// let cfg = reprint::Config::default();
/// let feed = b"{\"id\":\"a\",\"text\":\"One short article.\"}\nnot json\n";
/// let part = reprint::parts::map_jsonl("feed.jsonl", 0, 1, feed, &cfg)?;
/// let bytes = part.to_bytes();
/// let (report, _) = reprint::parts::scan_parts(vec![reprint::parts::Part::from_bytes(&bytes)?], &cfg)?;
/// assert_eq!(report.summary.articles, 1);
/// assert_eq!(report.warnings[0].line, 2);
/// # Ok::<(), reprint::Error>(())
/// ```
pub fn map_jsonl(
    name: &str,
    input: u32,
    first_line: u64,
    bytes: &[u8],
    cfg: &Config,
) -> Result<Part> {
    map(name, input, first_line, None, bytes, cfg)
}

/// [`map_jsonl`] for `bytes` read from the input's file, `name`, at byte `offset`: the part
/// keeps where each text is in that file instead of the text (about half the part's bytes),
/// and the reducer reads again, from the file `name`, the texts a scan reads again (those of
/// the listed pairs and the report's examples), as a one-machine scan does. The reducer must
/// see the file unchanged at that name.
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// let path = dir.path().join("feed.jsonl");
/// std::fs::write(&path, "{\"id\":\"a\",\"text\":\"One short article.\"}\nnot json\n")?;
/// let (name, bytes) = (path.to_str().unwrap(), std::fs::read(&path)?);
/// let cfg = reprint::Config::default();
/// // The second line, read from its place in the file.
/// let at = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
/// let first = reprint::parts::map_jsonl_at(name, 0, 1, 0, &bytes[..at], &cfg)?;
/// let second = reprint::parts::map_jsonl_at(name, 0, 2, at as u64, &bytes[at..], &cfg)?;
/// assert!(first.to_bytes().len() > 0);
/// let (report, _) = reprint::parts::scan_parts(vec![second, first], &cfg)?;
/// assert_eq!((report.summary.articles, report.warnings[0].line), (1, 2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn map_jsonl_at(
    name: &str,
    input: u32,
    first_line: u64,
    offset: u64,
    bytes: &[u8],
    cfg: &Config,
) -> Result<Part> {
    map(name, input, first_line, Some(offset), bytes, cfg)
}

/// The map kernel for a Parquet file: row groups `groups` (0-based) of the plain Parquet file
/// at `path`, input number `input` named `name`, read as a scan reads that file
/// ([`crate::input::read_parquet_groups`]) and through stage 1. The part starts at the row
/// the range starts at in the whole file (`first_line`, 1-based) and covers its rows
/// (`lines`), from the file's footer; it carries its texts. Ranges that tile a file's row
/// groups (ranges past its last group are empty) give, put together, the report of the whole
/// file (`tests/parquet.rs`).
#[cfg(feature = "parquet")]
pub fn map_parquet(
    name: &str,
    input: u32,
    path: &std::path::Path,
    groups: std::ops::Range<usize>,
    cfg: &Config,
) -> Result<Part> {
    let mut collect = Collect {
        cfg,
        outs: Vec::new(),
    };
    let (start, end) = (groups.start, groups.end);
    let (loaded, rows) = crate::input::read_parquet_groups(name, path, groups, cfg, &mut collect)?;
    let before: u64 = rows.iter().take(start).sum();
    let within: u64 = rows.iter().take(end).skip(start).sum();
    debug_assert_eq!(loaded.corpus.articles.len(), collect.outs.len());
    Ok(Part {
        input,
        name: name.to_string(),
        first_line: before + 1,
        lines: within,
        blank: false,
        bytes: loaded.bytes,
        malformed: loaded.malformed as u64,
        warnings: loaded.warnings,
        articles: loaded.corpus.articles,
        stage1: collect.outs,
    })
}

fn map(
    name: &str,
    input: u32,
    first_line: u64,
    at: Option<u64>,
    bytes: &[u8],
    cfg: &Config,
) -> Result<Part> {
    if first_line == 0 {
        return Err(Error::Part {
            part: 0,
            message: "first_line is 1-based, got 0".into(),
        });
    }
    let mut collect = Collect {
        cfg,
        outs: Vec::new(),
    };
    let loaded = crate::input::read_jsonl_lines(name, bytes, first_line, at, cfg, &mut collect)?;
    let articles = loaded.corpus.articles;
    debug_assert_eq!(articles.len(), collect.outs.len());
    Ok(Part {
        input,
        name: name.to_string(),
        first_line,
        lines: lines_of(bytes),
        blank: bytes.iter().all(|b| b.is_ascii_whitespace()),
        bytes: bytes.len() as u64,
        malformed: loaded.malformed as u64,
        warnings: loaded.warnings,
        articles,
        stage1: collect.outs,
    })
}

/// Lines a slice covers: its line feeds, and its last line when that has no line feed (only
/// an input's last slice may end so; counting it makes a doubled last slice a clash).
fn lines_of(bytes: &[u8]) -> u64 {
    let feeds = memchr::memchr_iter(b'\n', bytes).count() as u64;
    feeds + u64::from(bytes.last().is_some_and(|&b| b != b'\n'))
}

/// The reducer: puts `parts` in input order (by input, then first line, whatever order they
/// come in), checks that they cover each input without a gap or an overlap, and runs stages
/// 2 on; the report is the one [`pipeline::scan`] gives for the inputs read whole.
pub fn scan_parts(parts: Vec<Part>, cfg: &Config) -> Result<(Report, Stats)> {
    let mut reducer = Reducer::new(cfg.clone(), parts.iter().map(|p| (p.input, p.first_line)));
    for p in parts {
        reducer.add(p)?;
    }
    reducer.finish()
}

/// The reducer taking parts one at a time, as an engine hands them over, so that a caller
/// need not hold them all: each part's stage-1 values go into the scan's analysis (whose
/// shingle keys move to the spill file past `--key-memory`) as soon as every part before it
/// in input order has come, and only its articles' metadata is kept. [`Reducer::finish`]
/// checks the tiling and runs stages 2 on, as [`scan_parts`] does.
///
/// ```
/// let cfg = reprint::Config::default();
/// let (one, two) = (b"{\"id\":\"a\",\"text\":\"One short article.\"}\n", b"not json\n");
/// let parts = [
///     reprint::parts::map_jsonl("feed.jsonl", 0, 1, one, &cfg)?,
///     reprint::parts::map_jsonl("feed.jsonl", 0, 2, two, &cfg)?,
/// ];
/// // The ranges' starts (input, first line), known before any part comes.
/// let mut reducer = reprint::parts::Reducer::new(cfg, [(0, 1), (0, 2)]);
/// for part in parts.into_iter().rev() {
///     reducer.add(part)?;
/// }
/// let (report, _) = reducer.finish()?;
/// assert_eq!((report.summary.articles, report.warnings[0].line), (1, 2));
/// # Ok::<(), reprint::Error>(())
/// ```
pub struct Reducer {
    cfg: Config,
    /// The starts (input, first line) of the slices to come, sorted and distinct, and how
    /// many slices start at each (a slice that owns no line starts where the next does).
    starts: Vec<(u32, u64)>,
    due: Vec<u32>,
    /// Slices come so far at each start.
    came: Vec<u32>,
    /// Stage-1 values of slices come before their turn, by start.
    waiting: Vec<Option<Vec<Stage1Out>>>,
    /// The first start whose slices have not all come.
    next: usize,
    /// Every part come, in the order it came, without its stage-1 values.
    parts: Vec<(usize, Part)>,
    analysed: Analysed,
    chunk: Vec<Stage1Out>,
}

impl Reducer {
    /// A reducer for slices starting at `starts`: each slice's (input, first line), in any
    /// order, once per slice. A part that starts elsewhere, or comes once too often, is an
    /// [`Error::Part`].
    pub fn new(cfg: Config, starts: impl IntoIterator<Item = (u32, u64)>) -> Reducer {
        let mut all: Vec<(u32, u64)> = starts.into_iter().collect();
        all.sort_unstable();
        let mut distinct: Vec<(u32, u64)> = Vec::new();
        let mut due = Vec::new();
        for s in all {
            match distinct.last() {
                Some(&last) if last == s => *due.last_mut().expect("one per start") += 1,
                _ => {
                    distinct.push(s);
                    due.push(1);
                }
            }
        }
        let n = distinct.len();
        Reducer {
            cfg,
            starts: distinct,
            due,
            came: vec![0; n],
            waiting: (0..n).map(|_| None).collect(),
            next: 0,
            parts: Vec::new(),
            analysed: Analysed::default(),
            chunk: Vec::with_capacity(PUSH_CHUNK),
        }
    }

    /// Takes the next part, in any order.
    pub fn add(&mut self, mut part: Part) -> Result<()> {
        let k = self.parts.len();
        let fail = |what: &str| Error::Part {
            part: k,
            message: format!(
                "input {} ({}) line {}: {what}",
                part.input, part.name, part.first_line
            ),
        };
        let start = (part.input, part.first_line);
        let Ok(at) = self.starts.binary_search(&start) else {
            return Err(fail("no slice was due to start there"));
        };
        if self.came[at] == self.due[at] {
            return Err(fail("a part given twice"));
        }
        self.came[at] += 1;
        if !part.stage1.is_empty() {
            if self.waiting[at].is_some() {
                return Err(fail("a part given twice (two with articles start there)"));
            }
            self.waiting[at] = Some(std::mem::take(&mut part.stage1));
        }
        self.parts.push((k, part));
        while self.next < self.starts.len() && self.came[self.next] == self.due[self.next] {
            if let Some(outs) = self.waiting[self.next].take() {
                self.push(outs)?;
            }
            self.next += 1;
        }
        Ok(())
    }

    /// Stage-1 values in input order into the analysis, [`PUSH_CHUNK`] articles at a time.
    fn push(&mut self, outs: Vec<Stage1Out>) -> Result<()> {
        for out in outs {
            self.chunk.push(out);
            if self.chunk.len() == PUSH_CHUNK {
                let full = std::mem::replace(&mut self.chunk, Vec::with_capacity(PUSH_CHUNK));
                self.analysed.push(full, &self.cfg)?;
            }
        }
        Ok(())
    }

    /// The report, once every part has come: the parts must tile their inputs.
    pub fn finish(self) -> Result<(Report, Stats)> {
        self.finish_with(None)
    }

    /// [`Reducer::finish`], with stage 4's band collisions and the pairs stage 6 reads handed
    /// to `workers` (tasks run by an engine, each by [`work`]) instead of done here: the same
    /// report.
    pub fn finish_on(self, workers: &dyn pipeline::Workers) -> Result<(Report, Stats)> {
        self.finish_with(Some(workers))
    }

    fn finish_with(mut self, workers: Option<&dyn pipeline::Workers>) -> Result<(Report, Stats)> {
        let mut parts = std::mem::take(&mut self.parts);
        // A slice that owns no line (a byte range inside one long line) starts where the
        // next does: it sorts first, so that the next still starts where it is due.
        parts.sort_by_key(|(_, p)| (p.input, p.first_line, p.lines));
        check_tiling(&parts)?;
        if self.next < self.starts.len() {
            let at = self.next;
            let (input, line) = self.starts[at];
            return Err(Error::Part {
                part: parts.len(),
                message: format!(
                    "input {input} line {line}: {} of {} parts due there came",
                    self.came[at], self.due[at]
                ),
            });
        }
        let chunk = std::mem::take(&mut self.chunk);
        self.analysed.push(chunk, &self.cfg)?;
        let (corpus, warnings) = join(parts, &self.cfg)?;
        let (analysed, cfg) = (self.analysed, &self.cfg);
        pipeline::scan_analysed_with(&corpus, warnings, analysed, cfg, &NoProgress, workers)
    }
}

/// The distributed scans' kernel for the tasks a reducer hands out ([`Reducer::finish_on`]),
/// told apart by their magic:
///
/// - a stage-4 task ([`crate::tasks::BandTask`]), with `shared` its signature's bytes
///   ([`crate::tasks::BandSignature`], handed out beside it), gives the pairs that first meet
///   in its bands ([`crate::tasks::pairs_to_bytes`]);
/// - a stage-6 task ([`crate::tasks::Task`]) gives the verdicts of its pairs
///   ([`crate::tasks::verdicts_to_bytes`]), as [`pipeline::judge_task`] gives them;
/// - a stage-8 task ([`crate::tasks::AlignTask`]) gives the shared spans of its listed pairs
///   ([`crate::tasks::spans_to_bytes`]), as [`pipeline::align_task`] gives them.
///
/// `cfg` must be the scan's settings, as for the map kernel. Bad bytes are an
/// [`Error::Task`].
///
/// ```
/// use reprint::tasks::{ReadPair, Task, TaskArticle};
/// let story = "The council voted on Tuesday to rebuild the old pier, which storms closed in \
///              March, at a cost of four million pounds spread over three years. Work starts \
///              in the spring, once the harbour board has agreed where the ferries will berth \
///              in the meantime, and the contractor expects the first section to reopen to \
///              walkers before the summer season, the council's leader told reporters.";
/// let article = |article: u32, text: &'static str| TaskArticle {
///     article,
///     text: text.into(),
///     boilerplate: vec![false],
/// };
/// let task = Task {
///     texts: reprint::tasks::Texts {
///         files: vec![],
///         articles: vec![article(4, story), article(9, story)],
///     },
///     pairs: vec![ReadPair {
///         k: 0,
///         a: 4,
///         b: 9,
///         noise: reprint::evidence::Noise::Clean,
///         may_share: true,
///         settled: None,
///     }],
/// };
/// let cfg = reprint::Config::default();
/// let bytes = reprint::parts::work(&task.to_bytes(), None, &cfg)?;
/// let verdicts = reprint::tasks::verdicts_from_bytes(&bytes, 0, 1)?;
/// assert_eq!(verdicts[0].kind, reprint::evidence::Kind::Reprint);
/// # Ok::<(), reprint::Error>(())
/// ```
pub fn work(task: &[u8], shared: Option<&[u8]>, cfg: &Config) -> Result<Vec<u8>> {
    use crate::tasks::{ALIGN_TASK_MAGIC, BAND_TASK_MAGIC, TASK_MAGIC};
    match crate::tasks::stage_of(task) {
        Some(4) => crate::tasks::BandTask::run(task, shared),
        Some(8) => {
            let task = crate::tasks::AlignTask::from_bytes(task)?;
            let spans = pipeline::align_task(&task, cfg)?;
            Ok(crate::tasks::spans_to_bytes(&spans))
        }
        Some(_) => {
            let task = crate::tasks::Task::from_bytes(task)?;
            let verdicts = pipeline::judge_task(&task, cfg)?;
            Ok(crate::tasks::verdicts_to_bytes(&verdicts))
        }
        None => {
            let magic = |m: &[u8]| String::from_utf8_lossy(m).into_owned();
            Err(Error::Task {
                stage: 0,
                task: 0,
                message: format!(
                    "not a reprint task (no {}, {} or {} magic)",
                    magic(&BAND_TASK_MAGIC),
                    magic(&TASK_MAGIC),
                    magic(&ALIGN_TASK_MAGIC)
                ),
            })
        }
    }
}

/// The corpus and warnings of the parts (sorted and tiling), in input order.
fn join(parts: Vec<(usize, Part)>, cfg: &Config) -> Result<(Corpus, Vec<Warning>)> {
    // Whether every slice of each input was blank.
    let mut blank_inputs = std::collections::HashMap::new();
    for (_, p) in &parts {
        *blank_inputs.entry(p.input).or_insert(true) &= p.blank;
    }
    let mut reads = Vec::with_capacity(parts.len());
    // The files texts are read from again, one per input whose parts hold text positions.
    let mut store = TextStore::default();
    let mut stored: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
    for (_, mut p) in parts {
        let blank = blank_inputs[&p.input];
        if p.articles
            .iter()
            .any(|a| matches!(a.body, Body::Line { .. }))
        {
            let number = match stored.get(&p.input) {
                Some(&k) => k,
                None => {
                    let k = store_input(&mut store, &p.name)?;
                    stored.insert(p.input, k);
                    k
                }
            };
            for a in &mut p.articles {
                if let Body::Line { ref mut file, .. } = a.body {
                    *file = number;
                }
            }
        }
        let mut loaded = Loaded {
            warnings: p.warnings,
            bytes: p.bytes,
            malformed: p.malformed as usize,
            ..Loaded::default()
        };
        loaded.corpus.articles = p.articles;
        loaded.sources.push(crate::input::SourceFile {
            name: Arc::from(p.name.as_str()),
            format: crate::config::InputFormat::Jsonl,
            retained: None,
        });
        reads.push((p.input as usize, blank, loaded));
    }
    let mut loaded = crate::input::join_reads(reads, cfg)?;
    loaded.corpus.store = store;
    Ok((loaded.corpus, loaded.warnings))
}

/// Opens the input file `name`, whose texts a part gave as positions, and adds it to `store`
/// (kept open as a scan keeps its JSONL files), returning its number: an [`Error::Io`]
/// naming it when it cannot be opened.
fn store_input(store: &mut TextStore, name: &str) -> Result<u32> {
    let path = std::path::PathBuf::from(name);
    let file = std::fs::File::open(&path).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    Ok(store.add(path, StoredFormat::Jsonl, file))
}

/// Parts sorted by (input, first line) must be inputs 0, 1, … each from line 1, each slice
/// starting where the one before it ended.
fn check_tiling(parts: &[(usize, Part)]) -> Result<()> {
    let fail = |part: usize, message: String| Error::Part { part, message };
    let mut next: Option<(u32, u64)> = None;
    for (k, p) in parts {
        let starts_input = match next {
            None => true,
            Some((input, _)) => p.input != input,
        };
        if starts_input {
            let want = next.map_or(0, |(input, _)| input + 1);
            if p.input != want {
                return Err(fail(
                    *k,
                    format!("input {} follows input {want} missing", p.input),
                ));
            }
            if p.first_line != 1 {
                return Err(fail(
                    *k,
                    format!(
                        "input {} ({}) starts at line {}: the part with its line 1 is missing",
                        p.input, p.name, p.first_line
                    ),
                ));
            }
        } else if p.bytes == 0 {
            // An empty slice holds nothing and may come from anywhere in its input (a range
            // inside the last line, which has no line feed, starts past it).
            continue;
        } else if let Some((_, line)) = next {
            if p.first_line != line {
                return Err(fail(
                    *k,
                    format!(
                        "input {} ({}): a part starts at line {} where line {line} was due \
                         (a part missing or given twice)",
                        p.input, p.name, p.first_line
                    ),
                ));
            }
        }
        next = Some((p.input, p.first_line + p.lines));
    }
    Ok(())
}

impl Part {
    /// Articles in the part.
    pub fn len(&self) -> usize {
        self.articles.len()
    }

    /// True when the slice held no article.
    pub fn is_empty(&self) -> bool {
        self.articles.is_empty()
    }

    /// Counts lines of the slice its maker left blank, because the records it was writing
    /// there as JSONL could not be written (the Python binding's records: a value JSON has no
    /// form for), as malformed lines with these warnings, as a one-machine read of those
    /// records counts them. Each warning's line must be a line of the slice that gave no
    /// article; the part's warnings stay in line order.
    pub fn reject(&mut self, rejected: Vec<Warning>) -> Result<()> {
        let lines = self.first_line..self.first_line.saturating_add(self.lines);
        for w in &rejected {
            let why = if !lines.contains(&w.line) {
                "is outside the slice"
            } else if self.articles.iter().any(|a| a.origin.line == w.line) {
                "gave an article"
            } else {
                continue;
            };
            return Err(Error::Part {
                part: 0,
                message: format!(
                    "input {} ({}) line {}: rejected line {} {why}",
                    self.input, self.name, self.first_line, w.line
                ),
            });
        }
        self.malformed += rejected.len() as u64;
        self.warnings.extend(rejected);
        // Stable: a blank line gives no other warning.
        self.warnings.sort_by_key(|w| w.line);
        Ok(())
    }

    /// The part as bytes: [`MAGIC`], [`VERSION`] (u32), the payload's length (u64) and its
    /// xxh3 checksum (u64), then the payload; integers little-endian.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::framed(0);
        w.u32(self.input);
        w.str(&self.name);
        w.u64(self.first_line);
        w.u64(self.lines);
        w.u8(self.blank as u8);
        w.u64(self.bytes);
        w.u64(self.malformed);
        w.u64(self.warnings.len() as u64);
        for x in &self.warnings {
            w.str(&x.file);
            w.u64(x.line);
            w.str(&x.message);
        }
        w.u64(self.articles.len() as u64);
        for (a, s) in self.articles.iter().zip(&self.stage1) {
            w.str(&a.id);
            w.str(&a.title);
            w.str(&a.source);
            w.str(&a.date);
            w.u64(a.origin.line);
            write_body(&mut w, &a.body);
            w.u64(s.shingles.paragraphs.len() as u64);
            for p in &s.shingles.paragraphs {
                w.u32(p.start);
                w.u32(p.end);
                w.u32(p.first_token);
                w.u32(p.end_token);
                w.u64(p.hash);
                w.u8(p.prose as u8 | (p.cut as u8) << 1);
            }
            w.u32s(&s.shingles.shingles);
            w.u32s(&s.shingles.shingle_ends);
            w.u64(s.runs.len() as u64);
            for r in &s.runs {
                for v in [r.first.0, r.first.1, r.repeat.0, r.repeat.1, r.words] {
                    w.u64(v as u64);
                }
            }
            w.u32s(&s.word_keys);
            w.u32s(&s.sample);
            let (keys, ends) = s.chars.raw();
            w.u64(keys.len() as u64);
            for &k in keys {
                w.0.extend_from_slice(&k.to_le_bytes());
            }
            w.u32s(ends);
            w.u64(s.text_hash);
        }
        w.into_frame(&MAGIC, VERSION)
    }

    /// A part from [`to_bytes`](Self::to_bytes): an [`Error::Part`] (numbered 0; see
    /// [`parts_from_bytes`]) when the bytes are not a part of this version, are damaged, or
    /// hold values that do not fit together.
    pub fn from_bytes(bytes: &[u8]) -> Result<Part> {
        Part::decode(bytes).map_err(|message| Error::Part { part: 0, message })
    }

    fn decode(bytes: &[u8]) -> std::result::Result<Part, String> {
        let payload = wire::unframe(bytes, &MAGIC, VERSION, "a reprint part")?;
        let mut r = Reader { at: 0, b: payload };
        let input = r.u32()?;
        let name = r.string()?;
        let first_line = r.u64()?;
        let lines = r.u64()?;
        let blank = r.bool()?;
        let bytes = r.u64()?;
        let malformed = r.u64()?;
        let n = r.count(8 + 8 + 8)?;
        let mut warnings = Vec::with_capacity(n);
        for _ in 0..n {
            warnings.push(Warning {
                file: r.string()?,
                line: r.u64()?,
                message: r.string()?,
            });
        }
        let file: Arc<str> = Arc::from(name.as_str());
        let n = r.count(8 * 5)?;
        let mut articles = Vec::with_capacity(n);
        let mut stage1 = Vec::with_capacity(n);
        for k in 0..n {
            let id = r.string()?;
            let title = r.string()?;
            let source = r.string()?;
            let date = r.string()?;
            let line = r.u64()?;
            let body = read_body(&mut r)?;
            let np = r.count(4 * 4 + 8 + 1)?;
            let mut paragraphs = Vec::with_capacity(np);
            for _ in 0..np {
                let (start, end) = (r.u32()?, r.u32()?);
                let (first_token, end_token) = (r.u32()?, r.u32()?);
                let hash = r.u64()?;
                let [prose, cut] = r.flags()?;
                paragraphs.push(Paragraph {
                    start,
                    end,
                    first_token,
                    end_token,
                    hash,
                    prose,
                    cut,
                });
            }
            let shingles = r.u32s()?;
            let shingle_ends = r.u32s()?;
            let nr = r.count(8 * 5)?;
            let mut runs = Vec::with_capacity(nr);
            for _ in 0..nr {
                let mut v = [0usize; 5];
                for x in &mut v {
                    *x = usize::try_from(r.u64()?).map_err(|e| e.to_string())?;
                }
                runs.push(RepeatRun {
                    first: (v[0], v[1]),
                    repeat: (v[2], v[3]),
                    words: v[4],
                });
            }
            let word_keys = r.u32s()?;
            let sample = r.u32s()?;
            let nk = r.count(2)?;
            let mut keys = Vec::with_capacity(nk);
            for _ in 0..nk {
                keys.push(u16::from_le_bytes(
                    r.take(2)?.try_into().unwrap_or_default(),
                ));
            }
            let ends = r.u32s()?;
            let text_hash = r.u64()?;
            let out = Stage1Out {
                shingles: ArticleShingles {
                    paragraphs,
                    shingles,
                    shingle_ends,
                },
                runs,
                word_keys,
                sample,
                chars: ParagraphSamples::from_raw(keys, ends),
                text_hash,
            };
            check_article(&body, &out).map_err(|m| format!("article {k} ({id:?}): {m}"))?;
            articles.push(Article {
                id,
                title,
                body,
                source,
                date,
                origin: Origin {
                    file: file.clone(),
                    line,
                },
            });
            stage1.push(out);
        }
        r.end("the last article")?;
        if first_line == 0 {
            return Err("first line 0 (lines are 1-based)".into());
        }
        Ok(Part {
            input,
            name,
            first_line,
            lines,
            blank,
            bytes,
            malformed,
            warnings,
            articles,
            stage1,
        })
    }
}

/// [`Part::from_bytes`] of each of `parts`, the error naming the first bad one's place.
pub fn parts_from_bytes<B: AsRef<[u8]>>(parts: &[B]) -> Result<Vec<Part>> {
    parts
        .iter()
        .enumerate()
        .map(|(k, b)| Part::decode(b.as_ref()).map_err(|message| Error::Part { part: k, message }))
        .collect()
}

/// That the stage-1 values of an article fit its text and each other, so that a part whose
/// checksum was forged or computed over wrong values cannot make a later stage index out of
/// bounds.
///
/// A text given by its position is checked against its length only: its characters are read
/// with the file, and only the map kernel of this build (the part's version) writes spans.
fn check_article(body: &Body, s: &Stage1Out) -> std::result::Result<(), String> {
    let paragraphs = &s.shingles.paragraphs;
    let (text, len) = match body {
        Body::Text(t) => (Some(t.as_str()), t.len()),
        Body::Line { text_len, .. } => (None, *text_len as usize),
        Body::File { .. } => return Err("a whole-file text in a part".into()),
    };
    if text.is_some_and(|t| xxhash_rust::xxh3::xxh3_64(t.as_bytes()) != s.text_hash) {
        return Err("its text's hash is not the text's".into());
    }
    let boundary = |x: usize| text.is_none_or(|t| t.is_char_boundary(x));
    for p in paragraphs {
        let (a, b) = (p.start as usize, p.end as usize);
        if a > b || b > len || !boundary(a) || !boundary(b) {
            return Err(format!("paragraph {a}..{b} is not in its {len}-byte text"));
        }
        if p.first_token > p.end_token {
            return Err("a paragraph's tokens end before they start".into());
        }
    }
    let ends_fit = |ends: &[u32], len: usize, what: &str| {
        let ok = ends.len() == paragraphs.len()
            && ends.windows(2).all(|w| w[0] <= w[1])
            && ends.last().is_none_or(|&e| e as usize <= len);
        match ok {
            true => Ok(()),
            false => Err(format!("{what} ends do not fit its paragraphs")),
        }
    };
    ends_fit(
        &s.shingles.shingle_ends,
        s.shingles.shingles.len(),
        "shingle",
    )?;
    let (keys, ends) = s.chars.raw();
    ends_fit(ends, keys.len(), "character sample")?;
    let n = paragraphs.len();
    if s.runs.iter().any(|r| {
        r.first.0 > r.first.1 || r.repeat.0 > r.repeat.1 || r.first.1 >= n || r.repeat.1 >= n
    }) {
        return Err("a repeat names a paragraph the article does not have".into());
    }
    if !s.word_keys.is_empty() && s.word_keys.len() != pipeline::WORD_LSH.bands {
        return Err(format!(
            "{} word band keys, expected 0 or {}",
            s.word_keys.len(),
            pipeline::WORD_LSH.bands
        ));
    }
    Ok(())
}

/// A text as tag 0 and the text, or as tag 1 and its place in the input's file
/// ([`Body::Line`], the file's number left out: the reducer numbers the files). A part
/// never holds a whole-file text ([`map_jsonl`] reads JSONL); were one there, it is
/// written as tag 2 and its length, which [`read_body`] refuses.
fn write_body(w: &mut Writer, body: &Body) {
    match *body {
        Body::Text(ref s) => {
            w.u8(0);
            w.str(s);
        }
        Body::Line {
            offset,
            len,
            text_len,
            text_at,
            raw_len,
            ..
        } => {
            w.u8(1);
            for v in [offset, len, text_len, text_at, raw_len] {
                w.u64(v);
            }
        }
        Body::File { len, .. } => {
            w.u8(2);
            w.u64(len);
        }
    }
}

/// A text written by [`write_body`].
fn read_body(r: &mut Reader) -> std::result::Result<Body, String> {
    match r.take(1)?[0] {
        0 => Ok(Body::Text(r.string()?)),
        1 => {
            let (offset, len, text_len, text_at, raw_len) =
                (r.u64()?, r.u64()?, r.u64()?, r.u64()?, r.u64()?);
            let fits = text_at.checked_add(raw_len).is_some_and(|end| end <= len)
                && offset.checked_add(len).is_some();
            if !fits {
                return Err(format!(
                    "a text at bytes {text_at}+{raw_len} of a {len}-byte line at {offset}"
                ));
            }
            Ok(Body::Line {
                file: 0,
                offset,
                len,
                text_len,
                text_at,
                raw_len,
            })
        }
        v => Err(format!("byte {} is {v}, not a text's tag", r.at - 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEED: &[u8] = b"{\"id\":\"a\",\"text\":\"The council voted to rebuild the pier.\"}\n\
not json\n\
{\"id\":\"a\",\"text\":\"The council voted to rebuild the pier.\"}\n";

    #[test]
    fn a_part_survives_its_bytes() {
        let cfg = Config::default();
        let part = map_jsonl("f", 0, 1, FEED, &cfg).unwrap();
        let back = Part::from_bytes(&part.to_bytes()).unwrap();
        assert_eq!(back.to_bytes(), part.to_bytes());
        assert_eq!((back.len(), back.lines, back.warnings.len()), (2, 3, 1));
        assert_eq!(lines_of(b"a\nb"), 2);
        assert_eq!(lines_of(b""), 0);
    }

    #[test]
    fn every_flipped_byte_is_an_error() {
        let bytes = map_jsonl("f", 0, 1, FEED, &Config::default())
            .unwrap()
            .to_bytes();
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x20;
            assert!(Part::from_bytes(&bad).is_err(), "byte {i}");
        }
        for n in 0..bytes.len() {
            assert!(Part::from_bytes(&bytes[..n]).is_err(), "{n} bytes");
        }
    }
}
