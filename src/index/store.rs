//! The index's files and how they are written: the manifest, the immutable segments, the
//! writer's lock, and the crash-safe order of writes (issue 18).
//!
//! Layout of an index directory:
//!
//! - `manifest.json`: the only mutable file, replaced whole by [`write_atomic`] (temporary
//!   file, fsync, rename, fsync of the directory). It names every live segment with its size
//!   and header checksum; a reader reads only what it names. Its last line is
//!   `#xxh3=<16 hex digits>`, the checksum of everything before it.
//! - `seg-NNNNNNNN.rps`: one per `add`, never changed once the manifest names it. A fixed
//!   header (magic, format version, three sections' offset, length and xxh3, the header's own
//!   xxh3), then the sections: `meta` (zstd-compressed JSON: articles, cluster ids, events),
//!   `keys` (the sorted key table, 12 bytes a row: key `u64`, article `u32`, little-endian)
//!   and `texts` (zstd-compressed JSON list of the articles' texts).
//! - `LOCK`: held (an OS file lock, released when the process dies) by the one writer.
//!
//! Files whose name starts with `.tmp-` and segments the manifest does not name are what a
//! crash leaves; the next writer removes them ([`clean_leftovers`]).

use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::error::{Error, Result};

/// Version of the on-disk format (manifest and segments); bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;
/// The manifest's file name.
pub const MANIFEST: &str = "manifest.json";
/// The writer's lock file.
pub const LOCK: &str = "LOCK";
/// Prefix of temporary files (a crash may leave them; the next writer removes them).
pub const TMP_PREFIX: &str = ".tmp-";
const SEG_MAGIC: &[u8; 8] = b"RPRTSEG\0";
/// Magic, version, 3 sections × (offset, length, xxh3), header xxh3.
const HEADER_BYTES: usize = 8 + 4 + 3 * 24 + 8;
/// Bytes per row of the key table.
pub const KEY_ROW_BYTES: usize = 12;

/// An error about one index file: the path and what is wrong with it.
pub fn corrupt(path: &Path, message: impl Into<String>) -> Error {
    Error::Unusable {
        file: path.display().to_string(),
        message: message.into(),
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
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
            "another reprint process is writing to this index (add or expire); try again when \
             it has finished",
        )),
        Err(fs::TryLockError::Error(e)) => Err(io(&path)(e)),
    }
}

/// Removes what a crashed writer left: temporary files and segments `live` does not name.
/// Only a writer holding the lock calls this. Returns the names removed, sorted.
pub fn clean_leftovers(dir: &Path, live: &[String]) -> Result<Vec<String>> {
    let mut removed = Vec::new();
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let orphan = name.starts_with("seg-") && name.ends_with(".rps") && !live.contains(&name);
        if name.starts_with(TMP_PREFIX) || orphan {
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
        let path = dir.join(MANIFEST);
        let bytes = match fs::read(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(corrupt(
                    &path,
                    "no index here (create one with `reprint index init DIR`)",
                ))
            }
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
        let m: Manifest = serde_json::from_slice(body)
            .map_err(|e| corrupt(&path, format!("not a reprint index manifest: {e}")))?;
        if m.format != FORMAT_VERSION {
            return Err(corrupt(
                &path,
                format!(
                    "index format {} is not the format {FORMAT_VERSION} this reprint reads; \
                     rebuild the index with this version",
                    m.format
                ),
            ));
        }
        Ok(m)
    }
}

/// One article as a segment stores it (its text is in the `texts` section).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredArticle {
    pub id: String,
    pub title: String,
    pub source: String,
    pub date: String,
    /// The cluster it was given when added (follow `merged_into` in the manifest).
    pub cluster: u64,
}

/// A segment's `meta` section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SegmentMeta {
    pub articles: Vec<StoredArticle>,
    /// The cluster events of the `add` that wrote this segment.
    pub events: Vec<super::Event>,
}

/// A segment's contents, ready to write.
pub struct NewSegment<'a> {
    pub meta: &'a SegmentMeta,
    /// Sorted (key, article) rows.
    pub keys: &'a [(u64, u32)],
    pub texts: &'a [String],
}

fn zstd_json<T: Serialize>(v: &T) -> Vec<u8> {
    let json = serde_json::to_vec(v).expect("segment data serialises");
    zstd::bulk::compress(&json, 3).expect("zstd compresses in memory")
}

/// Encodes a segment; returns its bytes and its header checksum.
pub fn encode_segment(seg: &NewSegment) -> (Vec<u8>, u64) {
    let meta = zstd_json(seg.meta);
    let mut keys = Vec::with_capacity(seg.keys.len() * KEY_ROW_BYTES);
    for &(k, a) in seg.keys {
        keys.extend_from_slice(&k.to_le_bytes());
        keys.extend_from_slice(&a.to_le_bytes());
    }
    let texts = zstd_json(&seg.texts);
    let mut header = Vec::with_capacity(HEADER_BYTES);
    header.extend_from_slice(SEG_MAGIC);
    header.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    let mut offset = HEADER_BYTES as u64;
    for s in [&meta, &keys, &texts] {
        header.extend_from_slice(&offset.to_le_bytes());
        header.extend_from_slice(&(s.len() as u64).to_le_bytes());
        header.extend_from_slice(&xxh3_64(s).to_le_bytes());
        offset += s.len() as u64;
    }
    let sum = xxh3_64(&header);
    header.extend_from_slice(&sum.to_le_bytes());
    let mut out = header;
    out.extend_from_slice(&meta);
    out.extend_from_slice(&keys);
    out.extend_from_slice(&texts);
    (out, sum)
}

/// An open segment: its header read and checked against the manifest's entry.
pub struct Segment {
    pub path: PathBuf,
    file: File,
    /// (offset, length, xxh3) of meta, keys, texts.
    sections: [(u64, u64, u64); 3],
}

fn le_u64(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

impl Segment {
    /// Opens `dir/entry.file` and checks its header. `Ok(None)` when the file is gone (an
    /// `expire` removed it after this reader read the manifest: read the manifest again).
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
        file.read_exact(&mut h)
            .map_err(|e| corrupt(&path, format!("segment header unreadable: {e}")))?;
        let sum = le_u64(&h, HEADER_BYTES - 8);
        if &h[..8] != SEG_MAGIC || xxh3_64(&h[..HEADER_BYTES - 8]) != sum {
            return Err(corrupt(&path, "checksum error in the segment header"));
        }
        if format!("{sum:016x}") != entry.header_xxh3 {
            return Err(corrupt(
                &path,
                "checksum error: the header is not the one the manifest names",
            ));
        }
        let mut sections = [(0, 0, 0); 3];
        for (i, s) in sections.iter_mut().enumerate() {
            let at = 12 + i * 24;
            *s = (le_u64(&h, at), le_u64(&h, at + 8), le_u64(&h, at + 16));
            if s.0.checked_add(s.1).is_none_or(|end| end > len) {
                return Err(corrupt(&path, "a section runs past the end of the file"));
            }
        }
        Ok(Some(Segment {
            path,
            file,
            sections,
        }))
    }

    fn section(&mut self, i: usize) -> Result<Vec<u8>> {
        const NAMES: [&str; 3] = ["meta", "keys", "texts"];
        let (off, len, want) = self.sections[i];
        let mut buf = vec![0u8; len as usize];
        self.file
            .seek(SeekFrom::Start(off))
            .and_then(|_| self.file.read_exact(&mut buf))
            .map_err(io(&self.path))?;
        if xxh3_64(&buf) != want {
            return Err(corrupt(
                &self.path,
                format!("checksum error in the {} section", NAMES[i]),
            ));
        }
        Ok(buf)
    }

    fn unzstd_json<T: serde::de::DeserializeOwned>(&mut self, i: usize) -> Result<T> {
        let raw = self.section(i)?;
        let json = zstd::stream::decode_all(&raw[..])
            .map_err(|e| corrupt(&self.path, format!("section {i} does not decompress: {e}")))?;
        serde_json::from_slice(&json).map_err(|e| {
            corrupt(
                &self.path,
                format!("section {i} is not what reprint wrote: {e}"),
            )
        })
    }

    pub fn meta(&mut self) -> Result<SegmentMeta> {
        self.unzstd_json(0)
    }

    /// The key table, checked to be sorted with articles below `articles`.
    pub fn keys(&mut self, articles: usize) -> Result<Vec<(u64, u32)>> {
        let raw = self.section(1)?;
        if raw.len() % KEY_ROW_BYTES != 0 {
            return Err(corrupt(&self.path, "the key table has a partial row"));
        }
        let rows: Vec<(u64, u32)> = raw
            .chunks_exact(KEY_ROW_BYTES)
            .map(|r| {
                (
                    le_u64(r, 0),
                    u32::from_le_bytes(r[8..12].try_into().expect("4 bytes")),
                )
            })
            .collect();
        if rows.windows(2).any(|w| w[0] > w[1]) || rows.iter().any(|r| r.1 as usize >= articles) {
            return Err(corrupt(
                &self.path,
                "the key table is not sorted or names a missing article",
            ));
        }
        Ok(rows)
    }

    pub fn texts(&mut self) -> Result<Vec<String>> {
        self.unzstd_json(2)
    }
}
