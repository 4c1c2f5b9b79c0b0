//! `reprint index recluster`: the window's clusters recomputed as `reprint scan` groups them,
//! under ids that move as little as possible, with an old → new map (issue 18).
//!
//! `add` only ever joins and merges clusters, so its clusters drift from a scan's over the
//! window (an outlet's footer judged as text in the first days, a story split over batches
//! that a later copy would have joined). This command runs [`crate::pipeline::scan`] over
//! every article of the window, in index order (as `add` reads earlier articles), and
//! assigns ids ([`assign`]): a new cluster keeps the old id contributing most of its members,
//! each old id is kept by at most one new cluster, every other new cluster takes a fresh id
//! from the index's counter. Segments holding an article whose stored id changes are
//! rewritten (`seg-….gG.rps`, G the generation committed), the map is written as
//! `recluster-G.json`, then the manifest; the replaced segments are removed after the
//! commit, as `merge` does.
//!
//! Invariants:
//! - No id is reused: a kept id is one some member already had, a fresh one is past every id
//!   given before. Every article whose id changes is listed once in the map, under its new
//!   cluster; every old id in the window is kept by exactly one new cluster or listed as
//!   retired.
//! - After a recluster every live article's stored id is its cluster's id (no `merged_into`
//!   links remain) and the cluster table holds exactly the window's clusters of two or more
//!   articles, with the scan's canonicals. So a second recluster finds nothing to change and
//!   writes nothing (the identity map).
//! - The result is the same for any thread count (the scan's guarantee; ids are assigned in
//!   a fixed order).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use super::report::cluster_name;
use super::store::{self, ClusterInfo, SegmentEntry, Steps, StoredArticle};
use super::Index;
use crate::config::Config;
use crate::corpus::{Article, Body, Corpus, Origin};
use crate::error::Result;

/// Version of the map's JSON shape ([`ClusterMap`]).
pub const MAP_VERSION: u32 = 1;

/// The old → new map a recluster prints and keeps as `recluster-G.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClusterMap {
    pub version: u32,
    /// The index's generation after the recluster (unchanged when nothing was written).
    pub generation: u64,
    /// Articles in the window.
    pub articles: usize,
    /// Every cluster whose members are not the members its id had before, in order of its
    /// first member in the index.
    pub clusters: Vec<Changed>,
    /// Old ids (with members in the window) that no cluster keeps, ascending.
    pub retired: Vec<String>,
    /// Clusters (single articles included) whose id and members stay as they were.
    pub unchanged: usize,
}

/// A cluster the recluster changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Changed {
    /// Its id now.
    pub new: String,
    /// Whether `new` is a fresh id (else one of `old`).
    pub fresh: bool,
    /// The ids its members had, ascending (merges resolved, as `index clusters` printed them).
    pub old: Vec<String>,
    pub members: usize,
    pub canonical: String,
    /// Its members whose id changes, with the id they had, in index order.
    pub moved: Vec<Moved>,
}

/// An article whose cluster id changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Moved {
    pub id: String,
    pub old: String,
}

/// What a recluster did besides the map (for the stats line on stderr).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reclustered {
    pub map: ClusterMap,
    /// Whether a new manifest was committed.
    pub written: bool,
    /// Segments rewritten, of the live ones.
    pub rewritten: usize,
    pub segments: usize,
    /// Fresh ids given.
    pub fresh: usize,
}

/// The new id of each new cluster, and the next free id after them.
///
/// `groups[c]` lists the old ids of new cluster `c`'s members (`c` in order of its first
/// member). Pairs (new cluster, old id) are taken by decreasing count of members, then
/// ascending old id, then ascending `c`, each cluster and each old id at most once; a cluster
/// left without one takes the next fresh id, in order of `c`. So a new cluster keeps the old
/// id contributing most of its members unless a cluster it contributes more members to keeps
/// it, in which case it keeps its next best old id, if any.
pub fn assign(groups: &[Vec<u64>], next_cluster: u64) -> (Vec<u64>, u64) {
    let mut pairs: Vec<(usize, u64, usize)> = Vec::new();
    for (c, olds) in groups.iter().enumerate() {
        let mut counts: BTreeMap<u64, usize> = BTreeMap::new();
        for &o in olds {
            *counts.entry(o).or_default() += 1;
        }
        pairs.extend(counts.into_iter().map(|(o, n)| (n, o, c)));
    }
    pairs.sort_unstable_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut got: Vec<Option<u64>> = vec![None; groups.len()];
    let mut kept: std::collections::HashSet<u64> = Default::default();
    for (_, o, c) in pairs {
        if got[c].is_none() && !kept.contains(&o) {
            got[c] = Some(o);
            kept.insert(o);
        }
    }
    let mut next = next_cluster;
    let ids = got
        .into_iter()
        .map(|g| {
            g.unwrap_or_else(|| {
                next += 1;
                next - 1
            })
        })
        .collect();
    (ids, next)
}

/// Reclusters the index in `dir` ([module docs](self)). Holds the writer's lock; removes
/// what an earlier crash left first. `asked` gives the settings that do not change verdicts
/// (threads, memory), as for `add`.
pub fn recluster(dir: &Path, asked: &Config) -> Result<Reclustered> {
    let _lock = store::lock_index(dir)?;
    let index = Index::open(dir)?;
    let cfg = index.config(asked)?;
    let m = &index.manifest;
    let live: Vec<String> = m.segments.iter().map(|s| s.file.clone()).collect();
    store::clean_leftovers(dir, &live, m.generation)?;

    // The window, in index order: (segment, article).
    let mut stored: Vec<StoredArticle> = Vec::new();
    let mut seg_of: Vec<usize> = Vec::new();
    let mut articles: Vec<Article> = Vec::new();
    let origin = Origin {
        file: Arc::from("index"),
        line: 0,
    };
    for (si, e) in m.segments.iter().enumerate() {
        let mut s = open(dir, e)?;
        let all: Vec<u32> = (0..s.articles as u32).collect();
        for (a, text) in s.read_articles(&all)? {
            articles.push(Article {
                id: a.id.clone(),
                title: a.title.clone(),
                body: Body::Text(text),
                source: a.source.clone(),
                date: a.date.clone(),
                origin: origin.clone(),
            });
            stored.push(a);
            seg_of.push(si);
        }
    }
    let corpus = Corpus::in_memory(articles);
    let (scan, _) = crate::pipeline::scan(&corpus, Vec::new(), &cfg)?;
    drop(corpus);

    // The new clusters: the scan's, and every other article alone; in order of first member.
    let pos: HashMap<&str, usize> = stored
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let mut of_article: Vec<Option<usize>> = vec![None; stored.len()];
    for (c, cl) in scan.clusters.iter().enumerate() {
        for mem in &cl.members {
            if let Some(&p) = pos.get(mem.as_str()) {
                of_article[p] = Some(c);
            }
        }
    }
    // (members in index order, canonical) per new cluster.
    let mut news: Vec<(Vec<usize>, String)> = Vec::new();
    let mut slot: HashMap<usize, usize> = HashMap::new();
    for p in 0..stored.len() {
        match of_article[p] {
            None => news.push((vec![p], stored[p].id.clone())),
            Some(c) => match slot.get(&c) {
                Some(&n) => news[n].0.push(p),
                None => {
                    slot.insert(c, news.len());
                    news.push((vec![p], scan.clusters[c].canonical.clone()));
                }
            },
        }
    }
    let old: Vec<u64> = stored.iter().map(|a| index.resolve(a.cluster)).collect();
    let groups: Vec<Vec<u64>> = news
        .iter()
        .map(|(ms, _)| ms.iter().map(|&p| old[p]).collect())
        .collect();
    let (ids, next_cluster) = assign(&groups, m.next_cluster);

    // The map.
    let mut old_size: HashMap<u64, usize> = HashMap::new();
    for &o in &old {
        *old_size.entry(o).or_default() += 1;
    }
    let mut changed = Vec::new();
    let mut unchanged = 0;
    let mut table: BTreeMap<u64, ClusterInfo> = BTreeMap::new();
    let mut new_id: Vec<u64> = vec![0; stored.len()];
    for ((members, canonical), (&id, olds)) in news.iter().zip(ids.iter().zip(&groups)) {
        for &p in members {
            new_id[p] = id;
        }
        if members.len() > 1 {
            table.insert(
                id,
                ClusterInfo {
                    canonical: canonical.clone(),
                    canonical_date: pos
                        .get(canonical.as_str())
                        .map_or_else(String::new, |&p| stored[p].date.clone()),
                    merged_into: None,
                },
            );
        }
        let same = olds.iter().all(|&o| o == id) && old_size.get(&id) == Some(&members.len());
        if same {
            unchanged += 1;
            continue;
        }
        let mut old_ids: Vec<u64> = olds.clone();
        old_ids.sort_unstable();
        old_ids.dedup();
        changed.push(Changed {
            new: cluster_name(id),
            fresh: id >= m.next_cluster,
            old: old_ids.iter().map(|&o| cluster_name(o)).collect(),
            members: members.len(),
            canonical: canonical.clone(),
            moved: members
                .iter()
                .filter(|&&p| old[p] != id)
                .map(|&p| Moved {
                    id: stored[p].id.clone(),
                    old: cluster_name(old[p]),
                })
                .collect(),
        });
    }
    let kept: std::collections::HashSet<u64> = ids.iter().copied().collect();
    let mut retired: Vec<u64> = old_size
        .keys()
        .copied()
        .filter(|o| !kept.contains(o))
        .collect();
    retired.sort_unstable();
    let fresh = ids.iter().filter(|&&id| id >= m.next_cluster).count();

    // Segments holding an article whose stored id is not its new id are rewritten.
    let mut stale = vec![false; m.segments.len()];
    for (p, a) in stored.iter().enumerate() {
        if a.cluster != new_id[p] {
            stale[seg_of[p]] = true;
        }
    }
    let rewritten = stale.iter().filter(|&&s| s).count();
    let mut map = ClusterMap {
        version: MAP_VERSION,
        generation: m.generation,
        articles: stored.len(),
        clusters: changed,
        retired: retired.into_iter().map(cluster_name).collect(),
        unchanged,
    };
    if rewritten == 0 && table == m.clusters && next_cluster == m.next_cluster {
        return Ok(Reclustered {
            map,
            written: false,
            rewritten: 0,
            segments: m.segments.len(),
            fresh,
        });
    }

    let mut nm = m.clone();
    nm.generation += 1;
    map.generation = nm.generation;
    let mut steps = Steps::from_env();
    let mut first = 0;
    let mut replaced = Vec::new();
    for (si, e) in m.segments.iter().enumerate() {
        let n = e.articles;
        if stale[si] {
            nm.segments[si] =
                rewrite(dir, e, &new_id[first..first + n], nm.generation, &mut steps)?;
            replaced.push(e.file.clone());
        }
        first += n;
    }
    let mut bytes = serde_json::to_vec(&map).expect("a cluster map serialises");
    bytes.push(b'\n');
    store::write_atomic(dir, &store::map_name(nm.generation), &bytes, &mut steps)?;
    nm.clusters = table;
    nm.next_cluster = next_cluster;
    nm.format = store::FORMAT_VERSION;
    nm.written_by = env!("CARGO_PKG_VERSION").to_string();
    store::write_atomic(dir, store::MANIFEST, &nm.to_bytes(), &mut steps)?;
    store::remove_replaced(dir, &replaced, &mut steps)?;
    Ok(Reclustered {
        map,
        written: true,
        rewritten,
        segments: m.segments.len(),
        fresh,
    })
}

fn open(dir: &Path, e: &SegmentEntry) -> Result<store::Segment> {
    store::Segment::open(dir, e)?
        .ok_or_else(|| store::corrupt(&dir.join(&e.file), "named by the manifest but missing"))
}

/// Writes segment `e` again with its articles' cluster ids set to `ids`, named for
/// `generation`; returns its manifest entry. Texts, events and keys are copied as they are.
fn rewrite(
    dir: &Path,
    e: &SegmentEntry,
    ids: &[u64],
    generation: u64,
    steps: &mut Steps,
) -> Result<SegmentEntry> {
    let file = store::rewritten_name(&e.file, generation).ok_or_else(|| {
        store::corrupt(
            &dir.join(store::MANIFEST),
            format!("names segment {:?}, not a name reprint writes", e.file),
        )
    })?;
    let mut s = open(dir, e)?;
    let all: Vec<u32> = (0..s.articles as u32).collect();
    let (mut articles, mut texts) = (Vec::new(), Vec::new());
    for ((mut a, text), &id) in s.read_articles(&all)?.into_iter().zip(ids) {
        a.cluster = id;
        articles.push(a);
        texts.push(text);
    }
    let events = s.events()?;
    let mut keys = Vec::new();
    s.for_each_row(store::KEYS, None, |k, a| keys.push((k, a)))?;
    keys.sort_unstable();
    let mut entry = store::NewSegment {
        articles: &articles,
        texts: &texts,
        events: &events,
        keys: &keys,
    }
    .write(dir, file, steps)?;
    entry.first_max_date = e.first_max_date.clone();
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Case {
        name: &'static str,
        groups: &'static [&'static [u64]],
        want: &'static [u64],
    }

    #[test]
    fn ids_go_to_the_largest_contributions_and_are_never_reused() {
        // The next free id is 10 in every case.
        let cases = [
            Case {
                name: "nothing changes",
                groups: &[&[1, 1, 1], &[2], &[3, 3]],
                want: &[1, 2, 3],
            },
            Case {
                name: "a split: the larger part keeps the id",
                groups: &[&[1], &[1, 1]],
                want: &[10, 1],
            },
            Case {
                name: "a split into equal parts: the first keeps it",
                groups: &[&[4, 4], &[4, 4]],
                want: &[4, 10],
            },
            Case {
                name: "a join keeps the larger contributor's id",
                groups: &[&[1, 2, 2, 3]],
                want: &[2],
            },
            Case {
                name: "a join of equal parts keeps the lower id",
                groups: &[&[5, 3]],
                want: &[3],
            },
            Case {
                name: "a cluster whose best id is taken keeps its next best",
                groups: &[&[1, 1, 1], &[1, 2]],
                want: &[1, 2],
            },
            Case {
                name: "fresh ids in order of the clusters",
                groups: &[&[7], &[7], &[7]],
                want: &[7, 10, 11],
            },
            Case {
                name: "empty",
                groups: &[],
                want: &[],
            },
        ];
        for c in cases {
            let groups: Vec<Vec<u64>> = c.groups.iter().map(|g| g.to_vec()).collect();
            let (ids, next) = assign(&groups, 10);
            assert_eq!(ids, c.want, "{}", c.name);
            let fresh = ids.iter().filter(|&&i| i >= 10).count() as u64;
            assert_eq!(next, 10 + fresh, "{}", c.name);
            let mut seen = ids.clone();
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(seen.len(), ids.len(), "{}: an id given twice", c.name);
            for (g, id) in groups.iter().zip(&ids) {
                assert!(
                    *id >= 10 || g.contains(id),
                    "{}: {id} not a member's",
                    c.name
                );
            }
        }
    }
}
