//! `reprint index`: a persistent, incremental, crash-safe index of a feed (issue 18).
//!
//! A sibling of the batch pipeline over the same stage code. Each `add` writes one immutable
//! segment ([`store`]) with the batch's articles and texts (zstd blocks with a page table), a
//! sorted table of their id hashes and a sorted table of their candidate keys
//! ([`crate::pipeline::IndexKeys`]), then replaces the manifest atomically. To report on a
//! batch, the index skips ids it holds (id tables), merges the batch's sorted keys with each
//! segment's key table (reading only the pages its page table says can hold them), reads the
//! earlier articles that share a key (only their blocks), and runs the batch pipeline
//! ([`crate::pipeline::scan`]) over those and the batch; the result is mapped onto cluster ids
//! that stay put (`assign_clusters`). One run of a segment's table pages is in memory at a
//! time.
//!
//! Invariants:
//! - Segments never change; the manifest is the only mutable file and names every live
//!   segment with its size and header checksum. A reader reads only what the manifest names
//!   and never takes the writer's lock.
//! - An article id is indexed at most once: an id already in the index is skipped.
//! - A cluster id is never reused. An article joining a cluster changes no other article's
//!   id; a cluster whose canonical is replaced by an earlier copy, or two clusters joined by
//!   a new article, are recorded as [`Event`]s (a merge points the old id at the new one).
//! - The output is the same for any thread count (the pipeline's guarantee; everything here
//!   runs in input order).

pub mod merge;
pub mod migrate;
pub mod recluster;
pub mod report;
pub mod store;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::corpus::{Article, Body, Corpus, Origin};
use crate::error::{Error, Result};
use crate::report::Warning;
use store::{ClusterInfo, Manifest, SegmentEntry, Steps, StoredArticle};

/// Version of the candidate keys ([`crate::pipeline::IndexKeys`]); part of the fingerprint.
pub const KEYS_VERSION: u32 = 1;

/// A key shared by more earlier articles than this does not pull them in as candidates: it is
/// a footer or a stock line, not a story (a scan's LSH buckets have the same kind of cap,
/// [`crate::lsh::MAX_BUCKET`]).
pub const MAX_KEY_POSTINGS: usize = 256;

/// Word-signature bands a new and an earlier article must share for the earlier one to be
/// read with the batch (a scan's rule for two clean articles).
pub const MIN_WORD_BANDS: usize = 2;

/// Every setting that changes hashes or verdicts, fixed when the index is created.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub ngram_words: usize,
    pub num_perms: usize,
    pub threshold: f64,
    pub containment_threshold: f64,
    pub evidence_containment: f64,
    /// The evidence rule, its fields in line with the others (as in the report's `params`).
    #[serde(flatten)]
    pub evidence: crate::evidence::Rule,
    pub min_repeat_words: usize,
    pub repeat_similarity: f64,
    pub min_boilerplate_articles: usize,
    pub boilerplate_coverage: f64,
}

impl Settings {
    pub fn of(c: &Config) -> Settings {
        Settings {
            ngram_words: c.ngram_words,
            num_perms: c.num_perms,
            threshold: c.threshold,
            containment_threshold: c.containment_threshold,
            evidence_containment: c.evidence_containment,
            evidence: c.evidence,
            min_repeat_words: c.min_repeat_words,
            repeat_similarity: c.repeat_similarity,
            min_boilerplate_articles: c.min_boilerplate_articles,
            boilerplate_coverage: c.boilerplate_coverage,
        }
    }

    /// `base` with these settings in place of its own.
    pub fn apply(&self, base: &Config) -> Config {
        Config {
            ngram_words: self.ngram_words,
            num_perms: self.num_perms,
            threshold: self.threshold,
            containment_threshold: self.containment_threshold,
            evidence_containment: self.evidence_containment,
            evidence: self.evidence,
            min_repeat_words: self.min_repeat_words,
            repeat_similarity: self.repeat_similarity,
            min_boilerplate_articles: self.min_boilerplate_articles,
            boilerplate_coverage: self.boilerplate_coverage,
            ..base.clone()
        }
    }

    fn fields(&self) -> serde_json::Map<String, serde_json::Value> {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => unreachable!("settings serialise as an object"),
        }
    }
}

/// The text whose keys pin the hashing in every fingerprint: a build that hashes it
/// differently makes other keys, and must not add to an index another build wrote.
const PROBE_TEXT: &str = "The harbour council voted on Monday to rebuild the old ferry pier \
    before winter, and members said the repairs would cost far less than a new pier.\n\n\
    The mayor told reporters that the ferry carries two thousand people a day.";

/// The format number in every fingerprint: 2, where format 2 left it. Format 3 (page tables
/// of the key and id tables) changes no key or verdict, so an index written by an earlier
/// build keeps its fingerprint and can be added to.
const FINGERPRINT_FORMAT: u32 = 2;

/// The fingerprint of `s` under this build: xxh3 of the format and key versions, the
/// settings, and the keys of a probe text, as 16 hex digits.
pub fn fingerprint(s: &Settings) -> String {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(&FINGERPRINT_FORMAT.to_le_bytes());
    bytes.extend_from_slice(&KEYS_VERSION.to_le_bytes());
    bytes.extend_from_slice(&serde_json::to_vec(s).expect("settings serialise"));
    let cfg = s.apply(&Config::default());
    for k in crate::pipeline::IndexKeys::new(&cfg).of(PROBE_TEXT) {
        bytes.extend_from_slice(&k.to_le_bytes());
    }
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes))
}

/// A change to a cluster that an `add` made, besides new members joining it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// An article dated before the cluster's canonical arrived and is its canonical now.
    CanonicalSuperseded {
        cluster: u64,
        old: String,
        new: String,
    },
    /// Article `by` reprints members of both clusters: `from`'s members now belong to `into`
    /// (their stored id stays `from`; the manifest points `from` at `into`).
    Merged { from: u64, into: u64, by: String },
}

/// An open index for reading: its directory and the manifest read at opening.
#[derive(Clone, Debug)]
pub struct Index {
    pub dir: PathBuf,
    pub manifest: Manifest,
}

/// Creates an empty index in `dir` (made if missing) with the settings of `cfg`.
pub fn init(dir: &Path, cfg: &Config) -> Result<Index> {
    cfg.validate()?;
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let _lock = store::lock(dir)?;
    if dir.join(store::MANIFEST).exists() {
        return Err(store::corrupt(
            &dir.join(store::MANIFEST),
            "an index already exists here",
        ));
    }
    store::clean_leftovers(dir, &[], 0)?;
    let settings = Settings::of(cfg);
    let manifest = Manifest {
        format: store::FORMAT_VERSION,
        written_by: env!("CARGO_PKG_VERSION").to_string(),
        fingerprint: fingerprint(&settings),
        settings,
        generation: 0,
        next_segment: 1,
        next_cluster: 1,
        segments: Vec::new(),
        clusters: BTreeMap::new(),
    };
    store::write_atomic(
        dir,
        store::MANIFEST,
        &manifest.to_bytes(),
        &mut Steps::from_env(),
    )?;
    Ok(Index {
        dir: dir.to_path_buf(),
        manifest,
    })
}

impl Index {
    /// Opens `dir` for reading (no lock): reads and checks the manifest.
    pub fn open(dir: &Path) -> Result<Index> {
        Ok(Index {
            dir: dir.to_path_buf(),
            manifest: Manifest::read(dir)?,
        })
    }

    /// The configuration to run with: `asked` (from flags) with the index's settings. A
    /// setting `asked` sets to other than the library default and other than the index's is
    /// refused, naming each; so is an index whose fingerprint this build does not reproduce.
    pub fn config(&self, asked: &Config) -> Result<Config> {
        let stored = self.manifest.settings.fields();
        let want = Settings::of(asked).fields();
        let default = Settings::of(&Config::default()).fields();
        let conflicts: Vec<String> = want
            .iter()
            .filter(|(k, v)| default.get(*k) != Some(v) && stored.get(*k) != Some(v))
            .map(|(k, v)| {
                format!(
                    "--{} {v} (the index has {})",
                    k.replace('_', "-"),
                    stored
                        .get(k)
                        .map_or("nothing".to_string(), |s| s.to_string())
                )
            })
            .collect();
        let path = self.dir.join(store::MANIFEST);
        if !conflicts.is_empty() {
            return Err(store::corrupt(
                &path,
                format!(
                    "the index was created with other settings: {}; drop these flags or \
                     create a new index with them",
                    conflicts.join(", ")
                ),
            ));
        }
        let fp = fingerprint(&self.manifest.settings);
        if fp != self.manifest.fingerprint {
            return Err(store::corrupt(
                &path,
                format!(
                    "settings fingerprint {} is not this build's {fp} for the same settings \
                     (written by reprint {}, whose hashing or rules differ); rebuild the index",
                    self.manifest.fingerprint, self.manifest.written_by
                ),
            ));
        }
        let mut cfg = self.manifest.settings.apply(asked);
        cfg.all_pairs = true;
        Ok(cfg)
    }

    /// Opens every live segment, in manifest order. `Ok(None)` when one is gone (an `expire`
    /// or a `merge` ran since the manifest was read).
    fn segments(&self) -> Result<Option<Vec<store::Segment>>> {
        let mut out = Vec::with_capacity(self.manifest.segments.len());
        for e in &self.manifest.segments {
            match store::Segment::open(&self.dir, e)? {
                Some(s) => out.push(s),
                None => return Ok(None),
            }
        }
        Ok(Some(out))
    }

    /// The cluster `id` belongs to now (following merges).
    pub fn resolve(&self, mut id: u64) -> u64 {
        // Merges point only at lower ids, so this ends; the bound guards a damaged manifest.
        for _ in 0..self.manifest.clusters.len() + 1 {
            match self.manifest.clusters.get(&id).and_then(|c| c.merged_into) {
                Some(next) => id = next,
                None => break,
            }
        }
        id
    }
}

/// Reads the index in `dir` with `read`, again from a fresh manifest when an `expire` or a
/// `merge` removed a segment under it (a reader takes no lock).
fn with_fresh<T>(dir: &Path, mut read: impl FnMut(&Index) -> Result<Option<T>>) -> Result<T> {
    for _ in 0..5 {
        let index = Index::open(dir)?;
        if let Some(t) = read(&index)? {
            return Ok(t);
        }
    }
    Err(store::corrupt(
        &dir.join(store::MANIFEST),
        "names segments that are missing (the index keeps changing under this reader, or \
         segment files were deleted by hand; `reprint index check` tells which)",
    ))
}

/// One article of a batch, with its text.
#[derive(Clone, Debug)]
pub struct NewArticle {
    pub id: String,
    pub title: String,
    pub source: String,
    pub date: String,
    pub text: String,
}

/// Reads `inputs` like `reprint scan` does into a batch. Returns the articles and the input
/// warnings, and how many of these are about malformed input.
pub fn read_batch(
    inputs: &[PathBuf],
    cfg: &Config,
) -> Result<(Vec<NewArticle>, Vec<Warning>, usize)> {
    let loaded = crate::input::read_inputs(inputs, cfg)?;
    let corpus = &loaded.corpus;
    let articles = (0..corpus.len())
        .map(|i| {
            let a = &corpus.articles[i];
            Ok(NewArticle {
                id: a.id.clone(),
                title: a.title.clone(),
                source: a.source.clone(),
                date: a.date.clone(),
                text: corpus.text(i)?.into_owned(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((articles, loaded.warnings, loaded.malformed))
}

/// A key the batch shares with earlier articles: the batch's rows of it in the sorted key
/// table, and the earlier articles as (segment, article) numbers.
type Shared = (std::ops::Range<usize>, Vec<(u32, u32)>);

/// An earlier article pulled in as a candidate.
struct Earlier {
    stored: StoredArticle,
    text: String,
}

/// What a batch would do to the index: the report, and what `add` commits.
pub struct Plan {
    pub report: report::BatchReport,
    articles: Vec<StoredArticle>,
    events: Vec<Event>,
    keys: Vec<(u64, u32)>,
    texts: Vec<String>,
    next_cluster: u64,
    clusters: BTreeMap<u64, ClusterInfo>,
}

/// Plans `batch` against `index`: finds candidates, runs the pipeline, assigns clusters.
/// `Ok(None)` when a segment vanished under a reader.
fn plan(
    index: &Index,
    batch: Vec<NewArticle>,
    warnings: Vec<Warning>,
    cfg: &Config,
) -> Result<Option<Plan>> {
    let Some(mut segments) = index.segments()? else {
        return Ok(None);
    };
    // Ids already indexed, to skip: the batch's id hashes merged with each segment's id
    // table (only the pages that can hold them), the exact id read only on a hash hit.
    let mut hashes: Vec<u64> = batch.iter().map(|a| store::id_hash(&a.id)).collect();
    hashes.sort_unstable();
    hashes.dedup();
    let mut known: HashSet<String> = HashSet::new();
    for s in &mut segments {
        let mut hits: Vec<u32> = Vec::new();
        let mut i = 0;
        s.for_each_row(store::IDS, Some(&hashes), |h, a| {
            while i < hashes.len() && hashes[i] < h {
                i += 1;
            }
            if i < hashes.len() && hashes[i] == h {
                hits.push(a);
            }
        })?;
        hits.sort_unstable();
        known.extend(s.read_articles(&hits)?.into_iter().map(|(a, _)| a.id));
    }
    let mut seen = HashSet::new();
    let mut skipped = Vec::new();
    let mut fresh = Vec::new();
    for a in batch {
        if known.contains(&a.id) || !seen.insert(a.id.clone()) {
            skipped.push(a.id);
        } else {
            fresh.push(a);
        }
    }
    drop(known);

    // The batch's sorted key table.
    let keyer = crate::pipeline::IndexKeys::new(cfg);
    let keys = key_table(&keyer, fresh.par_iter().map(|a| a.text.as_str()));
    let mut distinct: Vec<u64> = keys.iter().map(|&(k, _)| k).collect();
    distinct.dedup();

    // Merge it with each segment's table: per shared key, the batch's rows and the earlier
    // articles. Only the table's pages that can hold a batch key are read, in order, one
    // run of pages at a time (`Segment::for_each_row`).
    let mut postings: BTreeMap<u64, Shared> = BTreeMap::new();
    for (si, s) in segments.iter_mut().enumerate() {
        let mut i = 0;
        let mut run = 0..0;
        s.for_each_row(store::KEYS, Some(&distinct), |k, a| {
            if run.is_empty() || keys[run.start].0 != k {
                while i < keys.len() && keys[i].0 < k {
                    i += 1;
                }
                let mut end = i;
                while end < keys.len() && keys[end].0 == k {
                    end += 1;
                }
                run = i..end;
            }
            if !run.is_empty() {
                let entry = postings.entry(k).or_insert((run.clone(), Vec::new()));
                // A key past the cap is skipped below whatever else it holds: keeping one
                // posting over the cap says so, and memory stays bounded per key however
                // many segments carry a stock line.
                if entry.1.len() <= MAX_KEY_POSTINGS {
                    entry.1.push((si as u32, a));
                }
            }
        })?;
    }
    drop(distinct);
    // A paragraph or shingle band pulls its earlier articles in; word bands pull in an
    // earlier article only when it meets a new one in `MIN_WORD_BANDS` of them (as a scan
    // pairs two clean articles), since one band of common words pairs most of a topic.
    let mut wanted: Vec<(u32, u32)> = Vec::new();
    let mut word_meets: Vec<(u32, u32, u32)> = Vec::new();
    for (k, (rows, olds)) in postings {
        if olds.len() > MAX_KEY_POSTINGS {
            continue;
        }
        if crate::pipeline::IndexKeys::tag(k) == 2 {
            for &(_, new) in &keys[rows] {
                word_meets.extend(olds.iter().map(|&(si, a)| (new, si, a)));
            }
        } else {
            wanted.extend(olds);
        }
    }
    word_meets.sort_unstable();
    wanted.extend(
        word_meets
            .chunk_by(|x, y| x == y)
            .filter(|run| run.len() >= MIN_WORD_BANDS)
            .map(|run| (run[0].1, run[0].2)),
    );
    wanted.sort_unstable();
    wanted.dedup();

    // The candidates with their texts, segment by segment, in index order; only the blocks
    // they are in are read.
    let mut earlier: Vec<Earlier> = Vec::with_capacity(wanted.len());
    for run in wanted.chunk_by(|x, y| x.0 == y.0) {
        let arts: Vec<u32> = run.iter().map(|&(_, a)| a).collect();
        let got = segments[run[0].0 as usize].read_articles(&arts)?;
        earlier.extend(
            got.into_iter()
                .map(|(stored, text)| Earlier { stored, text }),
        );
    }
    let (report, assigned) = run_batch(index, &earlier, &fresh, skipped, warnings, cfg)?;
    let articles = fresh
        .iter()
        .zip(&report.articles)
        .map(|(a, r)| StoredArticle {
            id: a.id.clone(),
            title: a.title.clone(),
            source: a.source.clone(),
            date: a.date.clone(),
            cluster: r.cluster,
        })
        .collect();
    Ok(Some(Plan {
        report,
        articles,
        events: assigned.events,
        keys,
        texts: fresh.into_iter().map(|a| a.text).collect(),
        next_cluster: assigned.next_cluster,
        clusters: assigned.clusters,
    }))
}

/// The sorted (key, article) table of `texts`, articles numbered in their order: the `keys`
/// section of a segment (for `add`, and for `migrate`, which computes it again).
pub(crate) fn key_table<'a>(
    keyer: &crate::pipeline::IndexKeys<'_>,
    texts: impl IndexedParallelIterator<Item = &'a str>,
) -> Vec<(u64, u32)> {
    let per_article: Vec<Vec<u64>> = texts.map(|t| keyer.of(t)).collect();
    let mut keys: Vec<(u64, u32)> = per_article
        .iter()
        .enumerate()
        .flat_map(|(i, ks)| ks.iter().map(move |&k| (k, i as u32)))
        .collect();
    keys.sort_unstable();
    keys
}

/// The clusters a batch's articles get ([`assign_clusters`]).
struct Assigned {
    /// Each new article's cluster id and canonical, in batch order.
    articles: Vec<(u64, String)>,
    /// The next free cluster id after the batch.
    next_cluster: u64,
    /// The cluster table after the batch.
    clusters: BTreeMap<u64, ClusterInfo>,
    events: Vec<Event>,
}

/// Runs the pipeline over `earlier` then `fresh`, and maps its findings onto the batch.
fn run_batch(
    index: &Index,
    earlier: &[Earlier],
    fresh: &[NewArticle],
    skipped: Vec<String>,
    warnings: Vec<Warning>,
    cfg: &Config,
) -> Result<(report::BatchReport, Assigned)> {
    let origin = Origin {
        file: Arc::from("index"),
        line: 0,
    };
    let article = |id: &str, title: &str, source: &str, date: &str, text: &str| Article {
        id: id.to_string(),
        title: title.to_string(),
        body: Body::Text(text.to_string()),
        source: source.to_string(),
        date: date.to_string(),
        origin: origin.clone(),
    };
    let mut all: Vec<Article> = earlier
        .iter()
        .map(|e| {
            let s = &e.stored;
            article(&s.id, &s.title, &s.source, &s.date, &e.text)
        })
        .collect();
    all.extend(
        fresh
            .iter()
            .map(|a| article(&a.id, &a.title, &a.source, &a.date, &a.text)),
    );
    let corpus = Corpus::in_memory(all);
    let (scan, _) = crate::pipeline::scan(&corpus, Vec::new(), cfg)?;
    let old_cluster: Vec<u64> = earlier
        .iter()
        .map(|e| index.resolve(e.stored.cluster))
        .collect();
    let assigned = assign_clusters(index, &corpus, earlier.len(), &old_cluster, &scan);
    let rep = report::BatchReport::build(
        &corpus,
        earlier.len(),
        &scan,
        &assigned.articles,
        &assigned.events,
        skipped,
        warnings,
    )?;
    Ok((rep, assigned))
}

/// Each new article's cluster id and canonical; also the next free id, the updated cluster
/// table and the events.
///
/// For each of the run's clusters that has a new member, in input order of its first new
/// member: with no earlier member it is a new cluster (next id); otherwise the new members
/// join the lowest current id among the earlier members' clusters, any other such id is
/// merged into it ([`Event::Merged`]), and when the run's canonical is a new article dated
/// before the cluster's canonical it takes its place ([`Event::CanonicalSuperseded`]). A new
/// article in no cluster gets an id of its own, which a later reprint of it joins.
fn assign_clusters(
    index: &Index,
    corpus: &Corpus,
    n_old: usize,
    old_cluster: &[u64],
    scan: &crate::report::Report,
) -> Assigned {
    let pos: HashMap<&str, usize> = corpus
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let mut of_article: Vec<Option<usize>> = vec![None; corpus.len()];
    for (c, cl) in scan.clusters.iter().enumerate() {
        for m in &cl.members {
            if let Some(&p) = pos.get(m.as_str()) {
                of_article[p] = Some(c);
            }
        }
    }
    let mut clusters = index.manifest.clusters.clone();
    let mut next = index.manifest.next_cluster;
    let mut events = Vec::new();
    let mut done: HashMap<usize, (u64, String)> = HashMap::new();
    let mut out = Vec::with_capacity(corpus.len() - n_old);
    for (p, me) in corpus.articles.iter().enumerate().skip(n_old) {
        let Some(c) = of_article[p] else {
            out.push((next, me.id.clone()));
            next += 1;
            continue;
        };
        if let Some(got) = done.get(&c) {
            out.push(got.clone());
            continue;
        }
        let run = &scan.clusters[c];
        let canon_pos = pos[run.canonical.as_str()];
        let mut olds: Vec<u64> = run
            .members
            .iter()
            .filter_map(|m| pos.get(m.as_str()))
            .filter(|&&q| q < n_old)
            .map(|&q| old_cluster[q])
            .collect();
        olds.sort_unstable();
        olds.dedup();
        let got = match olds.first() {
            None => {
                let id = next;
                next += 1;
                clusters.insert(
                    id,
                    ClusterInfo {
                        canonical: run.canonical.clone(),
                        canonical_date: corpus.articles[canon_pos].date.clone(),
                        merged_into: None,
                    },
                );
                (id, run.canonical.clone())
            }
            Some(&into) => {
                // The cluster's canonical so far: its entry, or the one earlier article of a
                // singleton cluster.
                let current = clusters.get(&into).cloned().unwrap_or_else(|| {
                    let q = (0..n_old)
                        .find(|&q| old_cluster[q] == into)
                        .expect("an earlier member has this id");
                    ClusterInfo {
                        canonical: corpus.articles[q].id.clone(),
                        canonical_date: corpus.articles[q].date.clone(),
                        merged_into: None,
                    }
                });
                let mut info = current.clone();
                for &from in &olds[1..] {
                    events.push(Event::Merged {
                        from,
                        into,
                        by: me.id.clone(),
                    });
                    let e = clusters.entry(from).or_insert_with(|| current.clone());
                    e.merged_into = Some(into);
                }
                let canon = &corpus.articles[canon_pos];
                if canon_pos >= n_old && earlier_date(&canon.date, &info.canonical_date) {
                    events.push(Event::CanonicalSuperseded {
                        cluster: into,
                        old: info.canonical.clone(),
                        new: canon.id.clone(),
                    });
                    info.canonical = canon.id.clone();
                    info.canonical_date = canon.date.clone();
                }
                let canonical = info.canonical.clone();
                clusters.insert(into, info);
                (into, canonical)
            }
        };
        done.insert(c, got.clone());
        out.push(got);
    }
    Assigned {
        articles: out,
        next_cluster: next,
        clusters,
        events,
    }
}

/// `a` is a date before `b` by the canonical rule (as text; no date is after every date).
fn earlier_date(a: &str, b: &str) -> bool {
    !a.is_empty() && (b.is_empty() || a < b)
}

/// Reports on `batch` against the index in `dir` without changing it. Takes no lock.
pub fn query(
    dir: &Path,
    batch: Vec<NewArticle>,
    warnings: Vec<Warning>,
    asked: &Config,
) -> Result<report::BatchReport> {
    with_fresh(dir, |index| {
        let cfg = index.config(asked)?;
        Ok(
            plan(index, batch.clone(), warnings.clone(), &cfg)?.map(|mut p| {
                p.report.command = "query";
                p.report
            }),
        )
    })
}

/// Adds `batch` to the index in `dir` as one new segment and reports on it. Holds the
/// writer's lock; removes what an earlier crash left first.
pub fn add(
    dir: &Path,
    batch: Vec<NewArticle>,
    warnings: Vec<Warning>,
    asked: &Config,
) -> Result<report::BatchReport> {
    let _lock = store::lock_index(dir)?;
    let index = Index::open(dir)?;
    let cfg = index.config(asked)?;
    let live: Vec<String> = index
        .manifest
        .segments
        .iter()
        .map(|s| s.file.clone())
        .collect();
    store::clean_leftovers(dir, &live, index.manifest.generation)?;
    let Some(mut plan) = plan(&index, batch, warnings, &cfg)? else {
        return Err(store::corrupt(
            &dir.join(store::MANIFEST),
            "names a segment file that is missing (`reprint index check` tells which)",
        ));
    };
    plan.report.command = "add";
    if plan.articles.is_empty() {
        return Ok(plan.report);
    }
    let mut steps = Steps::from_env();
    let mut m = index.manifest.clone();
    // A format-2 index takes format-3 segments; its manifest says so from now on.
    m.format = store::FORMAT_VERSION;
    let file = store::segment_name(m.next_segment);
    let entry = store::NewSegment {
        articles: &plan.articles,
        texts: &plan.texts,
        events: &plan.events,
        keys: &plan.keys,
    }
    .write(dir, file.clone(), &mut steps)?;
    m.segments.push(entry);
    m.next_segment += 1;
    m.next_cluster = plan.next_cluster;
    m.clusters = plan.clusters;
    m.generation += 1;
    m.written_by = env!("CARGO_PKG_VERSION").to_string();
    store::write_atomic(dir, store::MANIFEST, &m.to_bytes(), &mut steps)?;
    plan.report.segment = Some(file);
    Ok(plan.report)
}

/// Days since 1970-01-01 of a date that starts `YYYY-MM-DD`; `None` for anything else.
pub fn day_number(date: &str) -> Option<i64> {
    let b = date.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| date.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// What `expire` did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Expired {
    /// The newest date in the index, and the first day kept.
    pub newest: String,
    pub kept_from_day: Option<i64>,
    pub segments: Vec<String>,
    pub articles: usize,
}

/// Drops every segment whose newest article is more than `keep_days` days before the newest
/// article in the index (dates as `YYYY-MM-DD…`; a segment without such dates is kept).
/// The manifest is replaced first, then the files removed; a crash between leaves files the
/// next writer removes.
pub fn expire(dir: &Path, keep_days: u32) -> Result<Expired> {
    let _lock = store::lock_index(dir)?;
    let index = Index::open(dir)?;
    let mut m = index.manifest.clone();
    let live: Vec<String> = m.segments.iter().map(|s| s.file.clone()).collect();
    store::clean_leftovers(dir, &live, m.generation)?;
    let newest = m
        .segments
        .iter()
        .filter(|s| day_number(&s.max_date).is_some())
        .map(|s| s.max_date.clone())
        .max()
        .unwrap_or_default();
    let cutoff = day_number(&newest).map(|d| d - i64::from(keep_days));
    let (gone, kept): (Vec<SegmentEntry>, Vec<SegmentEntry>) =
        m.segments
            .drain(..)
            .partition(|s| match (day_number(&s.max_date), cutoff) {
                (Some(d), Some(c)) => d < c,
                _ => false,
            });
    let out = Expired {
        newest,
        kept_from_day: cutoff,
        segments: gone.iter().map(|s| s.file.clone()).collect(),
        articles: gone.iter().map(|s| s.articles).sum(),
    };
    if gone.is_empty() {
        return Ok(out);
    }
    m.segments = kept;
    m.format = store::FORMAT_VERSION;
    m.generation += 1;
    let mut steps = Steps::from_env();
    store::write_atomic(dir, store::MANIFEST, &m.to_bytes(), &mut steps)?;
    store::remove_replaced(dir, gone.iter().map(|s| &s.file), &mut steps)?;
    Ok(out)
}

/// What `check` found: counts of a sound index, and the files a crash left.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Checked {
    pub segments: usize,
    pub articles: usize,
    pub keys: usize,
    pub leftovers: Vec<String>,
}

/// Verifies every checksum and invariant of the index in `dir`: each segment's header,
/// sections and size against the manifest, its key table sorted and in range, one text per
/// article, ids unique across segments, cluster ids below the next free id. The first
/// problem is the error, naming its file. Like every reader, it takes no lock: when a
/// segment is gone because a writer (`expire`, `merge`) replaced the manifest meanwhile, it
/// checks the new manifest's index instead.
pub fn check(dir: &Path) -> Result<Checked> {
    for _ in 0..5 {
        if let Some(c) = check_index(&Index::open(dir)?)? {
            return Ok(c);
        }
    }
    Err(store::corrupt(
        &dir.join(store::MANIFEST),
        "keeps changing under this check (writers keep replacing it); run it again",
    ))
}

/// [`check`] of the index as `index`'s manifest names it; `Ok(None)` when a segment it names
/// is gone and the manifest on disk is another one now.
fn check_index(index: &Index) -> Result<Option<Checked>> {
    let dir = index.dir.as_path();
    let m = &index.manifest;
    let mpath = dir.join(store::MANIFEST);
    let mut ids = HashSet::new();
    let mut out = Checked {
        segments: 0,
        articles: 0,
        keys: 0,
        leftovers: Vec::new(),
    };
    for e in &m.segments {
        let Some(mut s) = store::Segment::open(dir, e)? else {
            if Manifest::read(dir)? != *m {
                return Ok(None);
            }
            return Err(store::corrupt(
                &dir.join(&e.file),
                "named by the manifest but missing",
            ));
        };
        s.events()?;
        let keys = s.keys()?;
        let id_rows = s.ids()?;
        s.check_blocks()?;
        let articles = s.all_articles()?;
        if articles.len() != e.articles {
            return Err(store::corrupt(
                &s.path,
                format!(
                    "{} articles, the manifest says {}",
                    articles.len(),
                    e.articles
                ),
            ));
        }
        let mut want: Vec<(u64, u32)> = articles
            .iter()
            .enumerate()
            .map(|(i, a)| (store::id_hash(&a.id), i as u32))
            .collect();
        want.sort_unstable();
        if want != id_rows {
            return Err(store::corrupt(
                &s.path,
                "the id table does not match the articles' ids",
            ));
        }
        for a in &articles {
            if !ids.insert(a.id.clone()) {
                return Err(store::corrupt(
                    &s.path,
                    format!("article id {:?} is indexed twice", a.id),
                ));
            }
            if a.cluster >= m.next_cluster {
                return Err(store::corrupt(
                    &s.path,
                    format!(
                        "article {:?} has cluster {} past the next free id {}",
                        a.id, a.cluster, m.next_cluster
                    ),
                ));
            }
        }
        out.segments += 1;
        out.articles += e.articles;
        out.keys += keys.len();
    }
    for (&id, c) in &m.clusters {
        if id >= m.next_cluster || c.merged_into.is_some_and(|to| to >= id) {
            return Err(store::corrupt(
                &mpath,
                format!("cluster {id} is past the next free id or merged into a later one"),
            ));
        }
    }
    let live: Vec<String> = m.segments.iter().map(|s| s.file.clone()).collect();
    for entry in std::fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })? {
        let name = entry
            .map_err(|source| Error::Io {
                path: dir.to_path_buf(),
                source,
            })?
            .file_name()
            .to_string_lossy()
            .into_owned();
        if store::is_leftover(&name, &live, m.generation) {
            out.leftovers.push(name);
        }
    }
    out.leftovers.sort();
    Ok(Some(out))
}

/// Counts for `reprint index stats`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stats {
    pub format: u32,
    pub fingerprint: String,
    pub generation: u64,
    pub segments: Vec<SegmentEntry>,
    pub articles: usize,
    pub bytes: u64,
    /// Clusters with more than one member ever, not merged away.
    pub clusters: usize,
    pub next_cluster: u64,
    pub settings: Settings,
}

/// The manifest's counts; reads no segment.
pub fn stats(dir: &Path) -> Result<Stats> {
    let m = Index::open(dir)?.manifest;
    Ok(Stats {
        format: m.format,
        fingerprint: m.fingerprint.clone(),
        generation: m.generation,
        articles: m.segments.iter().map(|s| s.articles).sum(),
        bytes: m.segments.iter().map(|s| s.bytes).sum(),
        clusters: m
            .clusters
            .values()
            .filter(|c| c.merged_into.is_none())
            .count(),
        next_cluster: m.next_cluster,
        segments: m.segments,
        settings: m.settings,
    })
}

/// The window's clusters of two or more articles, by id.
pub fn clusters(dir: &Path) -> Result<report::ClusterList> {
    with_fresh(dir, |index| {
        let Some(mut segments) = index.segments()? else {
            return Ok(None);
        };
        let mut groups: BTreeMap<u64, Vec<StoredArticle>> = BTreeMap::new();
        for s in &mut segments {
            for a in s.all_articles()? {
                groups.entry(index.resolve(a.cluster)).or_default().push(a);
            }
        }
        Ok(Some(report::ClusterList::build(index, groups)))
    })
}
