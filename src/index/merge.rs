//! `reprint index merge`: runs of adjacent segments rewritten as one (issue 18), so an index
//! fed every hour does not keep one file per batch, and `add` and `query` open fewer
//! segments.
//!
//! A merged segment holds its parts' articles in their order (part after part, each part's
//! article numbers shifted by the articles before it), their texts, events (in order) and key
//! rows, with the id table, page tables and blocks written afresh by
//! [`store::encode_segment`], as an `add` of those articles would write them. Since `add` and
//! `query` read the earlier articles in (segment, article) order, and the parts are adjacent,
//! every reader finds the same articles in the same order: the reports, the cluster list and
//! what a later `add` reports and writes are those of the index before the merge.
//!
//! Invariants:
//! - Only adjacent segments merge ([`groups`]), and only segments whose newest dates are
//!   within [`Policy::max_days`] days, so `expire` (which drops a segment by its newest
//!   date) keeps an article at most `max_days - 1` days longer than it would have without
//!   the merge; with the default of 1 it drops exactly the same articles. A segment without
//!   an ISO newest date (never expired) merges only with such segments.
//! - A merge changes no content: the manifest's generation, cluster table and counters stay;
//!   `add` numbers its next segment as it would have (a merged segment is named by the range
//!   of adds it holds, [`store::merged_name`]).
//! - The write order is `add`'s: under the writer's lock, leftovers removed, each merged
//!   segment written (temporary file, fsync, rename, directory fsync), then the manifest
//!   (the commit), then the replaced files removed; a crash before the commit leaves the
//!   index as it was, after it as merged, with files the next writer removes.
//! - Memory holds one merged segment at a time (its articles, texts, key rows and encoded
//!   bytes), bounded by [`Policy::max_articles`].

use std::ops::Range;
use std::path::Path;

use serde::Serialize;

use super::store::{self, SegmentEntry, Steps};
use super::{day_number, Index};
use crate::error::{Error, Result};

/// The default of [`Policy::max_articles`]: on the generated feed a merged segment costs
/// about 9 KB of memory per article while it is written
/// (`benches/results/index-merge-2026-12-03.md`), so about 450 MB at most; five days of
/// 10,000 articles.
pub const MAX_ARTICLES: usize = 50_000;

/// The default of [`Policy::max_days`]: segments whose newest articles are of the same day.
pub const MAX_DAYS: u32 = 1;

/// Which adjacent segments [`merge`] rewrites as one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Articles a merged segment holds at most; a segment larger than this stays as it is.
    /// Default [`MAX_ARTICLES`].
    pub max_articles: usize,
    /// Days the newest dates (`YYYY-MM-DD…`) of a merged segment's parts may span, at least
    /// 1: with N, `expire --keep-days K` keeps an article at most N - 1 days past K. Default
    /// [`MAX_DAYS`] (the same day: expiry unchanged).
    pub max_days: u32,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            max_articles: MAX_ARTICLES,
            max_days: MAX_DAYS,
        }
    }
}

impl Policy {
    /// Refuses a bound no merge can meet (articles are numbered by `u32` in a segment).
    pub fn validate(&self) -> Result<()> {
        if self.max_days == 0 {
            return Err(Error::Config {
                name: "max-days",
                message: "must be at least 1 (1 merges segments of one day)".into(),
            });
        }
        if self.max_articles < 2 || self.max_articles > u32::MAX as usize {
            return Err(Error::Config {
                name: "max-articles",
                message: format!(
                    "{} is outside 2 to {} (a segment numbers its articles with 32 bits)",
                    self.max_articles,
                    u32::MAX
                ),
            });
        }
        Ok(())
    }
}

/// The runs of two or more adjacent segments of `segments` that [`merge`] rewrites as one,
/// in order: from the first segment on, each run takes the next segment while the run's
/// articles stay within `max_articles` and its newest dates within `max_days` days (all ISO
/// or none; a merged segment's newest dates are those of the adds it holds, from
/// `first_max_date` to `max_date`), then the next run starts. A merged run cannot take its
/// next segment either, so a second merge with the same policy finds nothing to do.
pub fn groups(segments: &[SegmentEntry], policy: &Policy) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < segments.len() {
        let mut days = newest_days(&segments[start]);
        let mut articles = segments[start].articles;
        let mut end = start + 1;
        while let Some(next) = segments.get(end) {
            let span = match (days, newest_days(next)) {
                (None, None) => Some(None),
                (Some((l, h)), Some((nl, nh))) => {
                    let (l, h) = (l.min(nl), h.max(nh));
                    (h - l < i64::from(policy.max_days)).then_some(Some((l, h)))
                }
                _ => None,
            };
            let Some(span) = span.filter(|_| articles + next.articles <= policy.max_articles)
            else {
                break;
            };
            days = span;
            articles += next.articles;
            end += 1;
        }
        if end - start >= 2 {
            out.push(start..end);
        }
        start = end;
    }
    out
}

/// The oldest and newest of the newest days of the adds' segments that `s` holds (one day
/// for an add's segment); `None` when its newest date is not ISO (it never expires).
fn newest_days(s: &SegmentEntry) -> Option<(i64, i64)> {
    let hi = day_number(&s.max_date)?;
    let lo = day_number(&s.first_max_date).unwrap_or(hi);
    Some((lo.min(hi), hi))
}

/// One segment a merge wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MergedSegment {
    /// The new segment's entry in the manifest.
    pub segment: SegmentEntry,
    /// The segments it replaced, in order.
    pub from: Vec<String>,
}

/// What [`merge`] did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Merged {
    /// Live segments before and after.
    pub segments_before: usize,
    pub segments_after: usize,
    pub merged: Vec<MergedSegment>,
}

/// Rewrites each run of adjacent segments that `policy` allows ([`groups`]) as one segment
/// with the same articles, texts, events and keys, and removes the replaced files after the
/// manifest names the new ones. Holds the writer's lock; removes what an earlier crash left
/// first. Readers in other processes keep reading: one that read the manifest before the
/// commit either opened the old files already or finds one gone and reads the new manifest.
pub fn merge(dir: &Path, policy: &Policy) -> Result<Merged> {
    policy.validate()?;
    let _lock = store::lock_index(dir)?;
    let index = Index::open(dir)?;
    let mut m = index.manifest.clone();
    let live: Vec<String> = m.segments.iter().map(|s| s.file.clone()).collect();
    store::clean_leftovers(dir, &live, m.generation)?;
    let runs = groups(&m.segments, policy);
    let mut out = Merged {
        segments_before: m.segments.len(),
        segments_after: m.segments.len() - runs.iter().map(|r| r.len() - 1).sum::<usize>(),
        merged: Vec::new(),
    };
    if runs.is_empty() {
        return Ok(out);
    }
    let mut steps = Steps::from_env();
    let mut segments = Vec::with_capacity(out.segments_after);
    let mut at = 0;
    for run in &runs {
        segments.extend_from_slice(&m.segments[at..run.start]);
        let parts = &m.segments[run.clone()];
        let segment = write_merged(dir, parts, &mut steps)?;
        segments.push(segment.clone());
        out.merged.push(MergedSegment {
            segment,
            from: parts.iter().map(|s| s.file.clone()).collect(),
        });
        at = run.end;
    }
    segments.extend_from_slice(&m.segments[at..]);
    m.segments = segments;
    // A format-2 index takes a format-3 segment; its manifest says so from now on. The
    // generation counts changes of content, which a merge does not make.
    m.format = store::FORMAT_VERSION;
    m.written_by = env!("CARGO_PKG_VERSION").to_string();
    store::write_atomic(dir, store::MANIFEST, &m.to_bytes(), &mut steps)?;
    store::remove_replaced(dir, out.merged.iter().flat_map(|s| &s.from), &mut steps)?;
    Ok(out)
}

/// Writes the segment holding `parts` (adjacent, in order) and returns its entry. Every
/// section read is checked against its checksum on the way.
fn write_merged(dir: &Path, parts: &[SegmentEntry], steps: &mut Steps) -> Result<SegmentEntry> {
    let numbers = |e: &SegmentEntry| {
        store::segment_numbers(&e.file).ok_or_else(|| {
            store::corrupt(
                &dir.join(store::MANIFEST),
                format!("names segment {:?}, not a name reprint writes", e.file),
            )
        })
    };
    let file = store::merged_name(numbers(&parts[0])?.0, numbers(&parts[parts.len() - 1])?.1);
    let (mut articles, mut texts, mut events, mut keys) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for e in parts {
        let mut s = store::Segment::open(dir, e)?.ok_or_else(|| {
            store::corrupt(&dir.join(&e.file), "named by the manifest but missing")
        })?;
        let base = u32::try_from(articles.len()).expect("the policy bounds a segment's articles");
        let all: Vec<u32> = (0..s.articles as u32).collect();
        for (a, text) in s.read_articles(&all)? {
            articles.push(a);
            texts.push(text);
        }
        events.extend(s.events()?);
        s.for_each_row(store::KEYS, None, |k, a| keys.push((k, base + a)))?;
    }
    keys.sort_unstable();
    let mut entry = store::NewSegment {
        articles: &articles,
        texts: &texts,
        events: &events,
        keys: &keys,
    }
    .write(dir, file, steps)?;
    // The oldest newest date of the adds held, so a later merge bounds the whole span.
    if let Some(first) = parts
        .iter()
        .filter_map(|p| {
            let d = newest_days(p)?.0;
            let text = [&p.first_max_date, &p.max_date]
                .into_iter()
                .find(|t| day_number(t) == Some(d))?;
            Some((d, text.clone()))
        })
        .min()
    {
        entry.first_max_date = first.1;
    }
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(file: &str, articles: usize, max_date: &str) -> SegmentEntry {
        SegmentEntry {
            file: file.into(),
            articles,
            bytes: 0,
            header_xxh3: String::new(),
            min_date: String::new(),
            max_date: max_date.into(),
            first_max_date: String::new(),
        }
    }

    /// A case of the merge policy: segments as (articles, newest date), the policy, and the
    /// runs it merges.
    struct Case {
        name: &'static str,
        segments: &'static [(usize, &'static str)],
        max_articles: usize,
        max_days: u32,
        /// The runs, as (first, past the last).
        want: &'static [(usize, usize)],
    }

    macro_rules! case {
        ($name:expr, $segs:expr, $arts:expr, $days:expr, $want:expr) => {
            Case {
                name: $name,
                segments: $segs,
                max_articles: $arts,
                max_days: $days,
                want: $want,
            }
        };
    }

    #[test]
    fn groups_take_adjacent_segments_within_the_article_and_day_bounds() {
        const HOURLY: &[(usize, &str)] = &[
            (10, "2026-11-01T01"),
            (10, "2026-11-01T09"),
            (10, "2026-11-01T23"),
            (10, "2026-11-02T05"),
            (10, "2026-11-02T06"),
            (10, "2026-11-03"),
        ];
        let cases = [
            case!("one day each", HOURLY, 1000, 1, &[(0, 3), (3, 5)]),
            case!("two days", HOURLY, 1000, 2, &[(0, 5)]),
            case!("three days", HOURLY, 1000, 3, &[(0, 6)]),
            case!("the article cap", HOURLY, 20, 3, &[(0, 2), (2, 4), (4, 6)]),
            case!("a cap of 25", HOURLY, 25, 1, &[(0, 2), (3, 5)]),
            case!("nothing fits", HOURLY, 15, 9, &[]),
            case!(
                "a large segment stays alone",
                &[
                    (5, "2026-11-01"),
                    (50, "2026-11-01"),
                    (5, "2026-11-01"),
                    (5, "2026-11-01")
                ],
                20,
                1,
                &[(2, 4)]
            ),
            case!(
                "undated segments merge only with each other",
                &[
                    (1, ""),
                    (1, "n/a"),
                    (1, "2026-11-01"),
                    (1, ""),
                    (1, "2026-11-01")
                ],
                100,
                30,
                &[(0, 2)]
            ),
            case!(
                "the span counts from the run's oldest and newest",
                &[
                    (1, "2026-11-03"),
                    (1, "2026-11-01"),
                    (1, "2026-11-02"),
                    (1, "2026-11-04")
                ],
                100,
                3,
                &[(0, 3)]
            ),
            case!("no segments", &[], 100, 1, &[]),
            case!("one segment", &[(3, "2026-11-01")], 100, 1, &[]),
        ];
        for c in cases {
            let segs: Vec<SegmentEntry> = c
                .segments
                .iter()
                .enumerate()
                .map(|(i, &(n, d))| entry(&store::segment_name(i as u64 + 1), n, d))
                .collect();
            let policy = Policy {
                max_articles: c.max_articles,
                max_days: c.max_days,
            };
            let got = groups(&segs, &policy);
            let want: Vec<Range<usize>> = c.want.iter().map(|&(a, b)| a..b).collect();
            assert_eq!(got, want, "{}", c.name);
            // Merged as planned, the same policy finds nothing more to merge.
            let mut after = Vec::new();
            let mut at = 0;
            for r in &got {
                after.extend_from_slice(&segs[at..r.start]);
                let run = &segs[r.clone()];
                let max = run.iter().map(|s| s.max_date.clone()).max().unwrap();
                let mut e = entry("merged", run.iter().map(|s| s.articles).sum(), &max);
                if day_number(&max).is_some() {
                    e.first_max_date = run.iter().map(|s| s.max_date.clone()).min().unwrap();
                }
                after.push(e);
                at = r.end;
            }
            after.extend_from_slice(&segs[at..]);
            assert_eq!(groups(&after, &policy), Vec::new(), "{}: again", c.name);
        }
    }

    #[test]
    fn segment_names_give_the_adds_they_hold() {
        assert_eq!(store::segment_numbers("seg-00000042.rps"), Some((42, 42)));
        let merged = store::merged_name(3, 1_000_000_000);
        assert_eq!(merged, "seg-00000003-1000000000.rps");
        assert_eq!(store::segment_numbers(&merged), Some((3, 1_000_000_000)));
        // A recluster's rewrite keeps the adds in its name, so a later merge names its output
        // as before.
        let one = store::rewritten_name("seg-00000042.rps", 7).unwrap();
        assert_eq!(one, "seg-00000042.g00000007.rps");
        assert_eq!(store::segment_numbers(&one), Some((42, 42)));
        let both = store::rewritten_name(&merged, 12).unwrap();
        assert_eq!(both, "seg-00000003-1000000000.g00000012.rps");
        assert_eq!(store::segment_numbers(&both), Some((3, 1_000_000_000)));
        assert_eq!(
            store::rewritten_name(&one, 9).unwrap(),
            "seg-00000042.g00000009.rps"
        );
        assert_eq!(store::map_name(12), "recluster-00000012.json");
        assert_eq!(store::map_generation("recluster-00000012.json"), Some(12));
        for bad in [
            "recluster-12.json",
            "recluster-0000001x.json",
            "manifest.json",
        ] {
            assert_eq!(store::map_generation(bad), None, "{bad}");
        }
        for bad in [
            "seg-42.rps",
            "seg-00000005-00000005.rps",
            "seg-00000006-00000005.rps",
            "seg-0000000x.rps",
            "seg-00000001.rps.tmp",
            "seg-00000001.g.rps",
            "seg-00000001.g0000000x.rps",
            "seg-00000001.g00000002.g00000003.rps",
            "manifest.json",
        ] {
            assert_eq!(store::segment_numbers(bad), None, "{bad}");
        }
    }

    #[test]
    fn policies_no_merge_can_meet_are_refused() {
        for (p, flag) in [
            (
                Policy {
                    max_days: 0,
                    ..Policy::default()
                },
                "--max-days",
            ),
            (
                Policy {
                    max_articles: 1,
                    ..Policy::default()
                },
                "--max-articles",
            ),
        ] {
            let err = p.validate().unwrap_err().to_string();
            assert!(err.contains(flag), "{err}");
        }
        Policy::default().validate().unwrap();
    }
}
