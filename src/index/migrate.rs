//! `reprint index migrate`: an index of format 1 rewritten in the current format (issue 18).
//!
//! Format 1 (reprint 0.1.0 builds of stop 22, before the block format) kept each segment as
//! three sections: `meta` (zstd JSON of the articles and the add's cluster events), `keys`
//! (the sorted key table) and `texts` (zstd JSON list of every text). Its manifest has the
//! fields of today's. This command reads each format-1 segment whole, checks every checksum,
//! and writes it again as a current segment (`seg-N.gG.rps`, G the generation committed) with
//! the same articles, cluster ids, events and texts. The key table is **computed again** from
//! the texts with this build's hashing, not copied, so the migrated index is what this build
//! would have written, and its fingerprint is this build's for the index's settings. The
//! cluster table, the id counter and every cluster id stay as they are.
//!
//! Crash safety is that of `merge` and `recluster`: new segments under new names, then the
//! manifest atomically, then the old files removed; a crash before the manifest leaves the
//! format-1 index as it was (the next writer removes the new files), after it the migrated
//! one. Format-2 and format-3 indexes are read as they are, so for them this writes nothing.

use std::path::Path;

use rayon::prelude::*;
use serde::Deserialize;
use xxhash_rust::xxh3::xxh3_64;

use super::store::{self, le_u32, le_u64, Manifest, SegmentEntry, Steps, StoredArticle};
use super::Event;
use crate::config::Config;
use crate::error::Result;

/// The format this command migrates.
pub const FROM_FORMAT: u32 = 1;
/// A format-1 segment header: magic, version, 3 sections × (offset, length, xxh3), its xxh3.
const HEADER_BYTES: usize = 8 + 4 + 3 * 24 + 8;

/// What `migrate` did.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Migrated {
    /// The format found, and the format the index is in now.
    pub from: u32,
    pub to: u32,
    /// Segments rewritten (0 when the index needed no migration) and their articles.
    pub segments: usize,
    pub articles: usize,
    /// The generation committed (the index's own when nothing was written).
    pub generation: u64,
}

/// A format-1 segment's `meta` section.
#[derive(Deserialize)]
struct Meta {
    articles: Vec<StoredArticle>,
    events: Vec<Event>,
}

/// Migrates the index in `dir` to the current format ([module docs](self)). Holds the
/// writer's lock; removes what an earlier crash left first. `asked` gives the settings that
/// do not change keys (threads), as for `add`.
pub fn migrate(dir: &Path, asked: &Config) -> Result<Migrated> {
    let _lock = store::lock_index(dir)?;
    let m = Manifest::read_any(dir)?;
    let manifest_path = dir.join(store::MANIFEST);
    let readable = (store::OLDEST_FORMAT..=store::FORMAT_VERSION).contains(&m.format);
    if !readable && m.format != FROM_FORMAT {
        return Err(store::corrupt(&manifest_path, store::old_format(m.format)));
    }
    let live: Vec<String> = m.segments.iter().map(|s| s.file.clone()).collect();
    store::clean_leftovers(dir, &live, m.generation)?;
    if readable {
        // Readable as it is (what a migrate interrupted after its commit leaves, too).
        return Ok(Migrated {
            from: m.format,
            to: m.format,
            segments: 0,
            articles: 0,
            generation: m.generation,
        });
    }
    let cfg = m.settings.apply(asked);
    cfg.validate()?;
    let keyer = crate::pipeline::IndexKeys::new(&cfg);

    let mut nm = m.clone();
    nm.generation += 1;
    let mut steps = Steps::from_env();
    let mut articles = 0;
    for (si, e) in m.segments.iter().enumerate() {
        let (meta, texts) = read_format1(dir, e)?;
        let file = store::rewritten_name(&e.file, nm.generation).ok_or_else(|| {
            store::corrupt(
                &manifest_path,
                format!("names segment {:?}, not a name reprint writes", e.file),
            )
        })?;
        let keys = super::key_table(&keyer, texts.par_iter().map(String::as_str));
        let mut entry = store::NewSegment {
            articles: &meta.articles,
            texts: &texts,
            events: &meta.events,
            keys: &keys,
        }
        .write(dir, file, &mut steps)?;
        entry.first_max_date = e.first_max_date.clone();
        nm.segments[si] = entry;
        articles += meta.articles.len();
    }
    nm.format = store::FORMAT_VERSION;
    nm.written_by = env!("CARGO_PKG_VERSION").to_string();
    nm.fingerprint = super::fingerprint(&nm.settings);
    store::write_atomic(dir, store::MANIFEST, &nm.to_bytes(), &mut steps)?;
    store::remove_replaced(dir, &live, &mut steps)?;
    Ok(Migrated {
        from: m.format,
        to: nm.format,
        segments: m.segments.len(),
        articles,
        generation: nm.generation,
    })
}

/// Reads format-1 segment `e` whole, checking its size, header and section checksums
/// against the manifest's entry: its meta and its texts (one per article).
fn read_format1(dir: &Path, e: &SegmentEntry) -> Result<(Meta, Vec<String>)> {
    let path = dir.join(&e.file);
    let bytes = std::fs::read(&path).map_err(store::io(&path))?;
    let bad = |what: String| store::corrupt(&path, what);
    if bytes.len() as u64 != e.bytes {
        return Err(bad(format!(
            "{} bytes, the manifest says {}",
            bytes.len(),
            e.bytes
        )));
    }
    if bytes.len() < HEADER_BYTES || &bytes[..8] != store::SEG_MAGIC {
        return Err(bad("checksum error in the segment header".into()));
    }
    let version = le_u32(&bytes, 8);
    if version != FROM_FORMAT {
        return Err(bad(format!(
            "a segment of format {version} under a format-{FROM_FORMAT} manifest"
        )));
    }
    let sum = le_u64(&bytes, HEADER_BYTES - 8);
    if xxh3_64(&bytes[..HEADER_BYTES - 8]) != sum || format!("{sum:016x}") != e.header_xxh3 {
        return Err(bad("checksum error in the segment header".into()));
    }
    const NAMES: [&str; 3] = ["meta", "keys", "texts"];
    let mut sections: Vec<&[u8]> = Vec::with_capacity(3);
    for (i, name) in NAMES.iter().enumerate() {
        let at = 12 + i * 24;
        let (off, len, want) = (
            le_u64(&bytes, at),
            le_u64(&bytes, at + 8),
            le_u64(&bytes, at + 16),
        );
        let s = usize::try_from(off)
            .ok()
            .zip(usize::try_from(len).ok())
            .and_then(|(o, l)| bytes.get(o..o.checked_add(l)?))
            .ok_or_else(|| bad(format!("the {name} section lies outside the file")))?;
        if xxh3_64(s) != want {
            return Err(bad(format!("checksum error in the {name} section")));
        }
        sections.push(s);
    }
    let unzstd = |s: &[u8], name: &str| {
        zstd::stream::decode_all(s).map_err(|err| bad(format!("the {name} section: {err}")))
    };
    let meta: Meta = serde_json::from_slice(&unzstd(sections[0], "meta")?)
        .map_err(|err| bad(format!("the meta section: {err}")))?;
    let texts: Vec<String> = serde_json::from_slice(&unzstd(sections[2], "texts")?)
        .map_err(|err| bad(format!("the texts section: {err}")))?;
    if meta.articles.len() != e.articles || texts.len() != e.articles {
        return Err(bad(format!(
            "{} articles and {} texts, the manifest says {}",
            meta.articles.len(),
            texts.len(),
            e.articles
        )));
    }
    Ok((meta, texts))
}
