//! Work of a scan handed out (issue 19): stage 4's band collisions and stage 6's reading, the
//! two stages whose work grows fastest with a feed, cut into tasks that any process of the
//! same build runs ([`crate::parts::work`]) and whose results the reducer puts together
//! ([`crate::pipeline::Workers`]).
//!
//! - **Stage 4** ([`BandTask`]): a range of the bands of a signature, handed out with the
//!   signature's band keys ([`BandSignature`]), which every task of that signature shares
//!   and the engine is given once; the task lists the pairs that first meet in its bands, as
//!   a scan lists them ([`crate::lsh::candidates_first_met_in`]). A pair is listed in the
//!   band where it first meets and nowhere else, so the tasks of a cutting of the bands list
//!   disjoint pairs whose union is the scan's. The word and character signatures carry
//!   every article's character sample and noise too ([`SampleRoute`]), and their tasks send
//!   back only the pairs the route keeps on them ([`crate::evidence::keep_on_samples`]), a
//!   test of one pair at a time: at 1M generated articles 1.9 M of the 72 M pairs the
//!   character signature lists.
//! - **Stage 6** ([`Task`]): stage 6 judges most pairs from their shingle sets alone; the
//!   rest it judges from their texts, the costliest stage of a scan. A task carries what
//!   judging needs and nothing of the rest of the scan: its pairs with what the reducer knows
//!   of each ([`ReadPair`]), and each article's text, or where the worker reads it in an
//!   input file the task names ([`TaskText`]), and boilerplate mask ([`TaskArticle`]). It
//!   returns one [`Evidence`] per pair, in the task's order.
//!
//! Invariants:
//!
//! - a verdict depends only on its pair, and a pair's listing only on its articles' keys,
//!   never on the task it is in nor on the task's other pairs, so the report is the same
//!   bytes however the work is cut
//! - tasks and their results cross processes as framed bytes (`wire.rs`: magics
//!   [`TASK_MAGIC`], [`VERDICTS_MAGIC`], [`BAND_TASK_MAGIC`], [`SIGNATURE_MAGIC`],
//!   [`PAIRS_MAGIC`], format [`VERSION`]); damaged or foreign bytes, keys that do not fit
//!   their articles, samples out of order, a stage-4 task given another signature than its
//!   own, a pair naming an article its task does not carry, or results that are not one per
//!   pair or not sorted pairs of the task's articles, are an [`Error::Task`], never a panic
//!   or another report

use std::borrow::Cow;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use crate::align::SharedSpan;
use crate::corpus::{Body, Origin, StoredFormat, TextStore};
use crate::error::{Error, Result};
use crate::evidence::{CharSample, Evidence, Kind, Measure, Noise, RouteShare, Samples};
use crate::wire::{self, Reader, Writer};

/// The first bytes of a task.
pub const TASK_MAGIC: [u8; 8] = *b"RPRTTASK";
/// The first bytes of a task's verdicts.
pub const VERDICTS_MAGIC: [u8; 8] = *b"RPRTVERD";
/// The first bytes of a stage-4 task.
pub const BAND_TASK_MAGIC: [u8; 8] = *b"RPRTBAND";
/// The first bytes of a stage-4 task's pairs.
pub const PAIRS_MAGIC: [u8; 8] = *b"RPRTPAIR";
/// The first bytes of a signature's band keys, shared by its stage-4 tasks.
pub const SIGNATURE_MAGIC: [u8; 8] = *b"RPRTSIGN";
/// Magic of a stage-8 task ([`AlignTask`]).
pub const ALIGN_TASK_MAGIC: [u8; 8] = *b"RPRTALGN";
/// Magic of an [`AlignTask`]'s result, each pair's shared spans ([`spans_to_bytes`]).
pub const SPANS_MAGIC: [u8; 8] = *b"RPRTSPAN";
/// The format's version. Verdicts change with the detection code, so tasks are for one run
/// of one build, not for keeping.
/// Version 2: a signature carries its route's character samples ([`SampleRoute`]).
/// Version 3: a signature's lists of numbers (keys, leads' keys, samples) come first, so
/// that they start a multiple of four bytes from the frame's start and a task reads them in
/// place ([`BandSignature`]).
/// Version 4: a stage-6 task names input files and gives a text by its place in one
/// ([`TaskText::Stored`]); stage-8 tasks ([`AlignTask`]).
pub const VERSION: u32 = 4;

/// The stage a handed-out task is of, by its magic: 4 for a [`BandTask`] (band collisions),
/// 6 for a [`Task`] (reading), 8 for an [`AlignTask`], `None` for bytes that are none. The distributed scans'
/// kernel dispatches on it ([`crate::parts::work`]), and an engine's error names it.
pub fn stage_of(task: &[u8]) -> Option<u8> {
    if task.starts_with(&BAND_TASK_MAGIC) {
        Some(4)
    } else if task.starts_with(&TASK_MAGIC) {
        Some(6)
    } else if task.starts_with(&ALIGN_TASK_MAGIC) {
        Some(8)
    } else {
        None
    }
}

/// Pairs of stage 6 to judge from their texts, with those texts or where they are. Decoded
/// from bytes ([`Task::from_bytes`]), its texts are read where the bytes are, not copied.
/// The texts of a scan's JSONL and text files are not carried: the task names the files, and
/// the worker reads each text at its place ([`TaskText::Stored`]), as the reducer would have
/// (at 1M generated articles stage 6's tasks were 1,996 MB carrying their texts, 87 MB
/// giving their places: `benches/results/ray-places-2026-12-08.md`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Task<'a> {
    /// The articles the pairs name, and their texts.
    pub texts: Texts<'a>,
    pub pairs: Vec<ReadPair>,
}

/// The articles a task names, each with its text or the place of its text in one of the
/// task's files: a stage-6 [`Task`]'s and a stage-8 [`AlignTask`]'s.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Texts<'a> {
    /// The input files [`TaskText::Stored`] texts are read from, numbered by place.
    pub files: Vec<TaskFile>,
    /// The articles, sorted by number, each once.
    pub articles: Vec<TaskArticle<'a>>,
}

/// An input file a [`Task`] reads texts from: where the worker opens it (the path the
/// reducer read it at; a distributed scan's map tasks read its inputs at these paths too),
/// how its texts are stored, and its name in messages (the input as the user named it).
#[derive(Clone, Debug, PartialEq)]
pub struct TaskFile {
    pub path: PathBuf,
    pub format: StoredFormat,
    pub name: String,
}

/// An article of a [`Task`]: its number in the scan, its text, and which of its paragraphs
/// (stage 1's, which the judge finds again in the text) are boilerplate.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TaskArticle<'a> {
    pub article: u32,
    pub text: TaskText<'a>,
    pub boilerplate: Vec<bool>,
}

/// A [`TaskArticle`]'s text: carried by the task, or at its place in one of the task's files.
#[derive(Clone, Debug, PartialEq)]
pub enum TaskText<'a> {
    Given(Cow<'a, str>),
    /// `body` (a [`Body::Line`] or [`Body::File`], its file numbered among
    /// [`Texts::files`]) of the article at `line` of its file, read as the reducer's corpus
    /// reads it ([`TextStore::text`]): a file changed since is an [`Error::Reread`] naming
    /// the file and line.
    Stored {
        body: Body,
        line: u64,
    },
}

impl Default for TaskText<'_> {
    fn default() -> Self {
        TaskText::Given(Cow::Borrowed(""))
    }
}

impl<'a> From<&'a str> for TaskText<'a> {
    fn from(text: &'a str) -> Self {
        TaskText::Given(Cow::Borrowed(text))
    }
}

/// A pair stage 6 reads, with what is known of it before its texts are read.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadPair {
    /// The pair's place among the verified pairs (the reducer's, for errors).
    pub k: u32,
    pub a: u32,
    pub b: u32,
    pub noise: Noise,
    /// Whether the two articles' character samples share enough for character evidence to
    /// find anything ([`crate::evidence::CharSample::may_share`]).
    pub may_share: bool,
    /// The verdict the shingle sets give, when they give one that character evidence may
    /// still raise; else the words are read.
    pub settled: Option<Evidence>,
}

impl<'a> Texts<'a> {
    /// The article `article`'s place in [`Texts::articles`].
    pub fn find(&self, article: usize) -> Option<&TaskArticle<'a>> {
        self.articles
            .binary_search_by_key(&article, |a| a.article as usize)
            .ok()
            .map(|i| &self.articles[i])
    }

    /// The article `article`, which a task of `stage` must carry: an [`Error::Task`] when it
    /// does not.
    pub fn article(&self, article: usize, stage: u8) -> Result<&TaskArticle<'a>> {
        self.find(article).ok_or_else(|| Error::Task {
            stage,
            task: 0,
            message: format!("no article {article} in the task"),
        })
    }

    /// Why pair `k` of articles `a` and `b` cannot be a pair of this task (the same article
    /// twice, or one the task does not carry), if it cannot.
    fn check_pair(&self, k: u32, a: u32, b: u32) -> std::result::Result<(), String> {
        if a == b {
            return Err(format!("pair {k} is article {a} with itself"));
        }
        match [a, b]
            .into_iter()
            .find(|&x| self.find(x as usize).is_none())
        {
            Some(x) => Err(format!("pair {k} names article {x}, which it lacks")),
            None => Ok(()),
        }
    }

    /// The store of [`Texts::files`], each opened: what [`Texts::text`] reads from. A file
    /// that cannot be opened is an [`Error::Io`] naming it.
    pub fn store(&self) -> Result<TextStore> {
        TextStore::open(self.files.iter().map(|f| (f.path.clone(), f.format)))
    }

    /// The text of `article`, read from `store` ([`Texts::store`]) when the task gives its
    /// place.
    pub fn text<'s>(
        &'s self,
        article: &'s TaskArticle<'a>,
        store: &TextStore,
    ) -> Result<Cow<'s, str>> {
        match &article.text {
            TaskText::Given(text) => Ok(Cow::Borrowed(text)),
            TaskText::Stored { body, line } => {
                // A body held in memory names no file (a task made by hand may hold one).
                let name = match body {
                    Body::Line { file, .. } | Body::File { file, .. } => {
                        self.files.get(*file as usize).map(|f| f.name.as_str())
                    }
                    Body::Text(_) => Some(""),
                }
                .ok_or_else(|| Error::Task {
                    stage: 0,
                    task: 0,
                    message: format!(
                        "article {}'s text is in a file the task does not name",
                        article.article
                    ),
                })?;
                let origin = Origin {
                    file: name.into(),
                    line: *line,
                };
                store.text(body, &origin)
            }
        }
    }

    /// Writes the files and articles (for [`Texts::read`]).
    fn write(&self, w: &mut Writer) {
        w.u64(self.files.len() as u64);
        for f in &self.files {
            w.u64(f.path.as_os_str().len() as u64);
            w.0.extend_from_slice(f.path.as_os_str().as_bytes());
            w.u8(match f.format {
                StoredFormat::Jsonl => 0,
                StoredFormat::Text => 1,
            });
            w.str(&f.name);
        }
        w.u64(self.articles.len() as u64);
        for a in &self.articles {
            w.u32(a.article);
            match &a.text {
                TaskText::Stored {
                    body:
                        Body::Line {
                            file,
                            offset,
                            len,
                            text_len,
                            text_at,
                            raw_len,
                        },
                    line,
                } => {
                    w.u8(1);
                    w.u32(*file);
                    for v in [offset, len, text_len, text_at, raw_len, line] {
                        w.u64(*v);
                    }
                }
                TaskText::Stored {
                    body: Body::File { file, len },
                    line,
                } => {
                    w.u8(2);
                    w.u32(*file);
                    w.u64(*len);
                    w.u64(*line);
                }
                TaskText::Given(text) => {
                    w.u8(0);
                    w.str(text);
                }
                // A body held in memory, which a task made by hand may give as stored.
                TaskText::Stored {
                    body: Body::Text(text),
                    ..
                } => {
                    w.u8(0);
                    w.str(text);
                }
            }
            w.u64(a.boilerplate.len() as u64);
            w.0.extend(a.boilerplate.iter().map(|&b| b as u8));
        }
    }

    /// The files and articles [`Texts::write`] wrote.
    fn read(r: &mut Reader<'a>) -> std::result::Result<Texts<'a>, String> {
        let n = r.count(8 + 1 + 8)?;
        let mut files = Vec::with_capacity(n);
        for _ in 0..n {
            let len = r.count(1)?;
            let path = PathBuf::from(std::ffi::OsStr::from_bytes(r.take(len)?));
            let format = match r.take(1)?[0] {
                0 => StoredFormat::Jsonl,
                1 => StoredFormat::Text,
                v => return Err(format!("{v} is not a stored file's format")),
            };
            let name = r.string()?;
            files.push(TaskFile { path, format, name });
        }
        let n = r.count(4 + 1 + 8)?;
        let mut articles: Vec<TaskArticle<'a>> = Vec::with_capacity(n);
        for _ in 0..n {
            let article = r.u32()?;
            if articles.last().is_some_and(|l| l.article >= article) {
                return Err(format!("article {article} out of order or given twice"));
            }
            let kind = r.take(1)?[0];
            let text = if kind == 0 {
                TaskText::Given(Cow::Borrowed(r.str_in_place()?))
            } else {
                let file = r.u32()?;
                if file as usize >= files.len() {
                    return Err(format!(
                        "article {article}'s text is in file {file} of {}",
                        files.len()
                    ));
                }
                let body = match kind {
                    1 => {
                        let mut v = [0u64; 5];
                        for x in &mut v {
                            *x = r.u64()?;
                        }
                        let [offset, len, text_len, text_at, raw_len] = v;
                        Body::Line {
                            file,
                            offset,
                            len,
                            text_len,
                            text_at,
                            raw_len,
                        }
                    }
                    2 => Body::File {
                        file,
                        len: r.u64()?,
                    },
                    v => return Err(format!("{v} is not a kind of text")),
                };
                TaskText::Stored {
                    body,
                    line: r.u64()?,
                }
            };
            let np = r.count(1)?;
            let boilerplate = (0..np)
                .map(|_| r.bool())
                .collect::<std::result::Result<_, _>>()?;
            articles.push(TaskArticle {
                article,
                text,
                boilerplate,
            });
        }
        Ok(Texts { files, articles })
    }
}

impl<'a> Task<'a> {
    /// The task as framed bytes ([`TASK_MAGIC`], [`VERSION`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::framed(0);
        self.texts.write(&mut w);
        w.u64(self.pairs.len() as u64);
        for p in &self.pairs {
            w.u32(p.k);
            w.u32(p.a);
            w.u32(p.b);
            w.u8(noise_code(p.noise));
            w.u8(p.may_share as u8);
            match &p.settled {
                None => w.u8(0),
                Some(e) => {
                    w.u8(1);
                    write_evidence(&mut w, e);
                }
            }
        }
        w.into_frame(&TASK_MAGIC, VERSION)
    }

    /// A task from [`Task::to_bytes`]: an [`Error::Task`] (numbered 0) when the bytes are
    /// not a task of this version, are damaged, or name articles it does not carry.
    pub fn from_bytes(bytes: &'a [u8]) -> Result<Task<'a>> {
        Task::decode(bytes).map_err(|message| Error::Task {
            stage: 6,
            task: 0,
            message,
        })
    }

    fn decode(bytes: &'a [u8]) -> std::result::Result<Task<'a>, String> {
        let payload = wire::unframe(bytes, &TASK_MAGIC, VERSION, "a reprint task")?;
        let mut r = Reader { at: 0, b: payload };
        let texts = Texts::read(&mut r)?;
        let n = r.count(4 * 3 + 3)?;
        let mut pairs = Vec::with_capacity(n);
        for _ in 0..n {
            let (k, a, b) = (r.u32()?, r.u32()?, r.u32()?);
            let noise = noise_of_code(r.take(1)?[0])?;
            let may_share = r.bool()?;
            let settled = match r.bool()? {
                false => None,
                true => Some(read_evidence(&mut r)?),
            };
            pairs.push(ReadPair {
                k,
                a,
                b,
                noise,
                may_share,
                settled,
            });
        }
        r.end("the last pair")?;
        let task = Task { texts, pairs };
        for p in &task.pairs {
            task.texts.check_pair(p.k, p.a, p.b)?;
        }
        Ok(task)
    }
}

/// Listed pairs of stage 8 to align, with their articles' texts or where they are
/// ([`Texts`]): the shared spans of each pair ([`crate::align::shared_spans_oriented`]), in
/// the task's order ([`spans_to_bytes`]). A hub's pairs come together, so the worker indexes
/// a hub once for all of them, as a scan does.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AlignTask<'a> {
    /// The articles the pairs name, and their texts (no boilerplate masks).
    pub texts: Texts<'a>,
    pub pairs: Vec<AlignPair>,
}

/// A listed pair as stage 8 aligns it: from the side of `hub`, the article it indexes (the
/// canonical, where one side is), against `other`; `hub_is_a` whether the hub is the pair's
/// first article, so that the spans are given as (first, second).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AlignPair {
    pub hub: u32,
    pub other: u32,
    pub hub_is_a: bool,
}

impl<'a> AlignTask<'a> {
    /// The task as framed bytes ([`ALIGN_TASK_MAGIC`], [`VERSION`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::framed(0);
        self.texts.write(&mut w);
        w.u64(self.pairs.len() as u64);
        for p in &self.pairs {
            w.u32(p.hub);
            w.u32(p.other);
            w.u8(p.hub_is_a as u8);
        }
        w.into_frame(&ALIGN_TASK_MAGIC, VERSION)
    }

    /// A task from [`AlignTask::to_bytes`]: an [`Error::Task`] of stage 8 when the bytes
    /// are not such a task of this version, are damaged, or name articles it does not carry.
    pub fn from_bytes(bytes: &'a [u8]) -> Result<AlignTask<'a>> {
        let decode = || -> std::result::Result<AlignTask<'a>, String> {
            let payload =
                wire::unframe(bytes, &ALIGN_TASK_MAGIC, VERSION, "a reprint stage-8 task")?;
            let mut r = Reader { at: 0, b: payload };
            let texts = Texts::read(&mut r)?;
            let n = r.count(4 + 4 + 1)?;
            let mut pairs = Vec::with_capacity(n);
            for k in 0..n {
                let (hub, other, hub_is_a) = (r.u32()?, r.u32()?, r.bool()?);
                texts.check_pair(k as u32, hub, other)?;
                pairs.push(AlignPair {
                    hub,
                    other,
                    hub_is_a,
                });
            }
            r.end("the last pair")?;
            Ok(AlignTask { texts, pairs })
        };
        decode().map_err(|message| Error::Task {
            stage: 8,
            task: 0,
            message,
        })
    }
}

/// An [`AlignTask`]'s result: each pair's shared spans, in the task's order, as framed bytes
/// ([`SPANS_MAGIC`]).
pub fn spans_to_bytes(spans: &[Vec<SharedSpan>]) -> Vec<u8> {
    let numbers = |x: &SharedSpan| [x.a.0, x.a.1, x.b.0, x.b.1, x.words];
    // Offsets in an article are below 4 GiB (`Config::max_article_bytes`), so four bytes a
    // number, half the bytes; eight if a number is not.
    let wide = spans
        .iter()
        .flatten()
        .any(|x| numbers(x).iter().any(|&v| v > u32::MAX as usize));
    let mut w = Writer::framed(0);
    w.u64(spans.len() as u64);
    w.u8(if wide { 8 } else { 4 });
    for pair in spans {
        w.u64(pair.len() as u64);
        for x in pair {
            for v in numbers(x) {
                if wide {
                    w.u64(v as u64);
                } else {
                    w.u32(v as u32);
                }
            }
        }
    }
    w.into_frame(&SPANS_MAGIC, VERSION)
}

/// The spans [`spans_to_bytes`] wrote for task `task` of `pairs` pairs: an [`Error::Task`]
/// of stage 8 naming the task when they are damaged, not one list per pair, or a span ends
/// before it starts.
pub fn spans_from_bytes(bytes: &[u8], task: usize, pairs: usize) -> Result<Vec<Vec<SharedSpan>>> {
    let decode = || -> std::result::Result<Vec<Vec<SharedSpan>>, String> {
        let payload = wire::unframe(bytes, &SPANS_MAGIC, VERSION, "a stage-8 task's spans")?;
        let mut r = Reader { at: 0, b: payload };
        let n = r.count(8)?;
        if n != pairs {
            return Err(format!("{n} lists of spans for the task's {pairs} pairs"));
        }
        let wide = match r.take(1)?[0] {
            4 => false,
            8 => true,
            v => return Err(format!("spans of {v}-byte numbers")),
        };
        let mut out = Vec::with_capacity(n);
        for k in 0..n {
            let m = r.count(5 * if wide { 8 } else { 4 })?;
            let mut pair = Vec::with_capacity(m);
            for _ in 0..m {
                let mut v = [0usize; 5];
                for x in &mut v {
                    let number = if wide { r.u64()? } else { u64::from(r.u32()?) };
                    *x = usize::try_from(number).map_err(|_| "a span past memory".to_string())?;
                }
                let [a0, a1, b0, b1, words] = v;
                if a0 > a1 || b0 > b1 {
                    return Err(format!("pair {k} has a span that ends before it starts"));
                }
                pair.push(SharedSpan {
                    a: (a0, a1),
                    b: (b0, b1),
                    words,
                });
            }
            out.push(pair);
        }
        r.end("the last pair")?;
        Ok(out)
    };
    decode().map_err(|message| Error::Task {
        stage: 8,
        task,
        message,
    })
}

/// A task's verdicts, one per pair in its order, as framed bytes ([`VERDICTS_MAGIC`]).
pub fn verdicts_to_bytes(verdicts: &[Evidence]) -> Vec<u8> {
    let mut w = Writer::framed(0);
    w.u64(verdicts.len() as u64);
    for e in verdicts {
        write_evidence(&mut w, e);
    }
    w.into_frame(&VERDICTS_MAGIC, VERSION)
}

/// The verdicts of task number `task` (for the error) of `pairs` pairs, from
/// [`verdicts_to_bytes`].
pub fn verdicts_from_bytes(bytes: &[u8], task: usize, pairs: usize) -> Result<Vec<Evidence>> {
    let decode = || -> std::result::Result<Vec<Evidence>, String> {
        let payload = wire::unframe(bytes, &VERDICTS_MAGIC, VERSION, "a task's verdicts")?;
        let mut r = Reader { at: 0, b: payload };
        let n = r.count(1)?;
        if n != pairs {
            return Err(format!("{n} verdicts for the task's {pairs} pairs"));
        }
        let v = (0..n)
            .map(|_| read_evidence(&mut r))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        r.end("the last verdict")?;
        Ok(v)
    };
    decode().map_err(|message| Error::Task {
        stage: 6,
        task,
        message,
    })
}

/// A signature's band keys for stage 4's collisions, shared by the tasks of its ranges of
/// bands ([`BandTask`]) and handed to the engine once for all of them: the band keys of every
/// article ([`crate::lsh::band_keys`], article after article), which articles have a
/// signature, the leads' keys where the signature has leads, and how many bands a pair must
/// meet in ([`Need`]). A pair's listing needs its articles' keys in every band (it is listed
/// in the first band where they meet, once they meet often enough), so each task of the
/// signature reads all of it, and only its range of bands is its own.
///
/// Decoded from bytes ([`BandSignature::from_bytes`]), its keys are read where the bytes are
/// when they can be (a buffer aligned for `u32` on a little-endian machine), not copied: a
/// task of the character signature holds half a gigabyte of keys at 1M articles, and an
/// engine that shares one buffer among its workers (Ray's object store) then holds them once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BandSignature<'a> {
    /// Band keys per article.
    pub bands: u32,
    pub keys: Cow<'a, [u32]>,
    pub active: Vec<bool>,
    /// The leads' band keys and which articles have a lead ([`crate::lsh::Leads`]).
    pub leads: Option<(Cow<'a, [u32]>, Vec<bool>)>,
    pub need: Need,
    /// What a pair listed must share of its character samples, for a route that asks it
    /// (the word and character signatures): so a task sends back the pairs the route keeps,
    /// not every pair its bands list.
    pub samples: Option<SampleRoute<'a>>,
}

/// Every article's character sample, which articles are noisy, and what the route asks of a
/// pair's samples ([`crate::evidence::keep_on_samples`]). The samples are one list of keys,
/// each article's a run of it, read where a task's bytes are when they can be.
#[derive(Clone, Debug, PartialEq)]
pub struct SampleRoute<'a> {
    /// Where each article's keys start in `keys`, and where the last one's end: one more
    /// than the articles.
    pub starts: Vec<u32>,
    /// Every article's sampled keys ([`CharSample::keys`]), one article after another.
    pub keys: Cow<'a, [u16]>,
    pub noisy: Vec<bool>,
    pub share: RouteShare,
}

impl SampleRoute<'static> {
    /// The route of `samples`, one per article.
    pub fn of(samples: &[CharSample], noisy: Vec<bool>, share: RouteShare) -> Self {
        let mut starts = Vec::with_capacity(samples.len() + 1);
        let mut keys = Vec::new();
        starts.push(0);
        for s in samples {
            keys.extend_from_slice(s.keys());
            starts.push(keys.len() as u32);
        }
        SampleRoute {
            starts,
            keys: keys.into(),
            noisy,
            share,
        }
    }
}

impl SampleRoute<'_> {
    /// Every article's sample.
    pub fn samples(&self) -> Samples<'_> {
        Samples::Runs {
            starts: &self.starts,
            keys: &self.keys,
        }
    }
}

/// A stage-4 task: a range of the bands of the signature whose bytes
/// ([`BandSignature::to_bytes`]) hash to `signature`, handed out beside it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BandTask {
    /// The bands whose buckets this task opens.
    pub range: std::ops::Range<u32>,
    /// The xxh3 hash of the signature's bytes, so that a task given another signature
    /// refuses it.
    pub signature: u64,
}

/// How many bands two articles must meet in to be listed: `noisy` for a pair with a noisy
/// side (`noisy_articles`; none when empty), `clean` for the others.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Need {
    pub clean: u32,
    pub noisy: u32,
    pub noisy_articles: Vec<bool>,
}

impl Need {
    /// The bands `a` and `b` must meet in.
    pub fn of(&self, a: u32, b: u32) -> usize {
        let noisy = |x: u32| {
            self.noisy_articles
                .get(x as usize)
                .copied()
                .unwrap_or(false)
        };
        match noisy(a) || noisy(b) {
            true => self.noisy as usize,
            false => self.clean as usize,
        }
    }
}

impl<'a> BandSignature<'a> {
    /// Articles of the signature.
    pub fn articles(&self) -> usize {
        self.active.len()
    }

    /// The signature's parts, borrowed ([`SignatureParts`]).
    pub fn parts(&self) -> SignatureParts<'_> {
        SignatureParts {
            bands: self.bands as usize,
            keys: &self.keys,
            active: &self.active,
            leads: self
                .leads
                .as_ref()
                .map(|(keys, active)| crate::lsh::Leads { keys, active }),
            need: std::borrow::Cow::Borrowed(&self.need),
            samples: self
                .samples
                .as_ref()
                .map(|r| (r.samples(), r.noisy.as_slice(), r.share)),
        }
    }

    /// The pairs that first meet in the bands of `range` (within the signature's bands)
    /// and that its route keeps, sorted and unique ([`SignatureParts::collide`]).
    pub fn collide(&self, range: std::ops::Range<u32>) -> Vec<(u32, u32)> {
        self.parts()
            .collide(range.start as usize..range.end as usize)
    }

    /// The signature as framed bytes ([`SIGNATURE_MAGIC`], [`VERSION`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.parts().to_bytes()
    }

    /// A signature from [`BandSignature::to_bytes`]: an [`Error::Task`] (stage 4, numbered 0)
    /// when the bytes are not a signature of this version, are damaged, or their keys do not
    /// fit their articles and bands.
    pub fn from_bytes(bytes: &'a [u8]) -> Result<BandSignature<'a>> {
        BandSignature::decode(bytes).map_err(|message| Error::Task {
            stage: 4,
            task: 0,
            message,
        })
    }

    fn decode(bytes: &'a [u8]) -> std::result::Result<BandSignature<'a>, String> {
        let payload = wire::unframe(bytes, &SIGNATURE_MAGIC, VERSION, "a reprint signature")?;
        let mut r = Reader { at: 0, b: payload };
        let bands = r.u32()?;
        let keys = r.words_in_place()?;
        let lead_keys = r.words_in_place()?;
        let lengths: Cow<'_, [u32]> = r.words_in_place()?;
        let sample_keys: Cow<'a, [u16]> = r.words_in_place()?;
        let active = r.bools()?;
        let leads = match r.bool()? {
            false if lead_keys.is_empty() => None,
            false => return Err(format!("{} lead keys and no leads", lead_keys.len())),
            true => Some((lead_keys, r.bools()?)),
        };
        let need = Need {
            clean: r.u32()?,
            noisy: r.u32()?,
            noisy_articles: r.bools()?,
        };
        let samples = match r.bool()? {
            false if lengths.is_empty() && sample_keys.is_empty() => None,
            false => return Err("samples and no route".into()),
            true => {
                let noisy = r.bools()?;
                let share = |x: u64| {
                    let v = f64::from_bits(x);
                    match (0.0..=1.0).contains(&v) {
                        true => Ok(v),
                        false => Err(format!("a share of {v}")),
                    }
                };
                let noisy_share = share(r.u64()?)?;
                let clean = match r.bool()? {
                    false => None,
                    true => Some(share(r.u64()?)?),
                };
                let total: u64 = lengths.iter().map(|&l| u64::from(l)).sum();
                if total != sample_keys.len() as u64 || total > u64::from(u32::MAX) {
                    return Err(format!(
                        "samples of {total} keys in all, {} given",
                        sample_keys.len()
                    ));
                }
                let mut starts = Vec::with_capacity(lengths.len() + 1);
                let mut at = 0u32;
                starts.push(at);
                for (k, &l) in lengths.iter().enumerate() {
                    let run = &sample_keys[at as usize..(at + l) as usize];
                    if !CharSample::holds(run) {
                        return Err(format!("article {k}'s sample is not sorted keys"));
                    }
                    at += l;
                    starts.push(at);
                }
                Some(SampleRoute {
                    starts,
                    keys: sample_keys,
                    noisy,
                    share: RouteShare {
                        noisy: noisy_share,
                        clean,
                    },
                })
            }
        };
        r.end("the signature")?;
        let n = active.len();
        if bands == 0 || n >= 1 << 31 {
            return Err(format!("{bands} bands of {n} articles"));
        }
        let fits = |keys: &[u32], active: &[bool]| {
            active.len() == n && keys.len() as u64 == n as u64 * u64::from(bands)
        };
        if !fits(&keys, &active) {
            return Err(format!(
                "{} keys for {n} articles of {bands} bands",
                keys.len()
            ));
        }
        if let Some((k, a)) = &leads {
            if !fits(k, a) {
                return Err(format!(
                    "{} lead keys and {} leads for {n} articles of {bands} bands",
                    k.len(),
                    a.len()
                ));
            }
        }
        let told = need.noisy_articles.len();
        if need.clean == 0 || need.noisy == 0 || !(told == 0 || told == n) {
            return Err(format!(
                "a need of {} and {} bands, noise told for {told} of {n} articles",
                need.clean, need.noisy,
            ));
        }
        if let Some(route) = &samples {
            if route.samples().len() != n || route.noisy.len() != n {
                return Err(format!(
                    "{} samples and noise told for {} of {n} articles",
                    route.samples().len(),
                    route.noisy.len()
                ));
            }
        }
        Ok(BandSignature {
            bands,
            keys,
            active,
            leads,
            need,
            samples,
        })
    }
}

/// A stage-4 signature's parts, borrowed: the reducer's, from stage 3's keys, encoded
/// without a copy of its keys first, or a task's, from its [`BandSignature`]. Both list and
/// test their pairs here, so a scan on one machine and its tasks elsewhere give the same.
#[derive(Clone, Debug)]
pub struct SignatureParts<'a> {
    pub bands: usize,
    pub keys: &'a [u32],
    pub active: &'a [bool],
    pub leads: Option<crate::lsh::Leads<'a>>,
    pub need: std::borrow::Cow<'a, Need>,
    /// Every article's character sample and noise, and what the route asks of a pair's
    /// samples ([`crate::evidence::keep_on_samples`]); `None` for a route that asks nothing.
    pub samples: Option<(Samples<'a>, &'a [bool], RouteShare)>,
}

impl<'a> SignatureParts<'a> {
    /// The pairs that first meet in the bands of `range` ([`crate::lsh::candidates_first_met_in`])
    /// and that the route keeps on their samples, sorted and unique.
    pub fn collide(&self, range: std::ops::Range<usize>) -> Vec<(u32, u32)> {
        let pairs = crate::lsh::candidates_first_met_in(
            self.keys,
            self.bands,
            self.active,
            self.leads,
            |a, b| self.need.of(a, b),
            range,
        );
        match self.samples {
            None => pairs,
            Some((samples, noisy, share)) => {
                crate::evidence::keep_on_samples(&pairs, samples, noisy, share)
            }
        }
    }

    /// The route's samples, or none for a route that asks nothing of them.
    fn sampled(&self) -> Samples<'a> {
        self.samples
            .map_or(Samples::Each(&[]), |(samples, ..)| samples)
    }

    /// The length of the payload [`SignatureParts::to_bytes`] writes, so that it is written
    /// into one allocation of its size (growing a vector of 0.7 GB copies it).
    fn payload_len(&self) -> usize {
        let bools = |v: &[bool]| 8 + v.len();
        let u32s = |n: usize| 8 + 4 * n;
        let leads = u32s(self.leads.map_or(0, |l| l.keys.len()))
            + self.leads.map_or(0, |l| bools(l.active));
        let samples = self.sampled();
        let route = self.samples.map_or(0, |(_, noisy, share)| {
            bools(noisy) + 8 + 1 + 8 * usize::from(share.clean.is_some())
        });
        4 + u32s(self.keys.len())
            + u32s(samples.len())
            + 8
            + 2 * samples.total_keys()
            + bools(self.active)
            + 1
            + leads
            + 4
            + 4
            + bools(&self.need.noisy_articles)
            + 1
            + route
    }

    /// The length of [`SignatureParts::to_bytes`].
    pub fn framed_len(&self) -> usize {
        wire::HEADER_BYTES + self.payload_len()
    }

    /// [`BandSignature::to_bytes`] of the signature.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.write(Writer::framed(self.payload_len()))
    }

    /// [`SignatureParts::to_bytes`] written into `out`, of [`SignatureParts::framed_len`]
    /// bytes (a buffer of another size holds bytes that read as truncated or padded).
    pub fn write_into(&self, out: &mut [u8]) {
        self.write(Writer::framed_into(out));
    }

    fn write<O: wire::Out>(&self, mut w: Writer<O>) -> O {
        // The lists of numbers first: the keys, the leads' keys (none without leads), the
        // samples' lengths and keys (none without a route), each starting a multiple of four
        // bytes from the frame's start, where a task reads them in place. The samples are
        // written from the samples, with no vector of the lengths or the keys first (at 1M
        // articles they would be 180 MB beside the bytes).
        w.u32(self.bands as u32);
        w.u32s(self.keys);
        w.u32s(self.leads.map_or(&[], |l| l.keys));
        let samples = self.sampled();
        let each = 0..samples.len();
        w.words_of(
            samples.len(),
            each.clone().map(|i| samples.keys(i).len() as u32),
        );
        w.words_of(
            samples.total_keys(),
            each.flat_map(|i| samples.keys(i)).copied(),
        );
        w.bools(self.active);
        match self.leads {
            None => w.u8(0),
            Some(l) => {
                w.u8(1);
                w.bools(l.active);
            }
        }
        w.u32(self.need.clean);
        w.u32(self.need.noisy);
        w.bools(&self.need.noisy_articles);
        match self.samples {
            None => w.u8(0),
            Some((_, noisy, share)) => {
                w.u8(1);
                w.bools(noisy);
                w.u64(share.noisy.to_bits());
                match share.clean {
                    None => w.u8(0),
                    Some(s) => {
                        w.u8(1);
                        w.u64(s.to_bits());
                    }
                }
            }
        }
        w.into_frame(&SIGNATURE_MAGIC, VERSION)
    }
}

impl BandTask {
    /// The task of the bands `range` of `signature` (its bytes).
    pub fn of(range: std::ops::Range<u32>, signature: &[u8]) -> BandTask {
        BandTask {
            range,
            signature: crate::hash::bytes(signature),
        }
    }

    /// The task as framed bytes ([`BAND_TASK_MAGIC`], [`VERSION`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::framed(0);
        w.u32(self.range.start);
        w.u32(self.range.end);
        w.u64(self.signature);
        w.into_frame(&BAND_TASK_MAGIC, VERSION)
    }

    /// The pairs of the task (its bytes, [`BandTask::to_bytes`]) and of its signature (the
    /// bytes handed out beside it), as [`pairs_to_bytes`] gives them: an [`Error::Task`]
    /// (stage 4, numbered 0) when either is damaged, the signature is not the task's, or the
    /// range is not within its bands.
    pub fn run(task: &[u8], signature: Option<&[u8]>) -> Result<Vec<u8>> {
        let err = |message: String| Error::Task {
            stage: 4,
            task: 0,
            message,
        };
        let task = BandTask::decode(task).map_err(err)?;
        let signature = signature.ok_or_else(|| err("no signature given".into()))?;
        if crate::hash::bytes(signature) != task.signature {
            return Err(err("the signature given is not the task's".into()));
        }
        let sig = BandSignature::from_bytes(signature)?;
        let range = task.range;
        if range.start >= range.end || range.end > sig.bands {
            return Err(err(format!(
                "bands {}..{} of {}",
                range.start, range.end, sig.bands
            )));
        }
        let pairs = sig.collide(range.clone());
        Ok(pairs_to_bytes(sig.bands, range, sig.articles(), &pairs))
    }

    fn decode(bytes: &[u8]) -> std::result::Result<BandTask, String> {
        let payload = wire::unframe(bytes, &BAND_TASK_MAGIC, VERSION, "a reprint stage-4 task")?;
        let mut r = Reader { at: 0, b: payload };
        let (start, end, signature) = (r.u32()?, r.u32()?, r.u64()?);
        r.end("the task")?;
        Ok(BandTask {
            range: start..end,
            signature,
        })
    }
}

/// The pairs of the task of bands `range` of a signature of `bands` bands and `articles`
/// articles ([`BandSignature::collide`]), as framed bytes ([`PAIRS_MAGIC`]), after those
/// three, so that the reducer knows them for that task's.
pub fn pairs_to_bytes(
    bands: u32,
    range: std::ops::Range<u32>,
    articles: usize,
    pairs: &[(u32, u32)],
) -> Vec<u8> {
    let mut w = Writer::framed(28 + pairs.len() * 8);
    w.u32(bands);
    w.u32(range.start);
    w.u32(range.end);
    w.u64(articles as u64);
    w.u64(pairs.len() as u64);
    for &(a, b) in pairs {
        w.u32(a);
        w.u32(b);
    }
    w.into_frame(&PAIRS_MAGIC, VERSION)
}

/// The pairs of stage-4 task number `task` (for the error), bands `range` of `bands` of a
/// signature of `articles` articles, from [`pairs_to_bytes`]: the result of that task, each
/// pair `a < b < articles`, sorted, each once.
pub fn pairs_from_bytes(
    bytes: &[u8],
    task: usize,
    bands: u32,
    range: std::ops::Range<u32>,
    articles: usize,
) -> Result<Vec<(u32, u32)>> {
    let decode = || -> std::result::Result<Vec<(u32, u32)>, String> {
        let payload = wire::unframe(bytes, &PAIRS_MAGIC, VERSION, "a stage-4 task's pairs")?;
        let mut r = Reader { at: 0, b: payload };
        let (b, start, end, n) = (r.u32()?, r.u32()?, r.u32()?, r.u64()?);
        if (b, start..end, n) != (bands, range.clone(), articles as u64) {
            return Err(format!(
                "the pairs of bands {start}..{end} of {b} of {n} articles, for the task of \
                 bands {}..{} of {bands} of {articles}",
                range.start, range.end
            ));
        }
        let n = r.count(8)?;
        let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(n);
        for _ in 0..n {
            let p = (r.u32()?, r.u32()?);
            if p.0 >= p.1 || p.1 as usize >= articles {
                return Err(format!(
                    "pair ({}, {}) is not two of the {articles} articles in order",
                    p.0, p.1
                ));
            }
            if pairs.last().is_some_and(|&l| l >= p) {
                return Err(format!(
                    "pair ({}, {}) out of order or given twice",
                    p.0, p.1
                ));
            }
            pairs.push(p);
        }
        r.end("the last pair")?;
        Ok(pairs)
    };
    decode().map_err(|message| Error::Task {
        stage: 4,
        task,
        message,
    })
}

fn noise_code(n: Noise) -> u8 {
    match n {
        Noise::Clean => 0,
        Noise::Flagged => 1,
        Noise::FlaggedByCharsOnly => 2,
        Noise::CharsOnly => 3,
    }
}

fn noise_of_code(v: u8) -> std::result::Result<Noise, String> {
    Ok(match v {
        0 => Noise::Clean,
        1 => Noise::Flagged,
        2 => Noise::FlaggedByCharsOnly,
        3 => Noise::CharsOnly,
        _ => return Err(format!("{v} is not a noise code")),
    })
}

/// Kind and measure in one byte, the shares as their bits, so a verdict crosses unchanged.
fn write_evidence(w: &mut Writer, e: &Evidence) {
    let kind = match e.kind {
        Kind::None => 0,
        Kind::Partial => 1,
        Kind::Reprint => 2,
    };
    let measure = match e.measure {
        Measure::Words => 0,
        Measure::Characters => 1,
        Measure::Sets => 2,
    };
    w.u8(kind | measure << 2 | (e.a_is_shorter as u8) << 4);
    w.u64(e.short_share.to_bits());
    w.u64(e.long_share.to_bits());
    w.u64(e.shared_words as u64);
    w.u32s(&e.shared_a);
    w.u32s(&e.shared_b);
}

fn read_evidence(r: &mut Reader) -> std::result::Result<Evidence, String> {
    let at = r.at;
    let v = r.take(1)?[0];
    let kind = match v & 3 {
        0 => Kind::None,
        1 => Kind::Partial,
        2 => Kind::Reprint,
        _ => return Err(format!("byte {at} is {v}, not a verdict's kind")),
    };
    let measure = match v >> 2 & 3 {
        0 => Measure::Words,
        1 => Measure::Characters,
        2 => Measure::Sets,
        _ => return Err(format!("byte {at} is {v}, not a verdict's measure")),
    };
    if v >> 5 != 0 {
        return Err(format!("byte {at} is {v}, not a verdict's flags"));
    }
    let share = |x: u64| {
        let s = f64::from_bits(x);
        match s.is_finite() && s >= 0.0 {
            true => Ok(s),
            false => Err(format!("a share of {s} after byte {at}")),
        }
    };
    Ok(Evidence {
        kind,
        measure,
        a_is_shorter: v >> 4 & 1 == 1,
        short_share: share(r.u64()?)?,
        long_share: share(r.u64()?)?,
        shared_words: usize::try_from(r.u64()?).map_err(|e| e.to_string())?,
        shared_a: r.u32s()?,
        shared_b: r.u32s()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(kind: Kind, measure: Measure) -> Evidence {
        Evidence {
            kind,
            short_share: 0.625,
            long_share: 1.0 / 3.0,
            a_is_shorter: false,
            shared_words: 412,
            measure,
            shared_a: vec![0, 2, 3],
            shared_b: vec![1, 4],
        }
    }

    fn task_texts() -> Texts<'static> {
        Texts {
            files: vec![TaskFile {
                path: PathBuf::from("/feeds/monday\u{e9}.jsonl"),
                format: StoredFormat::Jsonl,
                name: "feeds/mondayé.jsonl".into(),
            }],
            articles: vec![
                TaskArticle {
                    article: 3,
                    text: "Héllo, a story.\n\nIts second paragraph.".into(),
                    boilerplate: vec![false, true],
                },
                TaskArticle {
                    article: 17,
                    text: "Another one.".into(),
                    boilerplate: vec![false],
                },
                TaskArticle {
                    article: 20,
                    text: TaskText::Stored {
                        body: Body::Line {
                            file: 0,
                            offset: 1_000_000_007,
                            len: 900,
                            text_len: 700,
                            text_at: 40,
                            raw_len: 720,
                        },
                        line: 31,
                    },
                    boilerplate: vec![true, false, false],
                },
            ],
        }
    }

    fn task() -> Task<'static> {
        Task {
            texts: task_texts(),
            pairs: vec![
                ReadPair {
                    k: 9,
                    a: 3,
                    b: 17,
                    noise: Noise::FlaggedByCharsOnly,
                    may_share: true,
                    settled: Some(verdict(Kind::Partial, Measure::Sets)),
                },
                ReadPair {
                    k: 12,
                    a: 17,
                    b: 3,
                    noise: Noise::CharsOnly,
                    may_share: false,
                    settled: None,
                },
            ],
        }
    }

    #[test]
    fn a_task_and_its_verdicts_survive_their_bytes() {
        let t = task();
        let bytes = t.to_bytes();
        let read = Task::from_bytes(&bytes).unwrap();
        assert_eq!(read, t);
        // Its texts are read where the bytes are, not copied.
        let within = bytes.as_ptr_range();
        for a in &read.texts.articles[..2] {
            match &a.text {
                TaskText::Given(Cow::Borrowed(text)) => {
                    assert!(within.contains(&text.as_ptr()), "article {}", a.article)
                }
                other => panic!("article {}: {other:?}", a.article),
            }
        }
        let v = vec![
            verdict(Kind::Reprint, Measure::Characters),
            verdict(Kind::None, Measure::Words),
        ];
        assert_eq!(
            verdicts_from_bytes(&verdicts_to_bytes(&v), 0, 2).unwrap(),
            v
        );
    }

    #[test]
    fn damaged_tasks_and_verdicts_that_do_not_fit_are_errors() {
        let bytes = task().to_bytes();
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        let mut missing = task();
        missing.texts.articles.remove(1);
        let mut elsewhere = task();
        if let TaskText::Stored {
            body: Body::Line { file, .. },
            ..
        } = &mut elsewhere.texts.articles[2].text
        {
            *file = 1;
        }
        let err = |r: Result<Task>| match r {
            Err(Error::Task { message, .. }) => message,
            other => panic!("expected a task error, got {other:?}"),
        };
        assert!(err(Task::from_bytes(&flipped)).contains("checksum"));
        assert!(err(Task::from_bytes(&bytes[..bytes.len() - 3])).contains("truncated"));
        assert!(err(Task::from_bytes(&missing.to_bytes())).contains("lacks"));
        assert!(err(Task::from_bytes(&elsewhere.to_bytes())).contains("in file 1 of 1"));
        assert!(err(Task::from_bytes(&verdicts_to_bytes(&[]))).contains("RPRTTASK"));
        let v = verdicts_to_bytes(&[verdict(Kind::Reprint, Measure::Words)]);
        match verdicts_from_bytes(&v, 5, 2) {
            Err(Error::Task {
                stage: 6,
                task: 5,
                message,
            }) => assert!(message.contains("1 verdicts for")),
            other => panic!("expected a task error, got {other:?}"),
        }
    }

    #[test]
    fn an_align_task_and_its_spans_survive_their_bytes_and_damage_is_an_error() {
        let pair = |hub, other, hub_is_a| AlignPair {
            hub,
            other,
            hub_is_a,
        };
        let align = AlignTask {
            texts: task_texts(),
            pairs: vec![pair(3, 17, true), pair(3, 20, false), pair(17, 20, true)],
        };
        let bytes = align.to_bytes();
        assert_eq!(stage_of(&bytes), Some(8));
        assert_eq!(AlignTask::from_bytes(&bytes).unwrap(), align);
        let err = |r: Result<AlignTask>| match r {
            Err(Error::Task {
                stage: 8, message, ..
            }) => message,
            other => panic!("expected a stage-8 task error, got {other:?}"),
        };
        let mut lacking = align.clone();
        lacking.pairs.push(pair(20, 4, false));
        assert!(err(AlignTask::from_bytes(&lacking.to_bytes())).contains("names article 4"));
        let mut itself = align.clone();
        itself.pairs[1].other = 3;
        assert!(err(AlignTask::from_bytes(&itself.to_bytes())).contains("with itself"));
        assert!(err(AlignTask::from_bytes(&task().to_bytes())).contains("RPRTALGN"));

        let span = |a0, a1, b0, b1, words| SharedSpan {
            a: (a0, a1),
            b: (b0, b1),
            words,
        };
        let spans = vec![
            vec![span(0, 120, 40, 160, 22), span(300, 310, 0, 12, 4)],
            vec![],
            vec![span(5, 5000, 7, 5002, 900)],
        ];
        let bytes = spans_to_bytes(&spans);
        assert_eq!(spans_from_bytes(&bytes, 0, 3).unwrap(), spans);
        // Four bytes a number, or eight when one needs them.
        assert!(bytes.len() < 28 + 8 + 1 + 3 * 8 + 3 * 5 * 4 + 8);
        let wide = vec![vec![span(0, 5_000_000_000, 1, 2, 3)]];
        assert_eq!(
            spans_from_bytes(&spans_to_bytes(&wide), 0, 1).unwrap(),
            wide
        );
        let message = |r: Result<Vec<Vec<SharedSpan>>>| match r {
            Err(Error::Task {
                stage: 8,
                task: 2,
                message,
            }) => message,
            other => panic!("expected an error of stage-8 task 2, got {other:?}"),
        };
        assert!(message(spans_from_bytes(&bytes, 2, 4))
            .contains("3 lists of spans for the task's 4 pairs"));
        let backwards = spans_to_bytes(&[vec![span(10, 9, 0, 1, 1)]]);
        assert!(message(spans_from_bytes(&backwards, 2, 1)).contains("ends before it starts"));
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(message(spans_from_bytes(&flipped, 2, 3)).contains("checksum"));
    }

    /// A task that gives texts by their places reads them from its files as the reducer's
    /// corpus does, and a file changed since is an error naming the file and line, not
    /// another text.
    #[test]
    fn a_task_reads_the_texts_it_gives_by_place_from_its_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feed.jsonl");
        let line = |id: &str, text: &str| serde_json::json!({"id": id, "text": text}).to_string();
        let texts = [
            "First story, \"quoted\".\n\nSecond paragraph.",
            "Another — story.",
        ];
        let feed = format!("{}\n{}\n", line("a", texts[0]), line("b", texts[1]));
        std::fs::write(&path, &feed).unwrap();
        let loaded =
            crate::input::read_inputs(std::slice::from_ref(&path), &crate::Config::default())
                .unwrap();
        let corpus = &loaded.corpus;
        let article = |i: usize| TaskArticle {
            article: i as u32,
            text: TaskText::Stored {
                body: corpus.articles[i].body.clone(),
                line: corpus.articles[i].origin.line,
            },
            boilerplate: vec![false],
        };
        let task = Task {
            texts: Texts {
                files: vec![TaskFile {
                    path: corpus.store.files[0].path.clone(),
                    format: corpus.store.files[0].format,
                    name: "feed.jsonl".into(),
                }],
                articles: vec![article(0), article(1)],
            },
            pairs: vec![],
        };
        assert!(matches!(
            task.texts.articles[0].text,
            TaskText::Stored {
                body: Body::Line { .. },
                ..
            }
        ));
        let bytes = task.to_bytes();
        let task = Task::from_bytes(&bytes).unwrap().texts;
        let store = task.store().unwrap();
        for (a, want) in task.articles.iter().zip(texts) {
            assert_eq!(task.text(a, &store).unwrap(), want);
        }
        // The second record's text one byte shorter: its line no longer ends where it did.
        std::fs::write(
            &path,
            format!(
                "{}\n{}\n",
                line("a", texts[0]),
                line("b", "Another — story")
            ),
        )
        .unwrap();
        match task.text(&task.articles[1], &task.store().unwrap()) {
            Err(Error::Reread { file, line: 2, .. }) => assert_eq!(file, "feed.jsonl"),
            other => panic!("expected a re-read error at feed.jsonl:2, got {other:?}"),
        }
        std::fs::remove_file(&path).unwrap();
        match task.store() {
            Err(Error::Io { path: p, .. }) => assert_eq!(p, path),
            other => panic!(
                "expected an error opening {}, got {other:?}",
                path.display()
            ),
        }
    }

    /// Keys of `n` articles over `bands` bands drawn from few values, so that buckets are
    /// shared often (and some exceed [`crate::lsh::MAX_BUCKET`] with `values` 1), with a lead
    /// for every third article and a noisy tenth.
    fn signature(n: usize, bands: u32, values: u32, seed: u64) -> BandSignature<'static> {
        let mut x = seed | 1;
        let mut next = |m: u32| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % u64::from(m)) as u32
        };
        let keys: Vec<u32> = (0..n * bands as usize).map(|_| next(values)).collect();
        let lead_keys: Vec<u32> = (0..n * bands as usize).map(|_| next(values)).collect();
        BandSignature {
            bands,
            keys: keys.into(),
            active: (0..n).map(|i| i % 11 != 5).collect(),
            leads: Some((lead_keys.into(), (0..n).map(|i| i % 3 == 0).collect())),
            need: Need {
                clean: 2,
                noisy: 1,
                noisy_articles: (0..n).map(|i| i % 10 == 0).collect(),
            },
            samples: None,
        }
    }

    /// A route's samples for `n` articles: keys from a small range, so that some pairs share
    /// enough and others do not; every seventh article noisy.
    fn samples(n: usize, seed: u64) -> SampleRoute<'static> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let samples: Vec<CharSample> = (0..n)
            .map(|_| {
                let mut keys: Vec<u16> = (0..12)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        (x % 40) as u16
                    })
                    .collect();
                keys.sort_unstable();
                keys.dedup();
                CharSample::from_keys(keys).unwrap()
            })
            .collect();
        SampleRoute::of(
            &samples,
            (0..n).map(|i| i % 7 == 0).collect(),
            RouteShare {
                noisy: 0.25,
                clean: Some(0.45),
            },
        )
    }

    #[test]
    fn band_ranges_list_the_pairs_all_bands_list_once_merged() {
        for (n, bands, values, seed) in [(300, 8, 6, 1), (700, 5, 1, 2), (120, 16, 3, 3)] {
            let whole = signature(n, bands, values, seed);
            let all = whole.collide(0..bands);
            assert!(all.len() > n, "{} pairs of {n} articles", all.len());
            // What the scan itself lists: the lead-aware candidates need one band, the others
            // their need.
            let leads = whole
                .leads
                .as_ref()
                .map(|(keys, active)| crate::lsh::Leads { keys, active });
            let listed = crate::lsh::candidates(&whole.keys, bands as usize, &whole.active, leads);
            let mut without = whole.clone();
            without.leads = None;
            let meeting = crate::lsh::candidates_meeting(
                &whole.keys,
                bands as usize,
                &whole.active,
                |a, b| whole.need.of(a, b),
            );
            assert_eq!(without.collide(0..bands), meeting);
            let mut one = whole.clone();
            one.need = Need {
                clean: 1,
                noisy: 1,
                noisy_articles: Vec::new(),
            };
            assert_eq!(one.collide(0..bands), listed);
            // With samples, a task sends back the pairs the route keeps of those it lists,
            // and the ranges merged are the route's pairs of all bands.
            let mut sampled = without.clone();
            let route = samples(n, seed);
            sampled.samples = Some(route.clone());
            let kept = crate::evidence::keep_on_samples(
                &meeting,
                route.samples(),
                &route.noisy,
                route.share,
            );
            assert!(
                !kept.is_empty() && kept.len() < meeting.len(),
                "{} of {} pairs kept",
                kept.len(),
                meeting.len()
            );
            for (whole, all) in [(whole, all), (sampled, kept)] {
                let bytes = whole.to_bytes();
                assert_eq!(BandSignature::from_bytes(&bytes).unwrap(), whole);
                // Written into one allocation of the payload's size.
                let payload = whole.parts().payload_len();
                assert_eq!(bytes.len(), wire::HEADER_BYTES + payload);
                // Written into a buffer of its length, as an engine keeps it: the same bytes.
                let mut held = vec![0xAA; whole.parts().framed_len()];
                whole.parts().write_into(&mut held);
                assert_eq!(held, bytes);
                // Into a buffer of another length: bytes that read as damaged, not a panic.
                for len in [held.len() - 1, held.len() + 3, 10] {
                    let mut other = vec![0; len];
                    whole.parts().write_into(&mut other);
                    assert!(BandSignature::from_bytes(&other).is_err(), "{len} bytes");
                }
                for cuts in [vec![1], vec![bands / 2], vec![1, 2, bands - 1]] {
                    let mut ends = cuts.clone();
                    ends.push(bands);
                    let mut merged = Vec::new();
                    let mut lo = 0;
                    for hi in ends {
                        let task = BandTask::of(lo..hi, &bytes).to_bytes();
                        let result = BandTask::run(&task, Some(&bytes)).unwrap();
                        merged.extend(pairs_from_bytes(&result, 0, bands, lo..hi, n).unwrap());
                        lo = hi;
                    }
                    merged.sort_unstable();
                    merged.dedup();
                    assert_eq!(merged, all, "bands cut at {cuts:?}");
                }
            }
        }
    }

    #[test]
    fn a_signature_reads_its_keys_where_its_bytes_are_when_they_are_aligned() {
        let mut whole = signature(200, 8, 5, 3);
        whole.samples = Some(samples(200, 4));
        let bytes = whole.to_bytes();
        // The frame at four offsets of one buffer: one start aligned for `u32`, three not.
        let mut held = vec![0u8; bytes.len() + 3];
        let mut seen = [false; 2];
        for at in 0..4 {
            held[at..at + bytes.len()].copy_from_slice(&bytes);
            let frame = &held[at..at + bytes.len()];
            let sig = BandSignature::from_bytes(frame).unwrap();
            let aligned = frame.as_ptr().align_offset(4) == 0 && cfg!(target_endian = "little");
            let borrowed = |k: &Cow<'_, [u32]>| matches!(k, Cow::Borrowed(_));
            assert_eq!(borrowed(&sig.keys), aligned, "offset {at}");
            assert_eq!(
                borrowed(&sig.leads.as_ref().unwrap().0),
                aligned,
                "offset {at}"
            );
            // The samples' keys, of two bytes, need only a start aligned for `u16`.
            let route = sig.samples.as_ref().unwrap();
            let even = frame.as_ptr().align_offset(2) == 0 && cfg!(target_endian = "little");
            assert_eq!(matches!(route.keys, Cow::Borrowed(_)), even, "offset {at}");
            if aligned {
                // The keys are the frame's own bytes: after the header, the band count and
                // the keys' count.
                let start = frame.as_ptr() as usize + wire::HEADER_BYTES + 4 + 8;
                assert_eq!(sig.keys.as_ptr() as usize, start);
            }
            seen[usize::from(aligned)] = true;
            assert_eq!(sig, whole);
            assert_eq!(sig.collide(0..8), whole.collide(0..8));
        }
        assert!(seen[0] && (seen[1] || cfg!(target_endian = "big")));
    }

    #[test]
    fn a_task_is_told_apart_by_its_magic_alone() {
        let band = BandTask::of(0..4, &signature(50, 4, 3, 9).to_bytes()).to_bytes();
        assert_eq!(stage_of(&band), Some(4));
        assert_eq!(stage_of(&task().to_bytes()), Some(6));
        // Results, shared signatures and foreign bytes are no task.
        assert_eq!(stage_of(&signature(50, 4, 3, 9).to_bytes()), None);
        assert_eq!(stage_of(&pairs_to_bytes(4, 0..4, 50, &[(1, 2)])), None);
        assert_eq!(stage_of(b"RPRTBAN"), None);
        assert_eq!(stage_of(b""), None);
    }

    #[test]
    fn band_tasks_and_pairs_that_do_not_fit_are_errors() {
        let sig = signature(50, 4, 3, 9);
        let message = |r: Result<Vec<u8>>| match r {
            Err(Error::Task {
                stage: 4, message, ..
            }) => message,
            other => panic!("expected a stage-4 task error, got {other:?}"),
        };
        let run = |range: std::ops::Range<u32>, s: &BandSignature| {
            let bytes = s.to_bytes();
            BandTask::run(&BandTask::of(range, &bytes).to_bytes(), Some(&bytes))
        };
        let mut short = sig.clone();
        short.keys.to_mut().pop();
        assert!(message(run(0..4, &short)).contains("keys for 50 articles"));
        assert!(message(run(2..5, &sig)).contains("bands 2..5 of 4"));
        let mut leads = sig.clone();
        leads.leads.as_mut().unwrap().1.push(true);
        assert!(message(run(0..4, &leads)).contains("lead keys"));
        let mut noise = sig.clone();
        noise.need.noisy_articles.truncate(7);
        assert!(message(run(0..4, &noise)).contains("noise told for 7"));
        // A payload changed and framed again: the error it reads as.
        let refused = |payload: Vec<u8>| match BandSignature::from_bytes(&wire::frame(
            &SIGNATURE_MAGIC,
            VERSION,
            &payload,
        )) {
            Err(Error::Task { message, .. }) => message,
            other => panic!("expected a task error, got {other:?}"),
        };
        // Lead keys whose flag says there are no leads: the flag byte cleared and the
        // lead active list taken out.
        let bytes = sig.to_bytes();
        let payload = wire::unframe(&bytes, &SIGNATURE_MAGIC, VERSION, "").unwrap();
        let flag = 4 + (8 + 4 * 50 * 4) * 2 + (8 + 50);
        assert_eq!(payload[flag], 1);
        let mut cut = payload[..flag].to_vec();
        cut.push(0);
        cut.extend_from_slice(&payload[flag + 1 + 8 + 50..]);
        assert!(refused(cut).contains("200 lead keys and no leads"));
        // Samples whose flag says there is no route: the flag byte cleared and the route's
        // noise and shares taken out.
        let mut routed = sig.clone();
        routed.samples = Some(samples(50, 1));
        let bytes = routed.to_bytes();
        let payload = wire::unframe(&bytes, &SIGNATURE_MAGIC, VERSION, "").unwrap();
        let flag = payload.len() - (8 + 50) - (8 + 1 + 8) - 1;
        assert_eq!(payload[flag], 1);
        let mut cut = payload[..flag].to_vec();
        cut.push(0);
        assert!(refused(cut).contains("samples and no route"));
        let mut few = sig.clone();
        let mut route = samples(50, 1);
        let short = samples(49, 1);
        (route.starts, route.keys) = (short.starts, short.keys);
        few.samples = Some(route);
        assert!(message(run(0..4, &few)).contains("49 samples and noise told for 50 of 50"));
        // A sample's keys out of order, written as a reducer would not.
        let mut unsorted = sig.clone();
        unsorted.samples = Some(samples(50, 1));
        let bytes = unsorted.to_bytes();
        let payload = wire::unframe(&bytes, &SIGNATURE_MAGIC, VERSION, "").unwrap();
        // The first sample's first two keys, after the bands, the keys, the leads' keys and
        // the samples' lengths: swap them.
        let keys_at = 4 + (8 + 4 * 50 * 4) * 2 + (8 + 4 * 50);
        let mut damaged = payload.to_vec();
        damaged.swap(keys_at + 8, keys_at + 10);
        damaged.swap(keys_at + 9, keys_at + 11);
        let bytes = wire::frame(&SIGNATURE_MAGIC, VERSION, &damaged);
        let task = BandTask::of(0..4, &bytes).to_bytes();
        assert!(message(BandTask::run(&task, Some(&bytes)))
            .contains("article 0's sample is not sorted"));
        // A task given another signature, or none.
        let task = BandTask::of(0..4, &sig.to_bytes()).to_bytes();
        let other = signature(50, 4, 3, 10).to_bytes();
        assert!(message(BandTask::run(&task, Some(&other))).contains("not the task's"));
        assert!(message(BandTask::run(&task, None)).contains("no signature"));
        let pairs_error = |pairs: &[(u32, u32)], range: std::ops::Range<u32>| match pairs_from_bytes(
            &pairs_to_bytes(4, 0..4, 50, pairs),
            3,
            4,
            range,
            50,
        ) {
            Err(Error::Task {
                stage: 4,
                task: 3,
                message,
            }) => message,
            other => panic!("expected a stage-4 task error, got {other:?}"),
        };
        assert!(pairs_error(&[(1, 2), (1, 2)], 0..4).contains("out of order"));
        assert!(pairs_error(&[(3, 1)], 0..4).contains("not two of the 50"));
        assert!(pairs_error(&[(1, 50)], 0..4).contains("not two of the 50"));
        assert!(pairs_error(&[(1, 2)], 0..2).contains("for the task of bands 0..2"));
    }
}
