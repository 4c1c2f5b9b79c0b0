//! The index's files and how they are written: the manifest, the immutable segments, the
//! writer's lock, and the crash-safe order of writes (issue 18).
//!
//! Layout of an index directory:
//!
//! - `manifest.json`: the only mutable file, replaced whole by [`write_atomic`] (temporary
//!   file, fsync, rename, fsync of the directory). It names every live segment with its size
//!   and header checksum; a reader reads only what it names. Its last line is
//!   `#xxh3=<16 hex digits>`, the checksum of everything before it.
//! - `seg-NNNNNNNN.rps`: one per `add`, and `seg-FFFFFFFF-LLLLLLLL.rps`: one per run of
//!   adjacent segments that `merge` rewrote as one (adds F to L). Never changed once the
//!   manifest names it. A fixed header (magic, format version, seven sections' offset,
//!   length and xxh3, the header's own xxh3), then the sections, all integers little-endian:
//!   - `events`: zstd-compressed JSON, the cluster events of the `add` that wrote it (of a
//!     merged segment, those of the adds it holds, in order);
//!   - `keys`: the sorted key table, 12 bytes a row (key `u64`, article `u32`);
//!   - `ids`: the sorted id table, 12 bytes a row (xxh3 of the article id `u64`, article
//!     `u32`), so a known id is found without reading any article (the exact id is compared
//!     only on a hash hit);
//!   - `pages`: the page table: the block count `u32`; per block 24 bytes (articles `u32`,
//!     compressed length `u32`, offset in `blocks` `u64`, xxh3 of the block `u64`); per
//!     article 8 bytes (its block `u32` and its place in the block `u32`);
//!   - `blocks`: the articles (id, title, source, date, cluster and text) in blocks of about
//!     [`BLOCK_BYTES`] of text, each a zstd-compressed JSON list. Articles are stored grouped
//!     by cluster, so a story's copies share a block and compress together. Reading N articles
//!     decompresses the blocks they are in, not the segment (format 2; format 1 kept every
//!     text in one compressed list, so one candidate cost the whole segment);
//!   - `key_pages` and `id_pages` (format 3): the sparse index of the key and id tables, 16
//!     bytes per page of [`TABLE_PAGE_ROWS`] rows (the page's first key `u64`, the xxh3 of
//!     its bytes `u64`). A lookup of K keys binary-searches it and reads only the pages that
//!     can hold them, each checked against its own checksum, instead of the whole table
//!     ([`Segment::for_each_row`]).
//!
//! Format-2 segments (five sections, no `key_pages` or `id_pages`) are still read: their
//! lookups stream the whole table as before, so an index written by an earlier build keeps
//! working, and segments of both formats can live in one index. A write by this build marks
//! the manifest format 3 (which an earlier build refuses, naming both versions).
//! - `LOCK`: held (an OS file lock, released when the process dies) by the one writer.
//!
//! - `recluster-GGGGGGGG.json`: the old → new cluster map of the `recluster` that committed
//!   generation G, written before that manifest (so a committed recluster always has its map).
//!
//! Files whose name starts with `.tmp-`, segments the manifest does not name and maps of a
//! generation past the manifest's are what a crash leaves; the next writer removes them
//! ([`clean_leftovers`]).

use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::error::{Error, Result};

/// Version of the on-disk format (manifest and segments); bumped on any incompatible change.
/// Format 1 (texts in one compressed list per segment, no id or page table) is refused with
/// a message that names both versions and `reprint index migrate` ([`super::migrate`]).
pub const FORMAT_VERSION: u32 = 3;
/// The oldest format read: format 2 differs only by the key and id page tables.
pub const OLDEST_FORMAT: u32 = 2;
/// The manifest's file name.
pub const MANIFEST: &str = "manifest.json";
/// The writer's lock file.
pub const LOCK: &str = "LOCK";
/// Prefix of temporary files (a crash may leave them; the next writer removes them).
pub const TMP_PREFIX: &str = ".tmp-";
pub(super) const SEG_MAGIC: &[u8; 8] = b"RPRTSEG\0";
/// The sections of a segment, in file order (a format-2 segment has the first five).
const SECTIONS: [&str; 7] = [
    "events",
    "keys",
    "ids",
    "pages",
    "blocks",
    "key_pages",
    "id_pages",
];
const EVENTS: usize = 0;
/// The key table (a sorted table of 12-byte rows, [`Segment::for_each_row`]).
pub const KEYS: usize = 1;
/// The id table (a sorted table of 12-byte rows, [`Segment::for_each_row`]).
pub const IDS: usize = 2;
const PAGES: usize = 3;
const BLOCKS: usize = 4;
const KEY_PAGES: usize = 5;
const ID_PAGES: usize = 6;
/// Sections of a segment of `version`.
fn sections_of(version: u32) -> usize {
    if version == 2 {
        5
    } else {
        SECTIONS.len()
    }
}
/// Magic, version, the sections' (offset, length, xxh3), header xxh3.
const fn header_bytes(sections: usize) -> usize {
    8 + 4 + sections * 24 + 8
}
const HEADER_BYTES: usize = header_bytes(SECTIONS.len());
/// Bytes per row of the key table.
pub const KEY_ROW_BYTES: usize = 12;
/// Rows of a sorted table read at once by [`Segment::for_each_row`] (about 100 KB).
pub const KEY_SLICE_ROWS: usize = 8192;
/// Rows per page of the key and id page tables (3 KB of table). A one-article lookup reads
/// about one page per key per segment; the page table costs 16 bytes per page (0.5% of the
/// table). Smaller pages make the page table larger than the pages a lookup reads, larger
/// ones read more rows per key (and the OS reads 4 KB at least).
pub const TABLE_PAGE_ROWS: usize = 256;
/// Bytes per row of a page table.
pub const TABLE_PAGE_BYTES: usize = 16;
/// Bytes per row of the id table.
pub const ID_ROW_BYTES: usize = 12;
/// Bytes per block row of the page table.
pub const BLOCK_ROW_BYTES: usize = 24;
/// Bytes per article row of the page table.
pub const SLOT_ROW_BYTES: usize = 8;
/// A block is closed once its articles' texts reach this many bytes (a block holds at least
/// one article). Smaller blocks cost less to read per candidate and compress worse.
pub const BLOCK_BYTES: usize = 16 * 1024;

/// An error about one index file: the path and what is wrong with it.
pub fn corrupt(path: &Path, message: impl Into<String>) -> Error {
    Error::Unusable {
        file: path.display().to_string(),
        message: message.into(),
    }
}

pub(super) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The test hook of the crash tests: with `REPRINT_INDEX_ABORT_AFTER=K` set, the process
/// exits (status 86, no cleanup, as a crash would) right after the K-th write step of the
/// command. Steps are counted from 1 by [`Steps::done`].
pub struct Steps {
    abort_after: Option<u32>,
    done: u32,
}

/// The exit status of an injected abort.
pub const ABORT_STATUS: i32 = 86;

impl Steps {
    pub fn from_env() -> Steps {
        Steps {
            abort_after: std::env::var("REPRINT_INDEX_ABORT_AFTER")
                .ok()
                .and_then(|v| v.parse().ok()),
            done: 0,
        }
    }
    /// Marks one write step done; exits here when the hook asks for it.
    pub fn done(&mut self) {
        self.done += 1;
        if self.abort_after == Some(self.done) {
            eprintln!(
                "reprint: aborting after write step {} (REPRINT_INDEX_ABORT_AFTER)",
                self.done
            );
            std::process::exit(ABORT_STATUS);
        }
    }
}

/// Makes the directory's entries (a rename, a new or removed file) durable.
pub fn sync_dir(dir: &Path) -> Result<()> {
    // Directories cannot be opened for syncing on Windows; NTFS journals renames itself.
    #[cfg(unix)]
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(dir))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Writes `bytes` to `dir/name` so that a crash leaves either the old file or the new one:
/// a temporary file, fsync, rename over the name, fsync of the directory (three steps).
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8], steps: &mut Steps) -> Result<()> {
    let tmp = dir.join(format!("{TMP_PREFIX}{name}"));
    let mut f = File::create(&tmp).map_err(io(&tmp))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(io(&tmp))?;
    drop(f);
    steps.done();
    let path = dir.join(name);
    fs::rename(&tmp, &path).map_err(io(&path))?;
    steps.done();
    sync_dir(dir)?;
    steps.done();
    Ok(())
}

/// The writer's lock on `dir/LOCK`, held until dropped (or the process ends).
pub struct WriterLock {
    _file: File,
}

/// Takes the writer's lock of the index in `dir`: fails with "no index here" naming the
/// manifest when `dir` holds none (so no `LOCK` file is left in a directory that is not an
/// index, and a missing directory gets the same message), else as [`lock`].
pub fn lock_index(dir: &Path) -> Result<WriterLock> {
    let manifest = dir.join(MANIFEST);
    if !manifest.is_file() {
        return Err(no_index(&manifest));
    }
    lock(dir)
}

/// The error of a directory that holds no index (its manifest is `manifest`).
fn no_index(manifest: &Path) -> Error {
    corrupt(
        manifest,
        "no index here (create one with `reprint index init DIR`)",
    )
}

/// Removes the segment files a committed manifest no longer names (`files`, in `dir`), each
/// a write step, then syncs the directory: the last part of `expire`, `merge`, `recluster`
/// and `migrate`, after their manifest's commit.
pub fn remove_replaced<'a>(
    dir: &Path,
    files: impl IntoIterator<Item = &'a String>,
    steps: &mut Steps,
) -> Result<()> {
    for file in files {
        let p = dir.join(file);
        fs::remove_file(&p).map_err(io(&p))?;
        steps.done();
    }
    sync_dir(dir)
}

/// Takes the writer's lock, or fails at once naming the lock file if another writer holds it.
pub fn lock(dir: &Path) -> Result<WriterLock> {
    let path = dir.join(LOCK);
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io(&path))?;
    match file.try_lock() {
        Ok(()) => Ok(WriterLock { _file: file }),
        Err(fs::TryLockError::WouldBlock) => Err(corrupt(
            &path,
            "another reprint process is writing to this index (add, expire, merge or recluster); try again \
             when it has finished",
        )),
        Err(fs::TryLockError::Error(e)) => Err(io(&path)(e)),
    }
}

/// Removes what a crashed writer left: temporary files and segments `live` does not name.
/// Only a writer holding the lock calls this. Returns the names removed, sorted.
pub fn clean_leftovers(dir: &Path, live: &[String], generation: u64) -> Result<Vec<String>> {
    let mut removed = Vec::new();
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_leftover(&name, live, generation) {
            let p = entry.path();
            fs::remove_file(&p).map_err(io(&p))?;
            removed.push(name);
        }
    }
    if !removed.is_empty() {
        sync_dir(dir)?;
    }
    removed.sort();
    Ok(removed)
}

/// `name` is a file a crash left in an index whose manifest names segments `live` and is at
/// `generation`: a temporary file, a segment the manifest does not name, or the map of a
/// recluster that did not commit.
pub fn is_leftover(name: &str, live: &[String], generation: u64) -> bool {
    let orphan =
        name.starts_with("seg-") && name.ends_with(".rps") && !live.iter().any(|l| l == name);
    let uncommitted_map = map_generation(name).is_some_and(|g| g > generation);
    name.starts_with(TMP_PREFIX) || orphan || uncommitted_map
}

/// The file name of the cluster map of the recluster that commits `generation`.
pub fn map_name(generation: u64) -> String {
    format!("recluster-{generation:08}.json")
}

/// The generation a recluster map file is of; `None` for any other name.
pub fn map_generation(name: &str) -> Option<u64> {
    let g = name.strip_prefix("recluster-")?.strip_suffix(".json")?;
    (g.len() >= 8 && g.bytes().all(|b| b.is_ascii_digit()))
        .then(|| g.parse().ok())
        .flatten()
}

/// A live segment as the manifest names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentEntry {
    pub file: String,
    pub articles: usize,
    pub bytes: u64,
    /// xxh3 of the segment's header, which holds its sections' checksums, as 16 hex digits.
    pub header_xxh3: String,
    /// Earliest and latest article date (as text; empty when no article has one).
    pub min_date: String,
    pub max_date: String,
    /// Of a merged segment whose newest date is ISO: the oldest of the newest dates of the
    /// adds' segments it holds (`expire` drops a segment by its newest date, so an article
    /// can stay up to the days between the two). Empty for an `add`'s segment, where it is
    /// `max_date`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub first_max_date: String,
}

impl SegmentEntry {
    /// The entry of segment `file` holding `articles`, encoded as `bytes` with header
    /// checksum `header` ([`encode_segment`]); its dates are the articles' (empty ones left
    /// out), compared as text.
    pub fn new(file: String, articles: &[StoredArticle], bytes: u64, header: u64) -> SegmentEntry {
        let dates = articles
            .iter()
            .map(|a| a.date.as_str())
            .filter(|d| !d.is_empty());
        SegmentEntry {
            file,
            articles: articles.len(),
            bytes,
            header_xxh3: format!("{header:016x}"),
            min_date: dates.clone().min().unwrap_or_default().to_string(),
            max_date: dates.max().unwrap_or_default().to_string(),
            first_max_date: String::new(),
        }
    }
}

/// The file name of the segment the `number`-th `add` writes: `seg-NNNNNNNN.rps`.
pub fn segment_name(number: u64) -> String {
    format!("seg-{number:08}.rps")
}

/// The file name of a segment merged from the segments of adds `first` to `last`:
/// `seg-FFFFFFFF-LLLLLLLL.rps`. No other segment can have it: `add` names its segment by a
/// number past every earlier one, and a merge's range covers at least two numbers no live
/// segment shares.
pub fn merged_name(first: u64, last: u64) -> String {
    format!("seg-{first:08}-{last:08}.rps")
}

/// The file name of segment `file` rewritten by the recluster that commits `generation`
/// (the same articles with new cluster ids): `seg-N.gGGGGGGGG.rps` or `seg-A-B.gGGGGGGGG.rps`.
/// No other segment can have it, since generations only grow. `None` for a name reprint does
/// not write.
pub fn rewritten_name(file: &str, generation: u64) -> Option<String> {
    let (first, last) = segment_numbers(file)?;
    let stem = if first == last {
        segment_name(first)
    } else {
        merged_name(first, last)
    };
    Some(format!(
        "{}.g{generation:08}.rps",
        stem.strip_suffix(".rps")?
    ))
}

/// The adds whose articles segment `file` holds, first and last: `seg-N.rps` holds N's,
/// `seg-A-B.rps` (a merge) A's to B's, and so do their rewrites by a recluster
/// (`seg-N.gG.rps`, `seg-A-B.gG.rps`). `None` for a name reprint does not write.
pub fn segment_numbers(file: &str) -> Option<(u64, u64)> {
    let num = |t: &str| {
        (t.len() >= 8 && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let mut stem = file.strip_prefix("seg-")?.strip_suffix(".rps")?;
    if let Some((s, g)) = stem.split_once(".g") {
        num(g)?;
        stem = s;
    }
    match stem.split_once('-') {
        None => num(stem).map(|n| (n, n)),
        Some((a, b)) => Some((num(a)?, num(b)?)).filter(|(a, b)| a < b),
    }
}

/// What the index knows of a cluster with more than one member (a singleton cluster is its
/// article's own id, with no entry).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterInfo {
    pub canonical: String,
    pub canonical_date: String,
    /// Set when an article joined this cluster to another one: the id it now belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<u64>,
}

/// The manifest: settings, live segments and the cluster table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// The reprint version that last wrote the index.
    pub written_by: String,
    /// xxh3 fingerprint of everything that changes hashes or verdicts ([`super::fingerprint`]).
    pub fingerprint: String,
    pub settings: super::Settings,
    /// Bumped by every committed write.
    pub generation: u64,
    pub next_segment: u64,
    pub next_cluster: u64,
    pub segments: Vec<SegmentEntry>,
    pub clusters: std::collections::BTreeMap<u64, ClusterInfo>,
}

impl Manifest {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self).expect("a manifest serialises");
        out.push(b'\n');
        let sum = xxh3_64(&out);
        out.extend_from_slice(format!("#xxh3={sum:016x}\n").as_bytes());
        out
    }

    /// Reads `dir`'s manifest, checking its checksum and format version.
    pub fn read(dir: &Path) -> Result<Manifest> {
        let m = Manifest::read_any(dir)?;
        if !(OLDEST_FORMAT..=FORMAT_VERSION).contains(&m.format) {
            return Err(corrupt(&dir.join(MANIFEST), old_format(m.format)));
        }
        Ok(m)
    }

    /// Reads `dir`'s manifest, checking its checksum but not its format version (format 1's
    /// manifest has the fields of this one; [`super::migrate`] reads it so).
    pub fn read_any(dir: &Path) -> Result<Manifest> {
        let path = dir.join(MANIFEST);
        let bytes = match fs::read(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(no_index(&path)),
            r => r.map_err(io(&path))?,
        };
        let body_end = bytes
            .strip_suffix(b"\n")
            .and_then(|b| b.iter().rposition(|&c| c == b'\n'))
            .map(|i| i + 1)
            .ok_or_else(|| corrupt(&path, "checksum error: no checksum line"))?;
        let (body, tail) = bytes.split_at(body_end);
        let want = std::str::from_utf8(tail)
            .ok()
            .and_then(|t| t.trim_end().strip_prefix("#xxh3="))
            .and_then(|h| u64::from_str_radix(h, 16).ok())
            .ok_or_else(|| corrupt(&path, "checksum error: the checksum line is damaged"))?;
        let got = xxh3_64(body);
        if got != want {
            return Err(corrupt(
                &path,
                format!("checksum error: xxh3 is {got:016x}, the file says {want:016x}"),
            ));
        }
        serde_json::from_slice(body)
            .map_err(|e| corrupt(&path, format!("not a reprint index manifest: {e}")))
    }
}

/// The refusal of another format version: format 1 names the command that migrates it.
pub fn old_format(found: u32) -> String {
    let what = format!(
        "index format {found} is not a format this reprint reads ({OLDEST_FORMAT} to \
         {FORMAT_VERSION}; format 2 stores texts in blocks with a page table, format 3 adds \
         page tables of the key and id tables)"
    );
    if found == 1 {
        format!("{what}; rewrite it in format {FORMAT_VERSION} with `reprint index migrate DIR`")
    } else {
        format!(
            "{what}; it was written by a newer reprint: use that version, or rebuild the \
             index with this one (`reprint index init NEW`, then `reprint index add NEW` with \
             the original inputs)"
        )
    }
}

/// The hash of an article id in the id table.
pub fn id_hash(id: &str) -> u64 {
    xxh3_64(id.as_bytes())
}

/// One article as a segment stores it (its text is stored next to it, in the same block).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredArticle {
    pub id: String,
    pub title: String,
    pub source: String,
    pub date: String,
    /// The cluster it was given when added (follow `merged_into` in the manifest).
    pub cluster: u64,
}

/// A segment's contents, ready to write.
pub struct NewSegment<'a> {
    pub articles: &'a [StoredArticle],
    /// One per article.
    pub texts: &'a [String],
    /// The cluster events of the `add` that writes this segment (of a merge: of the adds
    /// its parts hold, in order).
    pub events: &'a [super::Event],
    /// Sorted (key, article) rows.
    pub keys: &'a [(u64, u32)],
}

fn zstd_json<T: Serialize + ?Sized>(v: &T) -> Vec<u8> {
    let json = serde_json::to_vec(v).expect("segment data serialises");
    zstd::bulk::compress(&json, 3).expect("zstd compresses in memory")
}

/// A block as the page table describes it: `count` articles, `len` bytes at `offset` in the
/// `blocks` section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    pub count: u32,
    pub len: u32,
    pub offset: u64,
    pub xxh3: u64,
}

/// The page table of a sorted key or id table (format 3): per page of [`TABLE_PAGE_ROWS`]
/// rows, its first key and the xxh3 of its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TablePages {
    pub first: Vec<u64>,
    pub xxh3: Vec<u64>,
}

impl TablePages {
    /// The pages that can hold a row of any of `keys` (sorted), in order, each once. A key's
    /// rows start in the last page whose first key is below it (a run of equal keys can
    /// cross a page boundary) and end in the last page whose first key is at most it. One
    /// walk over keys and pages together (a day's batch has more keys than the table has
    /// pages), stopping once every page is taken.
    pub fn pages_for(&self, keys: &[u64]) -> Vec<usize> {
        let n = self.first.len();
        let mut out: Vec<usize> = Vec::new();
        // Pages with a first key below k, and at most k.
        let (mut below, mut upto) = (0, 0);
        for &k in keys {
            while below < n && self.first[below] < k {
                below += 1;
            }
            while upto < n && self.first[upto] <= k {
                upto += 1;
            }
            if upto == 0 {
                continue;
            }
            let lo = below.max(1) - 1;
            let start = out.last().map_or(lo, |&l| lo.max(l + 1));
            out.extend(start..upto);
            if out.len() == n {
                break;
            }
        }
        out
    }
}

/// The page table: the blocks, and where each article is (block, place in the block).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pages {
    pub blocks: Vec<Block>,
    pub slots: Vec<(u32, u32)>,
}

/// Splits the articles into blocks, grouped by cluster (then in article order) so that a
/// story's copies compress together: returns the page table and the `blocks` section.
fn encode_blocks(articles: &[StoredArticle], texts: &[String]) -> (Pages, Vec<u8>) {
    assert_eq!(articles.len(), texts.len(), "one text per article");
    let mut order: Vec<usize> = (0..articles.len()).collect();
    order.sort_by_key(|&i| (articles[i].cluster, i));
    let mut pages = Pages {
        blocks: Vec::new(),
        slots: vec![(0, 0); articles.len()],
    };
    let mut data = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let mut end = start;
        let mut bytes = 0;
        while end < order.len() && (end == start || bytes < BLOCK_BYTES) {
            bytes += texts[order[end]].len();
            end += 1;
        }
        let b = pages.blocks.len() as u32;
        let run: Vec<(&StoredArticle, &str)> = order[start..end]
            .iter()
            .enumerate()
            .map(|(slot, &i)| {
                pages.slots[i] = (b, slot as u32);
                (&articles[i], texts[i].as_str())
            })
            .collect();
        let z = zstd_json(&run);
        pages.blocks.push(Block {
            count: (end - start) as u32,
            len: u32::try_from(z.len()).expect("a block is far below 4 GB"),
            offset: data.len() as u64,
            xxh3: xxh3_64(&z),
        });
        data.extend_from_slice(&z);
        start = end;
    }
    (pages, data)
}

/// The page table of a sorted table of 12-byte rows: per [`TABLE_PAGE_ROWS`] rows, the first
/// key and the xxh3 of the page's bytes.
fn table_pages(table: &[u8]) -> Vec<u8> {
    let page_bytes = TABLE_PAGE_ROWS * KEY_ROW_BYTES;
    let mut out = Vec::with_capacity(table.len().div_ceil(page_bytes) * TABLE_PAGE_BYTES);
    for page in table.chunks(page_bytes) {
        out.extend_from_slice(&page[..8]);
        out.extend_from_slice(&xxh3_64(page).to_le_bytes());
    }
    out
}

impl NewSegment<'_> {
    /// Encodes the segment and writes it as `file` in `dir` ([`write_atomic`]); returns its
    /// manifest entry.
    pub fn write(&self, dir: &Path, file: String, steps: &mut Steps) -> Result<SegmentEntry> {
        let (bytes, header) = encode_segment(self);
        write_atomic(dir, &file, &bytes, steps)?;
        Ok(SegmentEntry::new(
            file,
            self.articles,
            bytes.len() as u64,
            header,
        ))
    }
}

/// Encodes a segment; returns its bytes and its header checksum.
pub fn encode_segment(seg: &NewSegment) -> (Vec<u8>, u64) {
    let events = zstd_json(seg.events);
    let mut keys = Vec::with_capacity(seg.keys.len() * KEY_ROW_BYTES);
    for &(k, a) in seg.keys {
        keys.extend_from_slice(&k.to_le_bytes());
        keys.extend_from_slice(&a.to_le_bytes());
    }
    let mut id_rows: Vec<(u64, u32)> = seg
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (id_hash(&a.id), i as u32))
        .collect();
    id_rows.sort_unstable();
    let mut ids = Vec::with_capacity(id_rows.len() * ID_ROW_BYTES);
    for (h, a) in id_rows {
        ids.extend_from_slice(&h.to_le_bytes());
        ids.extend_from_slice(&a.to_le_bytes());
    }
    let (table, blocks) = encode_blocks(seg.articles, seg.texts);
    let mut pages = Vec::with_capacity(
        4 + table.blocks.len() * BLOCK_ROW_BYTES + table.slots.len() * SLOT_ROW_BYTES,
    );
    pages.extend_from_slice(&(table.blocks.len() as u32).to_le_bytes());
    for p in &table.blocks {
        pages.extend_from_slice(&p.count.to_le_bytes());
        pages.extend_from_slice(&p.len.to_le_bytes());
        pages.extend_from_slice(&p.offset.to_le_bytes());
        pages.extend_from_slice(&p.xxh3.to_le_bytes());
    }
    for &(b, slot) in &table.slots {
        pages.extend_from_slice(&b.to_le_bytes());
        pages.extend_from_slice(&slot.to_le_bytes());
    }
    let key_pages = table_pages(&keys);
    let id_pages = table_pages(&ids);
    let sections = [&events, &keys, &ids, &pages, &blocks, &key_pages, &id_pages];
    let mut header = Vec::with_capacity(HEADER_BYTES);
    header.extend_from_slice(SEG_MAGIC);
    header.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    let mut offset = HEADER_BYTES as u64;
    for s in sections {
        header.extend_from_slice(&offset.to_le_bytes());
        header.extend_from_slice(&(s.len() as u64).to_le_bytes());
        header.extend_from_slice(&xxh3_64(s).to_le_bytes());
        offset += s.len() as u64;
    }
    let sum = xxh3_64(&header);
    header.extend_from_slice(&sum.to_le_bytes());
    let mut out = header;
    for s in sections {
        out.extend_from_slice(s);
    }
    (out, sum)
}

/// An open segment: its header read and checked against the manifest's entry. Tables are
/// read on demand and not kept, so an open segment costs a file handle and its header.
pub struct Segment {
    pub path: PathBuf,
    file: File,
    /// The segment's format version (2 has no page tables of its key and id tables).
    pub version: u32,
    /// Articles in the segment (the manifest's count, which the header's checksum backs).
    pub articles: usize,
    /// (offset, length, xxh3) of each section, in [`SECTIONS`] order (a format-2 segment's
    /// last two are empty).
    sections: [(u64, u64, u64); SECTIONS.len()],
}

pub(super) fn le_u64(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

pub(super) fn le_u32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}

impl Segment {
    /// Opens `dir/entry.file` and checks its header. `Ok(None)` when the file is gone (an
    /// `expire` or a `merge` removed it after this reader read the manifest: read the manifest
    /// again).
    pub fn open(dir: &Path, entry: &SegmentEntry) -> Result<Option<Segment>> {
        let path = dir.join(&entry.file);
        let mut file = match File::open(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            r => r.map_err(io(&path))?,
        };
        let len = file.metadata().map_err(io(&path))?.len();
        if len != entry.bytes {
            return Err(corrupt(
                &path,
                format!("{len} bytes, the manifest says {}", entry.bytes),
            ));
        }
        let mut h = [0u8; HEADER_BYTES];
        file.read_exact(&mut h[..12])
            .map_err(|e| corrupt(&path, format!("segment header unreadable: {e}")))?;
        if &h[..8] != SEG_MAGIC {
            return Err(corrupt(&path, "checksum error in the segment header"));
        }
        let version = le_u32(&h, 8);
        if !(OLDEST_FORMAT..=FORMAT_VERSION).contains(&version) {
            // A format-1 segment under a newer manifest: damage or a hand-copied file.
            return Err(corrupt(&path, old_format(version)));
        }
        let n_sections = sections_of(version);
        let h = &mut h[..header_bytes(n_sections)];
        file.read_exact(&mut h[12..])
            .map_err(|e| corrupt(&path, format!("segment header unreadable: {e}")))?;
        let sum = le_u64(h, h.len() - 8);
        if xxh3_64(&h[..h.len() - 8]) != sum {
            return Err(corrupt(&path, "checksum error in the segment header"));
        }
        if format!("{sum:016x}") != entry.header_xxh3 {
            return Err(corrupt(
                &path,
                "checksum error: the header is not the one the manifest names",
            ));
        }
        let mut sections = [(0, 0, 0); SECTIONS.len()];
        for (i, s) in sections.iter_mut().enumerate().take(n_sections) {
            let at = 12 + i * 24;
            *s = (le_u64(h, at), le_u64(h, at + 8), le_u64(h, at + 16));
            if s.0.checked_add(s.1).is_none_or(|end| end > len) {
                return Err(corrupt(&path, "a section runs past the end of the file"));
            }
        }
        Ok(Some(Segment {
            path,
            file,
            version,
            articles: entry.articles,
            sections,
        }))
    }

    /// `len` bytes at `off` of the file.
    fn read_at(&mut self, off: u64, len: u64) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; len as usize];
        self.file
            .seek(SeekFrom::Start(off))
            .and_then(|_| self.file.read_exact(&mut buf))
            .map_err(io(&self.path))?;
        Ok(buf)
    }

    /// Section `i`, its checksum checked.
    fn section(&mut self, i: usize) -> Result<Vec<u8>> {
        let (off, len, want) = self.sections[i];
        let buf = self.read_at(off, len)?;
        if xxh3_64(&buf) != want {
            return Err(corrupt(
                &self.path,
                format!("checksum error in the {} section", SECTIONS[i]),
            ));
        }
        Ok(buf)
    }

    fn unzstd_json<T: serde::de::DeserializeOwned>(&self, raw: &[u8], what: &str) -> Result<T> {
        let json = zstd::stream::decode_all(raw)
            .map_err(|e| corrupt(&self.path, format!("{what} does not decompress: {e}")))?;
        serde_json::from_slice(&json)
            .map_err(|e| corrupt(&self.path, format!("{what} is not what reprint wrote: {e}")))
    }

    /// The cluster events of the `add` that wrote this segment (of a merged segment: of the
    /// adds it holds, in order).
    pub fn events(&mut self) -> Result<Vec<super::Event>> {
        let raw = self.section(EVENTS)?;
        self.unzstd_json(&raw, "the events section")
    }

    /// The key table, checked to be sorted with articles in the segment.
    pub fn keys(&mut self) -> Result<Vec<(u64, u32)>> {
        let mut rows = Vec::new();
        self.for_each_row(KEYS, None, |k, a| rows.push((k, a)))?;
        Ok(rows)
    }

    /// The id table: (id hash, article), sorted, one row per article.
    pub fn ids(&mut self) -> Result<Vec<(u64, u32)>> {
        let mut rows = Vec::with_capacity(self.articles);
        self.for_each_row(IDS, None, |h, a| rows.push((h, a)))?;
        if rows.len() != self.articles {
            return Err(corrupt(
                &self.path,
                format!("{} id rows for {} articles", rows.len(), self.articles),
            ));
        }
        Ok(rows)
    }

    /// The page table of sorted table `table` ([`KEYS`] or [`IDS`]), checked to have one row
    /// per page and first keys in order; `None` for a format-2 segment, which has none.
    pub fn table_pages(&mut self, table: usize) -> Result<Option<TablePages>> {
        if self.version < 3 {
            return Ok(None);
        }
        let section = if table == KEYS { KEY_PAGES } else { ID_PAGES };
        let raw = self.section(section)?;
        let rows = self.sections[table].1 / KEY_ROW_BYTES as u64;
        let pages = rows.div_ceil(TABLE_PAGE_ROWS as u64);
        if raw.len() as u64 != pages * TABLE_PAGE_BYTES as u64 {
            return Err(corrupt(
                &self.path,
                format!(
                    "the {} section has {} bytes for the {pages} pages of the {} table",
                    SECTIONS[section],
                    raw.len(),
                    SECTIONS[table]
                ),
            ));
        }
        let (first, xxh3): (Vec<u64>, Vec<u64>) = raw
            .chunks_exact(TABLE_PAGE_BYTES)
            .map(|r| (le_u64(r, 0), le_u64(r, 8)))
            .unzip();
        if first.windows(2).any(|w| w[0] > w[1]) {
            return Err(corrupt(
                &self.path,
                format!("the {} section is not sorted", SECTIONS[section]),
            ));
        }
        Ok(Some(TablePages { first, xxh3 }))
    }

    /// Calls `f` with the (key, article) rows of sorted table `table` ([`KEYS`] or [`IDS`]),
    /// in order: every row; or, with `wanted` (sorted keys), at least every row whose key is
    /// in `wanted` (with the other rows of the pages read: the caller filters).
    ///
    /// A format-3 segment with `wanted` reads only the pages its page table says can hold a
    /// wanted key (in runs of consecutive pages), each checked against its own checksum
    /// before its rows are passed on. Without `wanted`, or in a format-2 segment, the whole
    /// table is streamed in slices of [`KEY_SLICE_ROWS`] rows and the section's checksum is
    /// known only at the end. Rows are checked to be in order and to name an article of the
    /// segment. On any error the caller must drop what `f` gathered. Memory does not grow
    /// with the segment.
    pub fn for_each_row(
        &mut self,
        table: usize,
        wanted: Option<&[u64]>,
        mut f: impl FnMut(u64, u32),
    ) -> Result<()> {
        let name = SECTIONS[table];
        let (off, len, want) = self.sections[table];
        if !len.is_multiple_of(KEY_ROW_BYTES as u64) {
            return Err(corrupt(
                &self.path,
                format!("the {name} section has a partial row"),
            ));
        }
        let page_bytes = (TABLE_PAGE_ROWS * KEY_ROW_BYTES) as u64;
        let n_pages = len.div_ceil(page_bytes) as usize;
        let paged = self.table_pages(table)?;
        let pages: Vec<usize> = match (&paged, wanted) {
            (Some(p), Some(w)) => p.pages_for(w),
            _ => (0..n_pages).collect(),
        };
        let whole = pages.len() == n_pages;
        let per_read = (KEY_SLICE_ROWS / TABLE_PAGE_ROWS).max(1);
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        let mut last = None;
        let mut broken = false;
        for run in pages.chunk_by(|x, y| x + 1 == *y) {
            for reads in run.chunks(per_read) {
                let start = reads[0] as u64 * page_bytes;
                let end = ((reads[reads.len() - 1] as u64 + 1) * page_bytes).min(len);
                let raw = self.read_at(off + start, end - start)?;
                if whole {
                    h.update(&raw);
                }
                for (p, page) in (reads[0]..).zip(raw.chunks(page_bytes as usize)) {
                    if let Some(paged) = &paged {
                        if xxh3_64(page) != paged.xxh3[p] {
                            return Err(corrupt(
                                &self.path,
                                format!("checksum error in page {p} of the {name} section"),
                            ));
                        }
                        if le_u64(page, 0) != paged.first[p] {
                            return Err(corrupt(
                                &self.path,
                                format!(
                                    "page {p} of the {name} section does not start with the \
                                     key its page table names"
                                ),
                            ));
                        }
                    }
                    for r in page.chunks_exact(KEY_ROW_BYTES) {
                        let row = (le_u64(r, 0), le_u32(r, 8));
                        broken = broken
                            || last.is_some_and(|l| l > row)
                            || row.1 as usize >= self.articles;
                        if !broken {
                            last = Some(row);
                            f(row.0, row.1);
                        }
                    }
                }
            }
        }
        // A flipped byte is a checksum error before it is a row out of order.
        if whole && h.digest() != want {
            return Err(corrupt(
                &self.path,
                format!("checksum error in the {name} section"),
            ));
        }
        if broken {
            return Err(corrupt(
                &self.path,
                format!("the {name} table is not sorted or names a missing article"),
            ));
        }
        Ok(())
    }

    /// The page table, checked: blocks contiguous and covering the whole `blocks` section,
    /// each article in exactly one place of one block.
    pub fn pages(&mut self) -> Result<Pages> {
        let raw = self.section(PAGES)?;
        let bad = |what: &str| corrupt(&self.path, format!("the page table {what}"));
        if raw.len() < 4 {
            return Err(bad("has no block count"));
        }
        let n_blocks = le_u32(&raw, 0) as usize;
        let slots_at = n_blocks
            .checked_mul(BLOCK_ROW_BYTES)
            .and_then(|b| b.checked_add(4))
            .filter(|&at| at <= raw.len())
            .ok_or_else(|| bad("is shorter than its block count says"))?;
        if raw.len() - slots_at != self.articles * SLOT_ROW_BYTES {
            return Err(bad("does not have one row per article"));
        }
        let blocks: Vec<Block> = raw[4..slots_at]
            .chunks_exact(BLOCK_ROW_BYTES)
            .map(|r| Block {
                count: le_u32(r, 0),
                len: le_u32(r, 4),
                offset: le_u64(r, 8),
                xxh3: le_u64(r, 16),
            })
            .collect();
        // Where each block's places start in article-count terms, to check every place is
        // taken once.
        let mut base = Vec::with_capacity(blocks.len());
        let (mut offset, mut places) = (0u64, 0usize);
        for (b, p) in blocks.iter().enumerate() {
            if p.count == 0 || p.offset != offset {
                return Err(bad(&format!("row {b} does not follow the one before")));
            }
            base.push(places);
            offset += u64::from(p.len);
            places += p.count as usize;
        }
        if offset != self.sections[BLOCKS].1 || places != self.articles {
            return Err(bad("does not cover the blocks section"));
        }
        let slots: Vec<(u32, u32)> = raw[slots_at..]
            .chunks_exact(SLOT_ROW_BYTES)
            .map(|r| (le_u32(r, 0), le_u32(r, 4)))
            .collect();
        let mut taken = vec![false; self.articles];
        for &(b, slot) in &slots {
            let at = blocks
                .get(b as usize)
                .filter(|p| slot < p.count)
                .map(|_| base[b as usize] + slot as usize);
            match at {
                Some(at) if !taken[at] => taken[at] = true,
                _ => {
                    return Err(bad(
                        "puts two articles in one place or one outside its block",
                    ))
                }
            }
        }
        Ok(Pages { blocks, slots })
    }

    /// The articles of block `b` of `pages` (from [`Segment::pages`]), with their texts, in
    /// the block's order; the block's checksum checked.
    pub fn block(&mut self, pages: &Pages, b: usize) -> Result<Vec<(StoredArticle, String)>> {
        let p = pages.blocks[b];
        let raw = self.read_at(self.sections[BLOCKS].0 + p.offset, u64::from(p.len))?;
        if xxh3_64(&raw) != p.xxh3 {
            return Err(corrupt(
                &self.path,
                format!("checksum error in block {b} of the blocks section"),
            ));
        }
        let rows: Vec<(StoredArticle, String)> = self.unzstd_json(&raw, &format!("block {b}"))?;
        if rows.len() != p.count as usize {
            return Err(corrupt(
                &self.path,
                format!(
                    "block {b} holds {} articles, the page table says {}",
                    rows.len(),
                    p.count
                ),
            ));
        }
        Ok(rows)
    }

    /// Articles `wanted` (each below [`Segment::articles`]) with their texts, in that order;
    /// decompresses only the blocks they are in, each once.
    pub fn read_articles(&mut self, wanted: &[u32]) -> Result<Vec<(StoredArticle, String)>> {
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let pages = self.pages()?;
        let mut order: Vec<(u32, u32, usize)> = wanted
            .iter()
            .enumerate()
            .map(|(at, &a)| {
                let (b, slot) = pages.slots[a as usize];
                (b, slot, at)
            })
            .collect();
        order.sort_unstable();
        let mut out: Vec<Option<(StoredArticle, String)>> = vec![None; wanted.len()];
        for run in order.chunk_by(|x, y| x.0 == y.0) {
            let mut rows = self.block(&pages, run[0].0 as usize)?;
            for &(_, slot, at) in run {
                let row = &mut rows[slot as usize];
                out[at] = Some((row.0.clone(), std::mem::take(&mut row.1)));
            }
        }
        Ok(out
            .into_iter()
            .map(|r| r.expect("every wanted article is in a block read"))
            .collect())
    }

    /// Every article of the segment (without its text), in article order; one block in
    /// memory at a time besides the articles.
    pub fn all_articles(&mut self) -> Result<Vec<StoredArticle>> {
        let pages = self.pages()?;
        let mut at_place: Vec<Vec<u32>> = pages
            .blocks
            .iter()
            .map(|p| vec![0; p.count as usize])
            .collect();
        for (a, &(b, slot)) in pages.slots.iter().enumerate() {
            at_place[b as usize][slot as usize] = a as u32;
        }
        let mut out: Vec<Option<StoredArticle>> = vec![None; self.articles];
        for (b, places) in at_place.iter().enumerate() {
            for ((stored, _), &a) in self.block(&pages, b)?.into_iter().zip(places) {
                out[a as usize] = Some(stored);
            }
        }
        Ok(out
            .into_iter()
            .map(|a| a.expect("the page table places every article"))
            .collect())
    }

    /// Checks the `blocks` section's checksum as a whole (what `check` adds to the blocks'
    /// own checksums: a flipped byte between blocks cannot exist, but this costs one pass).
    pub fn check_blocks(&mut self) -> Result<()> {
        let (off, len, want) = self.sections[BLOCKS];
        // Read in slices so a large segment does not need its blocks in memory at once.
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        let mut at = 0;
        while at < len {
            let n = (len - at).min(1 << 20);
            h.update(&self.read_at(off + at, n)?);
            at += n;
        }
        if h.digest() != want {
            return Err(corrupt(&self.path, "checksum error in the blocks section"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(i: usize) -> (StoredArticle, String) {
        (
            StoredArticle {
                id: format!("a{i}"),
                title: format!("Title {i}"),
                source: format!("s{}", i % 3),
                date: format!("2026-12-{:02}", 1 + i % 28),
                // Clusters interleaved, so storage order (by cluster) is not article order.
                cluster: (i % 7) as u64,
            },
            // Texts of differing lengths, so blocks hold differing counts.
            format!("text {i} ").repeat(200 + 37 * (i % 11)),
        )
    }

    /// Writes one segment of `articles` with their `texts` and key table `keys` to a fresh
    /// directory; returns it and the segment's entry.
    fn write_one(
        articles: &[StoredArticle],
        texts: &[String],
        keys: &[(u64, u32)],
    ) -> (tempfile::TempDir, SegmentEntry) {
        let (bytes, header) = encode_segment(&NewSegment {
            articles,
            texts,
            events: &[],
            keys,
        });
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("seg-00000001.rps"), &bytes).unwrap();
        let entry = SegmentEntry {
            file: "seg-00000001.rps".into(),
            articles: articles.len(),
            bytes: bytes.len() as u64,
            header_xxh3: format!("{header:016x}"),
            min_date: String::new(),
            max_date: String::new(),
            first_max_date: String::new(),
        };
        (dir, entry)
    }

    /// Writes a segment of `n` articles to a fresh directory; returns it and the entry.
    fn written(
        n: usize,
    ) -> (
        tempfile::TempDir,
        SegmentEntry,
        Vec<(StoredArticle, String)>,
    ) {
        let rows: Vec<(StoredArticle, String)> = (0..n).map(article).collect();
        let articles: Vec<StoredArticle> = rows.iter().map(|r| r.0.clone()).collect();
        let texts: Vec<String> = rows.iter().map(|r| r.1.clone()).collect();
        let mut keys: Vec<(u64, u32)> = (0..n as u32).map(|a| (u64::from(a) * 7919, a)).collect();
        keys.sort_unstable();
        let (dir, entry) = write_one(&articles, &texts, &keys);
        (dir, entry, rows)
    }

    #[test]
    fn the_page_table_finds_any_article_and_reads_only_its_blocks() {
        let (dir, entry, rows) = written(300);
        let mut s = Segment::open(dir.path(), &entry).unwrap().unwrap();
        let pages = s.pages().unwrap();
        assert!(pages.blocks.len() > 20, "{} blocks", pages.blocks.len());
        // Article 0 has the lowest cluster: first place of the first block.
        assert_eq!(pages.slots[0], (0, 0));
        let wanted = [299u32, 0, 1, 57, 58, 150];
        let got = s.read_articles(&wanted).unwrap();
        let want: Vec<_> = wanted.iter().map(|&a| rows[a as usize].clone()).collect();
        assert_eq!(got, want);
        let all = s.all_articles().unwrap();
        assert_eq!(all, rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>());
        let mut ids: Vec<(u64, u32)> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (id_hash(&r.0.id), i as u32))
            .collect();
        ids.sort_unstable();
        assert_eq!(s.ids().unwrap(), ids);
        assert_eq!(s.keys().unwrap().len(), 300);
        s.check_blocks().unwrap();
        assert_eq!(s.read_articles(&[]).unwrap(), Vec::new());
        // An empty segment has no blocks.
        let (dir, entry, _) = written(0);
        let mut s = Segment::open(dir.path(), &entry).unwrap().unwrap();
        assert!(s.pages().unwrap().blocks.is_empty());
    }

    fn flipped(section: usize, at_row: usize, row_bytes: usize) -> String {
        let (dir, entry, _) = written(300);
        let path = dir.path().join(&entry.file);
        let mut bytes = fs::read(&path).unwrap();
        let off = le_u64(&bytes, 12 + section * 24) as usize;
        bytes[off + at_row * row_bytes + 3] ^= 0x20;
        fs::write(&path, &bytes).unwrap();
        let mut s = Segment::open(dir.path(), &entry).unwrap().unwrap();
        let err = match section {
            PAGES => s.read_articles(&[5]).unwrap_err(),
            IDS => s.ids().unwrap_err(),
            _ => s.read_articles(&[0]).unwrap_err(),
        };
        err.to_string()
    }

    #[test]
    fn a_flipped_byte_in_the_page_id_or_block_tables_is_a_checksum_error_naming_the_file() {
        for (section, row_bytes, what) in [
            (PAGES, BLOCK_ROW_BYTES, "pages section"),
            (IDS, ID_ROW_BYTES, "ids section"),
            (BLOCKS, 1, "block 0"),
        ] {
            let err = flipped(section, 2, row_bytes);
            assert!(
                err.contains("seg-00000001.rps") && err.contains("checksum") && err.contains(what),
                "{err}"
            );
        }
    }

    #[test]
    fn other_formats_are_refused_naming_both_versions_and_format_1_names_migrate() {
        let (dir, entry, _) = written(3);
        let path = dir.path().join(&entry.file);
        let mut bytes = fs::read(&path).unwrap();
        bytes[8..12].copy_from_slice(&1u32.to_le_bytes());
        fs::write(&path, &bytes).unwrap();
        let err = Segment::open(dir.path(), &entry)
            .err()
            .expect("refused")
            .to_string();
        assert!(
            err.contains("seg-00000001.rps")
                && err.contains("index format 1 is not a format this reprint reads (2 to 3"),
            "{err}"
        );
        // A format-1 manifest (checksum intact) is refused the same way.
        let m = Manifest {
            format: 1,
            written_by: "0.1.0".into(),
            fingerprint: String::new(),
            settings: super::super::Settings::of(&crate::config::Config::default()),
            generation: 1,
            next_segment: 2,
            next_cluster: 1,
            segments: Vec::new(),
            clusters: Default::default(),
        };
        fs::write(dir.path().join(MANIFEST), m.to_bytes()).unwrap();
        let err = Manifest::read(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains(MANIFEST)
                && err.contains("index format 1 is not a format this reprint reads (2 to 3")
                && err.contains("`reprint index migrate DIR`"),
            "{err}"
        );
        // A format from a newer build is not sent to migrate.
        let m = Manifest { format: 9, ..m };
        fs::write(dir.path().join(MANIFEST), m.to_bytes()).unwrap();
        let err = Manifest::read(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("index format 9") && err.contains("newer") && !err.contains("migrate"),
            "{err}"
        );
    }

    /// A segment of `n` articles whose key table has runs of equal keys longer than a page
    /// (a stock line in many articles) between single keys; returns the directory, the
    /// entry and the table.
    fn written_keys(n: usize) -> (tempfile::TempDir, SegmentEntry, Vec<(u64, u32)>) {
        let rows: Vec<(StoredArticle, String)> = (0..n).map(article).collect();
        let articles: Vec<StoredArticle> = rows.iter().map(|r| r.0.clone()).collect();
        let texts: Vec<String> = rows.iter().map(|r| r.1.clone()).collect();
        let mut keys: Vec<(u64, u32)> = Vec::new();
        for a in 0..n as u32 {
            for j in 0..20u64 {
                keys.push((
                    (u64::from(a) * 20 + j).wrapping_mul(0x9E37_79B9_7F4A_7C15),
                    a,
                ));
            }
            // Every article carries two stock keys: runs of n rows each.
            keys.push((u64::MAX / 3, a));
            keys.push((u64::MAX / 3 * 2, a));
        }
        keys.sort_unstable();
        let (dir, entry) = write_one(&articles, &texts, &keys);
        (dir, entry, keys)
    }

    /// The rows of `table` whose key is in `wanted`, through the page table.
    fn looked_up(s: &mut Segment, wanted: &[u64]) -> Result<Vec<(u64, u32)>> {
        let mut got = Vec::new();
        s.for_each_row(KEYS, Some(wanted), |k, a| {
            if wanted.binary_search(&k).is_ok() {
                got.push((k, a))
            }
        })?;
        Ok(got)
    }

    /// Rewrites a format-3 segment file as format 2 wrote it (five sections, no page tables
    /// of the key and id tables); returns its new entry.
    fn as_format_2(dir: &Path, entry: &SegmentEntry) -> SegmentEntry {
        let path = dir.join(&entry.file);
        let bytes = fs::read(&path).unwrap();
        let shift = (HEADER_BYTES - header_bytes(5)) as u64;
        let mut out = Vec::new();
        out.extend_from_slice(SEG_MAGIC);
        out.extend_from_slice(&2u32.to_le_bytes());
        let mut end = 0;
        for i in 0..5 {
            let at = 12 + i * 24;
            let (off, len) = (le_u64(&bytes, at), le_u64(&bytes, at + 8));
            out.extend_from_slice(&(off - shift).to_le_bytes());
            out.extend_from_slice(&bytes[at + 8..at + 24]);
            end = off + len;
        }
        let sum = xxh3_64(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out.extend_from_slice(&bytes[HEADER_BYTES..end as usize]);
        fs::write(&path, &out).unwrap();
        SegmentEntry {
            bytes: out.len() as u64,
            header_xxh3: format!("{sum:016x}"),
            ..entry.clone()
        }
    }

    #[test]
    fn a_lookup_through_the_page_table_finds_the_rows_of_a_whole_table_scan() {
        let (dir, entry, keys) = written_keys(500);
        let entry2_dir = tempfile::tempdir().unwrap();
        fs::copy(
            dir.path().join(&entry.file),
            entry2_dir.path().join(&entry.file),
        )
        .unwrap();
        let entry2 = as_format_2(entry2_dir.path(), &entry);
        let mut s = Segment::open(dir.path(), &entry).unwrap().unwrap();
        let mut old = Segment::open(entry2_dir.path(), &entry2).unwrap().unwrap();
        assert_eq!((s.version, old.version), (3, 2));
        assert_eq!(s.keys().unwrap(), keys);
        assert_eq!(old.keys().unwrap(), keys);
        let paged = s.table_pages(KEYS).unwrap().unwrap();
        assert_eq!(paged.first.len(), keys.len().div_ceil(TABLE_PAGE_ROWS));
        assert!(old.table_pages(KEYS).unwrap().is_none());
        let present: Vec<u64> = keys.iter().map(|r| r.0).collect();
        let cases: Vec<(&str, Vec<u64>)> = vec![
            ("one key", vec![present[777]]),
            (
                "the first and last keys",
                vec![present[0], present[present.len() - 1]],
            ),
            ("a run of 500 rows over three pages", vec![u64::MAX / 3]),
            ("two runs", vec![u64::MAX / 3, u64::MAX / 3 * 2]),
            (
                "absent keys, below, between and above",
                vec![0, present[10] + 1, u64::MAX],
            ),
            (
                "every fifth key",
                present.iter().step_by(5).copied().collect(),
            ),
            ("none", vec![]),
        ];
        for (what, mut wanted) in cases {
            wanted.sort_unstable();
            wanted.dedup();
            let want: Vec<(u64, u32)> = keys
                .iter()
                .filter(|r| wanted.binary_search(&r.0).is_ok())
                .copied()
                .collect();
            assert_eq!(looked_up(&mut s, &wanted).unwrap(), want, "{what}");
            assert_eq!(
                looked_up(&mut old, &wanted).unwrap(),
                want,
                "{what}, format 2"
            );
        }
        // One key costs one page (its neighbour only when its rows cross into it).
        let one = paged.pages_for(&[present[777]]);
        assert!(
            one.len() <= 2 && one.contains(&(777 / TABLE_PAGE_ROWS)),
            "{one:?}"
        );
        let run = paged.pages_for(&[u64::MAX / 3]);
        assert!((2..=4).contains(&run.len()), "{run:?}");
        // The id table is paged the same way, and both formats read their articles.
        assert_eq!(s.ids().unwrap(), old.ids().unwrap());
        assert_eq!(
            s.read_articles(&[3, 499]).unwrap(),
            old.read_articles(&[3, 499]).unwrap()
        );
    }

    #[test]
    fn a_flipped_byte_in_a_key_page_is_a_checksum_error_naming_the_file_and_page() {
        let (dir, entry, keys) = written_keys(500);
        let path = dir.path().join(&entry.file);
        let mut bytes = fs::read(&path).unwrap();
        let off = le_u64(&bytes, 12 + KEYS * 24) as usize;
        let page = 7;
        bytes[off + page * TABLE_PAGE_ROWS * KEY_ROW_BYTES + 100] ^= 0x01;
        fs::write(&path, &bytes).unwrap();
        let mut s = Segment::open(dir.path(), &entry).unwrap().unwrap();
        let in_page = keys[page * TABLE_PAGE_ROWS + 3].0;
        let elsewhere = keys[(page + 3) * TABLE_PAGE_ROWS + 3].0;
        // A lookup that does not read the page does not see it; one that does fails.
        assert_eq!(looked_up(&mut s, &[elsewhere]).unwrap().len(), 1);
        for err in [
            looked_up(&mut s, &[in_page]).unwrap_err().to_string(),
            s.keys().unwrap_err().to_string(),
        ] {
            assert!(
                err.contains("seg-00000001.rps")
                    && err.contains("checksum error in page 7 of the keys section"),
                "{err}"
            );
        }
        // A flipped byte in the page table itself is its section's checksum error.
        let mut bytes = fs::read(&path).unwrap();
        bytes[off + page * TABLE_PAGE_ROWS * KEY_ROW_BYTES + 100] ^= 0x01;
        let pages_off = le_u64(&bytes, 12 + KEY_PAGES * 24) as usize;
        bytes[pages_off + 20] ^= 0x01;
        fs::write(&path, &bytes).unwrap();
        let mut s = Segment::open(dir.path(), &entry).unwrap().unwrap();
        let err = looked_up(&mut s, &[elsewhere]).unwrap_err().to_string();
        assert!(
            err.contains("seg-00000001.rps") && err.contains("checksum error in the key_pages"),
            "{err}"
        );
    }
}
